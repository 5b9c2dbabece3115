"""The ports of the register's learner batch jobs (registration and verification) and the worker's wake-up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..domain.batches import BatchKind, VerificationOutcome


@dataclass(frozen=True, slots=True)
class BatchJob:
    """A learner batch job (registration or verification) and its progress."""

    id: int
    kind: BatchKind
    organisation_id: int
    user_name: str
    job_type: str | None  # FUL or CHK for registration, None for verification
    channel: str  # web_service or file
    file_name: str | None
    email_address: str | None
    status: str  # domain.plr.JobStatus values
    submitted_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    number_of_records: int
    counters: dict[str, int]
    next_row: int = 1  # rows before it are done: a worker resumes here
    file_version: str | None = None  # 2A or 3A, for files
    file_title: str | None = None  # the free-text name on a file's line 1
    failure_reason: str | None = None
    retries: int = 0  # store errors in a row that passed (disk full, a lock, a lost connection); 0 after progress
    retry_reason: str | None = None  # the kind of the last of them, for operators
    credential: str | None = None  # the submitter's Actor.credential, for the access-log rows the worker writes


@dataclass(frozen=True, slots=True)
class BatchRowResult:
    row_number: int
    sent: dict[str, str]  # the row as sent, keyed by protocol element names
    return_code: str
    uln: str | None = None  # the new or found ULN; for verification the register's
    possible_ulns: tuple[str, ...] = ()
    message: str | None = None
    verification: VerificationOutcome | None = None


class BatchJobRepository(Protocol):
    def create(self, job: BatchJob) -> int: ...

    def add_rows(self, job_id: int, rows: Sequence[tuple[int, dict[str, str]]]) -> None: ...

    def set_count(self, job_id: int, number_of_records: int) -> None: ...

    def get(self, job_id: int) -> BatchJob | None: ...

    def for_organisation(self, organisation_id: int, limit: int) -> list[BatchJob]:
        """The organisation's latest `limit` jobs, newest first."""
        ...

    def claim(self, now: datetime, lease_until: datetime, token: str, job_id: int | None = None) -> BatchJob | None:
        """Take a waiting job, or one whose worker's lease ran out, for the worker holding `token`."""
        ...

    def hold(self, job_id: int, token: str, next_row: int, lease_until: datetime) -> bool:
        """Extend the lease if `token` still holds the job at `next_row`; False when another worker took it over.
        Called first in a chunk's transaction, so that on PostgreSQL it also locks the job until the commit."""
        ...

    def pending(self, job_id: int, start: int, limit: int) -> list[tuple[int, dict[str, str]]]:
        """Rows from `start` on, as sent, in order."""
        ...

    def record(self, job: BatchJob, results: Sequence[BatchRowResult], lease_until: datetime | None) -> None:
        """Store the rows' outcomes and the job's progress (next_row, counters, status, times) together."""
        ...

    def results(self, job_id: int, offset: int, limit: int) -> list[BatchRowResult]:
        """Done rows in row order, `limit` from the `offset`-th."""
        ...


class JobSignal(Protocol):
    def notify(self) -> None:
        """Tell the workers a job is waiting."""
        ...


class TransientErrors(Protocol):
    def __call__(self, error: BaseException) -> str | None:
        """The kind of a store error that passes on its own (disk full, a lock, a lost connection), e.g.
        "SQLITE_FULL" or "DiskFull 53100", or None for one that is for good (a bug or bad data)."""
        ...
