"""Who is signed in (the id of a server-side session, in the signed session cookie), and the CSRF token every form
carries. Signing out or a password change ends the session on the server, so a copied cookie stops working."""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from fastapi import Request

from ...config import Settings
from ...domain.errors import StorageUnavailable
from ...domain.users import User

SESSION_KEY = "session"
CSRF_KEY = "csrf"
CSRF_FIELD = "csrf_token"


class SignInNeeded(Exception):
    """The page needs someone signed in: they are sent to the sign-in page and back."""


class CsrfRefused(Exception):
    """A form came back without the token this session gave it."""


def session_secret(settings: Settings) -> str:
    """The key that signs session cookies: configured, or made once and kept beside the SQLite database."""
    if settings.secret_key:
        return settings.secret_key
    path = settings.sqlite_path()
    if path is None:
        return secrets.token_urlsafe(32)  # sessions last as long as this process
    key_file = Path(path).with_name("session-secret")
    try:
        if not key_file.exists():
            key_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            # created 0600, never readable by others even for a moment
            with os.fdopen(os.open(key_file, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600), "w") as written:
                written.write(secrets.token_urlsafe(32))
        return key_file.read_text().strip()
    except OSError as error:
        raise StorageUnavailable(str(error.filename or key_file), error.strerror or str(error)) from None


def signed_in_user(request: Request) -> User | None:
    cached: User | None = getattr(request.state, "user", None)
    if cached is not None:
        return cached
    session_id = request.session.get(SESSION_KEY)
    if session_id is None:
        return None
    user: User | None = request.app.state.services.sessions.resume(str(session_id))
    if user is None:
        request.session.clear()  # ended, expired or revoked: the cookie is dropped too
        return None
    request.state.user = user
    return user


def sign_in_session(request: Request, user: User) -> None:
    request.session.clear()  # a new session on sign-in: no fixation
    request.session[SESSION_KEY] = request.app.state.services.sessions.start(user)
    request.session[CSRF_KEY] = secrets.token_urlsafe(24)
    request.state.user = user


def sign_out_session(request: Request) -> None:
    session_id = request.session.get(SESSION_KEY)
    if session_id is not None:
        request.app.state.services.sessions.end(str(session_id))
    request.session.clear()


def csrf_token(request: Request) -> str:
    token = request.session.get(CSRF_KEY)
    if not token:
        token = secrets.token_urlsafe(24)
        request.session[CSRF_KEY] = token
    return str(token)


def check_csrf(request: Request, sent: object) -> None:
    expected = request.session.get(CSRF_KEY)
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(expected, sent):
        raise CsrfRefused()
