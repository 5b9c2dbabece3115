"""The Personal Learning Record: learning events, achievement actions and who may read what.

An awarding organisation sends achievements (ExternalService `Achievement`); each carries an action. Action numbers
are not published for the protocol, so this register uses 1 create, 2 update, 3 withdraw, 4 reinstate,
5 promote provisional to final. An achievement is identified by its learner, its unit or qualification reference
and the organisation that submitted it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import IntEnum, StrEnum

from .access import Actor, OrganisationKind
from .checks import FieldChecks
from .errors import InvalidField
from .learner import AbilityToShare, parse_date, parse_gender, parse_postcode, validate_uln
from .qualifications import Qualification, normalise_reference, reference_kind

SOURCE_AWARDING_ORGANISATION = "QCFU"  # the PLR's source code for achievements an awarding organisation uploads


class Action(IntEnum):
    CREATE = 1
    UPDATE = 2
    WITHDRAW = 3
    REINSTATE = 4
    PROMOTE_TO_FINAL = 5


class EventStatus(StrEnum):
    FINAL = "F"
    PROVISIONAL = "P"


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    WITHDRAWN = "withdrawn"
    REINSTATED = "reinstated"
    PROMOTED = "promoted"
    UNCHANGED = "unchanged"  # sent again: nothing to do (submissions are idempotent)
    FIELD_ERROR = "field_error"
    LEARNER_ERROR = "learner_error"
    BUSINESS_ERROR = "business_error"

    @property
    def is_error(self) -> bool:
        return self in (Outcome.FIELD_ERROR, Outcome.LEARNER_ERROR, Outcome.BUSINESS_ERROR)


class View(StrEnum):
    FULL = "FULL"
    BRIEF = "BRIEF"


@dataclass(frozen=True, slots=True)
class Achievement:
    """One row of an achievement submission, its fields checked."""

    uln: str
    given_name: str
    family_name: str
    provider_ukprn: str
    reference: str
    award_date: date
    action: Action
    action_date: date
    status: EventStatus | None = None  # None: not sent (a new event is final; a change keeps the stored status)
    grade: str | None = None
    date_of_birth: date | None = None
    gender: int | None = None
    postcode: str | None = None
    language_for_assessment: str | None = None
    action_reason: str | None = None
    mis_identifier: str | None = None


@dataclass(frozen=True, slots=True)
class LearningEvent:
    id: int | None
    uln: str  # the ULN it was recorded under (a linked ULN's events show on its master's PLR)
    source: str
    subject_code: str
    subject: str
    qualification_type: str | None
    level: str | None
    grade: str | None
    credits: int | None
    awarding_organisation_name: str | None
    awarding_organisation_ukprn: str | None
    provider_name: str | None
    provider_ukprn: str | None
    award_date: date | None
    participation_start: date | None
    participation_end: date | None
    status: EventStatus
    date_loaded: datetime
    updated_at: datetime
    language_for_assessment: str | None = None
    under_data_challenge: bool = False
    withdrawn: bool = False
    submitted_by: int | None = None


_UKPRN_RULE = "MIAPUKPRN: 8 letters or digits"


def _required(raw: Mapping[str, object], name: str, checks: FieldChecks) -> str:
    value = str(raw.get(name) or "").strip()
    if not value:
        checks.add(InvalidField(name, "is missing", "mandatory"))
    return value


def _optional(raw: Mapping[str, object], name: str) -> str | None:
    value = str(raw.get(name) or "").strip()
    return value or None


def parse_achievement(raw: Mapping[str, object], today: date) -> Achievement:
    """Check an achievement row's fields (protocol element names as keys); every problem at once."""
    checks = FieldChecks()
    uln = checks.optional(_required(raw, "Uln", checks), validate_uln, "Uln")
    given = _required(raw, "GivenName", checks)
    family = _required(raw, "FamilyName", checks)
    provider = _required(raw, "ProviderUkprn", checks)
    if provider and not (len(provider) == 8 and provider.isascii() and provider.isalnum()):
        checks.add(InvalidField("ProviderUkprn", f"{provider!r} is not a UKPRN", _UKPRN_RULE))
    reference = normalise_reference(_required(raw, "UnitOrQualificationReferenceNumber", checks))
    checks.optional(reference, reference_kind)
    # date-times in the protocol: their time part says nothing here
    award_date = checks.take(parse_date, str(raw.get("AchievementAwardDate") or "")[:10], "AchievementAwardDate")
    action_date = checks.optional(str(raw.get("ActionDate") or "")[:10], parse_date, "ActionDate") or today
    action = checks.take(_action, raw.get("Action"))
    status = checks.optional((_optional(raw, "Status") or "").upper(), _status)
    dob = checks.optional((_optional(raw, "DateofBirth") or "")[:10], parse_date, "DateofBirth")
    gender = checks.optional(_optional(raw, "Gender"), parse_gender)
    postcode = checks.optional(_optional(raw, "LearnerPostcode"), parse_postcode, "LearnerPostcode")
    for name, limit in (("GivenName", 35), ("FamilyName", 35), ("Grade", 20), ("ActionReason", 255),
                        ("MisIdentifier", 128), ("LanguageForAssessment", 20)):  # fmt: skip
        value = _optional(raw, name)
        if value and len(value) > limit:
            checks.add(InvalidField(name, f"has {len(value)} characters", f"at most {limit} characters"))
    if award_date is not None and award_date > today:
        checks.add(InvalidField("AchievementAwardDate", f"{award_date} is in the future", "not after today"))
    checks.done()
    assert uln is not None and award_date is not None and action is not None  # else done() raised
    return Achievement(
        uln=uln, given_name=given, family_name=family, provider_ukprn=provider.upper(), reference=reference,
        award_date=award_date, action=action, action_date=action_date, status=status, grade=_optional(raw, "Grade"),
        date_of_birth=dob, gender=None if gender is None else int(gender), postcode=postcode,
        language_for_assessment=_optional(raw, "LanguageForAssessment"), action_reason=_optional(raw, "ActionReason"),
        mis_identifier=_optional(raw, "MisIdentifier"),
    )  # fmt: skip


def _action(value: object) -> Action:
    try:
        return Action(int(str(value or "").strip()))
    except ValueError:
        rule = "1 create, 2 update, 3 withdraw, 4 reinstate, 5 promote provisional to final"
        raise InvalidField("Action", f"{value!r} is not an action", rule) from None


def _status(text: str) -> EventStatus:
    if text not in ("F", "P"):
        raise InvalidField("Status", f"{text!r} is not F or P", "F final or P provisional")
    return EventStatus(text)


@dataclass(frozen=True, slots=True)
class Applied:
    outcome: Outcome
    event: LearningEvent | None  # the event to store (new or changed); None when nothing changes
    message: str = ""


def _business(message: str) -> Applied:
    return Applied(Outcome.BUSINESS_ERROR, None, message)


def apply_achievement(
    achievement: Achievement,
    existing: LearningEvent | None,
    qualification: Qualification,
    date_of_birth: date,
    submitted_by: int,
    provider_name: str | None,
    now: datetime,
) -> Applied:
    """What an achievement does to the learner's PLR: the business rules of the five actions."""
    if not qualification.allows_grade(achievement.grade):
        return Applied(Outcome.FIELD_ERROR, None, f"Grade: {achievement.grade!r} is not in the grade scheme of "
                       f"{qualification.reference} ({', '.join(qualification.grades)})")  # fmt: skip
    if achievement.award_date < date_of_birth:
        return _business(f"the award date {achievement.award_date} is before the learner's date of birth")
    if achievement.action is Action.CREATE:
        return _create(achievement, existing, qualification, submitted_by, provider_name, now)
    if existing is None:
        action = achievement.action.name.lower().replace("_", " ")
        return _business(f"there is no achievement {achievement.reference} for this learner to {action}")
    return _CHANGES[achievement.action](achievement, existing, qualification, provider_name, now)


def _create(
    achievement: Achievement, existing: LearningEvent | None, qualification: Qualification, submitted_by: int,
    provider_name: str | None, now: datetime,
) -> Applied:  # fmt: skip
    if existing is None:
        return Applied(Outcome.CREATED, _new_event(achievement, qualification, submitted_by, provider_name, now))
    if existing.withdrawn:
        return _business(f"{achievement.reference} was withdrawn for this learner: reinstate it instead")
    if _same(existing, _with_achievement(existing, achievement, qualification, provider_name, now)):
        return Applied(Outcome.UNCHANGED, None, "already on the PLR")
    return _business(f"{achievement.reference} is already on the PLR with other details: send an update")


def _update(a: Achievement, existing: LearningEvent, q: Qualification, provider: str | None, now: datetime) -> Applied:
    if existing.withdrawn:
        return _business(f"{a.reference} is withdrawn: reinstate it first")
    wanted = _with_achievement(existing, a, q, provider, now)
    if _same(existing, wanted):
        return Applied(Outcome.UNCHANGED, None, "no change")
    return Applied(Outcome.UPDATED, wanted)


def _withdraw(
    a: Achievement, existing: LearningEvent, q: Qualification, provider: str | None, now: datetime
) -> Applied:
    if existing.withdrawn:
        return Applied(Outcome.UNCHANGED, None, "already withdrawn")
    return Applied(Outcome.WITHDRAWN, replace(existing, withdrawn=True, updated_at=now))


def _reinstate(
    a: Achievement, existing: LearningEvent, q: Qualification, provider: str | None, now: datetime
) -> Applied:
    if not existing.withdrawn:
        return _business(f"{a.reference} is not withdrawn, so it cannot be reinstated")
    return Applied(Outcome.REINSTATED, replace(existing, withdrawn=False, updated_at=now))


def _promote(a: Achievement, existing: LearningEvent, q: Qualification, provider: str | None, now: datetime) -> Applied:
    if existing.withdrawn:
        return _business(f"{a.reference} is withdrawn: reinstate it first")
    if existing.status is EventStatus.FINAL:
        return Applied(Outcome.UNCHANGED, None, "already final")
    return Applied(Outcome.PROMOTED, replace(existing, status=EventStatus.FINAL, updated_at=now))


_CHANGES = {
    Action.UPDATE: _update,
    Action.WITHDRAW: _withdraw,
    Action.REINSTATE: _reinstate,
    Action.PROMOTE_TO_FINAL: _promote,
}


def _new_event(
    achievement: Achievement, qualification: Qualification, submitted_by: int, provider_name: str | None, now: datetime
) -> LearningEvent:
    blank = LearningEvent(
        id=None, uln=achievement.uln, source=SOURCE_AWARDING_ORGANISATION, subject_code=qualification.reference,
        subject=qualification.title, qualification_type=None, level=None, grade=None, credits=None,
        awarding_organisation_name=None, awarding_organisation_ukprn=None, provider_name=None, provider_ukprn=None,
        award_date=None, participation_start=None, participation_end=None,
        status=achievement.status or EventStatus.FINAL,
        date_loaded=now, updated_at=now, submitted_by=submitted_by,
    )  # fmt: skip
    return _with_achievement(blank, achievement, qualification, provider_name, now)


def _with_achievement(
    event: LearningEvent, achievement: Achievement, qualification: Qualification, provider_name: str | None,
    now: datetime,
) -> LearningEvent:  # fmt: skip
    return replace(
        event, subject=qualification.title, qualification_type=qualification.qualification_type,
        level=qualification.level, credits=qualification.credits, grade=achievement.grade,
        awarding_organisation_name=qualification.awarding_organisation_name,
        awarding_organisation_ukprn=qualification.awarding_organisation_ukprn,
        provider_ukprn=achievement.provider_ukprn, provider_name=provider_name, award_date=achievement.award_date,
        status=achievement.status or event.status,
        language_for_assessment=achievement.language_for_assessment, updated_at=now,
    )  # fmt: skip


def _same(a: LearningEvent, b: LearningEvent) -> bool:
    return replace(a, updated_at=b.updated_at) == b


def is_shared(ability_to_share: AbilityToShare) -> bool:
    """A learner who said they do not want their record shared gets WSEC0206 and no events."""
    return ability_to_share != AbilityToShare.DO_NOT_SHARE


def visible_events(actor: Actor, events: list[LearningEvent]) -> list[LearningEvent]:
    """Registration bodies and administrators see the whole PLR; an awarding organisation only what it sent."""
    shown = [event for event in events if not event.withdrawn]
    if actor.kind is OrganisationKind.AWARDING_ORGANISATION:
        return [event for event in shown if event.submitted_by == actor.organisation_id]
    return shown


# The fields a BRIEF read of the PLR returns (GetLearnerLearningEvents getType BRIEF).
BRIEF_FIELDS = ("id", "award_date", "credits", "source", "level", "subject", "grade", "subject_code",
                "provider_ukprn")  # fmt: skip
CHALLENGE_REASON_LIMIT = 2000


def check_reason(reason: str, field: str = "reason") -> str:
    text = reason.strip()
    if not text:
        raise InvalidField(field, "is empty", "say why, in 1-2000 characters")
    if len(text) > CHALLENGE_REASON_LIMIT:
        raise InvalidField(field, f"has {len(text)} characters", f"at most {CHALLENGE_REASON_LIMIT} characters")
    return text


class JobStatus(StrEnum):
    """AchievementBatchJobStatus, as the ExternalService contract spells it."""

    WAITING = "Waiting"
    IN_PROGRESS = "InProgress"
    SUCCESSFUL = "Successful"
    FAILED = "Failed"
    CANCELLED = "Cancelled"


SUCCESSFUL_FINAL = "successful_final"
SUCCESSFUL_PROVISIONAL = "successful_provisional"


def count_outcome(counters: dict[str, int], outcome: Outcome, event: LearningEvent | None) -> None:
    """Add one row's outcome to a job's counters (AchievementsCreated ... PercentageSuccessfulRecords)."""
    counters[outcome.value] = counters.get(outcome.value, 0) + 1
    if not outcome.is_error and event is not None:
        key = SUCCESSFUL_FINAL if event.status is EventStatus.FINAL else SUCCESSFUL_PROVISIONAL
        counters[key] = counters.get(key, 0) + 1


def percentage_successful(counters: dict[str, int], records: int) -> float:
    errors = sum(counters.get(outcome.value, 0) for outcome in Outcome if outcome.is_error)
    return 0.0 if records == 0 else round(100.0 * (records - errors) / records, 2)
