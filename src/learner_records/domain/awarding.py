"""The awarding organisation's rules: registrations, ULN validation outcomes, anomalies and the removal period.

- A registration may come without a ULN (state NONE). A ULN that is present must be 10 digits; a wrong check digit
  is not refused at entry but becomes an anomaly at once, with no register call (the registration still counts).
- After registration every ULN is validated against the register. WSVRC001 validates it; every other outcome is an
  anomaly the centre must resolve, listing each failed field in plain words and one suggested fix:
    WSVRC002/004  LINKED     the ULN was merged: use the master ULN (and, for 004, the register's details)
    WSVRC003      SIMILAR    swap the names when that makes them exact, else use the register's spelling, date of
                             birth (day and month swapped, one digit wrong) or gender
    WSVRC005      NO_MATCH   the ULN is another person's: nothing of the register's record is shown, because a
                             centre must not learn another learner's details
    WSVRC006      NOT_FOUND  check the ULN with the learner
- The removal period (default 28 days) counts from the registration, not from the anomaly: a ULN still unresolved on
  the removal date is removed (the registration stays). Reminders go out 7 days and 1 day before, once each.
- Only a validated ULN is printed on a certificate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from . import uln as uln_rules
from .checks import FieldChecks
from .codes import FailureFlag, VerificationCode
from .errors import InvalidField, InvalidUln, InvalidUlnChecksum
from .learner import Gender, check_name, parse_date, parse_gender, parse_postcode
from .matching import RegisterRecord, VerificationResult
from .matching.levels import SWAPPED, compare_dates
from .names import normalise_name

REMOVAL_DAYS = 28
REMINDER_DAYS = (7, 1)
CANDIDATE_REFERENCE_LENGTH = 30
FIELDS = ("given_name", "family_name", "date_of_birth", "gender", "postcode", "uln", "candidate_reference")
_GENDER_WORDS: dict[int, str] = {
    Gender.NOT_KNOWN: "not known",
    Gender.MALE: "male",
    Gender.FEMALE: "female",
    Gender.NOT_SPECIFIED: "not specified",
}


class UlnState(StrEnum):
    NONE = "none"  # no ULN given
    PENDING = "pending"  # waiting for validation
    VALIDATED = "validated"
    ANOMALY = "anomaly"
    REMOVED = "removed"


class AnomalyKind(StrEnum):
    BAD_CHECK_DIGIT = "bad_check_digit"
    LINKED = "linked"  # WSVRC002, WSVRC004
    SIMILAR = "similar"  # WSVRC003
    NO_MATCH = "no_match"  # WSVRC005
    NOT_FOUND = "not_found"  # WSVRC006


class FixKind(StrEnum):
    USE_MASTER_ULN = "use_master_uln"
    USE_REGISTER_NAMES = "use_register_names"
    SWAP_NAMES = "swap_names"
    USE_REGISTER_DATE_OF_BIRTH = "use_register_date_of_birth"
    USE_REGISTER_GENDER = "use_register_gender"
    CHECK_ULN = "check_uln"
    REMOVE_ULN = "remove_uln"


@dataclass(frozen=True, slots=True)
class RegistrationDetails:
    given_name: str
    family_name: str
    date_of_birth: date
    gender: int
    postcode: str | None = None
    uln: str | None = None
    candidate_reference: str | None = None


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str  # in plain words: "given name", "family name", "date of birth", "gender", "ULN"
    sent: str | None
    register: str | None  # None when the register's value is unknown or must not be shown
    words: str


@dataclass(frozen=True, slots=True)
class SuggestedFix:
    kind: FixKind
    words: str
    changes: tuple[tuple[str, str], ...] = ()  # (registration field, new value); "" for the ULN removes it


@dataclass(frozen=True, slots=True)
class Anomaly:
    kind: AnomalyKind
    code: VerificationCode | None  # None for a bad check digit: the register was never asked
    problems: tuple[FieldProblem, ...]
    fix: SuggestedFix
    raised_on: date
    removal_date: date

    def days_left(self, today: date) -> int:
        return max(0, (self.removal_date - today).days)

    def is_overdue(self, today: date) -> bool:
        return today >= self.removal_date

    def reminder_due(self, today: date, sent: frozenset[int]) -> int | None:
        """The reminder (7 or 1 days) to send today, if any.

        Only the nearest reminder whose window has opened counts: once the 1-day one is due, a 7-day one that was
        never sent would only contradict it, so it is skipped rather than sent late.
        """
        if self.is_overdue(today):
            return None
        left = self.days_left(today)
        for days in sorted(REMINDER_DAYS):
            if left <= days:
                return None if days in sent else days
        return None


def removal_date(registered_on: date, removal_days: int = REMOVAL_DAYS) -> date:
    if removal_days < 0:
        raise ValueError(f"the removal period must not be negative, got {removal_days} days")
    return registered_on + timedelta(days=removal_days)


# Registration fields ----------------------------------------------------------------------------------------------


def _text(value: object) -> str:
    # A spreadsheet may hand over numbers (gender 0, a ULN), so only None counts as blank, never a falsy 0.
    return "" if value is None else str(value).strip()


def _uln_digits(value: object, field: str) -> str:
    uln = uln_rules.compact(str(value))
    if not (len(uln) == uln_rules.LENGTH and uln.isascii() and uln.isdigit()):
        raise InvalidField(field, f"{value!r} is not 10 digits", "a ULN is 10 digits, or blank")
    return uln


def _reference(value: object, field: str) -> str:
    text = str(value)
    if len(text) > CANDIDATE_REFERENCE_LENGTH:
        raise InvalidField(field, f"has {len(text)} characters", f"at most {CANDIDATE_REFERENCE_LENGTH} characters")
    return text


def parse_registration(raw: Mapping[str, object]) -> RegistrationDetails:
    """A registration's fields, every problem reported at once (InvalidFields, named as the CSV columns).

    A ULN is only checked for being 10 digits: a wrong check digit is accepted and becomes an anomaly.
    """
    checks = FieldChecks()
    text = {field: _text(raw.get(field)) for field in FIELDS}
    given = checks.take(check_name, text["given_name"], "given_name")
    family = checks.take(check_name, text["family_name"], "family_name")
    # A date object passes straight through; parse_date formats it and checks the year range.
    born = raw.get("date_of_birth")
    dob = checks.take(parse_date, born if isinstance(born, date) else text["date_of_birth"], "date_of_birth")
    gender = checks.take(parse_gender, text["gender"], "gender")
    postcode = checks.optional(text["postcode"], parse_postcode, "postcode")
    uln = checks.optional(text["uln"], _uln_digits, "uln")
    reference = checks.take(_reference, text["candidate_reference"], "candidate_reference")
    checks.done()
    assert given is not None and family is not None and dob is not None and gender is not None  # else raised
    return RegistrationDetails(given, family, dob, int(gender), postcode, uln, reference or None)


def apply_fix(details: RegistrationDetails, fix: SuggestedFix) -> RegistrationDetails:
    """The registration with the fix's changes made; an empty ULN removes it."""
    values = dict(fix.changes)
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"a fix cannot change {', '.join(sorted(unknown))}")
    return RegistrationDetails(
        given_name=values.get("given_name", details.given_name),
        family_name=values.get("family_name", details.family_name),
        date_of_birth=date.fromisoformat(values["date_of_birth"])
        if "date_of_birth" in values
        else details.date_of_birth,
        gender=int(values["gender"]) if "gender" in values else details.gender,
        postcode=values.get("postcode", details.postcode) or None,
        uln=values.get("uln", details.uln) or None,
        candidate_reference=values.get("candidate_reference", details.candidate_reference) or None,
    )


def certificate_uln(state: UlnState, uln: str | None) -> str | None:
    """Only a validated ULN is printed on a certificate."""
    return uln_rules.format(uln) if state is UlnState.VALIDATED and uln else None


# Outcome -> anomaly ---------------------------------------------------------------------------------------------


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _gender(code: int) -> str:
    return _GENDER_WORDS.get(code, str(code))


def _same(name: str, other: str | None) -> bool:
    return other is not None and normalise_name(name) == normalise_name(other)


def _uln_fault(uln: str) -> tuple[str, SuggestedFix] | None:
    """What is wrong with a ULN on its face, and the fix; None when its check digit is right."""
    try:
        uln_rules.validate(uln)
    except InvalidUlnChecksum:
        try:
            expected = uln_rules.calc_check_digit(uln[:9])
        except InvalidUlnChecksum:
            words = f"{uln} can never be a ULN: no check digit fits its first nine digits"
        else:
            fix = SuggestedFix(FixKind.CHECK_ULN, "Check the ULN with the learner and correct it: a digit is wrong")
            return f"{uln} has check digit {uln[9]}; a ULN with those first nine digits ends in {expected}", fix
    except InvalidUln:
        words = f"{uln} can never be a ULN: a ULN is 10 digits and does not start with 0"
    else:
        return None
    # No single digit is known to be wrong, so the only step the centre can take now is to drop the number.
    fix = SuggestedFix(
        FixKind.REMOVE_ULN,
        "Remove this ULN and ask the learner for theirs (it is on their learning record and earlier certificates)",
        (("uln", ""),),
    )
    return words, fix


def _problems(details: RegistrationDetails, held: RegisterRecord, flags: frozenset[FailureFlag]) -> list[FieldProblem]:
    """The failed comparisons the centre can act on. VRF2/3/4/6 (crosswise and previous-name checks) are evidence
    for the fix, not problems of their own."""
    problems = []
    if FailureFlag.GIVEN_VS_GIVEN in flags:
        words = f"The register has given name {held.given_name}; you sent {details.given_name}"
        problems.append(FieldProblem("given name", details.given_name, held.given_name, words))
    if FailureFlag.FAMILY_VS_FAMILY in flags:
        words = f"The register has family name {held.family_name}; you sent {details.family_name}"
        if _same(details.family_name, held.previous_family_name):
            words += ", the learner's previous family name"
        problems.append(FieldProblem("family name", details.family_name, held.family_name, words))
    if FailureFlag.DATE_OF_BIRTH in flags:
        words = f"The register has date of birth {_long(held.date_of_birth)}; you sent {_long(details.date_of_birth)}"
        if compare_dates(details.date_of_birth, held.date_of_birth) == SWAPPED:
            words += ", with the day and month the other way round"
        sent, register = details.date_of_birth.isoformat(), held.date_of_birth.isoformat()
        problems.append(FieldProblem("date of birth", sent, register, words))
    if FailureFlag.GENDER in flags:
        sent, register = _gender(details.gender), _gender(held.gender)
        problems.append(FieldProblem("gender", sent, register, f"The register has gender {register}; you sent {sent}"))
    return problems


def _names_fix(details: RegistrationDetails, held: RegisterRecord, flags: frozenset[FailureFlag]) -> SuggestedFix:
    names = (("given_name", held.given_name), ("family_name", held.family_name))
    if _same(details.given_name, held.family_name) and _same(details.family_name, held.given_name):
        words = f"Swap the given and family names: the register has {held.given_name} {held.family_name}"
        return SuggestedFix(FixKind.SWAP_NAMES, words, names)
    if _same(details.family_name, held.previous_family_name) and FailureFlag.GIVEN_VS_GIVEN not in flags:
        words = f"Use the learner's new family name {held.family_name}: {details.family_name} was their previous one"
        return SuggestedFix(FixKind.USE_REGISTER_NAMES, words, names[1:])
    # Only the names that failed change, so a centre's correct spelling of the other is kept as typed.
    changes = tuple(
        change
        for change, flag in zip(names, (FailureFlag.GIVEN_VS_GIVEN, FailureFlag.FAMILY_VS_FAMILY), strict=True)
        if flag in flags
    )
    return SuggestedFix(
        FixKind.USE_REGISTER_NAMES,
        f"Use the names as the register spells them: {held.given_name} {held.family_name}",
        changes or names,
    )


def _detail_fixes(
    details: RegistrationDetails, held: RegisterRecord, flags: frozenset[FailureFlag]
) -> list[SuggestedFix]:
    """A fix for each failed field, names first: they are what a centre most often mistypes."""
    fixes = []
    if flags & {FailureFlag.GIVEN_VS_GIVEN, FailureFlag.FAMILY_VS_FAMILY}:
        fixes.append(_names_fix(details, held, flags))
    if FailureFlag.DATE_OF_BIRTH in flags:
        if compare_dates(details.date_of_birth, held.date_of_birth) == SWAPPED:
            words = f"Use the register's date of birth {_long(held.date_of_birth)}: the day and month were swapped"
        else:
            words = f"Check the date of birth with the learner; the register has {_long(held.date_of_birth)}"
        changes = (("date_of_birth", held.date_of_birth.isoformat()),)
        fixes.append(SuggestedFix(FixKind.USE_REGISTER_DATE_OF_BIRTH, words, changes))
    if FailureFlag.GENDER in flags:
        words = f"Use the register's gender, {_gender(held.gender)}"
        fixes.append(SuggestedFix(FixKind.USE_REGISTER_GENDER, words, (("gender", str(held.gender)),)))
    return fixes


def _combined(fixes: list[SuggestedFix]) -> SuggestedFix:
    """One fix that resolves every failed field, so accepting it makes the next validation exact; it is named by
    the first (most likely) step."""
    first, rest = fixes[0], fixes[1:]
    words = ". Also ".join([first.words, *(fix.words[0].lower() + fix.words[1:] for fix in rest)])
    return SuggestedFix(first.kind, words, tuple(change for fix in fixes for change in fix.changes))


def assess(
    details: RegistrationDetails,
    result: VerificationResult | None,
    register: RegisterRecord | None,
    registered_on: date,
    today: date,
    removal_days: int = REMOVAL_DAYS,
) -> UlnState | Anomaly:
    """What a validation outcome means for a registration: a state, or an anomaly raised today.

    `result` None means the register has not been asked yet (PENDING), unless the ULN is wrong on its face.
    `register` is the register's record the outcome was about (the master for a linked ULN); it is needed for
    WSVRC002-004 and ignored otherwise.
    """
    if details.uln is None:
        return UlnState.NONE
    deadline = removal_date(registered_on, removal_days)
    uln = details.uln

    def raised(
        kind: AnomalyKind, code: VerificationCode | None, problems: list[FieldProblem], fix: SuggestedFix
    ) -> Anomaly:
        return Anomaly(kind, code, tuple(problems), fix, today, deadline)

    fault = _uln_fault(uln)
    if fault is not None:
        words, fix = fault
        return raised(AnomalyKind.BAD_CHECK_DIGIT, None, [FieldProblem("ULN", uln, None, words)], fix)
    if result is None:
        return UlnState.PENDING
    code = result.code
    if code is VerificationCode.MATCH:
        return UlnState.VALIDATED
    if code is VerificationCode.ULN_NOT_FOUND:
        problem = FieldProblem("ULN", uln, None, f"The register has no learner with ULN {uln}")
        words = "Check the ULN with the learner and correct it; if they have no ULN, remove it"
        return raised(AnomalyKind.NOT_FOUND, code, [problem], SuggestedFix(FixKind.CHECK_ULN, words))
    if code is VerificationCode.NO_MATCH:
        # Another person's record: say only that it differs, never which of their values or what they are.
        words = f"ULN {uln} belongs to a different learner: the details you sent are not the register's for it"
        fix = SuggestedFix(
            FixKind.CHECK_ULN,
            "Check the ULN with the learner; the register's learner for this ULN is a different person",
        )
        return raised(AnomalyKind.NO_MATCH, code, [FieldProblem("ULN", uln, None, words)], fix)
    if register is None:
        raise ValueError(f"{code} is about a register record, but none was given")
    flags = frozenset(result.flags)
    problems = _problems(details, register, flags)
    fixes = _detail_fixes(details, register, flags)
    if code.is_linked:
        # The master is the record answered; a caller holding the linked record itself points at it instead.
        master = register.master_uln or register.uln
        merged = FieldProblem(
            "ULN", uln, master, f"ULN {uln} was merged into ULN {master}, which the register now uses"
        )
        words = f"Use the master ULN {master}: the ULN you sent was merged into it"
        fix = _combined([SuggestedFix(FixKind.USE_MASTER_ULN, words, (("uln", master),)), *fixes])
        return raised(AnomalyKind.LINKED, code, [merged, *problems], fix)
    if not fixes:
        # A similar match that names no field: the register's names are the one value it always compares.
        fixes = [_names_fix(details, register, frozenset({FailureFlag.GIVEN_VS_GIVEN, FailureFlag.FAMILY_VS_FAMILY}))]
    return raised(AnomalyKind.SIMILAR, code, problems, _combined(fixes))
