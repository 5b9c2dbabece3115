"""Checked construction of the register's queries from what a caller sent (any entrypoint).

Every field is checked and every problem reported at once, as for a learner record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from .errors import InvalidField, InvalidFields
from .learner import check_name, parse_date, parse_gender, parse_postcode, validate_uln
from .matching import Demographics, VerificationQuery

T = TypeVar("T")


class _Checks:
    def __init__(self) -> None:
        self.problems: list[InvalidField] = []

    def take(self, check: Callable[..., T], *args: Any) -> T:
        try:
            return check(*args)
        except InvalidField as problem:
            self.problems.append(problem)
            return None  # type: ignore[return-value]  # never used: done() raises first

    def optional(self, value: object, check: Callable[..., T], *args: Any) -> T | None:
        return None if value is None or value == "" else self.take(check, value, *args)

    def done(self) -> None:
        if self.problems:
            raise InvalidFields(self.problems)


def verification_query(
    uln: object, given_name: object, family_name: object, date_of_birth: object = None, gender: object = None
) -> VerificationQuery:
    checks = _Checks()
    query = VerificationQuery(
        uln=checks.take(validate_uln, uln),
        given_name=checks.take(check_name, given_name, "GivenName"),
        family_name=checks.take(check_name, family_name, "FamilyName"),
        date_of_birth=checks.optional(date_of_birth, parse_date, "DateOfBirth"),
        gender=checks.optional(gender, lambda value: int(parse_gender(value))),
    )
    checks.done()
    return query


def demographics(
    given_name: object,
    family_name: object,
    date_of_birth: object,
    gender: object,
    postcode: object,
    previous_family_name: object = None,
) -> Demographics:
    checks = _Checks()
    query = Demographics(
        given_name=checks.take(check_name, given_name, "GivenName"),
        family_name=checks.take(check_name, family_name, "FamilyName"),
        date_of_birth=checks.take(parse_date, "" if date_of_birth is None else date_of_birth, "DateOfBirth"),
        gender=int(checks.take(parse_gender, gender) or 0),
        postcode=checks.take(parse_postcode, postcode),
        previous_family_name=checks.optional(previous_family_name, check_name, "PreviousFamilyName"),
    )
    checks.done()
    return query
