"""The awarding side's storage ports and the records they hold."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from ..domain.awarding import Anomaly, RegistrationDetails, UlnState


@dataclass(frozen=True, slots=True)
class Centre:
    id: int
    awarding_organisation_id: int
    centre_number: str
    name: str
    ukprn: str | None
    is_lrb: bool
    contact_email: str | None


@dataclass(frozen=True, slots=True)
class Registration:
    id: int
    centre_id: int
    qualification_reference: str
    details: RegistrationDetails
    registered_on: date
    uln_state: UlnState
    validated_on: date | None = None
    removed_uln: str | None = None
    removed_on: date | None = None
    removal_reason: str | None = None
    grade: str | None = None
    award_date: date | None = None
    certification_status: str = "not_sent"  # not_sent, sent, confirmed, rejected
    certification_reason: str | None = None
    achievement_job_id: int | None = None


@dataclass(frozen=True, slots=True)
class IssuedCertificate:
    public_id: str
    number: str
    registration_id: int
    learner_name: str
    grade: str
    award_date: date
    uln_validated: bool
    issued_at: datetime
    revoked_at: datetime | None = None
    revoked_reason: str | None = None
    replaced_by: str | None = None


@dataclass(frozen=True, slots=True)
class StoredAnomaly:
    id: int
    registration_id: int
    anomaly: Anomaly
    reminders_sent: frozenset[int]
    resolved_on: date | None = None
    resolution: str | None = None


@dataclass(frozen=True, slots=True)
class QueuedMail:
    id: int
    to_address: str
    subject: str
    body: str
    attempts: int


class CentreRepository(Protocol):
    def add(self, centre: Centre) -> int: ...

    def get(self, centre_id: int) -> Centre | None: ...

    def for_organisation(self, organisation_id: int) -> list[Centre]: ...

    def offer(self, centre_id: int, references: Sequence[str]) -> None: ...

    def offered(self, centre_id: int) -> set[str]: ...


class RegistrationRepository(Protocol):
    def add(self, registration: Registration, now: datetime) -> int: ...

    def get(self, registration_id: int) -> Registration | None: ...

    def existing(self, centre_id: int, reference: str, details: Sequence[RegistrationDetails]) -> set[int]:
        """Indexes into `details` of learners already registered at this centre on this qualification."""
        ...

    def pending(self, centre_ids: Sequence[int] | None, limit: int) -> list[Registration]:
        """Registrations whose ULN waits for validation."""
        ...

    def save(self, registration: Registration, now: datetime) -> None: ...

    def with_status(self, centre_ids: Sequence[int], status: str) -> list[Registration]: ...

    def search(
        self, centre_ids: Sequence[int], reference: str | None, uln_state: str | None, limit: int
    ) -> list[Registration]:
        """The centres' registrations, newest first, optionally of one qualification or ULN state."""
        ...

    def tally(self, centre_ids: Sequence[int]) -> dict[tuple[str, str], int]:
        """How many registrations the centres have, by (ULN state, certification status)."""
        ...


class CertificateRepository(Protocol):
    def add(self, certificate: IssuedCertificate) -> None: ...

    def get(self, public_id: str) -> IssuedCertificate | None: ...

    def current_for(self, registration_id: int) -> IssuedCertificate | None:
        """The certificate in force (not replaced) for a registration."""
        ...

    def count(self) -> int: ...

    def replaced(self, public_id: str) -> IssuedCertificate | None:
        """The certificate that `public_id` replaced, if it was a reissue."""
        ...

    def replace(
        self, public_id: str, replaced_by: str | None, revoked_at: datetime | None, reason: str | None
    ) -> None: ...


class AnomalyRepository(Protocol):
    def add(self, registration_id: int, anomaly: Anomaly) -> int: ...

    def open_for(self, registration_id: int) -> StoredAnomaly | None: ...

    def get(self, anomaly_id: int) -> StoredAnomaly | None: ...

    def open(self, centre_ids: Sequence[int]) -> list[StoredAnomaly]: ...

    def all_open(self) -> list[StoredAnomaly]: ...

    def spans(self, centre_ids: Sequence[int], since: date) -> list[tuple[date, date | None]]:
        """(raised on, resolved on) of the centres' anomalies that were open on or after `since`."""
        ...

    def resolve(self, anomaly_id: int, on: date, resolution: str) -> None: ...

    def reminded(self, anomaly_id: int, days: frozenset[int]) -> None: ...


class Outbox(Protocol):
    def queue(self, to_address: str, subject: str, body: str, now: datetime) -> None: ...

    def due(self, now: datetime, limit: int) -> list[QueuedMail]: ...

    def sent(self, mail_id: int, now: datetime) -> None: ...

    def failed(self, mail_id: int, error: str, retry_at: datetime) -> None: ...


class AwardingLog(Protocol):
    def record(
        self, at: datetime, organisation_id: int | None, user: str, action: str, registration_id: int | None,
        detail: str | None = None,
    ) -> None: ...  # fmt: skip
