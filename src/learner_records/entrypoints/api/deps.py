"""Request dependencies: the services and the calling organisation (every route needs an API key)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from ...bootstrap import Services
from ...domain.access import Actor
from ...domain.errors import UnknownOrganisation
from ...services.throttling import Door, api_key_id, api_key_refused
from ..throttled import client_address


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_actor(
    request: Request,
    services: ServicesDep,
    authorization: Annotated[str | None, Header(description="Bearer <API key>")] = None,
    x_api_key: Annotated[str | None, Header(description="The organisation's API key")] = None,
    x_user_name: Annotated[str | None, Header(description="The person acting, recorded in the access log")] = None,
) -> Actor:
    key = x_api_key
    if authorization and authorization.lower().startswith("bearer "):
        key = authorization[7:].strip()
    if not key:
        raise UnknownOrganisation("An API key is required: send 'Authorization: Bearer <key>'")
    user = (x_user_name or "api")[:128]
    return services.throttle.guard(Door.API_KEY, client_address(request), api_key_id(key),
                                   lambda: services.organisations.authenticate(key, user), api_key_refused)  # fmt: skip


ActorDep = Annotated[Actor, Depends(get_actor)]
