"""Matching learners: find-by-demographics, the duplicate scan and verification, from one learned match model.

`levels` holds the comparison levels of each field, `model` their m/u probabilities and weights, `scoring` how a
pair of records is scored, `matcher` the decisions (WSRC, WSVRC, VRF), `blocking` which records are compared at
all, `clustering` how the scan's pairs become people, and `training` how a model is estimated from the register.

The functions at module level use the hand-written default model (`MatchModel.default()`); the service uses the
model the register was trained on, through its own `Matcher`.
"""

from __future__ import annotations

from collections.abc import Iterable

from .levels import compare_dates
from .matcher import Matcher, record_matches_exactly
from .model import MatchModel
from .records import (
    Demographics,
    DuplicatePair,
    FieldEvidence,
    MatchResult,
    MatchThresholds,
    RegisterRecord,
    ScoredRecord,
)
from .verification import VerificationQuery, VerificationResult

__all__ = [
    "Demographics",
    "DuplicatePair",
    "FieldEvidence",
    "MatchModel",
    "MatchResult",
    "MatchThresholds",
    "Matcher",
    "RegisterRecord",
    "ScoredRecord",
    "VerificationQuery",
    "VerificationResult",
    "compare_dates",
    "find_matches",
    "record_matches_exactly",
    "score",
    "score_pair",
    "verify",
]

_DEFAULT = Matcher()


def find_matches(
    query: Demographics, candidates: Iterable[RegisterRecord], thresholds: MatchThresholds | None = None
) -> MatchResult:
    matcher = _DEFAULT if thresholds is None else Matcher(_DEFAULT.model, thresholds)
    return matcher.find(query, candidates)


def score(query: Demographics, record: RegisterRecord) -> ScoredRecord:
    return _DEFAULT.score(query, record)


def score_pair(a: RegisterRecord, b: RegisterRecord) -> DuplicatePair:
    return _DEFAULT.score_pair(a, b)


def verify(query: VerificationQuery, record: RegisterRecord | None, linked: bool) -> VerificationResult:
    return _DEFAULT.verify(query, record, linked)
