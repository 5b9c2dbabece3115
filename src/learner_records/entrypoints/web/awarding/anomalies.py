"""The Administration page: each open anomaly with its failed fields in plain words, the suggested fix and the days
left before the ULN is removed, and one-click resolutions (accept the fix, remove the ULN, or correct the details)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ....domain.errors import InvalidField, InvalidFields, NotFound
from ....domain.users import Permission
from ....services.awarding import AnomalyView
from ....services.awarding_ports import Registration
from ...ids import Id
from ..access import route
from ..session import check_csrf
from .common import GENDERS, actor, date_parts, explain, joined_date, optional_int, router, services, show

DONE = {
    "validated": "The anomaly is resolved: the ULN was checked again and is validated.",
    "anomaly": "The ULN was checked again and still does not validate; its new anomaly is listed.",
    "none": "The ULN is removed. The registration stays; add a ULN when the learner gives it.",
    "pending": "The anomaly is resolved; the ULN will be checked against the register shortly.",
}


@route(router, "GET", "/anomalies", Permission.CENTRE)
def anomalies(request: Request, centre: str = "", done: str = "") -> HTMLResponse:
    _, acting = actor(request)
    chosen = optional_int(centre)
    centres = {c.id: c for c, _ in services(request).awarding_overview.centres(acting)}
    if chosen is not None and chosen not in centres:
        raise NotFound(f"No centre {chosen} of yours")
    views = services(request).awarding.anomalies(acting, chosen)
    return show(request, "awarding/anomalies.html", title="Administration: ULN anomalies", views=views,
                centres=centres, centre=centre, notice=DONE.get(done))  # fmt: skip


def _open(request: Request, anomaly_id: int) -> AnomalyView:
    _, acting = actor(request)
    found = next((v for v in services(request).awarding.anomalies(acting) if v.stored.id == anomaly_id), None)
    if found is None:
        raise NotFound(f"No open anomaly {anomaly_id} at your centres")
    return found


def _resolved(after: Registration) -> Response:
    return RedirectResponse(f"/awarding/anomalies?done={after.uln_state.value}", status_code=303)


@route(router, "POST", "/anomalies/{anomaly_id}/accept-fix", Permission.CENTRE)
def accept_fix(request: Request, anomaly_id: Id, csrf_token: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf_token)
    _, acting = actor(request)
    return _resolved(services(request).awarding.resolve(acting, anomaly_id, "accept_fix"))


@route(router, "POST", "/anomalies/{anomaly_id}/remove-uln", Permission.CENTRE)
def remove_uln(request: Request, anomaly_id: Id, csrf_token: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf_token)
    _, acting = actor(request)
    return _resolved(services(request).awarding.resolve(acting, anomaly_id, "remove_uln"))


def _correct_form(request: Request, view: AnomalyView, values: dict[str, str],
                  errors: dict[str, str] | None = None) -> HTMLResponse:  # fmt: skip
    return show(request, "awarding/correct.html", status_code=400 if errors else 200,
                title="Correct the learner's details", view=view, values=values, errors=errors or {},
                genders=GENDERS, born=date_parts(values.get("date_of_birth")))  # fmt: skip


@route(router, "GET", "/anomalies/{anomaly_id}/correct", Permission.CENTRE)
def correct_form(request: Request, anomaly_id: Id) -> HTMLResponse:
    view = _open(request, anomaly_id)
    d = view.registration.details
    values = {"given_name": d.given_name, "family_name": d.family_name, "date_of_birth": d.date_of_birth.isoformat(),
              "gender": str(d.gender), "uln": d.uln or ""}  # fmt: skip
    return _correct_form(request, view, values)


@route(router, "POST", "/anomalies/{anomaly_id}/correct", Permission.CENTRE)
def correct(
    request: Request,
    anomaly_id: Id,
    csrf_token: Annotated[str, Form()] = "",
    given_name: Annotated[str, Form()] = "",
    family_name: Annotated[str, Form()] = "",
    day: Annotated[str, Form(alias="date_of_birth-day")] = "",
    month: Annotated[str, Form(alias="date_of_birth-month")] = "",
    year: Annotated[str, Form(alias="date_of_birth-year")] = "",
    gender: Annotated[str, Form()] = "",
    uln: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf_token)
    _, acting = actor(request)
    view = _open(request, anomaly_id)
    values = {"given_name": given_name, "family_name": family_name, "date_of_birth": joined_date(day, month, year),
              "gender": gender, "uln": uln}  # fmt: skip
    try:
        after = services(request).awarding.resolve(acting, anomaly_id, "correct_details", values)
    except (InvalidField, InvalidFields) as problems:
        return _correct_form(request, view, values, explain(problems, {"date_of_birth": "date_of_birth-day"}))
    return _resolved(after)
