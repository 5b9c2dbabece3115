"""Public pages: applying to become a learner registration body or an awarding organisation, and setting a first
password through a one-time link."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ...domain.applications import KIND_LABELS, SHARED_MAILBOXES, ApplicationForm
from ...domain.errors import InvalidField, NotFound
from .access import route
from .session import check_csrf
from .templating import field_errors, page

router = APIRouter()
SUBMITTED_KEY = "application_sent"
_FIELDS = ("kind", "ukprn", "name", "address", "web_domain", "signatory_name", "signatory_role", "super_user_name",
           "super_user_email")  # fmt: skip
_NO_REFERRER = {"Referrer-Policy": "no-referrer"}  # the token in the address must not leak to another site


def _form_page(request: Request, values: dict[str, str], errors: dict[str, str] | None = None) -> HTMLResponse:
    return page(request, "apply/form.html", status_code=400 if errors else 200, errors=errors or {},
                title="Apply to use the Learning Records Service", values=values, kinds=KIND_LABELS,
                shared=sorted(SHARED_MAILBOXES))  # fmt: skip


@route(router, "GET", "/apply", public=True)
def application_form(request: Request) -> HTMLResponse:
    return _form_page(request, dict.fromkeys(_FIELDS, "") | {"agreed": ""})


@route(router, "POST", "/apply", public=True)
def apply(
    request: Request,
    kind: Annotated[str, Form()] = "",
    ukprn: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    address: Annotated[str, Form()] = "",
    web_domain: Annotated[str, Form()] = "",
    signatory_name: Annotated[str, Form()] = "",
    signatory_role: Annotated[str, Form()] = "",
    agreed: Annotated[str, Form()] = "",
    super_user_name: Annotated[str, Form()] = "",
    super_user_email: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf_token)
    form = ApplicationForm(kind, ukprn, name, address, web_domain, signatory_name, signatory_role, agreed == "yes",
                           super_user_name, super_user_email)  # fmt: skip
    try:
        application = request.app.state.services.applications.submit(form)
    except InvalidField as problems:
        values = {field: getattr(form, field) for field in _FIELDS} | {"agreed": agreed}
        return _form_page(request, values, field_errors(problems))
    request.session[SUBMITTED_KEY] = {"reference": application.id, "name": application.name,
                                      "email": application.super_user_email}  # fmt: skip
    return RedirectResponse("/apply/submitted", status_code=303)


@route(router, "GET", "/apply/submitted", public=True)
def application_sent(request: Request) -> Response:
    sent = request.session.get(SUBMITTED_KEY)
    if not sent:
        return RedirectResponse("/apply", status_code=303)
    return page(request, "apply/submitted.html", title="Application sent", sent=sent)


@route(router, "GET", "/set-password/{token}", public=True)
def set_password_form(request: Request, token: str) -> HTMLResponse:
    holder = request.app.state.services.password_links.holder(token)
    response = page(request, "apply/set_password.html", title="Create your password", person=holder.user,
                    token=token)  # fmt: skip
    response.headers.update(_NO_REFERRER)
    return response


@route(router, "POST", "/set-password/{token}", public=True)
def set_password(
    request: Request,
    token: str,
    password: Annotated[str, Form()] = "",
    password_confirm: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> HTMLResponse:
    check_csrf(request, csrf_token)
    links = request.app.state.services.password_links
    holder = links.holder(token)
    errors = {}
    if password != password_confirm:
        errors["password_confirm"] = "Enter the same password twice"
    else:
        try:
            links.set_password(token, password)
        except InvalidField as problem:
            errors = field_errors(problem)
        except NotFound as used:
            errors = {"password": used.message}
    if errors:
        response = page(request, "apply/set_password.html", status_code=400, title="Create your password",
                        errors=errors, person=holder.user, token=token)  # fmt: skip
    else:
        response = page(request, "apply/password_set.html", title="Your password is set", person=holder.user)
    response.headers.update(_NO_REFERRER)
    return response
