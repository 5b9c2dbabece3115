"""Invitations: the organisation's page that issues a learner's one-time code (shown once) and revokes one still
open, and the public page where the learner redeems it with their family name, date of birth, email and a
password."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ....domain.errors import Conflict, InsufficientAccess, InvalidField
from ....domain.sharing import INVITATION_DAYS
from ....domain.users import Permission
from ....services.invitations import InvitationService
from ....services.throttling import Door
from ...ids import Id
from ...throttled import client_address
from ..access import current_user, route
from ..organisation.forms import typed_date
from ..session import check_csrf
from ..templating import field_errors, page
from .pages import services, set_notice, take_notice

router = APIRouter()
_DATE_PARTS = ("day", "month", "year")


def invitations(request: Request) -> InvitationService:
    return services(request).invitations


def redeem_url(request: Request) -> str:
    return f"{services(request).settings.public_url.rstrip('/')}/learner/invitation"


def _invite_page(request: Request, uln: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    try:
        outstanding = invitations(request).outstanding(current_user(request), uln)
    except InvalidField:
        outstanding = []
    context.setdefault("issued", None)
    return page(request, "learner/invite.html", status_code=status_code, title="Invite the learner to see their"
                " record", uln=uln, days=INVITATION_DAYS, outstanding=outstanding, notice=take_notice(request),
                **context)  # fmt: skip


@route(router, "GET", "/organisation/learners/{uln}/invite", Permission.REGISTER_LEARNER)
def invitation_form(request: Request, uln: str) -> HTMLResponse:
    return _invite_page(request, uln)


@route(router, "POST", "/organisation/learners/{uln}/invite", Permission.REGISTER_LEARNER)
def issue_invitation(request: Request, uln: str, csrf_token: Annotated[str, Form()] = "") -> HTMLResponse:
    check_csrf(request, csrf_token)
    try:
        issued = invitations(request).issue(current_user(request), uln)
    except (InvalidField, InsufficientAccess, Conflict) as refused:
        message = refused.message if not isinstance(refused, InvalidField) else field_errors(refused)["uln"]
        status = {InvalidField: 400, InsufficientAccess: 403}.get(type(refused), 409)
        return _invite_page(request, uln, status, refusal=message)
    response = page(request, "learner/invite.html", title="Invitation code for the learner", uln=uln, issued=issued,
                    days=INVITATION_DAYS, redeem_url=redeem_url(request))  # fmt: skip
    return response


@route(router, "POST", "/organisation/invitations/{invitation_id}/revoke", Permission.REGISTER_LEARNER)
def revoke_invitation(request: Request, invitation_id: Id, csrf_token: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf_token)
    revoked = invitations(request).revoke(current_user(request), invitation_id)
    set_notice(request, f"The invitation code made on {revoked.created_at:%-d %B %Y} is revoked: it no longer works.")
    return RedirectResponse(f"/organisation/learners/{revoked.uln}/invite", status_code=303)


def _redeem_form(request: Request, values: dict[str, str] | None = None, errors: dict[str, str] | None = None,
                 status_code: int = 200) -> HTMLResponse:  # fmt: skip
    return page(request, "learner/redeem.html", status_code=status_code, title="Set up your learning record account",
                values=values or {}, errors=errors or {})  # fmt: skip


@route(router, "GET", "/learner/invitation", public=True)
def redeem_form(request: Request) -> HTMLResponse:
    return _redeem_form(request)


@route(router, "POST", "/learner/invitation", public=True)
def redeem(
    request: Request,
    code: Annotated[str, Form()] = "",
    family_name: Annotated[str, Form()] = "",
    day: Annotated[str, Form(alias="date_of_birth-day")] = "",
    month: Annotated[str, Form(alias="date_of_birth-month")] = "",
    year: Annotated[str, Form(alias="date_of_birth-year")] = "",
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf_token)
    values = {"code": code, "family_name": family_name, "email": email,
              **{f"date_of_birth-{part}": typed for part, typed in zip(_DATE_PARTS, (day, month, year), strict=True)}}
    born = typed_date(values, "date_of_birth")
    throttle, client = services(request).throttle, client_address(request)
    throttle.check(Door.INVITATION, client)  # codes and learners' details cannot be tried one after another
    try:
        invitations(request).redeem(code, family_name, born, email, password)
    except InvalidField as problems:
        if {"code", "invitation"} & set(field_errors(problems)):
            throttle.failed(Door.INVITATION, client)
        # the date input's first box is where its error summary link goes
        errors = {("date_of_birth-day" if field == "date_of_birth" else field): message
                  for field, message in field_errors(problems).items()}  # fmt: skip
        if not born and "date_of_birth-day" in errors:
            errors["date_of_birth-day"] = "Enter your date of birth"
        return _redeem_form(request, values, errors, 400)
    return RedirectResponse("/learner/invitation/done", status_code=303)


@route(router, "GET", "/learner/invitation/done", public=True)
def redeemed(request: Request) -> HTMLResponse:
    return page(request, "learner/redeemed.html", title="Your account is set up")
