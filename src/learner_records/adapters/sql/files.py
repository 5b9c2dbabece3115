"""The SQLite database's files hold personal data: only the account running the service may read them.

The folder is made 0700 and the database file 0600 before SQLite first opens it; SQLite gives its -wal and -shm
files the database file's own mode, so they are 0600 too. Files left readable by an older version are tightened.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from sqlalchemy.engine import make_url

from ...domain.errors import StorageUnavailable

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
COMPANIONS = ("", "-wal", "-shm", "-journal")


def sqlite_file(url: str) -> Path | None:
    """The database file of an SQLite URL; None for PostgreSQL, in-memory and `file:` URI databases."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def prepare_sqlite_file(url: str) -> None:
    """Create the folder (0700) and an empty database file (0600) if they are missing; tighten existing ones."""
    path = sqlite_file(url)
    if path is None:
        return
    if path.parent.exists() and not path.parent.is_dir():
        raise StorageUnavailable(str(path.parent), "it is a file, not a folder")
    try:
        if not path.parent.is_dir():
            path.parent.mkdir(mode=PRIVATE_FOLDER, parents=True)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE))
    except OSError as error:
        raise StorageUnavailable(str(error.filename or path), error.strerror or str(error)) from None
    for suffix in COMPANIONS:
        _tighten(path.with_name(path.name + suffix))


def _tighten(path: Path) -> None:
    with contextlib.suppress(OSError):  # not ours, or a read-only disk: opening it reports the real problem
        status = path.stat()
        if status.st_uid == os.geteuid() and status.st_mode & 0o077:
            path.chmod(PRIVATE_FILE)
