"""HTTPS for `serve`, and the LRS's mutual TLS: with a client CA configured, only callers presenting a
certificate that CA signed get through (the handshake fails before any request is read)."""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

from ..config import Settings
from ..domain.errors import InvalidField


def uvicorn_tls_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's ssl_* options from the settings; empty when HTTPS is not configured."""
    if not settings.tls_certfile and not settings.tls_keyfile:
        if settings.tls_client_ca:
            raise InvalidField("tls_client_ca", "is set without a server certificate",
                               "client certificates need HTTPS: set tls_certfile and tls_keyfile too")  # fmt: skip
        return {}
    for name in ("tls_certfile", "tls_keyfile", "tls_client_ca"):
        value = getattr(settings, name)
        if (name != "tls_client_ca" or value) and not Path(value).is_file():
            raise InvalidField(name, f"{value!r} is not a readable file", "a PEM file")
    options: dict[str, Any] = {"ssl_certfile": settings.tls_certfile, "ssl_keyfile": settings.tls_keyfile}
    if settings.tls_client_ca:
        options.update(ssl_ca_certs=settings.tls_client_ca, ssl_cert_reqs=ssl.CERT_REQUIRED)
    return options
