"""Administration: a learner's account recovery. Find the learner by ULN, see their account, the invitation codes
still open and past detachments; detach an account someone else set up (it is suspended, the reason kept), revoke
a code, or issue one after checking the person yourself."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ....domain.errors import Conflict, InvalidField, NotFound
from ....domain.sharing import INVITATION_DAYS
from ....domain.users import Permission
from ...ids import Id
from ..access import route
from ..learner.invitations import redeem_url
from ..session import check_csrf
from ..templating import field_errors, page
from .common import FormData, administrator, notify, services, take_notice

router = APIRouter(prefix="/admin")
PATH = "/admin/learner-accounts"


def _back(uln: str) -> str:
    return f"{PATH}?uln={quote(uln)}"


def _account_page(request: Request, uln: str, status: int = 200, **context: Any) -> HTMLResponse:
    found = None
    if uln:
        try:
            found = services(request).invitations.account(administrator(request), uln)
        except (InvalidField, NotFound) as problem:
            status = 400 if isinstance(problem, InvalidField) else 404
            context.setdefault("errors", {"uln": problem.message if isinstance(problem, NotFound)
                                          else field_errors(problem)["uln"]})  # fmt: skip
    context.setdefault("errors", {})
    return page(request, "admin/learner_account.html", status_code=status, title="Learner accounts", uln=uln,
                found=found, notice=take_notice(request), **context)  # fmt: skip


@route(router, "GET", "/learner-accounts", Permission.ADMINISTER)
def learner_account(request: Request, uln: str = "") -> HTMLResponse:
    return _account_page(request, uln.strip())


@route(router, "POST", "/learner-accounts/{uln}/detach", Permission.ADMINISTER)
def detach(request: Request, uln: str, form: FormData) -> Response:
    check_csrf(request, form.get("csrf_token"))
    try:
        detached = services(request).invitations.detach_account(administrator(request), uln, form.get("reason", ""))
    except InvalidField as problem:
        return _account_page(request, uln, 400, errors=field_errors(problem), reason=form.get("reason", ""))
    except Conflict as problem:
        return _account_page(request, uln, 409, errors={"detach": problem.message})
    notify(request, f"The account {detached.email} is detached from ULN {detached.uln} and suspended: the learner"
                    " can be invited again")  # fmt: skip
    return RedirectResponse(_back(detached.uln), status_code=303)


@route(router, "POST", "/learner-accounts/{uln}/invite", Permission.ADMINISTER)
def invite(request: Request, uln: str, form: FormData) -> HTMLResponse:
    check_csrf(request, form.get("csrf_token"))
    try:
        issued = services(request).invitations.issue(administrator(request), uln, form.get("proof", ""))
    except InvalidField as problem:
        return _account_page(request, uln, 400, errors=field_errors(problem), proof=form.get("proof", ""))
    except Conflict as problem:
        return _account_page(request, uln, 409, errors={"proof": problem.message})
    response = page(request, "learner/invite.html", title="Invitation code for the learner", uln=issued.invitation.uln,
                    issued=issued, days=INVITATION_DAYS, redeem_url=redeem_url(request))  # fmt: skip
    return response


@route(router, "POST", "/invitations/{invitation_id}/revoke", Permission.ADMINISTER)
def revoke(request: Request, invitation_id: Id, form: FormData) -> Response:
    check_csrf(request, form.get("csrf_token"))
    revoked = services(request).invitations.revoke(administrator(request), invitation_id)
    notify(request, f"The invitation code made on {revoked.created_at:%-d %B %Y} by {revoked.created_by} is revoked")
    return RedirectResponse(_back(revoked.uln), status_code=303)
