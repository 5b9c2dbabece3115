"""Verifying a ULN and a learner's details against the register's record (WSVRC and VRF).

- No record: WSVRC006.
- Every supplied field equal (names after `normalise_name`; date of birth and gender only when supplied):
  WSVRC001, or WSVRC002 when linked, with no flags.
- Otherwise each failed comparison (equality after normalisation) is flagged: VRF1 given name vs the register's
  given name and, only when VRF1 fails, VRF2 vs its family name and VRF3 vs its previous family name (when it has
  one); VRF5 family name vs family name and, only when VRF5 fails, VRF4 vs given name and VRF6 vs previous family
  name (when there is one); VRF7 a supplied date of birth differs; VRF8 a supplied gender differs.
- The answer is then WSVRC003 (WSVRC004 when linked), "similar", when both names are alike, directly or
  crosswise (swapped), and the match probability of the supplied fields reaches `MatchThresholds.verify_similar`; else
  WSVRC005. The ULN itself is the evidence that the record is the learner's, so the probability is taken from even
  odds, not from the prior of two random records: names alike, a date of birth wrong by a digit or even wholly
  different, or a gender recorded differently stay similar when the rest agrees, and each is flagged.

A name is alike at any level above the weak ones (matching's levels), and, because the ULN already names the
record, also within one typo of the register's, or two when the register's has four letters or more. A wholly
different name (a twin's, a changed family name), an initial alone, or a given name alike but of a recorded
gender other than the register's (Olivia for Oliver) is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from rapidfuzz.distance import DamerauLevenshtein

from ..codes import FailureFlag, VerificationCode
from ..names import normalise_name
from . import levels as lv

if TYPE_CHECKING:
    from .records import FieldEvidence, RegisterRecord
    from .scoring import Scorer


@dataclass(frozen=True, slots=True)
class VerificationQuery:
    uln: str
    given_name: str
    family_name: str
    date_of_birth: date | None = None
    gender: int | None = None


@dataclass(frozen=True, slots=True)
class VerificationResult:
    code: VerificationCode
    flags: tuple[FailureFlag, ...]
    reasons: tuple[str, ...]
    score: float | None = None  # the match weight of the supplied fields, when they were not all equal
    evidence: tuple[FieldEvidence, ...] = ()


_NOT_FOUND = VerificationResult(VerificationCode.ULN_NOT_FOUND, (), ("ULN not found",))
_MATCHED = {
    False: VerificationResult(VerificationCode.MATCH, (), ()),
    True: VerificationResult(VerificationCode.LINKED_MATCH, (), ("ULN is linked: answered with its master",)),
}

# A name's own comparison, then crosswise and against the previous family name (checked when the own one fails).
_GIVEN_FLAGS = (FailureFlag.GIVEN_VS_GIVEN, FailureFlag.GIVEN_VS_FAMILY, FailureFlag.GIVEN_VS_PREVIOUS_FAMILY)
_FAMILY_FLAGS = (FailureFlag.FAMILY_VS_FAMILY, FailureFlag.FAMILY_VS_GIVEN, FailureFlag.FAMILY_VS_PREVIOUS_FAMILY)


def _same(a: str, b: str | None) -> bool:
    return b is not None and (a == b or normalise_name(a) == normalise_name(b))


def failure_flags(query: VerificationQuery, record: RegisterRecord) -> list[FailureFlag]:
    """Every failed equality comparison of the supplied fields, in the protocol's VRF order."""
    previous = record.previous_family_name or None
    flags: list[FailureFlag] = []
    for name, other_own, other, (own, cross_flag, previous_flag) in (
        (query.given_name, record.given_name, record.family_name, _GIVEN_FLAGS),
        (query.family_name, record.family_name, record.given_name, _FAMILY_FLAGS),
    ):
        if not _same(name, other_own):
            flags.append(own)
            if not _same(name, other):
                flags.append(cross_flag)
            if previous and not _same(name, previous):
                flags.append(previous_flag)
    if query.date_of_birth is not None and query.date_of_birth != record.date_of_birth:
        flags.append(FailureFlag.DATE_OF_BIRTH)
    if query.gender is not None and query.gender != record.gender:
        flags.append(FailureFlag.GENDER)
    return sorted(flags, key=lambda flag: int(flag.value[3:]))


def _typos_apart(supplied: str, held: str) -> bool:
    ja, jb = normalise_name(supplied).replace(" ", ""), normalise_name(held).replace(" ", "")
    if not ja or not jb:
        return False
    edits = DamerauLevenshtein.distance(ja, jb, score_cutoff=3)
    return edits <= 1 or edits == 2 and len(jb) >= 4


def _given_close(supplied: str, held: str) -> bool:
    return lv.compare_given(supplied, held) not in lv.WEAK_NAME_LEVELS or _typos_apart(supplied, held)


def _family_close(supplied: str, held: str, previous: str | None) -> bool:
    level = lv.compare_family(supplied, None, held, previous)
    return level not in lv.WEAK_NAME_LEVELS or _typos_apart(supplied, held)


def _names_close(query: VerificationQuery, record: RegisterRecord) -> bool:
    """Both supplied names alike the record's (module docs), directly or given and family swapped."""
    if lv.compare_genders(query.gender, record.gender) == lv.DIFFERENT:
        return False  # alike names of two genders are two people; exact names were already found alike
    previous = record.previous_family_name or None
    direct = _given_close(query.given_name, record.given_name) and _family_close(
        query.family_name, record.family_name, previous
    )
    return direct or (
        _given_close(query.given_name, record.family_name) and _family_close(query.family_name, record.given_name, None)
    )


def verify_with(
    scorer: Scorer, similar_weight: float, query: VerificationQuery, record: RegisterRecord | None, linked: bool
) -> VerificationResult:
    if record is None:
        return _NOT_FOUND
    flags = failure_flags(query, record)
    if not flags:
        return _MATCHED[linked]
    comparison = scorer.compare(query, record)
    similar = (comparison.names_alike or _names_close(query, record)) and comparison.weight >= similar_weight
    if not similar:
        code = VerificationCode.NO_MATCH
    else:
        code = VerificationCode.SIMILAR_LINKED_MATCH if linked else VerificationCode.SIMILAR_MATCH
    evidence = tuple(item for item in comparison.evidence if item.field != "postcode")
    reasons = tuple(item.reason for item in evidence if item.reason)
    return VerificationResult(code, tuple(flags), reasons, comparison.weight, evidence)
