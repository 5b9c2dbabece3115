"""Data challenges raised against the organisation's learning events: accept (amend the grade or award date, or
withdraw the event) or reject, always saying why."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ....domain.errors import InvalidField, InvalidFields
from ....domain.users import Permission
from ....services.records import ChallengeFix
from ...ids import Id
from ..access import route
from ..session import check_csrf
from .common import actor, date_parts, explain, joined_date, router, services, show

DONE = {"accepted": "The challenge is accepted and the learning event corrected.",
        "rejected": "The challenge is rejected; the reason is kept with it."}  # fmt: skip


@route(router, "GET", "/challenges", Permission.AWARDING)
def challenges(request: Request, done: str = "") -> HTMLResponse:
    _, acting = actor(request)
    views = services(request).awarding_overview.challenges(acting)
    return show(request, "awarding/challenges.html", title="Data challenges", views=views, notice=DONE.get(done))


def _answer_page(request: Request, challenge_id: int, errors: dict[str, str] | None = None,
                 values: dict[str, str] | None = None) -> HTMLResponse:  # fmt: skip
    _, acting = actor(request)
    view = services(request).awarding_overview.challenge(acting, challenge_id)
    values = values or {}
    return show(request, "awarding/challenge.html", status_code=400 if errors else 200, title="Answer a data challenge",
                view=view, errors=errors or {}, values=values,
                awarded=date_parts(values.get("award_date")))  # fmt: skip


@route(router, "GET", "/challenges/{challenge_id}", Permission.AWARDING)
def challenge(request: Request, challenge_id: Id) -> HTMLResponse:
    return _answer_page(request, challenge_id)


@route(router, "POST", "/challenges/{challenge_id}/accept", Permission.AWARDING)
def accept(
    request: Request,
    challenge_id: Id,
    csrf_token: Annotated[str, Form()] = "",
    change: Annotated[str, Form()] = "",
    grade: Annotated[str, Form()] = "",
    day: Annotated[str, Form(alias="award_date-day")] = "",
    month: Annotated[str, Form(alias="award_date-month")] = "",
    year: Annotated[str, Form(alias="award_date-year")] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf_token)
    _, acting = actor(request)
    awarded = joined_date(day, month, year)
    values = {"change": change, "grade": grade, "award_date": awarded, "accept_reason": reason}
    errors: dict[str, str] = {}
    award_date = None
    if change not in ("amend", "withdraw"):
        errors["change"] = "Choose whether to amend the event or withdraw it"
    elif change == "amend" and awarded:
        try:
            award_date = date.fromisoformat(awarded)
        except ValueError:
            errors["award_date-day"] = "Enter the award date as a real date, for example 1 7 2026"
    if errors:
        return _answer_page(request, challenge_id, errors, values)
    fix = ChallengeFix(withdraw=True) if change == "withdraw" else ChallengeFix(grade=grade.strip() or None,
                                                                                 award_date=award_date)  # fmt: skip
    try:
        services(request).records.resolve_challenge(acting, challenge_id, True, reason, fix)
    except (InvalidField, InvalidFields) as problems:
        rename = {"reason": "accept_reason", "fix": "grade", "award_date": "award_date-day"}
        return _answer_page(request, challenge_id, explain(problems, rename), values)
    return RedirectResponse("/awarding/challenges?done=accepted", status_code=303)


@route(router, "POST", "/challenges/{challenge_id}/reject", Permission.AWARDING)
def reject(
    request: Request, challenge_id: Id, csrf_token: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = ""
) -> Response:
    check_csrf(request, csrf_token)
    _, acting = actor(request)
    try:
        services(request).records.resolve_challenge(acting, challenge_id, False, reason)
    except InvalidField as problem:
        return _answer_page(request, challenge_id, explain(problem, {"reason": "reject_reason"}),
                            {"reject_reason": reason})  # fmt: skip
    return RedirectResponse("/awarding/challenges?done=rejected", status_code=303)
