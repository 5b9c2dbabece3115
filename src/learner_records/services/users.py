"""People who sign in to the portals: accounts, sign-in with lockout, unlocking, passwords.

Passwords are hashed with argon2 (through the PasswordHasher port); an account locks at the third wrong password
in a row, and only the organisation's super user (or its awarding body user) or a register administrator unlocks it.
"""

from __future__ import annotations

from dataclasses import replace

from ..domain.checks import FieldChecks
from ..domain.errors import AccountLocked, Conflict, InsufficientAccess, InvalidField, NotFound, SignInRefused
from ..domain.users import (
    AWARDING_ROLES,
    LRB_ROLES,
    MAX_FAILED_SIGN_INS,
    Permission,
    Role,
    User,
    check_email,
    check_password,
)
from .ports import Clock, UnitOfWorkFactory
from .user_ports import NewUser, PasswordHasher

NAME_LIMIT = 120


def _name(value: str) -> str:
    text = value.strip()
    if not text or len(text) > NAME_LIMIT:
        raise InvalidField("name", "is empty or too long", f"1-{NAME_LIMIT} characters")
    return text


class UserService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, hasher: PasswordHasher) -> None:
        self._uow = uow
        self._clock = clock
        self._hasher = hasher

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
            checks.take(check_password, password)
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
        """The person whose email and password these are; a third wrong password in a row locks the account."""
        with self._uow(write=True) as uow:
            found = uow.users.by_email(email.strip().lower())
            if found is None:
                self._hasher.hash(password)  # as slow as a real check, so timing does not tell who has an account
                raise SignInRefused()
            user, stored = found
            if user.locked:
                raise AccountLocked()
            if stored is None or not user.active or not self._hasher.verify(stored, password):
                failed = user.failed_sign_ins + 1
                locked = self._clock.now() if failed >= MAX_FAILED_SIGN_INS else None
                uow.users.record_sign_in(user.id, failed, locked)
                uow.commit()
                raise AccountLocked() if locked else SignInRefused()
            if user.failed_sign_ins:
                uow.users.record_sign_in(user.id, 0, None)
                uow.commit()
        return replace(user, failed_sign_ins=0)

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
        return replace(user, failed_sign_ins=0, locked=False)

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
        check_password(password)
        hashed = self._hasher.hash(password)
        with self._uow(write=True) as uow:
            if uow.users.get(user_id) is None:
                raise NotFound(f"No user {user_id}")
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
