from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learner_records.domain.names import (
    are_nicknames,
    canonical_given_name,
    canonical_given_names,
    format_postcode,
    joined_name,
    name_parts,
    normalise_name,
    normalise_postcode,
    phonetic_key,
)

NAME_CHARACTERS = st.sampled_from(list("abcdeijlmnostzABCDEMSTZ áéöøßÆŁłñçİıǰ'’.-  \t")) | st.characters()
NAMES = st.text(NAME_CHARACTERS, max_size=30)
LATIN_NAMES = st.text(st.sampled_from(list("abcdefghijklmnopqrstuvwxyzéöø'-")), min_size=2, max_size=20).filter(
    lambda name: sum(c.isalpha() for c in name) >= 2
)
DOB = date(2008, 3, 4)


# normalise_name -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Siobhán", "SIOBHAN"),
        ("Łukasz", "LUKASZ"),
        ("Søren Ødegård", "SOREN ODEGARD"),
        ("Strauß", "STRAUSS"),
        ("Ærø", "AERO"),
        ("Œuvre", "OEUVRE"),
        ("Þór", "THOR"),
        ("Zoë", "ZOE"),
        ("Dvořák", "DVORAK"),
    ],
)
def test_accents_and_special_letters_fold_to_ascii_capitals(name: str, expected: str) -> None:
    assert normalise_name(name) == expected


@pytest.mark.parametrize("name", ["O'Brien", "O’Brien", "o'brien", "OBrien", "O.Brien"])
def test_apostrophes_and_full_stops_are_dropped(name: str) -> None:
    assert normalise_name(name) == "OBRIEN"


def test_hyphens_and_runs_of_whitespace_become_one_space_and_the_ends_are_trimmed() -> None:
    assert normalise_name("  Smith -  Jones\t") == "SMITH JONES"


@pytest.mark.parametrize("name", ["McDonald", "MacDonald", "M'Donald", "M’Donald", "mcdonald"])
def test_mc_and_m_apostrophe_prefixes_are_spelt_mac(name: str) -> None:
    assert normalise_name(name) == "MACDONALD"


def test_a_separate_mc_word_is_spelt_mac() -> None:
    assert normalise_name("Mc Donald") == "MAC DONALD"


@pytest.mark.parametrize("name", ["St John", "St. John", "Saint John", "st-john", "ST.JOHN"])
def test_st_as_a_separate_first_word_is_spelt_saint(name: str) -> None:
    assert normalise_name(name) == "SAINT JOHN"


def test_st_inside_a_name_or_after_the_first_word_is_left_alone() -> None:
    assert (normalise_name("Stuart"), normalise_name("Mary St John")) == ("STUART", "MARY ST JOHN")


def test_a_name_without_letters_normalises_to_the_empty_string() -> None:
    assert (normalise_name(""), normalise_name(" - ' . ")) == ("", "")


def test_a_name_in_another_script_keeps_its_letters() -> None:
    assert normalise_name("李 小龍") == "李 小龍"


@given(NAMES)
def test_normalising_twice_changes_nothing(name: str) -> None:
    once = normalise_name(name)
    assert normalise_name(once) == once


@given(NAMES)
def test_a_normalised_name_has_no_apostrophes_full_stops_hyphens_or_extra_spaces(name: str) -> None:
    normalised = normalise_name(name)
    assert not set("'’.-\t") & set(normalised)
    assert normalised == " ".join(normalised.split())
    assert normalised == normalised.upper()


# postcodes ------------------------------------------------------------------------------------------------------


def test_postcodes_are_compared_upper_case_without_spaces() -> None:
    assert normalise_postcode(" cv4 9ee ") == "CV49EE"


@pytest.mark.parametrize(
    ("postcode", "expected"),
    [
        ("CV49EE", "CV4 9EE"),
        ("cv4  9ee", "CV4 9EE"),
        ("M11AE", "M1 1AE"),
        ("SW1A1AA", "SW1A 1AA"),
        ("bfpo123", "BFPO 123"),
    ],
)
def test_postcodes_are_formatted_with_the_inward_code_apart(postcode: str, expected: str) -> None:
    assert format_postcode(postcode) == expected


# parts, forms and phonetic keys ---------------------------------------------------------------------------------


def test_a_hyphenated_name_splits_into_its_parts_and_joins_without_spaces() -> None:
    assert (name_parts("Smith-Jones"), joined_name("Smith-Jones")) == (("SMITH", "JONES"), "SMITHJONES")


@pytest.mark.parametrize(
    ("first", "second"),
    [("Smith", "Smyth"), ("Catherine", "Katherine"), ("Philips", "Filips"), ("Gemma", "Jemma"), ("Reid", "Reed")],
)
def test_names_that_sound_alike_share_a_phonetic_key(first: str, second: str) -> None:
    assert phonetic_key(first) == phonetic_key(second)


def test_names_that_sound_different_have_different_phonetic_keys() -> None:
    assert len({phonetic_key(name) for name in ("Smith", "Jones", "Patel", "Brown", "Taylor")}) == 5


def test_the_phonetic_key_ignores_spacing_and_is_empty_for_an_empty_name() -> None:
    assert (phonetic_key("Mac Donald") == phonetic_key("McDonald"), phonetic_key("")) == (True, "")


# nicknames ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nickname", "canonical"),
    [
        ("Bill", "WILLIAM"),
        ("Liam", "WILLIAM"),
        ("Katie", "KATHERINE"),
        ("Cathy", "KATHERINE"),
        ("Catherine", "KATHERINE"),
        ("Kathryn", "KATHERINE"),
        ("Bobby", "ROBERT"),
        ("Jamie", "JAMES"),
        ("Jack", "JOHN"),
        ("Harry", "HENRY"),
        ("Lizzie", "ELIZABETH"),
        ("Peggy", "MARGARET"),
        ("Mo", "MOHAMMED"),
        ("Muhammad", "MOHAMMED"),
        ("Mohamed", "MOHAMMED"),
        ("Sam", "SAMUEL"),
        ("William", "WILLIAM"),
    ],
)
def test_nicknames_map_to_their_canonical_name(nickname: str, canonical: str) -> None:
    assert canonical_given_name(nickname) == canonical


def test_an_unknown_given_name_is_its_own_normalised_canonical_form() -> None:
    assert canonical_given_name("  zebedée ") == "ZEBEDEE"


def test_an_ambiguous_nickname_stands_for_every_name_it_shortens() -> None:
    assert canonical_given_names("Sam") == frozenset({"SAMUEL", "SAMANTHA"})
    assert are_nicknames("Sam", "Samantha") and are_nicknames("Sammy", "Samuel")


def test_different_names_are_not_nicknames_of_each_other() -> None:
    assert not are_nicknames("William", "Robert")
