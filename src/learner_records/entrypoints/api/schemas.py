"""REST request and response bodies. They share nothing with the tables; `to_*`/`from_*` map explicitly."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ...domain.learner import Learner, LearnerDetails, parse_details
from ...domain.matching import DuplicatePair, FieldEvidence
from ...services.register import DemographicMatch, RetrievedUln, Verification
from ..ids import Version
from .instants import UtcDateTime

Text = str | None
Code = int | str | None


class LearnerFields(BaseModel):
    """Learner details as sent. Types are loose on purpose: the MIAP rules are checked by the domain so that every
    problem is reported at once with the field's protocol name and its rule."""

    model_config = ConfigDict(extra="forbid")

    given_name: Text = Field(None, examples=["Siobhán"])
    family_name: Text = Field(None, examples=["Ó Briain"])
    date_of_birth: Text = Field(None, examples=["2009-04-17"])
    gender: Code = Field(None, description="0 not known, 1 male, 2 female, 9 not specified", examples=[2])
    postcode: Text = Field(None, examples=["CV4 9EE"])
    verification_type: Code = Field(None, description="0-7, or 999 (other: give other_verification_description)")
    ability_to_share: Code = Field(
        None, description="0 privacy notice not seen, 1 seen and share, 2 seen, do not share"
    )
    title: Text = None
    middle_other_name: Text = None
    preferred_given_name: Text = None
    previous_family_name: Text = None
    family_name_at_16: Text = None
    school_at_16: Text = None
    address_line_1: Text = None
    address_line_2: Text = None
    town: Text = None
    county_or_city: Text = None
    date_of_address_capture: Text = None
    place_of_birth: Text = None
    email_address: Text = None
    nationality: Text = None
    scottish_candidate_number: Text = None
    other_verification_description: Text = None
    notes: Text = None

    def to_details(self) -> LearnerDetails:
        return parse_details(self.model_dump(exclude={"version"}))


class LearnerUpdate(LearnerFields):
    version: Version = Field(description="The VersionNumber you last read; a stale one is refused with WSRC0013")


class LearnerOut(BaseModel):
    uln: str
    version: int
    status: int
    tier_level: int
    created_at: UtcDateTime
    updated_at: UtcDateTime
    master_uln: str | None
    linked_ulns: list[str]
    given_name: str
    family_name: str
    date_of_birth: date
    gender: int
    postcode: str
    verification_type: int
    ability_to_share: int
    title: str | None = None
    middle_other_name: str | None = None
    preferred_given_name: str | None = None
    previous_family_name: str | None = None
    family_name_at_16: str | None = None
    school_at_16: str | None = None
    address_line_1: str | None = None
    address_line_2: str | None = None
    town: str | None = None
    county_or_city: str | None = None
    date_of_address_capture: date | None = None
    place_of_birth: str | None = None
    email_address: str | None = None
    nationality: str | None = None
    scottish_candidate_number: str | None = None
    other_verification_description: str | None = None
    notes: str | None = None

    @classmethod
    def of(cls, learner: Learner) -> LearnerOut:
        values: dict[str, Any] = learner.details.as_dict()
        values.update(
            uln=learner.uln,
            version=learner.version,
            status=int(learner.status),
            tier_level=int(learner.tier_level),
            created_at=learner.created_at,
            updated_at=learner.updated_at,
            master_uln=learner.master_uln,
            linked_ulns=list(learner.linked_ulns),
        )
        return cls.model_validate(values)


class Outcome(BaseModel):
    code: str
    wording: str


class RegisteredOut(Outcome):
    learner: LearnerOut


class FoundOut(Outcome):
    incoming_uln: str | None
    master_substituted: bool
    learner: LearnerOut


class DemographicsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    given_name: str
    family_name: str
    date_of_birth: str
    gender: int | str
    postcode: str
    previous_family_name: str | None = None


class EvidenceOut(BaseModel):
    """One field's comparison: its level, the weight (log2 m/u) it added, and why, when it is not agreement."""

    field: str
    level: str
    weight: float
    reason: str | None

    @classmethod
    def each(cls, evidence: Sequence[FieldEvidence]) -> list[EvidenceOut]:
        return [cls(field=e.field, level=e.level, weight=round(e.weight, 3), reason=e.reason) for e in evidence]


class MatchOut(BaseModel):
    score: float = Field(description="match weight: log2 of the odds that the record is the learner searched for")
    probability: float = Field(description="the match probability of that weight, 0 to 1")
    exact: bool
    reasons: list[str]
    evidence: list[EvidenceOut]
    matched_uln: str
    learner: LearnerOut

    @classmethod
    def of(cls, match: DemographicMatch) -> MatchOut:
        return cls(
            score=round(match.score, 3),
            probability=round(match.probability, 6),
            exact=match.exact,
            reasons=list(match.reasons),
            evidence=EvidenceOut.each(match.evidence),
            matched_uln=match.matched_uln,
            learner=LearnerOut.of(match.learner),
        )


class SearchOut(Outcome):
    matches: list[MatchOut]


class VerifyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    uln: str
    given_name: str
    family_name: str
    date_of_birth: str | None = None
    gender: int | str | None = None


class VerifyBatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    learners: list[VerifyIn] = Field(min_length=1, max_length=200)


class VerifiedOut(BaseModel):
    searched: VerifyIn
    code: str
    wording: str
    failure_flags: list[str]
    reasons: list[str]
    score: float | None = Field(None, description="match weight of the supplied details, when not all equal")
    uln: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    date_of_birth: date | None = None
    gender: int | None = None

    @classmethod
    def of(cls, searched: VerifyIn, verification: Verification) -> VerifiedOut:
        record = verification.record
        result = verification.result
        register: dict[str, Any] = {}
        if record is not None:
            register = {
                "uln": record.uln,
                "given_name": record.given_name,
                "family_name": record.family_name,
                "date_of_birth": record.date_of_birth,
                "gender": record.gender,
            }
        return cls(
            searched=searched,
            code=result.code.value,
            wording=result.code.wording,
            failure_flags=[flag.value for flag in result.flags],
            reasons=list(result.reasons),
            score=None if result.score is None else round(result.score, 3),
            **register,
        )


class VerifyBatchOut(BaseModel):
    learners: list[VerifiedOut]


class RetrieveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ulns: list[str] = Field(min_length=1, max_length=200)


class RetrievedOut(BaseModel):
    uln: str
    code: str
    wording: str
    master_uln: str | None
    learner: LearnerOut | None

    @classmethod
    def of(cls, item: RetrievedUln) -> RetrievedOut:
        return cls(
            uln=item.uln,
            code=item.code.value,
            wording=item.code.wording,
            master_uln=item.master_uln,
            learner=LearnerOut.of(item.learner) if item.learner else None,
        )


class RetrieveOut(BaseModel):
    learners: list[RetrievedOut]


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    master_uln: str
    linked_uln: str


class MergeEventOut(BaseModel):
    at: UtcDateTime
    kind: str
    master_uln: str
    linked_uln: str
    master_name: str | None
    linked_name: str | None
    master_date_of_birth: date | None
    linked_date_of_birth: date | None


class DuplicateOut(BaseModel):
    first_uln: str
    second_uln: str
    score: float = Field(description="match weight: log2 of the odds that the two records are one learner")
    probability: float
    cluster: int = Field(description="the records of one person this pair belongs to, numbered from 1 per scan")
    reasons: list[str]
    evidence: list[EvidenceOut]

    @classmethod
    def of(cls, pair: DuplicatePair) -> DuplicateOut:
        return cls(
            first_uln=pair.first.uln, second_uln=pair.second.uln, score=round(pair.score, 3),
            probability=round(pair.probability, 6), cluster=pair.cluster, reasons=list(pair.reasons),
            evidence=EvidenceOut.each(pair.evidence),
        )  # fmt: skip


class OrganisationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ukprn: str
    name: str
    kind: str = Field(description="learner_registration_body, awarding_organisation or register_administrator")
    organisation_ref: str | None = None


class OrganisationOut(BaseModel):
    id: int
    ukprn: str
    name: str
    kind: str
    organisation_ref: str | None


class NewOrganisationOut(BaseModel):
    organisation: OrganisationOut
    api_key: str = Field(description="Shown once; only its hash is kept")


class UlnCheckOut(BaseModel):
    uln: str
    valid: bool
    problem: str | None
