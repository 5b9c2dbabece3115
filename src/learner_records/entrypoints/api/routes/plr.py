"""/api/v1: the PLR, its audit, achievement jobs, data challenges and the qualification catalogue."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, File, Query, Response, UploadFile, status

from ....domain.queries import verification_query
from ....services.records import ChallengeFix
from ...files import csv_rows, text_stream
from ...ids import Id
from ..deps import ActorDep, ServicesDep
from ..plr_schemas import (
    AchievementsIn,
    AuditOut,
    AuditQuery,
    CatalogueImportOut,
    ChallengeIn,
    ChallengeOut,
    EventOut,
    JobOut,
    PlrOut,
    PlrQuery,
    QualificationOut,
    ResolutionIn,
)
from .learners import PROBLEMS

router = APIRouter(prefix="/api/v1", tags=["personal learning record"])
PLR_PROBLEMS: dict[int | str, dict[str, Any]] = {
    **PROBLEMS,
    404: {"description": "WSEC0208: the learner could not be verified"},
    403: {"description": "WSEC0206: the learner has not agreed to share; or not allowed for this organisation"},
}


@router.post("/plr", response_model=PlrOut, responses=PLR_PROBLEMS)
def read_plr(body: PlrQuery, actor: ActorDep, services: ServicesDep) -> PlrOut:
    """A learner's learning events (FULL or BRIEF). The ULN and names must match the register."""
    query = verification_query(body.uln, body.given_name, body.family_name, body.date_of_birth, body.gender)
    result = services.records.read_plr(actor, query)
    result.require_readable()
    return PlrOut(code=result.code.value, wording=result.code.wording, incoming_uln=result.incoming_uln,
                  found_uln=result.found_uln, view=body.view,
                  events=[EventOut.of(event, body.view) for event in result.events])  # fmt: skip


@router.post("/plr/pdf", response_class=Response, responses={**PLR_PROBLEMS, 200: {"content": {"application/pdf": {}}}})
def plr_pdf(body: PlrQuery, actor: ActorDep, services: ServicesDep) -> Response:
    """The PLR as a PDF document."""
    query = verification_query(body.uln, body.given_name, body.family_name, body.date_of_birth, body.gender)
    result, document = services.records.plr_document(actor, query)
    result.require_readable()
    filename = f"plr-{result.found_uln}.pdf"
    return Response(document, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})  # fmt: skip


@router.post("/plr/audit", response_model=AuditOut, responses=PLR_PROBLEMS)
def view_audit(body: AuditQuery, actor: ActorDep, services: ServicesDep) -> AuditOut:
    """Who read or changed this learner's record, newest first, 20 to a page."""
    query = verification_query(body.uln, body.given_name, body.family_name, body.date_of_birth, body.gender)
    page = services.records.view_audit(actor, query, body.page)
    page.require_readable()
    return AuditOut.of(page)


@router.post("/achievement-jobs", status_code=status.HTTP_202_ACCEPTED, response_model=JobOut, responses=PROBLEMS)
def submit_achievements(body: AchievementsIn, actor: ActorDep, services: ServicesDep) -> JobOut:
    """Submit achievements as JSON rows; the job runs in the background (poll it)."""
    submitted = services.achievements.submit(actor, body.achievements, body.submission_type, None, body.email_address)
    return JobOut.of(submitted.job, submitted.created)


@router.post("/achievement-jobs/file", status_code=status.HTTP_202_ACCEPTED, response_model=JobOut, responses=PROBLEMS)
def submit_achievement_file(actor: ActorDep, services: ServicesDep, file: UploadFile = File(...)) -> JobOut:
    """Submit a CSV file of achievements (header: the Achievement element names); it is read as a stream."""
    rows = csv_rows(text_stream(file.file), required=("Uln", "GivenName", "FamilyName", "ProviderUkprn",
                                                      "UnitOrQualificationReferenceNumber", "AchievementAwardDate",
                                                      "Action"))  # fmt: skip
    submitted = services.achievements.submit(actor, rows, "File", file.filename)
    return JobOut.of(submitted.job, submitted.created)


@router.get("/achievement-jobs/{job_id}", response_model=JobOut, responses={**PROBLEMS, 404: {}})
def achievement_job(job_id: Id, actor: ActorDep, services: ServicesDep) -> JobOut:
    """A job's status and counters."""
    return JobOut.of(services.achievements.job(actor, job_id))


@router.post("/achievement-jobs/{job_id}/cancel", response_model=JobOut, responses={**PROBLEMS, 404: {}, 409: {}})
def cancel_achievement_job(job_id: Id, actor: ActorDep, services: ServicesDep) -> JobOut:
    """Cancel a job no worker has started yet."""
    return JobOut.of(services.achievements.cancel(actor, job_id))


@router.get("/achievement-jobs/{job_id}/errors", response_class=Response,
            responses={**PROBLEMS, 404: {}, 200: {"content": {"text/csv": {}}}})  # fmt: skip
def achievement_errors(job_id: Id, actor: ActorDep, services: ServicesDep) -> Response:
    """The error file: one line per rejected row and why."""
    return Response(services.achievements.error_file(actor, job_id), media_type="text/csv")


@router.post("/challenges", status_code=status.HTTP_201_CREATED, response_model=ChallengeOut,
             responses={**PROBLEMS, 404: {}, 409: {}})  # fmt: skip
def raise_challenge(body: ChallengeIn, actor: ActorDep, services: ServicesDep) -> ChallengeOut:
    """Challenge a learning event as wrong; its awarding organisation answers."""
    return ChallengeOut.of(services.records.raise_challenge(actor, body.event_id, body.reason))


@router.get("/challenges", response_model=list[ChallengeOut], responses=PROBLEMS)
def list_challenges(
    actor: ActorDep, services: ServicesDep, state: str | None = Query(None, alias="status")
) -> list[ChallengeOut]:
    """Challenges you raised or must answer (status: open, accepted, rejected)."""
    return [ChallengeOut.of(c) for c in services.records.challenges(actor, state)]


@router.post("/challenges/{challenge_id}/accept", response_model=ChallengeOut, responses={**PROBLEMS, 404: {}, 409: {}})
def accept_challenge(challenge_id: Id, body: ResolutionIn, actor: ActorDep, services: ServicesDep) -> ChallengeOut:
    """Accept: withdraw the event, or amend its grade or award date."""
    fix = ChallengeFix(withdraw=body.withdraw, grade=body.grade, award_date=body.award_date)
    return ChallengeOut.of(services.records.resolve_challenge(actor, challenge_id, True, body.reason, fix))


@router.post("/challenges/{challenge_id}/reject", response_model=ChallengeOut, responses={**PROBLEMS, 404: {}, 409: {}})
def reject_challenge(challenge_id: Id, body: ResolutionIn, actor: ActorDep, services: ServicesDep) -> ChallengeOut:
    """Reject, with the reason the challenger will see."""
    return ChallengeOut.of(services.records.resolve_challenge(actor, challenge_id, False, body.reason))


@router.get("/qualifications", response_model=list[QualificationOut], responses=PROBLEMS)
def search_qualifications(
    actor: ActorDep, services: ServicesDep, search: str = "", limit: int = Query(50, ge=1, le=500)
) -> list[QualificationOut]:
    """Search the catalogue by reference or title."""
    return [QualificationOut.of(q) for q in services.records.search_catalogue(search, limit)]


@router.post("/qualifications", response_model=CatalogueImportOut, responses=PROBLEMS)
def import_qualifications(actor: ActorDep, services: ServicesDep, file: UploadFile = File(...)) -> CatalogueImportOut:
    """Load catalogue rows from CSV (register administrators); each bad row is reported."""
    report = services.records.import_catalogue(actor, csv_rows(text_stream(file.file), required=("reference",)))
    errors = [{"row": n, "field": p.field, "problem": p.problem, "rule": p.rule} for n, p in report.errors]
    return CatalogueImportOut(saved=report.saved, errors=errors)
