"""Results and certificates (the awarding organisation's own staff): each registration's grade, its certification
status (not sent, sent, confirmed, rejected with the reason), sending and confirming, and certificates to issue,
download and revoke."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ....domain.errors import InvalidField, InvalidFields
from ....domain.users import Permission
from ...ids import Id, form_id
from ..access import route
from ..session import check_csrf
from .common import CERTIFICATION, actor, explain, joined_date, optional_int, router, services, show
from .registrations import registration_page


@route(router, "GET", "/results", Permission.AWARDING)
def results(request: Request, centre: str = "", status: str = "", done: str = "") -> HTMLResponse:
    _, acting = actor(request)
    overview = services(request).awarding_overview
    centres = {c.id: c for c, _ in overview.centres(acting)}
    found = overview.registrations(acting, optional_int(centre))
    if status in CERTIFICATION:
        found = [r for r in found if r.certification_status == status]
    notice = {"sent": "The chosen results were sent, or each says why not.",
              "confirmed": "The learners' records were read back."}.get(done)  # fmt: skip
    return show(request, "awarding/results.html", title="Results and certificates", registrations=found,
                centres=centres, filters={"centre": centre, "status": status}, notice=notice)  # fmt: skip


@route(router, "POST", "/registrations/{registration_id}/result", Permission.AWARDING)
def record_result(
    request: Request,
    registration_id: Id,
    csrf_token: Annotated[str, Form()] = "",
    grade: Annotated[str, Form()] = "",
    day: Annotated[str, Form(alias="award_date-day")] = "",
    month: Annotated[str, Form(alias="award_date-month")] = "",
    year: Annotated[str, Form(alias="award_date-year")] = "",
) -> Response:
    check_csrf(request, csrf_token)
    _, acting = actor(request)
    awarded = joined_date(day, month, year)
    errors = {}
    if not grade:
        errors["grade"] = "Choose the grade"
    try:
        award_date = date.fromisoformat(awarded)
    except ValueError:
        award_date = None
        errors["award_date-day"] = "Enter the award date as a real date, for example 1 7 2026"
    if errors or award_date is None:
        return registration_page(request, registration_id, errors, form={"grade": grade, "award_date": awarded})
    try:
        services(request).certification.record_result(acting, registration_id, grade, award_date)
    except (InvalidField, InvalidFields) as problems:
        return registration_page(request, registration_id, explain(problems, {"award_date": "award_date-day"}),
                                 form={"grade": grade, "award_date": awarded})  # fmt: skip
    return RedirectResponse(f"/awarding/registrations/{registration_id}?done=result", status_code=303)


def _back(back: str, fallback: str) -> str:
    """Back to the page the form was on: only an awarding page of this site."""
    return back if back.startswith("/awarding/") and "//" not in back else fallback


def _ids(values: list[str] | None) -> list[int]:
    return [number for number in map(form_id, values or []) if number is not None]


@route(router, "POST", "/certify", Permission.AWARDING)
def certify(
    request: Request,
    csrf_token: Annotated[str, Form()] = "",
    registration_ids: Annotated[list[str] | None, Form()] = None,
    back: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf_token)
    return _send(request, "sent", registration_ids, back)


@route(router, "POST", "/confirm", Permission.AWARDING)
def confirm(
    request: Request,
    csrf_token: Annotated[str, Form()] = "",
    registration_ids: Annotated[list[str] | None, Form()] = None,
    back: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf_token)
    return _send(request, "confirmed", registration_ids, back)


def _send(request: Request, step: str, registration_ids: list[str] | None, back: str) -> Response:
    _, acting = actor(request)
    chosen = _ids(registration_ids)
    if not chosen:
        raise InvalidField("registration_ids", "none was chosen", "choose at least one registration")
    certification = services(request).certification
    (certification.certify if step == "sent" else certification.confirm)(acting, chosen)
    target = _back(back, "/awarding/results")
    return RedirectResponse(f"{target}{'&' if '?' in target else '?'}done={step}", status_code=303)


@route(router, "POST", "/registrations/{registration_id}/certificate", Permission.AWARDING)
def issue_certificate(request: Request, registration_id: Id, csrf_token: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf_token)
    _, acting = actor(request)
    services(request).certification.issue_certificate(acting, registration_id)
    return RedirectResponse(f"/awarding/registrations/{registration_id}?done=certificate", status_code=303)


@route(router, "GET", "/registrations/{registration_id}/certificate.pdf", Permission.AWARDING)
def download_certificate(request: Request, registration_id: Id) -> Response:
    _, acting = actor(request)
    certificate, document = services(request).certification.certificate_document(acting, registration_id)
    disposition = f'attachment; filename="certificate-{certificate.number}.pdf"'
    return Response(document, media_type="application/pdf", headers={"Content-Disposition": disposition})


@route(router, "POST", "/registrations/{registration_id}/certificate/revoke", Permission.AWARDING)
def revoke_certificate(
    request: Request, registration_id: Id, csrf_token: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = ""
) -> Response:
    check_csrf(request, csrf_token)
    _, acting = actor(request)
    if not reason.strip():
        return registration_page(request, registration_id, {"reason": "Enter why the certificate is revoked"})
    services(request).certification.revoke(acting, registration_id, reason.strip())
    return RedirectResponse(f"/awarding/registrations/{registration_id}?done=revoked", status_code=303)
