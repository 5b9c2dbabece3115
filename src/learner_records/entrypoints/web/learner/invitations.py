"""Invitations: the organisation's page that issues a learner's one-time code (shown once), and the public page
where the learner redeems it with their email and a password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ....domain.errors import Conflict, InvalidField, NotFound
from ....domain.sharing import INVITATION_DAYS
from ....domain.users import Permission
from ..access import current_user, route
from ..session import check_csrf
from ..templating import field_errors, page
from .pages import portal, services

router = APIRouter()


@route(router, "GET", "/organisation/learners/{uln}/invite", Permission.REGISTER_LEARNER)
def invitation_form(request: Request, uln: str) -> HTMLResponse:
    return page(request, "learner/invite.html", title="Invite the learner to see their record", uln=uln,
                issued=None, days=INVITATION_DAYS)  # fmt: skip


@route(router, "POST", "/organisation/learners/{uln}/invite", Permission.REGISTER_LEARNER)
def issue_invitation(request: Request, uln: str, csrf_token: Annotated[str, Form()] = "") -> HTMLResponse:
    check_csrf(request, csrf_token)
    try:
        issued = portal(request).issue_invitation(current_user(request), uln)
    except (InvalidField, NotFound, Conflict) as refused:
        message = refused.message if not isinstance(refused, InvalidField) else field_errors(refused)["uln"]
        return page(request, "learner/invite.html", status_code=400 if isinstance(refused, InvalidField) else 409,
                    title="Invite the learner to see their record", uln=uln, issued=None, days=INVITATION_DAYS,
                    refusal=message)  # fmt: skip
    address = f"{services(request).settings.public_url.rstrip('/')}/learner/invitation"
    response = page(request, "learner/invite.html", title="Invitation code for the learner", uln=uln, issued=issued,
                    days=INVITATION_DAYS, redeem_url=address)  # fmt: skip
    response.headers["Cache-Control"] = "no-store"  # the code is shown this once
    return response


def _redeem_form(request: Request, code: str = "", email: str = "", errors: dict[str, str] | None = None,
                 status_code: int = 200) -> HTMLResponse:  # fmt: skip
    return page(request, "learner/redeem.html", status_code=status_code, title="Set up your learning record account",
                code=code, email=email, errors=errors or {})  # fmt: skip


@route(router, "GET", "/learner/invitation", public=True)
def redeem_form(request: Request) -> HTMLResponse:
    return _redeem_form(request)


@route(router, "POST", "/learner/invitation", public=True)
def redeem(
    request: Request,
    code: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf_token)
    try:
        portal(request).redeem_invitation(code, email, password)
    except InvalidField as problems:
        return _redeem_form(request, code, email, field_errors(problems), 400)
    return RedirectResponse("/learner/invitation/done", status_code=303)


@route(router, "GET", "/learner/invitation/done", public=True)
def redeemed(request: Request) -> HTMLResponse:
    return page(request, "learner/redeemed.html", title="Your account is set up")
