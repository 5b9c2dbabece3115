"""Pieces of LearnerService messages that several operations answer with."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, Protocol

from ...domain.checks import FieldChecks
from ...domain.codes import FailureFlag
from ...domain.errors import InvalidField
from ...domain.learner import check_name, validate_uln
from ...lrs_contract import protocol_text as plain
from .xml import Message

FIND_TYPES = ("FUL", "CHK")


class RegisterValues(Protocol):
    """What the register holds of a verified learner (a RegisterRecord, or a batch row's RegisterValues)."""

    @property
    def uln(self) -> str: ...
    @property
    def family_name(self) -> str: ...
    @property
    def given_name(self) -> str: ...
    @property
    def date_of_birth(self) -> date: ...
    @property
    def gender(self) -> int: ...


def miap_date(value: datetime) -> str:
    """A learner's CreatedDate / LastUpdatedDate as the live service writes them: yyyy-MM-dd."""
    return value.strftime("%Y-%m-%d")


def miap_datetime(value: datetime | None) -> str | None:
    """MIAPDateTime: yyyy-MM-dd HH:mm:ss."""
    return None if value is None else value.strftime("%Y-%m-%d %H:%M:%S")


def verified_learner(
    searched: Mapping[str, Any], code: str, flags: Iterable[FailureFlag], register: RegisterValues | None
) -> Message:
    """MIAPVerifiedLearner: what was searched (ULN, FamilyName, GivenName, DateOfBirth, Gender), the outcome, and
    the register's values (the master's when the ULN is linked)."""
    answer: Message = {f"Searched{name}": plain(searched.get(name))
                       for name in ("ULN", "FamilyName", "GivenName", "DateOfBirth", "Gender")}  # fmt: skip
    answer.update(ResponseCode=code, FailureFlag=[flag.value for flag in flags])
    if register is not None:
        answer.update(ULN=register.uln, FamilyName=register.family_name, GivenName=register.given_name,
                      DateOfBirth=plain(register.date_of_birth), Gender=plain(register.gender))  # fmt: skip
    return answer


def find_type(value: Any, element: str = "FindType") -> str:
    """MIAPFindType: FUL answers whole learner records, CHK only the outcome."""
    text = (value or "").strip().upper()
    if text not in FIND_TYPES:
        raise InvalidField(element, f"{value!r} is not FUL or CHK", "MIAPFindType: FUL|CHK")
    return text


def uln_lookup(message: Mapping[str, Any], uln: str, given: str, family: str, kind: str) -> tuple[str, str, str, str]:
    """A find by ULN's ULN, given and family names and find type, under the operation's element names; every
    broken one reported at once."""
    checks = FieldChecks()
    found = (checks.take(validate_uln, message.get(uln), uln), checks.take(check_name, message.get(given), given),
             checks.take(check_name, message.get(family), family), checks.take(find_type, message.get(kind), kind))
    checks.done()
    number, given_name, family_name, find = found
    assert number is not None and given_name is not None and family_name is not None and find is not None
    return number, given_name, family_name, find
