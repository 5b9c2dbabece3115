"""Driver errors that mean the database cannot be reached, opened or written, as `StorageUnavailable`.

Everything else (a constraint, a bug in a statement) stays what it is: only these are the operator's to fix and the
caller's to retry.
"""

from __future__ import annotations

import sqlite3

import psycopg
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from ...domain.errors import StorageUnavailable

# SQLite's primary result codes (the low byte of an extended code)
SQLITE_PROBLEMS = {
    3: "permission denied",
    5: "the database is locked by another process",
    8: "the database is read-only",
    10: "a disk input/output error",
    11: "the database file is damaged",
    13: "the disk (or the database's size limit) is full",
    14: "the database file cannot be opened",
    26: "the file is not an SQLite database",
}
# PostgreSQL SQLSTATEs and classes
POSTGRES_PROBLEMS = {
    "25006": "the database is read-only",
    "53100": "the database server's disk is full",
    "08": "the database server cannot be reached",
    "53": "the database server is out of resources",
    "57P": "the database server is shutting down or starting up",
    "58": "the database server has a system error",
}


def where(url: str) -> str:
    """The database as an operator knows it: the SQLite file, or the server and database without the password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    return parsed.set(drivername=parsed.get_backend_name()).render_as_string(hide_password=True)


def storage_problem(error: BaseException) -> str | None:
    """What is wrong with the database, if `error` says it cannot be reached, opened or written."""
    cause = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    if isinstance(cause, sqlite3.Error):
        code = getattr(cause, "sqlite_errorcode", None)
        problem = SQLITE_PROBLEMS.get(code & 0xFF) if code is not None else None
        return f"{problem} ({cause})" if problem else None
    if isinstance(cause, psycopg.Error):
        state = cause.sqlstate or ""
        if not state:
            return "the database server cannot be reached" if isinstance(cause, psycopg.OperationalError) else None
        for prefix in (state, state[:3], state[:2]):
            if prefix in POSTGRES_PROBLEMS:
                return POSTGRES_PROBLEMS[prefix]
    return None


def unavailable(error: BaseException, url: str) -> StorageUnavailable | None:
    problem = storage_problem(error)
    return StorageUnavailable(where(url), problem) if problem else None


def raise_if_unavailable(error: BaseException, url: str) -> None:
    """`StorageUnavailable` in place of `error`, when `error` says the database cannot be used; else nothing."""
    storage = unavailable(error, url)
    if storage is not None:
        raise storage from error
