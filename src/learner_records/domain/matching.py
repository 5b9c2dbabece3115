"""Find-by-demographics, the duplicate scan and verification: outcomes with reasons (WSRC, WSVRC, VRF).

Scoring is Fellegi-Sunter style: each field comparison lands on an agreement level whose weight is roughly
log2(m / u), m being how often the level occurs for two records of one person and u for two different people.
The weights add up; a perfect match scores 29.

==============  ============================================================================================
field           weight by agreement level
==============  ============================================================================================
given name      exact 6, spacing 5.5, nickname 4.5, shared part 3.5, typo 3.5, misspelt nickname 2.5,
                different -9
family name     exact 6, spacing 5.5, previous family name 5, shared part 4.5, typo 4, different -4
date of birth   exact 10, day and month swapped 7, one digit wrong 5, different -7
gender          equal 1, not known (0 or 9) on one side 0, different -4
postcode        exact 6, one character wrong 4, same sector 3.5, same district 2.5, same area -1, different -6
middle name     (duplicate scan, when both records have one) equal 3.5, alike 1.5, different -5
==============  ============================================================================================

A different given name is the strongest evidence of two people (twins share everything else); family names
change, so disagreeing costs less. Without name frequencies a common name cannot be told from a rare one, so names
and date of birth (23) need the postcode's help: in another postcode area (17), or with a one-digit date of birth
error in another district (17), they stay below the duplicate threshold of 18, as at register density such pairs
were more often two people than one. Alike given names count as different when both genders are known and differ
(Oliver / Olivia twins). Swapped given and family names score as the better of either side swapped, less 1.5.

Find-by-demographics (`find_matches`): a record is exact when all five mandatory fields are equal after
normalisation; a unique exact learner answers WSRC0004 (WSRC0022 when the record is linked to a master).
Otherwise records scoring at least `MatchThresholds.possible_score` (11: e.g. names similar, date of birth equal
and the postcode different) are possible matches: 1 to `too_many` -> WSRC0003, more -> WSRC0002, none ->
WSRC0001. Records linked to one master count once (the best scoring, the master on a tie).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import NamedTuple

from rapidfuzz.distance import OSA

from .codes import FailureFlag, ResponseCode, VerificationCode
from .names import Agreement, compare_names, normalise_name, normalise_postcode, postcode_units

DUPLICATE_THRESHOLD = 18.0
POSSIBLE_THRESHOLD = 11.0
_SWAP_PENALTY = 1.5
_UNKNOWN_GENDERS = frozenset({0, 9})


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
    middle_name: str | None = None  # optional evidence for the duplicate scan; a query has none


@dataclass(frozen=True, slots=True)
class ScoredRecord:
    record: RegisterRecord
    score: float
    exact: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MatchThresholds:
    possible_score: float = POSSIBLE_THRESHOLD
    too_many: int = 10


@dataclass(frozen=True, slots=True)
class MatchResult:
    code: ResponseCode
    matches: tuple[ScoredRecord, ...]


@dataclass(frozen=True, slots=True)
class DuplicatePair:
    first: RegisterRecord
    second: RegisterRecord
    score: float
    reasons: tuple[str, ...]


_Person = Demographics | RegisterRecord


# Field comparisons ----------------------------------------------------------------------------------------------

_GIVEN_WEIGHTS = {Agreement.EXACT: 6.0, Agreement.SPACING: 5.5, Agreement.NICKNAME: 4.5, Agreement.PART: 3.5,
                  Agreement.TYPO: 3.5, Agreement.NICKNAME_TYPO: 2.5, Agreement.DIFFERENT: -9.0}  # fmt: skip
_FAMILY_WEIGHTS = {Agreement.EXACT: 6.0, Agreement.SPACING: 5.5, Agreement.NICKNAME: 4.0, Agreement.PART: 4.5,
                   Agreement.TYPO: 4.0, Agreement.NICKNAME_TYPO: 2.5, Agreement.DIFFERENT: -4.0}  # fmt: skip
_PREVIOUS_WEIGHT = 5.0
_NAME_WORDS = {Agreement.TYPO: "differs only by a typo", Agreement.PART: "shares a part",
               Agreement.NICKNAME: "is a nickname", Agreement.SPACING: "differs only in spacing or punctuation",
               Agreement.NICKNAME_TYPO: "is a misspelt nickname", Agreement.DIFFERENT: "differs"}  # fmt: skip


class DateAgreement(IntEnum):
    DIFFERENT = 0
    TYPO = 1
    SWAPPED = 2
    EXACT = 3


_DATE_WEIGHTS = {DateAgreement.EXACT: 10.0, DateAgreement.SWAPPED: 7.0, DateAgreement.TYPO: 5.0,
                 DateAgreement.DIFFERENT: -7.0}  # fmt: skip
_DATE_WORDS = {DateAgreement.SWAPPED: "has day and month swapped", DateAgreement.TYPO: "differs by one digit",
               DateAgreement.DIFFERENT: "differs"}  # fmt: skip


def compare_dates(a: date, b: date) -> DateAgreement:
    """Equal, day and month swapped, one digit wrong (or two adjacent digits transposed), or different."""
    if a == b:
        return DateAgreement.EXACT
    if a.year == b.year and a.month == b.day and a.day == b.month:
        return DateAgreement.SWAPPED
    if OSA.distance(a.strftime("%Y%m%d"), b.strftime("%Y%m%d"), score_cutoff=1) <= 1:
        return DateAgreement.TYPO
    return DateAgreement.DIFFERENT


def _gender_weight(a: int, b: int) -> tuple[float, str | None]:
    if a == b:
        return 1.0, None
    if a in _UNKNOWN_GENDERS or b in _UNKNOWN_GENDERS:
        return 0.0, "gender is not known on one side"
    return -4.0, "gender differs"


# A postcode area is about one town, but London has eight, between which Londoners move as within one town.
_LONDON = dict.fromkeys(("E", "EC", "N", "NW", "SE", "SW", "W", "WC"), "LONDON")


def _middle_weight(a: str | None, b: str | None) -> tuple[float, str | None]:
    if not a or not b:
        return 0.0, None
    agreement = compare_names(a, b, True)
    if agreement >= Agreement.SPACING:
        return 3.5, None
    if agreement == Agreement.DIFFERENT:
        return -5.0, f"middle names differ ({a} / {b})"
    return 1.5, f"middle name {_NAME_WORDS[agreement]} ({a} / {b})"


def _postcode_weight(a: str, b: str) -> tuple[float, str | None]:
    ca, cb = normalise_postcode(a), normalise_postcode(b)
    if ca == cb:
        return 6.0, None
    if not ca or not cb:
        return 0.0, "postcode is missing on one side"
    shown = f"({a} / {b})"
    if OSA.distance(ca, cb, score_cutoff=1) <= 1:
        return 4.0, f"postcode differs by one character {shown}"
    (area_a, district_a, sector_a), (area_b, district_b, sector_b) = postcode_units(ca), postcode_units(cb)
    if sector_a == sector_b:
        return 3.5, f"postcode differs, same sector (moved nearby?) {shown}"
    if district_a == district_b:
        return 2.5, f"postcode differs, same district (moved nearby?) {shown}"
    if area_a and _LONDON.get(area_a, area_a) == _LONDON.get(area_b, area_b):
        return -1.0, f"postcode differs, same area (moved?) {shown}"
    return -6.0, f"postcode differs (moved?) {shown}"


# Names ----------------------------------------------------------------------------------------------------------


class _Names(NamedTuple):
    given: str
    family: str
    previous: str | None

    def swapped(self) -> _Names:
        return _Names(self.family, self.given, self.previous)


class _NameComparison(NamedTuple):
    weight: float
    given: Agreement
    family: Agreement  # the better of the family name and a previous family name on either side
    reasons: list[str]


def _compare_names(a: _Names, b: _Names, gender_differs: bool = False) -> _NameComparison:
    given = compare_names(a.given, b.given, True)
    if gender_differs and given != Agreement.EXACT:
        given = Agreement.DIFFERENT
    family = compare_names(a.family, b.family, False)
    previous_pairs = ((x, y) for x, y in ((a.family, b.previous), (a.previous, b.family)) if x and y)
    via_previous = max((compare_names(x, y, False) for x, y in previous_pairs), default=Agreement.DIFFERENT)
    family_weight = _FAMILY_WEIGHTS[family]
    reasons = [] if given == Agreement.EXACT else [f"given name {_NAME_WORDS[given]} ({a.given} / {b.given})"]
    if min(_PREVIOUS_WEIGHT, _FAMILY_WEIGHTS[via_previous]) > family_weight:
        family, family_weight = via_previous, min(_PREVIOUS_WEIGHT, _FAMILY_WEIGHTS[via_previous])
        reasons.append("family name matches the previous family name")
    elif family != Agreement.EXACT:
        reasons.append(f"family name {_NAME_WORDS[family]} ({a.family} / {b.family})")
    return _NameComparison(_GIVEN_WEIGHTS[given] + family_weight, given, family, reasons)


def _names_weight(a: _Person, b: _Person, gender_differs: bool) -> tuple[float, list[str]]:
    """Names compared directly, or crosswise when one record has given and family names swapped."""
    na = _Names(a.given_name, a.family_name, a.previous_family_name or None)
    nb = _Names(b.given_name, b.family_name, b.previous_family_name or None)
    direct = _compare_names(na, nb, gender_differs)
    if direct.given == direct.family == Agreement.EXACT:
        return direct.weight, direct.reasons
    # A swap needs both names alike crosswise. Trying either side swapped keeps the score symmetric in a and b.
    best: _NameComparison | None = None
    for x, y in ((na.swapped(), nb), (na, nb.swapped())):
        if compare_names(x.given, y.given, True) == Agreement.DIFFERENT:
            continue  # the cheap half of the test first: most candidate pairs are no swap at all
        crosswise = _compare_names(x, y, gender_differs)
        alike = Agreement.DIFFERENT not in (crosswise.given, crosswise.family)
        if alike and (best is None or crosswise.weight > best.weight):
            best = crosswise
    if best is None or best.weight - _SWAP_PENALTY <= direct.weight:
        return direct.weight, direct.reasons
    return best.weight - _SWAP_PENALTY, ["given and family names are swapped", *best.reasons]


# Scoring --------------------------------------------------------------------------------------------------------


def _compare(a: _Person, b: _Person) -> tuple[float, tuple[str, ...]]:
    gender, gender_reason = _gender_weight(a.gender, b.gender)
    total, reasons = _names_weight(a, b, gender_differs=gender < 0)
    dob = compare_dates(a.date_of_birth, b.date_of_birth)
    total += _DATE_WEIGHTS[dob] + gender
    if dob != DateAgreement.EXACT:
        shown = "" if dob == DateAgreement.SWAPPED else f" ({a.date_of_birth} / {b.date_of_birth})"
        reasons.append(f"date of birth {_DATE_WORDS[dob]}{shown}")
    postcode, postcode_reason = _postcode_weight(a.postcode, b.postcode)
    middle, middle_reason = _middle_weight(getattr(a, "middle_name", None), getattr(b, "middle_name", None))
    reasons += [reason for reason in (gender_reason, postcode_reason, middle_reason) if reason]
    return total + postcode + middle, tuple(reasons)


def record_matches_exactly(query: Demographics, record: RegisterRecord) -> bool:
    """All five mandatory fields equal after normalisation: the rule that refuses a registration (WSRC0021)."""
    return (
        query.date_of_birth == record.date_of_birth
        and query.gender == record.gender
        and normalise_name(query.family_name) == normalise_name(record.family_name)
        and normalise_name(query.given_name) == normalise_name(record.given_name)
        and normalise_postcode(query.postcode) == normalise_postcode(record.postcode)
    )


def score(query: Demographics, record: RegisterRecord) -> ScoredRecord:
    """How well a register record matches a query, with the differences in plain words."""
    total, reasons = _compare(query, record)
    return ScoredRecord(record=record, score=total, exact=record_matches_exactly(query, record), reasons=reasons)


def score_pair(a: RegisterRecord, b: RegisterRecord) -> DuplicatePair:
    """How likely two register records are one learner. The score does not depend on their order."""
    total, reasons = _compare(a, b)
    return DuplicatePair(first=a, second=b, score=total, reasons=reasons)


def is_probable_duplicate(pair: DuplicatePair, threshold: float = DUPLICATE_THRESHOLD) -> bool:
    return pair.score >= threshold


def _one_per_learner(scored: Iterable[ScoredRecord]) -> list[ScoredRecord]:
    """Records linked to one master count once: the best scoring, the master itself on a tie. Best first."""
    best: dict[str, ScoredRecord] = {}
    for item in scored:
        learner = item.record.master_uln or item.record.uln
        held = best.get(learner)
        if held is None or (item.score, item.record.master_uln is None) > (held.score, held.record.master_uln is None):
            best[learner] = item
    return sorted(best.values(), key=lambda item: (-item.score, item.record.uln))


def find_matches(
    query: Demographics, candidates: Iterable[RegisterRecord], thresholds: MatchThresholds = MatchThresholds()
) -> MatchResult:
    """The answer to a find-by-demographics query over the candidates that the blocking keys found."""
    scored = _one_per_learner(score(query, record) for record in candidates)
    exact = [item for item in scored if item.exact]
    if len(exact) == 1:
        code = ResponseCode.MASTER_SUBSTITUTED if exact[0].record.master_uln else ResponseCode.EXACT_MATCH
        return MatchResult(code=code, matches=(exact[0],))
    possible = tuple(item for item in scored if item.score >= thresholds.possible_score)
    if not possible:
        return MatchResult(code=ResponseCode.NO_MATCH, matches=())
    if len(possible) > thresholds.too_many:
        return MatchResult(code=ResponseCode.TOO_MANY_MATCHES, matches=())
    return MatchResult(code=ResponseCode.POSSIBLE_MATCH, matches=possible)


# Verification ---------------------------------------------------------------------------------------------------


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


def verify(query: VerificationQuery, record: RegisterRecord | None, linked: bool) -> VerificationResult:
    """Verify a ULN and the learner's details against the register's record (already the master if linked).

    - No record: WSVRC006.
    - Every supplied field equal (names after `normalise_name`; date of birth and gender only when supplied):
      WSVRC001, or WSVRC002 when linked, with no flags.
    - Otherwise each failed comparison (equality after normalisation) is flagged: VRF1 given name vs the
      register's given name and, only when VRF1 fails, VRF2 vs its family name and VRF3 vs its previous family
      name (when it has one); VRF5 family name vs family name and, only when VRF5 fails, VRF4 vs given name and
      VRF6 vs previous family name (when there is one); VRF7 a supplied date of birth differs; VRF8 a supplied
      gender differs.
    - The answer is then WSVRC003 (WSVRC004 when linked) if the names are similar and the rest tolerable, else
      WSVRC005. Names are similar when the given name is like the register's given name and the family name
      like its family or previous family name, or the same crosswise (swapped). "Like" is equal, a typo
      (keyboard slip or Jaro-Winkler), a nickname or misspelt nickname (given names), a difference in spacing,
      or one part of a hyphenated or multi-part name. A date of birth is tolerable when not supplied, equal,
      day and month swapped or one digit wrong; a gender when not supplied, equal, or 0 or 9 on one side.
    """
    if record is None:
        return _NOT_FOUND
    given_equal = _same(query.given_name, record.given_name)
    family_equal = _same(query.family_name, record.family_name)
    if (
        given_equal
        and family_equal
        and (query.date_of_birth is None or query.date_of_birth == record.date_of_birth)
        and (query.gender is None or query.gender == record.gender)
    ):
        return _MATCHED[linked]
    return _verify_not_exact(query, record, linked, given_equal, family_equal)


def _verify_not_exact(
    query: VerificationQuery, record: RegisterRecord, linked: bool, given_equal: bool, family_equal: bool
) -> VerificationResult:
    previous = record.previous_family_name or None
    flags: list[FailureFlag] = []
    for name, equal, other, (own, cross_flag, previous_flag) in (
        (query.given_name, given_equal, record.family_name, _GIVEN_FLAGS),
        (query.family_name, family_equal, record.given_name, _FAMILY_FLAGS),
    ):
        if not equal:
            flags.append(own)
            if not _same(name, other):
                flags.append(cross_flag)
            if previous and not _same(name, previous):
                flags.append(previous_flag)

    asked = _Names(query.given_name, query.family_name, None)
    held = _Names(record.given_name, record.family_name, previous)
    direct, crosswise = _compare_names(asked, held), _compare_names(asked.swapped(), held)
    if Agreement.DIFFERENT not in (direct.given, direct.family):
        names_similar, reasons = True, direct.reasons
    elif Agreement.DIFFERENT not in (crosswise.given, crosswise.family):
        names_similar, reasons = True, ["given and family names are swapped", *crosswise.reasons]
    else:
        names_similar, reasons = False, direct.reasons

    dob_ok = gender_ok = True
    if query.date_of_birth is not None and query.date_of_birth != record.date_of_birth:
        flags.append(FailureFlag.DATE_OF_BIRTH)
        dob = compare_dates(query.date_of_birth, record.date_of_birth)
        dob_ok = dob != DateAgreement.DIFFERENT
        reasons.append(f"date of birth {_DATE_WORDS[dob]}")
    if query.gender is not None and query.gender != record.gender:
        flags.append(FailureFlag.GENDER)
        gender_ok = query.gender in _UNKNOWN_GENDERS or record.gender in _UNKNOWN_GENDERS
        reasons.append("gender is not known on one side" if gender_ok else "gender differs")

    if not (names_similar and dob_ok and gender_ok):
        code = VerificationCode.NO_MATCH
    else:
        code = VerificationCode.SIMILAR_LINKED_MATCH if linked else VerificationCode.SIMILAR_MATCH
    ordered = tuple(sorted(flags, key=lambda flag: int(flag.value[3:])))
    return VerificationResult(code=code, flags=ordered, reasons=tuple(reasons))
