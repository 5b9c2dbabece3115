"""Whether the service can do its work, for `/health` (what a load balancer or monitor asks before sending traffic)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..domain.errors import StorageUnavailable


class WriteProbe(Protocol):
    def check_write(self) -> None:
        """Raise `StorageUnavailable` if the database cannot take a write; change nothing either way."""


@dataclass(frozen=True, slots=True)
class Health:
    checks: dict[str, str]  # check -> "ok", or what is wrong

    @property
    def ok(self) -> bool:
        return all(result == "ok" for result in self.checks.values())


class HealthService:
    def __init__(self, database: WriteProbe | None) -> None:
        self._database = database  # None: no database of ours to check (the services run on fakes)

    def require_database(self) -> None:
        """Raise `StorageUnavailable`, naming the database and the problem, unless it can take a write."""
        if self._database is not None:
            self._database.check_write()

    def check(self) -> Health:
        checks = {}
        if self._database is not None:
            try:
                self._database.check_write()
                checks["database"] = "ok"
            except StorageUnavailable as error:
                checks["database"] = f"cannot write: {error.problem}"
        return Health(checks)
