"""Who is knocking, for the throttle: the client's address, from the connection (uvicorn puts a trusted proxy's
X-Forwarded-For there when started with --forwarded-allow-ips), and for SOAP calls, which authenticate deep in
each operation's handler, the address of the call being answered."""

from __future__ import annotations

from contextvars import ContextVar

from starlette.requests import HTTPConnection
from starlette.types import Scope

UNKNOWN = "unknown"
soap_client: ContextVar[str] = ContextVar("soap_client", default=UNKNOWN)


def client_address(request: HTTPConnection) -> str:
    return request.client.host if request.client else UNKNOWN


def scope_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else UNKNOWN
