"""Administration: every organisation's data challenges and their state, and the access log searched by ULN,
organisation, user, action and date range, a page at a time."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ....domain.errors import InvalidField
from ....domain.users import Permission
from ....services.administration import CHALLENGE_STATES, access_log_filter
from ...ids import PageNumber
from ..access import route
from ..templating import field_errors, page
from .common import administrator, services

router = APIRouter(prefix="/admin")
_FILTERS = ("uln", "organisation", "user", "action", "start", "end")


@route(router, "GET", "/challenges", Permission.ADMINISTER)
def challenges(request: Request, status: str = "open") -> HTMLResponse:
    chosen = status if status in (*CHALLENGE_STATES, "all") else "open"
    admin = administrator(request)
    found = services(request).administration.challenges(admin, None if chosen == "all" else chosen)
    names = {o.id: o.name for o in services(request).organisations.list(admin.actor())}
    return page(request, "admin/challenges.html", title="Data challenges", challenges=found, status=chosen,
                states=(*CHALLENGE_STATES, "all"), names=names)  # fmt: skip


@route(router, "GET", "/access-log", Permission.ADMINISTER)
def access_log(
    request: Request, uln: str = "", organisation: str = "", user: str = "", action: str = "", start: str = "",
    end: str = "", page_number: PageNumber = 1,
) -> HTMLResponse:  # fmt: skip
    admin = administrator(request)
    values = {"uln": uln, "organisation": organisation, "user": user, "action": action, "start": start, "end": end}
    organisations = services(request).organisations.list(admin.actor())
    errors, result = {}, None
    try:
        filters = access_log_filter(uln, organisation, user, action, start, end)
    except InvalidField as problems:
        errors = field_errors(problems)
    else:
        result = services(request).administration.access_log(admin, filters, page_number)
    query = {key: value for key, value in values.items() if value}

    def link(number: int) -> str:
        return "/admin/access-log?" + urlencode({**query, "page_number": number})

    return page(request, "admin/access_log.html", status_code=400 if errors else 200, title="Access log",
                errors=errors, values=values, organisations=organisations, result=result, link=link,
                names={o.id: o.name for o in organisations})  # fmt: skip
