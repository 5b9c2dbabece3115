"""Collecting field problems, so that a record's every broken field is reported at once (InvalidFields)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from .errors import InvalidField, InvalidFields

T = TypeVar("T")


class FieldChecks:
    def __init__(self) -> None:
        self.problems: list[InvalidField] = []

    def take(self, check: Callable[..., T], *args: Any) -> T | None:
        """The check's result, or None with its problem kept."""
        try:
            return check(*args)
        except InvalidField as problem:
            self.problems.append(problem)
            return None

    def optional(self, value: object, check: Callable[..., T], *args: Any) -> T | None:
        """As `take`, but a missing or blank value is no problem."""
        return None if value is None or value == "" else self.take(check, value, *args)

    def add(self, problem: InvalidField) -> None:
        self.problems.append(problem)

    def done(self) -> None:
        if self.problems:
            raise InvalidFields(self.problems)
