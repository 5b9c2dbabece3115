"""Organisation portal, API keys: the super user's list of the organisation's keys (label, created, last used,
revoked), a new key whose secret is shown on one page only, and revoking a key after a confirmation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ....domain.errors import InvalidField, NotFound
from ....domain.users import Permission
from ....services.api_keys import LABEL_LIMIT, key_state
from ....services.ports import ApiKeyInfo
from ...ids import Id
from ..access import current_user, route
from ..navigation import add_section
from ..session import check_csrf
from ..templating import field_errors, page
from .forms import FormData, notify, services, take_notice

router = APIRouter(prefix="/organisation/keys")
add_section("/organisation/keys", "API keys", Permission.MANAGE_OWN_USERS)


def _list_page(request: Request, status: int = 200, **context: Any) -> HTMLResponse:
    user = current_user(request)
    now = services(request).clock.now()
    keys = [(key, key_state(key, now)) for key in services(request).api_keys.keys(user)]
    return page(request, "organisation/keys.html", status_code=status, title="Your organisation's API keys",
                keys=keys, label_limit=LABEL_LIMIT, notice=take_notice(request), **context)  # fmt: skip


@route(router, "GET", "", Permission.MANAGE_OWN_USERS)
def keys(request: Request) -> HTMLResponse:
    return _list_page(request, values={})


@route(router, "POST", "", Permission.MANAGE_OWN_USERS)
def create(request: Request, form: FormData) -> HTMLResponse:
    check_csrf(request, form.get("csrf_token"))
    label = form.get("label", "")
    try:
        issued = services(request).api_keys.create(current_user(request), None, label)
    except InvalidField as problem:
        return _list_page(request, 400, values={"label": label}, errors=field_errors(problem))
    # Shown on this page only: the secret is never kept, so it cannot be shown again.
    return page(request, "organisation/key_created.html", status_code=201, title="Your new API key",
                issued=issued)  # fmt: skip


def _own_key(request: Request, key_id: int) -> ApiKeyInfo:
    found = next((key for key in services(request).api_keys.keys(current_user(request)) if key.id == key_id), None)
    if found is None:
        raise NotFound(f"Your organisation has no API key {key_id}")
    return found


@route(router, "GET", "/{key_id}/revoke", Permission.MANAGE_OWN_USERS)
def revoke_form(request: Request, key_id: Id) -> HTMLResponse:
    return page(request, "organisation/key_revoke.html", title="Revoke this API key?", key=_own_key(request, key_id))


@route(router, "POST", "/{key_id}/revoke", Permission.MANAGE_OWN_USERS)
def revoke(request: Request, key_id: Id, form: FormData) -> Response:
    check_csrf(request, form.get("csrf_token"))
    revoked = services(request).api_keys.revoke(current_user(request), None, key_id)
    notify(request, f"API key {revoked.label or revoked.prefix} was revoked: requests with it are refused from now")
    return RedirectResponse("/organisation/keys", status_code=303)
