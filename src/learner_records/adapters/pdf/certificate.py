"""The award certificate: one A4 landscape PDF page (fpdf2 + DejaVu), with a segno QR code to the public check page."""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Protocol

import segno
from fontTools import subset as ftsubset  # type: ignore[import-untyped]
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
    # hinting (fpgm, prep, cvt and the glyph programs) goes: PDF viewers and printers rasterise well without it, and
    # every table left out is work fontTools does not repeat when fpdf2 subsets the cut again for each document
    options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True, glyph_names=True, hinting=False,
                               layout_features=[])  # fmt: skip
    options.drop_tables += ["GDEF", "GPOS", "GSUB", "hdmx", "FFTM", "MATH", "gasp"]  # fpdf2 drops the first ones too
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
      per-document state (`subset`, the glyphs it used, and `desc`). The shared parts (`cmap`, `glyph_ids`, `cw`)
      are only read while drawing; fpdf2's own `__deepcopy__` shares them in the same way. Text shaping (HarfBuzz)
      is never switched on here, so the template's in-memory font file is never needed as a path.
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

    def install(self, pdf: FPDF) -> dict[str, TTFFont]:
        """Give `pdf` the family "DejaVu", regular and bold, as `add_font` would; `output` needs what it returns."""
        installed = {}
        for style, template in self._templates.items():
            font = copy.copy(template)
            font.i = len(pdf.fonts) + 1
            font.subset = SubsetMap(font)
            # fpdf2 writes the object number and the embedded file into the descriptor at output: one per document,
            # or two certificates rendered at once in different threads would cross-reference each other's objects
            font.desc = copy.copy(template.desc)
            font.missing_glyphs = []
            font.biggest_size_pt = 0
            pdf.fonts[font.fontkey] = font
            installed[style] = font
        return installed

    def output(self, pdf: FPDF, installed: dict[str, TTFFont]) -> bytes:
        for style, font in installed.items():
            used: set[int] = set()
            for glyph, _ in font.subset.items():
                if glyph is not None:
                    used.update(glyph.unicode if isinstance(glyph.unicode, tuple) else (glyph.unicode,))
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
    # Error correction M and the standard quiet zone of 4 modules keep the code readable after printing; 5 pixels a
    # module (about 150 dpi at the printed size) are plenty, as PDF renderers and printers scale images up unsmoothed
    code = segno.make_qr(url, error="m", boost_error=False)
    buffer = BytesIO()
    code.save(buffer, kind="png", scale=5, border=4)
    buffer.seek(0)
    return buffer


def _fit(pdf: FPDF, text: str, style: str, size: float, width: float, smallest: float) -> None:
    """Set the font at `size`, or smaller (down to `smallest`) until `text` fits on one line of `width`."""
    pdf.set_font("DejaVu", style, size)
    while size > smallest and pdf.get_string_width(text) > width:
        size -= 0.5
        pdf.set_font_size(size)


def _centred(pdf: FPDF, y: float, text: str, size: float, style: str = "", colour: tuple[int, int, int] = _INK,
             smallest: float | None = None) -> None:  # fmt: skip
    width = _PAGE_W - 2 * _MARGIN
    _fit(pdf, text, style, size, width, smallest or size)
    pdf.set_text_color(*colour)
    pdf.set_xy(_MARGIN, y)
    pdf.cell(width, size * 0.45, text, align="C")


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*_ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, _PAGE_W - 16, _PAGE_H - 16)
    pdf.set_line_width(0.3)
    pdf.rect(11, 11, _PAGE_W - 22, _PAGE_H - 22)


def _rule(pdf: FPDF, y: float, width: float) -> None:
    pdf.set_draw_color(*_ACCENT)
    pdf.set_line_width(0.4)
    pdf.line((_PAGE_W - width) / 2, y, (_PAGE_W + width) / 2, y)


def _award(pdf: FPDF, content: CertificateFields) -> None:
    """The centre of the page: who was awarded what."""
    _centred(pdf, 24, content.awarding_organisation_name.upper(), 13, "B", _ACCENT, smallest=8)
    _centred(pdf, 36, "Certificate", 34, "B")
    _rule(pdf, 55, 60)
    _centred(pdf, 62, "This is to certify that", 12, "", _MUTED)
    _centred(pdf, 72, content.learner_name, 28, "B", _ACCENT, smallest=14)  # a long name shrinks, never wraps
    _centred(pdf, 89, "has been awarded", 12, "", _MUTED)
    # the title may wrap (to two lines at most in practice), and everything under it moves down with it
    title_w = _PAGE_W - 2 * _MARGIN - 40
    pdf.set_font("DejaVu", "B", 17)
    pdf.set_text_color(*_INK)
    pdf.set_xy(_MARGIN + 20, 98)
    if pdf.get_string_width(content.qualification_title) > title_w:
        pdf.set_font_size(15)
    pdf.multi_cell(title_w, 7.5, content.qualification_title, align="C")
    y = max(pdf.get_y(), 106) + 2
    _centred(pdf, y, f"Qualification reference {content.qualification_reference}  ·  {content.level}", 11)
    _centred(pdf, y + 9, f"Grade: {content.grade}", 14, "B", _ACCENT, smallest=9)
    if content.reissue_of:  # said in the open, so an old copy of the same award is not taken for a second one
        _centred(pdf, y + 18, f"Replaces certificate {content.reissue_of}", 9.5, "", _MUTED)


def _details(pdf: FPDF, content: CertificateFields) -> None:
    """The particulars as a small two-column table at the bottom left; the QR code is at the bottom right."""
    rows = [("Date of award", _day(content.award_date)), ("Centre", content.centre_name),
            ("Certificate number", content.certificate_number)]  # fmt: skip
    if content.uln:  # given only when validated: an unvalidated ULN is never printed
        rows.append(("ULN", content.uln))
    rows.append(("Issued on", _day(content.issued_on)))
    top = _PAGE_H - 21 - 5.6 * len(rows)
    for number, (label, value) in enumerate(rows):
        pdf.set_xy(28, top + 5.6 * number)
        pdf.set_font("DejaVu", "", 9)
        pdf.set_text_color(*_MUTED)
        pdf.cell(38, 5.6, f"{label}:")
        _fit(pdf, value, "B", 9, 80, 6)
        pdf.set_text_color(*_INK)
        pdf.cell(80, 5.6, value)


def _qr(pdf: FPDF, url: str) -> None:
    x, y = _PAGE_W - 26 - _QR_SIZE, _PAGE_H - 22 - _QR_SIZE
    pdf.image(_qr_png(url), x=x, y=y, w=_QR_SIZE, h=_QR_SIZE)
    # the address beside the code, so a reader without a camera can type it in: on one line, smaller if it is long
    left = 150.0  # where the particulars end (28 + 38 + 80, and a gap)
    width = x - 1 - left
    middle = y + _QR_SIZE / 2
    pdf.set_font("DejaVu", "", 8.5)
    pdf.set_text_color(*_MUTED)
    pdf.set_xy(left, middle - 5)
    pdf.cell(width, 5, "Check this certificate at", align="R")
    _fit(pdf, url, "", 8.5, width, 5)
    pdf.set_text_color(*_INK)
    pdf.set_xy(left, middle)
    pdf.cell(width, 5, url, align="R")


@functools.lru_cache(maxsize=4)
def _fonts(font_path: Path) -> _FontSet:
    return _FontSet(font_path)


def render_certificate(content: CertificateFields, font_path: Path = DEJAVU) -> bytes:
    return _render(content, _fonts(font_path))


def _render(content: CertificateFields, fonts: _FontSet) -> bytes:
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_title(f"Certificate {content.certificate_number}")
    pdf.set_author(content.awarding_organisation_name)
    installed = fonts.install(pdf)
    pdf.set_auto_page_break(auto=False)  # one page, always: everything is placed, and long text shrinks to fit
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.add_page()
    _frame(pdf)
    _award(pdf, content)
    _details(pdf, content)
    _qr(pdf, content.verify_url)
    return fonts.output(pdf, installed)


class FpdfCertificateRenderer:
    """The certificate renderer port: `render(content) -> bytes`."""

    def __init__(self, font_path: Path = DEJAVU) -> None:
        # built here, so a missing font package fails at start-up rather than on the first certificate
        self._fonts = _FontSet(font_path)

    def render(self, content: CertificateFields) -> bytes:
        return _render(content, self._fonts)
