"""People who sign in to the portals: their roles, what each role may do, and the rules for passwords.

Roles are the register's own (LRB super user, online user, batch user, view-learner-only, awarding body user),
plus awarding centre users, register administrators and learners. Every page and action names the permission it
needs; `may` answers for a role, so the server checks the same table everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .access import Actor, OrganisationKind
from .errors import InsufficientAccess, InvalidField

PASSWORD_MINIMUM = 8
_EMAIL = re.compile(r"^[^@\s]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")


class Role(StrEnum):
    SUPER_USER = "super_user"  # a learner registration body's: also manages its users
    ONLINE_USER = "online_user"  # finds, registers, verifies and updates learners one at a time
    BATCH_USER = "batch_user"  # sends batch files
    VIEW_LEARNER_ONLY = "view_learner_only"
    AWARDING_BODY_USER = "awarding_body_user"  # an awarding organisation's staff
    CENTRE_USER = "centre_user"  # an awarding centre's staff: its own registrations and anomalies
    ADMINISTRATOR = "administrator"  # the register's
    LEARNER = "learner"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Role.SUPER_USER: "Super user", Role.ONLINE_USER: "Online user", Role.BATCH_USER: "Batch user",
    Role.VIEW_LEARNER_ONLY: "View learner only", Role.AWARDING_BODY_USER: "Awarding body user",
    Role.CENTRE_USER: "Centre user", Role.ADMINISTRATOR: "Register administrator", Role.LEARNER: "Learner",
}  # fmt: skip
LRB_ROLES = (Role.SUPER_USER, Role.ONLINE_USER, Role.BATCH_USER, Role.VIEW_LEARNER_ONLY)
AWARDING_ROLES = (Role.AWARDING_BODY_USER, Role.CENTRE_USER)


class Permission(StrEnum):
    FIND_LEARNER = "find_learner"
    REGISTER_LEARNER = "register_learner"
    UPDATE_LEARNER = "update_learner"
    VERIFY_ULN = "verify_uln"
    SEND_BATCH = "send_batch"
    VIEW_PLR = "view_plr"
    CHALLENGE_EVENT = "challenge_event"
    MANAGE_OWN_USERS = "manage_own_users"
    AWARDING = "awarding"  # registrations, anomalies, results, certificates of the organisation (all centres)
    CENTRE = "centre"  # registrations and anomalies of the user's own centre
    ANSWER_CHALLENGES = "answer_challenges"
    ADMINISTER = "administer"  # organisations, applications, users, duplicates, challenges, the access log
    OWN_RECORD = "own_record"  # a learner's own PLR, share links, who looked


_LRB_READ = {Permission.FIND_LEARNER, Permission.VIEW_PLR}
PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.SUPER_USER: frozenset(_LRB_READ | {Permission.REGISTER_LEARNER, Permission.UPDATE_LEARNER,
                                            Permission.VERIFY_ULN, Permission.SEND_BATCH, Permission.CHALLENGE_EVENT,
                                            Permission.MANAGE_OWN_USERS}),
    Role.ONLINE_USER: frozenset(_LRB_READ | {Permission.REGISTER_LEARNER, Permission.UPDATE_LEARNER,
                                             Permission.VERIFY_ULN, Permission.CHALLENGE_EVENT}),
    Role.BATCH_USER: frozenset(_LRB_READ | {Permission.SEND_BATCH, Permission.VERIFY_ULN}),
    Role.VIEW_LEARNER_ONLY: frozenset(_LRB_READ),
    Role.AWARDING_BODY_USER: frozenset({Permission.AWARDING, Permission.CENTRE, Permission.VERIFY_ULN,
                                        Permission.ANSWER_CHALLENGES, Permission.MANAGE_OWN_USERS}),
    Role.CENTRE_USER: frozenset({Permission.CENTRE}),
    Role.ADMINISTRATOR: frozenset({Permission.ADMINISTER, Permission.FIND_LEARNER, Permission.VIEW_PLR,
                                   Permission.VERIFY_ULN, Permission.ANSWER_CHALLENGES}),
    Role.LEARNER: frozenset({Permission.OWN_RECORD}),
}  # fmt: skip
_KIND = {**dict.fromkeys(LRB_ROLES, OrganisationKind.LEARNER_REGISTRATION_BODY),
         **dict.fromkeys(AWARDING_ROLES, OrganisationKind.AWARDING_ORGANISATION),
         Role.ADMINISTRATOR: OrganisationKind.REGISTER_ADMINISTRATOR,
         Role.LEARNER: OrganisationKind.LEARNER}  # fmt: skip


@dataclass(frozen=True, slots=True)
class User:
    id: int
    email: str
    name: str
    role: Role
    organisation_id: int | None  # None: an administrator of the register, or a learner
    created_at: datetime
    centre_id: int | None = None  # a centre user's centre
    uln: str | None = None  # a learner's own ULN
    failed_sign_ins: int = 0
    locked: bool = False  # a lock was set and not yet cleared; `Lockout.until` says whether it still holds
    active: bool = True
    locked_at: datetime | None = None

    def may(self, permission: Permission) -> bool:
        return self.active and permission in PERMISSIONS[self.role]

    def require(self, permission: Permission) -> None:
        if not self.may(permission):
            raise InsufficientAccess(f"A {self.role.label.lower()} may not do this")

    def actor(self, ukprn: str | None = None) -> Actor:
        """The register's actor for this person: their organisation (or themselves, a learner), by their email.

        A centre user acts in their own centre only (in none, when no centre is set on the account)."""
        centres = None
        if self.role is Role.CENTRE_USER:
            centres = frozenset() if self.centre_id is None else frozenset({self.centre_id})
        return Actor(_KIND[self.role], self.email, self.organisation_id, ukprn, self.uln, centres)


@dataclass(frozen=True, slots=True)
class Lockout:
    """Wrong passwords in a row lock an account for a while, each further one (once the lock has run out) for
    twice as long, up to `longest`: guessing slows down exponentially, and the holder is never shut out for good."""

    after: int = 10
    first: timedelta = timedelta(minutes=15)
    longest: timedelta = timedelta(days=1)

    def lock_for(self, failed_sign_ins: int) -> timedelta | None:
        """How long the account locks on reaching this many wrong passwords in a row (None: not at all)."""
        if failed_sign_ins < self.after:
            return None
        doublings = min(failed_sign_ins - self.after, 20)  # 2**20 first locks is far past any `longest`
        return min(self.first * (1 << doublings), self.longest)

    def until(self, user: User) -> datetime | None:
        """When the account's lock runs out; None when it has none."""
        if not user.locked or user.locked_at is None:
            return None
        # a lock set under an older, lower threshold runs for the first period
        return user.locked_at + (self.lock_for(max(user.failed_sign_ins, self.after)) or self.first)

    def holds(self, user: User, now: datetime) -> bool:
        until = self.until(user)
        return until is not None and now < until


_WEAK_RULE = "at least 8 characters with 3 of: upper-case, lower-case, a digit, a symbol"
_COMMON_RULE = "not one of the passwords most often used, and not those with a few digits or symbols added"
_PERSONAL_RULE = "not containing your name or the part of your email address before the @"


def check_password(password: str, field: str = "password", *, common: frozenset[str] = frozenset(),
                   email: str = "", name: str = "") -> str:  # fmt: skip
    """At least 8 characters, with 3 of: an upper-case letter, a lower-case letter, a digit, another character;
    not a common password (`common`: lower-case, as breached-password lists are), with or without a few digits or
    symbols around it; and not containing the person's name or email's local part (parts of 3 letters or more)."""
    kinds = sum((any(c.isupper() for c in password), any(c.islower() for c in password),
                 any(c.isdigit() for c in password), any(not c.isalnum() for c in password)))  # fmt: skip
    if len(password) < PASSWORD_MINIMUM or kinds < 3:
        raise InvalidField(field, "is too weak", _WEAK_RULE)
    lowered = password.lower()
    core = lowered.strip("0123456789!@#$%^&*()_+-=.,?~ ")
    if lowered in common or core in common:
        raise InvalidField(field, "is a commonly used password, which is among the first that others guess",
                           _COMMON_RULE)  # fmt: skip
    local = email.partition("@")[0].lower()
    personal = {local, *re.split(r"[^a-z]+", local), *re.split(r"[^a-z]+", name.lower())}
    if any(len(part) >= 3 and part in lowered for part in personal):
        raise InvalidField(field, "contains your name or email address", _PERSONAL_RULE)
    return password


def check_email(email: str, field: str = "email") -> str:
    text = email.strip().lower()
    if len(text) > 254 or not _EMAIL.match(text):
        raise InvalidField(field, f"{email!r} is not an email address", "name@domain.example")
    return text
