"""In-memory implementations of the service ports, for unit tests of the services."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from itertools import combinations
from types import TracebackType
from typing import Literal

from learner_records.domain.access import OrganisationKind
from learner_records.domain.learner import Learner
from learner_records.domain.matching import RegisterRecord
from learner_records.domain.matching.blocking import BROAD_KINDS, blocking_keys, kind_of
from learner_records.domain.names import normalise_name, normalise_postcode
from learner_records.services.batch_ports import BatchJob, BatchRowResult
from learner_records.services.ports import AccessEntry, ApiKeyInfo, MergeEvent, Organisation, StoredApiKey
from learner_records.services.register import to_record


def _identity(learner: Learner) -> tuple[object, ...]:
    d = learner.details
    return (
        d.date_of_birth,
        normalise_name(d.family_name),
        normalise_name(d.given_name),
        int(d.gender),
        normalise_postcode(d.postcode),
    )


def _keys(learner: Learner) -> frozenset[str]:
    d = learner.details
    return blocking_keys(d.given_name, d.family_name, d.date_of_birth, d.postcode, d.previous_family_name,
                         town=d.town, address_line=d.address_line_1)  # fmt: skip


class FakeLearnerRepository:
    def __init__(self) -> None:
        self.rows: dict[str, Learner] = {}

    def _with_links(self, learner: Learner) -> Learner:
        linked = tuple(sorted(u for u, other in self.rows.items() if other.master_uln == learner.uln))
        return replace(learner, linked_ulns=linked)

    def get(self, uln: str) -> Learner | None:
        found = self.rows.get(uln)
        return self._with_links(found) if found else None

    def get_many(self, ulns: Sequence[str]) -> dict[str, Learner]:
        return {uln: self._with_links(self.rows[uln]) for uln in ulns if uln in self.rows}

    def records(self, ulns: Sequence[str]) -> dict[str, RegisterRecord]:
        return {uln: to_record(self.rows[uln]) for uln in ulns if uln in self.rows}

    def add(self, learner: Learner) -> bool:
        if learner.uln in self.rows:
            return False
        self.rows[learner.uln] = learner
        return True

    def with_same_mandatory_fields(self, learner: Learner) -> str | None:
        wanted = _identity(learner)
        return next((uln for uln, other in self.rows.items() if _identity(other) == wanted), None)

    def update(self, learner: Learner, expected_version: int) -> bool:
        current = self.rows.get(learner.uln)
        if current is None or current.version != expected_version:
            return False
        self.rows[learner.uln] = replace(learner, master_uln=current.master_uln, linked_ulns=())
        return True

    def set_master(self, uln: str, master_uln: str | None, now: datetime) -> None:
        current = self.rows[uln]
        self.rows[uln] = replace(current, master_uln=master_uln, updated_at=now, version=current.version + 1)

    def linked_to(self, master_uln: str) -> list[str]:
        return [uln for uln, other in self.rows.items() if other.master_uln == master_uln]

    def candidates(self, keys: Iterable[str], limit: int) -> list[RegisterRecord]:
        wanted = set(keys)
        shared = sorted(((len(_keys(learner) & wanted), learner.uln, learner) for learner in self.rows.values()),
                        key=lambda item: (-item[0], item[1]))  # fmt: skip
        return [to_record(learner) for count, _, learner in shared if count][:limit]

    def iter_records(self) -> Iterator[RegisterRecord]:
        return (to_record(learner) for learner in self.rows.values() if learner.master_uln is None)

    def candidate_pairs(self, bucket_limit: int = 300, broad_limit: int = 20) -> Iterator[tuple[str, str]]:
        unlinked = sorted((l for l in self.rows.values() if l.master_uln is None), key=lambda l: l.uln)  # noqa: E741
        holders = Counter(key for learner in self.rows.values() for key in _keys(learner))
        for first, second in combinations(unlinked, 2):
            shared = _keys(first) & _keys(second)
            if any(holders[key] <= (broad_limit if kind_of(key) in BROAD_KINDS else bucket_limit) for key in shared):
                yield first.uln, second.uln


class FakeOrganisationRepository:
    def __init__(self) -> None:
        self.rows: dict[int, Organisation] = {}
        self.keys: dict[str, StoredApiKey] = {}
        self.key_labels: dict[int, tuple[str | None, datetime]] = {}
        self.passwords: dict[int, str] = {}

    def add(
        self, ukprn: str, name: str, kind: OrganisationKind, organisation_ref: str | None, now: datetime
    ) -> Organisation:
        organisation = Organisation(len(self.rows) + 1, ukprn, name, kind, organisation_ref)
        self.rows[organisation.id] = organisation
        return organisation

    def get(self, organisation_id: int) -> Organisation | None:
        return self.rows.get(organisation_id)

    def by_ukprn(self, ukprn: str) -> Organisation | None:
        return next((o for o in self.rows.values() if o.ukprn == ukprn), None)

    def by_reference(self, organisation_ref: str) -> Organisation | None:
        return next((o for o in self.rows.values() if o.organisation_ref == organisation_ref), None)

    def list(self) -> list[Organisation]:
        return list(self.rows.values())

    def add_api_key(
        self, organisation_id: int, prefix: str, secret_hash: str, now: datetime, label: str | None = None
    ) -> int:
        key_id = len(self.keys) + 1
        self.keys[prefix] = StoredApiKey(key_id, organisation_id, prefix, secret_hash)
        self.key_labels[key_id] = (label, now)
        return key_id

    def api_key(self, prefix: str) -> StoredApiKey | None:
        return self.keys.get(prefix)

    def api_keys(self, organisation_id: int) -> list[ApiKeyInfo]:
        return [ApiKeyInfo(k.id, k.organisation_id, k.prefix, *self.key_labels[k.id], k.last_used_at, k.revoked_at)
                for k in self.keys.values() if k.organisation_id == organisation_id]  # fmt: skip

    def revoke_api_key(self, key_id: int, at: datetime) -> None:
        for prefix, key in self.keys.items():
            if key.id == key_id and (key.revoked_at is None or key.revoked_at > at):
                self.keys[prefix] = replace(key, revoked_at=at)

    def touch_api_key(self, key_id: int, now: datetime) -> None:
        for prefix, key in self.keys.items():
            if key.id == key_id:
                self.keys[prefix] = replace(key, last_used_at=now)

    def with_password_hash(
        self, by: Literal["ukprn", "organisation_ref"], value: str
    ) -> tuple[Organisation, str | None] | None:
        found = self.by_ukprn(value) if by == "ukprn" else self.by_reference(value)
        return (found, self.passwords.get(found.id)) if found else None

    def set_password_hash(self, organisation_id: int, password_hash: str) -> None:
        self.passwords[organisation_id] = password_hash

    def password_hash(self, organisation_id: int) -> str | None:
        return self.passwords.get(organisation_id)


class FakeAccessLog:
    def __init__(self) -> None:
        self.entries: list[AccessEntry] = []

    def record(self, entries: Sequence[AccessEntry]) -> None:
        self.entries.extend(entries)


class FakeMergeLog:
    def __init__(self) -> None:
        self.events: list[MergeEvent] = []

    def record(self, event: MergeEvent) -> None:
        self.events.append(event)

    def between(self, start: datetime, end: datetime) -> list[MergeEvent]:
        return [e for e in self.events if start <= e.at < end]


class FakeBatchJobRepository:
    def __init__(self) -> None:
        self.jobs: dict[int, BatchJob] = {}
        self.rows: dict[int, dict[int, dict[str, str]]] = {}
        self.done: dict[int, dict[int, BatchRowResult]] = {}
        self.leases: dict[int, tuple[str, datetime | None]] = {}

    def create(self, job: BatchJob) -> int:
        job_id = len(self.jobs) + 1
        self.jobs[job_id] = replace(job, id=job_id)
        self.rows[job_id], self.done[job_id] = {}, {}
        return job_id

    def add_rows(self, job_id: int, rows: Sequence[tuple[int, dict[str, str]]]) -> None:
        self.rows[job_id].update(rows)

    def set_count(self, job_id: int, number_of_records: int) -> None:
        self.jobs[job_id] = replace(self.jobs[job_id], number_of_records=number_of_records)

    def get(self, job_id: int) -> BatchJob | None:
        return self.jobs.get(job_id)

    def for_organisation(self, organisation_id: int, limit: int) -> list[BatchJob]:
        mine = [job for job in self.jobs.values() if job.organisation_id == organisation_id]
        return sorted(mine, key=lambda job: job.id, reverse=True)[:limit]

    def claim(self, now: datetime, lease_until: datetime, token: str, job_id: int | None = None) -> BatchJob | None:
        for candidate in sorted(self.jobs.values(), key=lambda job: job.id):
            lease = self.leases.get(candidate.id, ("", None))[1]
            expired = candidate.status == "InProgress" and lease is not None and lease < now
            if (job_id is None or candidate.id == job_id) and (candidate.status == "Waiting" or expired):
                claimed = replace(candidate, status="InProgress", started_at=candidate.started_at or now)
                self.jobs[candidate.id] = claimed
                self.leases[candidate.id] = (token, lease_until)
                return claimed
        return None

    def hold(self, job_id: int, token: str, next_row: int, lease_until: datetime) -> bool:
        job = self.jobs[job_id]
        if self.leases.get(job_id, ("", None))[0] != token or job.next_row != next_row or job.status != "InProgress":
            return False
        self.leases[job_id] = (token, lease_until)
        return True

    def pending(self, job_id: int, start: int, limit: int) -> list[tuple[int, dict[str, str]]]:
        return sorted((n, row) for n, row in self.rows[job_id].items() if n >= start)[:limit]

    def record(self, job: BatchJob, results: Sequence[BatchRowResult], lease_until: datetime | None) -> None:
        self.done[job.id].update((result.row_number, result) for result in results)
        self.jobs[job.id] = job
        self.leases[job.id] = (self.leases.get(job.id, ("", None))[0], lease_until)

    def results(self, job_id: int, offset: int, limit: int) -> list[BatchRowResult]:
        return [self.done[job_id][n] for n in sorted(self.done[job_id]) if n > offset][:limit]


class FakeUnitOfWork:
    """Keeps committed state in the repositories; a unit of work that is not committed leaves it unchanged."""

    def __init__(self) -> None:
        self.learners = FakeLearnerRepository()
        self.organisations = FakeOrganisationRepository()
        self.access_log = FakeAccessLog()
        self.merges = FakeMergeLog()
        self.batches = FakeBatchJobRepository()
        self.commits = 0
        self._snapshot: tuple[object, ...] = ()

    def __call__(self, *, write: bool = False) -> FakeUnitOfWork:
        return self

    def _state(self) -> tuple[object, ...]:
        return (
            dict(self.learners.rows),
            dict(self.organisations.rows),
            dict(self.organisations.keys),
            list(self.access_log.entries),
            list(self.merges.events),
            {
                name: {key: dict(value) if isinstance(value, dict) else value for key, value in table.items()}
                for name, table in vars(self.batches).items()
            },
        )

    def __enter__(self) -> FakeUnitOfWork:
        self._snapshot = self._state()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.rollback()

    def commit(self) -> None:
        self.commits += 1
        self._snapshot = self._state()

    def rollback(self) -> None:
        rows, orgs, keys, entries, events, batches = self._snapshot
        self.learners.rows = rows  # type: ignore[assignment]
        self.organisations.rows = orgs  # type: ignore[assignment]
        self.organisations.keys = keys  # type: ignore[assignment]
        self.access_log.entries = entries  # type: ignore[assignment]
        self.merges.events = events  # type: ignore[assignment]
        for name, table in batches.items():  # type: ignore[attr-defined]
            setattr(self.batches, name, {k: dict(v) if isinstance(v, dict) else v for k, v in table.items()})
