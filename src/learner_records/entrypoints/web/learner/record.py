"""A learner's own pages: their PLR, its PDF, challenging an entry, and who looked at their record."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ....domain.errors import InvalidField, NotFound
from ....domain.plr import CHALLENGE_REASON_LIMIT, LearningEvent
from ....domain.users import Permission
from ...ids import MAX_PAGE, Id
from ..access import current_user, route
from ..session import check_csrf
from ..templating import field_errors, page
from .pages import portal, set_notice, take_notice, what, who

router = APIRouter()


@route(router, "GET", "/learner", Permission.OWN_RECORD)
def own_record(request: Request) -> HTMLResponse:
    record = portal(request).my_record(current_user(request).actor())
    return page(request, "learner/record.html", title="Your learning record", learner=record.learner,
                events=record.events, notice=take_notice(request))  # fmt: skip


@route(router, "GET", "/learner/record.pdf", Permission.OWN_RECORD)
def own_record_pdf(request: Request) -> Response:
    user = current_user(request)
    document = portal(request).my_record_document(user.actor())
    headers = {"Content-Disposition": 'attachment; filename="learning-record.pdf"', "Cache-Control": "no-store"}
    return Response(document, media_type="application/pdf", headers=headers)


def _event(request: Request, event_id: int) -> LearningEvent:
    for event in portal(request).my_record(current_user(request).actor()).events:
        if event.id == event_id:
            return event
    raise NotFound(f"There is no entry {event_id} on your record")


def _challenge_form(request: Request, event: LearningEvent, reason: str = "", errors: dict[str, str] | None = None,
                    status_code: int = 200) -> HTMLResponse:  # fmt: skip
    return page(request, "learner/challenge.html", status_code=status_code, title="Challenge an entry",
                event=event, reason=reason, errors=errors or {}, limit=CHALLENGE_REASON_LIMIT)  # fmt: skip


@route(router, "GET", "/learner/events/{event_id}/challenge", Permission.OWN_RECORD)
def challenge_form(request: Request, event_id: Id) -> HTMLResponse:
    return _challenge_form(request, _event(request, event_id))


@route(router, "POST", "/learner/events/{event_id}/challenge", Permission.OWN_RECORD)
def challenge(
    request: Request, event_id: Id, reason: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = ""
) -> Response:
    check_csrf(request, csrf_token)
    try:
        portal(request).challenge(current_user(request).actor(), event_id, reason)
    except InvalidField as problem:
        return _challenge_form(request, _event(request, event_id), reason, field_errors(problem), 400)
    set_notice(request, "Your challenge was sent. The entry shows “Under data challenge” until it is answered.")
    return RedirectResponse("/learner", status_code=303)


@route(router, "GET", "/learner/who-looked", Permission.OWN_RECORD)
def who_looked(
    request: Request, page_number: Annotated[int, Query(alias="page", ge=1, le=MAX_PAGE)] = 1, everything: bool = False
) -> HTMLResponse:
    history = portal(request).who_looked(current_user(request).actor(), page_number, include_own=everything)
    rows = [{"at": r.at, "who": who(r), "what": what(r.action)} for r in history.records]
    return page(request, "learner/who_looked.html", title="Who looked at your record", rows=rows, history=history,
                everything=everything)  # fmt: skip
