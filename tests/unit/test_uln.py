from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learner_records.domain import uln
from learner_records.domain.errors import InvalidUln, InvalidUlnChecksum, InvalidUlnFormat, InvalidUlnLength

VALID = [
    "1000000000",
    "1000000043",
    "1026893096",
    "1026922983",
    "1174112637",
    "1964986809",
    "8383558804",
    "7667649978",
    "6936002314",
    "4444599390",
]


@pytest.mark.parametrize("number", VALID)
def test_each_published_valid_uln_is_valid(number: str) -> None:
    assert uln.validate(number) == number
    assert uln.is_valid(number)


@pytest.mark.parametrize("number", ["0000000042", "0000000034"])
def test_a_checksum_valid_number_starting_with_zero_breaks_the_schema(number: str) -> None:
    with pytest.raises(InvalidUlnFormat, match="starts with 0"):
        uln.validate(number)


@pytest.mark.parametrize(
    ("number", "error"),
    [
        ("0000000043", InvalidUlnFormat),
        ("1000000063", InvalidUlnChecksum),
        ("100000004", InvalidUlnLength),
        ("9999999999", InvalidUlnChecksum),
        ("1234567890", InvalidUlnChecksum),
        ("6666666666", InvalidUlnChecksum),
        ("10268930961", InvalidUlnLength),
        ("102689309X", InvalidUlnFormat),
        ("", InvalidUlnLength),
    ],
)
def test_each_published_invalid_uln_is_refused_with_its_reason(number: str, error: type[InvalidUln]) -> None:
    with pytest.raises(error):
        uln.validate(number)
    assert not uln.is_valid(number)


@pytest.mark.parametrize("digit", "0123456789")
def test_every_repdigit_is_invalid(digit: str) -> None:
    assert not uln.is_valid(digit * 10)


def test_the_worked_example_has_check_digit_six() -> None:
    assert uln.calc_check_digit("102689309") == "6"


def test_a_remainder_of_ten_gives_check_digit_zero() -> None:
    assert uln.calc_check_digit("100000000") == "0"


def test_a_payload_with_remainder_zero_has_no_check_digit() -> None:
    with pytest.raises(InvalidUlnChecksum, match="no possible check digit"):
        uln.calc_check_digit("100000006")


def test_spaces_and_hyphens_typed_inside_a_uln_are_ignored() -> None:
    assert uln.validate(" 1026-893 096 ") == "1026893096"


def test_the_error_names_the_field_and_the_rule() -> None:
    with pytest.raises(InvalidUlnChecksum) as raised:
        uln.validate("1026893097", field="ULN")
    assert raised.value.field == "ULN"
    assert "expected 6" in raised.value.problem
    assert "mod-11" in raised.value.rule


@given(st.integers(min_value=0, max_value=2**32))
def test_generated_ulns_are_always_valid(seed: int) -> None:
    assert uln.is_valid(uln.generate(random.Random(seed).randrange))


def test_generated_ulns_are_not_sequential() -> None:
    source = random.Random(7)
    numbers = [int(uln.generate(source.randrange)) for _ in range(200)]
    gaps = {b - a for a, b in zip(numbers, numbers[1:], strict=False)}
    assert len(set(numbers)) == 200
    assert min(abs(g) for g in gaps) > 1000


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_is_valid_agrees_with_the_published_algorithm(number: str) -> None:
    remainder = sum(int(number[i]) * (10 - i) for i in range(9)) % 11
    expected = number[0] != "0" and remainder != 0 and int(number[9]) == (10 - remainder) % 10
    assert uln.is_valid(number) == expected
