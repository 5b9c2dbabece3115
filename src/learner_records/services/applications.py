"""Becoming a learner registration body or an awarding organisation, and setting a first password.

Anyone may apply (`submit`); a register administrator reviews the applications, then approves one (the organisation
is created through the organisation service, then its super user's account, with no password, and a one-time link
to set one) or rejects it with a reason. Only approved organisations exist, so only they can obtain ULNs: a
rejected applicant has no organisation and no account. The applicant is told either way by mail (through the
outbox, so a mail server that is down loses nothing).

A password link carries 256 random bits; only its SHA-256 is stored (like API keys), it works once and expires.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from ..domain import applications as rules
from ..domain.applications import Application, ApplicationForm, ApplicationStatus
from ..domain.errors import Conflict, InvalidField, NotFound
from ..domain.users import Permission, User
from .organisations import OrganisationService
from .password_policy import PasswordPolicy
from .ports import Clock, Organisation, UnitOfWork, UnitOfWorkFactory
from .user_ports import PasswordHasher
from .users import UserService, may_manage

LINK_LIFETIME = timedelta(days=7)
UNLOCK_LINK_LIFETIME = timedelta(days=1)
LIST_LIMIT = 500


@dataclass(frozen=True, slots=True)
class Approval:
    application: Application
    organisation: Organisation
    super_user: User
    link: str  # the super user's set-password link, shown to the administrator once


@dataclass(frozen=True, slots=True)
class LinkHolder:
    """Whose a valid password link is (for the set-password page)."""

    user: User
    link_id: int


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class PasswordLinkService:
    """One-time links that let a person set their password: a new account's first, or after a reset."""

    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, hasher: PasswordHasher, public_url: str, *,
        policy: PasswordPolicy,
    ) -> None:  # fmt: skip
        self._uow = uow
        self._clock = clock
        self._hasher = hasher
        self._public_url = public_url.rstrip("/")
        self._policy = policy

    def url(self, token: str) -> str:
        return f"{self._public_url}/set-password/{token}"

    def issue_in(self, uow: UnitOfWork, user: User) -> str:
        """A new link for `user` in the caller's transaction, queued to them by mail; its URL."""
        token = secrets.token_urlsafe(32)
        now = self._clock.now()
        uow.password_links.add(_token_hash(token), user.id, now, now + LINK_LIFETIME)
        link = self.url(token)
        uow.outbox.queue(user.email, "Set your password for learner-records",
                         f"Dear {user.name},\n\nAn account has been set up for you. Set your password here (the link"
                         f" works once, for {LINK_LIFETIME.days} days):\n\n{link}\n", now)  # fmt: skip
        return link

    def issue_unlock_in(self, uow: UnitOfWork, user: User, locked_until: datetime) -> str:
        """When wrong passwords have just locked `user`'s account: a one-time link, mailed to them, that lifts the
        lock at once (the same kind of link as a password link: it proves the holder reads this mailbox)."""
        token = secrets.token_urlsafe(32)
        now = self._clock.now()
        uow.password_links.add(_token_hash(token), user.id, now, now + UNLOCK_LINK_LIFETIME)
        link = f"{self._public_url}/unlock/{token}"
        uow.outbox.queue(user.email, "Your learner-records account is locked",
                         f"Dear {user.name},\n\nSomeone, perhaps you, typed a wrong password for your account too"
                         f" many times in a row, so it is locked until {locked_until:%H:%M} UTC on"
                         f" {locked_until:%d %B %Y}.\n\nIf it was you, unlock it now with this link (it works once,"
                         f" for one day):\n\n{link}\n\nIf it was not you, your password is still safe: nobody"
                         f" signed in. Ask your super user or the register to send you a link to set a new one if"
                         f" you are worried.\n", now)  # fmt: skip
        return link

    def unlock(self, token: str) -> User:
        """Lift the lock of the link holder's account; the link is then used up."""
        holder = self.holder(token)
        with self._uow(write=True) as uow:
            if not uow.password_links.mark_used(holder.link_id, self._clock.now()):
                raise NotFound("This link has been used")
            uow.users.record_sign_in(holder.user.id, 0, None)
            uow.commit()
        return replace(holder.user, failed_sign_ins=0, locked=False, locked_at=None)

    def issue(self, by: User, user_id: int) -> str:
        """A new link for someone `by` manages (an administrator, or the organisation's super user)."""
        with self._uow(write=True) as uow:
            user = uow.users.get(user_id)
            if user is None or not may_manage(by, user.role, user.organisation_id):
                raise NotFound(f"No user {user_id} of yours")
            link = self.issue_in(uow, user)
            uow.commit()
        return link

    def holder(self, token: str) -> LinkHolder:
        """The person a link is for, while it is unused and not expired."""
        with self._uow() as uow:
            link = uow.password_links.by_token(_token_hash(token))
            user = uow.users.get(link.user_id) if link else None
        if link is None or user is None or link.used_at is not None or link.expires_at <= self._clock.now():
            raise NotFound("This link has expired or has been used. Ask your super user or the register for a new one")
        return LinkHolder(user, link.id)

    def set_password(self, token: str, password: str) -> User:
        """Set the password through the link, which is then used up."""
        holder = self.holder(token)
        self._policy.check(password, email=holder.user.email, name=holder.user.name)
        hashed = self._hasher.hash(password)
        with self._uow(write=True) as uow:
            if not uow.password_links.mark_used(holder.link_id, self._clock.now()):
                raise NotFound("This link has been used")
            uow.users.set_password_hash(holder.user.id, hashed)
            uow.users.record_sign_in(holder.user.id, 0, None)  # a reset unlocks too
            uow.sessions.revoke_for_user(holder.user.id, self._clock.now())
            uow.commit()
        return holder.user


class ApplicationService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        organisations: OrganisationService,
        users: UserService,
        links: PasswordLinkService,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._organisations = organisations
        self._users = users
        self._links = links

    def submit(self, form: ApplicationForm) -> Application:
        """Anyone's application; refused on the UKPRN field when it is registered or awaiting review already."""
        application = rules.check_application(form, self._clock.now())
        with self._uow(write=True) as uow:
            if uow.organisations.by_ukprn(application.ukprn) is not None:
                raise InvalidField("ukprn", f"{application.ukprn} is registered already",
                                   "an organisation registers once; its super user adds its users")  # fmt: skip
            if uow.applications.awaiting(application.ukprn) is not None:
                raise InvalidField("ukprn", f"{application.ukprn} has an application awaiting review",
                                   "one application at a time")  # fmt: skip
            application = replace(application, id=uow.applications.add(application))
            uow.commit()
        return application

    def list(self, by: User, status: ApplicationStatus | None = ApplicationStatus.SUBMITTED) -> list[Application]:
        by.require(Permission.ADMINISTER)
        with self._uow() as uow:
            return uow.applications.list(status, LIST_LIMIT)

    def get(self, by: User, application_id: int) -> Application:
        by.require(Permission.ADMINISTER)
        with self._uow() as uow:
            application = uow.applications.get(application_id)
        if application is None:
            raise NotFound(f"No application {application_id}")
        return application

    def approve(self, by: User, application_id: int) -> Approval:
        """Create the organisation (of the kind applied for) and its super user, who is sent a set-password link."""
        application = self.get(by, application_id)
        rules.approve(application, by.email, 0, self._clock.now())  # refused before anything is created
        with self._uow() as uow:
            # checked first so that a refusal leaves nothing half made (each service below is its own transaction)
            if uow.organisations.by_ukprn(application.ukprn) is not None:
                raise Conflict(f"An organisation with UKPRN {application.ukprn} exists already")
            if uow.users.by_email(application.super_user_email) is not None:
                raise Conflict(f"{application.super_user_email} has an account already: reject with that reason")
        organisation = self._organisations.create(by.actor(), application.ukprn, application.name,
                                                  application.kind).organisation  # fmt: skip
        super_user = self._users.create(by, application.super_user_email, application.super_user_name,
                                        application.super_user_role, organisation.id)  # fmt: skip
        with self._uow(write=True) as uow:
            approved = rules.approve(application, by.email, organisation.id, self._clock.now())
            if not uow.applications.decide(approved):
                raise Conflict(f"Application {application_id} was decided by someone else")
            link = self._links.issue_in(uow, super_user)
            uow.commit()
        return Approval(approved, organisation, super_user, link)

    def reject(self, by: User, application_id: int, reason: str) -> Application:
        """Reject with a reason (required), which the applicant's named super user is told."""
        application = self.get(by, application_id)
        now = self._clock.now()
        rejected = rules.reject(application, by.email, reason, now)
        with self._uow(write=True) as uow:
            if not uow.applications.decide(rejected):
                raise Conflict(f"Application {application_id} was decided by someone else")
            uow.outbox.queue(application.super_user_email, "Your application to the Learning Records Service",
                             f"Dear {application.super_user_name},\n\nThe application of {application.name}"
                             f" (UKPRN {application.ukprn}) was not approved:\n\n{rejected.reason}\n\nYou may"
                             " apply again once this is put right.\n", now)  # fmt: skip
            uow.commit()
        return rejected
