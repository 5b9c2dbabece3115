"""How SOAP calls arrive: `POST /<Service>.svc`, answered ahead of the framework by `SoapCalls`.

Before a call reaches its `SoapService` the request must be SOAP 1.1 (Content-Type text/xml), say how long it is
within the limit, and its whole body must arrive within `soap_body_seconds` of its headers: a client that sends
headers and then trickles or stops its body would otherwise hold a connection and a buffer for as long as it likes.
Each refusal is a WSEC0001 fault with an HTTP status saying what happened (415, 413, 408).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from ...bootstrap import Services
from ...lrs_contract import SERVICES
from ..throttled import scope_address
from .contract import contract
from .endpoint import XML_TYPE, Handlers, SoapService

MAX_REQUEST_BYTES = 50_000_000  # an achievement job of 100,000 rows is about 40 MB of XML
SOAP_11_TYPE = "text/xml"


class _Disconnected(Exception):
    pass


class _TooLarge(Exception):
    pass


class SoapCalls:
    """ASGI middleware: POST /<Service>.svc goes straight to its SoapService, ahead of the framework's routing and
    request/response wrapping (which cost more than the call itself); every other request, the WSDL GETs included,
    goes on to the app."""

    def __init__(self, app: ASGIApp, services: Services, handlers: Mapping[str, Handlers]) -> None:
        self.app = app
        self.by_path = {f"/{name}.svc": SoapService(services, contract(name), handlers[name]) for name in SERVICES}
        self.body_seconds = services.settings.soap_body_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        service = self.by_path.get(scope["path"]) if scope["type"] == "http" and scope["method"] == "POST" else None
        if service is None:
            await self.app(scope, receive, send)
            return
        headers = {key: value.decode("latin-1") for key, value in scope["headers"]}
        refused = _content_type_problem(headers.get(b"content-type"))
        if refused:
            await _answer(send, 415, service.refusal(refused), close=True)
            return
        too_large = f"The request is too large: at most {MAX_REQUEST_BYTES // 1_000_000} MB"
        declared = headers.get(b"content-length", "0")
        if declared.isdigit() and int(declared) > MAX_REQUEST_BYTES:
            await _answer(send, 413, service.refusal(too_large), close=True)
            return
        try:
            async with asyncio.timeout(self.body_seconds):
                body = await _read_body(receive)
        except _Disconnected:
            return
        except _TooLarge:
            await _answer(send, 413, service.refusal(too_large), close=True)
            return
        except TimeoutError:
            late = f"The request body did not arrive within {self.body_seconds:g} seconds of its headers"
            await _answer(send, 408, service.refusal(late), close=True)
            return
        status, answer = await run_in_threadpool(service.call, body, headers.get(b"soapaction"), scope_address(scope))
        await _answer(send, status, answer)


def _content_type_problem(content_type: str | None) -> str | None:
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type == SOAP_11_TYPE:
        return None
    if not media_type:
        return "The request has no Content-Type: SOAP 1.1 requests are sent as text/xml"
    if media_type == "application/soap+xml":
        return "The request is SOAP 1.2 (application/soap+xml): these services speak SOAP 1.1, sent as text/xml"
    return f"The request's Content-Type is {media_type}: SOAP 1.1 requests are sent as text/xml"


async def _read_body(receive: Receive) -> bytes:
    body = bytearray()
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected()
        body += message.get("body", b"")
        if len(body) > MAX_REQUEST_BYTES:
            raise _TooLarge()
        more = message.get("more_body", False)
    return bytes(body)


async def _answer(send: Send, status: int, answer: bytes, close: bool = False) -> None:
    headers = [(b"content-type", XML_TYPE.encode()), (b"content-length", str(len(answer)).encode())]
    if close:  # the rest of the body, if any comes, is not read: the connection cannot carry another request
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": answer})
