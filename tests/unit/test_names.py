from __future__ import annotations

import random
from collections import Counter
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learner_records.domain.names import (
    Agreement,
    are_nicknames,
    blocking_keys,
    canonical_given_name,
    canonical_given_names,
    compare_names,
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


# comparing names ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "given", "agreement"),
    [
        ("O'Brien", "OBRIEN", False, Agreement.EXACT),
        ("De Souza", "DeSouza", False, Agreement.SPACING),
        ("Bill", "William", True, Agreement.NICKNAME),
        ("Bill", "William", False, Agreement.DIFFERENT),
        ("Smith-Jones", "Jones", False, Agreement.PART),
        ("Smith", "Smyth", False, Agreement.TYPO),
        ("Jhon", "John", True, Agreement.TYPO),
        ("Mia", "Mai", True, Agreement.TYPO),
        ("Syeve", "Stephen", True, Agreement.NICKNAME_TYPO),
        ("Ava", "Eva", True, Agreement.DIFFERENT),
        ("Molly", "Nolly", True, Agreement.TYPO),
        ("Holly", "Polly", True, Agreement.DIFFERENT),
        ("Harris", "Harrison", False, Agreement.DIFFERENT),
        ("Kian", "Kieran", True, Agreement.DIFFERENT),
    ],
)
def test_names_agree_at_the_strongest_level_that_fits(
    first: str, second: str, given: bool, agreement: Agreement
) -> None:
    assert compare_names(first, second, given) == agreement


@given(LATIN_NAMES, LATIN_NAMES, st.booleans())
def test_comparing_names_does_not_depend_on_their_order(first: str, second: str, given_name: bool) -> None:
    assert compare_names(first, second, given_name) == compare_names(second, first, given_name)


# blocking keys --------------------------------------------------------------------------------------------------


def _keys(given_name: str = "John", family_name: str = "Smith", dob: date | None = DOB, postcode: str = "CV4 9EE",
          previous: str | None = None) -> frozenset[str]:  # fmt: skip
    return blocking_keys(given_name, family_name, dob, postcode, previous)


def test_the_same_data_always_gives_the_same_keys() -> None:
    assert _keys() == _keys(given_name="JOHN", family_name=" smith ", postcode="cv49ee")


def test_every_key_is_prefixed_by_its_kind() -> None:
    assert {key.split(":")[0] for key in _keys()} == {"dn", "dp", "sn", "ym", "yd", "md", "pn"}


def test_no_key_rests_on_the_date_of_birth_alone() -> None:
    assert all(len(key.split(":")) >= 3 and key.split(":")[-1] not in ("", DOB.isoformat()) for key in _keys())


def test_a_day_month_key_is_made_only_when_the_swapped_date_is_real_and_different() -> None:
    kinds = [{key[:2] for key in _keys(dob=day)} for day in (date(2008, 3, 4), date(2008, 3, 14), date(2008, 3, 3))]
    assert ["sn" in k for k in kinds] == [True, False, False]


CORRUPTIONS = {
    "family typo": {"family_name": "Smyth"},
    "given typo": {"given_name": "Jhon"},
    "nickname": {"given_name": "Johnny"},
    "swapped names": {"given_name": "Smith", "family_name": "John"},
    "changed surname, previous name given": {"family_name": "Brown", "previous": "Smith"},
    "changed surname, no previous name": {"family_name": "Brown"},
    "double-barrelled": {"family_name": "Brown-Smith"},
    "day and month swapped": {"dob": date(2008, 4, 3)},
    "wrong day": {"dob": date(2008, 3, 7)},
    "wrong year": {"dob": date(2009, 3, 4)},
    "moved": {"postcode": "M1 1AE"},
    "no date of birth": {"dob": None},
    "typos in both names": {"given_name": "Jonh", "family_name": "Smiht"},
    "nickname and moved": {"given_name": "Jack", "postcode": "M1 1AE"},
    "family typo and wrong year": {"family_name": "Smyth", "dob": date(2009, 3, 4)},
    "changed surname and wrong day": {"family_name": "Brown", "dob": date(2008, 3, 5)},
    "swapped names and moved": {"given_name": "Smith", "family_name": "John", "postcode": "M1 1AE"},
    "swapped day and month and moved": {"dob": date(2008, 4, 3), "postcode": "M1 1AE"},
    "given typo and day and month swapped": {"given_name": "Jonh", "dob": date(2008, 4, 3)},
}


@pytest.mark.parametrize("changes", CORRUPTIONS.values(), ids=CORRUPTIONS.keys())
def test_two_records_of_one_person_share_a_key_after_one_or_two_corruptions(changes: dict[str, Any]) -> None:
    assert _keys() & _keys(**changes)


@given(LATIN_NAMES, LATIN_NAMES, st.dates(date(1950, 1, 1), date(2015, 12, 31)))
def test_swapping_given_and_family_names_keeps_a_shared_key(given_name: str, family_name: str, dob: date) -> None:
    assert _keys(given_name, family_name, dob) & _keys(family_name, given_name, dob)


def test_keys_stay_selective_at_register_density() -> None:
    # 1,000,000 learners over about 20 birth years is ~137 a day: here 5,000 learners over 31 days, with a third
    # of given names and a tenth of family names drawn from a few very common ones.
    rng = random.Random(3)
    givens = ["Oliver", "Olivia", "Amelia", "George", "Isla", "Harry", "Noah", "Ava", "Jack", "Mia", "Leo", "Lily"]
    families = ["Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Patel", "Khan"]

    def invented() -> str:
        return "".join(rng.choice("BDFGKLMNPRSTV") + rng.choice("AEIOU") for _ in range(3))

    buckets: Counter[str] = Counter()
    for _ in range(5000):
        given_name = rng.choice(givens) if rng.random() < 0.3 else invented()
        family_name = rng.choice(families) if rng.random() < 0.1 else invented()
        postcode = f"CV{rng.randrange(1, 13)} {rng.randrange(10)}{rng.choice('ABDEF')}{rng.choice('GHJLN')}"
        buckets.update(_keys(given_name, family_name, date(2008, 1, 1 + rng.randrange(31)), postcode))
    assert max(buckets.values()) <= 12
