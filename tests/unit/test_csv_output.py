from __future__ import annotations

import csv
import io

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from learner_records.services.csv_output import CsvOutput, read_cell, safe_cell


@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("http://x","click")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "-5", "=", "\t=1"],
)
def test_a_cell_a_spreadsheet_would_run_gets_a_single_quote_in_front(value: str) -> None:
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value",
    ["1000000043", "2001-02-03", "WSRC0005", "O'Brien", "Smith-Jones", "a=b", " =1", "", "Łukasz", "VRF1 VRF2"],
)
def test_values_of_the_register_are_written_as_they_are(value: str) -> None:
    assert safe_cell(value) == value


def test_numbers_and_none_are_written_as_text() -> None:
    assert (safe_cell(3), safe_cell(None), safe_cell(-1)) == ("3", "", "'-1")


@given(st.text())
def test_reading_a_cell_back_gives_the_value_written(value: str) -> None:
    assume(read_cell(value) == value)  # a value sent already quoted ("'=1") reads back without its quote
    assert read_cell(safe_cell(value)) == value


def test_every_cell_is_enclosed_in_double_quotes_so_no_other_separator_splits_it() -> None:
    out = io.StringIO()
    CsvOutput(out).writerow(["M1;=1+1", 7, '"=1"', "plain"])
    assert out.getvalue() == '"M1;=1+1","7","""=1""","plain"\n'
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["M1;=1+1", "7", '"=1"', "plain"]


def test_a_formula_after_a_line_break_stays_inside_its_quoted_cell() -> None:
    out = io.StringIO()
    CsvOutput(out).writerow(["note\n=1+1", "@x"])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["note\n=1+1", "'@x"]
