"""Security headers on every response: pages, the REST API, the SOAP services and the static files.

Pages may run only this service's own scripts and styles, plus GOV.UK Frontend's one inline script (allowed by its
hash, never by 'unsafe-inline'); nothing may frame them; no URL is sent on as a referrer (share links and
certificate checks carry their secret in the URL); and nothing but the static files may be kept in a cache, since
every other answer may hold personal data. HSTS is sent when the service itself serves HTTPS.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .web.templating import environment

SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL)
CACHEABLE = ("/assets/", "/static/")
PERMISSIONS = ", ".join(f"{feature}=()" for feature in ("accelerometer", "camera", "geolocation", "gyroscope",
                                                          "magnetometer", "microphone", "payment", "usb"))  # fmt: skip
HSTS = "max-age=31536000"
SWAGGER_CDN = "https://cdn.jsdelivr.net"


def script_hashes(html: str) -> list[str]:
    """CSP sources for the inline scripts of `html`."""
    return [f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"
            for body in SCRIPT.findall(html)]  # fmt: skip


def policy(scripts: Iterable[str] = (), styles: Iterable[str] = (), images: Iterable[str] = ()) -> str:
    return "; ".join([
        "default-src 'self'",
        " ".join(["script-src 'self'", *scripts]),
        " ".join(["style-src 'self'", *styles]),
        " ".join(["img-src 'self' data:", *images]),  # data: for the QR codes and the charts' images
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])  # fmt: skip


def page_policy() -> str:
    """The portals' policy: GOV.UK Frontend's inline script (it marks the body as able to run the JavaScript)."""
    env = environment()
    assert env.loader is not None
    template, _, _ = env.loader.get_source(env, "govuk_frontend_jinja/template.html")
    return policy(scripts=script_hashes(template))


def docs_policy(app: FastAPI) -> str:
    """The API docs' policy: Swagger UI from its CDN, and the one inline script FastAPI writes to start it."""
    page = get_swagger_ui_html(
        openapi_url=app.openapi_url or "",
        title=f"{app.title} - Swagger UI",
        oauth2_redirect_url=app.swagger_ui_oauth2_redirect_url,
        init_oauth=app.swagger_ui_init_oauth,
        swagger_ui_parameters=app.swagger_ui_parameters,
    )
    return policy(scripts=[SWAGGER_CDN, *script_hashes(bytes(page.body).decode())], styles=[SWAGGER_CDN],
                  images=["https://fastapi.tiangolo.com"])  # fmt: skip


class SecurityHeaders:
    """ASGI middleware, outermost: it sees every response, the SOAP answers included."""

    def __init__(self, app: ASGIApp, pages: str, docs: str, docs_path: str, https: bool) -> None:
        self.app = app
        self.policies = {docs_path: docs}
        self.pages = pages
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = self.policies.get(path, self.pages)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "no-referrer"
                headers["Permissions-Policy"] = PERMISSIONS
                headers["Cross-Origin-Opener-Policy"] = "same-origin"
                if self.https:
                    headers["Strict-Transport-Security"] = HSTS
                if not path.startswith(CACHEABLE):
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)
