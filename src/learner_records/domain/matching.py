"""Find-by-demographics, the duplicate scan and verification: outcomes with reasons (WSRC, WSVRC, VRF).

Scoring is Fellegi-Sunter style: each field comparison lands on an agreement level whose weight is roughly
log2(m / u), m being how often that level occurs for two records of one person and u for two different
people. Weights add up; a perfect match scores 29.

==============  =====  =====================================================================================
field           level  weight
==============  =====  =====================================================================================
given name      exact 6, spacing 5.5, nickname 4.5, shared part 3.5, typo 3.5, different -9
family name     exact 6, spacing 5.5, previous family name 5, shared part 4.5, typo 4, different -4
date of birth   exact 10, day and month swapped 6, one digit wrong 5, different -7
gender          equal 1, not known (0 or 9) on either side 0, different -4
postcode        exact 6, one character wrong 4, same sector 3.5, same district 2.5, same area 1, different -6
==============  =====  =====================================================================================

Why these weights: a different given name is the strongest evidence of two people (twins share everything
else), while family names change (marriage, a parent's surname) so disagreeing costs less. Without name
frequencies a common name cannot be told from a rare one, so an exact name and date of birth in another
postcode area (17) stays below the duplicate threshold (18): two John Smiths born the same day in different
towns are two people, while a learner who moved within a town (an area level or better) still reaches it.
Given names that are merely alike (a typo or a shared part) count as different when both genders are known
and differ, which keeps Oliver / Olivia twins apart. Swapped given and family names are compared crosswise,
at the average of the two fields' weights, less 1.5.

Find-by-demographics (`find_matches`): a record is exact when all five mandatory fields are equal after
normalisation; a unique exact record answers WSRC0004 (WSRC0022 if it is linked to a master). Otherwise
records scoring at least `MatchThresholds.possible_score` are possible matches: 1 to `too_many` -> WSRC0003,
more -> WSRC0002, none -> WSRC0001. Records linked to one master are reported once (the best scoring).

Verification rules are in `verify`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from functools import lru_cache
from typing import Protocol

from rapidfuzz.distance import OSA, JaroWinkler

from .codes import FailureFlag, ResponseCode, VerificationCode
from .names import (
    are_nicknames,
    first_sound,
    nickname_variants,
    normalise_name,
    normalise_postcode,
    postcode_area,
    postcode_district,
    postcode_sector,
    significant_parts,
)

DUPLICATE_THRESHOLD = 18.0
POSSIBLE_THRESHOLD = 11.0
_TYPO_SIMILARITY = 0.92
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


class _Person(Protocol):
    @property
    def given_name(self) -> str: ...
    @property
    def family_name(self) -> str: ...
    @property
    def date_of_birth(self) -> date: ...
    @property
    def gender(self) -> int: ...
    @property
    def postcode(self) -> str: ...
    @property
    def previous_family_name(self) -> str | None: ...


# Comparisons ----------------------------------------------------------------------------------------------------


class Agreement(IntEnum):
    """How far two names agree, weakest first."""

    DIFFERENT = 0
    NICKNAME_TYPO = 1
    TYPO = 2
    PART = 3
    NICKNAME = 4
    SPACING = 5
    EXACT = 6


_GIVEN_WEIGHTS = {Agreement.EXACT: 6.0, Agreement.SPACING: 5.5, Agreement.NICKNAME: 4.5, Agreement.PART: 3.5,
                  Agreement.TYPO: 3.5, Agreement.NICKNAME_TYPO: 2.5, Agreement.DIFFERENT: -9.0}  # fmt: skip
_FAMILY_WEIGHTS = {Agreement.EXACT: 6.0, Agreement.SPACING: 5.5, Agreement.NICKNAME: 4.0, Agreement.PART: 4.5,
                   Agreement.TYPO: 4.0, Agreement.NICKNAME_TYPO: 2.5, Agreement.DIFFERENT: -4.0}  # fmt: skip
_PREVIOUS_WEIGHT = 5.0
_NAME_WORDS = {Agreement.TYPO: "differs only by a typo", Agreement.PART: "shares a part",
               Agreement.NICKNAME: "is a nickname", Agreement.SPACING: "differs only in spacing or punctuation",
               Agreement.NICKNAME_TYPO: "is a misspelt nickname", Agreement.DIFFERENT: "differs"}  # fmt: skip


def _is_typo(a: str, b: str) -> bool:
    """One slip of the keyboard, or two in names that Jaro-Winkler still finds alike and of about one length.

    A different first letter that also sounds different makes a different name (Hayden / Jayden) unless the
    first two letters are transposed or a stray letter precedes a name of five or more (Salfie / Alfie). In
    three letters a changed letter makes another name (Tom / Tim), a transposed, doubled or dropped one does
    not (Mia / Mai, Ivy / Ivvy). Adding a syllable is not a typo (Harris / Harrison, Kian / Kieran).
    """
    if a[0] != b[0] and first_sound(a) != first_sound(b):
        short, long = sorted((a, b), key=len)
        return a[1::-1] + a[2:] == b or (len(short) >= 5 and long[1:] == short)
    distance = OSA.distance(a, b, score_cutoff=2)
    if distance <= 1:
        return len(a) != len(b) or len(a) >= 4 or sorted(a) == sorted(b)
    return (
        distance == 2 and abs(len(a) - len(b)) <= 1 and JaroWinkler.normalized_similarity(a, b) >= _TYPO_SIMILARITY
    )


def _slip(a: str, b: str) -> bool:
    return a[0] == b[0] and min(len(a), len(b)) >= 4 and OSA.distance(a, b, score_cutoff=1) <= 1


@lru_cache(maxsize=1 << 16)
def compare_names(a: str, b: str, given: bool) -> Agreement:
    """How two names agree; nicknames count only for given names."""
    na, nb = normalise_name(a), normalise_name(b)
    if not na or not nb:
        return Agreement.DIFFERENT
    if na == nb:
        return Agreement.EXACT
    ja, jb = na.replace(" ", ""), nb.replace(" ", "")
    if ja == jb:
        return Agreement.SPACING
    if given and (are_nicknames(na, nb) or are_nicknames(na.split()[0], nb.split()[0])):
        return Agreement.NICKNAME
    pa, pb = significant_parts(na), significant_parts(nb)
    if (len(pa) > 1 or len(pb) > 1) and not set(pa).isdisjoint(pb):
        return Agreement.PART
    if _is_typo(ja, jb) or any(_is_typo(x, y) for x in pa for y in pb if min(len(x), len(y)) >= 4):
        return Agreement.TYPO
    if given and (
        any(_slip(ja, v) for v in nickname_variants(nb) if v != nb)
        or any(_slip(v, jb) for v in nickname_variants(na) if v != na)
    ):
        return Agreement.NICKNAME_TYPO
    return Agreement.DIFFERENT


def _best(pairs: Iterable[tuple[str, str]], given: bool) -> Agreement:
    return max((compare_names(a, b, given) for a, b in pairs), default=Agreement.DIFFERENT)


class DateAgreement(IntEnum):
    DIFFERENT = 0
    TYPO = 1
    SWAPPED = 2
    EXACT = 3


_DATE_WEIGHTS = {DateAgreement.EXACT: 10.0, DateAgreement.SWAPPED: 7.0, DateAgreement.TYPO: 5.0,
                 DateAgreement.DIFFERENT: -7.0}  # fmt: skip


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


def _postcode_weight(a: str, b: str) -> tuple[float, str | None]:
    ca, cb = normalise_postcode(a), normalise_postcode(b)
    if ca == cb:
        return 6.0, None
    if not ca or not cb:
        return 0.0, "postcode is missing on one side"
    shown = f"({a} / {b})"
    if OSA.distance(ca, cb, score_cutoff=1) <= 1:
        return 4.0, f"postcode differs by one character {shown}"
    if postcode_sector(ca) == postcode_sector(cb):
        return 3.5, f"postcode differs, same sector (moved nearby?) {shown}"
    if postcode_district(ca) == postcode_district(cb):
        return 2.5, f"postcode differs, same district (moved nearby?) {shown}"
    if postcode_area(ca) and postcode_area(ca) == postcode_area(cb):
        return -1.0, f"postcode differs, same area (moved?) {shown}"
    return -6.0, f"postcode differs (moved?) {shown}"


# Scoring --------------------------------------------------------------------------------------------------------


def _family_pairs(a: _Person, b: _Person) -> tuple[Agreement, Agreement]:
    """The family names' agreement directly, and through a previous family name on either side."""
    direct = compare_names(a.family_name, b.family_name, False)
    previous = [(a.family_name, b.previous_family_name), (a.previous_family_name, b.family_name)]
    return direct, _best(((x, y) for x, y in previous if x and y), False)


@dataclass(frozen=True, slots=True)
class _Names:
    given: str
    family: str
    previous: str | None

    @property
    def swapped(self) -> _Names:
        return _Names(self.family, self.given, self.previous)


def _names_of(person: _Person) -> _Names:
    return _Names(person.given_name, person.family_name, person.previous_family_name or None)


def _direct(a: _Names, b: _Names, gender_differs: bool) -> tuple[float, list[str]]:
    given = compare_names(a.given, b.given, True)
    if gender_differs and given != Agreement.EXACT:
        given = Agreement.DIFFERENT
    family = compare_names(a.family, b.family, False)
    via_previous = _best(((x, y) for x, y in ((a.family, b.previous), (a.previous, b.family)) if x and y), False)
    family_weight = _FAMILY_WEIGHTS[family]
    reasons = []
    if given != Agreement.EXACT:
        reasons.append(f"given name {_NAME_WORDS[given]} ({a.given} / {b.given})")
    if min(_PREVIOUS_WEIGHT, _FAMILY_WEIGHTS[via_previous]) > family_weight:
        family_weight = min(_PREVIOUS_WEIGHT, _FAMILY_WEIGHTS[via_previous])
        reasons.append("family name matches the previous family name")
    elif family != Agreement.EXACT:
        reasons.append(f"family name {_NAME_WORDS[family]} ({a.family} / {b.family})")
    return _GIVEN_WEIGHTS[given] + family_weight, reasons


def _names(a: _Person, b: _Person, gender_differs: bool) -> tuple[float, list[str]]:
    """Names compared directly, or crosswise when one record has given and family names swapped."""
    na, nb = _names_of(a), _names_of(b)
    direct, reasons = _direct(na, nb, gender_differs)
    if direct >= _GIVEN_WEIGHTS[Agreement.EXACT] + _FAMILY_WEIGHTS[Agreement.EXACT] - _SWAP_PENALTY:
        return direct, reasons
    # Swapping either side keeps the score symmetric in a and b.
    crosswise = max(_direct(na.swapped, nb, gender_differs), _direct(na, nb.swapped, gender_differs))
    if crosswise[0] - _SWAP_PENALTY <= direct:
        return direct, reasons
    return crosswise[0] - _SWAP_PENALTY, ["given and family names are swapped", *crosswise[1]]


def _compare(a: _Person, b: _Person) -> tuple[float, tuple[str, ...]]:
    gender, gender_reason = _gender_weight(a.gender, b.gender)
    total, reasons = _names(a, b, gender_differs=gender < 0)
    dob = compare_dates(a.date_of_birth, b.date_of_birth)
    total += _DATE_WEIGHTS[dob] + gender
    if dob == DateAgreement.SWAPPED:
        reasons.append("date of birth has day and month swapped")
    elif dob != DateAgreement.EXACT:
        shown = f"({a.date_of_birth.isoformat()} / {b.date_of_birth.isoformat()})"
        reasons.append(f"date of birth {'differs by one digit' if dob == DateAgreement.TYPO else 'differs'} {shown}")
    if gender_reason:
        reasons.append(gender_reason)
    postcode, postcode_reason = _postcode_weight(a.postcode, b.postcode)
    if postcode_reason:
        reasons.append(postcode_reason)
    return total + postcode, tuple(reasons)


def _exact(a: _Person, b: _Person) -> bool:
    return (
        a.date_of_birth == b.date_of_birth
        and a.gender == b.gender
        and normalise_name(a.family_name) == normalise_name(b.family_name)
        and normalise_name(a.given_name) == normalise_name(b.given_name)
        and normalise_postcode(a.postcode) == normalise_postcode(b.postcode)
    )


def record_matches_exactly(query: Demographics, record: RegisterRecord) -> bool:
    """All five mandatory fields are equal after normalisation (the rule that refuses a registration, WSRC0021)."""
    return _exact(query, record)


def score(query: Demographics, record: RegisterRecord) -> ScoredRecord:
    """How well a register record matches a query, with the differences in plain words."""
    total, reasons = _compare(query, record)
    return ScoredRecord(record=record, score=total, exact=_exact(query, record), reasons=reasons)


def score_pair(a: RegisterRecord, b: RegisterRecord) -> DuplicatePair:
    """How likely two register records are one learner; the score does not depend on their order."""
    total, reasons = _compare(a, b)
    return DuplicatePair(first=a, second=b, score=total, reasons=reasons)


def is_probable_duplicate(pair: DuplicatePair, threshold: float = DUPLICATE_THRESHOLD) -> bool:
    return pair.score >= threshold


def _group(record: RegisterRecord) -> str:
    return record.master_uln or record.uln


def _best_per_learner(scored: Iterable[ScoredRecord]) -> list[ScoredRecord]:
    """One entry per learner: linked records of one master count once (masters win ties over linked records)."""
    best: dict[str, ScoredRecord] = {}
    for item in scored:
        key = _group(item.record)
        held = best.get(key)
        if held is None or (item.score, item.record.master_uln is None) > (held.score, held.record.master_uln is None):
            best[key] = item
    return sorted(best.values(), key=lambda item: (-item.score, item.record.uln))


def find_matches(
    query: Demographics, candidates: Iterable[RegisterRecord], thresholds: MatchThresholds = MatchThresholds()
) -> MatchResult:
    """The answer to a find-by-demographics query over the candidates the blocking keys found."""
    scored = _best_per_learner(score(query, record) for record in candidates)
    exact = [item for item in scored if item.exact]
    if len(exact) == 1:
        only = exact[0]
        code = ResponseCode.MASTER_SUBSTITUTED if only.record.master_uln else ResponseCode.EXACT_MATCH
        return MatchResult(code=code, matches=(only,))
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


def _same(a: str, b: str) -> bool:
    return a == b or normalise_name(a) == normalise_name(b)


def verify(query: VerificationQuery, record: RegisterRecord | None, linked: bool) -> VerificationResult:
    """Verify a learner's ULN and details against the register's record (already the master if linked).

    - No record: WSVRC006.
    - Every supplied field equal after normalisation (names by `normalise_name`; date of birth and gender
      only when supplied): WSVRC001, or WSVRC002 when linked; no flags.
    - Otherwise flags name each failed comparison (exact after normalisation): VRF1 given vs the register's
      given name; only when VRF1 fails, VRF2 given vs family and VRF3 given vs previous family name (when the
      register has one). Likewise VRF5 family vs family, and only then VRF4 family vs given and VRF6 family vs
      previous family name. VRF7 when a supplied date of birth differs, VRF8 when a supplied gender differs.
    - The answer is WSVRC003 (WSVRC004 when linked) when the names are similar and the rest is tolerable,
      else WSVRC005. Names are similar when the given name is like the register's given name and the family
      name like its family or previous family name, or the same crosswise (swapped names); "like" is equal,
      a typo, a nickname (given names), a difference in spacing, or one part of a multi-part name. A date of
      birth is tolerable when not supplied, equal, day and month swapped or one digit wrong; a gender when not
      supplied, equal, or not known (0 or 9) on one side.
    """
    if record is None:
        return _NOT_FOUND
    given_equal = _same(query.given_name, record.given_name)
    family_equal = _same(query.family_name, record.family_name)
    dob_equal = query.date_of_birth is None or query.date_of_birth == record.date_of_birth
    gender_equal = query.gender is None or query.gender == record.gender
    if given_equal and family_equal and dob_equal and gender_equal:
        return _MATCHED[linked]
    return _verify_similar(query, record, linked, given_equal, family_equal)


def _verify_similar(
    query: VerificationQuery, record: RegisterRecord, linked: bool, given_equal: bool, family_equal: bool
) -> VerificationResult:
    previous = record.previous_family_name or None
    flags: list[FailureFlag] = []
    if not given_equal:
        flags.append(FailureFlag.GIVEN_VS_GIVEN)
        if not _same(query.given_name, record.family_name):
            flags.append(FailureFlag.GIVEN_VS_FAMILY)
        if previous and not _same(query.given_name, previous):
            flags.append(FailureFlag.GIVEN_VS_PREVIOUS_FAMILY)
    if not family_equal:
        if not _same(query.family_name, record.given_name):
            flags.append(FailureFlag.FAMILY_VS_GIVEN)
        flags.append(FailureFlag.FAMILY_VS_FAMILY)
        if previous and not _same(query.family_name, previous):
            flags.append(FailureFlag.FAMILY_VS_PREVIOUS_FAMILY)

    reasons: list[str] = []
    families = [name for name in (record.family_name, previous) if name]
    direct = (compare_names(query.given_name, record.given_name, True),
              _best(((query.family_name, f) for f in families), False))  # fmt: skip
    crosswise = (compare_names(query.family_name, record.given_name, True),
                 _best(((query.given_name, f) for f in families), False))  # fmt: skip
    names_similar = Agreement.DIFFERENT not in direct or Agreement.DIFFERENT not in crosswise
    if Agreement.DIFFERENT not in direct:
        reasons += _name_reasons(query, record, direct)
    elif names_similar:
        reasons.append("given and family names are swapped")
    else:
        reasons.append(f"names differ ({query.given_name} {query.family_name} / "
                       f"{record.given_name} {record.family_name})")  # fmt: skip

    dob_ok = True
    if query.date_of_birth is not None and query.date_of_birth != record.date_of_birth:
        flags.append(FailureFlag.DATE_OF_BIRTH)
        dob = compare_dates(query.date_of_birth, record.date_of_birth)
        dob_ok = dob != DateAgreement.DIFFERENT
        words = {DateAgreement.SWAPPED: "has day and month swapped", DateAgreement.TYPO: "differs by one digit"}
        reasons.append(f"date of birth {words.get(dob, 'differs')}")
    gender_ok = True
    if query.gender is not None and query.gender != record.gender:
        flags.append(FailureFlag.GENDER)
        gender_ok = query.gender in _UNKNOWN_GENDERS or record.gender in _UNKNOWN_GENDERS
        reasons.append("gender is not known on one side" if gender_ok else "gender differs")

    if names_similar and dob_ok and gender_ok:
        code = VerificationCode.SIMILAR_LINKED_MATCH if linked else VerificationCode.SIMILAR_MATCH
    else:
        code = VerificationCode.NO_MATCH
    return VerificationResult(code=code, flags=tuple(sorted(flags, key=_flag_order)), reasons=tuple(reasons))


def _flag_order(flag: FailureFlag) -> int:
    return int(flag.value[3:])


def _name_reasons(query: VerificationQuery, record: RegisterRecord, levels: tuple[Agreement, Agreement]) -> list[str]:
    given, family = levels
    reasons = []
    if given != Agreement.EXACT:
        reasons.append(f"given name {_NAME_WORDS[given]} ({query.given_name} / {record.given_name})")
    if family != Agreement.EXACT or not _same(query.family_name, record.family_name):
        if _same(query.family_name, record.previous_family_name or ""):
            reasons.append("family name matches the previous family name")
        else:
            reasons.append(f"family name {_NAME_WORDS[family]} ({query.family_name} / {record.family_name})")
    return reasons
