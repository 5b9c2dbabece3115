"""The ports of the register's administration: applications, one-time password links, the access log search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from ..domain.applications import Application, ApplicationStatus

if TYPE_CHECKING:  # ports imports this module
    from .ports import DataChallenge


@dataclass(frozen=True, slots=True)
class PasswordLink:
    """A one-time link to set a password; only the hash of its token is stored."""

    id: int
    user_id: int
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AccessLogFilter:
    uln: str | None = None
    organisation_id: int | None = None
    user_name: str | None = None
    action: str | None = None
    start: datetime | None = None  # from this moment
    end: datetime | None = None  # until before this moment


@dataclass(frozen=True, slots=True)
class AccessLogLine:
    id: int
    at: datetime
    organisation_id: int | None
    organisation_name: str | None
    user_name: str
    action: str
    uln: str | None
    credential: str | None = None  # domain.access.credential_label says it in words
    detail: str | None = None


class ApplicationRepository(Protocol):
    def add(self, application: Application) -> int: ...

    def get(self, application_id: int) -> Application | None: ...

    def awaiting(self, ukprn: str) -> Application | None:
        """The application for this UKPRN that waits for review, if any."""
        ...

    def list(self, status: ApplicationStatus | None, limit: int) -> list[Application]:
        """Oldest first for those awaiting review (first come, first served), else newest first."""
        ...

    def decide(self, application: Application) -> bool:
        """Store the decision; False when the application was decided by someone else in the meantime."""
        ...


class PasswordLinkRepository(Protocol):
    def add(self, token_hash: str, user_id: int, created_at: datetime, expires_at: datetime) -> int: ...

    def by_token(self, token_hash: str) -> PasswordLink | None: ...

    def mark_used(self, link_id: int, now: datetime) -> bool:
        """Use the link up; False when it was used already."""
        ...


class AuditSearch(Protocol):
    def access_log(self, filters: AccessLogFilter, offset: int, limit: int) -> list[AccessLogLine]:
        """Entries that pass every filter given, newest first, `limit` from the `offset`-th."""
        ...

    def challenges(self, status: str | None, limit: int) -> list[DataChallenge]:
        """Every organisation's data challenges (of one status), newest first."""
        ...
