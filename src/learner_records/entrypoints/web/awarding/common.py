"""What every awarding page shares: the router, the signed-in person's actor (scoped to their centre, if a centre
user), plain-words field errors, and the labels and tag colours of ULN states and certification statuses."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ....bootstrap import Services
from ....domain.access import Actor
from ....domain.awarding import UlnState
from ....domain.errors import InvalidField, InvalidFields
from ....domain.users import Permission, User
from ...ids import form_id
from ..access import current_user
from ..templating import page

router = APIRouter(prefix="/awarding")

ULN_STATES: dict[str, tuple[str, str]] = {
    UlnState.NONE: ("No ULN", "govuk-tag--grey"),
    UlnState.PENDING: ("Waiting for validation", "govuk-tag--blue"),
    UlnState.VALIDATED: ("Validated", "govuk-tag--green"),
    UlnState.ANOMALY: ("Anomaly", "govuk-tag--red"),
    UlnState.REMOVED: ("ULN removed", "govuk-tag--orange"),
}
CERTIFICATION: dict[str, tuple[str, str]] = {
    "not_sent": ("Not sent", "govuk-tag--grey"),
    "sent": ("Sent", "govuk-tag--blue"),
    "confirmed": ("Confirmed", "govuk-tag--green"),
    "rejected": ("Rejected", "govuk-tag--red"),
    "withdrawn": ("Withdrawn", "govuk-tag--orange"),
}
GENDERS = (("1", "Male"), ("2", "Female"), ("0", "Not known"), ("9", "Not specified"))
LABELS = {
    "centre_id": "Centre", "qualification_reference": "Qualification", "given_name": "Given name",
    "family_name": "Family name", "date_of_birth": "Date of birth", "gender": "Gender", "postcode": "Postcode",
    "uln": "ULN", "candidate_reference": "Candidate reference", "grade": "Grade", "award_date": "Award date",
    "reason": "Reason", "file": "File", "header": "The file's header row", "fix": "Change",
}  # fmt: skip


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def actor(request: Request) -> tuple[User, Actor]:
    """The signed-in person and the actor they are on the awarding side (with their organisation's UKPRN)."""
    cached: tuple[User, Actor] | None = getattr(request.state, "awarding_actor", None)
    if cached is not None:
        return cached
    user = current_user(request)
    organisation = services(request).awarding_overview.organisation(user.actor())
    request.state.awarding_actor = (user, user.actor(organisation.ukprn))
    return request.state.awarding_actor  # type: ignore[no-any-return]


def organisation_wide(user: User) -> bool:
    """An awarding body user (all centres, results, certificates) rather than a centre's staff."""
    return user.may(Permission.AWARDING)


def explain(problems: InvalidField | InvalidFields, rename: dict[str, str] | None = None) -> dict[str, str]:
    """Field errors as {field id: message}, each message starting with the field's name."""
    items = problems.problems if isinstance(problems, InvalidFields) else (problems,)
    errors = {}
    for p in items:
        label = LABELS.get(p.field, p.field.replace("_", " ").capitalize())
        errors[(rename or {}).get(p.field, p.field)] = f"{label} {p.problem} ({p.rule})"
    return errors


def joined_date(day: str, month: str, year: str) -> str:
    """A GOV.UK date input's three boxes as yyyy-mm-dd ("" when all are blank), for the domain to check."""
    parts = [day.strip(), month.strip(), year.strip()]
    if not any(parts):
        return ""
    if all(part.isdigit() for part in parts):
        return f"{parts[2]:0>4}-{parts[1]:0>2}-{parts[0]:0>2}"
    return "-".join(parts[::-1])


def date_parts(value: date | str | None) -> dict[str, str]:
    if not value:
        return {"day": "", "month": "", "year": ""}
    day = value if isinstance(value, date) else None
    if day is None:
        try:
            day = date.fromisoformat(str(value))
        except ValueError:
            return {"day": "", "month": "", "year": ""}
    return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}


def optional_int(value: str | None) -> int | None:
    return form_id(value)


def show(request: Request, template: str, status_code: int = 200, **context: object) -> HTMLResponse:
    """An awarding page, with the state labels its tags need and whether the person is organisation-wide."""
    user, _ = actor(request)
    return page(request, template, status_code, uln_states=ULN_STATES, certification=CERTIFICATION,
                organisation_wide=organisation_wide(user), **context)  # fmt: skip
