"""The engine (SQLite with WAL and foreign keys, or PostgreSQL) and the SQL unit of work."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

from .learners import SqlLearnerRepository
from .records import SqlAccessLog, SqlMergeLog, SqlOrganisationRepository


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so that BEGIN IMMEDIATE can be issued for writes.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A writer takes the write lock up front, so two writers queue instead of failing to upgrade a read lock.
        immediate = connection.get_execution_options().get("write", False)
        driver: Any = connection.connection.driver_connection
        driver.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class SqlUnitOfWork:
    connection: Connection
    learners: SqlLearnerRepository
    organisations: SqlOrganisationRepository
    access_log: SqlAccessLog
    merges: SqlMergeLog

    def __init__(self, engine: Engine, write: bool = False) -> None:
        self._engine = engine
        self._write = write

    def __enter__(self) -> SqlUnitOfWork:
        self.connection = self._engine.connect().execution_options(write=self._write)
        self.connection.begin()
        self.learners = SqlLearnerRepository(self.connection)
        self.organisations = SqlOrganisationRepository(self.connection)
        self.access_log = SqlAccessLog(self.connection)
        self.merges = SqlMergeLog(self.connection)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self.rollback()
        finally:
            self.connection.close()

    def commit(self) -> None:
        self.connection.commit()

    def rollback(self) -> None:
        if self.connection.in_transaction():
            self.connection.rollback()


class SqlUnitOfWorkFactory:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __call__(self, *, write: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, write)
