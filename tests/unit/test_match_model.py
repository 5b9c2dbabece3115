"""The match model's weights and file form, the no-veto and twins properties, training and clustering."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from learner_records.domain.codes import ResponseCode
from learner_records.domain.matching import Demographics, Matcher, MatchModel, RegisterRecord
from learner_records.domain.matching import levels as lv
from learner_records.domain.matching.clustering import clusters
from learner_records.domain.matching.model import Level
from learner_records.domain.matching.training import FIT_MINIMUM, estimate_u, fitted_to_register, train

MODEL = MatchModel.default()


def test_a_level_weighs_log2_of_m_over_u() -> None:
    level = MODEL.levels["date_of_birth"][lv.EXACT]
    assert MODEL.weight("date_of_birth", lv.EXACT) == pytest.approx(math.log2(level.m / level.u))
    assert MODEL.weight("postcode", lv.MISSING) == 0.0


def test_an_exact_common_name_weighs_less_than_an_exact_rare_one() -> None:
    model = replace(MODEL, term_frequencies={"family_name": {"SMITH": 0.012, "OKONKWO": 0.00002}},
                    term_frequency_floor=0.000001)  # fmt: skip
    smith, okonkwo = model.weight("family_name", lv.EXACT, "SMITH"), model.weight("family_name", lv.EXACT, "OKONKWO")
    unseen = model.weight("family_name", lv.EXACT, "ZZYZX")
    assert smith < okonkwo < unseen
    assert model.weight("family_name", lv.EDIT_1, "SMITH") == MODEL.weight("family_name", lv.EDIT_1)
    # CLARKE and Clarke are one name: its style says nothing either way.
    assert model.weight("family_name", lv.NORMALISED, "SMITH") == smith


def test_a_name_compared_crosswise_weighs_as_the_more_common_of_a_given_and_a_family_name() -> None:
    model = replace(MODEL, term_frequencies={"given_name": {"HARRY": 0.02, "WILSON": 0.00001},
                                             "family_name": {"WILSON": 0.02, "HARRY": 0.00001}})  # fmt: skip
    held = RegisterRecord("1026893096", "Harry", "Wilson", date(2007, 2, 6), 1, "BH8 7SR")
    swapped = Demographics("Wilson", "Harry", date(2007, 2, 6), 1, "BH8 7SR")
    weights = {e.field: e.weight for e in Matcher(model).score(swapped, held).evidence}
    assert weights["given_name"] == pytest.approx(model.weight("given_name", lv.EXACT, "HARRY"))
    assert weights["family_name"] == pytest.approx(model.weight("family_name", lv.EXACT, "WILSON"))


def test_no_partial_agreement_outweighs_full_agreement_whatever_u_a_sample_gave() -> None:
    levels = {name: dict(kinds) for name, kinds in MODEL.levels.items()}
    levels["family_name"][lv.INITIAL] = Level(0.002, 0.0000001)
    model = replace(MODEL, levels=levels)
    assert model.weight("family_name", lv.INITIAL) == model.weight("family_name", lv.EXACT)


def test_a_model_survives_its_file_form_and_refuses_another() -> None:
    assert MatchModel.from_dict(MODEL.to_dict()) == MODEL
    with pytest.raises(ValueError, match="format"):
        MatchModel.from_dict({**MODEL.to_dict(), "format": "something else"})
    levels = {name: dict(kinds) for name, kinds in MODEL.levels.items()}
    del levels["town"][lv.EXACT]
    with pytest.raises(ValueError, match="town/exact"):
        replace(MODEL, levels=levels)


def test_a_find_answer_is_one_learner_among_the_register_s_and_a_pair_is_two_random_records() -> None:
    small, large = replace(MODEL, register_size=1_000), replace(MODEL, register_size=1_000_000)
    query = Demographics("Amelia", "Okafor", date(2009, 5, 17), 2, "M14 5TQ")
    held = RegisterRecord("1026893096", "Amelia", "Okafor", date(2009, 5, 17), 2, "LS6 2QT")
    assert Matcher(small).score(query, held).score - Matcher(large).score(query, held).score == pytest.approx(
        math.log2(1_000_000 / 1_000), abs=0.01)  # fmt: skip
    assert Matcher(small).score_pair(held, held).score == Matcher(large).score_pair(held, held).score
    assert MatchModel.from_dict(small.to_dict()).register_size == 1_000


# no single field vetoes a match ---------------------------------------------------------------------------------

MATCHER = Matcher()
BASE = RegisterRecord("1026893096", "Amelia", "Okafor", date(2009, 5, 17), 2, "LS6 2QT", None, None, "Rose",
                      "27 Cardigan Road", "Leeds")  # fmt: skip
REPLACEMENTS = {
    "given_name": st.sampled_from(["Zainab", "Harriet", "Priya", "Chloe"]),
    "family_name": st.sampled_from(["Wilson", "Nowak", "Begum", "Thornton"]),
    "date_of_birth": st.dates(date(1995, 1, 1), date(2012, 12, 31)),
    "gender": st.sampled_from([1, 0, 9]),
    "postcode": st.sampled_from(["M14 5TQ", "TR1 1AA", "EH1 1YZ", ""]),
    "middle_name": st.sampled_from(["Grace", "", None]),
    "address_line": st.sampled_from(["3 Oak Lane", "Flat 2, 10 High Street"]),
    "town": st.sampled_from(["Truro", "Edinburgh"]),
}


@settings(max_examples=200)
@given(st.sampled_from(sorted(REPLACEMENTS)).flatmap(lambda name: st.tuples(st.just(name), REPLACEMENTS[name])))
def test_no_single_field_change_drops_an_otherwise_identical_pair_below_possible(change: tuple[str, object]) -> None:
    name, value = change
    other = replace(BASE, uln="1000000063", **{name: value})
    assert MATCHER.score_pair(BASE, other).probability >= MATCHER.thresholds.possible
    query = Demographics(other.given_name, other.family_name, other.date_of_birth, other.gender, other.postcode)
    assert MATCHER.find(query, [BASE]).code in (ResponseCode.POSSIBLE_MATCH, ResponseCode.EXACT_MATCH)


TWIN_NAMES = st.sampled_from(["Oliver", "Olivia", "Jack", "Isla", "Noah", "Thomas", "Freya", "Harry", "Ella"])


@given(TWIN_NAMES, TWIN_NAMES, st.sampled_from([1, 2]), st.sampled_from([1, 2]), st.sampled_from([None, "Rose"]))
def test_twins_are_never_a_probable_duplicate(first: str, second: str, sex_a: int, sex_b: int, middle: str | None) -> None:  # noqa: E501
    a = replace(BASE, given_name=first, gender=sex_a, middle_name=middle)
    b = replace(BASE, uln="1000000063", given_name=second, gender=sex_b, middle_name=None)
    if lv.compare_given(first, second) in lv.WEAK_NAME_LEVELS or sex_a != sex_b and first != second:
        assert not MATCHER.is_duplicate(a, b)


def test_a_replaced_given_name_with_the_same_middle_name_is_one_learner_but_twins_are_two() -> None:
    pair, duplicate = MATCHER.pair(replace(BASE, middle_name="Rose"), replace(BASE, uln="2", given_name="Zainab"))
    assert duplicate and pair.probability > 0.95
    twins = MATCHER.pair(replace(BASE, middle_name=None), replace(BASE, uln="2", given_name="Zainab", middle_name=None))
    assert not twins[1] and any("twins" in reason for reason in twins[0].reasons)


def test_every_answer_carries_each_field_s_level_and_weight() -> None:
    pair = MATCHER.score_pair(BASE, replace(BASE, uln="2", family_name="Okafro"))
    assert {item.field for item in pair.evidence} >= {"given_name", "family_name", "date_of_birth", "postcode"}
    assert pair.score == pytest.approx(sum(item.weight for item in pair.evidence) + MODEL.prior_weight)
    family = next(item for item in pair.evidence if item.field == "family_name")
    assert (family.level, family.reason) == (lv.EDIT_1, "family name differs only by a typo (Okafor / Okafro)")


# training -------------------------------------------------------------------------------------------------------

_FIRST = ["Oliver", "Amelia", "Noah", "Isla", "Leo", "Ava", "Jack", "Mia", "Harry", "Ivy", "Zain", "Priya"]
_LAST = ["Smith", "Jones", "Okafor", "Nowak", "Patel", "Wright", "Murphy", "Khan", "Evans", "Begum", "Hughes"]


def _register(rng: random.Random, people: int) -> tuple[list[RegisterRecord], set[tuple[str, str]]]:
    records, truth = [], set()
    for n in range(people):
        person = RegisterRecord(
            f"{n:010d}", rng.choice(_FIRST) + rng.choice(["", "a", "n", "e"]),
            rng.choice(_LAST) + rng.choice(["", "s"]),
            date(2005, 1, 1).fromordinal(date(2005, 1, 1).toordinal() + rng.randrange(2000)), rng.choice((1, 2)),
            f"LS{rng.randrange(1, 30)} {rng.randrange(10)}A{rng.choice('BDEFG')}", town=rng.choice(["Leeds", "York"]),
            address_line=f"{rng.randrange(1, 200)} {rng.choice(['Oak', 'Mill', 'Park'])} Road",
        )  # fmt: skip
        records.append(person)
        if rng.random() < 0.1:
            copy = replace(person, uln=f"9{n:09d}", given_name=person.given_name[:-1] or "X") if rng.random() < 0.5 \
                else replace(person, uln=f"9{n:09d}", postcode=f"LS{rng.randrange(1, 30)} 1AA")
            records.append(copy)
            truth.add((person.uln, copy.uln))
    return records, truth


def test_u_is_how_often_two_random_learners_agree_at_each_level() -> None:
    records, _ = _register(random.Random(2), 3000)
    u = estimate_u(records, random.Random(3), 40_000, MODEL)
    assert u["gender"][lv.EQUAL] == pytest.approx(0.5, abs=0.03)
    assert u["town"][lv.EXACT] == pytest.approx(0.5, abs=0.03)
    assert u["date_of_birth"][lv.EXACT] == pytest.approx(1 / 2000, abs=0.0006)
    assert sum(u["postcode"].values()) == pytest.approx(1.0, abs=0.001)


def test_training_learns_weights_that_separate_duplicates_and_reports_what_changed() -> None:
    records, truth = _register(random.Random(7), 3000)
    report = train(records, MODEL, random.Random(1), version="test", u_pairs=60_000, em_pairs=60_000, learn_m=True)
    model = report.model
    assert model.version == "test" and report.records == len(records)
    assert all(session.iterations > 0 for session in report.sessions)
    assert model.weight("date_of_birth", lv.EXACT) > 8 > 0 > model.weight("date_of_birth", lv.DIFFERENT)
    assert model.weight("town", lv.EXACT) < 2  # half the register lives in each town
    assert model.term_frequencies["family_name"]["SMITH"] > 0.01
    assert 1e-6 < model.prior < 1e-3
    assert {(name, level) for name, level, _, _ in report.changes} == {
        (name, level) for name, kinds in lv.LEVELS.items() for level in kinds}  # fmt: skip
    trained = Matcher(model)
    by_uln = {record.uln: record for record in records}
    assert sum(trained.is_duplicate(by_uln[a], by_uln[b]) for a, b in truth) / len(truth) >= 0.95


def test_training_keeps_m_unless_asked_to_learn_it() -> None:
    records, _ = _register(random.Random(7), 500)
    report = train(records, MODEL, random.Random(1), version="kept", u_pairs=5_000, register_size=20_000)
    assert report.sessions == () and report.model.register_size == 20_000
    assert all(report.model.levels[name][level].m == MODEL.levels[name][level].m
               for name, kinds in lv.LEVELS.items() for level in kinds)  # fmt: skip
    assert report.model.levels["town"][lv.EXACT].u != MODEL.levels["town"][lv.EXACT].u


def test_an_untrained_model_takes_a_large_register_s_frequencies_and_prior_and_a_trained_one_is_kept() -> None:
    records, _ = _register(random.Random(7), FIT_MINIMUM)
    fitted = fitted_to_register(MODEL, records)
    assert fitted.register_size == len(records) and fitted.term_frequencies["family_name"]["SMITH"] > 0.01
    assert fitted.prior != MODEL.prior and fitted.levels == MODEL.levels
    assert fitted_to_register(fitted, records) is fitted
    assert fitted_to_register(MODEL, records[: FIT_MINIMUM // 2]) is MODEL


def test_training_needs_at_least_two_learners() -> None:
    with pytest.raises(ValueError, match="two learners"):
        train([BASE], MODEL, random.Random(1), version="x")


# clustering -----------------------------------------------------------------------------------------------------


def test_chains_of_pairs_become_one_cluster_and_a_cluster_never_passes_its_limit() -> None:
    pairs = [("a", "b", 20.0), ("b", "c", 15.0), ("x", "y", 30.0), ("c", "d", 5.0)]
    assert clusters(pairs) == [["a", "b", "c", "d"], ["x", "y"]]
    assert clusters(pairs, max_size=3) == [["a", "b", "c"], ["x", "y"]]  # the weakest link is left out
    assert clusters([]) == []


def test_an_identical_pair_is_the_same_whichever_level_holds_equal_m_and_u() -> None:
    flat = {name: {level: Level(0.5, 0.5) for level in kinds} for name, kinds in lv.LEVELS.items()}
    model = replace(MODEL, levels=flat, household_family_share=0.5)
    assert Matcher(model).score_pair(BASE, replace(BASE, uln="2")).score == pytest.approx(model.prior_weight)
