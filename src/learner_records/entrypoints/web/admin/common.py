"""What the administration pages share: the services, the administrator, one-time notices, form data."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ....bootstrap import Services
from ....domain.users import User
from ..access import current_user

NOTICE_KEY = "admin_notice"


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def administrator(request: Request) -> User:
    return current_user(request)


def notify(request: Request, text: str) -> None:
    """A notice for the next page (after a redirect), shown once."""
    request.session[NOTICE_KEY] = text


def take_notice(request: Request) -> str | None:
    text = request.session.pop(NOTICE_KEY, None)
    return str(text) if text else None


async def _form(request: Request) -> dict[str, str]:
    data = await request.form()
    return {key: value.strip() for key, value in data.items() if isinstance(value, str)}


FormData = Annotated[dict[str, str], Depends(_form)]
