from __future__ import annotations

import random
from collections import Counter
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learner_records.domain.matching.blocking import blocking_keys

LATIN_NAMES = st.text(st.sampled_from(list("abcdefghijklmnopqrstuvwxyzéöø'-")), min_size=2, max_size=20).filter(
    lambda name: any(c.isalpha() for c in name)
)
DOB = date(2008, 3, 4)


# blocking keys --------------------------------------------------------------------------------------------------


def _keys(given_name: str = "John", family_name: str = "Smith", dob: date | None = DOB, postcode: str = "CV4 9EE",
          previous: str | None = None, town: str | None = "Coventry",
          address: str | None = "12 Station Road") -> frozenset[str]:  # fmt: skip
    return blocking_keys(given_name, family_name, dob, postcode, previous, town=town, address_line=address)


def test_the_same_data_always_gives_the_same_keys() -> None:
    assert _keys() == _keys(given_name="JOHN", family_name=" smith ", postcode="cv49ee")


def test_every_key_is_prefixed_by_its_kind() -> None:
    kinds = {"dn", "dp", "sn", "ym", "yd", "md", "pn", "gd", "fy", "ft", "dt", "at", "nn"}
    assert {key.split(":")[0] for key in _keys()} == kinds


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
    # any two of names, date of birth and postcode changed
    "date of birth and postcode changed": {"dob": date(2007, 11, 23), "postcode": "CV1 2AB"},
    "date of birth replaced and moved across the country": {"dob": date(2007, 11, 23), "postcode": "M1 1AE",
                                                            "town": "Manchester", "address": "3 Oak Lane"},
    "given name replaced and date of birth changed": {"given_name": "Peter", "dob": date(2007, 11, 23)},
    "family name replaced and date of birth changed": {"family_name": "Brown", "dob": date(2007, 11, 23)},
    "both names replaced": {"given_name": "Peter", "family_name": "Brown"},
    "both names replaced, moved in town": {"given_name": "Peter", "family_name": "Brown", "postcode": "CV1 2AB"},
    "family name replaced and moved nearby": {"family_name": "Brown", "postcode": "CV4 7AL"},
    "given name replaced, date of birth changed, moved": {"given_name": "Peter", "dob": date(2008, 3, 9),
                                                          "postcode": "CV5 6AB"},
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
        buckets.update(_keys(given_name, family_name, date(2008, 1, 1 + rng.randrange(31)), postcode, town=None,
                             address=None))
    # A given-name code and a postcode district hold no date: ~400 learners of all ages live in a district.
    dated = [count for key, count in buckets.items() if key[:2] not in ("gd", "nn")]
    assert max(dated) <= 12
    assert max(buckets.values()) <= 30
