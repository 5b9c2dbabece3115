"""What the organisation portal's pages share: the acting organisation, form data, one-time notices, and the
learner form's fields (named by their protocol elements, so the register's field errors land beside them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Request

from ....bootstrap import Services
from ....domain.access import Actor
from ....domain.errors import InvalidField
from ....domain.learner import PROTOCOL_NAMES, AbilityToShare, Gender, LearnerDetails, VerificationType, parse_details
from ....domain.users import User
from ..access import current_user
from ..templating import field_errors

NOTICE_KEY = "notice"
ATTRIBUTES = {element: attribute for attribute, element in PROTOCOL_NAMES.items()}
DATE_ELEMENTS = ("DateOfBirth", "DateOfAddressCapture")


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def acting(request: Request) -> tuple[User, Actor]:
    """The signed-in person and the register's actor for them: their organisation, with its UKPRN."""
    user = current_user(request)
    ukprn = None
    if user.organisation_id is not None:
        organisation = services(request).organisations.get(user.organisation_id)
        ukprn = organisation.ukprn if organisation else None
    return user, user.actor(ukprn)


async def _form(request: Request) -> dict[str, str]:
    data = await request.form()
    return {key: value.strip() for key, value in data.items() if isinstance(value, str)}


FormData = Annotated[dict[str, str], Depends(_form)]


def notify(request: Request, text: str) -> None:
    """A notice for the next page this person sees (after a redirect), shown once."""
    request.session[NOTICE_KEY] = text


def take_notice(request: Request) -> str | None:
    text = request.session.pop(NOTICE_KEY, None)
    return str(text) if text else None


def errors_of(problem: InvalidField) -> dict[str, str]:
    """Field errors keyed by the id of the field to go to: a date's day box, else the element itself."""
    return {f"{field}-day" if field in DATE_ELEMENTS else field: message
            for field, message in field_errors(problem).items()}  # fmt: skip


def typed_date(form: Mapping[str, str], element: str) -> str:
    """A GOV.UK date input's three boxes as yyyy-mm-dd for the register's rule ('' when all are empty)."""
    day, month, year = (form.get(f"{element}-{part}", "").strip() for part in ("day", "month", "year"))
    if not (day or month or year):
        return ""
    if day.isdigit() and month.isdigit() and year.isdigit():
        return f"{year.zfill(4)}-{month.zfill(2)}-{day.zfill(2)}"
    return f"{year}-{month}-{day}"


@dataclass(frozen=True, slots=True)
class Field:
    element: str
    label: str
    kind: str = "text"  # text, date, email, gender, verification, sharing, textarea
    width: str = "govuk-!-width-two-thirds"
    autocomplete: str | None = None
    hint: str | None = None


SEARCHED = ("GivenName", "FamilyName", "DateOfBirth", "Gender", "LastKnownPostCode", "PreviousFamilyName")
FIELDS = (
    Field("GivenName", "Given name", autocomplete="off"),
    Field("FamilyName", "Family name", autocomplete="off"),
    Field("DateOfBirth", "Date of birth", "date", hint="For example, 27 3 2008"),
    Field("Gender", "Gender", "gender"),
    Field("LastKnownPostCode", "Postcode", width="govuk-input--width-10", hint="The learner's last known postcode"),
    Field("PreviousFamilyName", "Previous family name (optional)", hint="For example, a family name before marriage"),
    Field("Title", "Title (optional)", width="govuk-input--width-10"),
    Field("MiddleOtherName", "Middle names (optional)"),
    Field("PreferredGivenName", "Preferred given name (optional)"),
    Field("FamilyNameAtAge16", "Family name at 16 (optional)"),
    Field("SchoolAtAge16", "School at 16 (optional)"),
    Field("LastKnownAddressLine1", "Address line 1 (optional)"),
    Field("LastKnownAddressLine2", "Address line 2 (optional)"),
    Field("LastKnownAddressTown", "Town (optional)"),
    Field("LastKnownAddressCountyOrCity", "County or city (optional)"),
    Field("DateOfAddressCapture", "Date the address was given (optional)", "date"),
    Field("PlaceOfBirth", "Place of birth (optional)"),
    Field("EmailAddress", "Email address (optional)", "email"),
    Field("Nationality", "Nationality (optional)", width="govuk-input--width-5", hint="A 3-letter country code"),
    Field("ScottishCandidateNumber", "Scottish Candidate Number (optional)", width="govuk-input--width-10",
          hint="9 digits"),
    Field("VerificationType", "How the learner's identity was checked", "verification"),
    Field("OtherVerificationDescription", "Other check (required when the check is 'Other')"),
    Field("AbilityToShare", "Privacy notice and sharing", "sharing"),
    Field("Notes", "Notes (optional)", "textarea"),
)  # fmt: skip
GENDERS = ((Gender.FEMALE, "Female"), (Gender.MALE, "Male"), (Gender.NOT_KNOWN, "Not known"),
           (Gender.NOT_SPECIFIED, "Not specified"))  # fmt: skip
VERIFICATIONS = (
    (VerificationType.NONE, "Not checked"),
    (VerificationType.RELATIONSHIP_WITH_SCHOOL, "Relationship with the school or college"),
    (VerificationType.PASSPORT, "Passport"),
    (VerificationType.DRIVING_LICENCE, "Driving licence"),
    (VerificationType.NATIONAL_ID_CARD, "National identity card"),
    (VerificationType.NATIONAL_INSURANCE_CARD, "National Insurance card"),
    (VerificationType.CERTIFICATE_OF_ENTITLEMENT, "Certificate of entitlement"),
    (VerificationType.BANK_OR_CREDIT_CARD, "Bank or credit card"),
    (VerificationType.OTHER, "Other"),
)
SHARING = (
    (AbilityToShare.SHARE, "The learner has seen the privacy notice and their record may be shared"),
    (AbilityToShare.DO_NOT_SHARE, "The learner has seen the privacy notice and asked not to share their record"),
    (AbilityToShare.NOTICE_NOT_SEEN, "The learner has not seen the privacy notice yet"),
)
GENDER_WORDS = dict(GENDERS)
VERIFICATION_WORDS = dict(VERIFICATIONS)
SHARING_WORDS = {AbilityToShare.SHARE: "May be shared", AbilityToShare.DO_NOT_SHARE: "Asked not to share",
                 AbilityToShare.NOTICE_NOT_SEEN: "Has not seen the privacy notice"}  # fmt: skip


def typed_values(form: Mapping[str, str]) -> dict[str, str]:
    """The learner fields as typed, by element (dates as their three boxes too, to show them again)."""
    values = {f.element: form.get(f.element, "") for f in FIELDS if f.kind != "date"}
    for element in DATE_ELEMENTS:
        for part in ("day", "month", "year"):
            values[f"{element}-{part}"] = form.get(f"{element}-{part}", "")
    return values


def details_from(values: Mapping[str, str]) -> LearnerDetails:
    """The learner's details from typed values, checked by the register's rules (every problem at once)."""
    raw: dict[str, object] = {ATTRIBUTES[f.element]: values.get(f.element, "") for f in FIELDS if f.kind != "date"}
    for element in DATE_ELEMENTS:
        raw[ATTRIBUTES[element]] = typed_date(values, element)
    return parse_details(raw)


def values_of(details: LearnerDetails) -> dict[str, str]:
    """A learner's details as form values, to show the current ones on a form."""
    values: dict[str, str] = {}
    for attribute, value in details.as_dict().items():
        element = PROTOCOL_NAMES[attribute]
        if isinstance(value, date):
            values.update({f"{element}-day": str(value.day), f"{element}-month": str(value.month),
                           f"{element}-year": str(value.year)})  # fmt: skip
        elif value is not None:
            values[element] = str(int(value)) if isinstance(value, int) else str(value)
    return values


def summary_rows(details: LearnerDetails) -> list[dict[str, Any]]:
    """The learner's details as GOV.UK summary-list rows, in plain words, the fields with a value."""
    shown: list[dict[str, Any]] = []
    for f in FIELDS:
        value = getattr(details, ATTRIBUTES[f.element])
        if value is None or value == "":
            continue
        if f.kind == "date":
            text = f"{value.day} {value:%B %Y}"
        elif f.kind == "gender":
            text = GENDER_WORDS[Gender(value)]
        elif f.kind == "verification":
            text = VERIFICATION_WORDS[VerificationType(value)]
        elif f.kind == "sharing":
            text = SHARING_WORDS[AbilityToShare(value)]
        else:
            text = str(value)
        shown.append({"key": {"text": f.label.removesuffix(" (optional)")}, "value": {"text": text}})
    return shown
