"""Registrations: the list (by centre, qualification and ULN state), one registration, registering a learner, and a
CSV file of registrations with the report of every row's problem."""

from __future__ import annotations

from typing import Annotated

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ....domain.awarding import UlnState, parse_registration
from ....domain.errors import Conflict, InvalidField, InvalidFields
from ....domain.users import Permission
from ...files import csv_rows, text_stream
from ...ids import Id
from ..access import route
from ..session import check_csrf
from .common import GENDERS, LABELS, actor, date_parts, explain, joined_date, optional_int, router, services, show

REQUIRED = ("qualification_reference", "given_name", "family_name", "date_of_birth", "gender")
COLUMNS = (*REQUIRED, "postcode", "uln", "candidate_reference")
DONE = {
    "registered": "The learner is registered. Their ULN is checked against the register in the background.",
    "result": "The result is saved.",
    "certificate": "The certificate is issued. Download it below.",
    "revoked": "The certificate is revoked: the public check now says so.",
    "sent": "The result was sent to the learner's record, or the reason it was not is shown.",
    "confirmed": "The learner's record was read back.",
}
_FIELDS = ("given_name", "family_name", "postcode", "uln", "candidate_reference")


@route(router, "GET", "/registrations", Permission.CENTRE)
def registrations(request: Request, centre: str = "", qualification: str = "", state: str = "") -> HTMLResponse:
    _, acting = actor(request)
    overview = services(request).awarding_overview
    centres = overview.centres(acting)
    chosen_state = UlnState(state) if state in {s.value for s in UlnState} else None
    found = overview.registrations(acting, optional_int(centre), qualification.strip() or None, chosen_state)
    names = {c.id: c for c, _ in centres}
    references = sorted({q.reference: q for _, offered in centres for q in offered}.values(), key=lambda q: q.title)
    return show(request, "awarding/registrations.html", title="Registrations", registrations=found, centres=names,
                qualifications=references, filters={"centre": centre, "qualification": qualification,
                                                    "state": chosen_state.value if chosen_state else ""})  # fmt: skip


def _form(request: Request, values: dict[str, str], errors: dict[str, str] | None = None) -> HTMLResponse:
    _, acting = actor(request)
    centres = services(request).awarding_overview.centres(acting)
    return show(request, "awarding/register.html", status_code=400 if errors else 200, title="Register a learner",
                errors=errors or {}, values=values, centres=centres, genders=GENDERS,
                born=date_parts(values.get("date_of_birth")))  # fmt: skip


@route(router, "GET", "/registrations/new", Permission.CENTRE)
def new_registration(request: Request) -> HTMLResponse:
    return _form(request, {})


@route(router, "POST", "/registrations", Permission.CENTRE)
def register(
    request: Request,
    csrf_token: Annotated[str, Form()] = "",
    centre_id: Annotated[str, Form()] = "",
    qualification_reference: Annotated[str, Form()] = "",
    given_name: Annotated[str, Form()] = "",
    family_name: Annotated[str, Form()] = "",
    day: Annotated[str, Form(alias="date_of_birth-day")] = "",
    month: Annotated[str, Form(alias="date_of_birth-month")] = "",
    year: Annotated[str, Form(alias="date_of_birth-year")] = "",
    gender: Annotated[str, Form()] = "",
    postcode: Annotated[str, Form()] = "",
    uln: Annotated[str, Form()] = "",
    candidate_reference: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf_token)
    _, acting = actor(request)
    values = {"centre_id": centre_id, "qualification_reference": qualification_reference, "given_name": given_name,
              "family_name": family_name, "date_of_birth": joined_date(day, month, year), "gender": gender,
              "postcode": postcode, "uln": uln, "candidate_reference": candidate_reference}  # fmt: skip
    errors: dict[str, str] = {}
    centre = optional_int(centre_id)
    if centre is None:
        errors["centre_id"] = "Choose the centre the learner is registered at"
    if not qualification_reference.strip():
        errors["qualification_reference"] = "Choose the qualification"
    raw = {key: values[key] for key in ("given_name", "family_name", "date_of_birth", "gender", *_FIELDS[2:])}
    try:
        parse_registration(raw)  # every field's problem at once, before the centre and qualification are looked up
    except InvalidFields as problems:
        errors.update(explain(problems, {"date_of_birth": "date_of_birth-day"}))
    if errors or centre is None:
        return _form(request, values, errors)
    try:
        made = services(request).awarding.register(acting, centre, qualification_reference.strip().upper(), raw)
    except (InvalidField, InvalidFields) as problems:
        return _form(request, values, explain(problems))
    except Conflict as conflict:
        return _form(request, values, {"given_name": conflict.message})
    return RedirectResponse(f"/awarding/registrations/{made.id}?done=registered", status_code=303)


def _upload_form(request: Request, errors: dict[str, str] | None = None, report: object = None,
                 centre_id: str = "") -> HTMLResponse:  # fmt: skip
    _, acting = actor(request)
    centres = services(request).awarding_overview.centres(acting)
    return show(request, "awarding/upload.html", status_code=400 if errors else 200, title="Upload registrations",
                errors=errors or {}, centres=centres, report=report, columns=COLUMNS, required=REQUIRED,
                labels=LABELS, centre_id=centre_id)  # fmt: skip


@route(router, "GET", "/registrations/upload", Permission.CENTRE)
def upload_form(request: Request) -> HTMLResponse:
    return _upload_form(request)


@route(router, "POST", "/registrations/upload", Permission.CENTRE)
def upload(
    request: Request,
    csrf_token: Annotated[str, Form()] = "",
    centre_id: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    check_csrf(request, csrf_token)
    _, acting = actor(request)
    centre = optional_int(centre_id)
    errors = {}
    if centre is None:
        errors["centre_id"] = "Choose the centre the learners are registered at"
    if file is None or not file.filename:
        errors["file"] = "Choose a CSV file of registrations"
    if errors or centre is None or file is None:
        return _upload_form(request, errors, centre_id=centre_id)
    try:
        report = services(request).awarding.register_file(acting, centre, csv_rows(text_stream(file.file), REQUIRED))
    except InvalidField as problem:
        return _upload_form(request, {"file": explain(problem)[problem.field]}, centre_id=centre_id)
    except UnicodeDecodeError:
        return _upload_form(request, {"file": "The file must be a CSV file saved as UTF-8"}, centre_id=centre_id)
    return _upload_form(request, report=report, centre_id=centre_id)


@route(router, "GET", "/registrations/{registration_id}", Permission.CENTRE)
def registration(request: Request, registration_id: Id, done: str = "") -> HTMLResponse:
    return registration_page(request, registration_id, notice=DONE.get(done))


def registration_page(request: Request, registration_id: int, errors: dict[str, str] | None = None,
                      notice: str | None = None, form: dict[str, str] | None = None) -> HTMLResponse:  # fmt: skip
    """One registration: its details, ULN state and anomaly, result, certification and certificate."""
    _, acting = actor(request)
    view = services(request).awarding_overview.registration(acting, registration_id)
    r = view.registration
    award = date_parts((form or {}).get("award_date") or r.award_date)
    genders = dict(GENDERS)
    return show(request, "awarding/registration.html", status_code=400 if errors else 200,
                title=f"{r.details.given_name} {r.details.family_name}", view=view, r=r, errors=errors or {},
                notice=notice, award=award, grade=(form or {}).get("grade", r.grade or ""),
                gender=genders.get(str(r.details.gender), str(r.details.gender)))  # fmt: skip
