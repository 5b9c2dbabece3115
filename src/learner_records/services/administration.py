"""What a register administrator looks at and does: the access log searched by ULN, organisation, user, action and
dates, every organisation's data challenges, and an organisation with its centres and people (adding someone of a
role its kind has, who is sent a link to set their password)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ..domain import uln as ulns
from ..domain.access import OrganisationKind
from ..domain.checks import FieldChecks
from ..domain.errors import InvalidField, NotFound
from ..domain.users import AWARDING_ROLES, LRB_ROLES, Permission, Role, User
from .admin_ports import AccessLogFilter, AccessLogLine
from .applications import PasswordLinkService
from .awarding_ports import Centre
from .ports import AccessEntry, Clock, DataChallenge, Organisation, UnitOfWork, UnitOfWorkFactory
from .users import UserService

PAGE_SIZE = 50
DETAIL_LIMIT = 400  # access_log.detail
CHALLENGE_LIMIT = 500
CHALLENGE_STATES = ("open", "accepted", "rejected")
ROLES_OF_KIND: dict[OrganisationKind, tuple[Role, ...]] = {
    OrganisationKind.LEARNER_REGISTRATION_BODY: LRB_ROLES,
    OrganisationKind.AWARDING_ORGANISATION: AWARDING_ROLES,
    OrganisationKind.REGISTER_ADMINISTRATOR: (Role.ADMINISTRATOR,),
}


@dataclass(frozen=True, slots=True)
class AddedUser:
    user: User
    link: str  # their set-password link, shown to whoever added them once (and mailed to them)


@dataclass(frozen=True, slots=True)
class AccessLogPage:
    lines: list[AccessLogLine]
    page: int
    has_next: bool  # one row more than a page is read: no count over the whole log


def _day(text: str, field: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidField(field, f"{text!r} is not a date", "a date as YYYY-MM-DD") from None


def access_log_filter(
    uln: str = "", organisation_id: str = "", user_name: str = "", action: str = "", start: str = "", end: str = ""
) -> AccessLogFilter:
    """The filters as typed: blanks are no filter; the dates are whole days, `end` included."""
    checks = FieldChecks()
    wanted = checks.optional(uln.strip(), ulns.validate, "uln")
    organisation = None
    if organisation_id.strip():
        # an id is 1 to 18 ASCII digits here: any such number fits the 64-bit id column
        if not re.fullmatch(r"[0-9]{1,18}", organisation_id.strip()):
            checks.add(InvalidField("organisation", f"{organisation_id!r} is not an organisation", "choose one"))
        else:
            organisation = int(organisation_id)
    first = checks.take(_day, start, "start")
    last = checks.take(_day, end, "end")
    if first and last and last < first:
        checks.add(InvalidField("end", "is before the start date", "the same day as the start or later"))
    checks.done()
    return AccessLogFilter(
        uln=wanted or None, organisation_id=organisation, user_name=user_name.strip() or None,
        action=action.strip() or None, start=datetime.combine(first, datetime.min.time()) if first else None,
        end=datetime.combine(last + timedelta(days=1), datetime.min.time()) if last else None,
    )  # fmt: skip


def searched_for(filters: AccessLogFilter) -> str | None:
    """The whole search as the access log keeps it beside the ULN: which organisation, user, action and moments."""
    terms = [("organisation", filters.organisation_id), ("user", filters.user_name), ("action", filters.action),
             ("from", filters.start), ("before", filters.end)]  # fmt: skip
    text = "; ".join(f"{name}={value.isoformat() if isinstance(value, datetime) else value}"
                     for name, value in terms if value is not None)  # fmt: skip
    return text[:DETAIL_LIMIT] or None


class AdministrationService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, users: UserService, links: PasswordLinkService) -> None:
        self._uow = uow
        self._clock = clock
        self._users = users
        self._links = links

    def access_log(self, by: User, filters: AccessLogFilter, page: int = 1) -> AccessLogPage:
        by.require(Permission.ADMINISTER)
        page = max(page, 1)
        with self._uow() as uow:
            lines = uow.audit.access_log(filters, (page - 1) * PAGE_SIZE, PAGE_SIZE + 1)
            # Reading the log is itself a read of learner data: it is logged, with the whole search.
            self._log(uow, by, "access_log_searched", [filters.uln], searched_for(filters))
            uow.commit()
        return AccessLogPage(lines[:PAGE_SIZE], page, len(lines) > PAGE_SIZE)

    def challenges(self, by: User, status: str | None = "open") -> list[DataChallenge]:
        """Every organisation's data challenges, newest first: those open, or of another state, or all (None)."""
        by.require(Permission.ADMINISTER)
        if status is not None and status not in CHALLENGE_STATES:
            raise InvalidField("status", f"{status!r} is not a state", ", ".join(CHALLENGE_STATES))
        with self._uow() as uow:
            found = uow.audit.challenges(status, CHALLENGE_LIMIT)
            self._log(uow, by, "challenges_listed", sorted({c.uln for c in found}))
            uow.commit()
        return found

    def _log(
        self, uow: UnitOfWork, by: User, action: str, ulns: Sequence[str | None], detail: str | None = None
    ) -> None:
        now = self._clock.now()
        uow.access_log.record([AccessEntry(now, by.organisation_id, by.email, action, uln, detail=detail)
                               for uln in ulns])  # fmt: skip

    def organisation(self, by: User, organisation_id: int) -> tuple[Organisation, list[Centre]]:
        """An organisation and (an awarding organisation's) centres."""
        by.require(Permission.ADMINISTER)
        with self._uow() as uow:
            organisation = uow.organisations.get(organisation_id)
            if organisation is None:
                raise NotFound(f"No organisation {organisation_id}")
            return organisation, uow.centres.for_organisation(organisation_id)

    def add_user(
        self, by: User, organisation_id: int, email: str, name: str, role: str, centre_id: int | None = None
    ) -> AddedUser:
        """Someone of a role the organisation's kind has (a centre user: at one of its centres), with no password
        yet: they are sent a link to set one."""
        organisation, centres = self.organisation(by, organisation_id)
        allowed = {r.value: r for r in ROLES_OF_KIND.get(organisation.kind, ())}
        if role not in allowed:
            raise InvalidField("role", "is not chosen", ", ".join(r.label.lower() for r in allowed.values()))
        chosen = allowed[role]
        if chosen is Role.CENTRE_USER and not centres:
            raise InvalidField("role", "a centre user needs a centre", "the organisation has no centres yet")
        if chosen is Role.CENTRE_USER and centre_id not in {c.id for c in centres}:
            raise InvalidField("centre", "is not chosen", "a centre user works at one of the organisation's centres")
        user = self._users.create(by, email, name, chosen, organisation.id,
                                  centre_id=centre_id if chosen is Role.CENTRE_USER else None)  # fmt: skip
        return AddedUser(user, self._links.issue(by, user.id))
