"""Repositories of the PLR: the qualification catalogue, learning events, data challenges and access history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...domain.plr import EventStatus, LearningEvent
from ...domain.qualifications import Qualification, ReferenceKind
from ...services.ports import AccessRecord, AchievementKey, DataChallenge
from .raw import RawSql, as_date, as_datetime

_QUALIFICATION_COLUMNS = (
    "reference", "kind", "title", "qualification_type", "level", "credits", "awarding_organisation_name",
    "awarding_organisation_ukprn", "regulated", "grades",
)  # fmt: skip
_EVENT_COLUMNS = (
    "id", "uln", "source", "subject_code", "subject", "qualification_type", "level", "grade", "credits",
    "awarding_organisation_name", "awarding_organisation_ukprn", "provider_name", "provider_ukprn", "award_date",
    "participation_start", "participation_end", "status", "date_loaded", "updated_at", "language_for_assessment",
    "under_data_challenge", "withdrawn", "submitted_by",
)  # fmt: skip; the order of LearningEvent's fields
_SELECT_EVENTS = f"SELECT {', '.join(_EVENT_COLUMNS)} FROM learning_event"
_CHALLENGE_COLUMNS = ("id", "event_id", "uln", "raised_by", "raised_by_user", "reason", "status", "raised_at",
                      "resolution", "resolved_at", "resolved_by_user")  # fmt: skip
_SELECT_CHALLENGES = f"SELECT {', '.join(_CHALLENGE_COLUMNS)} FROM data_challenge"


def _qualification(row: tuple[Any, ...]) -> Qualification:
    reference, kind, title, qualification_type, level, credits, ao_name, ao_ukprn, regulated, grades = row
    return Qualification(reference, ReferenceKind(kind), title, qualification_type, level, credits, ao_name,
                         ao_ukprn, bool(regulated), tuple(grades.split("|")))  # fmt: skip


def _event(row: tuple[Any, ...]) -> LearningEvent:
    values = list(row)
    for index in (13, 14, 15):
        values[index] = as_date(values[index])
    values[16] = EventStatus(values[16])
    values[17], values[18] = as_datetime(values[17]), as_datetime(values[18])
    values[20], values[21] = bool(values[20]), bool(values[21])
    return LearningEvent(*values)


def _challenge(row: tuple[Any, ...]) -> DataChallenge:
    values = list(row)
    values[7] = as_datetime(values[7])
    values[9] = None if values[9] is None else as_datetime(values[9])
    return DataChallenge(*values)


class SqlQualificationRepository:
    def __init__(self, sql: RawSql) -> None:
        self._raw = sql

    def save_many(self, qualifications: Sequence[Qualification]) -> None:
        columns = ", ".join(_QUALIFICATION_COLUMNS)
        updates = ", ".join(f"{c} = excluded.{c}" for c in _QUALIFICATION_COLUMNS[1:])
        self._raw.execute_many(
            f"INSERT INTO qualification ({columns}) VALUES ({', '.join('?' * len(_QUALIFICATION_COLUMNS))})"
            f" ON CONFLICT (reference) DO UPDATE SET {updates}",
            [(q.reference, q.kind.value, q.title, q.qualification_type, q.level, q.credits,
              q.awarding_organisation_name, q.awarding_organisation_ukprn, q.regulated, "|".join(q.grades))
             for q in qualifications],
        )  # fmt: skip

    def get_many(self, references: Sequence[str]) -> dict[str, Qualification]:
        rows = self._raw.rows(
            f"SELECT {', '.join(_QUALIFICATION_COLUMNS)} FROM qualification"
            " WHERE reference IN (SELECT value FROM json_each(?))",
            (self._raw.array(sorted(set(references))),),
        )
        return {row[0]: _qualification(row) for row in rows}

    def search(self, text: str, limit: int) -> list[Qualification]:
        pattern = f"%{text.strip().lower()}%"
        rows = self._raw.rows(
            f"SELECT {', '.join(_QUALIFICATION_COLUMNS)} FROM qualification"
            " WHERE lower(reference) LIKE ? OR lower(title) LIKE ? ORDER BY reference LIMIT ?",
            (pattern, pattern, limit),
        )
        return [_qualification(row) for row in rows]


class SqlLearningEventRepository:
    def __init__(self, sql: RawSql) -> None:
        self._raw = sql

    def for_ulns(self, ulns: Sequence[str]) -> list[LearningEvent]:
        rows = self._raw.rows(
            _SELECT_EVENTS + " WHERE uln IN (SELECT value FROM json_each(?)) ORDER BY award_date DESC, id",
            (self._raw.array(list(ulns)),),
        )
        return [_event(row) for row in rows]

    def get(self, event_id: int) -> LearningEvent | None:
        row = self._raw.first(_SELECT_EVENTS + " WHERE id = ?", (event_id,))
        return _event(row) if row else None

    def achievements(self, keys: Sequence[AchievementKey], organisation_id: int) -> dict[AchievementKey, LearningEvent]:
        if not keys:
            return {}
        rows = self._raw.rows(
            _SELECT_EVENTS + " WHERE submitted_by = ? AND uln IN (SELECT value FROM json_each(?))",
            (organisation_id, self._raw.array(sorted({uln for uln, _ in keys}))),
        )
        wanted = set(keys)
        events = (_event(row) for row in rows)
        return {(e.uln, e.subject_code): e for e in events if (e.uln, e.subject_code) in wanted}

    def _values(self, event: LearningEvent) -> list[Any]:
        values: list[Any] = [getattr(event, column) for column in _EVENT_COLUMNS]
        values[16] = event.status.value
        return [self._raw.value(value) for value in values]

    def add(self, event: LearningEvent) -> int:
        columns = _EVENT_COLUMNS[1:]
        row = self._raw.first(
            f"INSERT INTO learning_event ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) RETURNING id",
            self._values(event)[1:],
        )
        assert row is not None  # RETURNING of an INSERT always answers
        return int(row[0])

    def add_many(self, events: Sequence[LearningEvent]) -> None:
        columns = _EVENT_COLUMNS[1:]
        self._raw.execute_many(
            f"INSERT INTO learning_event ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [self._values(event)[1:] for event in events],
        )

    def update(self, event: LearningEvent) -> None:
        columns = _EVENT_COLUMNS[1:]
        values = self._values(event)
        self._raw.execute(
            f"UPDATE learning_event SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?", (*values[1:], event.id)
        )

    def set_challenged(self, event_id: int, challenged: bool) -> None:
        self._raw.execute("UPDATE learning_event SET under_data_challenge = ? WHERE id = ?", (challenged, event_id))


class SqlDataChallengeRepository:
    def __init__(self, sql: RawSql) -> None:
        self._raw = sql

    def add(self, challenge: DataChallenge) -> int:
        row = self._raw.first(
            "INSERT INTO data_challenge (event_id, uln, raised_by, raised_by_user, reason, status, raised_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (challenge.event_id, challenge.uln, challenge.raised_by, challenge.raised_by_user, challenge.reason,
             challenge.status, self._raw.timestamp(challenge.raised_at)),
        )  # fmt: skip
        assert row is not None
        return int(row[0])

    def get(self, challenge_id: int) -> DataChallenge | None:
        row = self._raw.first(_SELECT_CHALLENGES + " WHERE id = ?", (challenge_id,))
        return _challenge(row) if row else None

    def open_for_event(self, event_id: int) -> DataChallenge | None:
        row = self._raw.first(_SELECT_CHALLENGES + " WHERE event_id = ? AND status = 'open'", (event_id,))
        return _challenge(row) if row else None

    def for_organisation(self, organisation_id: int, status: str | None) -> list[DataChallenge]:
        sql = _SELECT_CHALLENGES + " WHERE (raised_by = ? OR event_id IN (SELECT id FROM learning_event"
        sql += " WHERE submitted_by = ?))" + (" AND status = ?" if status else "") + " ORDER BY id"
        params = (organisation_id, organisation_id, status) if status else (organisation_id, organisation_id)
        rows = self._raw.rows(sql, params)
        return [_challenge(row) for row in rows]

    def for_ulns(self, ulns: Sequence[str]) -> list[DataChallenge]:
        rows = self._raw.rows(
            _SELECT_CHALLENGES + " WHERE uln IN (SELECT value FROM json_each(?)) ORDER BY id", (self._raw.array(ulns),)
        )
        return [_challenge(row) for row in rows]

    def resolve(self, challenge: DataChallenge) -> None:
        self._raw.execute(
            "UPDATE data_challenge SET status = ?, resolution = ?, resolved_at = ?, resolved_by_user = ? WHERE id = ?",
            (challenge.status, challenge.resolution, self._raw.timestamp(challenge.resolved_at),
             challenge.resolved_by_user, challenge.id),
        )  # fmt: skip


class SqlAccessHistory:
    def __init__(self, sql: RawSql) -> None:
        self._raw = sql

    def for_ulns(self, ulns: Sequence[str], offset: int, limit: int) -> tuple[list[AccessRecord], int]:
        wanted = (self._raw.array(list(ulns)),)
        total = self._raw.first("SELECT count(*) FROM access_log WHERE uln IN (SELECT value FROM json_each(?))", wanted)
        rows = self._raw.rows(
            "SELECT a.at, a.action, o.name, a.user_name, a.credential FROM access_log a LEFT JOIN organisation o"
            " ON o.id = a.organisation_id WHERE a.uln IN (SELECT value FROM json_each(?))"
            " ORDER BY a.at DESC, a.id DESC LIMIT ? OFFSET ?",
            (*wanted, limit, offset),
        )
        return [AccessRecord(as_datetime(at), action, org, user, credential)
                for at, action, org, user, credential in rows], int(
            total[0] if total else 0
        )
