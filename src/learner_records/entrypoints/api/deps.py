"""Request dependencies: the services and the calling organisation (every route needs an API key)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from ...bootstrap import Services
from ...domain.access import Actor
from ...domain.errors import UnknownOrganisation


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_actor(
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
    return services.organisations.authenticate(key, user)


ActorDep = Annotated[Actor, Depends(get_actor)]
