from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from learner_records.adapters.pdf.plr_document import FontMissing, FpdfPlrRenderer, render_plr
from learner_records.domain.learner import Learner
from learner_records.domain.plr import EventStatus, LearningEvent
from tests.factories import details

GENERATED = datetime(2026, 11, 28, 16, 5)

FINAL = LearningEvent(
    id=1,
    uln="1026893096",
    source="QCFU",
    subject_code="601/8675/3",
    subject="Certificate in Digital Skills for Work",
    qualification_type="Certificate",
    level="Level 2",
    grade="Distinction",
    credits=13,
    awarding_organisation_name="Northgate Awards",
    awarding_organisation_ukprn="10090001",
    provider_name="Riverside College",
    provider_ukprn="10012345",
    award_date=date(2026, 7, 1),
    participation_start=None,
    participation_end=None,
    status=EventStatus.FINAL,
    date_loaded=GENERATED,
    updated_at=GENERATED,
)
PROVISIONAL = replace(
    FINAL, id=2, subject_code="K/501/5773", subject="Using spreadsheets", qualification_type="Unit", level="Level 1",
    grade="Achieved", credits=3, status=EventStatus.PROVISIONAL,
)  # fmt: skip
CHALLENGED = replace(
    FINAL, id=3, subject_code="1000323X",
    subject="Access to Higher Education Diploma (Nursing, Midwifery and Allied Health Professions) with a title "
    "long enough to wrap over several lines of its column",
    qualification_type="Learning aim", level="Level 3", grade="Merit", credits=None,
    awarding_organisation_name="Pennine Qualifications", under_data_challenge=True,
)  # fmt: skip
THREE = [FINAL, PROVISIONAL, CHALLENGED]

LEARNERS = [("Siobhán", "Ó Briain", "1026893096"), ("Łukasz", "Żółć", "7688356015"), ("Zoë", "Brontë", "3742819983")]


def learner(given: str = "Siobhán", family: str = "Ó Briain", uln: str = "1026893096") -> Learner:
    return Learner(uln, details(given_name=given, family_name=family), GENERATED, GENERATED)


def pdf_text(document: bytes, tmp_path: Path) -> str:
    path = tmp_path / "plr.pdf"
    path.write_bytes(document)
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return done.stdout


def page_count(document: bytes, tmp_path: Path) -> int:
    path = tmp_path / "count.pdf"
    path.write_bytes(document)
    done = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    (pages,) = [line.split()[-1] for line in done.stdout.splitlines() if line.startswith("Pages:")]
    return int(pages)


@pytest.mark.parametrize(("given", "family", "uln"), LEARNERS, ids=["irish", "polish", "diaeresis"])
def test_the_learners_name_and_uln_print_exactly_as_written(given: str, family: str, uln: str, tmp_path: Path) -> None:
    text = pdf_text(render_plr(learner(given, family, uln), THREE, GENERATED), tmp_path)
    assert f"{given} {family}" in text
    assert uln in text
    assert "17 April 2009" in text and "CV4 9EE" in text


def test_every_event_shows_its_code_grade_and_status(tmp_path: Path) -> None:
    text = pdf_text(render_plr(learner(), THREE, GENERATED), tmp_path)
    lines = text.splitlines()
    for code, grade, status in (("601/8675/3", "Distinction", "Final"), ("K/501/5773", "Achieved", "Provisional"),
                                ("1000323X", "Merit", "Final")):  # fmt: skip
        (line,) = [line for line in lines if code in line]
        assert grade in line.split() and status in line.split()
    assert "3 learning events" in text


def test_only_the_challenged_event_is_marked_under_data_challenge(tmp_path: Path) -> None:
    text = pdf_text(render_plr(learner(), THREE, GENERATED), tmp_path)
    lines = text.splitlines()
    (row,) = [number for number, line in enumerate(lines) if "1000323X" in line]
    assert lines[row + 1].rstrip().endswith("Under data challenge")  # under the status, on the cell's second line
    assert len(re.findall(r"Under data challenge(?!:)", text)) == 1  # the key below the table ends in a colon


def test_a_long_subject_wraps_inside_its_column(tmp_path: Path) -> None:
    text = pdf_text(render_plr(learner(), [CHALLENGED], GENERATED), tmp_path)
    assert "Access to Higher" in text and "several lines of its" in text
    assert "Access to Higher Education Diploma (Nursing, Midwifery" not in text


def test_the_footer_gives_the_page_count_and_the_generation_time(tmp_path: Path) -> None:
    text = pdf_text(render_plr(learner(), THREE, GENERATED), tmp_path)
    assert "Page 1 of 1" in text
    assert "Generated 28 November 2026 16:05" in text


def test_a_record_of_sixty_events_runs_over_numbered_pages(tmp_path: Path) -> None:
    events = [replace(FINAL, id=n, subject_code=f"601/{8600 + n}/3") for n in range(60)]
    document = render_plr(learner(), events, GENERATED)
    text = pdf_text(document, tmp_path)
    pages = page_count(document, tmp_path)
    assert pages >= 2
    assert "Page 2 of" in text and f"Page {pages} of {pages}" in text
    assert all(f"601/{8600 + n}/3" in text for n in range(60))


def test_an_empty_record_says_there_are_no_learning_events(tmp_path: Path) -> None:
    text = pdf_text(render_plr(learner(), [], GENERATED), tmp_path)
    assert "There are no learning events on this record." in text
    assert "Siobhán Ó Briain" in text and "Page 1 of 1" in text


def test_the_same_record_renders_to_the_same_bytes() -> None:
    assert render_plr(learner(), THREE, GENERATED) == render_plr(learner(), THREE, GENERATED)


def test_the_renderer_port_adapter_draws_the_same_document() -> None:
    assert FpdfPlrRenderer().render(learner(), THREE, GENERATED) == render_plr(learner(), THREE, GENERATED)


def test_a_missing_font_names_the_package_to_install(tmp_path: Path) -> None:
    with pytest.raises(FontMissing, match="fonts-dejavu-core"):
        render_plr(learner(), THREE, GENERATED, font_path=tmp_path / "DejaVuSans.ttf")
