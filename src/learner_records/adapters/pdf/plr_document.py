"""The Personal Learning Record as an A4 PDF (fpdf2 with the DejaVu font, so every name prints as written)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from ...domain.learner import Learner
from ...domain.plr import EventStatus, LearningEvent

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
# award date, code, subject, type, level, grade, credits, awarding organisation, status (mm, total 190)
_COLUMNS = (("Awarded", 18), ("Code", 20), ("Subject", 42), ("Type", 18), ("Level", 14), ("Grade", 14),
            ("Credits", 13), ("Awarding organisation", 27), ("Status", 24))  # fmt: skip


class _Document(FPDF):
    generated: str = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", size=7)
        self.cell(0, 5, f"Generated {self.generated}", align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")


def _font_files(regular: Path) -> tuple[Path, Path]:
    bold = regular.with_name(regular.stem + "-Bold" + regular.suffix)
    for path in (regular, bold):
        if not path.exists():
            raise RuntimeError(f"{path} is missing: install the Debian package fonts-dejavu-core")
    return regular, bold


def render_plr(
    learner: Learner, events: Sequence[LearningEvent], generated_at: datetime, font_path: Path = DEJAVU
) -> bytes:
    regular, bold = _font_files(font_path)
    pdf = _Document(orientation="portrait", unit="mm", format="A4")
    pdf.generated = generated_at.strftime("%d %B %Y %H:%M")
    pdf.add_font("DejaVu", "", str(regular))
    pdf.add_font("DejaVu", "B", str(bold))
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.cell(0, 10, "Personal Learning Record", new_x="LMARGIN", new_y="NEXT")
    d = learner.details
    pdf.set_font("DejaVu", size=10)
    name = " ".join(part for part in (d.given_name, d.middle_other_name, d.family_name) if part)
    for label, value in (("Name", name), ("ULN", learner.uln), ("Date of birth", d.date_of_birth.strftime("%d %B %Y")),
                         ("Postcode", d.postcode)):  # fmt: skip
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(32, 6, label)
        pdf.set_font("DejaVu", size=10)
        pdf.cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    if not events:
        pdf.cell(0, 8, "There are no learning events on this record.", new_x="LMARGIN", new_y="NEXT")
        return bytes(pdf.output())
    pdf.set_font("DejaVu", size=7.5)
    headings = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))
    with pdf.table(col_widths=[width for _, width in _COLUMNS], text_align="LEFT", line_height=4,
                   headings_style=headings) as table:  # fmt: skip
        heading = table.row()
        for label, _ in _COLUMNS:
            heading.cell(label)
        for event in events:
            status = "Final" if event.status is EventStatus.FINAL else "Provisional"
            if event.under_data_challenge:
                status += ", under data challenge"
            row = table.row()
            for value in (event.award_date.strftime("%d/%m/%Y") if event.award_date else "", event.subject_code,
                          event.subject, event.qualification_type or "", event.level or "", event.grade or "",
                          "" if event.credits is None else str(event.credits), event.awarding_organisation_name or "",
                          status):  # fmt: skip
                row.cell(value)
    return bytes(pdf.output())


class FpdfPlrRenderer:
    def __init__(self, font_path: Path = DEJAVU) -> None:
        self._font_path = font_path

    def render(self, learner: Learner, events: Sequence[LearningEvent], generated_at: datetime) -> bytes:
        return render_plr(learner, events, generated_at, self._font_path)
