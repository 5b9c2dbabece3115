"""Unlocking one's own account through the link mailed when wrong passwords locked it. Opening the link only
shows a button: mail scanners that fetch links must not use it up."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from ...bootstrap import Services
from ...domain.errors import NotFound
from ...services.throttling import Door
from .access import route
from .session import check_csrf
from .templating import page

router = APIRouter()
_NO_REFERRER = {"Referrer-Policy": "no-referrer"}  # the token in the address must not leak to another site


@route(router, "GET", "/unlock/{token}", public=True)
def unlock_form(request: Request, token: str) -> HTMLResponse:
    holder = request.app.state.services.password_links.holder(token)
    response = page(request, "unlock.html", title="Unlock your account", person=holder.user, token=token)
    response.headers.update(_NO_REFERRER)
    return response


@route(router, "POST", "/unlock/{token}", public=True)
def unlock(request: Request, token: str, csrf_token: Annotated[str, Form()] = "") -> HTMLResponse:
    check_csrf(request, csrf_token)
    services: Services = request.app.state.services
    try:
        user = services.password_links.unlock(token)
    except NotFound as used:
        response = page(request, "error.html", status_code=404, title="This link cannot be used", message=used.message)
    else:
        services.throttle.forgive(Door.SIGN_IN, user.email)  # the holder proved who they are: a fresh start
        response = page(request, "unlocked.html", title="Your account is unlocked", person=user)
    response.headers.update(_NO_REFERRER)
    return response
