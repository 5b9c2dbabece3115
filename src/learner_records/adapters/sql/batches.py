"""The learner batch job store: jobs and their rows, claimed by workers under a lease (plain SQL, see raw.py)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from ...domain.batches import BatchKind, RegisterValues, VerificationOutcome
from ...domain.codes import FailureFlag, VerificationCode
from ...services.batch_ports import BatchJob, BatchRowResult
from .raw import RawSql, as_datetime

_JOB_COLUMNS = ("id", "kind", "organisation_id", "user_name", "job_type", "channel", "file_name", "email_address",
                "status", "submitted_at", "started_at", "finished_at", "number_of_records", "counters", "next_row",
                "file_version", "file_title", "failure_reason", "retries", "retry_reason", "credential")  # fmt: skip
_SELECT_JOBS = f"SELECT {', '.join(_JOB_COLUMNS)} FROM learner_batch_job"
# a job a worker may take: waiting, or in progress under a lease that ran out
_CLAIMABLE = "(status = 'Waiting' OR (status = 'InProgress' AND lease_until < ?))"


def _job(row: tuple[Any, ...]) -> BatchJob:
    values = list(row)
    values[1] = BatchKind(values[1])
    values[9] = as_datetime(values[9])
    values[10] = None if values[10] is None else as_datetime(values[10])
    values[11] = None if values[11] is None else as_datetime(values[11])
    values[13] = json.loads(values[13])
    return BatchJob(*values)


def _verification_json(outcome: VerificationOutcome | None) -> str | None:
    if outcome is None:
        return None
    held = outcome.register
    register = None if held is None else [held.uln, held.family_name, held.given_name, held.date_of_birth.isoformat(),
                                          held.gender]  # fmt: skip
    flags = [flag.value for flag in outcome.flags]
    return json.dumps({"code": outcome.code.value, "flags": flags, "register": register}, ensure_ascii=False)


def _verification(text: str | None) -> VerificationOutcome | None:
    if text is None:
        return None
    stored = json.loads(text)
    held = stored["register"]
    register = None if held is None else RegisterValues(held[0], held[1], held[2], date.fromisoformat(held[3]), held[4])
    flags = tuple(FailureFlag.of(flag) for flag in stored["flags"])
    return VerificationOutcome(VerificationCode.of(stored["code"]), flags, register)


class SqlBatchJobRepository:
    def __init__(self, sql: RawSql) -> None:
        self._raw = sql

    def create(self, job: BatchJob) -> int:
        row = self._raw.first(
            "INSERT INTO learner_batch_job (kind, organisation_id, user_name, job_type, channel, file_name,"
            " file_version, file_title, email_address, status, submitted_at, number_of_records, next_row, counters,"
            " credential) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (job.kind.value, job.organisation_id, job.user_name, job.job_type, job.channel, job.file_name,
             job.file_version, job.file_title, job.email_address, job.status, self._raw.timestamp(job.submitted_at),
             job.number_of_records, job.next_row, json.dumps(job.counters), job.credential),
        )  # fmt: skip
        assert row is not None  # RETURNING of an INSERT always answers
        return int(row[0])

    def add_rows(self, job_id: int, rows: Sequence[tuple[int, dict[str, str]]]) -> None:
        self._raw.execute_many(
            "INSERT INTO learner_batch_row (job_id, row_number, payload) VALUES (?, ?, ?)",
            [(job_id, number, json.dumps(payload, ensure_ascii=False)) for number, payload in rows],
        )

    def set_count(self, job_id: int, number_of_records: int) -> None:
        self._raw.execute(
            "UPDATE learner_batch_job SET number_of_records = ? WHERE id = ?", (number_of_records, job_id)
        )

    def get(self, job_id: int) -> BatchJob | None:
        row = self._raw.first(_SELECT_JOBS + " WHERE id = ?", (job_id,))
        return _job(row) if row else None

    def for_organisation(self, organisation_id: int, limit: int) -> list[BatchJob]:
        rows = self._raw.rows(_SELECT_JOBS + " WHERE organisation_id = ? ORDER BY id DESC LIMIT ?",
                              (organisation_id, limit))  # fmt: skip
        return [_job(row) for row in rows]

    def claim(self, now: datetime, lease_until: datetime, token: str, job_id: int | None = None) -> BatchJob | None:
        # The UPDATE's own condition decides between two workers racing for one job: only one sees a row change.
        stamp, lease = self._raw.timestamp(now), self._raw.timestamp(lease_until)
        candidates = self._raw.rows(
            f"SELECT id FROM learner_batch_job WHERE {_CLAIMABLE}"
            + (" AND id = ?" if job_id is not None else "") + " ORDER BY id LIMIT 5",
            (stamp, job_id) if job_id is not None else (stamp,),
        )  # fmt: skip
        for (candidate,) in candidates:
            changed = self._raw.execute(
                "UPDATE learner_batch_job SET status = 'InProgress', lease_until = ?, lease_token = ?,"
                f" started_at = COALESCE(started_at, ?) WHERE id = ? AND {_CLAIMABLE}",
                (lease, token, stamp, candidate, stamp),
            )
            if changed == 1:
                return self.get(candidate)
        return None

    def hold(self, job_id: int, token: str, next_row: int, lease_until: datetime) -> bool:
        changed = self._raw.execute(
            "UPDATE learner_batch_job SET lease_until = ? WHERE id = ? AND lease_token = ? AND next_row = ?"
            " AND status = 'InProgress'",
            (self._raw.timestamp(lease_until), job_id, token, next_row),
        )
        return changed == 1

    def pending(self, job_id: int, start: int, limit: int) -> list[tuple[int, dict[str, str]]]:
        rows = self._raw.rows(
            "SELECT row_number, payload FROM learner_batch_row WHERE job_id = ? AND row_number >= ?"
            " ORDER BY row_number LIMIT ?",
            (job_id, start, limit),
        )
        return [(number, json.loads(payload)) for number, payload in rows]

    def record(self, job: BatchJob, results: Sequence[BatchRowResult], lease_until: datetime | None) -> None:
        self._raw.execute_many(
            "UPDATE learner_batch_row SET return_code = ?, uln = ?, possible_ulns = ?, message = ?, verification = ?"
            " WHERE job_id = ? AND row_number = ?",
            [(r.return_code, r.uln, " ".join(r.possible_ulns) or None, r.message, _verification_json(r.verification),
              job.id, r.row_number) for r in results],
        )  # fmt: skip
        self._raw.execute(
            "UPDATE learner_batch_job SET status = ?, next_row = ?, counters = ?, finished_at = ?, lease_until = ?,"
            " failure_reason = ?, retries = ?, retry_reason = ? WHERE id = ?",
            (job.status, job.next_row, json.dumps(job.counters), self._raw.timestamp(job.finished_at),
             self._raw.timestamp(lease_until), job.failure_reason, job.retries, job.retry_reason, job.id),
        )  # fmt: skip

    def results(self, job_id: int, offset: int, limit: int) -> list[BatchRowResult]:
        # rows are numbered from 1 without gaps, so the offset is a range on the primary key, not a scan
        rows = self._raw.rows(
            "SELECT row_number, payload, return_code, uln, possible_ulns, message, verification FROM learner_batch_row"
            " WHERE job_id = ? AND row_number > ? AND return_code IS NOT NULL ORDER BY row_number LIMIT ?",
            (job_id, offset, limit),
        )
        return [
            BatchRowResult(number, json.loads(payload), code, uln, tuple((possible or "").split()), message,
                           _verification(verification))
            for number, payload, code, uln, possible, message, verification in rows
        ]  # fmt: skip
