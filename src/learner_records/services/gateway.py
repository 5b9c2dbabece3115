"""The awarding side's one port onto a register (`LrsGateway`), and the values it exchanges.

The awarding side never reads register tables: it verifies learners, finds or registers them, submits
achievements and reads the PLR back through this port, in-process or over the LRS SOAP protocol.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from ..domain.learner import LearnerDetails
from ..domain.matching import Demographics, RegisterRecord, VerificationQuery, VerificationResult


@dataclass(frozen=True, slots=True)
class GatewayVerification:
    query: VerificationQuery
    result: VerificationResult
    register: RegisterRecord | None  # the register's values (the master's when the ULN was linked)


@dataclass(frozen=True, slots=True)
class GatewayMatch:
    code: str  # WSRC0001-0004 / 0022
    ulns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GatewayJob:
    job_id: int
    status: str  # Waiting, InProgress, Successful, Failed, Cancelled
    counters: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class GatewayEvent:
    subject_code: str
    grade: str | None
    award_date: str | None
    status: str


@dataclass(frozen=True, slots=True)
class GatewayPlr:
    code: str  # WSRC0004 / WSRC0022 / WSEC0206 / WSEC0208
    found_uln: str | None
    events: tuple[GatewayEvent, ...]


class LrsGateway(Protocol):
    def verify(self, queries: Sequence[VerificationQuery]) -> list[GatewayVerification]:
        """Verify up to 200 learners at once."""
        ...

    def find(self, query: Demographics) -> GatewayMatch: ...

    def register(self, details: LearnerDetails) -> str:
        """Register a learner with the register and return the new ULN (the caller must be an LRB)."""
        ...

    def submit_achievements(self, rows: Sequence[Mapping[str, object]]) -> GatewayJob: ...

    def achievement_job(self, job_id: int) -> GatewayJob: ...

    def read_plr(self, query: VerificationQuery) -> GatewayPlr: ...
