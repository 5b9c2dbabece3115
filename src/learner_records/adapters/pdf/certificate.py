"""The award certificate as one A4 landscape PDF page (fpdf2 + DejaVu, with a segno QR code to the public check page)."""

from __future__ import annotations

import copy
import functools
import threading
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Protocol

import segno
from fontTools import subset as ftsubset
from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

from .plr_document import DEJAVU, _font_files

_PAGE_W, _PAGE_H = 297.0, 210.0
_MARGIN = 18.0
_INK = (33, 37, 41)
_MUTED = (95, 99, 104)
_ACCENT = (22, 61, 110)  # a sober navy for the rules and the name: formal, and it prints well in grey scale
_QR_SIZE = 34.0  # mm: at 150 dpi every module is several pixels wide, so phone cameras and zbarimg read it easily
_STYLES = ("", "B")
# The characters of the fast path: Latin (with Latin-1, Extended-A/B and Extended Additional, which covers Irish,
# Welsh, Polish, Czech, Turkish, Vietnamese...) and typographic punctuation. A certificate using anything else
# (Greek, Cyrillic...) is rendered with the whole font: slower, but every name still prints exactly as registered.
_FAST_CODEPOINTS = frozenset([*range(0x20, 0x7F), *range(0xA0, 0x250), *range(0x1E00, 0x1F00), *range(0x2010, 0x2028),
                              *range(0x2030, 0x203B), 0x20AC, 0x2122])  # fmt: skip


class CertificateFields(Protocol):
    """What a certificate prints. A Protocol (read-only attributes) so that the service's own record type fits too."""

    @property
    def certificate_number(self) -> str: ...
    @property
    def learner_name(self) -> str: ...
    @property
    def qualification_title(self) -> str: ...
    @property
    def qualification_reference(self) -> str: ...
    @property
    def level(self) -> str: ...
    @property
    def grade(self) -> str: ...
    @property
    def award_date(self) -> date: ...
    @property
    def centre_name(self) -> str: ...
    @property
    def awarding_organisation_name(self) -> str: ...
    @property
    def uln(self) -> str | None: ...
    @property
    def verify_url(self) -> str: ...
    @property
    def issued_on(self) -> date: ...
    @property
    def reissue_of(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class CertificateContent:
    certificate_number: str
    learner_name: str  # exactly as registered: printed with DejaVu so every accent survives
    qualification_title: str
    qualification_reference: str
    level: str
    grade: str
    award_date: date
    centre_name: str
    awarding_organisation_name: str
    uln: str | None  # the caller passes it only when the ULN is validated; otherwise nothing is printed
    verify_url: str
    issued_on: date
    reissue_of: str | None = None


def _reduced(path: Path) -> bytes:
    """The font cut down to the fast-path characters: a tenth of the glyphs, so each document's subsetting is quick."""
    font = ttLib.TTFont(path, recalcTimestamp=False)
    options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True, name_IDs=["*"], layout_features=[],
                                 glyph_names=True)
    # fpdf2 drops the layout tables from what it embeds anyway (it does not shape text unless asked to)
    options.drop_tables += ["GDEF", "GPOS", "GSUB", "hdmx", "FFTM", "MATH"]
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(unicodes=_FAST_CODEPOINTS)
    subsetter.subset(font)
    output = BytesIO()
    font.save(output)
    return output.getvalue()


class _FontSet:
    """DejaVu regular and bold, parsed once and handed to each document as fresh, independent copies.

    fpdf2's `add_font` parses the TrueType file and measures every glyph on each call, and at output it subsets the
    font in place; both dominated the time of a certificate. Here the measuring is done once per font (a template
    `TTFFont`), and each document gets a shallow copy of the template with its own per-document state: the glyphs
    used (`subset`), and a new lazily-loaded fontTools object for fpdf2 to subset in place. The shared parts (`cmap`,
    `glyph_ids`, `cw`, `desc`) are only read while rendering (fpdf2's own `__deepcopy__` shares them the same way).
    """

    def __init__(self, regular: Path) -> None:
        self._files = dict(zip(_STYLES, _font_files(regular), strict=True))
        self._lock = threading.Lock()
        self._fast = self._prepare({style: _reduced(path) for style, path in self._files.items()})
        self._full: dict[str, tuple[TTFFont, bytes]] | None = None  # only parsed when a document needs it

    @staticmethod
    def _prepare(data: dict[str, bytes]) -> dict[str, tuple[TTFFont, bytes]]:
        scratch = FPDF()
        return {style: (TTFFont(scratch, BytesIO(raw), f"dejavu{style}", style), raw)  # type: ignore[arg-type]
                for style, raw in data.items()}  # fmt: skip

    def _for(self, texts: tuple[str, ...]) -> dict[str, tuple[TTFFont, bytes]]:
        if all(ord(char) in _FAST_CODEPOINTS for text in texts for char in text):
            return self._fast
        with self._lock:
            if self._full is None:
                self._full = self._prepare({style: path.read_bytes() for style, path in self._files.items()})
            return self._full

    def install(self, pdf: FPDF, texts: tuple[str, ...]) -> None:
        """Give `pdf` the family "DejaVu" (regular and bold), able to print every character of `texts`."""
        for style, (template, raw) in self._for(texts).items():
            font = copy.copy(template)
            font.i = len(pdf.fonts) + 1
            font.ttfont = ttLib.TTFont(BytesIO(raw), recalcTimestamp=False, recalcBBoxes=False, lazy=True)
            font.subset = SubsetMap(font)
            font.missing_glyphs = []
            font.biggest_size_pt = 0
            pdf.fonts[font.fontkey] = font


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"  # "1 July 2026": no zero padding, as people write it


def _qr_png(url: str) -> BytesIO:
    # Error correction M with a quiet zone of 4 modules (the standard one) keeps the code readable after printing.
    code = segno.make_qr(url, error="m", boost_error=False)
    buffer = BytesIO()
    code.save(buffer, kind="png", scale=8, border=4, dark="#000000", light="#ffffff")
    buffer.seek(0)
    return buffer


def _centred(pdf: FPDF, text: str, size: float, style: str = "", colour: tuple[int, int, int] = _INK,
             height: float | None = None) -> None:  # fmt: skip
    pdf.set_font("DejaVu", style, size)
    pdf.set_text_color(*colour)
    pdf.set_x(_MARGIN)
    pdf.cell(_PAGE_W - 2 * _MARGIN, height or size * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT")


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*_ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, _PAGE_W - 16, _PAGE_H - 16)
    pdf.set_line_width(0.3)
    pdf.rect(11, 11, _PAGE_W - 22, _PAGE_H - 22)


def _rule(pdf: FPDF, width: float) -> None:
    y = pdf.get_y()
    pdf.set_draw_color(*_ACCENT)
    pdf.set_line_width(0.4)
    pdf.line((_PAGE_W - width) / 2, y, (_PAGE_W + width) / 2, y)


def _details(pdf: FPDF, content: CertificateFields) -> None:
    """The facts of the award as a small two-column table at the bottom left, beside the QR code."""
    rows = [("Grade", content.grade), ("Date of award", _day(content.award_date)), ("Centre", content.centre_name),
            ("Certificate number", content.certificate_number)]  # fmt: skip
    if content.uln:
        rows.append(("ULN", content.uln))
    rows.append(("Issued on", _day(content.issued_on)))
    if content.reissue_of:
        rows.append(("Replaces certificate", content.reissue_of))
    top = _PAGE_H - 20 - 6 * len(rows)
    for number, (label, value) in enumerate(rows):
        pdf.set_xy(28, top + 6 * number)
        pdf.set_font("DejaVu", "", 9.5)
        pdf.set_text_color(*_MUTED)
        # "ULN: 1234567890" reads as one phrase in extracted text; the other labels are aligned in a column
        pdf.cell(42, 6, f"{label}:")
        pdf.set_font("DejaVu", "B", 9.5)
        pdf.set_text_color(*_INK)
        pdf.cell(120, 6, value)


def _qr(pdf: FPDF, url: str) -> None:
    x, y = _PAGE_W - 28 - _QR_SIZE, _PAGE_H - 24 - _QR_SIZE
    pdf.image(_qr_png(url), x=x, y=y, w=_QR_SIZE, h=_QR_SIZE)
    pdf.set_font("DejaVu", "", 7.5)
    pdf.set_text_color(*_MUTED)
    # the address under the code, so a reader without a camera can still type it in
    text_w = 78.0
    pdf.set_xy(_PAGE_W - 28 - text_w, y + _QR_SIZE + 0.5)
    pdf.multi_cell(text_w, 3.4, f"Check this certificate at {url}", align="R")


@functools.lru_cache(maxsize=4)
def _fonts(font_path: Path) -> _FontSet:
    return _FontSet(font_path)


def render_certificate(content: CertificateFields, font_path: Path = DEJAVU) -> bytes:
    return _render(content, _fonts(font_path))


def _texts(content: CertificateFields) -> tuple[str, ...]:
    return (content.certificate_number, content.learner_name, content.qualification_title,
            content.qualification_reference, content.level, content.grade, content.centre_name,
            content.awarding_organisation_name, content.uln or "", content.verify_url, content.reissue_of or "")  # fmt: skip


def _render(content: CertificateFields, fonts: _FontSet) -> bytes:
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_title(f"Certificate {content.certificate_number}")
    pdf.set_author(content.awarding_organisation_name)
    # the awarding organisation's name goes upper case: "ß".upper() is "SS", still inside the fast characters
    fonts.install(pdf, (*_texts(content), content.awarding_organisation_name.upper()))
    pdf.set_auto_page_break(auto=False)  # one page, always: long titles wrap inside their box instead
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.add_page()
    _frame(pdf)
    pdf.set_y(22)
    _centred(pdf, content.awarding_organisation_name.upper(), 13, "B", _ACCENT, 8)
    pdf.ln(6)
    _centred(pdf, "Certificate", 34, "B", _INK, 15)
    pdf.ln(2)
    _rule(pdf, 60)
    pdf.ln(5)
    _centred(pdf, "This is to certify that", 12, "", _MUTED, 7)
    pdf.ln(3)
    _centred(pdf, content.learner_name, 28, "B", _ACCENT, 13)
    pdf.ln(3)
    _centred(pdf, "has been awarded", 12, "", _MUTED, 7)
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", 17)
    pdf.set_text_color(*_INK)
    pdf.set_x(_MARGIN + 20)
    pdf.multi_cell(_PAGE_W - 2 * _MARGIN - 40, 8, content.qualification_title, align="C", new_x="LMARGIN",
                   new_y="NEXT")  # fmt: skip
    pdf.ln(1)
    _centred(pdf, f"Qualification reference {content.qualification_reference}  ·  {content.level}", 11, "", _INK, 6)
    _details(pdf, content)
    _qr(pdf, content.verify_url)
    return bytes(pdf.output())


class FpdfCertificateRenderer:
    """The certificate renderer port: `render(content) -> bytes`."""

    def __init__(self, font_path: Path = DEJAVU) -> None:
        # built here, so a missing font package fails at start-up rather than on the first certificate
        self._fonts = _FontSet(font_path)

    def render(self, content: CertificateFields) -> bytes:
        return _render(content, self._fonts)
