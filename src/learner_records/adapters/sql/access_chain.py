"""Tamper evidence for the access log: a hash chain over its rows in id order, and the walk that checks it.

Each row's `chain_hash` is SHA-256(previous row's hash || the row's canonical encoding); the first row follows
GENESIS. `access_log_head` holds the newest row's id and hash, updated in the same transaction as every append, so
a row changed, a row removed from the middle and rows cut from the end all break the chain. Whoever can write the
database can also rewrite the chain and its head from the changed row on; against that, keep a head that `audit
verify` printed somewhere the database's writers cannot reach, and check with `--anchor ID:HASH` that the log still
passes through it.

The encoding below is a stored format: changing it breaks every chain already written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from ...services.ports import AccessEntry
from .raw import RawSql, as_datetime

GENESIS = "0" * 64
TIMESTAMP = "%Y-%m-%d %H:%M:%S.%f"
_COLUMNS = "(at, organisation_id, user_name, action, uln, credential, detail, chain_hash)"
_VALUES = "(?, ?, ?, ?, ?, ?, ?, ?)"
_PER_STATEMENT = 1_000  # rows in one INSERT on PostgreSQL, far below its 65,535 parameters


def encode(entry: AccessEntry) -> bytes:
    fields = [entry.at.strftime(TIMESTAMP), entry.organisation_id, entry.user_name, entry.action, entry.uln]
    if entry.credential is not None or entry.detail is not None:
        # columns added later: a row without them encodes as before, so the chains written then still verify
        fields += [entry.credential, entry.detail]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()


def chain(previous: str, entries: Iterable[AccessEntry]) -> list[str]:
    """The links of `entries` appended, in order, after the row whose link is `previous`."""
    links = []
    for entry in entries:
        previous = hashlib.sha256(bytes.fromhex(previous) + encode(entry)).hexdigest()
        links.append(previous)
    return links


def append(sql: RawSql, entries: Sequence[AccessEntry]) -> None:
    """Insert `entries` at the end of the chain. On PostgreSQL the head row's lock orders concurrent appends (SQLite
    serialises writers already); call it last in a transaction, so that the lock is held only until the commit."""
    if not entries:
        return
    head = sql.first("SELECT chain_hash FROM access_log_head WHERE id = 1" + (" FOR UPDATE" if sql.postgres else ""))
    assert head is not None  # the migration that made the table wrote its one row
    links = chain(head[0], entries)
    rows = [(sql.timestamp(e.at), e.organisation_id, e.user_name, e.action, e.uln, e.credential, e.detail, link)
            for e, link in zip(entries, links, strict=True)]  # fmt: skip
    if not sql.postgres:
        sql.execute_many(f"INSERT INTO access_log {_COLUMNS} VALUES {_VALUES}", rows)
        sql.execute("UPDATE access_log_head SET last_id = last_insert_rowid(), chain_hash = ? WHERE id = 1",
                    (links[-1],))  # fmt: skip
        return
    # one round trip for the rows and the head, while the head's lock is held
    for start in range(0, len(rows), _PER_STATEMENT):
        chunk = rows[start : start + _PER_STATEMENT]
        sql.execute(f"WITH added AS (INSERT INTO access_log {_COLUMNS} VALUES"
                    f" {', '.join([_VALUES] * len(chunk))} RETURNING id)"
                    " UPDATE access_log_head SET last_id = (SELECT max(id) FROM added), chain_hash = ? WHERE id = 1",
                    [value for row in chunk for value in row] + [chunk[-1][-1]])  # fmt: skip


@dataclass(frozen=True, slots=True)
class ChainVerdict:
    entries: int  # rows that verified
    head_id: int  # the last row that verified (0: none)
    head_hash: str
    broken_at: int | None = None  # the first row that does not follow from the rows before it
    problem: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def _rows(sql: RawSql) -> Iterator[tuple[int, AccessEntry, str | None]]:
    for row_id, at, organisation_id, user_name, action, uln, credential, detail, link in sql.stream(
        "SELECT id, at, organisation_id, user_name, action, uln, credential, detail, chain_hash FROM access_log"
        " ORDER BY id"
    ):
        entry = AccessEntry(as_datetime(at), organisation_id, user_name, action, uln, credential, detail)
        yield int(row_id), entry, link


def _walk(sql: RawSql, anchor: tuple[int, str] | None) -> ChainVerdict:
    head = sql.first("SELECT last_id, chain_hash FROM access_log_head WHERE id = 1")
    count, last_id, previous, anchored = 0, 0, GENESIS, anchor is None
    for row_id, entry, link in _rows(sql):
        if link != chain(previous, [entry])[0]:
            return ChainVerdict(count, last_id, previous, row_id, "its fields or its place in the log were changed,"
                                " or the row before it was removed")  # fmt: skip
        if anchor is not None and not anchored and row_id >= anchor[0]:
            if (row_id, link) != anchor:
                return ChainVerdict(count, last_id, previous, anchor[0], "the anchor's row is not in the log as"
                                    " it was recorded: the log was rewritten from there on")  # fmt: skip
            anchored = True
        count, last_id, previous = count + 1, row_id, link
    if not anchored:
        assert anchor is not None
        return ChainVerdict(count, last_id, previous, anchor[0], "the anchor's row is gone: the log was cut short")
    if head is None or (int(head[0]), head[1]) != (last_id, previous):
        recorded = "no head" if head is None else f"row {head[0]}"
        return ChainVerdict(count, last_id, previous, last_id + 1, f"the log ends at row {last_id} but its head"
                            f" records {recorded}: rows at its end were removed")  # fmt: skip
    return ChainVerdict(count, last_id, previous)


def verify(engine: Engine, anchor: tuple[int, str] | None = None) -> ChainVerdict:
    """Walk the whole chain in one read snapshot, streaming, without holding up writers."""
    pooled = engine.raw_connection()
    driver: Any = pooled.driver_connection
    postgres = engine.dialect.name != "sqlite"
    try:
        if postgres:
            driver.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        else:
            driver.execute("BEGIN")  # deferred: a read snapshot in the WAL, not the write lock
        return _walk(RawSql(driver, postgres), anchor)
    finally:
        if postgres:
            driver.rollback()
        else:
            driver.execute("ROLLBACK")
        pooled.close()
