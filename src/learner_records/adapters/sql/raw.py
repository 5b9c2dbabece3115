"""SQL through the DB-API driver, for SQLite and PostgreSQL alike.

SQLAlchemy builds the engine, its pool and the schema (tables and Alembic migrations); the repositories run plain
SQL on the pooled driver connection, because a statement through SQLAlchemy costs several times a primary-key
lookup on SQLite. SQL is written with `?` placeholders; for PostgreSQL they become `%s`. A list parameter is bound
as one value: a JSON array on SQLite (`IN (SELECT value FROM json_each(?))`) and an array on PostgreSQL
(`= ANY(%s)`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from itertools import count
from typing import Any

_cursor_names = count()


class RawSql:
    def __init__(self, driver_connection: Any, postgres: bool) -> None:
        self._driver = driver_connection
        self.postgres = postgres
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

    def first(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        rows = self.rows(sql, params)
        return rows[0] if rows else None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; the number of rows it changed."""
        cursor = self._driver.cursor()
        try:
            cursor.execute(self._text(sql), params)
            return int(cursor.rowcount)
        finally:
            cursor.close()

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        if len(rows) == 1:  # executemany's set-up costs more than the one statement
            self.execute(sql, rows[0])
            return
        cursor = self._driver.cursor()
        try:
            cursor.executemany(self._text(sql), rows)
        finally:
            cursor.close()

    def stream(self, sql: str, params: Sequence[Any] = (), batch: int = 10_000) -> Iterator[tuple[Any, ...]]:
        """Rows one by one without holding the result in memory (a server-side cursor on PostgreSQL)."""
        if self.postgres:
            cursor = self._driver.cursor(name=f"stream_{next(_cursor_names)}")
            cursor.itersize = batch
        else:
            cursor = self._driver.cursor()
        try:
            cursor.execute(self._text(sql), params)
            while chunk := cursor.fetchmany(batch):
                yield from chunk
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
        # SQLAlchemy's SQLite DateTime format, so that rows read the same through SQLAlchemy (migrations, tools).
        if value is None or self.postgres:
            return value
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def as_datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)
