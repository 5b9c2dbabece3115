"""Learner batch files (the portal channel), read and written as streams, for the CLI and REST alike.

Input: line 1 `<file version>,<file name>,<UKPRN>`, line 2 the column headings (domain.batches), then one learner
a line. A line with the wrong number of values is reported on its row, never stopping the file. Output: the same
headings plus the outcome columns, one line per row, produced page by page from the job store, every cell
made safe for spreadsheets (services.csv_output).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TextIO

from ..domain.batches import (
    COLUMN_COUNT,
    REGISTRATION_OUTPUT,
    VERIFICATION_OUTPUT,
    BatchKind,
    FileHeader,
    check_headings,
    headings,
    parse_file_header,
)
from ..domain.errors import InvalidField
from ..services.batch_ports import BatchJob, BatchRowResult
from ..services.csv_output import CsvOutput
from .files import refuse_nul

PAGE = 1000  # output rows read a query: the heap holds one page, whatever the file size


@dataclass(frozen=True, slots=True)
class BatchFile:
    header: FileHeader
    rows: Iterator[dict[str, str]]


def read_batch_file(stream: TextIO, kind: BatchKind) -> BatchFile:
    """Check lines 1 and 2 now (a problem refuses the file); the learners are read as `rows` is iterated."""
    reader = csv.reader(stream)
    first = next(reader, None)
    if first is None:
        raise InvalidField("file", "is empty", "line 1 is <file version>,<file name>,<UKPRN>")
    refuse_nul(first, 1)
    header = parse_file_header(first)
    second = next(reader, None)
    if second is None:
        raise InvalidField("headings", "line 2 is missing", "line 2 holds the column headings")
    check_headings(kind, header.version, second)
    return BatchFile(header, _rows(reader, headings(kind, header.version)))


def _rows(reader: Iterator[list[str]], names: tuple[str, ...]) -> Iterator[dict[str, str]]:
    for line, cells in enumerate(reader, start=3):
        refuse_nul(cells, line)
        if not any(cell.strip() for cell in cells):
            continue  # blank lines, often at the end of a file saved by a spreadsheet
        row = {name: cell.strip() for name, cell in zip(names, cells, strict=False) if cell.strip()}
        if len(cells) != len(names):
            row[COLUMN_COUNT] = str(len(cells))
        yield row


def output_headings(job: BatchJob) -> tuple[str, ...]:
    extra = REGISTRATION_OUTPUT if job.kind is BatchKind.REGISTRATION else VERIFICATION_OUTPUT
    return (*headings(job.kind, job.file_version or "2A"), *extra)


def _outcome(job: BatchJob, result: BatchRowResult) -> list[str]:
    if job.kind is BatchKind.REGISTRATION:
        return [result.return_code, result.uln or "", " ".join(result.possible_ulns), result.message or ""]
    outcome = result.verification
    held = outcome.register if outcome else None
    flags = " ".join(flag.value for flag in outcome.flags) if outcome else ""
    values = ["", "", "", "", ""]
    if held is not None:
        values = [held.uln, held.family_name, held.given_name, held.date_of_birth.isoformat(), str(held.gender)]
    return [result.return_code, *values, flags, result.message or ""]


def output_lines(job: BatchJob, page: Callable[[int, int], list[BatchRowResult]]) -> Iterator[str]:
    """The output file as CSV text, one chunk a page of `page(offset, limit)` results."""
    columns = headings(job.kind, job.file_version or "2A")
    buffer = io.StringIO()
    writer = CsvOutput(buffer)
    writer.writerow(output_headings(job))
    offset = 0
    while True:
        results = page(offset, PAGE)
        for result in results:
            writer.writerow([result.sent.get(name, "") for name in columns] + _outcome(job, result))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if len(results) < PAGE:
            return
        offset = results[-1].row_number


def write_output(out: TextIO, lines: Iterable[str]) -> None:
    for text in lines:
        out.write(text)
