"""Each field's comparison levels: the strongest level that holds, symmetric in the two values."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learner_records.domain.matching import levels as lv

GIVEN = {
    "exact": ("William", "William", lv.EXACT),
    "case and accents": ("Zoë", "ZOE", lv.NORMALISED),
    "spacing and punctuation": ("Anne-Marie", "Annemarie", lv.NORMALISED),
    "nickname": ("Bill", "William", lv.NICKNAME),
    "nickname through a canonical name": ("Katherine", "Kathryn", lv.NICKNAME),
    "one edit": ("Jhon", "John", lv.EDIT_1),
    "transposed letters in a short name": ("Mia", "Mai", lv.EDIT_1),
    "a letter doubled": ("Ivy", "Ivvy", lv.EDIT_1),
    "two edits": ("Christopher", "Kristopher", lv.EDIT_2),
    "a transposition beside a lost letter is two edits": ("Jordan", "Jornd", lv.EDIT_2),
    "a shared part": ("Mary-Jane", "Jane", lv.PART),
    "sounds alike": ("Isabelle", "Izabel", lv.PHONETIC),
    "misspelt nickname": ("Syeve", "Stephen", lv.NICKNAME_EDIT),
    "somewhat alike": ("Kian", "Kieran", lv.JARO_WINKLER_80),
    "an initial": ("J", "James", lv.INITIAL),
    "different": ("Thomas", "William", lv.DIFFERENT),
    "one letter changed in three is another name": ("Ava", "Eva", lv.DIFFERENT),
    "missing": ("", "William", lv.MISSING),
}


@pytest.mark.parametrize(("a", "b", "level"), GIVEN.values(), ids=GIVEN.keys())
def test_given_names_agree_at_the_strongest_level_that_holds(a: str, b: str, level: str) -> None:
    assert (lv.compare_given(a, b), lv.compare_given(b, a)) == (level, level)


def test_a_given_name_that_is_the_other_record_s_middle_name_is_its_own_level() -> None:
    assert lv.compare_given("Robert", "James", None, "Robert") == lv.MIDDLE
    assert lv.compare_given("James", "Robert", "Robert", None) == lv.MIDDLE


FAMILY = {
    "exact": ("Smith", None, "Smith", None, lv.EXACT),
    "normalised": ("O'Connor", None, "OCONNOR", None, lv.NORMALISED),
    "previous family name": ("Brown", "Smith", "Smith", None, lv.PREVIOUS),
    "one edit": ("Smith", None, "Smyth", None, lv.EDIT_1),
    "two edits": ("Johnson", None, "Jonsen", None, lv.EDIT_2),
    "a part of a double-barrelled name": ("Smith-Jones", None, "Jones", None, lv.PART),
    "an initial": ("S", None, "Smith", None, lv.INITIAL),
    "different": ("Smith", None, "Brown", None, lv.DIFFERENT),
}


@pytest.mark.parametrize(("a", "pa", "b", "pb", "level"), FAMILY.values(), ids=FAMILY.keys())
def test_family_names_agree_at_the_strongest_level_that_holds(
    a: str, pa: str | None, b: str, pb: str | None, level: str
) -> None:
    assert (lv.compare_family(a, pa, b, pb), lv.compare_family(b, pb, a, pa)) == (level, level)


def test_a_nickname_is_no_level_of_family_names() -> None:
    assert lv.compare_family("Bill", None, "William", None) == lv.DIFFERENT


DOB = date(2008, 3, 4)
DATES = {
    "exact": (DOB, lv.EXACT),
    "day and month swapped": (date(2008, 4, 3), lv.SWAPPED),
    "two adjacent digits transposed": (date(2080, 3, 4), lv.TRANSPOSED),
    "one digit": (date(2008, 3, 9), lv.ONE_DIGIT),
    "same year and month": (date(2008, 3, 27), lv.YEAR_MONTH),
    "within a year": (date(2008, 11, 20), lv.WITHIN_YEAR),
    "different": (date(2001, 6, 30), lv.DIFFERENT),
    "missing": (None, lv.MISSING),
}


@pytest.mark.parametrize(("other", "level"), DATES.values(), ids=DATES.keys())
def test_dates_of_birth_agree_at_the_strongest_level_that_holds(other: date | None, level: str) -> None:
    assert (lv.compare_dates(DOB, other), lv.compare_dates(other, DOB)) == (level, level)


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [(1, 1, lv.EQUAL), (1, 0, lv.NOT_KNOWN), (9, 2, lv.NOT_KNOWN), (1, 2, lv.DIFFERENT), (None, 1, lv.MISSING)],
)
def test_genders_are_equal_not_known_on_one_side_or_different(a: int | None, b: int | None, level: str) -> None:
    assert lv.compare_genders(a, b) == level


POSTCODES = {
    "exact": ("cv4 9ee", lv.EXACT),
    "one character": ("CV4 9EF", lv.ONE_CHARACTER),
    "same sector": ("CV4 9AB", lv.SECTOR),
    "same district": ("CV4 7AL", lv.DISTRICT),
    "same area": ("CV8 1AB", lv.AREA),
    "different": ("M14 5TQ", lv.DIFFERENT),
    "missing": ("", lv.MISSING),
    "not known (ZZ99 3CZ)": ("ZZ99 3CZ", lv.MISSING),
    "no fixed abode (ZZ99 3VZ)": ("ZZ99 3VZ", lv.MISSING),
}


@pytest.mark.parametrize(("other", "level"), POSTCODES.values(), ids=POSTCODES.keys())
def test_postcodes_agree_at_the_strongest_level_that_holds(other: str, level: str) -> None:
    assert (lv.compare_postcodes("CV4 9EE", other), lv.compare_postcodes(other, "CV4 9EE")) == (level, level)


def test_london_s_postcode_areas_are_one_area() -> None:
    assert lv.compare_postcodes("E1 6AN", "SW9 8QR") == lv.AREA


@pytest.mark.parametrize(
    ("other", "level"),
    [("12 station road", lv.EXACT), ("12 Staton Road", lv.SIMILAR), ("14 Station Road", lv.DIFFERENT),
     ("3 Oak Lane", lv.DIFFERENT), (None, lv.MISSING)],
)  # fmt: skip
def test_address_lines_are_exact_similar_or_different(other: str | None, level: str) -> None:
    assert lv.compare_address_lines("12 Station Road", other) == level


def test_towns_and_middle_names_compare_when_both_records_have_one() -> None:
    assert [lv.compare_towns("Coventry", t) for t in ("COVENTRY", "Leeds", "")] == [lv.EXACT, lv.DIFFERENT, lv.MISSING]
    assert [lv.compare_middle_names("James", m) for m in ("james", "Jim", "Henry", None)] == [
        lv.EXACT, lv.SIMILAR, lv.DIFFERENT, lv.MISSING]  # fmt: skip


NAMES = st.text(st.sampled_from(list("abcdeijlmnorstyzéö' -")), max_size=12)


@given(NAMES, NAMES)
def test_name_comparisons_do_not_depend_on_their_order(a: str, b: str) -> None:
    assert lv.compare_given(a, b) == lv.compare_given(b, a)
    assert lv.compare_family(a, None, b, None) == lv.compare_family(b, None, a, None)


def test_every_level_a_comparison_returns_is_one_the_model_knows() -> None:
    for name, kinds in lv.LEVELS.items():
        assert kinds[-1] == lv.DIFFERENT and len(set(kinds)) == len(kinds), name
