"""The register's learner batch jobs: registration (FUL / CHK) and verification, by web service or file.

A job is stored whole as it is submitted (its rows streamed in, chunk by chunk, in the submitting transaction),
then a worker claims it under a lease and works it in chunks. Every chunk is one transaction that writes the new
learners, the rows' outcomes, the access log and the job's progress together, so a worker that stops anywhere
loses nothing and repeats nothing: once its lease runs out, the next worker resumes at the first row not done. A
worker that lost its lease to another finds out at the start of its next chunk and writes nothing more.

A store error that passes (disk full, a lock, a lost connection: the store's `TransientErrors` say which) rolls
the chunk back and leaves the job in progress, to be tried again after a back-off (see job_timing.py); any other
error fails the job with the error's name.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from itertools import islice

from ..domain.access import Actor, Operation, OrganisationKind
from ..domain.batches import (
    BatchKind,
    Channel,
    FileHeader,
    JobType,
    check_file_owner,
    check_job_type,
    check_record_count,
    counter_for,
    empty_counters,
    is_finished,
    needs_attention,
)
from ..domain.errors import InsufficientAccess, InvalidField, RecordCountIncorrect, UnknownJob
from ..domain.plr import JobStatus
from .batch_ports import BatchJob, BatchRowResult, JobSignal, TransientErrors
from .batch_rows import ChunkWork
from .job_timing import JobTiming, never_transient, wait_to_retry
from .ports import AccessEntry, Clock, UnitOfWorkFactory
from .register import RegisterCore, RegisterService

__all__ = ["BatchJob", "BatchRowResult", "BatchService"]

CHUNK = 200  # rows a transaction: a web-service job (at most 200 learners) is worked in one
STORE_CHUNK = 1000  # rows an INSERT batch while a job is received
RESULTS_LIMIT = 5000  # MIAPVerifiedBatchLearner x 0-5000 in a poll's reply
Progress = Callable[[int, int], None]  # (rows done, rows in the job)


def finished_notice(job: BatchJob) -> tuple[str, str]:
    """The subject and body of the mail telling a job's OrgEmail it has finished (counts only, no learner)."""
    counts = ", ".join(f"{name.replace('_', ' ')} {count}" for name, count in sorted(job.counters.items()))
    kind = "verification" if job.kind is BatchKind.VERIFICATION else "registration"
    subject = f"Learner {kind} batch {job.id} has finished"
    body = (f"Your learner {kind} batch {job.id} of {job.number_of_records} learners has finished.\n"
            f"Outcomes: {counts or 'none'}.\nCollect the results with the job id {job.id}.\n")  # fmt: skip
    return subject, body


def _canonical(row: Mapping[str, object]) -> dict[str, str]:
    return {str(key): str(value) for key, value in row.items() if value not in (None, "")}


class BatchService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        register: RegisterService | RegisterCore,
        signal: JobSignal | None = None,
        new_token: Callable[[], str] = lambda: secrets.token_hex(16),
        timing: JobTiming = JobTiming(),
        transient: TransientErrors = never_transient,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._core = register.core if isinstance(register, RegisterService) else register
        self._signal = signal
        self._new_token = new_token
        self._timing = timing
        self._transient = transient

    def submit_registration(
        self,
        actor: Actor,
        rows: Iterable[Mapping[str, str | None]],
        job_type: str,
        channel: str = Channel.WEB_SERVICE.value,
        file_name: str | None = None,
        declared_count: int | None = None,
        header: FileHeader | None = None,
    ) -> BatchJob:
        """Store a registration job: FUL finds each learner and registers those not found; CHK only finds."""
        kind = check_job_type(job_type)
        actor.require(Operation.REGISTER if kind is JobType.FIND_OR_REGISTER else Operation.FIND_BY_DEMOGRAPHICS)
        return self._submit(actor, BatchKind.REGISTRATION, kind.value, rows, channel, file_name, None, declared_count,
                            header)  # fmt: skip

    def submit_verification(
        self,
        actor: Actor,
        rows: Iterable[Mapping[str, str | None]],
        channel: str = Channel.WEB_SERVICE.value,
        file_name: str | None = None,
        email_address: str | None = None,
        declared_count: int | None = None,
        header: FileHeader | None = None,
    ) -> BatchJob:
        """Store a verification job: each row's ULN verified against its names (WSVRC001-006 and VRF flags)."""
        actor.require(Operation.VERIFY)
        return self._submit(actor, BatchKind.VERIFICATION, None, rows, channel, file_name, email_address,
                            declared_count, header)  # fmt: skip

    def _submit(
        self,
        actor: Actor,
        kind: BatchKind,
        job_type: str | None,
        rows: Iterable[Mapping[str, str | None]],
        channel_name: str,
        file_name: str | None,
        email_address: str | None,
        declared_count: int | None,
        header: FileHeader | None,
    ) -> BatchJob:
        try:
            channel = Channel(channel_name)
        except ValueError:
            raise InvalidField("channel", f"{channel_name!r} is not a channel", "web_service or file") from None
        if actor.organisation_id is None:
            raise InsufficientAccess("Batches are submitted by an organisation")
        if header is not None:
            check_file_owner(header, actor.ukprn)
        now = self._clock.now()
        draft = BatchJob(0, kind, actor.organisation_id, actor.user_name, job_type, channel.value, file_name,
                         email_address, JobStatus.WAITING.value, now, None, None, 0, empty_counters(kind),
                         file_version=header.version if header else None,
                         file_title=header.title if header else None, credential=actor.credential)  # fmt: skip
        with self._uow(write=True) as uow:
            job_id = uow.batches.create(draft)
            count = 0
            numbered = enumerate((_canonical(row) for row in rows), start=1)
            while chunk := list(islice(numbered, STORE_CHUNK)):
                uow.batches.add_rows(job_id, chunk)
                count = chunk[-1][0]
            # leaving without commit stores nothing of a refused job
            if declared_count is not None and declared_count != count:
                raise RecordCountIncorrect(declared_count, count)
            check_record_count(count, channel)
            uow.batches.set_count(job_id, count)
            uow.commit()
        if self._signal is not None:
            self._signal.notify()
        return replace(draft, id=job_id, number_of_records=count)

    def job(self, actor: Actor, job_id: int) -> BatchJob:
        """A job the actor's organisation submitted (an administrator sees all); UnknownJob otherwise."""
        with self._uow() as uow:
            job = uow.batches.get(job_id)
        # another organisation's job is answered as unknown, so that job numbers reveal nothing
        if job is None or not (actor.kind is OrganisationKind.REGISTER_ADMINISTRATOR
                               or job.organisation_id == actor.organisation_id):  # fmt: skip
            raise UnknownJob(f"No batch job {job_id}")
        return job

    def results(self, actor: Actor, job_id: int, offset: int = 0, limit: int = RESULTS_LIMIT) -> list[BatchRowResult]:
        """The rows done so far, in order: `limit` (at most 5000) from the `offset`-th.

        The submitting organisation's reads were logged as the rows were worked; an administrator reading another
        organisation's job is a disclosure of its learners, logged with each ULN shown."""
        job = self.job(actor, job_id)
        if offset < 0:
            raise InvalidField("offset", f"is {offset}", "0 or more")
        if not 1 <= limit <= RESULTS_LIMIT:
            raise InvalidField("limit", f"is {limit}", f"1-{RESULTS_LIMIT}")
        with self._uow() as uow:
            rows = uow.batches.results(job_id, offset, limit)
            if job.organisation_id != actor.organisation_id:
                shown = sorted({u for row in rows for u in (row.uln, *row.possible_ulns) if u})
                now = self._clock.now()
                uow.access_log.record([AccessEntry.by(actor, now, "batch_results_read", uln) for uln in shown])
                uow.commit()
            return rows

    def jobs(self, actor: Actor, limit: int = 20) -> list[BatchJob]:
        """The actor's organisation's latest jobs, newest first."""
        if actor.organisation_id is None:
            return []
        with self._uow() as uow:
            return uow.batches.for_organisation(actor.organisation_id, limit)

    def exceptions(self, actor: Actor, job_id: int, limit: int = 100) -> tuple[list[BatchRowResult], int]:
        """The job's first `limit` rows done so far that someone must resolve, and how many there are in all."""
        job = self.job(actor, job_id)
        found: list[BatchRowResult] = []
        total, offset = 0, 0
        with self._uow() as uow:
            while page := uow.batches.results(job_id, offset, RESULTS_LIMIT):
                for row in page:
                    if needs_attention(job.kind, row.return_code):
                        total += 1
                        if len(found) < limit:
                            found.append(row)
                offset = page[-1].row_number
        return found, total

    def run_pending(self) -> list[int]:
        """Work through every job waiting (or abandoned by a stopped worker); the ids of the jobs finished (a job
        that waits after a store error is not among them)."""
        finished = []
        while (job := self.process()) is not None:
            if is_finished(job.status):
                finished.append(job.id)
        return finished

    def process(self, job_id: int | None = None, progress: Progress | None = None) -> BatchJob | None:
        """Claim one job (this one, or the oldest waiting) and work it to its end; None when there is none to
        claim. Returns the job as this worker left it: in progress if another worker took it over, or if a store
        error that passes stopped it and it waits to be tried again."""
        token = self._new_token()
        with self._uow(write=True) as uow:
            now = self._clock.now()
            job = uow.batches.claim(now, now + self._timing.lease, token, job_id)
            uow.commit()
        if job is None:
            return None
        try:
            while job.status == JobStatus.IN_PROGRESS.value:
                worked = self._chunk(job, token)
                if worked is None:
                    with self._uow() as uow:
                        return uow.batches.get(job.id)
                job = worked
                if progress is not None:
                    progress(min(job.next_row - 1, job.number_of_records), job.number_of_records)
        except Exception as error:
            reason = self._transient(error)
            if reason is not None and job.retries + 1 < self._timing.retry_limit:
                return self._retry_later(job, token, reason)
            self._fail(job, token, type(error).__name__ if reason is None else f"{reason}, {job.retries + 1} times")
            raise
        return job

    def _chunk(self, job: BatchJob, token: str) -> BatchJob | None:
        with self._uow(write=True) as uow:
            now = self._clock.now()
            if not uow.batches.hold(job.id, token, job.next_row, now + self._timing.lease):
                return None  # another worker took the job over when this one's lease ran out
            rows = uow.batches.pending(job.id, job.next_row, CHUNK)
            work = ChunkWork(uow, self._core, job, now)
            results = work.registration(rows) if job.kind is BatchKind.REGISTRATION else work.verification(rows)
            counters = dict(job.counters)
            for result in results:
                counter = counter_for(job.kind, result.return_code)
                counters[counter] = counters.get(counter, 0) + 1
            next_row = rows[-1][0] + 1 if rows else job.next_row
            progressed = replace(job, next_row=next_row, counters=counters, retries=0)
            if not rows or next_row > job.number_of_records:  # no rows left: never loop on a job without them
                progressed = replace(progressed, status=JobStatus.SUCCESSFUL.value, finished_at=now)
                if job.email_address:
                    # OrgEmail: told when the job is done, in the same transaction, so exactly once
                    uow.outbox.queue(job.email_address, *finished_notice(progressed), now)
            uow.batches.record(progressed, results, None if progressed.finished_at else now + self._timing.lease)
            uow.access_log.record([AccessEntry(now, job.organisation_id, job.user_name, action, uln, job.credential)
                                   for action, ulns in work.disclosed.items() for uln in ulns])  # fmt: skip
            uow.commit()
            return progressed

    def _retry_later(self, job: BatchJob, token: str, reason: str) -> BatchJob:
        """Keep the job in progress with its lease running until the next try, when any worker may claim it."""
        waiting = replace(job, retries=job.retries + 1, retry_reason=reason)

        def hold(next_try: datetime) -> bool:
            with self._uow(write=True) as uow:
                if not uow.batches.hold(job.id, token, job.next_row, next_try):
                    return False
                uow.batches.record(waiting, [], next_try)
                uow.commit()
                return True

        wait_to_retry(self._timing, self._clock.now, self._transient, "batch", job.id, waiting.retries, reason, hold)
        return waiting

    def _fail(self, job: BatchJob, token: str, reason: str) -> None:
        with self._uow(write=True) as uow:
            now = self._clock.now()
            if not uow.batches.hold(job.id, token, job.next_row, now):
                return
            failed = replace(job, status=JobStatus.FAILED.value, finished_at=now,
                             failure_reason=f"the job stopped with an internal error ({reason})")  # fmt: skip
            uow.batches.record(failed, [], None)
            uow.commit()
