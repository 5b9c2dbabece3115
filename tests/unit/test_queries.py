from __future__ import annotations

from datetime import date

import pytest

from learner_records.domain.errors import InvalidFields
from learner_records.domain.queries import demographics, verification_query


def test_a_verification_query_is_built_from_what_was_sent() -> None:
    query = verification_query(" 1026 893 096", "Siobhán", "Ó Briain", "2009-04-17", "2")
    assert (query.uln, query.date_of_birth, query.gender) == ("1026893096", date(2009, 4, 17), 2)


def test_optional_fields_may_be_left_out() -> None:
    query = verification_query("1026893096", "Ann", "Lee", "", None)
    assert (query.date_of_birth, query.gender) == (None, None)


def test_every_problem_of_a_verification_query_is_named() -> None:
    with pytest.raises(InvalidFields) as raised:
        verification_query("1026893097", " ", "Lee", "2009-02-30", "5")
    assert [p.field for p in raised.value.problems] == ["ULN", "GivenName", "DateOfBirth", "Gender"]


def test_a_search_needs_all_five_mandatory_fields() -> None:
    with pytest.raises(InvalidFields) as raised:
        demographics("Ann", "", None, "x", "ZZ")
    assert [p.field for p in raised.value.problems] == ["FamilyName", "DateOfBirth", "Gender", "LastKnownPostCode"]


@pytest.mark.parametrize("typed", ["cv4 9ee", "CV49EE", " cv4 9ee "])
def test_a_postcode_is_kept_in_its_canonical_form(typed: str) -> None:
    assert demographics("Ann", "Lee", "2009-04-17", 2, typed).postcode == "CV4 9EE"
