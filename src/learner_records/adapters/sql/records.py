"""Repositories for organisations, API keys, the access log and merge events (plain SQL, see raw.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ...domain.access import OrganisationKind
from ...services.ports import AccessEntry, MergeEvent, Organisation, StoredApiKey
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

    def add_api_key(self, organisation_id: int, prefix: str, secret_hash: str, now: datetime) -> None:
        self._raw.execute(
            "INSERT INTO api_key (organisation_id, prefix, secret_hash, created_at) VALUES (?, ?, ?, ?)",
            (organisation_id, prefix, secret_hash, self._raw.timestamp(now)),
        )

    def set_password_hash(self, organisation_id: int, password_hash: str) -> None:
        self._raw.execute("UPDATE organisation SET password_hash = ? WHERE id = ?", (password_hash, organisation_id))

    def password_hash(self, organisation_id: int) -> str | None:
        row = self._raw.first("SELECT password_hash FROM organisation WHERE id = ?", (organisation_id,))
        return None if row is None else row[0]

    def api_key(self, prefix: str) -> StoredApiKey | None:
        row = self._raw.first(
            "SELECT id, organisation_id, prefix, secret_hash FROM api_key WHERE prefix = ? AND revoked_at IS NULL",
            (prefix,),
        )
        return StoredApiKey(*row) if row else None


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
