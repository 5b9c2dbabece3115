"""Server-rendered pages: Jinja2 with the GOV.UK Frontend macros (govuk-frontend-jinja), autoescaped."""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader, select_autoescape

from ...domain.access import credential_label
from .navigation import error_list, navigation
from .session import csrf_token, signed_in_user


@cache
def environment() -> Environment:
    loader = ChoiceLoader([
        PackageLoader("learner_records.entrypoints.web", "templates"),
        PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja", "templates")}),
    ])  # fmt: skip
    env = Environment(loader=loader, autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    env.globals.update(service_name="learner-records", navigation=navigation, error_list=error_list,
                       credential_label=credential_label)  # fmt: skip
    return env


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page, given who is signed in and the form token every form carries."""
    values = {"request": request, "user": signed_in_user(request), "csrf_token": csrf_token(request), **context}
    return HTMLResponse(environment().get_template(template).render(values), status_code=status_code)


def field_errors(problems: Any) -> dict[str, str]:
    """InvalidField(s) as {field: message}, for the error summary and the message beside each field."""
    items = getattr(problems, "problems", None) or (problems,)
    return {p.field: f"{p.problem[:1].upper()}{p.problem[1:]} ({p.rule})" for p in items}
