"""Checked construction of the register's queries from what a caller sent (any entrypoint)."""

from __future__ import annotations

from .errors import InvalidField, InvalidFields
from .learner import check_name, parse_date, parse_gender, parse_postcode, validate_uln
from .matching import Demographics, VerificationQuery


def _collect(checks: dict[str, object]) -> None:
    problems = [value for value in checks.values() if isinstance(value, InvalidField)]
    if problems:
        raise InvalidFields(problems)


def _try(function: object, *args: object) -> object:
    try:
        return function(*args)  # type: ignore[operator]
    except InvalidField as problem:
        return problem


def verification_query(
    uln: object, given_name: object, family_name: object, date_of_birth: object = None, gender: object = None
) -> VerificationQuery:
    checks = {
        "uln": _try(validate_uln, uln),
        "given": _try(check_name, given_name, "GivenName"),
        "family": _try(check_name, family_name, "FamilyName"),
        "dob": None if date_of_birth in (None, "") else _try(parse_date, date_of_birth, "DateOfBirth"),
        "gender": None if gender in (None, "") else _try(parse_gender, gender),
    }
    _collect(checks)
    return VerificationQuery(
        uln=str(checks["uln"]),
        given_name=str(checks["given"]),
        family_name=str(checks["family"]),
        date_of_birth=checks["dob"],  # type: ignore[arg-type]
        gender=None if checks["gender"] is None else int(checks["gender"]),  # type: ignore[call-overload]
    )


def demographics(
    given_name: object,
    family_name: object,
    date_of_birth: object,
    gender: object,
    postcode: object,
    previous_family_name: object = None,
) -> Demographics:
    checks = {
        "given": _try(check_name, given_name, "GivenName"),
        "family": _try(check_name, family_name, "FamilyName"),
        "dob": _try(parse_date, "" if date_of_birth is None else date_of_birth, "DateOfBirth"),
        "gender": _try(parse_gender, gender),
        "postcode": _try(parse_postcode, postcode),
        "previous": None
        if previous_family_name in (None, "")
        else _try(check_name, previous_family_name, "PreviousFamilyName"),
    }
    _collect(checks)
    return Demographics(
        given_name=str(checks["given"]),
        family_name=str(checks["family"]),
        date_of_birth=checks["dob"],  # type: ignore[arg-type]
        gender=int(checks["gender"]),  # type: ignore[call-overload]
        postcode=str(checks["postcode"]),
        previous_family_name=None if checks["previous"] is None else str(checks["previous"]),
    )
