"""Repositories for organisations, API keys, the access log and merge events (plain SQL, see raw.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from ...domain.access import OrganisationKind
from ...services.ports import AccessEntry, ApiKeyInfo, MergeEvent, Organisation, StoredApiKey
from . import access_chain
from .raw import RawSql, as_datetime

_ORGANISATION = "SELECT id, ukprn, name, kind, organisation_ref FROM organisation"


def _organisation(row: tuple[Any, ...]) -> Organisation:
    organisation_id, ukprn, name, kind, reference = row
    return Organisation(organisation_id, ukprn, name, OrganisationKind(kind), reference)


class SqlOrganisationRepository:
    def __init__(self, sql: RawSql) -> None:
        self._raw = sql

    def add(
        self, ukprn: str, name: str, kind: OrganisationKind, organisation_ref: str | None, now: datetime
    ) -> Organisation:
        row = self._raw.first(
            "INSERT INTO organisation (ukprn, name, kind, organisation_ref, created_at) VALUES (?, ?, ?, ?, ?)"
            " RETURNING id",
            (ukprn, name, kind.value, organisation_ref, self._raw.timestamp(now)),
        )
        assert row is not None  # RETURNING of an INSERT always answers
        return Organisation(int(row[0]), ukprn, name, kind, organisation_ref)

    def _one(self, where: str, value: object) -> Organisation | None:
        row = self._raw.first(f"{_ORGANISATION} WHERE {where} = ?", (value,))
        return _organisation(row) if row else None

    def get(self, organisation_id: int) -> Organisation | None:
        return self._one("id", organisation_id)

    def by_ukprn(self, ukprn: str) -> Organisation | None:
        return self._one("ukprn", ukprn)

    def by_reference(self, organisation_ref: str) -> Organisation | None:
        return self._one("organisation_ref", organisation_ref)

    def list(self) -> list[Organisation]:
        return [_organisation(row) for row in self._raw.rows(f"{_ORGANISATION} ORDER BY id")]

    def add_api_key(
        self, organisation_id: int, prefix: str, secret_hash: str, now: datetime, label: str | None = None
    ) -> int:
        row = self._raw.first(
            "INSERT INTO api_key (organisation_id, prefix, secret_hash, created_at, label) VALUES (?, ?, ?, ?, ?)"
            " RETURNING id",
            (organisation_id, prefix, secret_hash, self._raw.timestamp(now), label),
        )
        assert row is not None
        return int(row[0])

    def api_keys(self, organisation_id: int) -> Sequence[ApiKeyInfo]:
        rows = self._raw.rows(
            "SELECT id, organisation_id, prefix, label, created_at, last_used_at, revoked_at FROM api_key"
            " WHERE organisation_id = ? ORDER BY id",
            (organisation_id,),
        )
        return [ApiKeyInfo(key_id, org, prefix, label, as_datetime(created), _maybe(used), _maybe(revoked))
                for key_id, org, prefix, label, created, used, revoked in rows]  # fmt: skip

    def revoke_api_key(self, key_id: int, at: datetime) -> None:
        self._raw.execute(
            "UPDATE api_key SET revoked_at = ? WHERE id = ? AND (revoked_at IS NULL OR revoked_at > ?)",
            (self._raw.timestamp(at), key_id, self._raw.timestamp(at)),
        )

    def touch_api_key(self, key_id: int, now: datetime) -> None:
        self._raw.execute("UPDATE api_key SET last_used_at = ? WHERE id = ?", (self._raw.timestamp(now), key_id))

    def set_password_hash(self, organisation_id: int, password_hash: str) -> None:
        self._raw.execute("UPDATE organisation SET password_hash = ? WHERE id = ?", (password_hash, organisation_id))

    def password_hash(self, organisation_id: int) -> str | None:
        row = self._raw.first("SELECT password_hash FROM organisation WHERE id = ?", (organisation_id,))
        return None if row is None else row[0]

    def with_password_hash(
        self, by: Literal["ukprn", "organisation_ref"], value: str
    ) -> tuple[Organisation, str | None] | None:
        row = self._raw.first(
            f"SELECT id, ukprn, name, kind, organisation_ref, password_hash FROM organisation WHERE {by} = ?", (value,)
        )
        return (_organisation(row[:5]), row[5]) if row else None

    def api_key(self, prefix: str) -> StoredApiKey | None:
        row = self._raw.first(
            "SELECT id, organisation_id, prefix, secret_hash, revoked_at, last_used_at FROM api_key WHERE prefix = ?",
            (prefix,),
        )
        if row is None:
            return None
        key_id, organisation_id, found, secret_hash, revoked, used = row
        return StoredApiKey(key_id, organisation_id, found, secret_hash, _maybe(revoked), _maybe(used))


def _maybe(value: Any) -> datetime | None:
    return None if value is None else as_datetime(value)


class SqlAccessLog:
    """Entries wait for the unit of work's commit, which appends them to the hash chain (access_chain.py) as its
    last statement: the chain's lock is then held only for the commit, and is never waited for while held."""

    def __init__(self, sql: RawSql) -> None:
        self._raw = sql
        self._pending: list[AccessEntry] = []

    def record(self, entries: Sequence[AccessEntry]) -> None:
        self._pending.extend(entries)

    def flush(self) -> None:
        entries, self._pending = self._pending, []
        access_chain.append(self._raw, entries)


class SqlMergeLog:
    def __init__(self, sql: RawSql) -> None:
        self._raw = sql

    def record(self, event: MergeEvent) -> None:
        self._raw.execute(
            "INSERT INTO merge_event (at, master_uln, linked_uln, merged, organisation_id, user_name)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (self._raw.timestamp(event.at), event.master_uln, event.linked_uln, event.merged, event.organisation_id,
             event.user_name),
        )  # fmt: skip

    def between(self, start: datetime, end: datetime) -> list[MergeEvent]:
        rows = self._raw.rows(
            "SELECT at, master_uln, linked_uln, merged, organisation_id, user_name FROM merge_event"
            " WHERE at >= ? AND at < ? ORDER BY at, id",
            (self._raw.timestamp(start), self._raw.timestamp(end)),
        )
        return [MergeEvent(as_datetime(at), master, linked, bool(merged), org, user)
                for at, master, linked, merged, org, user in rows]  # fmt: skip
