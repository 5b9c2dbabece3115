"""Signed-in portal sessions kept on the server, so that signing out, a password change, suspending or unlocking
someone ends them at once, wherever a copy of the cookie is.

The cookie carries a random session id; only its hash is stored. A session ends at its absolute lifetime however
much it is used, and sooner when idle; last use is written at most once a minute, so most pages cost one lookup.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from ..domain.users import User
from .ports import Clock, UnitOfWorkFactory

SEEN_GRANULARITY = timedelta(minutes=1)


def session_hash(session_id: str) -> str:
    # 256 random bits: a fast hash is enough, and a stolen table of hashes opens no session.
    return hashlib.sha256(session_id.encode()).hexdigest()


class SessionService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, lifetime: timedelta, idle: timedelta) -> None:
        self._uow = uow
        self._clock = clock
        self.lifetime = lifetime
        self.idle = idle

    def start(self, user: User) -> str:
        """A new session for someone who has just signed in; its id, for the cookie only."""
        session_id = secrets.token_urlsafe(32)
        now = self._clock.now()
        with self._uow(write=True) as uow:
            uow.sessions.forget_ended(user.id, now)
            uow.sessions.add(session_hash(session_id), user.id, now, now + self.lifetime)
            uow.commit()
        return session_id

    def resume(self, session_id: str) -> User | None:
        """The person whose session this is, while it is open and they may still sign in; None otherwise."""
        id_hash = session_hash(session_id)
        now = self._clock.now()
        with self._uow(write=True) as uow:
            stored = uow.sessions.get(id_hash)
            if stored is None or stored.revoked_at is not None or stored.expires_at <= now:
                return None
            if now - stored.last_seen_at > self.idle or not stored.user.active or stored.user.locked:
                return None
            if now - stored.last_seen_at >= SEEN_GRANULARITY:
                uow.sessions.touch(id_hash, now)
                uow.commit()
        return stored.user

    def end(self, session_id: str) -> None:
        """Sign-out: the session stops working here and for any copy of its cookie."""
        with self._uow(write=True) as uow:
            uow.sessions.revoke(session_hash(session_id), self._clock.now())
            uow.commit()
