"""The achievement job store: jobs, their rows and outcomes, claimed by workers under a lease."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ...services.ports import AchievementJob, JobRow
from .raw import RawSql, as_datetime

_JOB_COLUMNS = ("id", "organisation_id", "user_name", "submission_type", "file_name", "email_address", "status",
                "submitted_at", "started_at", "finished_at", "number_of_records", "next_row", "counters",
                "rejection_reason", "retries", "retry_reason", "credential")  # fmt: skip
_SELECT_JOBS = f"SELECT {', '.join(_JOB_COLUMNS)} FROM achievement_job"


def _job(row: tuple[Any, ...]) -> AchievementJob:
    values = list(row)
    values[7] = as_datetime(values[7])
    values[8] = None if values[8] is None else as_datetime(values[8])
    values[9] = None if values[9] is None else as_datetime(values[9])
    values[12] = json.loads(values[12])
    return AchievementJob(*values)


class SqlAchievementJobRepository:
    def __init__(self, sql: RawSql) -> None:
        self._raw = sql

    def create(self, job: AchievementJob, content_hash: str) -> int:
        row = self._raw.first(
            "INSERT INTO achievement_job (organisation_id, user_name, submission_type, file_name, email_address,"
            " content_hash, status, submitted_at, number_of_records, next_row, counters, credential)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (job.organisation_id, job.user_name, job.submission_type, job.file_name, job.email_address, content_hash,
             job.status, self._raw.timestamp(job.submitted_at), job.number_of_records, job.next_row,
             json.dumps(job.counters), job.credential),
        )  # fmt: skip
        assert row is not None
        return int(row[0])

    def by_content(self, organisation_id: int, content_hash: str) -> AchievementJob | None:
        row = self._raw.first(
            _SELECT_JOBS + " WHERE organisation_id = ? AND content_hash = ?", (organisation_id, content_hash)
        )
        return _job(row) if row else None

    def set_content(self, job_id: int, content_hash: str, number_of_records: int) -> None:
        self._raw.execute(
            "UPDATE achievement_job SET content_hash = ?, number_of_records = ? WHERE id = ?",
            (content_hash, number_of_records, job_id),
        )

    def add_rows(self, job_id: int, rows: Sequence[JobRow]) -> None:
        self._raw.execute_many(
            "INSERT INTO achievement_row (job_id, row_number, payload) VALUES (?, ?, ?)",
            [(job_id, row.row_number, json.dumps(row.payload, ensure_ascii=False)) for row in rows],
        )

    def get(self, job_id: int) -> AchievementJob | None:
        row = self._raw.first(_SELECT_JOBS + " WHERE id = ?", (job_id,))
        return _job(row) if row else None

    def claim(
        self, now: datetime, lease_until: datetime, token: str, job_id: int | None = None
    ) -> AchievementJob | None:
        # The UPDATE's own condition decides between two workers racing for one job: only one sees a row change.
        stamp, lease = self._raw.timestamp(now), self._raw.timestamp(lease_until)
        candidates = self._raw.rows(
            "SELECT id FROM achievement_job WHERE (status = 'Waiting' OR (status = 'InProgress' AND lease_until < ?))"
            + (" AND id = ?" if job_id is not None else "") + " ORDER BY id LIMIT 5",
            (stamp, job_id) if job_id is not None else (stamp,),
        )
        for (candidate,) in candidates:
            changed = self._raw.execute(
                "UPDATE achievement_job SET status = 'InProgress', lease_until = ?, lease_token = ?,"
                " started_at = COALESCE(started_at, ?) WHERE id = ?"
                " AND (status = 'Waiting' OR (status = 'InProgress' AND lease_until < ?))",
                (lease, token, stamp, candidate, stamp),
            )
            if changed == 1:
                return self.get(candidate)
        return None

    def hold(self, job_id: int, token: str, next_row: int, lease_until: datetime) -> bool:
        changed = self._raw.execute(
            "UPDATE achievement_job SET lease_until = ? WHERE id = ? AND lease_token = ? AND next_row = ?"
            " AND status = 'InProgress'",
            (self._raw.timestamp(lease_until), job_id, token, next_row),
        )
        return changed == 1

    def cancel(self, job_id: int, at: datetime | None) -> bool:
        changed = self._raw.execute(
            "UPDATE achievement_job SET status = 'Cancelled', finished_at = ? WHERE id = ? AND status = 'Waiting'",
            (self._raw.timestamp(at), job_id),
        )
        return changed == 1

    def rows(self, job_id: int, start: int, limit: int) -> list[JobRow]:
        rows = self._raw.rows(
            "SELECT row_number, payload, outcome, message FROM achievement_row"
            " WHERE job_id = ? AND row_number >= ? ORDER BY row_number LIMIT ?",
            (job_id, start, limit),
        )
        return [JobRow(number, json.loads(payload), outcome, message) for number, payload, outcome, message in rows]

    def record(self, job: AchievementJob, rows: Sequence[JobRow], lease_until: datetime | None) -> None:
        self._raw.execute_many(
            "UPDATE achievement_row SET outcome = ?, message = ? WHERE job_id = ? AND row_number = ?",
            [(row.outcome, row.message, job.id, row.row_number) for row in rows],
        )
        self._raw.execute(
            "UPDATE achievement_job SET status = ?, next_row = ?, counters = ?, finished_at = ?, lease_until = ?,"
            " rejection_reason = ?, retries = ?, retry_reason = ? WHERE id = ?",
            (job.status, job.next_row, json.dumps(job.counters), self._raw.timestamp(job.finished_at),
             self._raw.timestamp(lease_until), job.rejection_reason, job.retries, job.retry_reason, job.id),
        )  # fmt: skip

    def error_rows(self, job_id: int) -> list[JobRow]:
        rows = self._raw.rows(
            "SELECT row_number, payload, outcome, message FROM achievement_row WHERE job_id = ?"
            " AND outcome IN ('field_error', 'learner_error', 'business_error') ORDER BY row_number",
            (job_id,),
        )
        return [JobRow(number, json.loads(payload), outcome, message) for number, payload, outcome, message in rows]
