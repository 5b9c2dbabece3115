"""Achievement submission by awarding organisations: a job is stored whole, then worked through in chunks.

Every chunk is one transaction that writes its events, its rows' outcomes and the job's progress together, so a
worker that stops anywhere loses nothing and repeats nothing: the next worker resumes at the first row not done.
A worker that lost its lease to another finds out at the start of its next chunk and writes nothing more. A store
error that passes (disk full, a lock, a lost connection) leaves the job in progress, tried again after a back-off
(job_timing.py); any other error fails it.
"""

from __future__ import annotations

import hashlib
import io
import json
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import islice

from ..domain import matching
from ..domain.access import Actor, Operation, OrganisationKind
from ..domain.errors import Conflict, InsufficientAccess, InvalidField, InvalidFields, NotFound
from ..domain.plr import (
    Achievement,
    JobStatus,
    LearningEvent,
    Outcome,
    apply_achievement,
    count_outcome,
    parse_achievement,
)
from ..domain.qualifications import Qualification
from .batch_ports import JobSignal, TransientErrors
from .csv_output import CsvOutput
from .job_timing import JobTiming, never_transient, wait_to_retry
from .ports import AccessEntry, AchievementJob, AchievementKey, Clock, JobRow, UnitOfWork, UnitOfWorkFactory

CHUNK = 500
Progress = Callable[[int, int], None]  # (rows done, rows in the job)


@dataclass(frozen=True, slots=True)
class Submitted:
    job: AchievementJob
    created: bool  # False: the same achievements were sent before, and this is that job


def _canonical(row: Mapping[str, object]) -> dict[str, str]:
    return {str(key): "" if value is None else str(value) for key, value in row.items() if value not in (None, "")}


class AchievementService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        signal: JobSignal | None = None,
        timing: JobTiming = JobTiming(),
        transient: TransientErrors = never_transient,
        new_token: Callable[[], str] = lambda: secrets.token_hex(16),
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._signal = signal
        self._timing = timing
        self._transient = transient
        self._new_token = new_token

    def submit(
        self,
        actor: Actor,
        rows: Iterable[Mapping[str, object]],
        submission_type: str = "Achievements",
        file_name: str | None = None,
        email_address: str | None = None,
    ) -> Submitted:
        """Store a job and its rows; the same rows sent again by the same organisation return the first job."""
        actor.require(Operation.SUBMIT_ACHIEVEMENTS)
        if actor.organisation_id is None:
            raise InsufficientAccess("Achievements are submitted by an awarding organisation")
        now = self._clock.now()
        digest = hashlib.sha256()
        with self._uow(write=True) as uow:
            draft = AchievementJob(0, actor.organisation_id, actor.user_name, submission_type[:40], file_name,
                                   email_address, JobStatus.WAITING.value, now, None, None, 0, 1, {},
                                   credential=actor.credential)  # fmt: skip
            job_id = uow.jobs.create(draft, f"receiving-{now.timestamp()}-{id(digest)}")
            count = 0
            numbered = enumerate((_canonical(row) for row in rows), start=1)
            while chunk := [JobRow(number, payload) for number, payload in islice(numbered, CHUNK)]:
                for row in chunk:
                    digest.update(json.dumps(row.payload, sort_keys=True, ensure_ascii=False).encode())
                uow.jobs.add_rows(job_id, chunk)
                count = chunk[-1].row_number
            if count == 0:
                raise InvalidField("achievements", "has no rows", "at least one achievement")
            earlier = uow.jobs.by_content(actor.organisation_id, digest.hexdigest())
            if earlier is not None:
                return Submitted(earlier, created=False)  # leaving without commit drops the copy
            uow.jobs.set_content(job_id, digest.hexdigest(), count)
            uow.commit()
        if self._signal is not None:
            self._signal.notify()
        return Submitted(replace(draft, id=job_id, number_of_records=count), created=True)

    def job(self, actor: Actor, job_id: int) -> AchievementJob:
        with self._uow() as uow:
            job = uow.jobs.get(job_id)
        if job is None or not self._may_see(actor, job):
            raise NotFound(f"No achievement job {job_id}")
        return job

    @staticmethod
    def _may_see(actor: Actor, job: AchievementJob) -> bool:
        return actor.kind is OrganisationKind.REGISTER_ADMINISTRATOR or job.organisation_id == actor.organisation_id

    def error_file(self, actor: Actor, job_id: int) -> str:
        """CSV: one line per rejected row and why."""
        self.job(actor, job_id)
        with self._uow() as uow:
            rows = uow.jobs.error_rows(job_id)
        out = io.StringIO()
        writer = CsvOutput(out)
        writer.writerow(["row", "MisIdentifier", "Uln", "UnitOrQualificationReferenceNumber", "outcome", "reason"])
        for row in rows:
            sent = row.payload
            reference = sent.get("UnitOrQualificationReferenceNumber", "")
            writer.writerow([row.row_number, sent.get("MisIdentifier", ""), sent.get("Uln", ""), reference,
                             row.outcome, row.message])  # fmt: skip
        return out.getvalue()

    def cancel(self, actor: Actor, job_id: int) -> AchievementJob:
        """Cancel a job that no worker has started; a started job runs to its end."""
        with self._uow(write=True) as uow:
            job = uow.jobs.get(job_id)
            if job is None or not self._may_see(actor, job):
                raise NotFound(f"No achievement job {job_id}")
            if job.status != JobStatus.WAITING.value:
                raise Conflict(f"Job {job_id} is {job.status}: only a waiting job can be cancelled")
            cancelled = replace(job, status=JobStatus.CANCELLED.value, finished_at=self._clock.now())
            if not uow.jobs.cancel(job_id, cancelled.finished_at):
                raise Conflict(f"Job {job_id} was started by a worker just now")
            uow.commit()
        return cancelled

    def run_pending(self, progress: Progress | None = None) -> list[int]:
        """Work through every job waiting (or abandoned by a stopped worker); the ids of the jobs finished."""
        finished = []
        while (job := self.process(progress=progress)) is not None:
            if job.status != JobStatus.IN_PROGRESS.value:  # not one that waits after a store error
                finished.append(job.id)
        return finished

    def process(self, job_id: int | None = None, progress: Progress | None = None) -> AchievementJob | None:
        """Claim one job (this one, or the oldest waiting) and finish it; None when there is nothing to do.
        Returns the job as this worker left it: in progress if another worker took it over, or if a store error
        that passes stopped it and it waits to be tried again."""
        token = self._new_token()
        with self._uow(write=True) as uow:
            now = self._clock.now()
            job = uow.jobs.claim(now, now + self._timing.lease, token, job_id)
            uow.commit()
        if job is None:
            return None
        try:
            while job.status == JobStatus.IN_PROGRESS.value:
                worked = self._chunk(job, token)
                if worked is None:
                    with self._uow() as uow:
                        return uow.jobs.get(job.id)
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

    def _chunk(self, job: AchievementJob, token: str) -> AchievementJob | None:
        with self._uow(write=True) as uow:
            now = self._clock.now()
            if not uow.jobs.hold(job.id, token, job.next_row, now + self._timing.lease):
                return None  # another worker took the job over when this one's lease ran out
            rows = uow.jobs.rows(job.id, job.next_row, CHUNK)
            if not rows:
                done = replace(job, status=JobStatus.SUCCESSFUL.value, finished_at=now)
                uow.jobs.record(done, [], None)
                uow.commit()
                return done
            counters = dict(job.counters)
            outcomes = _ChunkWork(uow, job, now).apply(rows, counters)
            progressed = replace(job, next_row=rows[-1].row_number + 1, counters=counters, retries=0)
            uow.jobs.record(progressed, outcomes, now + self._timing.lease)
            uow.commit()
            return progressed

    def _retry_later(self, job: AchievementJob, token: str, reason: str) -> AchievementJob:
        """Keep the job in progress with its lease running until the next try, when any worker may claim it."""
        waiting = replace(job, retries=job.retries + 1, retry_reason=reason)

        def hold(next_try: datetime) -> bool:
            with self._uow(write=True) as uow:
                if not uow.jobs.hold(job.id, token, job.next_row, next_try):
                    return False
                uow.jobs.record(waiting, [], next_try)
                uow.commit()
                return True

        wait_to_retry(self._timing, self._clock.now, self._transient, "achievement", job.id, waiting.retries, reason,
                      hold)
        return waiting

    def _fail(self, job: AchievementJob, token: str, reason: str) -> None:
        with self._uow(write=True) as uow:
            now = self._clock.now()
            if not uow.jobs.hold(job.id, token, job.next_row, now):
                return
            failed = replace(job, status=JobStatus.FAILED.value, finished_at=now,
                             rejection_reason=f"the job stopped with an internal error ({reason})")  # fmt: skip
            uow.jobs.record(failed, [], None)
            uow.commit()


class _ChunkWork:
    """Applies one chunk of rows: parse, verify each learner, look up reference data, then apply each action."""

    def __init__(self, uow: UnitOfWork, job: AchievementJob, now: datetime) -> None:
        self.uow = uow
        self.job = job
        self.now = now
        self.new_events: dict[AchievementKey, LearningEvent] = {}

    def apply(self, rows: Sequence[JobRow], counters: dict[str, int]) -> list[JobRow]:
        today = self.now.date()
        parsed: list[tuple[JobRow, Achievement | str]] = []
        for row in rows:
            try:
                parsed.append((row, parse_achievement(row.payload, today)))
            except InvalidFields as problems:
                parsed.append((row, problems.message))
        achievements = [a for _, a in parsed if isinstance(a, Achievement)]
        learners = self._register_records(achievements)
        qualifications = self.uow.qualifications.get_many([a.reference for a in achievements])
        current = self.uow.events.achievements([(a.uln, a.reference) for a in achievements], self.job.organisation_id)
        providers: dict[str, str | None] = {}
        done: list[JobRow] = []
        read: set[str] = set()
        for row, achievement in parsed:
            outcome, message, event = self._one(achievement, learners, qualifications, current, providers)
            count_outcome(counters, outcome, event)
            if isinstance(achievement, Achievement) and outcome is not Outcome.LEARNER_ERROR:
                read.add(achievement.uln)
            done.append(replace(row, outcome=outcome.value, message=message or None))
        self.uow.events.add_many(list(self.new_events.values()))
        org, user, credential = self.job.organisation_id, self.job.user_name, self.job.credential
        self.uow.access_log.record([AccessEntry(self.now, org, user, "submit_achievement", u, credential)
                                    for u in sorted(read)])  # fmt: skip
        return done

    def _register_records(self, achievements: list[Achievement]) -> dict[str, tuple[matching.RegisterRecord, bool]]:
        stored = self.uow.learners.records([a.uln for a in achievements])
        masters = self.uow.learners.records(sorted({r.master_uln for r in stored.values() if r.master_uln}))
        answered: dict[str, tuple[matching.RegisterRecord, bool]] = {}
        for uln, record in stored.items():
            linked = record.master_uln is not None
            answered[uln] = (masters.get(record.master_uln, record) if record.master_uln else record, linked)
        return answered

    def _one(
        self,
        achievement: Achievement | str,
        learners: dict[str, tuple[matching.RegisterRecord, bool]],
        qualifications: Mapping[str, Qualification],
        current: dict[AchievementKey, LearningEvent],
        providers: dict[str, str | None],
    ) -> tuple[Outcome, str, LearningEvent | None]:
        if isinstance(achievement, str):
            return Outcome.FIELD_ERROR, achievement, None
        found = learners.get(achievement.uln)
        query = matching.VerificationQuery(achievement.uln, achievement.given_name, achievement.family_name,
                                           achievement.date_of_birth, achievement.gender)  # fmt: skip
        record, linked = found if found else (None, False)
        verification = matching.verify(query, record, linked)
        if record is None or not verification.code.is_exact:
            flags = " ".join(flag.value for flag in verification.flags)
            return Outcome.LEARNER_ERROR, f"{verification.code.value} {verification.code.wording} {flags}".strip(), None
        qualification = qualifications.get(achievement.reference)
        if qualification is None:
            problem = f"UnitOrQualificationReferenceNumber: {achievement.reference} is not in the catalogue"
            return Outcome.FIELD_ERROR, problem, None
        if achievement.provider_ukprn not in providers:
            provider = self.uow.organisations.by_ukprn(achievement.provider_ukprn)
            providers[achievement.provider_ukprn] = provider.name if provider else None
        key = (achievement.uln, achievement.reference)
        provider_name = providers[achievement.provider_ukprn]
        applied = apply_achievement(achievement, current.get(key), qualification, record.date_of_birth,
                                    self.job.organisation_id, provider_name, self.now)  # fmt: skip
        if applied.event is not None:
            event = applied.event
            if event.id is None:
                self.new_events[key] = event  # inserted together at the end of the chunk
            else:
                self.uow.events.update(event)
            current[key] = event
        return applied.outcome, applied.message, applied.event or current.get(key)
