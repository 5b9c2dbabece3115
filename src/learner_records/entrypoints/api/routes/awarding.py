"""/api/v1/awarding: centres, registrations, ULN validation, anomalies and their resolution."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, File, Query, Response, UploadFile, status
from pydantic import BaseModel, ConfigDict, Field

from ....services.awarding import AnomalyView, FileReport
from ....services.awarding_ports import Centre, Registration
from ...files import csv_rows, text_stream
from ...ids import BodyId, Id, QueryId
from ..deps import ActorDep, ServicesDep
from .learners import PROBLEMS

router = APIRouter(prefix="/api/v1/awarding", tags=["awarding"])
MORE: dict[int | str, dict[str, Any]] = {**PROBLEMS, 404: {}, 409: {}}


class CentreIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    centre_number: str
    name: str
    ukprn: str | None = None
    is_lrb: bool = False
    contact_email: str | None = None


class OfferIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    references: list[str] = Field(min_length=1)


class RegistrationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    qualification_reference: str
    given_name: str | None = None
    family_name: str | None = None
    date_of_birth: str | None = None
    gender: int | str | None = None
    postcode: str | None = None
    uln: str | None = None
    candidate_reference: str | None = None


class ResolutionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: str = Field(description="accept_fix, correct_details, correct_uln or remove_uln")
    values: dict[str, str] = Field(
        default_factory=dict, description="new field values for correct_details / correct_uln"
    )


def centre_out(c: Centre) -> dict[str, Any]:
    return {
        "id": c.id,
        "centre_number": c.centre_number,
        "name": c.name,
        "ukprn": c.ukprn,
        "is_lrb": c.is_lrb,
        "contact_email": c.contact_email,
    }


def registration_out(r: Registration) -> dict[str, Any]:
    d = r.details
    return {
        "id": r.id,
        "centre_id": r.centre_id,
        "qualification_reference": r.qualification_reference,
        "given_name": d.given_name,
        "family_name": d.family_name,
        "date_of_birth": d.date_of_birth.isoformat(),
        "gender": d.gender,
        "postcode": d.postcode,
        "uln": d.uln,
        "candidate_reference": d.candidate_reference,
        "registered_on": r.registered_on.isoformat(),
        "uln_state": r.uln_state.value,
        "validated_on": r.validated_on.isoformat() if r.validated_on else None,
        "removed_uln": r.removed_uln,
        "removal_reason": r.removal_reason,
    }


def anomaly_out(view: AnomalyView) -> dict[str, Any]:
    a = view.stored.anomaly
    return {
        "id": view.stored.id,
        "kind": a.kind.value,
        "code": a.code.value if a.code else None,
        "problems": [{"field": p.field, "sent": p.sent, "register": p.register, "words": p.words} for p in a.problems],
        "suggested_fix": {"kind": a.fix.kind.value, "words": a.fix.words, "changes": dict(a.fix.changes)},
        "raised_on": a.raised_on.isoformat(),
        "removal_date": a.removal_date.isoformat(),
        "days_left": view.days_left,
        "registration": registration_out(view.registration),
    }


def report_out(report: FileReport) -> dict[str, Any]:
    return {
        "registered": list(report.registered),
        "problems": [{"row": p.row, "stage": p.stage, "field": p.field, "problem": p.problem} for p in report.problems],
    }


@router.post("/centres", status_code=status.HTTP_201_CREATED, responses=MORE)
def add_centre(body: CentreIn, actor: ActorDep, services: ServicesDep) -> dict[str, Any]:
    """Add a centre of your awarding organisation."""
    centre = services.awarding.add_centre(
        actor, body.centre_number, body.name, body.ukprn, body.is_lrb, body.contact_email
    )
    return centre_out(centre)


@router.post("/centres/{centre_id}/qualifications", status_code=status.HTTP_204_NO_CONTENT, responses=MORE)
def offer(centre_id: Id, body: OfferIn, actor: ActorDep, services: ServicesDep) -> Response:
    """Let a centre offer qualifications from the catalogue."""
    services.awarding.offer(actor, centre_id, body.references)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/centres/{centre_id}/registrations", status_code=status.HTTP_201_CREATED, responses=MORE)
def register(centre_id: Id, body: RegistrationIn, actor: ActorDep, services: ServicesDep) -> dict[str, Any]:
    """Register a learner on a qualification; the ULN is validated in the background."""
    raw = body.model_dump(exclude={"qualification_reference"})
    return registration_out(services.awarding.register(actor, centre_id, body.qualification_reference.upper(), raw))


@router.post("/centres/{centre_id}/registrations/file", responses=MORE)
def register_file(
    centre_id: Id, actor: ActorDep, services: ServicesDep, file: UploadFile = File(...)
) -> dict[str, Any]:
    """A CSV of registrations: staged checks, good rows registered, every problem reported by row."""
    rows = csv_rows(
        text_stream(file.file),
        required=("qualification_reference", "given_name", "family_name", "date_of_birth", "gender"),
    )
    return report_out(services.awarding.register_file(actor, centre_id, rows))


@router.post("/validate", responses=PROBLEMS)
def validate(actor: ActorDep, services: ServicesDep) -> dict[str, int]:
    """Validate every waiting ULN of your centres now (the server also does it in the background)."""
    validated, anomalies = services.awarding.validate(actor)
    return {"validated": validated, "anomalies": anomalies}


@router.get("/anomalies", responses=PROBLEMS)
def anomalies(
    actor: ActorDep, services: ServicesDep, centre_id: QueryId = None, kind: str | None = Query(None)
) -> list[dict[str, Any]]:
    """Open anomalies, the nearest removal date first."""
    views = services.awarding.anomalies(actor, centre_id)
    return [anomaly_out(v) for v in views if kind is None or v.stored.anomaly.kind.value == kind]


@router.post("/anomalies/{anomaly_id}/resolve", responses=MORE)
def resolve(anomaly_id: Id, body: ResolutionIn, actor: ActorDep, services: ServicesDep) -> dict[str, Any]:
    """Resolve an anomaly; the registration is validated again at once."""
    return registration_out(services.awarding.resolve(actor, anomaly_id, body.action, body.values))


class ResultIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    grade: str
    award_date: date


class IdsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    registration_ids: list[BodyId] = Field(min_length=1, max_length=10_000)


class RevokeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=2000)


def certification_out(r: Registration) -> dict[str, Any]:
    return {
        **registration_out(r),
        "grade": r.grade,
        "award_date": r.award_date.isoformat() if r.award_date else None,
        "certification_status": r.certification_status,
        "certification_reason": r.certification_reason,
    }


@router.post("/registrations/{registration_id}/result", responses=MORE)
def record_result(registration_id: Id, body: ResultIn, actor: ActorDep, services: ServicesDep) -> dict[str, Any]:
    """The grade and award date of a registration (the grade from the qualification's scheme)."""
    return certification_out(services.certification.record_result(actor, registration_id, body.grade, body.award_date))


@router.post("/certify", responses=MORE)
def certify(body: IdsIn, actor: ActorDep, services: ServicesDep) -> list[dict[str, Any]]:
    """Send results with validated ULNs to the PLR; each registration says sent or not sent and why."""
    return [certification_out(r) for r in services.certification.certify(actor, body.registration_ids)]


@router.post("/confirm", responses=MORE)
def confirm(body: IdsIn, actor: ActorDep, services: ServicesDep) -> list[dict[str, Any]]:
    """Read the PLR back: confirmed when the achievement arrived, rejected with the register's reason when not."""
    return [certification_out(r) for r in services.certification.confirm(actor, body.registration_ids)]


@router.post(
    "/registrations/{registration_id}/certificate",
    response_class=Response,
    responses={**MORE, 200: {"content": {"application/pdf": {}}}},
)
def issue_certificate(registration_id: Id, actor: ActorDep, services: ServicesDep) -> Response:
    """Issue (or reissue, after a correction) the certificate as a PDF."""
    certificate, document = services.certification.issue_certificate(actor, registration_id)
    return Response(
        document,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="certificate-{certificate.number}.pdf"',
            "X-Certificate-Id": certificate.public_id,
        },
    )


@router.post("/registrations/{registration_id}/withdraw", responses=MORE)
def withdraw(registration_id: Id, body: RevokeIn, actor: ActorDep, services: ServicesDep) -> dict[str, Any]:
    """Withdraw an award: withdrawn from the learner's PLR and its certificate revoked."""
    return certification_out(services.certification.withdraw(actor, registration_id, body.reason))


@router.post(
    "/registrations/{registration_id}/certificate/revoke", status_code=status.HTTP_204_NO_CONTENT, responses=MORE
)
def revoke_certificate(registration_id: Id, body: RevokeIn, actor: ActorDep, services: ServicesDep) -> Response:
    """Revoke a certificate (its award was withdrawn); the public check then says so."""
    services.certification.revoke(actor, registration_id, body.reason)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
