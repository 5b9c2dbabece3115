"""A disk that fills up under a job, for the tests of jobs that outlive store errors that pass.

On SQLite the disk fills up for real: `PRAGMA max_page_count` at the database's size makes every write that needs a
new page fail with SQLITE_FULL. On PostgreSQL a real disk full (53100) cannot be had in a test, so the stand-in
is psycopg's own DiskFull raised after the chunk wrote its rows, before the commit: the driver's exception class
and SQLSTATE, and a transaction with writes in it to roll back.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from sqlalchemy import event

from learner_records.adapters.sql import batches as sql_batches
from learner_records.adapters.sql import jobs as sql_jobs
from learner_records.bootstrap import Services


@dataclass
class DiskFull:
    full: bool = False

    def fill_after_a_chunk(self, done: int, total: int) -> None:
        """A job's progress callback: the disk is full from the job's next chunk on."""
        self.full = True


@pytest.fixture
def disk(services: Services, monkeypatch: pytest.MonkeyPatch) -> Iterator[DiskFull]:
    state = DiskFull()
    assert services.engine is not None
    if services.engine.dialect.name == "sqlite":

        def on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
            # 1 is below any database's size, so the limit becomes the size it has now: no page more
            dbapi_connection.execute(f"PRAGMA max_page_count = {1 if state.full else 4294967294}")

        with services.engine.connect() as connection:
            # no free pages left over from the migrations, and every b-tree packed: a chunk's writes need new pages
            connection.exec_driver_sql("VACUUM")
        event.listen(services.engine, "checkout", on_checkout)
        yield state
        event.remove(services.engine, "checkout", on_checkout)
        return
    for module, repository in ((sql_batches, "SqlBatchJobRepository"), (sql_jobs, "SqlAchievementJobRepository")):
        cls = getattr(module, repository)
        original = cls.record

        def record(self: Any, job: Any, rows: Any, lease_until: Any, original: Any = original) -> None:
            original(self, job, rows, lease_until)
            if state.full and rows:  # a chunk's writes are in the transaction: the error must undo them
                raise psycopg.errors.DiskFull("could not extend file: No space left on device")

        monkeypatch.setattr(cls, "record", record)
    yield state
