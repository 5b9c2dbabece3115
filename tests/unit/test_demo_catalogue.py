from __future__ import annotations

import csv
import io
from importlib import resources

from learner_records.domain.qualifications import ReferenceKind, parse_qualification


def test_the_shipped_demo_catalogue_parses_and_its_references_are_unique() -> None:
    text = resources.files("learner_records.data").joinpath("qualifications.csv").read_text(encoding="utf-8")
    entries = [parse_qualification(row) for row in csv.DictReader(io.StringIO(text))]
    assert len(entries) >= 40
    assert len({q.reference for q in entries}) == len(entries)
    assert {q.kind for q in entries} == set(ReferenceKind)
