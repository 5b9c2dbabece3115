"""Repositories for organisations, API keys, the access log and merge events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, select

from ...domain.access import OrganisationKind
from ...services.ports import AccessEntry, MergeEvent, Organisation, StoredApiKey
from .raw import RawSql
from .tables import api_key, merge_event, organisation


def _organisation(row: Row[Any]) -> Organisation:
    return Organisation(row.id, row.ukprn, row.name, OrganisationKind(row.kind), row.organisation_ref)


class SqlOrganisationRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(
        self, ukprn: str, name: str, kind: OrganisationKind, organisation_ref: str | None, now: datetime
    ) -> Organisation:
        values = {"ukprn": ukprn, "name": name, "kind": kind.value, "organisation_ref": organisation_ref}
        result = self._connection.execute(organisation.insert().values(created_at=now, **values))
        new_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        return Organisation(new_id, ukprn, name, kind, organisation_ref)

    def _one(self, *where: Any) -> Organisation | None:
        row = self._connection.execute(select(organisation).where(*where)).first()
        return _organisation(row) if row else None

    def get(self, organisation_id: int) -> Organisation | None:
        return self._one(organisation.c.id == organisation_id)

    def by_ukprn(self, ukprn: str) -> Organisation | None:
        return self._one(organisation.c.ukprn == ukprn)

    def by_reference(self, organisation_ref: str) -> Organisation | None:
        return self._one(organisation.c.organisation_ref == organisation_ref)

    def list(self) -> list[Organisation]:
        return [
            _organisation(row) for row in self._connection.execute(select(organisation).order_by(organisation.c.id))
        ]

    def add_api_key(self, organisation_id: int, prefix: str, secret_hash: str, now: datetime) -> None:
        self._connection.execute(
            api_key.insert().values(
                organisation_id=organisation_id, prefix=prefix, secret_hash=secret_hash, created_at=now
            )
        )

    def api_key(self, prefix: str) -> StoredApiKey | None:
        statement = select(api_key).where(api_key.c.prefix == prefix, api_key.c.revoked_at.is_(None))
        row = self._connection.execute(statement).first()
        return StoredApiKey(row.id, row.organisation_id, row.prefix, row.secret_hash) if row else None


class SqlAccessLog:
    def __init__(self, connection: Connection) -> None:
        self._raw = RawSql(connection)

    def record(self, entries: Sequence[AccessEntry]) -> None:
        # Written on every read of a learner, so straight through the driver.
        self._raw.execute_many(
            "INSERT INTO access_log (at, organisation_id, user_name, action, uln) VALUES (?, ?, ?, ?, ?)",
            [(self._raw.timestamp(e.at), e.organisation_id, e.user_name, e.action, e.uln) for e in entries],
        )


class SqlMergeLog:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def record(self, event: MergeEvent) -> None:
        self._connection.execute(
            merge_event.insert().values(
                at=event.at,
                master_uln=event.master_uln,
                linked_uln=event.linked_uln,
                merged=event.merged,
                organisation_id=event.organisation_id,
                user_name=event.user_name,
            )
        )

    def between(self, start: datetime, end: datetime) -> list[MergeEvent]:
        statement = (
            select(merge_event)
            .where(merge_event.c.at >= start, merge_event.c.at < end)
            .order_by(merge_event.c.at, merge_event.c.id)
        )
        return [
            MergeEvent(row.at, row.master_uln, row.linked_uln, row.merged, row.organisation_id, row.user_name)
            for row in self._connection.execute(statement)
        ]
