"""Administration: organisations and their people (add someone of any role the organisation's kind has, who is
sent a link to set their password; unlock a locked account; send a new password link)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ....domain.applications import KIND_LABELS
from ....domain.errors import Conflict, InvalidField, NotFound
from ....domain.users import Permission
from ....services.administration import ROLES_OF_KIND
from ...ids import Id, form_id
from ..access import route
from ..session import check_csrf
from ..templating import field_errors, page
from .common import FormData, administrator, notify, services, take_notice

router = APIRouter(prefix="/admin")


@route(router, "GET", "/organisations", Permission.ADMINISTER)
def organisations(request: Request) -> HTMLResponse:
    found = services(request).organisations.list(administrator(request).actor())
    return page(request, "admin/organisations.html", title="Organisations", organisations=found, kinds=KIND_LABELS)


def _organisation_page(request: Request, organisation_id: int, status: int = 200, **context: Any) -> HTMLResponse:
    admin = administrator(request)
    organisation, centres = services(request).administration.organisation(admin, organisation_id)
    people = services(request).users.people(admin, organisation_id)
    context.setdefault("values", {})
    return page(request, "admin/organisation.html", status_code=status, title=organisation.name,
                organisation=organisation, kind=KIND_LABELS[organisation.kind], people=people, centres=centres,
                roles=ROLES_OF_KIND.get(organisation.kind, ()), notice=take_notice(request), **context)  # fmt: skip


@route(router, "GET", "/organisations/{organisation_id}", Permission.ADMINISTER)
def organisation(request: Request, organisation_id: Id) -> HTMLResponse:
    return _organisation_page(request, organisation_id)


@route(router, "POST", "/organisations/{organisation_id}/users", Permission.ADMINISTER)
def add_user(request: Request, organisation_id: Id, form: FormData) -> HTMLResponse:
    check_csrf(request, form.get("csrf_token"))
    values = {key: form.get(key, "") for key in ("name", "email", "role", "centre")}
    centre = form_id(values["centre"])
    errors = {key: message for key, message in (("name", "Enter their full name"),
                                                ("email", "Enter their email address")) if not values[key]}  # fmt: skip
    if not errors:
        try:
            added = services(request).administration.add_user(administrator(request), organisation_id,
                                                               values["email"], values["name"], values["role"],
                                                               centre)  # fmt: skip
        except InvalidField as problem:
            errors = field_errors(problem)
        except Conflict:
            errors = {"email": "Someone has an account with this email address already"}
    if errors:
        return _organisation_page(request, organisation_id, 400, values=values, errors=errors)
    return page(request, "admin/link.html", title="User added", person=added.user, link=added.link,
                back=f"/admin/organisations/{organisation_id}")  # fmt: skip


def _person(request: Request, user_id: int) -> Any:
    person = services(request).users.get(user_id)
    if person is None:
        raise NotFound(f"No user {user_id}")
    return person


@route(router, "POST", "/users/{user_id}/unlock", Permission.ADMINISTER)
def unlock(request: Request, user_id: Id, form: FormData) -> Response:
    check_csrf(request, form.get("csrf_token"))
    person = services(request).users.unlock(administrator(request), _person(request, user_id).id)
    notify(request, f"{person.name}'s account was unlocked: they can sign in again")
    back = f"/admin/organisations/{person.organisation_id}" if person.organisation_id else "/admin/organisations"
    return RedirectResponse(back, status_code=303)


@route(router, "POST", "/users/{user_id}/password-link", Permission.ADMINISTER)
def password_link(request: Request, user_id: Id, form: FormData) -> HTMLResponse:
    check_csrf(request, form.get("csrf_token"))
    person = _person(request, user_id)
    link = services(request).password_links.issue(administrator(request), person.id)
    back = f"/admin/organisations/{person.organisation_id}" if person.organisation_id else "/admin/organisations"
    return page(request, "admin/link.html", title="New password link", person=person, link=link, back=back)
