from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from itertools import combinations
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learner_records.domain.codes import FailureFlag, ResponseCode, VerificationCode
from learner_records.domain.matching import (
    Demographics,
    Matcher,
    MatchThresholds,
    RegisterRecord,
    VerificationQuery,
    find_matches,
    record_matches_exactly,
    score,
    score_pair,
    verify,
)
from learner_records.domain.matching.blocking import blocking_keys

F = FailureFlag
is_duplicate = Matcher().is_duplicate
DOB = date(2008, 3, 4)


def record(uln: str = "1026893096", **changes: Any) -> RegisterRecord:
    base = RegisterRecord(uln, "William", "Smith", DOB, 1, "CV4 9EE")
    return replace(base, **changes)


def query(**changes: Any) -> Demographics:
    base = Demographics("William", "Smith", DOB, 1, "CV4 9EE")
    return replace(base, **changes)


def ask(**changes: Any) -> VerificationQuery:
    base = VerificationQuery("1026893096", "William", "Smith", DOB, 1)
    return replace(base, **changes)


# find by demographics -------------------------------------------------------------------------------------------


def test_a_unique_record_equal_in_all_five_fields_is_an_exact_match() -> None:
    result = find_matches(query(), [record(), record("1000000063", given_name="Harry")])
    assert (result.code, [m.record.uln for m in result.matches]) == (ResponseCode.EXACT_MATCH, ["1026893096"])
    assert result.matches[0].exact and result.matches[0].reasons == ()


def test_fields_are_compared_after_normalisation() -> None:
    assert record_matches_exactly(query(given_name=" william ", postcode="cv49ee"), record())
    assert record_matches_exactly(query(family_name="O’Brien"), record(family_name="O'Brien"))


@pytest.mark.parametrize(
    "changes",
    [{"given_name": "Bill"}, {"date_of_birth": date(2008, 3, 5)}, {"gender": 9}, {"postcode": "CV4 9EF"}],
)
def test_any_mandatory_field_that_differs_prevents_an_exact_match(changes: dict[str, Any]) -> None:
    assert not record_matches_exactly(query(**changes), record())


def test_an_exact_match_on_a_linked_record_asks_for_its_master() -> None:
    result = find_matches(query(), [record("1000000111", master_uln="1026893096")])
    assert (result.code, result.matches[0].record.uln) == (ResponseCode.MASTER_SUBSTITUTED, "1000000111")


def test_a_master_and_its_linked_record_both_exact_are_one_exact_match_on_the_master() -> None:
    result = find_matches(query(), [record("1000000111", master_uln="1026893096"), record()])
    assert (result.code, [m.record.uln for m in result.matches]) == (ResponseCode.EXACT_MATCH, ["1026893096"])


def test_two_exact_records_not_yet_merged_are_possible_matches() -> None:
    result = find_matches(query(), [record(), record("1000000063")])
    assert (result.code, len(result.matches)) == (ResponseCode.POSSIBLE_MATCH, 2)
    assert all(match.exact for match in result.matches)


POSSIBLE = {
    "swapped names": ({"given_name": "Smith", "family_name": "William"}, "given and family names are swapped"),
    "previous family name": ({"family_name": "Brown", "previous_family_name": "Smith"}, "previous family name"),
    "double-barrelled": ({"family_name": "Smith-Jones"}, "family name shares a part (Smith / Smith-Jones)"),
    "typo": ({"family_name": "Smyth"}, "family name differs only by a typo (Smith / Smyth)"),
    "nickname": ({"given_name": "Bill"}, "given name is a nickname (William / Bill)"),
    "day and month swapped": ({"date_of_birth": date(2008, 4, 3)}, "date of birth has day and month swapped"),
    "moved": ({"postcode": "B1 1AA"}, "postcode differs (moved?) (CV4 9EE / B1 1AA)"),
    "gender not known": ({"gender": 0}, "gender is not known on one side"),
}


@pytest.mark.parametrize(("changes", "reason"), POSSIBLE.values(), ids=POSSIBLE.keys())
def test_a_similar_record_is_a_possible_match_never_exact_and_says_why(changes: dict[str, Any], reason: str) -> None:
    result = find_matches(query(), [record(**changes)])
    assert (result.code, result.matches[0].exact) == (ResponseCode.POSSIBLE_MATCH, False)
    assert any(reason in text for text in result.matches[0].reasons)


def test_the_previous_family_name_given_in_a_query_finds_the_register_s_family_name() -> None:
    result = find_matches(query(family_name="Jones", previous_family_name="Smith"), [record()])
    assert result.code == ResponseCode.POSSIBLE_MATCH


def test_a_postcode_typo_and_an_unknown_gender_are_still_a_possible_match() -> None:
    result = find_matches(query(postcode="LU49QZ", gender=2), [record(postcode="LU4 9QX", gender=9)])
    assert result.code == ResponseCode.POSSIBLE_MATCH


def test_an_unknown_gender_weighs_less_than_a_different_one() -> None:
    unknown, different = score(query(), record(gender=9)), score(query(), record(gender=2))
    assert score(query(), record()).score > unknown.score > different.score


def test_possible_matches_come_best_first() -> None:
    result = find_matches(query(), [record("1", given_name="Bill", postcode="B1 1AA"), record("2", given_name="Bill")])
    assert [match.record.uln for match in result.matches] == ["2", "1"]


def test_a_different_person_is_no_match() -> None:
    result = find_matches(query(), [record(given_name="Olivia", family_name="Patel", date_of_birth=date(1990, 1, 1))])
    assert (result.code, result.matches) == (ResponseCode.NO_MATCH, ())


def test_more_possible_matches_than_the_limit_is_too_many_and_lists_none() -> None:
    candidates = [record(str(n), postcode=f"B{n} 1AA") for n in range(1, 5)]
    result = find_matches(query(), candidates, MatchThresholds(too_many=3))
    assert (result.code, result.matches) == (ResponseCode.TOO_MANY_MATCHES, ())


def test_linked_records_of_one_master_are_reported_once_keeping_the_best() -> None:
    candidates = [
        record("1", given_name="Bill", master_uln="9"),
        record("2", given_name="Bill", postcode="B1 1AA", master_uln="9"),
        record("9", given_name="Billy", postcode="B1 1AA"),
    ]
    result = find_matches(query(), candidates)
    assert (result.code, [match.record.uln for match in result.matches]) == (ResponseCode.POSSIBLE_MATCH, ["1"])


# duplicates -----------------------------------------------------------------------------------------------------

DUPLICATES = {
    "given typo": {"given_name": "Wiliam"},
    "nickname": {"given_name": "Liam"},
    "swapped names": {"given_name": "Smith", "family_name": "William"},
    "changed surname": {"family_name": "Brown", "previous_family_name": "Smith"},
    "changed surname without the previous name": {"family_name": "Brown"},
    "day and month swapped and moved nearby": {"date_of_birth": date(2008, 4, 3), "postcode": "CV4 7AL"},
    "date of birth typo": {"date_of_birth": date(2008, 3, 7)},
    "moved within the area": {"postcode": "CV8 1AB"},
    "accents and case": {"given_name": "wíllíam", "family_name": "SMITH"},
}


@pytest.mark.parametrize("changes", DUPLICATES.values(), ids=DUPLICATES.keys())
def test_two_records_of_one_learner_are_a_probable_duplicate(changes: dict[str, Any]) -> None:
    assert is_duplicate(record(), record("1000000063", **changes))


NOT_DUPLICATES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "twins": ({}, {"given_name": "Thomas"}),
    "twins of different genders with similar names": ({"given_name": "Oliver"}, {"given_name": "Olivia", "gender": 2}),
    "namesakes born the same day in another town": ({}, {"postcode": "M14 5TQ"}),
    "father and son": ({}, {"date_of_birth": date(1978, 6, 21)}),
}


@pytest.mark.parametrize(("first", "second"), NOT_DUPLICATES.values(), ids=NOT_DUPLICATES.keys())
def test_different_learners_who_look_alike_are_not_duplicates(first: dict[str, Any], second: dict[str, Any]) -> None:
    assert not is_duplicate(record(**first), record("1000000063", **second))


def test_a_shared_middle_name_makes_namesakes_in_another_town_one_learner_and_a_different_one_two() -> None:
    far = {"postcode": "M14 5TQ"}
    same_middle = (record(middle_name="James"), record("1000000063", middle_name="James", **far))
    other_middle = (record(middle_name="James"), record("1000000063", middle_name="Henry", **far))
    one_middle = (record(middle_name="James"), record("1000000063", **far))
    assert [is_duplicate(*pair) for pair in (same_middle, other_middle, one_middle)] == [True, False, False]


def test_moving_between_london_postcode_areas_is_a_move_within_one_town() -> None:
    across_london = (record(postcode="E1 6AN"), record("1000000063", postcode="SW9 8QR"))
    across_country = (record(postcode="E1 6AN"), record("1000000063", postcode="M14 5TQ"))
    assert (is_duplicate(*across_london), is_duplicate(*across_country)) == (True, False)


def test_a_duplicate_pair_explains_itself() -> None:
    pair = score_pair(record(), record("1000000063", given_name="Bill", postcode="CV4 9EF"))
    assert pair.reasons == (
        "given name is a nickname (William / Bill)",
        "postcode differs by one character (CV4 9EE / CV4 9EF)",
    )


NAMES = st.sampled_from(["William", "Bill", "Smith", "Smyth", "Smith-Jones", "O'Brien", "Olivia", "Oliver", "Jo", ""])
RECORDS = st.builds(
    RegisterRecord,
    uln=st.just("1026893096"),
    given_name=NAMES,
    family_name=NAMES,
    date_of_birth=st.sampled_from([DOB, date(2008, 4, 3), date(2008, 3, 5), date(1999, 12, 31)]),
    gender=st.sampled_from([0, 1, 2, 9]),
    postcode=st.sampled_from(["CV4 9EE", "CV4 9EF", "CV4 7AL", "CV8 1AB", "M1 1AE", ""]),
    previous_family_name=st.none() | NAMES,
    middle_name=st.none() | NAMES,
)


@given(RECORDS, RECORDS)
def test_a_pair_scores_the_same_in_either_order(first: RegisterRecord, second: RegisterRecord) -> None:
    assert score_pair(first, second).score == score_pair(second, first).score


def test_the_duplicate_scan_is_precise_and_complete_on_synthetic_learners() -> None:
    register = _SyntheticRegister(random.Random(5))
    population = register.population(4000)
    duplicates = register.duplicates(population, 400)
    everyone = population + [copy for _, copy in duplicates]
    buckets: defaultdict[str, list[RegisterRecord]] = defaultdict(list)
    for learner in everyone:
        for key in blocking_keys(*_blocking_fields(learner)):
            buckets[key].append(learner)
    candidates = {tuple(sorted((a.uln, b.uln))) for bucket in buckets.values() for a, b in combinations(bucket, 2)}
    by_uln = {learner.uln: learner for learner in everyone}
    found = {pair for pair in candidates if is_duplicate(by_uln[pair[0]], by_uln[pair[1]])}
    truth = {tuple(sorted((original.uln, copy.uln))) for original, copy in duplicates}
    assert len(found & truth) / len(truth) >= 0.99
    assert len(found & truth) / len(found) >= 0.995


# verification ---------------------------------------------------------------------------------------------------


def test_an_unknown_uln_is_not_found() -> None:
    assert verify(ask(), None, linked=False).code == VerificationCode.ULN_NOT_FOUND


@pytest.mark.parametrize(("linked", "code"), [(False, VerificationCode.MATCH), (True, VerificationCode.LINKED_MATCH)])
def test_every_supplied_field_equal_is_a_successful_match_without_flags(linked: bool, code: VerificationCode) -> None:
    result = verify(ask(given_name="WILLIAM ", family_name="smith"), record(), linked=linked)
    assert (result.code, result.flags) == (code, ())


def test_fields_not_supplied_are_not_compared() -> None:
    assert verify(ask(date_of_birth=None, gender=None), record(gender=2), linked=False).code == VerificationCode.MATCH


SIMILAR = {
    "family typo": ({"family_name": "Smyth"}, {}, (F.FAMILY_VS_GIVEN, F.FAMILY_VS_FAMILY)),
    "family typo, register has a previous name": (
        {"family_name": "Smyth"},
        {"previous_family_name": "Brown"},
        (F.FAMILY_VS_GIVEN, F.FAMILY_VS_FAMILY, F.FAMILY_VS_PREVIOUS_FAMILY),
    ),
    "nickname": ({"given_name": "Bill"}, {}, (F.GIVEN_VS_GIVEN, F.GIVEN_VS_FAMILY)),
    "swapped names": ({"given_name": "Smith", "family_name": "William"}, {}, (F.GIVEN_VS_GIVEN, F.FAMILY_VS_FAMILY)),
    "swapped names, register has a previous name": (
        {"given_name": "Smith", "family_name": "William"},
        {"previous_family_name": "Brown"},
        (F.GIVEN_VS_GIVEN, F.GIVEN_VS_PREVIOUS_FAMILY, F.FAMILY_VS_FAMILY, F.FAMILY_VS_PREVIOUS_FAMILY),
    ),
    "previous family name": (
        {"family_name": "Brown"},
        {"previous_family_name": "Brown"},
        (F.FAMILY_VS_GIVEN, F.FAMILY_VS_FAMILY),
    ),
    "one part of a double-barrelled name": (
        {"family_name": "Jones"},
        {"family_name": "Smith-Jones"},
        (F.FAMILY_VS_GIVEN, F.FAMILY_VS_FAMILY),
    ),
    "day and month swapped": ({"date_of_birth": date(2008, 4, 3)}, {}, (F.DATE_OF_BIRTH,)),
    "one digit of the date of birth wrong": ({"date_of_birth": date(2008, 3, 9)}, {}, (F.DATE_OF_BIRTH,)),
    "gender not known": ({"gender": 1}, {"gender": 0}, (F.GENDER,)),
    # The ULN and both names agree: one wholly different field is flagged, not a veto.
    "a different date of birth": ({"date_of_birth": date(1999, 12, 31)}, {}, (F.DATE_OF_BIRTH,)),
    "a different gender": ({"gender": 2}, {}, (F.GENDER,)),
    "two letters wrong in the given name": ({"given_name": "Wilmiam"}, {}, (F.GIVEN_VS_GIVEN, F.GIVEN_VS_FAMILY)),
    # The ULN names the record, so a typo counts even where a name is too short for matching's spelling levels.
    "one letter wrong in a three-letter given name": ({"given_name": "Ama"}, {"given_name": "Amy"},
                                                      (F.GIVEN_VS_GIVEN, F.GIVEN_VS_FAMILY)),
    "two typos in a five-letter family name": ({"family_name": "Jnoe"}, {"family_name": "Jones"},
                                               (F.FAMILY_VS_GIVEN, F.FAMILY_VS_FAMILY)),
    "two letters lost from a five-letter given name": ({"given_name": "Moy"}, {"given_name": "Molly"},
                                                       (F.GIVEN_VS_GIVEN, F.GIVEN_VS_FAMILY)),
    "a swap with a typo": (
        {"given_name": "Smiht", "family_name": "William"},
        {},
        (F.GIVEN_VS_GIVEN, F.GIVEN_VS_FAMILY, F.FAMILY_VS_FAMILY),
    ),
}


@pytest.mark.parametrize(("asked", "held", "flags"), SIMILAR.values(), ids=SIMILAR.keys())
def test_a_similar_learner_is_a_similar_match_flagging_every_failed_comparison(
    asked: dict[str, Any], held: dict[str, Any], flags: tuple[FailureFlag, ...]
) -> None:
    result = verify(ask(**asked), record(**held), linked=False)
    assert (result.code, result.flags) == (VerificationCode.SIMILAR_MATCH, flags)


def test_a_similar_match_on_a_linked_uln_is_a_similar_linked_match() -> None:
    assert verify(ask(given_name="Bill"), record(), linked=True).code == VerificationCode.SIMILAR_LINKED_MATCH


def test_a_similar_match_says_why() -> None:
    result = verify(ask(family_name="Smyth", date_of_birth=date(2008, 4, 3)), record(), linked=False)
    assert result.reasons == (
        "family name differs only by a typo (Smyth / Smith)",
        "date of birth has day and month swapped",
    )


DIFFERENT: dict[str, tuple[dict[str, Any], dict[str, Any], tuple[FailureFlag, ...]]] = {
    "different names": (
        {"given_name": "Olivia", "family_name": "Patel"},
        {},
        (F.GIVEN_VS_GIVEN, F.GIVEN_VS_FAMILY, F.FAMILY_VS_GIVEN, F.FAMILY_VS_FAMILY),
    ),
    "one name different": ({"given_name": "Harry"}, {}, (F.GIVEN_VS_GIVEN, F.GIVEN_VS_FAMILY)),
    "an initial for the given name": ({"given_name": "W"}, {}, (F.GIVEN_VS_GIVEN, F.GIVEN_VS_FAMILY)),
    "two typos in a three-letter given name": ({"given_name": "Bnr"}, {"given_name": "Ben"},
                                               (F.GIVEN_VS_GIVEN, F.GIVEN_VS_FAMILY)),
    "alike given names of two genders": (
        {"given_name": "Williama", "gender": 2},
        {},
        (F.GIVEN_VS_GIVEN, F.GIVEN_VS_FAMILY, F.GENDER),
    ),
}


@pytest.mark.parametrize(("asked", "held", "flags"), DIFFERENT.values(), ids=DIFFERENT.keys())
def test_a_learner_who_differs_does_not_match(
    asked: dict[str, Any], held: dict[str, Any], flags: tuple[FailureFlag, ...]
) -> None:
    result = verify(ask(**asked), record(**held), linked=False)
    assert (result.code, result.flags) == (VerificationCode.NO_MATCH, flags)


@given(RECORDS, st.booleans())
def test_a_record_always_verifies_exactly_against_itself(held: RegisterRecord, linked: bool) -> None:
    asked = VerificationQuery(held.uln, held.given_name, held.family_name, held.date_of_birth, held.gender)
    result = verify(asked, held, linked=linked)
    assert (result.code.is_exact, result.code.is_linked, result.flags) == (True, linked, ())


@given(RECORDS)
def test_a_record_always_matches_its_own_demographics_exactly(held: RegisterRecord) -> None:
    demographics = Demographics(held.given_name, held.family_name, held.date_of_birth, held.gender, held.postcode)
    assert find_matches(demographics, [held]).code == ResponseCode.EXACT_MATCH


# synthetic register ---------------------------------------------------------------------------------------------

_BOYS = """Oliver George Harry Noah Jack Leo Arthur Muhammad Oscar Charlie Jacob Thomas Henry William Alfie Joshua
Freddie Archie Isaac Theo Joseph Lucas Ethan Max James Adam Samuel Daniel Dylan Mason Riley Toby Reuben Louis David
Benjamin Alexander Edward Matthew Ryan Aaron Lewis Connor Nathan Callum Jamie Kyle Michael Robert John""".split()
_GIRLS = """Olivia Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Freya Willow Florence Emily Ella Poppy
Evie Elsie Charlotte Evelyn Sienna Daisy Phoebe Sophie Alice Harper Matilda Ruby Emilia Maya Millie Erin Imogen
Jessica Holly Chloe Lucy Eleanor Hannah Amy Lauren Rebecca Bethany Megan Abigail Katie Leah Niamh Aisha Zara""".split()
_FAMILIES = """Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright
Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris
Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young Khan
Singh Begum Ahmed Hussain Kaur Ali Nowak Kowalski O'Brien McDonald Murphy Kelly Campbell Stewart Reid Murray""".split()
_NICKNAMES = {"William": "Bill", "Thomas": "Tom", "James": "Jim", "Robert": "Rob", "Michael": "Mike", "Daniel": "Dan",
              "Samuel": "Sam", "Benjamin": "Ben", "Alexander": "Alex", "Matthew": "Matt", "Edward": "Ted",
              "Joseph": "Joe", "Henry": "Harry", "Jessica": "Jess", "Rebecca": "Becky", "Abigail": "Abby",
              "Eleanor": "Ellie", "Sophia": "Sophie", "Muhammad": "Mohammed", "Katie": "Kate"}  # fmt: skip
_AREAS = ["CV", "B", "M", "LS", "NG", "LE", "BS", "NE", "L", "G", "EH", "CF", "OX", "EX", "S"]
_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def _blocking_fields(learner: RegisterRecord) -> tuple[str, str, date, str, str | None]:
    return (learner.given_name, learner.family_name, learner.date_of_birth, learner.postcode,
            learner.previous_family_name)  # fmt: skip


class _SyntheticRegister:
    """Learners born over 30 days (~130 a day, the density of 1,000,000 learners over 20 years), with twins and
    namesakes, and copies of some of them carrying one or two realistic corruptions."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.ulns = iter(range(1_000_000_000, 2_000_000_000))

    def invented(self) -> str:
        return "".join(self.rng.choice("BDFGKLMNPRSTVW") + self.rng.choice(["a", "e", "i", "o", "u", "ar", "en"])
                       for _ in range(3)).title()  # fmt: skip

    def postcode(self, area: str | None = None, district: int | None = None) -> str:
        unit = f"{self.rng.randrange(10)}{self.rng.choice(_LETTERS)}{self.rng.choice(_LETTERS)}"
        return f"{area or self.rng.choice(_AREAS)}{district or self.rng.randrange(1, 30)} {unit}"

    def learner(self, given_name: str, family_name: str, dob: date, gender: int, at: str) -> RegisterRecord:
        return RegisterRecord(str(next(self.ulns)), given_name, family_name, dob, gender, at)

    def population(self, size: int) -> list[RegisterRecord]:
        rng, people = self.rng, list[RegisterRecord]()
        while len(people) < size:
            family = rng.choice(_FAMILIES) if rng.random() < 0.3 else self.invented()
            dob, at, gender = date(2008, 1, 1) + timedelta(days=rng.randrange(30)), self.postcode(), rng.choice((1, 2))
            real = rng.choice(_BOYS if gender == 1 else _GIRLS)
            people.append(self.learner(real if rng.random() < 0.6 else self.invented(), family, dob, gender, at))
            if rng.random() < 0.02:  # a twin, with a different real name
                twin_gender = rng.choice((1, 2))
                names = [n for n in (_BOYS if twin_gender == 1 else _GIRLS) if n[:3] != people[-1].given_name[:3]]
                people.append(self.learner(rng.choice(names), family, dob, twin_gender, at))
            if rng.random() < 0.01:  # a namesake born the same day in another town
                elsewhere = rng.choice([area for area in _AREAS if not at.startswith(area)])
                people.append(self.learner(people[-1].given_name, family, dob, gender, self.postcode(elsewhere)))
        return people

    def typo(self, name: str) -> str:
        i = self.rng.randrange(1, len(name))
        return self.rng.choice(
            [name[:i] + name[i + 1 :], name[:i] + name[i] + name[i:], name[:i] + "e" + name[i + 1 :]]
        )

    def one_digit_wrong(self, dob: date) -> date:
        tens = dob.day // 10 * 10
        days = [day for day in range(max(tens, 1), min(tens + 10, 29)) if day != dob.day]
        return self.rng.choice([dob.replace(year=dob.year + 1), *(dob.replace(day=day) for day in days)])

    def moved(self, postcode: str) -> str:
        outward = postcode.split()[0]
        area = outward.rstrip("0123456789")
        return self.postcode(area, int(outward[len(area) :]) if self.rng.random() < 0.75 else None)

    def corrupted_copy(self, original: RegisterRecord) -> RegisterRecord:
        corruptions: dict[str, Callable[[RegisterRecord], dict[str, Any]]] = {
            "given typo": lambda r: {"given_name": self.typo(r.given_name)},
            "family typo": lambda r: {"family_name": self.typo(r.family_name)},
            "nickname": lambda r: {"given_name": _NICKNAMES.get(r.given_name, r.given_name.upper())},
            "swap": lambda r: {"given_name": r.family_name, "family_name": r.given_name},
            "surname change": lambda r: {"family_name": self.invented(), "previous_family_name": r.family_name},
            "dob typo": lambda r: {"date_of_birth": self.one_digit_wrong(r.date_of_birth)},
            "day month swap": lambda r: {"date_of_birth": r.date_of_birth.replace(month=r.date_of_birth.day, day=1)},
            "moved": lambda r: {"postcode": self.moved(r.postcode)},
            "gender unknown": lambda r: {"gender": self.rng.choice((0, 9))},
            "hyphenated": lambda r: {"family_name": f"{r.family_name}-{self.invented()}"},
            "case": lambda r: {"given_name": r.given_name.lower(), "family_name": r.family_name.upper()},
        }
        # Everyone here is born in January, so a swap makes the month the day: only days up to 12 can swap.
        kinds = [kind for kind in corruptions if kind != "day month swap" or original.date_of_birth.day <= 12]
        chosen = set(self.rng.sample(kinds, 1 if self.rng.random() < 0.7 else 2))
        if "day month swap" in chosen:
            chosen.discard("dob typo")  # one date of birth error at a time
        copy = replace(original, uln=str(next(self.ulns)))
        for kind in sorted(chosen):
            copy = replace(copy, **corruptions[kind](copy))
        return copy

    def duplicates(self, population: list[RegisterRecord], count: int) -> list[tuple[RegisterRecord, RegisterRecord]]:
        return [(original, self.corrupted_copy(original)) for original in self.rng.sample(population, count)]
