"""REST bodies of learner batch jobs: a job with its counters, and one row's outcome."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from ...services.batch_ports import BatchJob, BatchRowResult
from .instants import UtcDateTime


class BatchJobOut(BaseModel):
    job_id: int
    kind: str
    job_type: str | None
    channel: str
    status: str
    file_name: str | None
    file_version: str | None
    submitted_at: UtcDateTime
    started_at: UtcDateTime | None
    finished_at: UtcDateTime | None
    number_of_records: int
    rows_done: int
    counters: dict[str, int]
    failure_reason: str | None

    @classmethod
    def of(cls, job: BatchJob) -> BatchJobOut:
        return cls(job_id=job.id, kind=job.kind.value, job_type=job.job_type, channel=job.channel, status=job.status,
                   file_name=job.file_name, file_version=job.file_version, submitted_at=job.submitted_at,
                   started_at=job.started_at, finished_at=job.finished_at, number_of_records=job.number_of_records,
                   rows_done=min(job.next_row - 1, job.number_of_records), counters=job.counters,
                   failure_reason=job.failure_reason)  # fmt: skip


class RegisterValuesOut(BaseModel):
    uln: str
    family_name: str
    given_name: str
    date_of_birth: date
    gender: int


class BatchRowOut(BaseModel):
    row_number: int
    sent: dict[str, str]
    return_code: str
    uln: str | None
    possible_ulns: list[str]
    message: str | None
    failure_flags: list[str] | None = None  # verification rows
    on_register: RegisterValuesOut | None = None  # verification rows: the register's values (the master's if linked)

    @classmethod
    def of(cls, row: BatchRowResult) -> BatchRowOut:
        outcome = row.verification
        held = outcome.register if outcome else None
        register = None
        if held is not None:
            register = RegisterValuesOut(uln=held.uln, family_name=held.family_name, given_name=held.given_name,
                                         date_of_birth=held.date_of_birth, gender=held.gender)  # fmt: skip
        return cls(row_number=row.row_number, sent=row.sent, return_code=row.return_code, uln=row.uln,
                   possible_ulns=list(row.possible_ulns), message=row.message,
                   failure_flags=[flag.value for flag in outcome.flags] if outcome else None,
                   on_register=register)  # fmt: skip
