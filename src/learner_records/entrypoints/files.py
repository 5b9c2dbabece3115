"""CSV files as streams of rows, for every entrypoint that takes one (REST uploads and the CLI)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import BinaryIO, TextIO

from ..domain.errors import InvalidField


def text_stream(binary: BinaryIO) -> TextIO:
    # utf-8-sig: spreadsheets often save UTF-8 with a byte-order mark in front of the header
    return io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")


def refuse_nul(cells: Iterable[str | None], line: int) -> None:
    """PostgreSQL's text cannot hold U+0000: a file with one is refused whole, on either database."""
    if any(cell and "\x00" in cell for cell in cells):
        raise InvalidField("file", f"line {line} contains the NUL character (U+0000)", "text without U+0000")


def csv_rows(stream: TextIO, required: tuple[str, ...] = ()) -> Iterator[dict[str, str]]:
    """Rows as dicts keyed by the header, read one at a time; a header missing a required column is refused."""
    reader = csv.DictReader(stream)
    header = [name.strip() for name in reader.fieldnames or []]
    if not header:
        raise InvalidField("file", "is empty or has no header row", "a CSV file with a header row")
    missing = [name for name in required if name not in header]
    if missing:
        raise InvalidField("header", f"lacks {', '.join(missing)}", "columns: " + ", ".join(required))
    reader.fieldnames = header
    refuse_nul(header, 1)
    for row in reader:
        refuse_nul((value for value in row.values() if isinstance(value, str)), reader.line_num)
        yield {key: (value or "").strip() for key, value in row.items() if key is not None}
