"""The ports the services need. Adapters implement them; `bootstrap` wires them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from ..domain.access import OrganisationKind
from ..domain.learner import Learner
from ..domain.matching import RegisterRecord


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


@dataclass(frozen=True, slots=True)
class AccessEntry:
    at: datetime
    organisation_id: int | None
    user_name: str
    action: str
    uln: str | None = None


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

    def candidate_pairs(self) -> Iterator[tuple[str, str]]:
        """Each pair of unlinked learners sharing a blocking key, once, smaller ULN first."""
        ...


class OrganisationRepository(Protocol):
    def add(
        self, ukprn: str, name: str, kind: OrganisationKind, organisation_ref: str | None, now: datetime
    ) -> Organisation: ...

    def get(self, organisation_id: int) -> Organisation | None: ...

    def by_ukprn(self, ukprn: str) -> Organisation | None: ...

    def by_reference(self, organisation_ref: str) -> Organisation | None: ...

    def list(self) -> list[Organisation]: ...

    def add_api_key(self, organisation_id: int, prefix: str, secret_hash: str, now: datetime) -> None: ...

    def api_key(self, prefix: str) -> StoredApiKey | None: ...


class AccessLog(Protocol):
    def record(self, entries: Sequence[AccessEntry]) -> None: ...


class MergeLog(Protocol):
    def record(self, event: MergeEvent) -> None: ...

    def between(self, start: datetime, end: datetime) -> list[MergeEvent]: ...


class UnitOfWork(Protocol):
    @property
    def learners(self) -> LearnerRepository: ...

    @property
    def organisations(self) -> OrganisationRepository: ...

    @property
    def access_log(self) -> AccessLog: ...

    @property
    def merges(self) -> MergeLog: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, write: bool = False) -> UnitOfWork: ...
