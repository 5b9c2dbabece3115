from __future__ import annotations

import subprocess
from datetime import date, datetime
from pathlib import Path

from learner_records.adapters.pdf.plr_document import render_plr
from learner_records.domain.learner import Learner
from learner_records.domain.plr import EventStatus, LearningEvent
from tests.factories import details

NOW = datetime(2026, 11, 28, 16, 0)


def event(number: int, **changes: object) -> LearningEvent:
    values = {
        "id": number, "uln": "1026893096", "source": "QCFU", "subject_code": f"601/{8600 + number}/3",
        "subject": "Certificate in Digital Skills", "qualification_type": "Certificate", "level": "Level 2",
        "grade": "Merit", "credits": 13, "awarding_organisation_name": "Northgate Awards",
        "awarding_organisation_ukprn": "10090001", "provider_name": "Riverside College", "provider_ukprn": "10012345",
        "award_date": date(2026, 7, 1), "participation_start": None, "participation_end": None,
        "status": EventStatus.FINAL, "date_loaded": NOW, "updated_at": NOW,
    }  # fmt: skip
    values.update(changes)
    return LearningEvent(**values)  # type: ignore[arg-type]


def text_of(document: bytes, tmp_path: Path) -> str:
    path = tmp_path / "plr.pdf"
    path.write_bytes(document)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def learner(**changes: object) -> Learner:
    return Learner("1026893096", details(**changes), NOW, NOW)


def test_names_print_exactly_as_written(tmp_path: Path) -> None:
    for given, family in (("Siobhán", "Ó Briain"), ("Łukasz", "Żółć"), ("Zoë", "Brontë")):
        text = text_of(render_plr(learner(given_name=given, family_name=family), [event(1)], NOW), tmp_path)
        assert f"{given} {family}" in text
        assert "1026893096" in text


def test_events_show_their_codes_grades_and_states(tmp_path: Path) -> None:
    events = [event(1), event(2, status=EventStatus.PROVISIONAL, grade="Pass"), event(3, under_data_challenge=True)]
    text = text_of(render_plr(learner(), events, NOW), tmp_path)
    for code in ("601/8601/3", "601/8602/3", "601/8603/3"):
        assert code in text
    assert "Provisional" in text and "Pass" in text
    assert "under" in text and "data challenge" in text


def test_a_long_record_runs_over_pages_with_numbers(tmp_path: Path) -> None:
    text = text_of(render_plr(learner(), [event(n) for n in range(60)], NOW), tmp_path)
    assert "Page 2 of" in text
    assert "Generated 28 November 2026 16:00" in text


def test_an_empty_record_says_so(tmp_path: Path) -> None:
    assert "There are no learning events on this record." in text_of(render_plr(learner(), [], NOW), tmp_path)
