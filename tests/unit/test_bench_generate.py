from __future__ import annotations

import csv
import datetime as dt
import random
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from bench.generate import (
    LEARNER_COLUMNS,
    GeneratedLearner,
    corrupt,
    generate_learners,
    restyle,
    strip_accents,
    typo,
    write,
)
from bench.scoring import score_pairs, true_pairs
from learner_records.domain import uln


@pytest.fixture(scope="module")
def learners() -> list[GeneratedLearner]:
    return list(generate_learners(5_000, seed=42))


def test_same_seed_same_output_and_other_seed_differs() -> None:
    first = list(generate_learners(500, seed=7))
    assert first == list(generate_learners(500, seed=7))
    assert first != list(generate_learners(500, seed=8))


def test_count_and_record_ids(learners: list[GeneratedLearner]) -> None:
    assert len(learners) == 5_000
    assert len({learner.record_id for learner in learners}) == 5_000


def test_every_uln_valid_and_unique(learners: list[GeneratedLearner]) -> None:
    ulns = [learner.uln for learner in learners]
    assert all(uln.is_valid(value) for value in ulns)
    assert len(set(ulns)) == len(ulns)


def test_duplicate_rate_roughly_honoured(learners: list[GeneratedLearner]) -> None:
    duplicates = sum(1 for learner in learners if learner.corruption)
    people = len({learner.person_id for learner in learners})
    assert duplicates == len(learners) - people
    assert 0.035 * len(learners) < duplicates < 0.065 * len(learners)
    assert sum(1 for learner in generate_learners(2_000, seed=1, duplicate_rate=0.0) if learner.corruption) == 0
    heavy = list(generate_learners(2_000, seed=1, duplicate_rate=0.3))
    assert 0.22 < sum(1 for learner in heavy if learner.corruption) / len(heavy) < 0.35


def test_duplicates_follow_their_original_and_differ_from_it(learners: list[GeneratedLearner]) -> None:
    first_seen: dict[str, GeneratedLearner] = {}
    for learner in learners:
        original = first_seen.setdefault(learner.person_id, learner)
        if learner is original:
            assert learner.corruption == ""
            continue
        assert learner.corruption, "a second record of a person is always a corrupted copy"
        assert 1 <= len(learner.corruption.split(",")) <= 2
        assert learner.uln != original.uln
        mine = (learner.given_name, learner.middle_name, learner.family_name, learner.date_of_birth, learner.postcode)
        theirs = (original.given_name, original.middle_name, original.family_name, original.date_of_birth,
                  original.postcode)
        assert mine != theirs


def test_twins_are_different_people(learners: list[GeneratedLearner]) -> None:
    households: dict[tuple[str, dt.date, str], set[str]] = {}
    for learner in learners:
        if not learner.corruption:
            households.setdefault((learner.family_name, learner.date_of_birth, learner.postcode), set()).add(
                learner.person_id
            )
    assert any(len(people) == 2 for people in households.values())


def test_fields_look_like_uk_learners(learners: list[GeneratedLearner]) -> None:
    originals = [learner for learner in learners if not learner.corruption]
    assert all(dt.date(2000, 9, 1) <= learner.date_of_birth <= dt.date(2012, 8, 31) for learner in originals)
    assert {learner.gender for learner in learners} <= {0, 1, 2, 9}
    assert all(1 <= len(learner.given_name) <= 35 and 1 <= len(learner.family_name) <= 35 for learner in learners)
    outward, inward = zip(*(learner.postcode.split(" ") for learner in learners), strict=True)
    assert all(len(code) == 3 and code[0].isdigit() and code[1:].isalpha() for code in inward)
    assert all(2 <= len(code) <= 4 and code[0].isalpha() for code in outward)
    families = Counter(learner.family_name for learner in learners)
    assert families.most_common(1)[0][1] > 30, "common surnames should be common"
    assert len(families) > 300


def test_names_include_accents_apostrophes_and_multi_part(learners: list[GeneratedLearner]) -> None:
    names = {learner.given_name for learner in learners} | {learner.family_name for learner in learners}
    assert any(unicodedata.normalize("NFKD", name) != name for name in names)
    assert any("'" in name for name in names)
    assert any("-" in name for name in names)
    assert any(name.startswith(("Mc", "Mac")) for name in names)


def test_truth_and_csv_files(tmp_path: Path) -> None:
    duplicates = write(300, seed=3, out=tmp_path)
    with (tmp_path / "learners.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with (tmp_path / "truth.csv").open(encoding="utf-8", newline="") as handle:
        truth = {row["record_id"]: row["person_id"] for row in csv.DictReader(handle)}
    assert tuple(rows[0]) == LEARNER_COLUMNS
    assert [row["record_id"] for row in rows] == list(truth)
    assert len(truth) - len(set(truth.values())) == duplicates
    assert all(dt.date.fromisoformat(row["date_of_birth"]) for row in rows)
    expected = [(g.record_id, g.person_id) for g in generate_learners(300, seed=3)]
    assert list(truth.items()) == expected


def test_corruptions() -> None:
    rng = random.Random(5)
    original = GeneratedLearner(
        record_id="R1", person_id="P1", uln="1026893096", given_name="William", middle_name="James",
        family_name="O'Brien", previous_family_name="", date_of_birth=dt.date(2008, 3, 5), gender=1,
        postcode="CV4 9EE", town="Coventry",
    )
    kinds: Counter[str] = Counter()
    for n in range(400):
        copy = corrupt(rng, original, record_id=f"R{n + 2}", uln="1000000063")
        kinds.update(copy.corruption.split(","))
        if "dob_day_month" in copy.corruption:
            assert copy.date_of_birth == dt.date(2008, 5, 3)
        if copy.corruption == "nickname":
            assert copy.given_name in {"Bill", "Will", "Billy", "Liam"}
    assert set(kinds) >= {"typo_given", "typo_family", "nickname", "surname_change", "moved", "dob_day_month",
                          "no_middle", "case_accent", "swap_names", "hyphen_surname"}
    assert strip_accents("Siobhán Łukasz Zoë") == "Siobhan Lukasz Zoe"
    assert {restyle(rng, "O'Brien") for _ in range(50)} >= {"OBrien", "O'BRIEN"}
    for _ in range(50):
        changed = typo(rng, "Katherine")
        assert changed is not None and changed != "Katherine" and abs(len(changed) - 9) <= 1


def test_score_pairs_on_a_hand_made_example() -> None:
    truth = {"a": "p1", "b": "p1", "c": "p1", "d": "p2", "e": "p3", "f": "p3"}
    assert sorted(true_pairs(truth)) == [("a", "b"), ("a", "c"), ("b", "c"), ("e", "f")]
    predicted = [("b", "a"), ("a", "b"), ("c", "b"), ("d", "e"), ("d", "d")]
    score = score_pairs(predicted, truth)
    assert (score.true_positives, score.false_positives, score.false_negatives) == (2, 1, 2)
    assert score.precision == pytest.approx(2 / 3)
    assert score.recall == pytest.approx(2 / 4)
    assert score.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))
    nothing = score_pairs([], {"a": "p1", "b": "p2"})
    assert (nothing.precision, nothing.recall) == (1.0, 1.0)
