"""The rule for every password a person chooses, wherever it is set: the length and character rule, not a
commonly used password (from a list of passwords most often seen in breaches, given by the composition root),
and nothing of the person's own name or email address."""

from __future__ import annotations

from collections.abc import Iterable

from ..domain.users import check_password


class PasswordPolicy:
    def __init__(self, common: Iterable[str] = ()) -> None:
        self._common = frozenset(word.lower() for word in common)

    def check(self, password: str, field: str = "password", *, email: str = "", name: str = "") -> str:
        return check_password(password, field, common=self._common, email=email, name=name)
