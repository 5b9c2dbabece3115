"""PLR use cases: read a learner's learning events, see who looked at them, challenge an event, the catalogue."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from ..domain import matching
from ..domain.access import Actor, Operation, OrganisationKind
from ..domain.codes import ErrorCode, ResponseCode
from ..domain.errors import (
    Conflict,
    InsufficientAccess,
    InvalidField,
    InvalidFields,
    NotFound,
    NotShared,
    NotVerified,
)
from ..domain.learner import Learner
from ..domain.plr import LearningEvent, check_reason, is_shared, visible_events
from ..domain.qualifications import Qualification, parse_qualification
from .ports import AccessEntry, AccessRecord, Clock, DataChallenge, PlrRenderer, UnitOfWork, UnitOfWorkFactory
from .register import resolve_master, to_record

AUDIT_PAGE_SIZE = 20
_CATALOGUE_BATCH = 1000


@dataclass(frozen=True, slots=True)
class PlrResult:
    """GetLearnerLearningEvents: WSRC0004 / WSRC0022 with events, or WSEC0208 / WSEC0206 without."""

    code: ResponseCode | ErrorCode
    incoming_uln: str
    found_uln: str | None
    learner: Learner | None
    events: tuple[LearningEvent, ...]

    def require_readable(self) -> None:
        """Raise what a refused read answers with: WSEC0208 not verified, WSEC0206 not shared."""
        if self.code is ErrorCode.NOT_VERIFIED:
            raise NotVerified()
        if self.code is ErrorCode.NOT_SHARED:
            raise NotShared()


@dataclass(frozen=True, slots=True)
class AuditPage:
    code: ResponseCode | ErrorCode
    records: tuple[AccessRecord, ...]
    page: int
    page_size: int
    total: int

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.page_size))

    def require_readable(self) -> None:
        """Raise what a refused audit answers with, the PLR's own codes: WSEC0208, WSEC0206."""
        if self.code is ErrorCode.NOT_VERIFIED:
            raise NotVerified()
        if self.code is ErrorCode.NOT_SHARED:
            raise NotShared()


@dataclass(frozen=True, slots=True)
class CatalogueImport:
    saved: int
    errors: tuple[tuple[int, InvalidField], ...]  # (row number, problem)


@dataclass(frozen=True, slots=True)
class ChallengeFix:
    """How an accepted challenge changes the event: withdraw it, or amend its grade or award date."""

    withdraw: bool = False
    grade: str | None = None
    award_date: date | None = None


class RecordsService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, renderer: PlrRenderer | None = None) -> None:
        self._uow = uow
        self._clock = clock
        self._renderer = renderer

    def _log(self, uow: UnitOfWork, actor: Actor, action: str, uln: str) -> None:
        now = self._clock.now()
        uow.access_log.record([AccessEntry.by(actor, now, action, uln)])

    def _verified(self, uow: UnitOfWork, query: matching.VerificationQuery) -> tuple[ErrorCode | None, Learner | None]:
        stored = uow.learners.get(query.uln)
        if stored is None:
            return ErrorCode.NOT_VERIFIED, None
        learner = resolve_master(uow.learners, stored)
        outcome = matching.verify(query, to_record(learner), linked=stored.is_linked)
        return (None, learner) if outcome.code.is_exact else (ErrorCode.NOT_VERIFIED, None)

    def read_plr(self, actor: Actor, query: matching.VerificationQuery) -> PlrResult:
        actor.require(Operation.READ_PLR)
        with self._uow() as uow:
            refusal, learner = self._verified(uow, query)
            if learner is None:
                return PlrResult(refusal or ErrorCode.NOT_VERIFIED, query.uln, None, None, ())
            if not is_shared(learner.details.ability_to_share):
                self._log(uow, actor, "read_plr_not_shared", learner.uln)
                uow.commit()
                return PlrResult(ErrorCode.NOT_SHARED, query.uln, learner.uln, learner, ())
            events = visible_events(actor, uow.events.for_ulns([learner.uln, *learner.linked_ulns]))
            self._log(uow, actor, "read_plr", learner.uln)
            uow.commit()
        code = ResponseCode.MASTER_SUBSTITUTED if learner.uln != query.uln else ResponseCode.EXACT_MATCH
        return PlrResult(code, query.uln, learner.uln, learner, tuple(events))

    def plr_document(self, actor: Actor, query: matching.VerificationQuery) -> tuple[PlrResult, bytes | None]:
        """The PLR as a PDF, when it may be read."""
        result = self.read_plr(actor, query)
        if result.learner is None or result.code not in (ResponseCode.EXACT_MATCH, ResponseCode.MASTER_SUBSTITUTED):
            return result, None
        if self._renderer is None:
            raise RuntimeError("no PLR renderer is configured")
        return result, self._renderer.render(result.learner, result.events, self._clock.now())

    def view_audit(self, actor: Actor, query: matching.VerificationQuery, page: int = 1) -> AuditPage:
        """ViewAudit: who read or changed this learner's record, newest first, a page at a time.

        The audit is derived from the learning events (it names the awarding organisations that sent them), so it
        follows the PLR's sharing rule: a learner who has not agreed to share is answered WSEC0206, except to the
        register's administrators (the learner sees their own history in the learner portal)."""
        actor.require(Operation.VIEW_AUDIT)
        if page < 1:
            raise InvalidField("page", f"{page}", "pages are numbered from 1")
        with self._uow() as uow:
            refusal, learner = self._verified(uow, query)
            if learner is None:
                return AuditPage(refusal or ErrorCode.NOT_VERIFIED, (), page, AUDIT_PAGE_SIZE, 0)
            is_admin = actor.kind is OrganisationKind.REGISTER_ADMINISTRATOR
            if not is_admin and not is_shared(learner.details.ability_to_share):
                self._log(uow, actor, "view_audit_not_shared", learner.uln)
                uow.commit()
                return AuditPage(ErrorCode.NOT_SHARED, (), page, AUDIT_PAGE_SIZE, 0)
            offset = (page - 1) * AUDIT_PAGE_SIZE
            records, total = uow.access_history.for_ulns([learner.uln, *learner.linked_ulns], offset, AUDIT_PAGE_SIZE)
            self._log(uow, actor, "view_audit", learner.uln)
            uow.commit()
        return AuditPage(ResponseCode.EXACT_MATCH, tuple(records), page, AUDIT_PAGE_SIZE, total)

    def my_access_history(self, actor: Actor, page: int = 1) -> AuditPage:
        """A learner's own view: who looked at or changed their record, and when."""
        actor.require(Operation.READ_OWN_RECORD)
        if actor.uln is None or page < 1:
            raise InvalidField("page" if actor.uln else "uln", "is not usable", "a signed-in learner, pages from 1")
        with self._uow() as uow:
            learner = uow.learners.get(actor.uln)
            if learner is None:
                raise NotFound("Your record is not on the register")
            learner = resolve_master(uow.learners, learner)
            offset = (page - 1) * AUDIT_PAGE_SIZE
            records, total = uow.access_history.for_ulns([learner.uln, *learner.linked_ulns], offset, AUDIT_PAGE_SIZE)
        return AuditPage(ResponseCode.EXACT_MATCH, tuple(records), page, AUDIT_PAGE_SIZE, total)

    def raise_challenge(self, actor: Actor, event_id: int, reason: str) -> DataChallenge:
        """Challenge an event as wrong: it shows "under data challenge" until its awarding organisation answers."""
        actor.require(Operation.CHALLENGE)
        text = check_reason(reason)
        with self._uow(write=True) as uow:
            event = uow.events.get(event_id)
            if event is None or not visible_events(actor, [event]):
                raise NotFound(f"No learning event {event_id} that you may see")
            if uow.challenges.open_for_event(event_id) is not None:
                raise Conflict(f"Learning event {event_id} is already under data challenge")
            challenge = DataChallenge(0, event_id, event.uln, actor.organisation_id, actor.user_name, text, "open",
                                      self._clock.now())  # fmt: skip
            challenge = replace(challenge, id=uow.challenges.add(challenge))
            uow.events.set_challenged(event_id, True)
            self._log(uow, actor, "challenge_raised", event.uln)
            uow.commit()
        return challenge

    def resolve_challenge(
        self, actor: Actor, challenge_id: int, accept: bool, reason: str, fix: ChallengeFix | None = None
    ) -> DataChallenge:
        """The awarding organisation that submitted the event accepts (amends or withdraws it) or rejects."""
        actor.require(Operation.CHALLENGE)
        if actor.centres is not None:
            raise InsufficientAccess("Only the awarding organisation's own staff answer data challenges")
        text = check_reason(reason)
        with self._uow(write=True) as uow:
            challenge = uow.challenges.get(challenge_id)
            event = uow.events.get(challenge.event_id) if challenge else None
            if challenge is None or event is None:
                raise NotFound(f"No data challenge {challenge_id}")
            is_admin = actor.kind is OrganisationKind.REGISTER_ADMINISTRATOR
            if not is_admin and event.submitted_by != actor.organisation_id:
                raise InsufficientAccess("Only the awarding organisation that submitted the event answers it")
            if challenge.status != "open":
                raise Conflict(f"Data challenge {challenge_id} was {challenge.status} already")
            now = self._clock.now()
            if accept:
                uow.events.update(self._fixed(uow, event, fix or ChallengeFix(), now))
            uow.events.set_challenged(event.id or 0, False)
            resolved = replace(challenge, status="accepted" if accept else "rejected", resolution=text,
                               resolved_at=now, resolved_by_user=actor.user_name)  # fmt: skip
            uow.challenges.resolve(resolved)
            self._log(uow, actor, "challenge_accepted" if accept else "challenge_rejected", event.uln)
            uow.commit()
        return resolved

    def _fixed(self, uow: UnitOfWork, event: LearningEvent, fix: ChallengeFix, now: datetime) -> LearningEvent:
        if fix.withdraw:
            return replace(event, withdrawn=True, updated_at=now)
        if fix.grade is None and fix.award_date is None:
            raise InvalidField("fix", "accepting needs a change", "withdraw, or a new grade or award date")
        if fix.grade is not None:
            qualification = uow.qualifications.get_many([event.subject_code]).get(event.subject_code)
            if qualification is not None and not qualification.allows_grade(fix.grade):
                scheme = ", ".join(qualification.grades)
                raise InvalidField("grade", f"{fix.grade!r} is not in the grade scheme", scheme)
        grade, award_date = fix.grade or event.grade, fix.award_date or event.award_date
        return replace(event, grade=grade, award_date=award_date, updated_at=now)

    def challenges(self, actor: Actor, status: str | None = None) -> list[DataChallenge]:
        """Challenges the organisation raised or must answer."""
        actor.require(Operation.CHALLENGE)
        if actor.organisation_id is None:
            return []
        with self._uow() as uow:
            return uow.challenges.for_organisation(actor.organisation_id, status)

    def import_catalogue(self, actor: Actor, rows: Iterable[Mapping[str, object]]) -> CatalogueImport:
        """Load catalogue rows; good rows are saved, each bad row is reported with its row number."""
        actor.require(Operation.MANAGE_CATALOGUE)
        saved, batch = 0, []
        errors: list[tuple[int, InvalidField]] = []
        with self._uow(write=True) as uow:
            for number, raw in enumerate(rows, start=1):
                try:
                    batch.append(parse_qualification(raw))
                except InvalidFields as problems:
                    errors.extend((number, problem) for problem in problems.problems)
                if len(batch) >= _CATALOGUE_BATCH:
                    saved += self._save(uow, batch)
            saved += self._save(uow, batch)
            uow.commit()
        return CatalogueImport(saved, tuple(errors))

    @staticmethod
    def _save(uow: UnitOfWork, batch: list[Qualification]) -> int:
        uow.qualifications.save_many(batch)
        count = len(batch)
        batch.clear()
        return count

    def search_catalogue(self, text: str, limit: int = 50) -> list[Qualification]:
        with self._uow() as uow:
            return uow.qualifications.search(text, limit)
