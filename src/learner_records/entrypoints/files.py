"""CSV files as streams of rows, for every entrypoint that takes one (REST uploads and the CLI)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import BinaryIO, TextIO

from ..domain.errors import InvalidField


def text_stream(binary: BinaryIO) -> TextIO:
    # utf-8-sig: spreadsheets often save UTF-8 with a byte-order mark in front of the header
    return io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")


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
    for row in reader:
        yield {key: (value or "").strip() for key, value in row.items() if key is not None}
