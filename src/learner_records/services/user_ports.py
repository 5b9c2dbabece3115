"""The ports of the people who sign in to the portals: their accounts and password hashing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..domain.users import Role, User


@dataclass(frozen=True, slots=True)
class NewUser:
    email: str
    name: str
    role: Role
    organisation_id: int | None
    centre_id: int | None = None
    uln: str | None = None
    password_hash: str | None = None


class UserRepository(Protocol):
    def add(self, new: NewUser, now: datetime) -> User: ...

    def get(self, user_id: int) -> User | None: ...

    def by_email(self, email: str) -> tuple[User, str | None] | None:
        """The account and its password hash (None until one is set)."""
        ...

    def for_organisation(self, organisation_id: int | None) -> list[User]:
        """An organisation's people; None: everyone."""
        ...

    def for_uln(self, uln: str) -> User | None: ...

    def record_sign_in(self, user_id: int, failed_sign_ins: int, locked_at: datetime | None) -> None: ...

    def set_password_hash(self, user_id: int, password_hash: str) -> None: ...

    def set_active(self, user_id: int, active: bool) -> None: ...


@dataclass(frozen=True, slots=True)
class StoredSession:
    user: User
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


class SessionRepository(Protocol):
    """Signed-in portal sessions, known by the hash of their random id."""

    def add(self, id_hash: str, user_id: int, now: datetime, expires_at: datetime) -> None: ...

    def get(self, id_hash: str) -> StoredSession | None:
        """The session and its user, in one indexed lookup."""
        ...

    def touch(self, id_hash: str, now: datetime) -> None: ...

    def revoke(self, id_hash: str, now: datetime) -> None: ...

    def revoke_for_user(self, user_id: int, now: datetime) -> int:
        """End every open session of the user; how many there were."""
        ...

    def forget_ended(self, user_id: int, now: datetime) -> None:
        """Delete the user's sessions that have expired or were revoked, so the table does not grow."""
        ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...
