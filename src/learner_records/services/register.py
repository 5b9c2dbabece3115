"""Register use cases: register, find, verify, update and retrieve learners.

Each call is one unit of work: it checks the actor's rights, reads or writes through the repositories,
writes an access-log entry for every learner record it discloses, and commits once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from ..domain import matching
from ..domain.access import Actor, Operation
from ..domain.codes import ResponseCode, VerificationCode
from ..domain.errors import (
    DuplicateLearner,
    InvalidAbilityToShareChange,
    InvalidField,
    NoChanges,
    StaleVersion,
    UlnNotFoundForUpdate,
)
from ..domain.learner import (
    Learner,
    LearnerDetails,
    allowed_ability_to_share_change,
    check_not_in_future,
    parse_details,
)
from ..domain.matching.blocking import blocking_keys
from ..domain.uln import generate as generate_uln
from .ports import AccessEntry, Clock, LearnerRepository, UnitOfWork, UnitOfWorkFactory

RETRIEVE_LIMIT = 200
VERIFY_BATCH_LIMIT = 200
_ALLOCATION_ATTEMPTS = 20


@dataclass(frozen=True, slots=True)
class FoundLearner:
    """The answer to a find: the learner to show (the master when a linked ULN was asked) and how it was found."""

    code: ResponseCode
    learner: Learner | None
    incoming_uln: str | None = None

    @property
    def master_substituted(self) -> bool:
        return self.code == ResponseCode.MASTER_SUBSTITUTED


@dataclass(frozen=True, slots=True)
class DemographicMatch:
    learner: Learner
    score: float
    exact: bool
    reasons: tuple[str, ...]
    matched_uln: str  # the record that matched; not learner.uln when a linked record was answered by its master
    probability: float = 0.0
    evidence: tuple[matching.FieldEvidence, ...] = ()


@dataclass(frozen=True, slots=True)
class DemographicSearch:
    code: ResponseCode
    matches: tuple[DemographicMatch, ...]


@dataclass(frozen=True, slots=True)
class Verification:
    query: matching.VerificationQuery
    result: matching.VerificationResult
    record: matching.RegisterRecord | None  # the register's record compared with (the master when linked)


@dataclass(frozen=True, slots=True)
class RetrievedUln:
    uln: str
    code: ResponseCode
    learner: Learner | None
    master_uln: str | None = None


def to_record(learner: Learner) -> matching.RegisterRecord:
    details = learner.details
    return matching.RegisterRecord(
        uln=learner.uln,
        given_name=details.given_name,
        family_name=details.family_name,
        date_of_birth=details.date_of_birth,
        gender=int(details.gender),
        postcode=details.postcode,
        previous_family_name=details.previous_family_name,
        master_uln=learner.master_uln,
        middle_name=details.middle_other_name,
        address_line=details.address_line_1,
        town=details.town,
    )


def resolve_master(learners: LearnerRepository, learner: Learner) -> Learner:
    """The learner every read of `learner` answers with: itself, or its master when it was merged."""
    if learner.master_uln is None:
        return learner
    master = learners.get(learner.master_uln)
    return master if master is not None else learner


class RegisterCore:
    """Find, register and verify inside a unit of work the caller owns: the calls of RegisterService commit
    one each, a batch job runs many inside one chunk's transaction. Nothing here checks rights or logs access."""

    def __init__(self, randbelow: Callable[[int], int], matcher: matching.Matcher) -> None:
        self.randbelow = randbelow
        self.matcher = matcher

    def register(self, uow: UnitOfWork, details: LearnerDetails, now: datetime) -> Learner:
        """Store a learner under a new ULN; DuplicateLearner when one has the same five mandatory fields."""
        check_not_in_future(details.date_of_birth, now.date())
        for _ in range(_ALLOCATION_ATTEMPTS):
            learner = Learner(uln=generate_uln(self.randbelow), details=details, created_at=now, updated_at=now)
            existing = uow.learners.with_same_mandatory_fields(learner)
            if existing is not None:
                raise DuplicateLearner(existing)
            if uow.learners.add(learner):
                return learner
        raise RuntimeError("no free ULN found")  # 20 clashes in a row: the number space is nearly full

    def find(self, uow: UnitOfWork, query: matching.Demographics) -> DemographicSearch:
        keys = blocking_keys(
            query.given_name, query.family_name, query.date_of_birth, query.postcode, query.previous_family_name
        )
        candidates = uow.learners.candidates(keys, limit=500)
        result = self.matcher.find(query, candidates)
        wanted = [scored.record.master_uln or scored.record.uln for scored in result.matches]
        shown = uow.learners.get_many(wanted)
        matches: list[DemographicMatch] = []
        seen: set[str] = set()
        for scored, uln in zip(result.matches, wanted, strict=True):
            if uln in seen or uln not in shown:
                continue
            seen.add(uln)
            matches.append(DemographicMatch(shown[uln], scored.score, scored.exact, scored.reasons, scored.record.uln,
                                            scored.probability, scored.evidence))  # fmt: skip
        return DemographicSearch(result.code, tuple(matches))

    def verify(self, uow: UnitOfWork, queries: Sequence[matching.VerificationQuery]) -> list[Verification]:
        """Every query verified with two look-ups in all: the records asked for, then their masters."""
        stored = uow.learners.records([query.uln for query in queries])
        masters = uow.learners.records(sorted({r.master_uln for r in stored.values() if r.master_uln}))
        verifications: list[Verification] = []
        for query in queries:
            found = stored.get(query.uln)
            linked = found is not None and found.master_uln is not None
            record = masters.get(found.master_uln, found) if found and found.master_uln else found
            verifications.append(Verification(query, self.matcher.verify(query, record, linked=linked), record))
        return verifications


class RegisterService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        randbelow: Callable[[int], int],
        matcher: matching.Matcher,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self.core = RegisterCore(randbelow, matcher)

    def _log(self, uow: UnitOfWork, actor: Actor, action: str, ulns: Sequence[str]) -> None:
        # A call that disclosed nobody (no match, an unknown ULN) is logged too, without a ULN: who searched is
        # part of the record as much as who was found.
        now = self._clock.now()
        disclosed: Sequence[str | None] = ulns or [None]
        uow.access_log.record([AccessEntry.by(actor, now, action, u) for u in disclosed])

    def register(self, actor: Actor, details: LearnerDetails) -> Learner:
        actor.require(Operation.REGISTER)
        now = self._clock.now()
        check_not_in_future(details.date_of_birth, now.date())
        with self._uow(write=True) as uow:
            learner = self.core.register(uow, details, now)
            self._log(uow, actor, "register", [learner.uln])
            uow.commit()
            return learner

    def find_by_uln(
        self, actor: Actor, uln: str, given_name: str | None = None, family_name: str | None = None
    ) -> FoundLearner:
        actor.require(Operation.FIND_BY_ULN)
        with self._uow() as uow:
            stored = uow.learners.get(uln)
            if stored is None:
                return self._not_found(uow, actor, uln)
            learner = resolve_master(uow.learners, stored)
            code = ResponseCode.MASTER_SUBSTITUTED if learner.uln != uln else ResponseCode.EXACT_MATCH
            if given_name is not None and family_name is not None:
                query = matching.VerificationQuery(uln=uln, given_name=given_name, family_name=family_name)
                outcome = self.core.matcher.verify(query, to_record(learner), linked=stored.is_linked).code
                if outcome in (VerificationCode.NO_MATCH, VerificationCode.ULN_NOT_FOUND):
                    return self._not_found(uow, actor, uln)
                if not outcome.is_exact:
                    code = ResponseCode.POSSIBLE_MATCH
            self._log(uow, actor, "find_by_uln", [learner.uln])
            uow.commit()
            return FoundLearner(code, learner, uln)

    def _not_found(self, uow: UnitOfWork, actor: Actor, uln: str) -> FoundLearner:
        self._log(uow, actor, "find_by_uln", [])
        uow.commit()
        return FoundLearner(ResponseCode.NO_MATCH, None, uln)

    def find_by_demographics(self, actor: Actor, query: matching.Demographics) -> DemographicSearch:
        actor.require(Operation.FIND_BY_DEMOGRAPHICS)
        with self._uow() as uow:
            search = self.core.find(uow, query)
            self._log(uow, actor, "find_by_demographics", [match.learner.uln for match in search.matches])
            uow.commit()
            return search

    def verify(self, actor: Actor, queries: Sequence[matching.VerificationQuery]) -> list[Verification]:
        actor.require(Operation.VERIFY)
        if len(queries) > VERIFY_BATCH_LIMIT:
            raise InvalidField(
                "LearnerRecordCount", f"{len(queries)} learners", f"at most {VERIFY_BATCH_LIMIT} at once"
            )
        with self._uow() as uow:
            verifications = self.core.verify(uow, queries)
            self._log(uow, actor, "verify", [v.record.uln for v in verifications if v.record])
            uow.commit()
            return verifications

    def update(self, actor: Actor, uln: str, version: int, details: LearnerDetails) -> Learner:
        actor.require(Operation.UPDATE)
        now = self._clock.now()
        check_not_in_future(details.date_of_birth, now.date())
        with self._uow(write=True) as uow:
            current = uow.learners.get(uln)
            if current is None:
                raise UlnNotFoundForUpdate(f"ULN {uln} is not on the register")
            if current.is_linked:
                raise UlnNotFoundForUpdate(f"ULN {uln} is linked to master ULN {current.master_uln}: update the master")
            if current.version != version:
                raise StaleVersion(f"ULN {uln} is at version {current.version}; you sent version {version}")
            if details == current.details:
                raise NoChanges()
            if not allowed_ability_to_share_change(current.details.ability_to_share, details.ability_to_share):
                raise InvalidAbilityToShareChange(
                    "AbilityToShare cannot go back to 0 (notice not seen) once the learner has seen the privacy notice"
                )
            updated = current.with_details(details, now)
            clash = uow.learners.with_same_mandatory_fields(updated)
            if clash is not None and clash != uln:
                raise DuplicateLearner(clash, "Another learner already has these five mandatory fields")
            if not uow.learners.update(updated, expected_version=version):
                raise StaleVersion()
            self._log(uow, actor, "update", [uln])
            uow.commit()
            return replace(updated, linked_ulns=current.linked_ulns)

    def update_subset(self, actor: Actor, uln: str, version: int, changes: Mapping[str, object]) -> Learner:
        """UpdateLearnerSubsetFields: change only some fields (email, school at 16, preferred name, sharing)."""
        with self._uow() as uow:
            current = uow.learners.get(uln)
        if current is None:
            raise UlnNotFoundForUpdate(f"ULN {uln} is not on the register")
        merged = {**current.details.as_dict(), **changes}
        details = parse_details({key: value for key, value in merged.items() if value is not None})
        return self.update(actor, uln, version, details)

    def retrieve(self, actor: Actor, ulns: Sequence[str]) -> list[RetrievedUln]:
        actor.require(Operation.RETRIEVE_ULNS)
        if not 1 <= len(ulns) <= RETRIEVE_LIMIT:
            raise InvalidField("ULNsToRetrieve", f"{len(ulns)} ULNs", f"1-{RETRIEVE_LIMIT} ULNs at once")
        with self._uow() as uow:
            stored = uow.learners.get_many(list(ulns))
            masters = uow.learners.get_many(sorted({s.master_uln for s in stored.values() if s.master_uln}))
            retrieved: list[RetrievedUln] = []
            for uln in ulns:
                found = stored.get(uln)
                if found is None:
                    retrieved.append(RetrievedUln(uln, ResponseCode.NO_MATCH, None))
                elif found.master_uln and found.master_uln in masters:
                    master = masters[found.master_uln]
                    retrieved.append(RetrievedUln(uln, ResponseCode.MASTER_SUBSTITUTED, master, master.uln))
                else:
                    retrieved.append(RetrievedUln(uln, ResponseCode.EXACT_MATCH, found))
            self._log(uow, actor, "retrieve", [r.learner.uln for r in retrieved if r.learner])
            uow.commit()
            return retrieved
