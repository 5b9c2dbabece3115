"""`db backup FILE` and `db restore FILE`: the engine-specific work is in adapters/sql/backup.py."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ...adapters.sql import backup as backups
from ...config import Settings
from .errors import err_console, reporting
from .output import console

PERSONAL_DATA = ("The backup holds every learner's personal data: it is readable by its owner only; encrypt it"
                 " before it leaves the host and delete it when it is no longer needed.")  # fmt: skip


@reporting
def db_backup(file: Annotated[Path, typer.Argument(help="A new file to write the backup to", dir_okay=False)]) -> None:
    """Back up the configured database to a new FILE (mode 0600), also while the server runs.

    FILE holds every learner's personal data: encrypt it before it leaves the host, delete it when no longer needed.

    SQLite: the online backup API, then an integrity check of the copy. PostgreSQL: pg_dump's custom format."""
    made = backups.backup(Settings.from_environment().database_url, file)
    console.print(f"backed up to {made.path} ({made.size:,} bytes, schema revision {made.revision})", markup=False)
    if made.access_log_head:
        console.print("access log head in the backup (keep it apart from the database, for `audit verify --anchor`):")
        print(f"head {made.access_log_head}")  # noqa: T201 - plain, so scripts can keep it
    err_console.print(PERSONAL_DATA)


@reporting
def db_restore(
    file: Annotated[Path, typer.Argument(help="A file written by `db backup`", dir_okay=False)],
    force: Annotated[bool, typer.Option("--force", help="Replace a database that holds data")] = False,
) -> None:
    """Restore the configured database from FILE, a backup made by `db backup`. Stop the server and worker first.

    A database that holds data is replaced only with --force. FILE holds every learner's personal data.

    SQLite: the backup API copies FILE back. PostgreSQL: pg_restore --clean --if-exists, in one transaction."""
    restored = backups.restore(Settings.from_environment().database_url, file, force)
    console.print(f"restored from {file} (schema revision {restored.revision})", markup=False)
    if restored.needs_upgrade:
        console.print(f"the backup is older than this version (revision {restored.head}):"
                      " run `learner-records db upgrade` before serving", markup=False)  # fmt: skip
