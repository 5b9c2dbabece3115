from __future__ import annotations

from datetime import date

import pytest

from learner_records.domain.errors import InvalidField, InvalidFields
from learner_records.domain.learner import (
    AbilityToShare,
    allowed_ability_to_share_change,
    check_age,
    parse_details,
)

GOOD = {
    "given_name": "Zoë",
    "family_name": "O'Brien-Smith",
    "date_of_birth": "2009-02-28",
    "gender": "2",
    "postcode": "cv4 9ee",
}


def problems_of(**changes: object) -> dict[str, InvalidField]:
    with pytest.raises(InvalidFields) as raised:
        parse_details({**GOOD, **changes})
    return {problem.field: problem for problem in raised.value.problems}


def test_names_keep_accents_apostrophes_hyphens_and_spaces() -> None:
    details = parse_details({**GOOD, "given_name": "Mary Ann", "family_name": "Ó Briain"})
    assert (details.given_name, details.family_name) == ("Mary Ann", "Ó Briain")


def test_an_impossible_date_of_birth_is_named_with_its_rule() -> None:
    problem = problems_of(date_of_birth="2031-02-30")["DateOfBirth"]
    assert str(problem) == "DateOfBirth: 2031-02-30 is not a real date (MIAPDate: a calendar date)"


@pytest.mark.parametrize("value", ["17/04/2009", "2009-4-17", "20090417"])
def test_a_date_not_in_iso_form_is_refused(value: str) -> None:
    assert "yyyy-mm-dd" in problems_of(date_of_birth=value)["DateOfBirth"].problem


def test_a_year_outside_1800_to_2099_is_refused() -> None:
    assert "1800-2099" in problems_of(date_of_birth="1799-12-31")["DateOfBirth"].rule


def test_every_broken_field_is_reported_at_once() -> None:
    found = problems_of(given_name="  ", family_name="x" * 36, gender="3", postcode="NOT A CODE", email_address="a@b")
    assert set(found) == {"GivenName", "FamilyName", "Gender", "LastKnownPostCode", "EmailAddress"}


def test_a_missing_mandatory_field_is_named() -> None:
    raw = dict(GOOD)
    del raw["postcode"]
    with pytest.raises(InvalidFields) as raised:
        parse_details(raw)
    assert raised.value.field == "LastKnownPostCode"
    assert raised.value.problem == "is missing"


@pytest.mark.parametrize("postcode", ["CV4 9EE", "cv49ee", "SW1A 1AA", "M1 1AE", "B33 8TH", "BFPO 123", "BFPO1"])
def test_uk_postcodes_and_bfpo_are_accepted(postcode: str) -> None:
    assert parse_details({**GOOD, "postcode": postcode}).postcode


@pytest.mark.parametrize("postcode", ["CV4 9CE", "12345", "CV4-9EE", "Q1 1AA X"])
def test_things_that_are_not_postcodes_are_refused(postcode: str) -> None:
    assert "LastKnownPostCode" in problems_of(postcode=postcode)


def test_verification_type_other_needs_a_description() -> None:
    assert "OtherVerificationDescription" in problems_of(verification_type=999)


def test_a_scottish_candidate_number_is_nine_digits() -> None:
    assert "ScottishCandidateNumber" in problems_of(scottish_candidate_number="12345678")
    assert parse_details({**GOOD, "scottish_candidate_number": "123456789"}).scottish_candidate_number == "123456789"


def test_an_unknown_field_is_refused_by_name() -> None:
    assert "shoe_size" in problems_of(shoe_size=9)


def test_batch_rows_need_an_age_between_13_and_110() -> None:
    check_age(date(2013, 11, 2), on=date(2026, 11, 2))
    with pytest.raises(InvalidField, match="aged 13-110"):
        check_age(date(2013, 11, 3), on=date(2026, 11, 2))
    with pytest.raises(InvalidField, match="age of 111"):
        check_age(date(1915, 1, 1), on=date(2026, 11, 2))


def test_ability_to_share_cannot_return_to_notice_not_seen() -> None:
    assert allowed_ability_to_share_change(AbilityToShare.NOTICE_NOT_SEEN, AbilityToShare.SHARE)
    assert allowed_ability_to_share_change(AbilityToShare.SHARE, AbilityToShare.DO_NOT_SHARE)
    assert not allowed_ability_to_share_change(AbilityToShare.SHARE, AbilityToShare.NOTICE_NOT_SEEN)
