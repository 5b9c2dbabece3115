"""The web portals: server-rendered pages in the GOV.UK Design System, signed-in sessions, CSRF on every form."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from ...bootstrap import Services
from ...domain import errors
from . import admin, auth, awarding, learner, organisation, unlock, verify
from .session import CsrfRefused, SignInNeeded, session_secret
from .templating import environment, page

STATIC = Path(__file__).with_name("static")


def install(app: FastAPI, services: Services) -> None:
    settings = services.settings
    app.add_middleware(
        SessionMiddleware, secret_key=session_secret(settings), session_cookie="learner_records_session",
        max_age=settings.session_hours * 3600, same_site="lax", https_only=bool(settings.tls_certfile),
    )  # fmt: skip
    assets = STATIC / "govuk"
    if assets.is_dir():  # the GOV.UK Frontend build, copied from node_modules by `make assets`
        app.mount("/assets", StaticFiles(directory=assets), name="assets")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(auth.router)
    app.include_router(verify.router)
    app.include_router(learner.router)
    app.include_router(organisation.router)
    app.include_router(admin.router)
    app.include_router(awarding.router)
    app.include_router(unlock.router)
    app.add_exception_handler(SignInNeeded, _sign_in_needed)
    app.add_exception_handler(CsrfRefused, _csrf_refused)


def _sign_in_needed(request: Request, _: Exception) -> Response:
    return RedirectResponse(f"/sign-in?next={request.url.path}", status_code=303)


def _csrf_refused(request: Request, _: Exception) -> Response:
    return page(request, "error.html", status_code=403, title="This form has expired",
                message="Go back, reload the page and send the form again.")  # fmt: skip


def error_page(request: Request, error: errors.LearnerRecordsError) -> HTMLResponse:
    """A domain error on a portal page, as a page (the API answers problem JSON instead)."""
    if isinstance(error, errors.TooManyAttempts):
        response = page(request, "too_many_attempts.html", status_code=429, title="Too many attempts",
                        message=error.message)  # fmt: skip
        response.headers["Retry-After"] = str(error.retry_after)
        return response
    if isinstance(error, errors.StorageUnavailable):
        return service_problem_page(request)
    if isinstance(error, errors.AccessError):
        return page(request, "error.html", status_code=403, title="You do not have access to this page",
                    message=error.message)  # fmt: skip
    if isinstance(error, errors.NotFound):
        return page(request, "error.html", status_code=404, title="Page not found", message=error.message)
    return page(request, "error.html", status_code=400, title="There is a problem", message=error.message)


def service_problem_page(request: Request) -> HTMLResponse:
    """The design system's "Sorry, there is a problem with the service" page, drawn without asking the database
    who is signed in (it may be the database that failed)."""
    html = environment().get_template("error.html").render(
        request=request, user=None, csrf_token="", title="Sorry, there is a problem with the service",
        message="Try again later.",
    )  # fmt: skip
    return HTMLResponse(html, status_code=503)
