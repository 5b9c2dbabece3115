"""What the learner portal's pages share: the services, one-time notices across a redirect, and the access log's
actions in plain words."""

from __future__ import annotations

from fastapi import Request

from ....bootstrap import Services
from ....services.learners_portal import LearnerPortalService
from ....services.ports import AccessRecord

_NOTICE = "lr_learner_notice"


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def portal(request: Request) -> LearnerPortalService:
    return services(request).learners_portal


def set_notice(request: Request, text: str) -> None:
    """A message for the next page this session opens (after a redirect), shown once."""
    request.session[_NOTICE] = text


def take_notice(request: Request) -> str | None:
    text = request.session.pop(_NOTICE, None)
    return text if isinstance(text, str) else None


_WHAT = {
    "register": "Registered you and gave you a ULN",
    "find_by_uln": "Found your record by your ULN",
    "find_by_demographics": "Found your record by your personal details",
    "verify": "Checked your ULN and name",
    "update": "Updated your personal details",
    "retrieve": "Looked up your ULN",
    "read_plr": "Read your learning record",
    "read_plr_not_shared": "Asked for your learning record (not shared)",
    "view_audit": "Looked at who has seen your record",
    "submit_achievement": "Sent an achievement to your record",
    "challenge_raised": "Challenged an entry",
    "challenge_accepted": "Accepted a challenge and corrected an entry",
    "challenge_rejected": "Answered a challenge and kept an entry",
    "merge": "Merged a duplicate record into yours",
    "unmerge": "Separated a record from yours",
    "invitation_issued": "Gave you an invitation code",
    "invitation_refused": "Asked for an invitation code for you, and was refused",
    "invitation_revoked": "Revoked an invitation code",
    "invitation_redemption_failed": "Tried an invitation code with the wrong family name or date of birth",
    "learner_account_detached": "Took an account off your record and suspended it, with its share links",
    "learner_account_created": "Set up your account",
    "own_record_read": "Viewed your record",
    "own_record_downloaded": "Downloaded your record as a PDF",
    "share_link_created": "Made a share link",
    "share_link_withdrawn": "Withdrew a share link",
    "share_link_viewed": "Viewed your record through a share link",
    "view_audit_not_shared": "Asked who has seen your record (not shared)",
    "merge_report": "Listed your record in the register's merge report",
    "duplicate_scan": "Listed your record as a possible duplicate",
    "access_log_searched": "Searched the access log for your record",
}
# Actions a learner takes themselves, with no organisation: shown as "You".
_OWN = {"learner_account_created", "own_record_read", "own_record_downloaded", "share_link_created",
        "share_link_withdrawn", "challenge_raised"}  # fmt: skip


def what(action: str) -> str:
    return _WHAT.get(action, action.replace("_", " ").capitalize())


def who(record: AccessRecord) -> str:
    """The organisation; a share link's viewer by its label; the learner as "You"; otherwise the register."""
    if record.organisation_name:
        return record.organisation_name
    if record.action in ("share_link_viewed", "invitation_redemption_failed"):  # the label, the email typed
        return record.user_name
    return "You" if record.action in _OWN else "The register"
