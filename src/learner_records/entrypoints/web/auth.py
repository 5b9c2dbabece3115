"""The start page, signing in and out, and each person's home page (the sections their role opens)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ...bootstrap import Services
from ...domain.errors import SignInRefused
from ...services.throttling import Door
from ..throttled import client_address
from .access import current_user, route
from .navigation import SECTIONS
from .session import check_csrf, sign_in_session, sign_out_session, signed_in_user
from .templating import page

router = APIRouter()


def _safe_next(target: str) -> str:
    """Only a path on this site: never send someone off to another host after signing in."""
    parsed = urlparse(target)
    return target if target.startswith("/") and not target.startswith("//") and not parsed.netloc else "/home"


@route(router, "GET", "/", public=True)
def landing(request: Request) -> HTMLResponse:
    return page(request, "landing.html", title="Learning records", home="/home")


@route(router, "GET", "/sign-in", public=True)
def sign_in_form(request: Request, next: str = "/home") -> Response:
    if signed_in_user(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return page(request, "sign_in.html", title="Sign in", next=_safe_next(next), email="")


@route(router, "POST", "/sign-in", public=True)
def sign_in(
    request: Request,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/home",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf_token)
    errors = {}
    if not email.strip():
        errors["email"] = "Enter your email address"
    if not password:
        errors["password"] = "Enter your password"
    if not errors:
        services: Services = request.app.state.services
        try:
            user = services.throttle.guard(Door.SIGN_IN, client_address(request), email.strip(),
                                           lambda: services.users.sign_in(email, password))  # fmt: skip
        except SignInRefused as refused:
            errors["email"] = refused.message
        else:
            sign_in_session(request, user)
            return RedirectResponse(_safe_next(next), status_code=303)
    return page(request, "sign_in.html", status_code=400 if errors else 200, title="Sign in", errors=errors,
                next=_safe_next(next), email=email)  # fmt: skip


@route(router, "POST", "/sign-out")
def sign_out(request: Request, csrf_token: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf_token)
    sign_out_session(request)
    return RedirectResponse("/", status_code=303)


@route(router, "GET", "/home")
def home(request: Request) -> HTMLResponse:
    user = current_user(request)
    sections = [section for section in SECTIONS if user.may(section.permission)]
    return page(request, "home.html", title="Your home page", sections=sections)
