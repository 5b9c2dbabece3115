"""Direct DB-API access for the hot paths, inside the SQLAlchemy connection's own transaction.

SQLAlchemy's statement machinery costs several times a primary-key lookup on SQLite, so the reads that run
thousands of times a second (by ULN, by ULNs, access-log appends) go straight to the driver. SQL is written
with `?` placeholders; for PostgreSQL they become `%s`. A list parameter is bound as one value: a JSON array
on SQLite (`IN (SELECT value FROM json_each(?))`) and an array on PostgreSQL (`= ANY(%s)`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection


class RawSql:
    def __init__(self, connection: Connection) -> None:
        self._driver: Any = connection.connection.driver_connection
        self.postgres = connection.dialect.name == "postgresql"
        self._texts: dict[str, str] = {}

    def _text(self, sql: str) -> str:
        text = self._texts.get(sql)
        if text is None:
            text = sql
            if self.postgres:
                text = text.replace("IN (SELECT value FROM json_each(?))", "= ANY(?)").replace("?", "%s")
            self._texts[sql] = text
        return text

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cursor = self._driver.cursor()
        try:
            cursor.execute(self._text(sql), params)
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        cursor = self._driver.cursor()
        try:
            cursor.executemany(self._text(sql), rows)
        finally:
            cursor.close()

    def array(self, values: Sequence[Any]) -> Any:
        return list(values) if self.postgres else json.dumps(list(values))

    def value(self, value: Any) -> Any:
        """A Python value as this driver stores it in a column SQLAlchemy created."""
        if self.postgres or value is None:
            return value
        if isinstance(value, datetime):
            return self.timestamp(value)
        if isinstance(value, date):
            return value.isoformat()
        return value

    def timestamp(self, value: datetime | None) -> Any:
        # SQLAlchemy's SQLite DateTime format, so rows written here read back through SQLAlchemy too.
        if value is None or self.postgres:
            return value
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def as_datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)
