"""The learner repository on SQLAlchemy Core, the same SQL for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, and_, bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

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
from ...domain.names import blocking_keys, normalise_name, normalise_postcode
from .tables import learner as t
from .tables import learner_key as k

_DETAIL_COLUMNS = tuple(PROTOCOL_NAMES)
_CODES: dict[str, Any] = {
    "gender": Gender,
    "verification_type": VerificationType,
    "ability_to_share": AbilityToShare,
}
_BY_ULN = select(t).where(t.c.uln == bindparam("uln"))
_BY_ULNS = select(t).where(t.c.uln.in_(bindparam("ulns", expanding=True)))
_LINKED = select(t.c.master_uln, t.c.uln).where(t.c.master_uln.in_(bindparam("ulns", expanding=True)))
_RECORD_COLUMNS = (
    t.c.uln,
    t.c.given_name,
    t.c.family_name,
    t.c.date_of_birth,
    t.c.gender,
    t.c.postcode,
    t.c.previous_family_name,
    t.c.master_uln,
)


def _details(row: Row[Any]) -> LearnerDetails:
    mapping = row._mapping
    values = {name: mapping[name] for name in _DETAIL_COLUMNS}
    for name, enum in _CODES.items():
        values[name] = enum(values[name])
    return LearnerDetails(**values)


def _learner(row: Row[Any], linked: tuple[str, ...]) -> Learner:
    mapping = row._mapping
    return Learner(
        uln=mapping["uln"],
        details=_details(row),
        created_at=mapping["created_at"],
        updated_at=mapping["updated_at"],
        version=mapping["version"],
        status=LearnerStatus(mapping["status"]),
        tier_level=TierLevel(mapping["tier_level"]),
        master_uln=mapping["master_uln"],
        linked_ulns=linked,
    )


def _record(row: Row[Any, Any, Any, Any, Any, Any, Any, Any]) -> RegisterRecord:
    uln, given, family, dob, gender, postcode, previous, master = row
    return RegisterRecord(uln, given, family, dob, gender, postcode, previous, master)


def learner_row(learner: Learner) -> dict[str, Any]:
    """The learner table's columns for `learner`, including the normalised identity columns."""
    details = learner.details
    row: dict[str, Any] = {name: getattr(details, name) for name in _DETAIL_COLUMNS}
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


def learner_keys(learner: Learner) -> list[dict[str, str]]:
    details = learner.details
    keys = blocking_keys(
        details.given_name, details.family_name, details.date_of_birth, details.postcode, details.previous_family_name
    )
    return [{"key": key, "uln": learner.uln} for key in sorted(keys)]


class SqlLearnerRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        dialect = connection.dialect.name
        self._insert = postgresql.insert if dialect == "postgresql" else sqlite.insert

    def _linked(self, ulns: Sequence[str]) -> dict[str, tuple[str, ...]]:
        linked: dict[str, list[str]] = {}
        for master, uln in self._connection.execute(_LINKED, {"ulns": list(ulns)}):
            linked.setdefault(master, []).append(uln)
        return {master: tuple(sorted(ulns)) for master, ulns in linked.items()}

    def get(self, uln: str) -> Learner | None:
        row = self._connection.execute(_BY_ULN, {"uln": uln}).first()
        if row is None:
            return None
        return _learner(row, self._linked([uln]).get(uln, ()))

    def get_many(self, ulns: Sequence[str]) -> dict[str, Learner]:
        if not ulns:
            return {}
        rows = self._connection.execute(_BY_ULNS, {"ulns": list(set(ulns))}).all()
        linked = self._linked([row.uln for row in rows if row.master_uln is None])
        return {row.uln: _learner(row, linked.get(row.uln, ())) for row in rows}

    def add(self, learner: Learner) -> bool:
        statement = self._insert(t).values(learner_row(learner)).on_conflict_do_nothing().returning(t.c.uln)
        if self._connection.execute(statement).first() is None:
            return False
        self._connection.execute(k.insert(), learner_keys(learner))
        return True

    def add_many(self, learners: Sequence[Learner]) -> None:
        """Bulk load (imports, benchmarks): plain inserts, the caller guarantees unique ULNs and identities."""
        if not learners:
            return
        self._connection.execute(t.insert(), [learner_row(learner) for learner in learners])
        self._connection.execute(k.insert(), [key for learner in learners for key in learner_keys(learner)])

    def with_same_mandatory_fields(self, learner: Learner) -> str | None:
        row = learner_row(learner)
        statement = select(t.c.uln).where(
            and_(
                t.c.date_of_birth == row["date_of_birth"],
                t.c.norm_family_name == row["norm_family_name"],
                t.c.norm_given_name == row["norm_given_name"],
                t.c.gender == row["gender"],
                t.c.norm_postcode == row["norm_postcode"],
            )
        )
        return self._connection.execute(statement).scalar()

    def update(self, learner: Learner, expected_version: int) -> bool:
        row = learner_row(learner)
        del row["uln"], row["created_at"], row["master_uln"]
        statement = update(t).where(t.c.uln == learner.uln, t.c.version == expected_version).values(row)
        if self._connection.execute(statement).rowcount != 1:
            return False
        self._connection.execute(k.delete().where(k.c.uln == learner.uln))
        self._connection.execute(k.insert(), learner_keys(learner))
        return True

    def set_master(self, uln: str, master_uln: str | None, now: datetime) -> None:
        self._connection.execute(
            update(t).where(t.c.uln == uln).values(master_uln=master_uln, updated_at=now, version=t.c.version + 1)
        )

    def linked_to(self, master_uln: str) -> list[str]:
        return list(self._linked([master_uln]).get(master_uln, ()))

    def candidates(self, keys: Iterable[str], limit: int) -> list[RegisterRecord]:
        ulns = select(k.c.uln).where(k.c.key.in_(sorted(keys))).distinct().limit(limit).subquery()
        statement = select(*_RECORD_COLUMNS).join(ulns, ulns.c.uln == t.c.uln)
        return [_record(row) for row in self._connection.execute(statement)]

    def iter_records(self) -> Iterator[RegisterRecord]:
        statement = select(*_RECORD_COLUMNS).where(t.c.master_uln.is_(None))
        result = self._connection.execution_options(stream_results=True, yield_per=10_000).execute(statement)
        for row in result:
            yield _record(row)

    def candidate_pairs(self) -> Iterator[tuple[str, str]]:
        a, b = k.alias("a"), k.alias("b")
        la, lb = t.alias("la"), t.alias("lb")
        statement = (
            select(a.c.uln, b.c.uln)
            .join(b, and_(a.c.key == b.c.key, a.c.uln < b.c.uln))
            .join(la, la.c.uln == a.c.uln)
            .join(lb, lb.c.uln == b.c.uln)
            .where(la.c.master_uln.is_(None), lb.c.master_uln.is_(None))
            .distinct()
        )
        result = self._connection.execution_options(stream_results=True, yield_per=50_000).execute(statement)
        yield from ((first, second) for first, second in result)

    def count(self) -> int:
        return int(self._connection.execute(select(func.count()).select_from(t)).scalar_one())
