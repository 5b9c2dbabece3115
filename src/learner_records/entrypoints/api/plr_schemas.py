"""REST bodies of the PLR side: learning events, achievement jobs, audit pages, challenges, the catalogue."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ...domain.access import credential_label
from ...domain.plr import BRIEF_FIELDS, LearningEvent, View, percentage_successful
from ...domain.qualifications import Qualification
from ...services.ports import AchievementJob, DataChallenge
from ...services.records import AuditPage
from ..ids import BodyId, Page
from .instants import UtcDateTime


class PlrQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    uln: str
    given_name: str
    family_name: str
    date_of_birth: str | None = None
    gender: int | str | None = None
    view: View = View.FULL


class AuditQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    uln: str
    given_name: str
    family_name: str
    date_of_birth: str | None = None
    gender: int | str | None = None
    page: Page = 1


class EventOut(BaseModel):
    id: int | None
    source: str | None = None
    subject_code: str | None = None
    subject: str | None = None
    qualification_type: str | None = None
    level: str | None = None
    grade: str | None = None
    credits: int | None = None
    awarding_organisation_name: str | None = None
    awarding_organisation_ukprn: str | None = None
    provider_name: str | None = None
    provider_ukprn: str | None = None
    award_date: date | None = None
    participation_start: date | None = None
    participation_end: date | None = None
    status: str | None = None
    under_data_challenge: bool | None = None
    date_loaded: UtcDateTime | None = None
    language_for_assessment: str | None = None

    @classmethod
    def of(cls, event: LearningEvent, view: View) -> EventOut:
        names = BRIEF_FIELDS if view is View.BRIEF else tuple(cls.model_fields)
        values: dict[str, Any] = {name: getattr(event, name) for name in names}
        if "status" in values:
            values["status"] = event.status.value
        return cls.model_validate(values)


class PlrOut(BaseModel):
    code: str
    wording: str
    incoming_uln: str
    found_uln: str | None
    view: View
    events: list[EventOut]


class AccessOut(BaseModel):
    at: UtcDateTime
    action: str
    organisation: str | None
    user: str
    user_known_by: str = Field(description="Whether `user` signed in here, or was named by an organisation's system"
                               " and with what credential it proved the organisation")  # fmt: skip


class AuditOut(BaseModel):
    code: str
    page: int
    page_size: int
    page_count: int
    total: int
    entries: list[AccessOut]

    @classmethod
    def of(cls, page: AuditPage) -> AuditOut:
        entries = [AccessOut(at=r.at, action=r.action, organisation=r.organisation_name, user=r.user_name,
                             user_known_by=credential_label(r.credential)) for r in page.records]  # fmt: skip
        return cls(code=page.code.value, page=page.page, page_size=page.page_size, page_count=page.page_count,
                   total=page.total, entries=entries)  # fmt: skip


class AchievementsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    achievements: list[dict[str, str | int | None]] = Field(
        min_length=1, description="Rows with the ExternalService Achievement element names (Uln, GivenName, ...)"
    )
    submission_type: str = "Achievements"
    email_address: str | None = None


class JobOut(BaseModel):
    job_id: int
    status: str
    created: bool | None = None
    file_name: str | None
    submitted_at: UtcDateTime
    started_at: UtcDateTime | None
    finished_at: UtcDateTime | None
    duration_seconds: float | None
    number_of_records: int
    rows_done: int
    achievements_created: int
    achievements_updated: int
    achievements_withdrawn: int
    achievements_reinstated: int
    achievements_promoted_to_final: int
    unchanged: int
    successful_final_achievements: int
    successful_provisional_achievements: int
    field_data_errors: int
    learner_data_errors: int
    business_rule_errors: int
    percentage_successful_records: float
    rejection_reason: str | None

    @classmethod
    def of(cls, job: AchievementJob, created: bool | None = None) -> JobOut:
        c = job.counters
        return cls(
            job_id=job.id, status=job.status, created=created, file_name=job.file_name,
            submitted_at=job.submitted_at, started_at=job.started_at, finished_at=job.finished_at,
            duration_seconds=(job.finished_at - job.started_at).total_seconds()
            if job.finished_at and job.started_at else None,
            number_of_records=job.number_of_records, rows_done=min(job.next_row - 1, job.number_of_records),
            achievements_created=c.get("created", 0), achievements_updated=c.get("updated", 0),
            achievements_withdrawn=c.get("withdrawn", 0), achievements_reinstated=c.get("reinstated", 0),
            achievements_promoted_to_final=c.get("promoted", 0), unchanged=c.get("unchanged", 0),
            successful_final_achievements=c.get("successful_final", 0),
            successful_provisional_achievements=c.get("successful_provisional", 0),
            field_data_errors=c.get("field_error", 0), learner_data_errors=c.get("learner_error", 0),
            business_rule_errors=c.get("business_error", 0),
            percentage_successful_records=percentage_successful(c, min(job.next_row - 1, job.number_of_records)),
            rejection_reason=job.rejection_reason,
        )  # fmt: skip


class ChallengeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    event_id: BodyId
    reason: str


class ResolutionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str
    withdraw: bool = False
    grade: str | None = None
    award_date: date | None = None


class ChallengeOut(BaseModel):
    id: int
    event_id: int
    uln: str
    status: str
    reason: str
    raised_at: UtcDateTime
    raised_by_user: str
    resolution: str | None
    resolved_at: UtcDateTime | None

    @classmethod
    def of(cls, c: DataChallenge) -> ChallengeOut:
        return cls(id=c.id, event_id=c.event_id, uln=c.uln, status=c.status, reason=c.reason, raised_at=c.raised_at,
                   raised_by_user=c.raised_by_user, resolution=c.resolution, resolved_at=c.resolved_at)  # fmt: skip


class QualificationOut(BaseModel):
    reference: str
    kind: str
    title: str
    qualification_type: str
    level: str
    credits: int | None
    awarding_organisation_name: str
    awarding_organisation_ukprn: str | None
    regulated: bool
    grades: list[str]

    @classmethod
    def of(cls, q: Qualification) -> QualificationOut:
        return cls(reference=q.reference, kind=q.kind.value, title=q.title, qualification_type=q.qualification_type,
                   level=q.level, credits=q.credits, awarding_organisation_name=q.awarding_organisation_name,
                   awarding_organisation_ukprn=q.awarding_organisation_ukprn, regulated=q.regulated,
                   grades=list(q.grades))  # fmt: skip


class CatalogueImportOut(BaseModel):
    saved: int
    errors: list[dict[str, Any]]
