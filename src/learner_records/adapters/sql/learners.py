"""The learner repository: plain SQL, the same for SQLite and PostgreSQL (see raw.py)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import fields
from datetime import datetime
from hashlib import blake2b
from typing import Any

from sqlalchemy import Connection, text

from ...domain.learner import (
    PROTOCOL_NAMES,
    AbilityToShare,
    Gender,
    Learner,
    LearnerDetails,
    LearnerStatus,
    TierLevel,
    VerificationType,
)
from ...domain.matching import RegisterRecord
from ...domain.matching.blocking import BROAD_KINDS, blocking_keys, kind_of
from ...domain.names import normalise_name, normalise_postcode
from .raw import RawSql, as_date, as_datetime

_CODES: dict[str, Any] = {
    "gender": Gender,
    "verification_type": VerificationType,
    "ability_to_share": AbilityToShare,
}
# the detail columns in LearnerDetails' own field order, so a row builds it positionally
_DETAIL_FIELDS = tuple(field.name for field in fields(LearnerDetails))
_LEARNER_COLUMNS = ("uln", *_DETAIL_FIELDS, "created_at", "updated_at", "version", "status", "tier_level", "master_uln")
_SELECT_LEARNERS = f"SELECT {', '.join(_LEARNER_COLUMNS)} FROM learner"
_SELECT_RECORDS = (
    "SELECT uln, given_name, family_name, date_of_birth, gender, postcode, previous_family_name, master_uln,"
    " middle_other_name, address_line_1, town FROM learner"
)
_DATES = {index for index, name in enumerate(_LEARNER_COLUMNS) if name in ("date_of_birth", "date_of_address_capture")}
_IDENTITY = ("date_of_birth", "norm_family_name", "norm_given_name", "gender", "norm_postcode")
_TIME_COLUMNS = ("date_of_birth", "date_of_address_capture", "created_at", "updated_at")
_DETAIL_SLICE = slice(1, 1 + len(_DETAIL_FIELDS))
_ENUMS = [(index, _CODES[name]) for index, name in enumerate(_LEARNER_COLUMNS) if name in _CODES]


def _learner(row: tuple[Any, ...], linked: tuple[str, ...]) -> Learner:
    values = list(row)
    for index in _DATES:
        values[index] = as_date(values[index])
    for index, enum in _ENUMS:
        values[index] = enum(values[index])
    created, updated, version, status, tier, master = values[_DETAIL_SLICE.stop :]
    return Learner(
        uln=values[0],
        details=LearnerDetails(*values[_DETAIL_SLICE]),
        created_at=as_datetime(created),
        updated_at=as_datetime(updated),
        version=version,
        status=LearnerStatus(status),
        tier_level=TierLevel(tier),
        master_uln=master,
        linked_ulns=linked,
    )


def _record(row: Sequence[Any]) -> RegisterRecord:
    uln, given, family, dob, gender, postcode, previous, master, middle, address, town = row
    return RegisterRecord(uln, given, family, as_date(dob), gender, postcode, previous, master, middle,  # type: ignore[arg-type]
                          address, town)  # fmt: skip


def learner_row(learner: Learner) -> dict[str, Any]:
    """The learner table's columns for `learner`, including the normalised identity columns."""
    details = learner.details
    row: dict[str, Any] = {name: getattr(details, name) for name in PROTOCOL_NAMES}
    for name in _CODES:
        row[name] = int(row[name])
    row.update(
        uln=learner.uln,
        status=int(learner.status),
        tier_level=int(learner.tier_level),
        version=learner.version,
        created_at=learner.created_at,
        updated_at=learner.updated_at,
        master_uln=learner.master_uln,
        norm_given_name=normalise_name(details.given_name),
        norm_family_name=normalise_name(details.family_name),
        norm_postcode=normalise_postcode(details.postcode),
    )
    return row


def key_hash(key: str) -> int:
    """A blocking key stored as a signed 64-bit hash: a quarter of the index of the text keys. A collision only
    adds a candidate, which scoring then rejects. The lowest bit says whether the key is of a broad kind, so the
    duplicate scan can give those a smaller bucket limit in SQL."""
    value = int.from_bytes(blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)
    return value | 1 if kind_of(key) in BROAD_KINDS else value & ~1


def key_hashes(details: LearnerDetails) -> list[int]:
    keys = blocking_keys(
        details.given_name, details.family_name, details.date_of_birth, details.postcode, details.previous_family_name,
        town=details.town, address_line=details.address_line_1,
    )  # fmt: skip
    return sorted({key_hash(key) for key in keys})


def learner_keys(learner: Learner) -> list[tuple[int, str]]:
    return [(key, learner.uln) for key in key_hashes(learner.details)]


_KEY_FIELDS = "uln, given_name, family_name, date_of_birth, postcode, previous_family_name, town, address_line_1"


def reindex_blocking_keys(connection: Connection, batch: int = 20_000) -> int:
    """Rebuild every learner's blocking keys from its stored details, in batches; returns the learners indexed.
    Run by a migration when the kinds of key change."""
    connection.execute(text("DELETE FROM learner_key"))
    done = 0
    last = ""
    while rows := connection.execute(
        text(f"SELECT {_KEY_FIELDS} FROM learner WHERE uln > :last ORDER BY uln LIMIT :batch"),
        {"last": last, "batch": batch},
    ).all():
        keys = []
        for uln, given, family, dob, postcode, previous, town, address in rows:
            found = blocking_keys(given, family, as_date(dob), postcode, previous, town=town, address_line=address)
            keys += [{"key": h, "uln": uln} for h in sorted({key_hash(key) for key in found})]
        connection.execute(text("INSERT INTO learner_key (key, uln) VALUES (:key, :uln)"), keys)
        done += len(rows)
        last = rows[-1][0]
    return done


class SqlLearnerRepository:
    def __init__(self, sql: RawSql) -> None:
        self._raw = sql

    def _linked(self, ulns: Sequence[str]) -> dict[str, tuple[str, ...]]:
        linked: dict[str, list[str]] = {}
        rows = self._raw.rows(
            "SELECT master_uln, uln FROM learner WHERE master_uln IN (SELECT value FROM json_each(?))",
            (self._raw.array(ulns),),
        )
        for master, uln in rows:
            linked.setdefault(master, []).append(uln)
        return {master: tuple(sorted(found)) for master, found in linked.items()}

    def get(self, uln: str) -> Learner | None:
        # one round trip: the learner and the learners merged into it (rare, so their full rows cost little)
        rows = self._raw.rows(_SELECT_LEARNERS + " WHERE uln = ? OR master_uln = ?", (uln, uln))
        found = next((row for row in rows if row[0] == uln), None)
        if found is None:
            return None
        return _learner(found, tuple(sorted(row[0] for row in rows if row[0] != uln)))

    def get_many(self, ulns: Sequence[str]) -> dict[str, Learner]:
        if not ulns:
            return {}
        rows = self._raw.rows(
            _SELECT_LEARNERS + " WHERE uln IN (SELECT value FROM json_each(?))", (self._raw.array(sorted(set(ulns))),)
        )
        linked = self._linked([row[0] for row in rows if row[-1] is None])
        return {row[0]: _learner(row, linked.get(row[0], ())) for row in rows}

    def records(self, ulns: Sequence[str]) -> dict[str, RegisterRecord]:
        if not ulns:
            return {}
        rows = self._raw.rows(
            _SELECT_RECORDS + " WHERE uln IN (SELECT value FROM json_each(?))", (self._raw.array(sorted(set(ulns))),)
        )
        return {row[0]: _record(row) for row in rows}

    def add(self, learner: Learner) -> bool:
        row = self._stored_values([learner_row(learner)])[0]
        inserted = self._raw.first(
            f"INSERT INTO learner ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})"
            " ON CONFLICT DO NOTHING RETURNING uln",
            tuple(row.values()),
        )
        if inserted is None:
            return False
        self._insert_keys(learner_keys(learner))
        return True

    def _insert_keys(self, rows: Sequence[tuple[int, str]]) -> None:
        self._raw.execute_many("INSERT INTO learner_key (key, uln) VALUES (?, ?)", rows)

    def add_many(self, learners: Sequence[Learner]) -> list[str]:
        """Bulk load (imports, benchmarks) straight through the driver. A learner whose five mandatory fields
        repeat one already stored is skipped, as registration would refuse it; returns the ULNs stored."""
        if not learners:
            return []
        rows = [learner_row(learner) for learner in learners]
        columns = list(rows[0])
        self._raw.execute_many(
            f"INSERT INTO learner ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            " ON CONFLICT DO NOTHING",
            [tuple(row.values()) for row in self._stored_values(rows)],
        )
        wanted = [learner.uln for learner in learners]
        stored = {
            row[0]
            for row in self._raw.rows(
                "SELECT uln FROM learner WHERE uln IN (SELECT value FROM json_each(?))", (self._raw.array(wanted),)
            )
        }
        self._insert_keys([row for learner in learners if learner.uln in stored for row in learner_keys(learner)])
        return [uln for uln in wanted if uln in stored]

    def _stored_values(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if self._raw.postgres:
            return rows
        for row in rows:
            for column in _TIME_COLUMNS:
                row[column] = self._raw.value(row[column])
        return rows

    def with_same_mandatory_fields(self, learner: Learner) -> str | None:
        row = self._stored_values([learner_row(learner)])[0]
        found = self._raw.first(
            "SELECT uln FROM learner WHERE date_of_birth = ? AND norm_family_name = ? AND norm_given_name = ?"
            " AND gender = ? AND norm_postcode = ?",
            tuple(row[name] for name in _IDENTITY),
        )
        return None if found is None else str(found[0])

    def update(self, learner: Learner, expected_version: int) -> bool:
        # the old keys come from the stored details, so their delete walks the primary key, not a second index
        old = self._raw.first(_SELECT_LEARNERS + " WHERE uln = ?", (learner.uln,))
        previous = key_hashes(_learner(old, ()).details) if old else []
        row = self._stored_values([learner_row(learner)])[0]
        for fixed in ("uln", "created_at", "master_uln"):
            del row[fixed]
        changed = self._raw.execute(
            f"UPDATE learner SET {', '.join(f'{column} = ?' for column in row)} WHERE uln = ? AND version = ?",
            (*row.values(), learner.uln, expected_version),
        )
        if changed != 1:
            return False
        self._raw.execute_many(
            "DELETE FROM learner_key WHERE key = ? AND uln = ?", [(h, learner.uln) for h in previous]
        )
        self._insert_keys(learner_keys(learner))
        return True

    def set_master(self, uln: str, master_uln: str | None, now: datetime) -> None:
        self._raw.execute(
            "UPDATE learner SET master_uln = ?, updated_at = ?, version = version + 1 WHERE uln = ?",
            (master_uln, self._raw.timestamp(now), uln),
        )

    def linked_to(self, master_uln: str) -> list[str]:
        return list(self._linked([master_uln]).get(master_uln, ()))

    def candidates(self, keys: Iterable[str], limit: int) -> list[RegisterRecord]:
        # Past the limit, the records sharing the most keys with the query stay: the learner asked for shares all.
        rows = self._raw.rows(
            _SELECT_RECORDS + " WHERE uln IN (SELECT uln FROM learner_key"
            " WHERE key IN (SELECT value FROM json_each(?)) GROUP BY uln ORDER BY count(*) DESC, uln LIMIT ?)",
            (self._raw.array(sorted({key_hash(key) for key in keys})), limit),
        )
        return [_record(row) for row in rows]

    def iter_records(self) -> Iterator[RegisterRecord]:
        return (_record(row) for row in self._raw.stream(_SELECT_RECORDS + " WHERE master_uln IS NULL"))

    def candidate_pairs(self, bucket_limit: int = 300, broad_limit: int = 20) -> Iterator[tuple[str, str]]:
        rows = self._raw.stream(
            "WITH usable AS (SELECT key FROM learner_key GROUP BY key"
            " HAVING count(*) >= 2 AND count(*) <= CASE WHEN (key & 1) = 1 THEN ? ELSE ? END)"
            " SELECT DISTINCT a.uln, b.uln FROM usable"
            " JOIN learner_key a ON a.key = usable.key"
            " JOIN learner_key b ON b.key = usable.key AND a.uln < b.uln"
            " JOIN learner la ON la.uln = a.uln JOIN learner lb ON lb.uln = b.uln"
            " WHERE la.master_uln IS NULL AND lb.master_uln IS NULL",
            (broad_limit, bucket_limit),
            batch=50_000,
        )
        return ((first, second) for first, second in rows)

    def count(self) -> int:
        row = self._raw.first("SELECT count(*) FROM learner")
        return int(row[0]) if row else 0
