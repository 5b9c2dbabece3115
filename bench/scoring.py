"""Pairwise precision, recall and F1 of predicted duplicate pairs against the generator's truth."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path


@dataclass(frozen=True, slots=True)
class PairScore:
    precision: float
    recall: float
    f1: float
    true_positives: int
    false_positives: int
    false_negatives: int

    def __str__(self) -> str:
        return (
            f"precision {self.precision:.4f}  recall {self.recall:.4f}  F1 {self.f1:.4f}  "
            f"(TP {self.true_positives}, FP {self.false_positives}, FN {self.false_negatives})"
        )


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def true_pairs(truth: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    """Every unordered pair of records that share a person_id."""
    by_person: dict[str, list[str]] = defaultdict(list)
    for record_id, person_id in truth.items():
        by_person[person_id].append(record_id)
    for records in by_person.values():
        for a, b in combinations(records, 2):
            yield _pair(a, b)


def score_pairs(predicted: Iterable[tuple[str, str]], truth: Mapping[str, str]) -> PairScore:
    """Score unordered record_id pairs; `truth` maps record_id -> person_id.

    A pair of a record with itself is ignored, and a pair predicted twice (in either order) counts once.
    """
    predicted_set = {_pair(a, b) for a, b in predicted if a != b}
    actual = set(true_pairs(truth))
    tp = len(predicted_set & actual)
    fp = len(predicted_set) - tp
    fn = len(actual) - tp
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairScore(precision, recall, f1, tp, fp, fn)


def read_truth(path: Path) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["record_id"]: row["person_id"] for row in csv.DictReader(handle)}
