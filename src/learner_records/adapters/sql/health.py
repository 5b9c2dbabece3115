"""A write the database must be able to take, rolled back: what `/health` checks.

A table is created and a row bigger than a page put in it, inside a transaction that is always rolled back. That
needs new pages: SQLite refuses them on a read-only file or at its size limit (`max_page_count`), and PostgreSQL
writes the new relation's pages to disk at once, so a full disk or a read-only server shows here, before a
learner's record is refused. Nothing of it is ever committed.
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Engine

from .failures import raise_if_unavailable

ROW_BYTES = 8192  # more than one page on either database


class SqlWriteProbe:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sqlite = engine.dialect.name == "sqlite"

    def check_write(self) -> None:
        url = str(self._engine.url)
        try:
            pooled = self._engine.raw_connection()
        except Exception as error:
            raise_if_unavailable(error, url)
            raise
        try:
            driver: Any = pooled.driver_connection
            if self._sqlite:
                self._sqlite_write(driver)
            else:
                self._postgres_write(driver)
        except Exception as error:
            pooled.invalidate()  # whatever state it is in, it is not handed out again
            raise_if_unavailable(error, url)
            raise
        pooled.close()

    @staticmethod
    def _sqlite_write(driver: Any) -> None:
        driver.execute("BEGIN IMMEDIATE")
        try:
            driver.execute("CREATE TABLE health_probe (filler BLOB)")
            driver.execute("INSERT INTO health_probe VALUES (zeroblob(?))", (ROW_BYTES,))
        finally:
            if driver.in_transaction:
                driver.execute("ROLLBACK")

    @staticmethod
    def _postgres_write(driver: Any) -> None:
        try:
            with driver.cursor() as cursor:
                cursor.execute("CREATE TABLE health_probe (filler bytea)")
                # random bytes: PostgreSQL would compress zeros to almost nothing
                cursor.execute("INSERT INTO health_probe VALUES (%s)", (os.urandom(ROW_BYTES),))
        finally:
            driver.rollback()
