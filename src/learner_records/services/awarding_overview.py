"""What the awarding portal shows: registrations by centre, qualification and ULN state, one registration with its
anomaly, result and certificate, the dashboard's numbers, and the data challenges to answer.

Everything is scoped by the actor: an awarding organisation's staff see all of its centres, a centre's staff only
their own (another centre's registration is "not found", as another organisation's is).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..domain import awarding_trends as trends
from ..domain.access import Actor
from ..domain.awarding import UlnState
from ..domain.errors import InsufficientAccess, NotFound
from ..domain.plr import LearningEvent
from ..domain.qualifications import Qualification
from .awarding import AwardingService
from .awarding_ports import Centre, IssuedCertificate, Registration, StoredAnomaly
from .ports import Clock, DataChallenge, Organisation, UnitOfWorkFactory

LIST_LIMIT = 500
CERTIFICATION_STATUSES = ("not_sent", "sent", "confirmed", "rejected", "withdrawn")


@dataclass(frozen=True, slots=True)
class RegistrationView:
    registration: Registration
    centre: Centre
    qualification: Qualification | None
    anomaly: StoredAnomaly | None  # the open one
    certificate: IssuedCertificate | None  # the one in force


@dataclass(frozen=True, slots=True)
class Dashboard:
    uln_states: tuple[tuple[UlnState, int], ...]  # every state, in UlnState's order
    certification: tuple[tuple[str, int], ...]
    open_anomalies: int
    removal_within_week: int  # open anomalies whose ULN goes in 7 days or fewer
    anomalies_by_week: tuple[tuple[date, int], ...]

    @property
    def registrations(self) -> int:
        return sum(count for _, count in self.uln_states)


@dataclass(frozen=True, slots=True)
class ChallengeView:
    challenge: DataChallenge
    event: LearningEvent


class AwardingOverview:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, awarding: AwardingService) -> None:
        self._uow = uow
        self._clock = clock
        self._awarding = awarding

    def organisation(self, actor: Actor) -> Organisation:
        """The actor's own organisation (for its UKPRN and name)."""
        with self._uow() as uow:
            found = uow.organisations.get(actor.organisation_id) if actor.organisation_id is not None else None
        if found is None:
            raise NotFound("Your organisation is not on the register")
        return found

    def centres(self, actor: Actor) -> list[tuple[Centre, list[Qualification]]]:
        """The actor's centres, each with the qualifications it offers."""
        with self._uow() as uow:
            centres = self._awarding.centres_in(uow, actor)
            offered = {c.id: sorted(uow.centres.offered(c.id)) for c in centres}
            known = uow.qualifications.get_many(sorted({r for refs in offered.values() for r in refs}))
        return [(c, [known[r] for r in offered[c.id] if r in known]) for c in centres]

    def registrations(
        self,
        actor: Actor,
        centre_id: int | None = None,
        reference: str | None = None,
        uln_state: UlnState | None = None,
        limit: int = LIST_LIMIT,
    ) -> list[Registration]:
        """The actor's registrations, newest first; a centre that is not the actor's is not found."""
        with self._uow() as uow:
            if centre_id is None:
                centres = [c.id for c in self._awarding.centres_in(uow, actor)]
            else:
                centres = [self._awarding.centre_of(uow, actor, centre_id).id]
            state = uln_state.value if uln_state else None
            return uow.registrations.search(centres, reference or None, state, limit)

    def registration(self, actor: Actor, registration_id: int) -> RegistrationView:
        with self._uow() as uow:
            registration = uow.registrations.get(registration_id)
            if registration is None:
                raise NotFound(f"No registration {registration_id}")
            centre = self._awarding.centre_of(uow, actor, registration.centre_id)
            reference = registration.qualification_reference
            qualification = uow.qualifications.get_many([reference]).get(reference)
            return RegistrationView(
                registration,
                centre,
                qualification,
                uow.anomalies.open_for(registration_id),
                uow.certificates.current_for(registration_id),
            )

    def dashboard(self, actor: Actor, weeks: int = trends.WEEKS) -> Dashboard:
        today = self._clock.now().date()
        first = trends.week_ends(today, weeks)[0]
        with self._uow() as uow:
            centres = [c.id for c in self._awarding.centres_in(uow, actor)]
            tally = uow.registrations.tally(centres)
            spans = uow.anomalies.spans(centres, first)
        open_now = self._awarding.anomalies(actor)
        states = tuple((s, sum(n for (state, _), n in tally.items() if state == s.value)) for s in UlnState)
        statuses = tuple(
            (status, sum(n for (_, st), n in tally.items() if st == status)) for status in CERTIFICATION_STATUSES
        )
        return Dashboard(
            uln_states=states,
            certification=statuses,
            open_anomalies=len(open_now),
            removal_within_week=sum(view.days_left <= 7 for view in open_now),
            anomalies_by_week=tuple(trends.open_by_week(spans, today, weeks)),
        )

    def challenges(self, actor: Actor, status: str | None = "open") -> list[ChallengeView]:
        """Data challenges raised against learning events the actor's organisation submitted, oldest first."""
        self._require_organisation_wide(actor)
        if actor.organisation_id is None:
            return []
        with self._uow() as uow:
            views = []
            for challenge in uow.challenges.for_organisation(actor.organisation_id, status):
                event = uow.events.get(challenge.event_id)
                if event is not None and event.submitted_by == actor.organisation_id:
                    views.append(ChallengeView(challenge, event))
        return sorted(views, key=lambda v: (v.challenge.raised_at, v.challenge.id))

    def challenge(self, actor: Actor, challenge_id: int) -> ChallengeView:
        found = next((v for v in self.challenges(actor, None) if v.challenge.id == challenge_id), None)
        if found is None:
            raise NotFound(f"No data challenge {challenge_id} against your organisation's events")
        return found

    @staticmethod
    def _require_organisation_wide(actor: Actor) -> None:
        if actor.centres is not None:
            raise InsufficientAccess("Only the awarding organisation's own staff answer data challenges")
