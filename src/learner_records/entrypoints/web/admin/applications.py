"""Administration: the overview, and applications to review (approve, or reject with a reason)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ....domain.applications import ApplicationStatus
from ....domain.errors import Conflict, InvalidField
from ....domain.users import Permission
from ...ids import Id
from ..access import route
from ..session import check_csrf
from ..templating import field_errors, page
from .common import FormData, administrator, notify, services, take_notice

router = APIRouter(prefix="/admin")
STATES = {"submitted": "Awaiting review", "approved": "Approved", "rejected": "Rejected", "all": "All"}


@route(router, "GET", "", Permission.ADMINISTER)
def overview(request: Request) -> HTMLResponse:
    waiting = services(request).applications.list(administrator(request))
    return page(request, "admin/overview.html", title="Administration", waiting=len(waiting))


@route(router, "GET", "/applications", Permission.ADMINISTER)
def applications(request: Request, status: str = "submitted") -> HTMLResponse:
    chosen = status if status in STATES else "submitted"
    wanted = None if chosen == "all" else ApplicationStatus(chosen)
    found = services(request).applications.list(administrator(request), wanted)
    return page(request, "admin/applications.html", title="Applications", applications=found, status=chosen,
                states=STATES, notice=take_notice(request))  # fmt: skip


def _review(request: Request, application_id: int, status: int = 200, **context: object) -> HTMLResponse:
    application = services(request).applications.get(administrator(request), application_id)
    return page(request, "admin/application.html", status_code=status, title=f"Application {application.id}",
                application=application, **context)  # fmt: skip


@route(router, "GET", "/applications/{application_id}", Permission.ADMINISTER)
def review(request: Request, application_id: Id) -> HTMLResponse:
    return _review(request, application_id, reason="")


@route(router, "POST", "/applications/{application_id}/approve", Permission.ADMINISTER)
def approve(request: Request, application_id: Id, form: FormData) -> HTMLResponse:
    check_csrf(request, form.get("csrf_token"))
    try:
        approval = services(request).applications.approve(administrator(request), application_id)
    except Conflict as refused:
        return _review(request, application_id, 409, reason="", refusal=refused.message)
    return page(request, "admin/approved.html", title="Application approved", approval=approval)


@route(router, "POST", "/applications/{application_id}/reject", Permission.ADMINISTER)
def reject(request: Request, application_id: Id, form: FormData) -> Response:
    check_csrf(request, form.get("csrf_token"))
    reason = form.get("reason", "")
    try:
        rejected = services(request).applications.reject(administrator(request), application_id, reason)
    except InvalidField as problem:
        return _review(request, application_id, 400, reason=reason, errors=field_errors(problem))
    except Conflict as refused:
        return _review(request, application_id, 409, reason=reason, refusal=refused.message)
    notify(request, f"The application of {rejected.name} was rejected; {rejected.super_user_email} is told why")
    return RedirectResponse("/admin/applications", status_code=303)
