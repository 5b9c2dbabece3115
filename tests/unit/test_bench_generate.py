from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import random
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from bench.generate import (
    COMMON_SURNAMES,
    FEMALE_GIVEN,
    KINDS,
    LEARNER_COLUMNS,
    UNKNOWN_POSTCODE,
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
from learner_records.domain.learner import parse_postcode


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
        assert 1 <= len(learner.corruption.split(",")) <= 3
        assert learner.uln != original.uln
        assert dataclasses.replace(learner, record_id="", uln="", corruption="") != dataclasses.replace(
            original, record_id="", uln="", corruption="")


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
    assert all(parse_postcode(learner.postcode) == learner.postcode for learner in learners)
    assert all(1 <= len(learner.address_line_1) <= 50 for learner in learners)
    assert all(learner.address_line_1.split()[0].isdigit() for learner in learners)
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


_ORIGINAL = GeneratedLearner(
    record_id="R1", person_id="P1", uln="1026893096", given_name="Katherine", middle_name="Rose",
    family_name="Pritchard", previous_family_name="", date_of_birth=dt.date(2008, 3, 5), gender=2,
    postcode="CV4 9EE", town="Coventry", address_line_1="12 Station Road",
)


def _edits(a: str, b: str) -> int:
    """Damerau-Levenshtein distance ignoring case (adjacent transpositions count one)."""
    a, b = a.lower(), b.lower()
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def _single_kind_copies(kind: str, count: int = 60) -> list[GeneratedLearner]:
    rng = random.Random(kind)
    copies = [corrupt(rng, _ORIGINAL, record_id=f"R{n + 2}", uln="1000000063") for n in range(3000)]
    chosen = [copy for copy in copies if copy.corruption == kind][:count]
    assert chosen, f"{kind} never produced alone"
    return chosen


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_does_what_it_says(kind: str) -> None:  # noqa: C901 - one check per kind
    o = _ORIGINAL
    for c in _single_kind_copies(kind):
        assert (c.relation, c.related_to) == ("", "")
        dob_digits = sum(x != y for x, y in zip(o.date_of_birth.isoformat(), c.date_of_birth.isoformat(), strict=True))
        if kind == "dob_replaced":
            assert c.date_of_birth != o.date_of_birth and c.given_name == o.given_name
        elif kind == "dob_digit":
            assert 1 <= dob_digits <= 2 and c.postcode == o.postcode
        elif kind == "dob_and_postcode":
            assert c.date_of_birth != o.date_of_birth and c.postcode != o.postcode
        elif kind == "given_replaced":
            assert c.given_name != o.given_name and c.given_name not in ("Kate", "Katie", "Kath")
            assert c.given_name in FEMALE_GIVEN
        elif kind in ("typo2_given", "typo2_family", "typo_given", "typo_family"):
            key = "given_name" if "given" in kind else "family_name"
            assert 1 <= _edits(getattr(c, key), getattr(o, key)) <= (2 if kind.startswith("typo2") else 1)
        elif kind == "swap_typo":
            assert _edits(c.given_name, o.family_name) + _edits(c.family_name, o.given_name) == 1
        elif kind == "address_move":
            assert c.town == o.town and c.postcode != o.postcode and c.postcode.startswith("CV")
            assert c.address_line_1 != o.address_line_1
        elif kind == "moved":
            assert c.postcode != o.postcode and c.address_line_1 != o.address_line_1
        elif kind == "missing_postcode":
            assert c.postcode == UNKNOWN_POSTCODE and parse_postcode(c.postcode) == c.postcode
        elif kind == "missing_town":
            assert c.town == "" and c.postcode == o.postcode
        elif kind == "initial_given":
            assert c.given_name == "K"
        elif kind == "middle_as_given":
            assert (c.given_name, c.middle_name) == ("Rose", "")
        if kind not in ("dob_replaced", "dob_digit", "dob_and_postcode", "dob_day_month"):
            assert c.date_of_birth == o.date_of_birth


def test_some_records_get_three_corruptions(learners: list[GeneratedLearner]) -> None:
    counts = Counter(len(g.corruption.split(",")) for g in learners if g.corruption)
    assert counts[1] > counts[2] > counts[3] > 0


def test_twins_share_the_household_and_relations_list_them(tmp_path: Path) -> None:
    generated = list(generate_learners(20_000, seed=11))
    by_record = {g.record_id: g for g in generated}
    relations = Counter(g.relation for g in generated if g.relation)
    assert set(relations) == {"twin", "sibling", "namesake"}
    for g in generated:
        if not g.relation:
            continue
        other = by_record[g.related_to]
        assert other.person_id != g.person_id and not other.corruption
        if g.relation in ("twin", "sibling"):
            assert (g.family_name, g.postcode, g.town, g.address_line_1) == (
                other.family_name, other.postcode, other.town, other.address_line_1)
        if g.relation == "twin":
            assert g.date_of_birth == other.date_of_birth and g.given_name != other.given_name
        if g.relation == "namesake":
            assert (g.given_name, g.family_name, g.date_of_birth) == (
                other.given_name, other.family_name, other.date_of_birth)
    write(20_000, seed=11, out=tmp_path)
    with (tmp_path / "relations.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert Counter(row["relation"] for row in rows) == relations
    assert {(row["record_id_a"], row["record_id_b"]) for row in rows} == {
        (g.related_to, g.record_id) for g in generated if g.relation}
    with (tmp_path / "corruptions.csv").open(encoding="utf-8", newline="") as handle:
        kinds = [(row["record_id"], row["corruption"]) for row in csv.DictReader(handle)]
    assert kinds == [(g.record_id, k) for g in generated if g.corruption for k in g.corruption.split(",")]


def test_common_names_make_namesakes(learners: list[GeneratedLearner]) -> None:
    common = [g for g in learners if not g.corruption and g.family_name in COMMON_SURNAMES]
    assert len(common) > 0.08 * len(learners)
    pairs = Counter((g.given_name, g.family_name) for g in common)
    assert pairs.most_common(1)[0][1] >= 5


def test_files_are_the_same_for_a_seed(tmp_path: Path) -> None:
    write(1_000, seed=4, out=tmp_path / "a")
    write(1_000, seed=4, out=tmp_path / "b")
    for name in ("learners", "truth", "corruptions", "relations"):
        assert (tmp_path / "a" / f"{name}.csv").read_bytes() == (tmp_path / "b" / f"{name}.csv").read_bytes()
