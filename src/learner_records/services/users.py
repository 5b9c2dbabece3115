"""People who sign in to the portals: accounts, sign-in with lockout, unlocking, passwords.

Passwords are hashed with argon2 (through the PasswordHasher port). Wrong passwords in a row lock an account for a
while (`Lockout`), longer each time; when a lock begins its holder is mailed a one-time link that lifts it at once,
and the organisation's super user (or its awarding body user) or a register administrator can unlock it too.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from ..domain.checks import FieldChecks
from ..domain.errors import Conflict, InsufficientAccess, InvalidField, NotFound, SignInRefused
from ..domain.users import AWARDING_ROLES, LRB_ROLES, Lockout, Permission, Role, User, check_email
from .password_policy import PasswordPolicy
from .ports import Clock, UnitOfWork, UnitOfWorkFactory
from .user_ports import NewUser, PasswordHasher

# Queues the unlock link to the holder of an account that has just locked, in the caller's transaction.
OnLock = Callable[[UnitOfWork, User, datetime], object]

NAME_LIMIT = 120


def _name(value: str) -> str:
    text = value.strip()
    if not text or len(text) > NAME_LIMIT:
        raise InvalidField("name", "is empty or too long", f"1-{NAME_LIMIT} characters")
    return text


class UserService:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, hasher: PasswordHasher, *, policy: PasswordPolicy,
        lockout: Lockout | None = None, on_lock: OnLock | None = None,
    ) -> None:  # fmt: skip
        self._uow = uow
        self._clock = clock
        self._hasher = hasher
        self._policy = policy
        self.lockout = lockout or Lockout()
        self._on_lock = on_lock
        self._dummy_hash: str | None = None  # checked against for unknown emails, made on first need

    def _verify(self, stored: str | None, password: str) -> bool:
        """One real verification whatever the account: as much work for an unknown email as for a known one."""
        if stored is None:
            if self._dummy_hash is None:
                self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))
            self._hasher.verify(self._dummy_hash, password)
            return False
        return self._hasher.verify(stored, password)

    def create(
        self,
        by: User | None,
        email: str,
        name: str,
        role: Role,
        organisation_id: int | None,
        password: str | None = None,
        centre_id: int | None = None,
        uln: str | None = None,
    ) -> User:
        """A new account. `by` None is the register's operator (the CLI, the demo); else the rules of `may_manage`."""
        checks = FieldChecks()
        address = checks.take(check_email, email)
        full_name = checks.take(_name, name)
        if password is not None:
            checks.take(lambda text: self._policy.check(text, email=email, name=name), password)
        checks.done()
        assert address is not None and full_name is not None
        if by is not None and not may_manage(by, role, organisation_id):
            raise InsufficientAccess(f"A {by.role.label.lower()} may not add a {role.label.lower()} here")
        hashed = self._hasher.hash(password) if password is not None else None
        with self._uow(write=True) as uow:
            if uow.users.by_email(address) is not None:
                raise Conflict(f"{address} has an account already")
            user = uow.users.add(NewUser(address, full_name, role, organisation_id, centre_id, uln, hashed),
                                 self._clock.now())  # fmt: skip
            uow.commit()
        return user

    def sign_in(self, email: str, password: str) -> User:
        """The person whose email and password these are. An unknown email, a wrong password, a locked or a
        suspended account are all refused alike (`SignInRefused`), after the same work."""
        now = self._clock.now()
        with self._uow(write=True) as uow:
            found = uow.users.by_email(email.strip().lower())
            user, stored = found if found is not None else (None, None)
            matches = self._verify(stored, password)
            if user is None:
                raise SignInRefused()
            if self.lockout.holds(user, now):
                raise SignInRefused()  # uncounted: the lock's end does not move while it holds
            if not matches or not user.active:
                self._failed(uow, user, now)
                uow.commit()
                raise SignInRefused()
            if user.failed_sign_ins or user.locked:
                uow.users.record_sign_in(user.id, 0, None)
                uow.commit()
        return replace(user, failed_sign_ins=0, locked=False, locked_at=None)

    def _failed(self, uow: UnitOfWork, user: User, now: datetime) -> None:
        failed = user.failed_sign_ins + 1
        lock_for = self.lockout.lock_for(failed)
        uow.users.record_sign_in(user.id, failed, now if lock_for else None)
        if lock_for and self._on_lock is not None:
            self._on_lock(uow, user, now + lock_for)

    def get(self, user_id: int) -> User | None:
        with self._uow() as uow:
            return uow.users.get(user_id)

    def people(self, by: User, organisation_id: int | None) -> list[User]:
        """The accounts of an organisation (administrators: of any, or all with None)."""
        if not (by.may(Permission.ADMINISTER) or (by.may(Permission.MANAGE_OWN_USERS)
                                                  and organisation_id == by.organisation_id)):  # fmt: skip
            raise InsufficientAccess("Only the organisation's super user or the register sees its users")
        with self._uow() as uow:
            return uow.users.for_organisation(organisation_id)

    def unlock(self, by: User, user_id: int) -> User:
        with self._uow(write=True) as uow:
            user = uow.users.get(user_id)
            if user is None:
                raise NotFound(f"No user {user_id}")
            if not may_manage(by, user.role, user.organisation_id):
                raise InsufficientAccess("Only the organisation's super user or the register unlocks an account")
            uow.users.record_sign_in(user_id, 0, None)
            if user.locked:  # whoever held a session when it locked signs in afresh
                uow.sessions.revoke_for_user(user_id, self._clock.now())
            uow.commit()
        return replace(user, failed_sign_ins=0, locked=False, locked_at=None)

    def set_active(self, by: User, user_id: int, active: bool) -> User:
        with self._uow(write=True) as uow:
            user = uow.users.get(user_id)
            if user is None:
                raise NotFound(f"No user {user_id}")
            if not may_manage(by, user.role, user.organisation_id) or user.id == by.id:
                raise InsufficientAccess("You may not suspend or reactivate this account")
            uow.users.set_active(user_id, active)
            if not active:
                uow.sessions.revoke_for_user(user_id, self._clock.now())
            uow.commit()
        return replace(user, active=active)

    def set_password(self, user_id: int, password: str) -> None:
        with self._uow() as uow:
            user = uow.users.get(user_id)
        if user is None:
            raise NotFound(f"No user {user_id}")
        self._policy.check(password, email=user.email, name=user.name)
        hashed = self._hasher.hash(password)
        with self._uow(write=True) as uow:
            uow.users.set_password_hash(user_id, hashed)
            uow.sessions.revoke_for_user(user_id, self._clock.now())  # a copied cookie dies with the old password
            uow.commit()


def may_manage(by: User, role: Role, organisation_id: int | None) -> bool:
    """Who may add, unlock or suspend whom: administrators anyone; a super user the LRB roles of their own
    organisation; an awarding body user the awarding roles of theirs."""
    if by.may(Permission.ADMINISTER):
        return True
    if not by.may(Permission.MANAGE_OWN_USERS) or organisation_id != by.organisation_id:
        return False
    allowed = LRB_ROLES if by.role is Role.SUPER_USER else AWARDING_ROLES
    return role in allowed
