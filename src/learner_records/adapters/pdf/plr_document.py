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
FONT = "DejaVu"
NO_EVENTS = "There are no learning events on this record."
UNDER_CHALLENGE = "Under data challenge"
KEY = (
    "Provisional: the awarding organisation has not yet confirmed this result. "
    f"{UNDER_CHALLENGE}: the learner has asked for this entry to be checked; it stays on the record while under review."
)
# (heading, width in mm), adding up to the 190 mm between A4's 10 mm margins. At 7 pt the dates, codes, grades and
# "Under data challenge" each fit on one line, so they stay whole for the reader and for text extraction.
_COLUMNS = (("Awarded", 17), ("Code", 17), ("Subject", 40), ("Type", 17), ("Level", 13), ("Grade", 16),
            ("Credits", 12), ("Awarding organisation", 27), ("Status", 31))  # fmt: skip
_INK = (33, 37, 41)
_MUTED = (95, 99, 104)
_RULE = (22, 61, 110)
_STRIPE = (244, 246, 249)
_CHALLENGED = FontFace(color=(160, 28, 28))


class FontMissing(RuntimeError):
    """The TTF that prints every learner's name is not installed."""


class _Document(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self._footer_text = footer_text

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=7)
        self.set_text_color(*_MUTED)
        self.cell(0, 5, self._footer_text, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")


def _font_files(regular: Path) -> tuple[Path, Path]:
    bold = regular.with_name(regular.stem + "-Bold" + regular.suffix)
    for path in (regular, bold):
        if not path.exists():
            raise FontMissing(f"{path} is missing: install the Debian package fonts-dejavu-core")
    return regular, bold


def _when(moment: datetime) -> str:
    zone = moment.tzname()
    return f"{moment:%d %B %Y %H:%M}" + (f" {zone}" if zone else "")


def _full_name(learner: Learner) -> str:
    d = learner.details
    return " ".join(part for part in (d.given_name, d.middle_other_name, d.family_name) if part)


def _status(event: LearningEvent) -> str:
    status = "Final" if event.status is EventStatus.FINAL else "Provisional"
    return f"{status}\n{UNDER_CHALLENGE}" if event.under_data_challenge else status


def _cells(event: LearningEvent) -> tuple[str, ...]:
    return (
        event.award_date.strftime("%d/%m/%Y") if event.award_date else "",
        event.subject_code,
        event.subject,
        event.qualification_type or "",
        event.level or "",
        event.grade or "",
        "" if event.credits is None else str(event.credits),
        event.awarding_organisation_name or "",
        _status(event),
    )


def _learner_block(pdf: FPDF, learner: Learner) -> None:
    born = learner.details.date_of_birth.strftime("%d %B %Y")
    for label, value in (("Name", _full_name(learner)), ("ULN", learner.uln), ("Date of birth", born),
                         ("Postcode", learner.details.postcode)):  # fmt: skip
        pdf.set_font(FONT, "B", 10)
        pdf.cell(32, 6, label)
        pdf.set_font(FONT, size=10)
        pdf.cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")


def _events_table(pdf: FPDF, events: Sequence[LearningEvent]) -> None:
    pdf.set_font(FONT, size=7)
    headings = FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=_RULE)
    with pdf.table(
        col_widths=[width for _, width in _COLUMNS], text_align="LEFT", v_align="TOP", line_height=3.4,
        padding=1, headings_style=headings, cell_fill_color=_STRIPE, cell_fill_mode="ROWS",
        borders_layout="HORIZONTAL_LINES",
    ) as table:  # fmt: skip
        heading = table.row()
        for label, _ in _COLUMNS:
            heading.cell(label)
        for event in events:
            row = table.row()
            *values, status = _cells(event)
            for value in values:
                row.cell(value)
            row.cell(status, style=_CHALLENGED if event.under_data_challenge else None)


def render_plr(
    learner: Learner, events: Sequence[LearningEvent], generated_at: datetime, font_path: Path = DEJAVU
) -> bytes:
    """One A4 document: the learner, then every learning event given, in the order given."""
    regular, bold = _font_files(font_path)
    pdf = _Document(f"Personal Learning Record of ULN {learner.uln} · Generated {_when(generated_at)}")
    pdf.add_font(FONT, "", str(regular))
    pdf.add_font(FONT, "B", str(bold))
    pdf.set_title("Personal Learning Record")
    pdf.set_creator("learner-records")
    pdf.set_lang("en-GB")
    # the generation time, not the wall clock, so that the same record renders to the same bytes
    pdf.set_creation_date(generated_at)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.set_text_color(*_INK)
    pdf.add_page()
    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 10, "Personal Learning Record", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*_RULE)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(3)
    _learner_block(pdf, learner)
    pdf.ln(4)
    if not events:
        pdf.set_font(FONT, size=10)
        pdf.cell(0, 8, NO_EVENTS, new_x="LMARGIN", new_y="NEXT")
        return bytes(pdf.output())
    pdf.set_font(FONT, "B", 11)
    count = f"{len(events)} learning event" + ("" if len(events) == 1 else "s")
    pdf.cell(0, 7, count, new_x="LMARGIN", new_y="NEXT")
    _events_table(pdf, events)
    pdf.ln(3)
    pdf.set_font(FONT, size=7)
    pdf.set_text_color(*_MUTED)
    pdf.multi_cell(0, 3.5, KEY, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


class FpdfPlrRenderer:
    """The PlrRenderer port, drawn with fpdf2."""

    def __init__(self, font_path: Path = DEJAVU) -> None:
        self._font_path = font_path

    def render(self, learner: Learner, events: Sequence[LearningEvent], generated_at: datetime) -> bytes:
        return render_plr(learner, events, generated_at, self._font_path)
