"""The learner record and the MIAP field rules (lrs-interface.md sections 3, 4.2 and 11).

Field errors name the protocol's element (GivenName, DateOfBirth, ...) so that REST, SOAP, CSV and the CLI all
speak of a field the same way. `parse_details` checks every field and reports all problems at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from enum import IntEnum
from typing import Any

from . import uln as uln_rules
from .errors import InvalidField, InvalidFields
from .names import format_postcode


class Gender(IntEnum):
    NOT_KNOWN = 0
    MALE = 1
    FEMALE = 2
    NOT_SPECIFIED = 9


class AbilityToShare(IntEnum):
    NOTICE_NOT_SEEN = 0
    SHARE = 1
    DO_NOT_SHARE = 2


class VerificationType(IntEnum):
    NONE = 0
    RELATIONSHIP_WITH_SCHOOL = 1
    PASSPORT = 2
    DRIVING_LICENCE = 3
    NATIONAL_ID_CARD = 4
    NATIONAL_INSURANCE_CARD = 5
    CERTIFICATE_OF_ENTITLEMENT = 6
    BANK_OR_CREDIT_CARD = 7
    OTHER = 999


class LearnerStatus(IntEnum):
    INACTIVE = 0
    ACTIVE = 1
    CLOSED = 2


class TierLevel(IntEnum):
    TIER_0 = 0
    TIER_1 = 1
    TIER_2 = 2


# attribute -> protocol element name, in the order of the protocol's LearnerToRegister
PROTOCOL_NAMES: dict[str, str] = {
    "title": "Title",
    "given_name": "GivenName",
    "middle_other_name": "MiddleOtherName",
    "family_name": "FamilyName",
    "preferred_given_name": "PreferredGivenName",
    "previous_family_name": "PreviousFamilyName",
    "family_name_at_16": "FamilyNameAtAge16",
    "school_at_16": "SchoolAtAge16",
    "address_line_1": "LastKnownAddressLine1",
    "address_line_2": "LastKnownAddressLine2",
    "town": "LastKnownAddressTown",
    "county_or_city": "LastKnownAddressCountyOrCity",
    "postcode": "LastKnownPostCode",
    "date_of_address_capture": "DateOfAddressCapture",
    "date_of_birth": "DateOfBirth",
    "place_of_birth": "PlaceOfBirth",
    "gender": "Gender",
    "email_address": "EmailAddress",
    "nationality": "Nationality",
    "scottish_candidate_number": "ScottishCandidateNumber",
    "verification_type": "VerificationType",
    "other_verification_description": "OtherVerificationDescription",
    "ability_to_share": "AbilityToShare",
    "notes": "Notes",
}
MANDATORY = (
    "given_name",
    "family_name",
    "date_of_birth",
    "gender",
    "postcode",
    "verification_type",
    "ability_to_share",
)

_POSTCODE = re.compile(
    r"^(?:[A-Z]{1,2}[0-9R][0-9A-Z]? ?[0-9][ABD-HJLNP-UW-Z]{2}|BFPO ?[0-9]{1,4}) {0,4}$", re.IGNORECASE
)
_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,6}$"
)
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_SCN = re.compile(r"^[0-9]{9}$")


def _name_non_empty(value: str, name: str) -> str:
    if not value.strip():
        raise InvalidField(name, "is empty", "MIAPNameNonEmpty: 1-35 characters, at least one not a space")
    if len(value) > 35:
        raise InvalidField(name, f"has {len(value)} characters", "MIAPNameNonEmpty: 1-35 characters")
    return value


def _limited(limit: int, type_name: str) -> Callable[[str, str], str]:
    def check(value: str, name: str) -> str:
        if len(value) > limit:
            raise InvalidField(name, f"has {len(value)} characters", f"{type_name}: at most {limit} characters")
        return value

    return check


def parse_date(value: object, name: str) -> date:
    """MIAPDate: yyyy-mm-dd, year 1800-2099, a real calendar date."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value).strip()
    matched = _DATE.match(text)
    if not matched:
        raise InvalidField(name, f"{text!r} is not in the form yyyy-mm-dd", "MIAPDate: yyyy-mm-dd")
    year, month, day = (int(part) for part in matched.groups())
    if not 1800 <= year <= 2099:
        raise InvalidField(name, f"{text} has year {year}", "MIAPDate: year 1800-2099")
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidField(name, f"{text} is not a real date", "MIAPDate: a calendar date") from None


def _postcode(value: str, name: str) -> str:
    text = value.strip().upper()
    if len(value) > 9 + 4 or not _POSTCODE.match(text):
        raise InvalidField(
            name, f"{value!r} is not a UK postcode", "MIAPPostCode: a UK postcode such as CV4 9EE, or BFPO 123"
        )
    return format_postcode(text)


def _email(value: str, name: str) -> str:
    if len(value) > 254 or not _EMAIL.match(value):
        raise InvalidField(
            name, f"{value!r} is not an email address", "MIAPEmail: local@domain.tld, at most 254 characters"
        )
    return value


def _nationality(value: str, name: str) -> str:
    if len(value) > 3:
        raise InvalidField(
            name, f"{value!r} is longer than 3 characters", "MIAPNationality: a code of at most 3 characters"
        )
    return value.upper()


def _scn(value: str, name: str) -> str:
    if not _SCN.match(value):
        raise InvalidField(name, f"{value!r} is not 9 digits", "MIAPScottishCandidateNumber: 9 digits")
    return value


def _code(enum: type[IntEnum], type_name: str) -> Callable[[object, str], IntEnum]:
    allowed = "|".join(str(member.value) for member in enum)

    def check(value: object, name: str) -> IntEnum:
        try:
            number = int(str(value).strip())
            return enum(number)
        except ValueError:
            raise InvalidField(name, f"{value!r} is not one of {allowed}", f"{type_name}: {allowed}") from None

    return check


_TEXT_RULES: dict[str, Callable[[str, str], str]] = {
    "title": _limited(35, "MIAPName"),
    "given_name": _name_non_empty,
    "middle_other_name": _limited(35, "MIAPName"),
    "family_name": _name_non_empty,
    "preferred_given_name": _limited(35, "MIAPName"),
    "previous_family_name": _limited(35, "MIAPName"),
    "family_name_at_16": _limited(35, "MIAPName"),
    "school_at_16": _limited(254, "MIAPSchoolName"),
    "address_line_1": _limited(50, "MIAPAddress"),
    "address_line_2": _limited(50, "MIAPAddress"),
    "town": _limited(50, "MIAPAddress"),
    "county_or_city": _limited(50, "MIAPAddress"),
    "postcode": _postcode,
    "place_of_birth": _limited(35, "MIAPPlaceOfBirth"),
    "email_address": _email,
    "nationality": _nationality,
    "scottish_candidate_number": _scn,
    "other_verification_description": _limited(255, "MIAPOtherVerificationDescription"),
    "notes": _limited(4000, "MIAPNotes"),
}
_CODE_RULES: dict[str, Callable[[object, str], IntEnum]] = {
    "gender": _code(Gender, "MIAPGender"),
    "verification_type": _code(VerificationType, "MIAPVerificationType"),
    "ability_to_share": _code(AbilityToShare, "MIAPAbilityToShare"),
}
_DATE_FIELDS = ("date_of_birth", "date_of_address_capture")


@dataclass(frozen=True, slots=True)
class LearnerDetails:
    """What an organisation supplies about a learner (LearnerToRegister). Build it with `parse_details`."""

    given_name: str
    family_name: str
    date_of_birth: date
    gender: Gender
    postcode: str
    verification_type: VerificationType = VerificationType.NONE
    ability_to_share: AbilityToShare = AbilityToShare.NOTICE_NOT_SEEN
    title: str | None = None
    middle_other_name: str | None = None
    preferred_given_name: str | None = None
    previous_family_name: str | None = None
    family_name_at_16: str | None = None
    school_at_16: str | None = None
    address_line_1: str | None = None
    address_line_2: str | None = None
    town: str | None = None
    county_or_city: str | None = None
    date_of_address_capture: date | None = None
    place_of_birth: str | None = None
    email_address: str | None = None
    nationality: str | None = None
    scottish_candidate_number: str | None = None
    other_verification_description: str | None = None
    notes: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def parse_details(raw: Mapping[str, object]) -> LearnerDetails:
    """Check every field of `raw` (attribute names as keys) against its MIAP rule; raise InvalidFields listing all."""
    values: dict[str, object] = {}
    problems: list[InvalidField] = []
    unknown = sorted(set(raw) - set(PROTOCOL_NAMES))
    for key in unknown:
        problems.append(InvalidField(key, "is not a learner field", "one of " + ", ".join(PROTOCOL_NAMES)))
    for attribute, element in PROTOCOL_NAMES.items():
        value = raw.get(attribute)
        if _is_blank(value):
            if attribute in MANDATORY and attribute not in ("verification_type", "ability_to_share"):
                problems.append(InvalidField(element, "is missing", "mandatory"))
            continue
        try:
            if attribute in _DATE_FIELDS:
                values[attribute] = parse_date(value, element)
            elif attribute in _CODE_RULES:
                values[attribute] = _CODE_RULES[attribute](value, element)
            else:
                values[attribute] = _TEXT_RULES[attribute](str(value), element)
        except InvalidField as problem:
            problems.append(problem)
    if values.get("verification_type") == VerificationType.OTHER and not values.get("other_verification_description"):
        problems.append(
            InvalidField("OtherVerificationDescription", "is missing", "required when VerificationType is 999 (other)")
        )
    if problems:
        raise InvalidFields(problems)
    return LearnerDetails(**values)  # type: ignore[arg-type]


def check_age(date_of_birth: date, on: date, minimum: int = 13, maximum: int = 110) -> None:
    """Batch rows: the learner must be aged 13-110 on the day of registration."""
    age = on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    if not minimum <= age <= maximum:
        raise InvalidField("DateOfBirth", f"gives an age of {age}", f"the learner must be aged {minimum}-{maximum}")


def check_not_in_future(date_of_birth: date, today: date) -> None:
    if date_of_birth > today:
        raise InvalidField(
            "DateOfBirth", f"{date_of_birth.isoformat()} is in the future", "a date of birth is in the past"
        )


@dataclass(frozen=True, slots=True)
class Learner:
    """A learner on the register: the supplied details plus what the register keeps."""

    uln: str
    details: LearnerDetails
    created_at: datetime
    updated_at: datetime
    version: int = 1
    status: LearnerStatus = LearnerStatus.ACTIVE
    tier_level: TierLevel = TierLevel.TIER_0
    master_uln: str | None = None  # set when this learner was merged into a master
    linked_ulns: tuple[str, ...] = field(default=())  # on a master: the ULNs merged into it

    @property
    def is_linked(self) -> bool:
        return self.master_uln is not None

    def with_details(self, details: LearnerDetails, now: datetime) -> Learner:
        return replace(self, details=details, updated_at=now, version=self.version + 1)


def allowed_ability_to_share_change(old: AbilityToShare, new: AbilityToShare) -> bool:
    """Once a learner has seen the privacy notice (1 or 2) they cannot be put back to 'not seen' (WSRC0014)."""
    return not (old != AbilityToShare.NOTICE_NOT_SEEN and new == AbilityToShare.NOTICE_NOT_SEEN)


def validate_uln(value: object, element: str = "ULN") -> str:
    return uln_rules.validate(str(value), element)


def check_name(value: object, element: str) -> str:
    """MIAPNameNonEmpty, for names sent outside a learner record (searches, verifications)."""
    return _name_non_empty("" if value is None else str(value), element)


def parse_gender(value: object, element: str = "Gender") -> Gender:
    return Gender(_CODE_RULES["gender"](value, element))


def parse_postcode(value: object, element: str = "LastKnownPostCode") -> str:
    return _postcode("" if value is None else str(value), element)
