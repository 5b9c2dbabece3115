"""The learner portal's use cases: a learner's own PLR, challenges, share links and who looked (invitations, by
which a learner gets their account, are in services.invitations).

Every read of the record, by the learner or through one of their links, is written to the access log, so the
learner sees it under "who looked". Codes and tokens are made here from the random source bootstrap passes in, and
only their hashes are stored (domain.sharing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from ..domain.access import SHARE_LINK_CREDENTIAL, Actor, Operation, OrganisationKind
from ..domain.checks import FieldChecks
from ..domain.codes import ResponseCode
from ..domain.errors import Conflict, NotFound
from ..domain.learner import Learner
from ..domain.plr import LearningEvent, check_reason, visible_events
from ..domain.sharing import (
    ShareLink,
    ShareState,
    check_days,
    check_label,
    hash_secret,
    share_expiry,
    share_viewer,
)
from .ports import (
    AccessEntry,
    Clock,
    DataChallenge,
    PlrRenderer,
    UnitOfWork,
    UnitOfWorkFactory,
)
from .records import AUDIT_PAGE_SIZE, AuditPage
from .register import resolve_master

_TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
TOKEN_LENGTH = 32  # 192 random bits, URL-safe


@dataclass(frozen=True, slots=True)
class OwnRecord:
    learner: Learner
    events: tuple[LearningEvent, ...]


@dataclass(frozen=True, slots=True)
class ListedLink:
    link: ShareLink
    state: ShareState


@dataclass(frozen=True, slots=True)
class SharedRecord:
    """What a share link's page shows: the record while the link is active, else only the link's state."""

    link: ShareLink
    state: ShareState
    learner: Learner | None = None
    events: tuple[LearningEvent, ...] = ()


class LearnerPortalService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        renderer: PlrRenderer,
        randbelow: Callable[[int], int],
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._renderer = renderer
        self._randbelow = randbelow

    def _random(self, alphabet: str, length: int) -> str:
        return "".join(alphabet[self._randbelow(len(alphabet))] for _ in range(length))

    def _log(
        self, uow: UnitOfWork, organisation_id: int | None, user_name: str, action: str, uln: str,
        credential: str | None = None,
    ) -> None:
        uow.access_log.record([AccessEntry(self._clock.now(), organisation_id, user_name, action, uln, credential)])

    # The learner's own record

    def _own(self, uow: UnitOfWork, actor: Actor) -> Learner:
        actor.require(Operation.READ_OWN_RECORD)
        if actor.uln is None:
            raise NotFound("Your account has no learning record")
        stored = uow.learners.get(actor.uln)
        if stored is None:
            raise NotFound("Your record is not on the register")
        return resolve_master(uow.learners, stored)

    @staticmethod
    def _ulns(learner: Learner) -> list[str]:
        return [learner.uln, *learner.linked_ulns]

    def my_record(self, actor: Actor, action: str = "own_record_read") -> OwnRecord:
        """The learner's own PLR (a legacy opt-out from sharing does not hide it from the learner)."""
        with self._uow(write=True) as uow:
            learner = self._own(uow, actor)
            events = visible_events(actor, uow.events.for_ulns(self._ulns(learner)))
            self._log(uow, None, actor.user_name, action, learner.uln)
            uow.commit()
        return OwnRecord(learner, tuple(events))

    def my_record_document(self, actor: Actor) -> bytes:
        record = self.my_record(actor, "own_record_downloaded")
        return self._renderer.render(record.learner, record.events, self._clock.now())

    def challenge(self, actor: Actor, event_id: int, reason: str) -> DataChallenge:
        """The learner challenges an entry of their record: it shows "under data challenge" until answered."""
        text = check_reason(reason)
        with self._uow(write=True) as uow:
            learner = self._own(uow, actor)
            event = uow.events.get(event_id)
            if event is None or event.withdrawn or event.uln not in self._ulns(learner):
                raise NotFound(f"There is no entry {event_id} on your record")
            if event.under_data_challenge or uow.challenges.open_for_event(event_id) is not None:
                raise Conflict("This entry is under data challenge already")
            challenge = DataChallenge(0, event_id, event.uln, None, actor.user_name, text, "open", self._clock.now())
            challenge = replace(challenge, id=uow.challenges.add(challenge))
            uow.events.set_challenged(event_id, True)
            self._log(uow, None, actor.user_name, "challenge_raised", event.uln)
            uow.commit()
        return challenge

    def who_looked(self, actor: Actor, page: int = 1, include_own: bool = False) -> AuditPage:
        """Who found, read or changed the learner's record, and when, newest first, a page at a time; what the
        learner did themselves only with `include_own` (else their own visits would bury everyone else's)."""
        page = max(page, 1)
        offset = (page - 1) * AUDIT_PAGE_SIZE
        with self._uow() as uow:
            ulns = self._ulns(self._own(uow, actor))
            if include_own:
                records, total = uow.access_history.for_ulns(ulns, offset, AUDIT_PAGE_SIZE)
            else:
                records, total = uow.learner_history.by_others(ulns, actor.user_name, offset, AUDIT_PAGE_SIZE)
        return AuditPage(ResponseCode.EXACT_MATCH, tuple(records), page, AUDIT_PAGE_SIZE, total)

    # Share links

    def create_share_link(self, actor: Actor, label: str, days: str | int) -> tuple[ListedLink, str]:
        """A link to the learner's record for someone else, for 1-90 days; the token is returned once."""
        checks = FieldChecks()
        text = checks.take(check_label, label)
        length = checks.take(check_days, days)
        checks.done()
        assert text is not None and length is not None
        token = self._random(_TOKEN_ALPHABET, TOKEN_LENGTH)
        now = self._clock.now()
        with self._uow(write=True) as uow:
            learner = self._own(uow, actor)
            link = ShareLink(0, learner.uln, text, now, share_expiry(now, length))
            link = uow.share_links.add(hash_secret(token), link)
            self._log(uow, None, actor.user_name, "share_link_created", learner.uln)
            uow.commit()
        return ListedLink(link, link.state(now)), token

    def share_links(self, actor: Actor) -> list[ListedLink]:
        now = self._clock.now()
        with self._uow() as uow:
            learner = self._own(uow, actor)
            links = uow.share_links.for_ulns(self._ulns(learner))
        return [ListedLink(link, link.state(now)) for link in links]

    def withdraw_share_link(self, actor: Actor, link_id: int) -> ListedLink:
        now = self._clock.now()
        with self._uow(write=True) as uow:
            learner = self._own(uow, actor)
            link = uow.share_links.get(link_id)
            if link is None or link.uln not in self._ulns(learner):
                raise NotFound(f"You have no share link {link_id}")
            if uow.share_links.withdraw(link_id, now):
                link = replace(link, withdrawn_at=now)
                self._log(uow, None, actor.user_name, "share_link_withdrawn", learner.uln)
                uow.commit()
        return ListedLink(link, link.state(now))

    def view_shared(self, token: str) -> SharedRecord | None:
        """The record behind a share link, read-only, while the link is active; None for an unknown link.
        Each view is in the access log under the link's label."""
        now = self._clock.now()
        with self._uow(write=True) as uow:
            link = uow.share_links.by_token(hash_secret(token.strip()))
            if link is None:
                return None
            state = link.state(now)
            stored = uow.learners.get(link.uln) if state is ShareState.ACTIVE else None
            if stored is None:
                return SharedRecord(link, state)
            learner = resolve_master(uow.learners, stored)
            viewer = Actor(OrganisationKind.LEARNER, share_viewer(link.label), uln=learner.uln)
            events = visible_events(viewer, uow.events.for_ulns(self._ulns(learner)))
            self._log(uow, None, viewer.user_name, "share_link_viewed", learner.uln, SHARE_LINK_CREDENTIAL)
            uow.commit()
        return SharedRecord(link, state, learner, tuple(events))
