"""The awarding organisation's rules: registrations, ULN validation outcomes, anomalies and the removal period.

After registration every ULN is validated against the register. WSVRC001 validates it. Anything else is an
anomaly the centre must resolve: each failed field in plain words, the register's values where it may see them,
a suggested fix, and the date the ULN will be removed (the removal period, default 28 days, counts from the
registration). A ULN whose check digit is wrong is an anomaly at once, with no register call. A linked ULN
(WSVRC002/004) suggests the master ULN. For WSVRC005 the register's learner is another person, whose details a
centre must not see, so nothing of the register's record is shown. Only a validated ULN is printed.
Reminders go out 7 days and 1 day before removal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from . import uln as uln_rules
from .codes import FailureFlag, VerificationCode
from .errors import InvalidField, InvalidFields, InvalidUlnChecksum
from .learner import check_name, parse_date, parse_gender, parse_postcode
from .matching import RegisterRecord, VerificationResult

REMOVAL_DAYS = 28
REMINDER_DAYS = (7, 1)
_GENDERS = {0: "not known", 1: "male", 2: "female", 9: "not specified"}


class UlnState(StrEnum):
    NONE = "none"  # no ULN given
    PENDING = "pending"  # waiting for validation
    VALIDATED = "validated"
    ANOMALY = "anomaly"
    REMOVED = "removed"


class AnomalyKind(StrEnum):
    BAD_CHECK_DIGIT = "bad_check_digit"
    LINKED = "linked"
    SIMILAR = "similar"
    NO_MATCH = "no_match"
    NOT_FOUND = "not_found"


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
    field: str  # in plain words: "family name", "date of birth", ...
    sent: str | None
    register: str | None
    words: str


@dataclass(frozen=True, slots=True)
class SuggestedFix:
    kind: FixKind
    words: str
    changes: tuple[tuple[str, str], ...] = ()  # (field, new value) to apply to the registration


@dataclass(frozen=True, slots=True)
class Anomaly:
    kind: AnomalyKind
    code: VerificationCode | None
    problems: tuple[FieldProblem, ...]
    fix: SuggestedFix
    raised_on: date
    removal_date: date

    def days_left(self, today: date) -> int:
        return max(0, (self.removal_date - today).days)

    def is_overdue(self, today: date) -> bool:
        return today >= self.removal_date

    def reminder_due(self, today: date, sent: frozenset[int]) -> int | None:
        """7 or 1 when that reminder is due and not yet sent (the 1-day one wins when both are due)."""
        if self.is_overdue(today):
            return None
        left = self.days_left(today)
        due = [days for days in sorted(REMINDER_DAYS) if left <= days and days not in sent]
        return due[0] if due else None


def removal_date(registered_on: date, removal_days: int = REMOVAL_DAYS) -> date:
    return registered_on + timedelta(days=removal_days)


def parse_registration(raw: Mapping[str, object]) -> RegistrationDetails:
    """A registration's fields; a wrong ULN check digit is accepted here (it becomes an anomaly, not an error)."""
    problems: list[InvalidField] = []

    def take(check: object, *args: object) -> object:
        try:
            return check(*args)  # type: ignore[operator]
        except InvalidField as problem:
            problems.append(problem)
            return None

    text = {
        key: str(raw.get(key) or "").strip()
        for key in ("given_name", "family_name", "date_of_birth", "gender", "postcode", "uln", "candidate_reference")
    }
    given = take(check_name, text["given_name"], "given_name")
    family = take(check_name, text["family_name"], "family_name")
    dob = take(parse_date, text["date_of_birth"], "date_of_birth")
    gender = take(parse_gender, text["gender"], "gender")
    postcode = take(parse_postcode, text["postcode"], "postcode") if text["postcode"] else None
    uln = uln_rules.compact(text["uln"]) or None
    if uln is not None and not (len(uln) == 10 and uln.isascii() and uln.isdigit()):
        problems.append(InvalidField("uln", f"{text['uln']!r} is not 10 digits", "a ULN is 10 digits"))
    if len(text["candidate_reference"]) > 30:
        problems.append(InvalidField("candidate_reference", "is longer than 30 characters", "at most 30 characters"))
    if problems:
        raise InvalidFields(problems)
    assert isinstance(dob, date) and gender is not None  # both checked above, or problems were raised
    return RegistrationDetails(
        str(given),
        str(family),
        dob,
        int(str(gender)),
        postcode if isinstance(postcode, str) else None,
        uln,
        text["candidate_reference"] or None,
    )


def _anomaly(
    kind: AnomalyKind,
    code: VerificationCode | None,
    problems: list[FieldProblem],
    fix: SuggestedFix,
    registered_on: date,
    today: date,
    removal_days: int,
) -> Anomaly:
    return Anomaly(kind, code, tuple(problems), fix, today, removal_date(registered_on, removal_days))


def _check_digit_problem(uln: str) -> str | None:
    try:
        uln_rules.validate(uln)
    except InvalidUlnChecksum:
        try:
            expected = uln_rules.calc_check_digit(uln[:9])
        except InvalidUlnChecksum:
            return f"{uln} can never be a ULN: no check digit fits its first nine digits"
        return f"{uln} has check digit {uln[9]}; a ULN with those first nine digits ends in {expected}"
    except InvalidField:
        return f"{uln} is not a valid ULN: it must not start with 0"
    return None


def _name_problems(
    details: RegistrationDetails, register: RegisterRecord, flags: tuple[FailureFlag, ...]
) -> list[FieldProblem]:
    problems = []
    if FailureFlag.GIVEN_VS_GIVEN in flags:
        problems.append(
            FieldProblem(
                "given name",
                details.given_name,
                register.given_name,
                f"The register has given name {register.given_name}; you sent {details.given_name}",
            )
        )
    if FailureFlag.FAMILY_VS_FAMILY in flags:
        problems.append(
            FieldProblem(
                "family name",
                details.family_name,
                register.family_name,
                f"The register has family name {register.family_name}; you sent {details.family_name}",
            )
        )
    if FailureFlag.DATE_OF_BIRTH in flags:
        problems.append(
            FieldProblem(
                "date of birth",
                details.date_of_birth.isoformat(),
                register.date_of_birth.isoformat(),
                f"The register has date of birth {register.date_of_birth:%d %B %Y}; you sent "
                f"{details.date_of_birth:%d %B %Y}",
            )
        )
    if FailureFlag.GENDER in flags:
        sent, held = (
            _GENDERS.get(details.gender, str(details.gender)),
            _GENDERS.get(register.gender, str(register.gender)),
        )
        problems.append(FieldProblem("gender", sent, held, f"The register has gender {held}; you sent {sent}"))
    return problems


def _best_fix(details: RegistrationDetails, register: RegisterRecord, flags: tuple[FailureFlag, ...]) -> SuggestedFix:
    names_swapped = (details.given_name.casefold(), details.family_name.casefold()) == (
        register.family_name.casefold(),
        register.given_name.casefold(),
    )
    if names_swapped:
        return SuggestedFix(
            FixKind.SWAP_NAMES,
            "Swap the given and family names: they were entered the wrong way round",
            (("given_name", register.given_name), ("family_name", register.family_name)),
        )
    if FailureFlag.DATE_OF_BIRTH in flags:
        return SuggestedFix(
            FixKind.USE_REGISTER_DATE_OF_BIRTH,
            f"Check the date of birth with the learner; the register has {register.date_of_birth:%d %B %Y}",
            (("date_of_birth", register.date_of_birth.isoformat()),),
        )
    if FailureFlag.GENDER in flags and not {FailureFlag.GIVEN_VS_GIVEN, FailureFlag.FAMILY_VS_FAMILY} & set(flags):
        return SuggestedFix(
            FixKind.USE_REGISTER_GENDER, "Use the gender the register holds", (("gender", str(register.gender)),)
        )
    return SuggestedFix(
        FixKind.USE_REGISTER_NAMES,
        f"Use the names as the register spells them: {register.given_name} {register.family_name}",
        (("given_name", register.given_name), ("family_name", register.family_name)),
    )


def assess(
    details: RegistrationDetails,
    result: VerificationResult | None,
    register: RegisterRecord | None,
    registered_on: date,
    today: date,
    removal_days: int = REMOVAL_DAYS,
) -> UlnState | Anomaly:
    """What a validation outcome means for a registration."""
    if details.uln is None:
        return UlnState.NONE
    bad = _check_digit_problem(details.uln)
    if bad is not None:
        problem = FieldProblem("ULN", details.uln, None, bad)
        fix = SuggestedFix(FixKind.CHECK_ULN, "Check the ULN with the learner and correct it, or remove it")
        return _anomaly(AnomalyKind.BAD_CHECK_DIGIT, None, [problem], fix, registered_on, today, removal_days)
    if result is None:
        return UlnState.PENDING
    code = result.code
    if code is VerificationCode.MATCH:
        return UlnState.VALIDATED
    if code is VerificationCode.ULN_NOT_FOUND or register is None:
        problem = FieldProblem("ULN", details.uln, None, f"The register has no learner with ULN {details.uln}")
        fix = SuggestedFix(FixKind.CHECK_ULN, "Check the ULN with the learner; if they have none, remove it")
        return _anomaly(AnomalyKind.NOT_FOUND, code, [problem], fix, registered_on, today, removal_days)
    if code is VerificationCode.NO_MATCH:
        problem = FieldProblem(
            "ULN", details.uln, None, f"ULN {details.uln} belongs to a different learner on the register"
        )
        fix = SuggestedFix(FixKind.CHECK_ULN, "Check the ULN with the learner: it belongs to someone else")
        return _anomaly(AnomalyKind.NO_MATCH, code, [problem], fix, registered_on, today, removal_days)
    problems = _name_problems(details, register, result.flags)
    if code.is_linked:
        master = FieldProblem(
            "ULN",
            details.uln,
            register.uln,
            f"ULN {details.uln} was merged into ULN {register.uln}, which the register now uses",
        )
        fix = SuggestedFix(
            FixKind.USE_MASTER_ULN,
            f"Use the master ULN {register.uln}: the ULN you sent was merged into it",
            (("uln", register.uln),),
        )
        return _anomaly(AnomalyKind.LINKED, code, [master, *problems], fix, registered_on, today, removal_days)
    fix = _best_fix(details, register, result.flags)
    return _anomaly(AnomalyKind.SIMILAR, code, problems, fix, registered_on, today, removal_days)


def apply_fix(details: RegistrationDetails, fix: SuggestedFix) -> RegistrationDetails:
    changes = dict(fix.changes)
    if "date_of_birth" in changes:
        return replace(details, date_of_birth=date.fromisoformat(changes.pop("date_of_birth")), **changes)  # type: ignore[arg-type]
    if "gender" in changes:
        return replace(details, gender=int(changes.pop("gender")), **changes)  # type: ignore[arg-type]
    return replace(details, **changes)  # type: ignore[arg-type]


def certificate_uln(state: UlnState, uln: str | None) -> str | None:
    """Only a validated ULN is printed on a certificate."""
    return uln if state is UlnState.VALIDATED else None
