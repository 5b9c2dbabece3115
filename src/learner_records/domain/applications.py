"""Becoming a learner registration body (or an awarding organisation): the application and its rules.

What the register asks of an applicant (the LRB Organisation Registration and Agreement Form):

- its UKPRN, exactly 8 digits (from the UK Register of Learning Providers);
- its name and postal address;
- a named signatory (name and role) who accepts the Learning Provider Agreement;
- a super user, one named person, whose email address is on the organisation's own web domain (the domain the
  applicant gives, or a subdomain of it) and is personal: role and shared mailboxes (`SHARED_MAILBOXES`) are
  refused, because the super user's account is theirs alone and manages the organisation's other users.

Every broken rule is reported at once, each on its own field (the names of `ApplicationForm`'s fields). A register
administrator then approves the application (the organisation and its super user are created) or rejects it with
a reason; `approve` and `reject` say which transitions are allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from .access import OrganisationKind
from .checks import FieldChecks
from .errors import Conflict, InvalidField
from .users import Role, check_email

NAME_LIMIT = 254
PERSON_LIMIT = 120
ADDRESS_LIMIT = 1000
REASON_LIMIT = 2000

# Local parts of addresses that a role or a team reads rather than one person. An address is refused when its local
# part, before any "+tag", is one of these, with or without separators, or starts with one followed by a separator
# or a digit (exams@, exams.office@, exams-2@, no-reply@, it.support@).
SHARED_MAILBOXES = frozenset({
    "exams", "exam", "examinations", "examsofficer", "examofficer", "admin", "administrator", "administration",
    "office", "info", "information", "enquiries", "enquiry", "reception", "admissions", "mis", "data", "it", "ict",
    "hr", "finance", "accounts", "noreply", "donotreply", "contact", "hello", "support", "helpdesk", "general",
    "mail", "school", "college", "staff", "team", "webmaster", "postmaster",
})  # fmt: skip
APPLYING_KINDS = (OrganisationKind.LEARNER_REGISTRATION_BODY, OrganisationKind.AWARDING_ORGANISATION)
KIND_LABELS = {
    OrganisationKind.LEARNER_REGISTRATION_BODY: "Learner registration body",
    OrganisationKind.AWARDING_ORGANISATION: "Awarding organisation",
    OrganisationKind.REGISTER_ADMINISTRATOR: "Register administrator",
}

_UKPRN = re.compile(r"^[0-9]{8}$")
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN = re.compile(rf"^{_LABEL}(?:\.{_LABEL})+$")
_SEPARATORS = re.compile(r"[._\-]")
_FIRST_WORD = re.compile(r"^([a-z]+)(?:[._\-]|[0-9])")


class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"  # awaiting review
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class ApplicationForm:
    """What the applicant sent, as typed."""

    kind: str
    ukprn: str
    name: str
    address: str
    web_domain: str
    signatory_name: str
    signatory_role: str
    agreed: bool
    super_user_name: str
    super_user_email: str


@dataclass(frozen=True, slots=True)
class Application:
    id: int
    kind: OrganisationKind
    ukprn: str
    name: str
    address: str
    web_domain: str
    signatory_name: str
    signatory_role: str
    agreed_at: datetime
    super_user_name: str
    super_user_email: str
    status: ApplicationStatus
    submitted_at: datetime
    reason: str | None = None  # why it was rejected
    decided_at: datetime | None = None
    decided_by: str | None = None
    organisation_id: int | None = None  # the organisation an approval created

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def super_user_role(self) -> Role:
        return super_user_role(self.kind)


def super_user_role(kind: OrganisationKind) -> Role:
    """The role of the person who manages an approved organisation's other users."""
    return Role.AWARDING_BODY_USER if kind is OrganisationKind.AWARDING_ORGANISATION else Role.SUPER_USER


def check_ukprn(text: str, field: str = "ukprn") -> str:
    value = text.strip()
    if not _UKPRN.match(value):
        raise InvalidField(field, f"{text!r} is not 8 digits", "a UKPRN is exactly 8 digits, e.g. 10012345")
    return value


def check_kind(text: str, field: str = "kind") -> OrganisationKind:
    try:
        kind = OrganisationKind(text)
    except ValueError:
        kind = None
    if kind not in APPLYING_KINDS:
        raise InvalidField(field, "is not chosen", "a learner registration body or an awarding organisation")
    assert kind is not None
    return kind


def _present(text: str, field: str, what: str, limit: int) -> str:
    value = text.strip()
    if not value:
        raise InvalidField(field, "is empty", f"enter {what}")
    if len(value) > limit:
        raise InvalidField(field, f"has {len(value)} characters", f"at most {limit} characters")
    return value


def check_web_domain(text: str, field: str = "web_domain") -> str:
    """The organisation's web domain, lower-case; a scheme, path or leading "www." is dropped (no one's mail is
    at www.)."""
    value = text.strip().lower()
    value = re.sub(r"^[a-z]+://", "", value).split("/", 1)[0].removeprefix("www.").rstrip(".")
    if not value:
        raise InvalidField(field, "is empty", "enter the organisation's web domain, e.g. riverside.ac.uk")
    if len(value) > 253 or not _DOMAIN.match(value):
        raise InvalidField(field, f"{text!r} is not a web domain", "a domain such as riverside.ac.uk")
    return value


def is_shared_mailbox(email: str) -> bool:
    """Whether an address looks like a role's or a team's rather than one person's (see SHARED_MAILBOXES)."""
    local = email.strip().lower().partition("@")[0].partition("+")[0]
    if local in SHARED_MAILBOXES or _SEPARATORS.sub("", local) in SHARED_MAILBOXES:
        return True
    first = _FIRST_WORD.match(local)
    return first is not None and first.group(1) in SHARED_MAILBOXES


def is_on_domain(email: str, domain: str) -> bool:
    """Whether the address's domain is `domain` or a subdomain of it."""
    host = email.strip().lower().rpartition("@")[2]
    return host == domain or host.endswith("." + domain)


def check_super_user_email(email: str, domain: str | None, field: str = "super_user_email") -> str:
    if not email.strip():
        raise InvalidField(field, "is empty", "enter the super user's own email address")
    address = check_email(email, field)
    if is_shared_mailbox(address):
        raise InvalidField(field, f"the address {address} is a shared or role mailbox",
                           "the super user's own address, used by them alone, not exams@, office@ or info@")
    if domain is not None and not is_on_domain(address, domain):
        raise InvalidField(field, f"the address {address} is not on the organisation's domain {domain}",
                           f"an address at {domain} or a subdomain of it")  # fmt: skip
    return address


def _agreed(agreed: bool, field: str = "agreed") -> bool:
    if not agreed:
        raise InvalidField(field, "the agreement is not accepted", "the signatory must accept the agreement")
    return True


def check_application(form: ApplicationForm, now: datetime) -> Application:
    """The application as it will be stored, or InvalidFields naming every broken rule on its field."""
    checks = FieldChecks()
    kind = checks.take(check_kind, form.kind)
    ukprn = checks.take(check_ukprn, form.ukprn)
    name = checks.take(_present, form.name, "name", "the organisation's name", NAME_LIMIT)
    address = checks.take(_present, form.address, "address", "the organisation's postal address", ADDRESS_LIMIT)
    domain = checks.take(check_web_domain, form.web_domain)
    signatory = checks.take(_present, form.signatory_name, "signatory_name", "the signatory's full name",
                            PERSON_LIMIT)  # fmt: skip
    signatory_role = checks.take(_present, form.signatory_role, "signatory_role",
                                 "the signatory's role, e.g. head teacher or director", PERSON_LIMIT)
    checks.take(_agreed, form.agreed)
    super_user = checks.take(_present, form.super_user_name, "super_user_name", "the super user's full name",
                             PERSON_LIMIT)  # fmt: skip
    email = checks.take(check_super_user_email, form.super_user_email, domain)
    checks.done()
    assert kind and ukprn and name and address and domain and signatory and signatory_role and super_user and email
    return Application(0, kind, ukprn, name, address, domain, signatory, signatory_role, now, super_user, email,
                       ApplicationStatus.SUBMITTED, now)  # fmt: skip


def _awaiting(application: Application) -> None:
    if application.status is not ApplicationStatus.SUBMITTED:
        raise Conflict(f"Application {application.id} was {application.status.value} already")


def approve(application: Application, by: str, organisation_id: int, now: datetime) -> Application:
    _awaiting(application)
    return replace(application, status=ApplicationStatus.APPROVED, decided_at=now, decided_by=by,
                   organisation_id=organisation_id)  # fmt: skip


def check_reason(text: str, field: str = "reason") -> str:
    return _present(text, field, "why the application is rejected", REASON_LIMIT)


def reject(application: Application, by: str, reason: str, now: datetime) -> Application:
    """Rejected with a reason the applicant is told; a reason is required."""
    text = check_reason(reason)
    _awaiting(application)
    return replace(application, status=ApplicationStatus.REJECTED, reason=text, decided_at=now, decided_by=by)
