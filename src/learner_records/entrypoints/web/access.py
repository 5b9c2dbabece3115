"""Every portal route and who may use it. Routes are declared here with their permission, so the server checks
the rule on each request and a test can walk every route with every role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Depends, Request

from ...domain.errors import InsufficientAccess
from ...domain.users import Permission, User
from .session import SignInNeeded, signed_in_user


@dataclass(frozen=True, slots=True)
class Rule:
    method: str
    path: str
    permission: Permission | None  # None: anyone signed in; see `public`
    public: bool = False
    handler: Callable[..., Any] | None = field(default=None, compare=False)  # for tests that walk the parameters


RULES: list[Rule] = []


def require(request: Request, permission: Permission | None) -> User:
    user = signed_in_user(request)
    if user is None:
        raise SignInNeeded()
    if permission is not None and not user.may(permission):
        raise InsufficientAccess(f"A {user.role.label.lower()} does not have access to this page")
    return user


def current_user(request: Request) -> User:
    """The signed-in user of a route that requires one (its rule was checked before the handler ran)."""
    user = signed_in_user(request)
    if user is None:
        raise SignInNeeded()
    return user


def route(
    router: APIRouter, method: str, path: str, permission: Permission | None = None, *, public: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add a portal route with its rule, checked on the server before the handler runs, every request."""

    def check(request: Request) -> None:
        if not public:
            require(request, permission)

    def register(handler: Callable[..., Any]) -> Callable[..., Any]:
        RULES.append(Rule(method, router.prefix + path, permission, public, handler))
        router.add_api_route(path, handler, methods=[method], include_in_schema=False, dependencies=[Depends(check)])
        return handler

    return register
