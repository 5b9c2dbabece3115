"""Backups of the register's database and restores from them.

SQLite: the online backup API copies the database while the server runs (one read snapshot; writers go on in the
WAL), into a single self-contained file whose integrity is checked before it takes the file's name. A restore copies
a backup back through the same API into the configured database.
PostgreSQL: `pg_dump --format=custom` with the URL's connection parameters (a host may be a socket directory,
`?host=/dir&port=N`), and `pg_restore --clean --if-exists --single-transaction`: all of it or nothing.

A backup holds everything in the register, personal data included: it is written readable by its owner only (0600),
and under a temporary name until it is whole, so a failed backup leaves no file behind.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError

from ...domain.errors import Conflict, LearnerRecordsError
from .migrate import alembic_config

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
PG_BIN = Path("/usr/lib/postgresql")  # Debian keeps each major version's binaries in PG_BIN/<major>/bin
PG_DEFAULT_MAJOR = 15
# URL query parameters that libpq also reads from the environment
LIBPQ_ENV = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY",
             "connect_timeout": "PGCONNECT_TIMEOUT", "application_name": "PGAPPNAME"}  # fmt: skip


# Tables whose rows the migrations write: an empty register has them.
BOOKKEEPING = ("alembic_version", "access_log_head")


class BackupError(LearnerRecordsError):
    """A backup or restore could not be made; the message says why in one line."""


class DatabaseNotEmpty(BackupError, Conflict):
    """A restore would overwrite data."""


@dataclass(frozen=True, slots=True)
class BackupMade:
    path: Path
    size: int
    revision: str | None  # the schema revision the backup is at
    access_log_head: str | None  # ID:HASH, the access log's newest row in the backup, for `audit verify --anchor`


@dataclass(frozen=True, slots=True)
class Restored:
    revision: str | None
    head: str  # the revision this version of learner-records needs

    @property
    def needs_upgrade(self) -> bool:
        return self.revision != self.head


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None  # the migrations form one line of history (tests/integration/test_migrations.py)
    return head


def backup(url: str, target: Path) -> BackupMade:
    """Copy the database at `url` into the new file `target` (mode 0600)."""
    parsed = make_url(url)
    with _private_file(target) as partial:
        if parsed.get_backend_name() == "sqlite":
            revision, head = _sqlite_backup(_sqlite_path(parsed), partial)
        else:
            revision, head = _pg_backup(parsed, partial)
    return BackupMade(target, target.stat().st_size, revision, head)


def restore(url: str, source: Path, force: bool = False) -> Restored:
    """Replace the database at `url` with the backup `source`; a database holding data only with `force`."""
    parsed = make_url(url)
    sqlite = parsed.get_backend_name() == "sqlite"
    _check_backup_file(source, SQLITE_MAGIC if sqlite else PG_DUMP_MAGIC)
    if sqlite:
        return _sqlite_restore(_sqlite_path(parsed), source, force)
    return _pg_restore(parsed, source, force)


def _check_revision_known(source: Path, revision: str | None) -> None:
    if revision is None:
        raise BackupError(f"{source} has no schema revision (alembic_version): it is not a learner-records backup")
    try:
        known = ScriptDirectory.from_config(alembic_config("sqlite://")).get_revision(revision)
    except CommandError:
        known = None
    if known is None:
        raise BackupError(f"{source} is at schema revision {revision}, which this version of learner-records does"
                          " not know: restore it with the version that made it")  # fmt: skip


def _check_backup_file(source: Path, magic: bytes) -> None:
    try:
        with source.open("rb") as file:
            start = file.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise BackupError(f"cannot read {source}: {error.strerror}") from None
    if start.startswith(magic):
        return
    kinds = {SQLITE_MAGIC: "an SQLite backup", PG_DUMP_MAGIC: "a PostgreSQL backup (pg_dump)"}
    found = next((kind for head, kind in kinds.items() if start.startswith(head)), "not a backup")
    raise BackupError(f"{source} is {found}; the configured database needs {kinds[magic]}")


@contextmanager
def _private_file(target: Path) -> Iterator[Path]:
    """A new file readable by its owner only, under a temporary name until the block has filled it."""
    if target.exists():
        raise BackupError(f"{target} exists already: back up to a new file")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a directory")
    partial = target.with_name(f".{target.name}.partial")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise BackupError(f"cannot write {partial}: {error.strerror}") from None
    os.fchmod(descriptor, 0o600)  # whatever the umask
    os.close(descriptor)
    try:
        yield partial
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


# SQLite ----------------------------------------------------------------------------------------------------------


def _sqlite_path(parsed: URL) -> Path:
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(parsed.database)


def _sqlite_revision(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return None if row is None else str(row[0])


def _sqlite_head(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT last_id, chain_hash FROM access_log_head WHERE id = 1").fetchone()
    except sqlite3.DatabaseError:  # a schema from before the chain
        return None
    return None if row is None else f"{row[0]}:{row[1]}"


def _sqlite_backup(database: Path, partial: Path) -> tuple[str | None, str | None]:
    if not database.is_file():
        raise BackupError(f"there is no SQLite database at {database}")
    with closing(sqlite3.connect(database, timeout=30)) as source, closing(sqlite3.connect(partial)) as copy:
        source.execute("PRAGMA busy_timeout=30000")
        source.backup(copy)  # in one step: one read snapshot, so the copy is consistent while writers go on
        copy.execute("PRAGMA journal_mode=DELETE")  # a single file, with no -wal beside it
        problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise BackupError(f"the copy failed SQLite's integrity check: {problems[0]}")
        return _sqlite_revision(copy), _sqlite_head(copy)


def _sqlite_has_rows(connection: sqlite3.Connection) -> list[str]:
    names = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                                  " AND name NOT LIKE 'sqlite_%' ORDER BY name")]  # fmt: skip
    return [name for name in names if name not in BOOKKEEPING
            and connection.execute(f'SELECT 1 FROM "{name}" LIMIT 1').fetchone()]  # fmt: skip


def _sqlite_restore(database: Path, source: Path, force: bool) -> Restored:
    try:
        backup_file = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise BackupError(f"cannot open {source}: {error}") from None
    with closing(backup_file):
        try:
            problems = [row[0] for row in backup_file.execute("PRAGMA quick_check")]
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{source} is damaged: {error}") from None
        if problems != ["ok"]:
            raise BackupError(f"{source} failed SQLite's integrity check: {problems[0]}")
        revision = _sqlite_revision(backup_file)
        _check_revision_known(source, revision)
        database.parent.mkdir(parents=True, exist_ok=True)
        if not database.exists():
            os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # it will hold personal data
        with closing(sqlite3.connect(database, timeout=30)) as target:
            target.execute("PRAGMA busy_timeout=30000")
            filled = _sqlite_has_rows(target)
            if filled and not force:
                raise DatabaseNotEmpty(f"{database} holds data (in {', '.join(filled[:3])}"
                                       f"{', ...' if len(filled) > 3 else ''}): add --force to replace it")  # fmt: skip
            # The API takes the target's write lock for the copy: running requests wait, then see the restored data.
            backup_file.backup(target)
            target.execute("PRAGMA journal_mode=WAL")
            return Restored(_sqlite_revision(target), head_revision())


# PostgreSQL ------------------------------------------------------------------------------------------------------


def _libpq_environment(parsed: URL) -> dict[str, str]:
    """The URL's connection parameters as libpq's environment: a password never appears on a command line."""
    query = {key: value if isinstance(value, str) else value[-1] for key, value in parsed.query.items()}
    environment = dict(os.environ)
    values = {"PGHOST": parsed.host or query.get("host"), "PGPORT": parsed.port or query.get("port"),
              "PGUSER": parsed.username, "PGPASSWORD": parsed.password, "PGDATABASE": parsed.database}  # fmt: skip
    values.update({variable: query.get(key) for key, variable in LIBPQ_ENV.items()})
    environment.update({name: str(value) for name, value in values.items() if value is not None})
    return environment


def _pg_query(parsed: URL, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(parsed)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    except DBAPIError as error:
        first = str(error.orig).strip().splitlines()
        raise BackupError(f"PostgreSQL: {first[0] if first else type(error.orig).__name__}") from None
    finally:
        engine.dispose()


def _pg_tool(name: str, parsed: URL) -> Path:
    """The server's own major version of the tool first (pg_dump refuses a newer server), then PATH, then 15."""
    version = int(str(_pg_query(parsed, "SHOW server_version_num")[0][0])) // 10_000
    on_path = shutil.which(name)
    candidates = [PG_BIN / str(version) / "bin" / name, *([Path(on_path)] if on_path else []),
                  PG_BIN / str(PG_DEFAULT_MAJOR) / "bin" / name]  # fmt: skip
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise BackupError(f"{name} not found on PATH nor in {PG_BIN}/{version}/bin: install the PostgreSQL {version}"
                      f" client programs (Debian: postgresql-client-{version})")  # fmt: skip


def _run(command: Sequence[str | Path], environment: dict[str, str], **options: object) -> str:
    finished = subprocess.run([str(part) for part in command], env=environment, stderr=subprocess.PIPE,
                              check=False, **options)  # type: ignore[call-overload]  # fmt: skip
    if finished.returncode != 0:
        tool = Path(str(command[0])).name
        lines = [line.removeprefix(f"{tool}: ").removeprefix("error: ").strip()
                 for line in finished.stderr.decode(errors="replace").splitlines() if line.strip()]  # fmt: skip
        raise BackupError(f"{tool} failed: {'; '.join(lines[:3]) or f'exit status {finished.returncode}'}")
    return finished.stdout.decode(errors="replace") if finished.stdout is not None else ""


def _dump_row(pg_restore: Path, dump: Path, environment: dict[str, str], table: str) -> list[str] | None:
    """The first row of a table inside a dump, read without restoring it."""
    script = _run([pg_restore, "--data-only", f"--table={table}", "--file=-", dump], environment,
                  stdout=subprocess.PIPE)  # fmt: skip
    lines = script.splitlines()
    for index, line in enumerate(lines[:-1]):
        if line.startswith("COPY ") and f".{table} " in line and lines[index + 1] != "\\.":
            return lines[index + 1].split("\t")
    return None


def _dump_revision(pg_restore: Path, dump: Path, environment: dict[str, str]) -> str | None:
    row = _dump_row(pg_restore, dump, environment, "alembic_version")
    return None if row is None else row[0].strip()


def _dump_tables(pg_restore: Path, dump: Path, environment: dict[str, str]) -> set[str]:
    listing = _run([pg_restore, "--list", dump], environment, stdout=subprocess.PIPE)
    # table of contents lines: "215; 1259 16386 TABLE public access_log postgres"
    return {parts[4] for line in listing.splitlines() if not line.startswith(";")
            and len(parts := line.split(";", 1)[-1].split()) >= 5 and parts[2] == "TABLE"}  # fmt: skip


def _pg_backup(parsed: URL, partial: Path) -> tuple[str | None, str | None]:
    environment = _libpq_environment(parsed)
    pg_dump, pg_restore = _pg_tool("pg_dump", parsed), _pg_tool("pg_restore", parsed)
    with partial.open("wb") as file:
        _run([pg_dump, "--format=custom", "--no-password"], environment, stdout=file)
    tables = _dump_tables(pg_restore, partial, environment)  # the archive reads back whole
    head = _dump_row(pg_restore, partial, environment, "access_log_head") if "access_log_head" in tables else None
    return _dump_revision(pg_restore, partial, environment), None if head is None else f"{head[1]}:{head[2]}"


def _pg_filled_tables(parsed: URL) -> tuple[set[str], list[str]]:
    names = {str(row[0]) for row in _pg_query(parsed, "SELECT tablename FROM pg_tables"
                                                      " WHERE schemaname = current_schema()")}  # fmt: skip
    if not names - set(BOOKKEEPING):
        return names, []
    probes = " UNION ALL ".join(f"SELECT '{name}' FROM (SELECT 1 FROM \"{name}\" LIMIT 1) AS t{index}"
                                for index, name in enumerate(sorted(names - set(BOOKKEEPING))))  # fmt: skip
    return names, sorted(str(row[0]) for row in _pg_query(parsed, probes))


def _pg_restore(parsed: URL, source: Path, force: bool) -> Restored:
    environment = _libpq_environment(parsed)
    pg_restore = _pg_tool("pg_restore", parsed)
    dumped = _dump_tables(pg_restore, source, environment)
    revision = _dump_revision(pg_restore, source, environment)
    _check_revision_known(source, revision)
    present, filled = _pg_filled_tables(parsed)
    if filled and not force:
        raise DatabaseNotEmpty(f"database {parsed.database} holds data (in {', '.join(filled[:3])}"
                               f"{', ...' if len(filled) > 3 else ''}): add --force to replace it")  # fmt: skip
    extra = sorted(present - dumped)
    if extra:
        # --clean drops only what the dump has; a table it lacks would outlive the restore and confuse `db upgrade`
        raise BackupError(f"database {parsed.database} has tables the backup has not ({', '.join(extra[:3])}):"
                          " restore into an empty database")  # fmt: skip
    _run([pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
          "--exit-on-error", "--no-password", f"--dbname={parsed.database}", source], environment)  # fmt: skip
    rows = _pg_query(parsed, "SELECT version_num FROM alembic_version")
    return Restored(str(rows[0][0]) if rows else None, head_revision())
