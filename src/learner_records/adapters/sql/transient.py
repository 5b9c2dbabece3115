"""Which store errors pass on their own (disk full, a lock, a lost connection) and which are for good.

This is the one place that knows the drivers' exceptions. The job services ask it through the `TransientErrors`
port and stay driver-free: a transient error makes a job wait and try again, any other fails it. The answer is
the error's kind (a SQLite result code name or a PostgreSQL exception and SQLSTATE), never its message, so what is
kept for operators carries no personal data.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import psycopg
from sqlalchemy import exc as sqlalchemy_errors

# SQLite primary result codes of a condition outside the statement: busy or locked, out of memory, I/O, disk full,
# cannot open the file, lock protocol. A constraint, a missing table or bad SQL is a bug or bad data instead.
_SQLITE_TRANSIENT = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_NOMEM, sqlite3.SQLITE_IOERR,
                     sqlite3.SQLITE_FULL, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PROTOCOL}  # fmt: skip
# PostgreSQL SQLSTATEs: connection exceptions (08), insufficient resources such as disk full (53), a serialization
# failure or deadlock (40001, 40P01), a lock not available (55P03), the server shutting down or the backend
# terminated (57P01-57P03), an I/O error (58030).
_POSTGRES_CLASSES = ("08", "53")
_POSTGRES_STATES = {"40001", "40P01", "55P03", "57P01", "57P02", "57P03", "58030"}


def _causes(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        if isinstance(current, sqlalchemy_errors.DBAPIError) and current.orig is not None:
            current = current.orig
        else:
            current = current.__cause__ or current.__context__


def transient_reason(error: BaseException) -> str | None:
    """The kind of a store error that may pass if the job waits and tries again, or None for a permanent one."""
    for cause in _causes(error):
        if isinstance(cause, sqlite3.DatabaseError):
            code = getattr(cause, "sqlite_errorcode", None)
            if code is not None and code & 0xFF in _SQLITE_TRANSIENT:
                return str(getattr(cause, "sqlite_errorname", f"SQLite error {code}"))
        elif isinstance(cause, psycopg.Error):
            state = cause.sqlstate
            if state is None and isinstance(cause, psycopg.OperationalError):
                return f"{type(cause).__name__} (connection)"  # raised by the client: the connection is gone
            if state is not None and (state[:2] in _POSTGRES_CLASSES or state in _POSTGRES_STATES):
                return f"{type(cause).__name__} {state}"
        elif isinstance(cause, sqlalchemy_errors.DisconnectionError | sqlalchemy_errors.TimeoutError):
            return type(cause).__name__  # no connection to be had from the pool just now
    return None
