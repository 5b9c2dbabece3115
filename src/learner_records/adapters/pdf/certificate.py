"""The award certificate as one A4 landscape PDF page (fpdf2 + DejaVu, with a segno QR code to the public check page)."""

from __future__ import annotations

import copy
import functools
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
_BLOCK = 128  # code points per block of the font cache key (0x100-0x17F is Latin Extended-A, and so on)
# Basic Latin and Latin-1 are in every embeddable cut, so most certificates (Siobhán, Zoë...) share one cached cut
_BASE = 0x100

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


class _Cut:
    """A font file cut down to some blocks of characters, and the glyph names it holds."""

    __slots__ = ("data", "glyphs")

    def __init__(self, data: bytes, glyphs: frozenset[str]) -> None:
        self.data = data
        self.glyphs = glyphs


def _cut(data: bytes, blocks: frozenset[int]) -> _Cut:
    codepoints = [*range(0x20, _BASE), *(cp for block in blocks for cp in range(block * _BLOCK, (block + 1) * _BLOCK))]
    font = ttLib.TTFont(BytesIO(data), recalcTimestamp=False)
    # glyph_names keeps the names of the whole font: fpdf2 asks for glyphs by the names its template read there
    options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True, glyph_names=True, name_IDs=["*"],
                               layout_features=[])  # fmt: skip
    options.drop_tables += ["GDEF", "GPOS", "GSUB", "hdmx", "FFTM", "MATH"]  # fpdf2 drops them when it embeds, too
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)
    output = BytesIO()
    font.save(output)
    return _Cut(output.getvalue(), frozenset(font.getGlyphOrder()))


class _FontSet:
    """DejaVu regular and bold, parsed once, and handed to each document as fresh, independent copies.

    With plain `add_font`, two steps took nearly all of a certificate's time: parsing the TrueType file and measuring
    its 6,000 glyphs (on every call), and at output fontTools subsetting the whole font in place. Here:
    - the measuring is done once per style, in a template `TTFFont`; each document gets a shallow copy with its own
      per-document state (`subset`, the glyphs it used). The shared parts (`cmap`, `glyph_ids`, `cw`, `desc`) are
      only read while drawing; fpdf2's own `__deepcopy__` shares them in the same way.
    - just before output, the copy gets a fresh fontTools object loaded from a small cached cut of the font (Latin-1
      plus the 128-character blocks the document used), so fpdf2 subsets ~200 glyphs instead of 6,000. Cuts are
      cached by the set of blocks, so a batch of certificates reuses a handful of them.
    """

    def __init__(self, regular: Path) -> None:
        self._data = {style: path.read_bytes() for style, path in zip(_STYLES, _font_files(regular), strict=True)}
        scratch = FPDF()
        # fpdf2 names a font "<family in lower case><style>"; set_font("DejaVu", "B") looks up "dejavuB"
        self._templates = {style: TTFFont(scratch, BytesIO(data), f"dejavu{style}", style)  # type: ignore[arg-type]
                           for style, data in self._data.items()}  # fmt: skip
        self._cuts = functools.lru_cache(maxsize=64)(self._cut)
        for style in _STYLES:
            self._cuts(style, frozenset())  # the usual cut is ready before the first certificate

    def _cut(self, style: str, blocks: frozenset[int]) -> _Cut:
        return _cut(self._data[style], blocks)

    def install(self, pdf: FPDF) -> None:
        """Give `pdf` the family "DejaVu", regular and bold, as `add_font` would."""
        for template in self._templates.values():
            font = copy.copy(template)
            font.i = len(pdf.fonts) + 1
            font.subset = SubsetMap(font)
            font.missing_glyphs = []
            font.biggest_size_pt = 0
            pdf.fonts[font.fontkey] = font

    def output(self, pdf: FPDF) -> bytes:
        for style, template in self._templates.items():
            font = pdf.fonts[template.fontkey]
            assert isinstance(font, TTFFont)
            used = {cp for glyph, _ in font.subset.items() if glyph is not None for cp in glyph.unicode}
            cut = self._cuts(style, frozenset(cp // _BLOCK for cp in used if cp >= _BASE))
            # a glyph outside the cut cannot happen for text drawn by code point; if it ever does, embed from the
            # whole font (fpdf2's usual, slower path) rather than lose a character
            data = cut.data if cut.glyphs.issuperset(font.subset.get_all_glyph_names()) else self._data[style]
            # fpdf2 subsets this object in place at output: it must be this document's own, never the template's
            font.ttfont = ttLib.TTFont(BytesIO(data), recalcTimestamp=False, recalcBBoxes=False, lazy=True)
        return bytes(pdf.output())


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


def _render(content: CertificateFields, fonts: _FontSet) -> bytes:
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_title(f"Certificate {content.certificate_number}")
    pdf.set_author(content.awarding_organisation_name)
    fonts.install(pdf)
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
    return fonts.output(pdf)


class FpdfCertificateRenderer:
    """The certificate renderer port: `render(content) -> bytes`."""

    def __init__(self, font_path: Path = DEJAVU) -> None:
        # built here, so a missing font package fails at start-up rather than on the first certificate
        self._fonts = _FontSet(font_path)

    def render(self, content: CertificateFields) -> bytes:
        return _render(content, self._fonts)
