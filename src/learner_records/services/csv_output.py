"""The one CSV writer for every file the service hands out (batch output files, achievement error files).

Those files are opened in spreadsheets, and a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or
with a tab or carriage return before one) as a formula: a learner named `=HYPERLINK("http://x","click")` or a MIS
identifier `@SUM(A1)` sent in a batch would become a live link or a formula on the desk of whoever opens the output.
OWASP's rule applies to every cell: one that starts with one of those characters gets a single quote in front,
which spreadsheets take as "this is text" and show without the quote; every cell is enclosed in double quotes, so
that a spreadsheet that splits on another separator (`;` in many locales) cannot start a new cell inside one.

A plain number such as `-5` is quoted too. No column of ours holds a negative number (ULNs, dates, codes and row
numbers never start with `-`), so the only `-` cells are free text people sent, and telling a harmless `-5` from
`-5+A1` by pattern is how sanitisers get bypassed. What is stored is never changed: only the file's text is.
`read_cell` undoes the quote, for readers of our own files.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"  # what spreadsheets read as "the rest of this cell is text"


def safe_cell(value: object) -> str:
    """The cell's text, with a single quote in front if a spreadsheet would otherwise take it as a formula."""
    text = "" if value is None else str(value)
    return TEXT_MARK + text if text.startswith(FORMULA_STARTS) else text


def read_cell(text: str) -> str:
    """The value `safe_cell` was given back from its text: the quote it added taken off."""
    return text[1:] if text.startswith(TEXT_MARK) and text[1:].startswith(FORMULA_STARTS) else text


class CsvOutput:
    """`csv.writer` with every cell made safe for spreadsheets and enclosed in double quotes."""

    def __init__(self, out: TextIO) -> None:
        self._writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writerow(self, cells: Iterable[object]) -> None:
        self._writer.writerow([safe_cell(cell) for cell in cells])
