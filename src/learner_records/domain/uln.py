"""ULN (Unique Learner Number).

A ULN is 10 digits: a 9-digit payload whose first digit is 1-9, then a check digit. With the weights
10, 9, ..., 2 on the payload digits, r = sum mod 11; r = 0 has no check digit (the payload is never issued),
otherwise the check digit is 10 - r (so r = 10 gives 0). Source: DfE "ULN Validation" WSLP02 v3.

>>> validate('1026 893 096')
'1026893096'
>>> calc_check_digit('102689309')
'6'
>>> is_valid('1000000063')
False

A ULN is always a string: a leading character matters and arithmetic on it means nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from .errors import InvalidUln, InvalidUlnChecksum, InvalidUlnFormat, InvalidUlnLength

LENGTH = 10
_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)
_SEPARATORS = str.maketrans("", "", " -")


def compact(number: str) -> str:
    """Strip the spaces and hyphens people type inside a ULN."""
    return number.translate(_SEPARATORS).strip()


def _remainder(payload: str) -> int:
    return sum(int(digit) * weight for digit, weight in zip(payload, _WEIGHTS, strict=True)) % 11


def calc_check_digit(payload: str) -> str:
    """The check digit of a 9-digit payload. Raises InvalidUlnChecksum when no check digit exists (r = 0)."""
    if len(payload) != LENGTH - 1 or not payload.isascii() or not payload.isdigit():
        raise InvalidUlnFormat(f"{payload!r} is not a 9-digit payload")
    remainder = _remainder(payload)
    if remainder == 0:
        raise InvalidUlnChecksum(f"{payload} has no possible check digit (weighted sum mod 11 is 0)")
    return str((10 - remainder) % 10)


def validate(number: str, field: str = "ULN") -> str:
    """Return the compact ULN, or raise an InvalidUln subclass naming the problem."""
    uln = compact(number)
    if not uln:
        raise InvalidUlnLength("is empty", field)
    if not uln.isascii() or not uln.isdigit():
        raise InvalidUlnFormat(f"{number!r} contains characters other than digits", field)
    if len(uln) != LENGTH:
        raise InvalidUlnLength(f"{number!r} has {len(uln)} digits, not {LENGTH}", field)
    if uln[0] == "0":
        raise InvalidUlnFormat(f"{number!r} starts with 0", field)
    remainder = _remainder(uln[:9])
    if remainder == 0:
        raise InvalidUlnChecksum(f"{number!r} can never be issued (weighted sum mod 11 is 0)", field)
    expected = str((10 - remainder) % 10)
    if uln[9] != expected:
        raise InvalidUlnChecksum(f"{number!r} has check digit {uln[9]}, expected {expected}", field)
    return uln


def is_valid(number: str) -> bool:
    try:
        validate(number)
    except InvalidUln:
        return False
    return True


def format(number: str) -> str:
    """The form printed on certificates and letters: 10 digits, no separators."""
    return compact(number)


def generate(randbelow: Callable[[int], int]) -> str:
    """A new random ULN. `randbelow(n)` returns 0..n-1 (pass `secrets.randbelow`).

    Payloads are drawn uniformly, so consecutive ULNs say nothing about each other; payloads with no
    check digit are drawn again. Uniqueness is the store's job (a primary key), not this function's.
    """
    while True:
        payload = str(100_000_000 + randbelow(900_000_000))
        if _remainder(payload) != 0:
            return payload + calc_check_digit(payload)
