"""The ports the services need. Adapters implement them; `bootstrap` wires them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Literal, Protocol, Self

from ..domain.access import Actor, OrganisationKind
from ..domain.learner import Learner
from ..domain.matching import RegisterRecord
from ..domain.plr import LearningEvent
from ..domain.qualifications import Qualification
from .admin_ports import ApplicationRepository, AuditSearch, PasswordLinkRepository
from .awarding_ports import (
    AnomalyRepository,
    AwardingLog,
    CentreRepository,
    CertificateRepository,
    Outbox,
    RegistrationRepository,
)
from .batch_ports import BatchJobRepository
from .portal_ports import InvitationRepository, LearnerHistory, ShareLinkRepository
from .user_ports import SessionRepository, UserRepository


@dataclass(frozen=True, slots=True)
class Organisation:
    id: int
    ukprn: str
    name: str
    kind: OrganisationKind
    organisation_ref: str | None = None


@dataclass(frozen=True, slots=True)
class StoredApiKey:
    id: int
    organisation_id: int
    prefix: str
    secret_hash: str
    revoked_at: datetime | None = None  # in the future: a rotated key, still accepted until then
    last_used_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ApiKeyInfo:
    """What an organisation's key list shows: never the secret or its hash."""

    id: int
    organisation_id: int
    prefix: str
    label: str | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class AccessEntry:
    at: datetime
    organisation_id: int | None
    user_name: str
    action: str
    uln: str | None = None
    credential: str | None = None  # Actor.credential: what proved a declared user name
    detail: str | None = None  # what the action was about beyond the ULN (an administrator's whole search, say)

    @classmethod
    def by(cls, actor: Actor, at: datetime, action: str, uln: str | None = None) -> AccessEntry:
        return cls(at, actor.organisation_id, actor.user_name, action, uln, actor.credential)


@dataclass(frozen=True, slots=True)
class MergeEvent:
    at: datetime
    master_uln: str
    linked_uln: str
    merged: bool  # False: an unmerge
    organisation_id: int | None
    user_name: str


class Clock(Protocol):
    def now(self) -> datetime: ...


class LearnerRepository(Protocol):
    def get(self, uln: str) -> Learner | None: ...

    def get_many(self, ulns: Sequence[str]) -> dict[str, Learner]: ...

    def records(self, ulns: Sequence[str]) -> dict[str, RegisterRecord]:
        """The fields matching needs, for many ULNs at once (the verification hot path)."""
        ...

    def add(self, learner: Learner) -> bool:
        """Insert; False (and nothing written) when the ULN is already taken."""
        ...

    def with_same_mandatory_fields(self, learner: Learner) -> str | None:
        """The ULN of a learner whose five mandatory fields equal these after normalisation, if any."""
        ...

    def update(self, learner: Learner, expected_version: int) -> bool:
        """Replace the details; False when the stored version is no longer `expected_version`."""
        ...

    def set_master(self, uln: str, master_uln: str | None, now: datetime) -> None: ...

    def linked_to(self, master_uln: str) -> list[str]: ...

    def candidates(self, keys: Iterable[str], limit: int) -> list[RegisterRecord]:
        """Learners indexed under any of the blocking keys, at most `limit`."""
        ...

    def iter_records(self) -> Iterator[RegisterRecord]:
        """Every unlinked learner, for the duplicate scan."""
        ...

    def candidate_pairs(self, bucket_limit: int = 300, broad_limit: int = 20) -> Iterator[tuple[str, str]]:
        """Each pair of unlinked learners sharing a blocking key held by at most `bucket_limit` learners (a key of a
        broad kind: at most `broad_limit`, see `blocking`), once, smaller ULN first."""
        ...


class OrganisationRepository(Protocol):
    def add(
        self, ukprn: str, name: str, kind: OrganisationKind, organisation_ref: str | None, now: datetime
    ) -> Organisation: ...

    def get(self, organisation_id: int) -> Organisation | None: ...

    def by_ukprn(self, ukprn: str) -> Organisation | None: ...

    def by_reference(self, organisation_ref: str) -> Organisation | None: ...

    def list(self) -> list[Organisation]: ...

    def add_api_key(
        self, organisation_id: int, prefix: str, secret_hash: str, now: datetime, label: str | None = None
    ) -> int: ...

    def api_key(self, prefix: str) -> StoredApiKey | None:
        """The key with this prefix, revoked or not (the caller compares revoked_at with the time)."""
        ...

    def api_keys(self, organisation_id: int) -> Sequence[ApiKeyInfo]: ...

    def revoke_api_key(self, key_id: int, at: datetime) -> None:
        """Revoke a key at `at`, unless it is revoked earlier already."""
        ...

    def touch_api_key(self, key_id: int, now: datetime) -> None: ...

    def set_password_hash(self, organisation_id: int, password_hash: str) -> None: ...

    def password_hash(self, organisation_id: int) -> str | None: ...

    def with_password_hash(
        self, by: Literal["ukprn", "organisation_ref"], value: str
    ) -> tuple[Organisation, str | None] | None:
        """The organisation with this UKPRN or OrganisationRef and its web-service password hash, in one lookup."""
        ...


class AccessLog(Protocol):
    def record(self, entries: Sequence[AccessEntry]) -> None: ...


class MergeLog(Protocol):
    def record(self, event: MergeEvent) -> None: ...

    def between(self, start: datetime, end: datetime) -> list[MergeEvent]: ...


@dataclass(frozen=True, slots=True)
class AchievementJob:
    id: int
    organisation_id: int
    user_name: str
    submission_type: str
    file_name: str | None
    email_address: str | None
    status: str
    submitted_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    number_of_records: int
    next_row: int
    counters: dict[str, int]
    rejection_reason: str | None = None
    retries: int = 0  # store errors in a row that passed (disk full, a lock, a lost connection); 0 after progress
    retry_reason: str | None = None  # the kind of the last of them, for operators
    credential: str | None = None  # the submitter's Actor.credential, for the access-log rows the worker writes


@dataclass(frozen=True, slots=True)
class JobRow:
    row_number: int
    payload: dict[str, str]
    outcome: str | None = None
    message: str | None = None


@dataclass(frozen=True, slots=True)
class DataChallenge:
    id: int
    event_id: int
    uln: str
    raised_by: int | None
    raised_by_user: str
    reason: str
    status: str  # open, accepted, rejected
    raised_at: datetime
    resolution: str | None = None
    resolved_at: datetime | None = None
    resolved_by_user: str | None = None


AchievementKey = tuple[str, str]  # (ULN, unit or qualification reference)


class QualificationRepository(Protocol):
    def save_many(self, qualifications: Sequence[Qualification]) -> None:
        """Insert or replace by reference."""
        ...

    def get_many(self, references: Sequence[str]) -> dict[str, Qualification]: ...

    def search(self, text: str, limit: int) -> list[Qualification]: ...


class LearningEventRepository(Protocol):
    def for_ulns(self, ulns: Sequence[str]) -> list[LearningEvent]: ...

    def get(self, event_id: int) -> LearningEvent | None: ...

    def achievements(self, keys: Sequence[AchievementKey], organisation_id: int) -> dict[AchievementKey, LearningEvent]:
        """Events by (ULN, reference) that `organisation_id` submitted."""
        ...

    def add(self, event: LearningEvent) -> int: ...

    def add_many(self, events: Sequence[LearningEvent]) -> None: ...

    def update(self, event: LearningEvent) -> None: ...

    def set_challenged(self, event_id: int, challenged: bool) -> None: ...


class AchievementJobRepository(Protocol):
    def create(self, job: AchievementJob, content_hash: str) -> int: ...

    def by_content(self, organisation_id: int, content_hash: str) -> AchievementJob | None: ...

    def add_rows(self, job_id: int, rows: Sequence[JobRow]) -> None: ...

    def set_content(self, job_id: int, content_hash: str, number_of_records: int) -> None: ...

    def get(self, job_id: int) -> AchievementJob | None: ...

    def claim(
        self, now: datetime, lease_until: datetime, token: str, job_id: int | None = None
    ) -> AchievementJob | None:
        """Take a waiting job, or one whose worker's lease ran out, for the worker holding `token`."""
        ...

    def hold(self, job_id: int, token: str, next_row: int, lease_until: datetime) -> bool:
        """Extend the lease if `token` still holds the job at `next_row`; False when another worker took it over.
        Called first in a chunk's transaction, so that on PostgreSQL it also locks the job until the commit."""
        ...

    def rows(self, job_id: int, start: int, limit: int) -> list[JobRow]: ...

    def cancel(self, job_id: int, at: datetime | None) -> bool:
        """Mark a waiting job cancelled; False when it is no longer waiting."""
        ...

    def record(self, job: AchievementJob, rows: Sequence[JobRow], lease_until: datetime | None) -> None:
        """Store row outcomes and the job's progress (next_row, counters, status, times) together."""
        ...

    def error_rows(self, job_id: int) -> list[JobRow]: ...


class DataChallengeRepository(Protocol):
    def add(self, challenge: DataChallenge) -> int: ...

    def get(self, challenge_id: int) -> DataChallenge | None: ...

    def open_for_event(self, event_id: int) -> DataChallenge | None: ...

    def for_organisation(self, organisation_id: int, status: str | None) -> list[DataChallenge]:
        """Challenges the organisation raised, or raised against events it submitted."""
        ...

    def for_ulns(self, ulns: Sequence[str]) -> list[DataChallenge]: ...

    def resolve(self, challenge: DataChallenge) -> None: ...


@dataclass(frozen=True, slots=True)
class AccessRecord:
    at: datetime
    action: str
    organisation_name: str | None
    user_name: str
    credential: str | None = None


class AccessHistory(Protocol):
    def for_ulns(self, ulns: Sequence[str], offset: int, limit: int) -> tuple[list[AccessRecord], int]:
        """One page of who read or changed these learners, newest first, and the total."""
        ...


class UnitOfWork(Protocol):
    @property
    def learners(self) -> LearnerRepository: ...

    @property
    def organisations(self) -> OrganisationRepository: ...

    @property
    def access_log(self) -> AccessLog: ...

    @property
    def merges(self) -> MergeLog: ...

    @property
    def qualifications(self) -> QualificationRepository: ...

    @property
    def events(self) -> LearningEventRepository: ...

    @property
    def jobs(self) -> AchievementJobRepository: ...

    @property
    def challenges(self) -> DataChallengeRepository: ...

    @property
    def batches(self) -> BatchJobRepository: ...

    @property
    def access_history(self) -> AccessHistory: ...

    @property
    def centres(self) -> CentreRepository: ...

    @property
    def registrations(self) -> RegistrationRepository: ...

    @property
    def anomalies(self) -> AnomalyRepository: ...

    @property
    def outbox(self) -> Outbox: ...

    @property
    def awarding_log(self) -> AwardingLog: ...

    @property
    def certificates(self) -> CertificateRepository: ...

    @property
    def users(self) -> UserRepository: ...

    @property
    def invitations(self) -> InvitationRepository: ...

    @property
    def share_links(self) -> ShareLinkRepository: ...

    @property
    def learner_history(self) -> LearnerHistory: ...

    @property
    def applications(self) -> ApplicationRepository: ...

    @property
    def password_links(self) -> PasswordLinkRepository: ...

    @property
    def audit(self) -> AuditSearch: ...

    @property
    def sessions(self) -> SessionRepository: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


class PlrRenderer(Protocol):
    def render(self, learner: Learner, events: Sequence[LearningEvent], generated_at: datetime) -> bytes: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, write: bool = False) -> UnitOfWork: ...
