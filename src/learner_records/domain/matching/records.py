"""What matching compares and what it answers: queries, register records, scored matches and pairs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..codes import ResponseCode


@dataclass(frozen=True, slots=True)
class Demographics:
    """A find-by-demographics query: the five mandatory fields and the optional previous family name."""

    given_name: str
    family_name: str
    date_of_birth: date
    gender: int
    postcode: str
    previous_family_name: str | None = None


@dataclass(frozen=True, slots=True)
class RegisterRecord:
    """What the register knows of one learner, as matching needs it."""

    uln: str
    given_name: str
    family_name: str
    date_of_birth: date
    gender: int
    postcode: str
    previous_family_name: str | None = None
    master_uln: str | None = None
    middle_name: str | None = None  # the rest is optional evidence for the duplicate scan; a query has none
    address_line: str | None = None
    town: str | None = None


@dataclass(frozen=True, slots=True)
class FieldEvidence:
    """One field's comparison: its level, the weight that level carries and, when it is not agreement, why."""

    field: str
    level: str
    weight: float
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class ScoredRecord:
    record: RegisterRecord
    score: float  # the match weight: log2 of the odds that the query and the record are one learner
    exact: bool
    reasons: tuple[str, ...]
    probability: float = 0.0
    evidence: tuple[FieldEvidence, ...] = ()


@dataclass(frozen=True, slots=True)
class MatchThresholds:
    """Match probabilities at which a record is a possible match for a query and a pair a probable duplicate."""

    possible: float = 0.01
    duplicate: float = 0.95
    verify_similar: float = 0.5
    too_many: int = 10


@dataclass(frozen=True, slots=True)
class MatchResult:
    code: ResponseCode
    matches: tuple[ScoredRecord, ...]


@dataclass(frozen=True, slots=True)
class DuplicatePair:
    first: RegisterRecord
    second: RegisterRecord
    score: float  # the match weight
    reasons: tuple[str, ...]
    probability: float = 0.0
    evidence: tuple[FieldEvidence, ...] = ()
    cluster: int = 0  # the scan's cluster of records of one person this pair belongs to (0: not clustered)
