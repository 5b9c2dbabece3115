"""Organisation portal, users: the super user's page of the organisation's people (role, locked, suspended),
adding someone with a role and a first password, unlocking a locked account, suspending and reactivating."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ....domain.errors import Conflict, InvalidField, NotFound
from ....domain.users import PASSWORD_MINIMUM, Permission, Role, User
from ....services.users import may_manage
from ...ids import Id
from ..access import current_user, route
from ..navigation import add_section
from ..session import check_csrf
from ..templating import field_errors, page
from .forms import FormData, notify, services, take_notice

router = APIRouter(prefix="/organisation/users")
add_section("/organisation/users", "Users", Permission.MANAGE_OWN_USERS)

PASSWORD_HINT = f"At least {PASSWORD_MINIMUM} characters, with 3 of: a capital letter, a small letter, a digit, a " \
                "symbol; not a commonly used password, nor their name or email address. Give it to them in person" \
                " or by phone, not by email"  # fmt: skip


def _roles(user: User) -> list[Role]:
    """The roles this person may give in their own organisation (a super user: the registration body's)."""
    return [role for role in Role if may_manage(user, role, user.organisation_id)
            and role not in (Role.ADMINISTRATOR, Role.LEARNER)]  # fmt: skip


def _person(request: Request, user_id: int) -> tuple[User, User]:
    """The signed-in manager and one of their organisation's people (someone else's are not found here)."""
    manager = current_user(request)
    person = services(request).users.get(user_id)
    if person is None or person.organisation_id != manager.organisation_id or person.organisation_id is None:
        raise NotFound(f"Your organisation has no user {user_id}")
    return manager, person


@route(router, "GET", "", Permission.MANAGE_OWN_USERS)
def people(request: Request) -> HTMLResponse:
    user = current_user(request)
    found = services(request).users.people(user, user.organisation_id)
    return page(request, "organisation/users.html", title="Your organisation's users", people=found,
                manageable={p.id for p in found if may_manage(user, p.role, p.organisation_id) and p.id != user.id},
                notice=take_notice(request))  # fmt: skip


def _new_page(request: Request, status: int = 200, **context: Any) -> HTMLResponse:
    return page(request, "organisation/user_new.html", status_code=status, title="Add a user",
                roles=_roles(current_user(request)), password_hint=PASSWORD_HINT, **context)  # fmt: skip


@route(router, "GET", "/new", Permission.MANAGE_OWN_USERS)
def new_form(request: Request) -> HTMLResponse:
    return _new_page(request, values={})


@route(router, "POST", "/new", Permission.MANAGE_OWN_USERS)
def add(request: Request, form: FormData) -> Response:
    check_csrf(request, form.get("csrf_token"))
    user = current_user(request)
    values = {key: form.get(key, "") for key in ("name", "email", "role")}
    errors = {key: message for key, message in (("name", "Enter their full name"), ("email", "Enter their email "
              "address"), ("password", "Enter a first password")) if not form.get(key)}  # fmt: skip
    roles = {role.value: role for role in _roles(user)}
    if values["role"] not in roles:
        errors["role"] = "Select their role"
    if not errors:
        try:
            services(request).users.create(user, values["email"], values["name"], roles[values["role"]],
                                           user.organisation_id, form["password"])  # fmt: skip
        except InvalidField as problem:
            errors = field_errors(problem)
        except Conflict:
            errors = {"email": "Someone has an account with this email address already"}
    if errors:
        return _new_page(request, 400, values=values, errors=errors)
    role = roles[values["role"]].label.lower()
    notify(request, f"{values['name']} was added as {'an' if role[0] in 'aeiou' else 'a'} {role}")
    return RedirectResponse("/organisation/users", status_code=303)


def _change(request: Request, user_id: int, form: dict[str, str], action: str) -> Response:
    check_csrf(request, form.get("csrf_token"))
    manager, person = _person(request, user_id)
    if person.id == manager.id and action != "unlock":
        title = "You cannot suspend your own account"
        return page(request, "error.html", status_code=400, title=title,
                    message="Ask another super user of your organisation, or the register's administrators.")
    if not may_manage(manager, person.role, person.organisation_id):
        raise NotFound(f"Your organisation has no user {user_id} you may change")
    users = services(request).users
    if action == "unlock":
        users.unlock(manager, person.id)
        notify(request, f"{person.name}'s account was unlocked: they can sign in again")
    else:
        users.set_active(manager, person.id, action == "reactivate")
        state = "reactivated" if action == "reactivate" else "suspended: they cannot sign in until reactivated"
        notify(request, f"{person.name}'s account was {state}")
    return RedirectResponse("/organisation/users", status_code=303)


@route(router, "POST", "/{user_id}/unlock", Permission.MANAGE_OWN_USERS)
def unlock(request: Request, user_id: Id, form: FormData) -> Response:
    return _change(request, user_id, form, "unlock")


@route(router, "POST", "/{user_id}/suspend", Permission.MANAGE_OWN_USERS)
def suspend(request: Request, user_id: Id, form: FormData) -> Response:
    return _change(request, user_id, form, "suspend")


@route(router, "POST", "/{user_id}/reactivate", Permission.MANAGE_OWN_USERS)
def reactivate(request: Request, user_id: Id, form: FormData) -> Response:
    return _change(request, user_id, form, "reactivate")
