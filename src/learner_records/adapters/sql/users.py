"""People who sign in: their accounts, password hashes and sign-in failures (plain SQL, see raw.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ...domain.users import Role, User
from ...services.user_ports import NewUser
from .raw import RawSql, as_datetime

USER_COLUMNS = ("id", "email", "name", "role", "organisation_id", "created_at", "centre_id", "uln", "failed_sign_ins",
                "locked_at", "active", "password_hash")  # fmt: skip
_USER = f"SELECT {', '.join(USER_COLUMNS)} FROM app_user"


def user_of(row: tuple[Any, ...]) -> tuple[User, str | None]:
    user_id, email, name, role, organisation_id, created, centre_id, uln, failed, locked_at, active, pw = row
    locked_since = as_datetime(locked_at) if locked_at is not None else None
    user = User(user_id, email, name, Role(role), organisation_id, as_datetime(created), centre_id, uln, failed,
                locked_since is not None, bool(active), locked_since)  # fmt: skip
    return user, pw


class SqlUserRepository:
    def __init__(self, sql: RawSql) -> None:
        self._raw = sql

    def add(self, new: NewUser, now: datetime) -> User:
        row = self._raw.first(
            "INSERT INTO app_user (email, name, role, organisation_id, centre_id, uln, password_hash, failed_sign_ins,"
            " active, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 1, ?) RETURNING id",
            (new.email, new.name, new.role.value, new.organisation_id, new.centre_id, new.uln, new.password_hash,
             self._raw.timestamp(now)),
        )  # fmt: skip
        assert row is not None
        return User(int(row[0]), new.email, new.name, new.role, new.organisation_id, now, new.centre_id, new.uln)

    def get(self, user_id: int) -> User | None:
        row = self._raw.first(f"{_USER} WHERE id = ?", (user_id,))
        return user_of(row)[0] if row else None

    def by_email(self, email: str) -> tuple[User, str | None] | None:
        row = self._raw.first(f"{_USER} WHERE email = ?", (email,))
        return user_of(row) if row else None

    def for_organisation(self, organisation_id: int | None) -> list[User]:
        if organisation_id is None:
            rows = self._raw.rows(f"{_USER} ORDER BY email")
        else:
            rows = self._raw.rows(f"{_USER} WHERE organisation_id = ? ORDER BY email", (organisation_id,))
        return [user_of(row)[0] for row in rows]

    def for_uln(self, uln: str) -> User | None:
        row = self._raw.first(f"{_USER} WHERE uln = ? AND role = 'learner'", (uln,))
        return user_of(row)[0] if row else None

    def record_sign_in(self, user_id: int, failed_sign_ins: int, locked_at: datetime | None) -> None:
        self._raw.execute(
            "UPDATE app_user SET failed_sign_ins = ?, locked_at = ? WHERE id = ?",
            (failed_sign_ins, self._raw.timestamp(locked_at), user_id),
        )

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        self._raw.execute("UPDATE app_user SET password_hash = ? WHERE id = ?", (password_hash, user_id))

    def set_active(self, user_id: int, active: bool) -> None:
        self._raw.execute("UPDATE app_user SET active = ? WHERE id = ?", (1 if active else 0, user_id))
