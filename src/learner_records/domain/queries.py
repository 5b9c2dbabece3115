"""Checked construction of the register's queries from what a caller sent (any entrypoint).

Every field is checked and every problem reported at once, as for a learner record.
"""

from __future__ import annotations

from .checks import FieldChecks
from .learner import check_name, parse_date, parse_gender, parse_postcode, validate_uln
from .matching import Demographics, VerificationQuery


def verification_query(
    uln: object, given_name: object, family_name: object, date_of_birth: object = None, gender: object = None
) -> VerificationQuery:
    checks = FieldChecks()
    number = checks.take(validate_uln, uln)
    given = checks.take(check_name, given_name, "GivenName")
    family = checks.take(check_name, family_name, "FamilyName")
    born = checks.optional(date_of_birth, parse_date, "DateOfBirth")
    sex = checks.optional(gender, parse_gender)
    checks.done()
    assert number is not None and given is not None and family is not None  # else done() raised
    return VerificationQuery(number, given, family, born, None if sex is None else int(sex))


def demographics(
    given_name: object,
    family_name: object,
    date_of_birth: object,
    gender: object,
    postcode: object,
    previous_family_name: object = None,
) -> Demographics:
    checks = FieldChecks()
    given = checks.take(check_name, given_name, "GivenName")
    family = checks.take(check_name, family_name, "FamilyName")
    born = checks.take(parse_date, "" if date_of_birth is None else date_of_birth, "DateOfBirth")
    sex = checks.take(parse_gender, gender)
    code = checks.take(parse_postcode, postcode)
    previous = checks.optional(previous_family_name, check_name, "PreviousFamilyName")
    checks.done()
    assert given is not None and family is not None and born is not None and sex is not None and code is not None
    return Demographics(given, family, born, int(sex), code, previous)
