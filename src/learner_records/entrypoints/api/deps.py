"""Request dependencies: the services and the calling organisation (every route needs an API key)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Header, Request

from ...bootstrap import Services
from ...domain.access import Actor
from ...domain.errors import InvalidField, UnknownOrganisation
from ...services.throttling import Door, api_key_id, api_key_refused
from ..throttled import client_address


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


NUL = "\x00"


def _nul_fields(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, str) and NUL in value:
        yield path or "body"
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _nul_fields(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_fields(item, f"{path}.{index}" if path else str(index))


async def refuse_nul(request: Request) -> None:
    """U+0000 in a query or a JSON body is refused, naming the field: PostgreSQL's text cannot hold it (SQLite's
    can), so it would fail deep in a query on one database and be stored on the other."""
    found = [name for name, value in request.query_params.multi_items() if NUL in name + value]
    if not found and request.headers.get("content-type", "").startswith("application/json"):
        body = await request.body()
        if b"\\u0000" in body:  # how JSON writes U+0000
            try:
                found = list(_nul_fields(json.loads(body), ""))
            except ValueError:
                return  # not JSON: the body's own validation answers
    if found:
        raise InvalidField(found[0], "contains the NUL character (U+0000)", "text without U+0000")


def get_actor(
    request: Request,
    services: ServicesDep,
    _: Annotated[None, Depends(refuse_nul)],
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
