"""Signed-in portal sessions, by the hash of their random id, read together with their user (plain SQL)."""

from __future__ import annotations

from datetime import datetime

from ...services.user_ports import StoredSession
from .raw import RawSql, as_datetime
from .users import USER_COLUMNS, user_of

_SESSION = (
    "SELECT s.created_at, s.last_seen_at, s.expires_at, s.revoked_at, "
    + ", ".join(f"u.{column}" for column in USER_COLUMNS)
    + " FROM user_session s JOIN app_user u ON u.id = s.user_id WHERE s.id_hash = ?"
)


class SqlSessionRepository:
    def __init__(self, sql: RawSql) -> None:
        self._raw = sql

    def add(self, id_hash: str, user_id: int, now: datetime, expires_at: datetime) -> None:
        self._raw.execute(
            "INSERT INTO user_session (id_hash, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            (id_hash, user_id, self._raw.timestamp(now), self._raw.timestamp(now), self._raw.timestamp(expires_at)),
        )

    def get(self, id_hash: str) -> StoredSession | None:
        row = self._raw.first(_SESSION, (id_hash,))
        if row is None:
            return None
        created, seen, expires, revoked = row[:4]
        user, _ = user_of(row[4:])
        return StoredSession(user, as_datetime(created), as_datetime(seen), as_datetime(expires),
                             None if revoked is None else as_datetime(revoked))  # fmt: skip

    def touch(self, id_hash: str, now: datetime) -> None:
        self._raw.execute(
            "UPDATE user_session SET last_seen_at = ? WHERE id_hash = ?", (self._raw.timestamp(now), id_hash)
        )

    def revoke(self, id_hash: str, now: datetime) -> None:
        self._raw.execute(
            "UPDATE user_session SET revoked_at = ? WHERE id_hash = ? AND revoked_at IS NULL",
            (self._raw.timestamp(now), id_hash),
        )

    def revoke_for_user(self, user_id: int, now: datetime) -> int:
        return self._raw.execute(
            "UPDATE user_session SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
            (self._raw.timestamp(now), user_id),
        )

    def forget_ended(self, user_id: int, now: datetime) -> None:
        self._raw.execute(
            "DELETE FROM user_session WHERE user_id = ? AND (expires_at <= ? OR revoked_at IS NOT NULL)",
            (user_id, self._raw.timestamp(now)),
        )
