"""Awarding use cases: centres, registrations, ULN validation, anomalies and their resolution, the removal sweep.

Every ULN is validated against the register after registration, through the LrsGateway port only. A match
validates it; anything else becomes an anomaly the centre resolves; an anomaly left past its removal date costs
the registration its ULN (the registration stays and the removal is recorded).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Protocol

from ..domain import awarding as rules
from ..domain.access import SYSTEM_CREDENTIAL, Actor, OrganisationKind
from ..domain.errors import Conflict, InsufficientAccess, InvalidField, InvalidFields, NotFound
from ..domain.learner import parse_details
from ..domain.matching import Demographics, VerificationQuery
from .awarding_ports import Centre, Registration, StoredAnomaly
from .gateway import LrsGateway
from .ports import Clock, UnitOfWork, UnitOfWorkFactory

VERIFY_BATCH = 200
MAIL_RETRY = timedelta(minutes=10)


class Mailer(Protocol):
    def send(self, to: str, subject: str, body: str) -> None: ...


@dataclass(frozen=True, slots=True)
class RowProblem:
    row: int
    stage: str  # field, file, reference data, state
    field: str
    problem: str


@dataclass(frozen=True, slots=True)
class FileReport:
    registered: tuple[int, ...]
    problems: tuple[RowProblem, ...]


@dataclass(frozen=True, slots=True)
class AnomalyView:
    stored: StoredAnomaly
    registration: Registration
    days_left: int


@dataclass(frozen=True, slots=True)
class SweepReport:
    removed: tuple[int, ...]  # registration ids
    reminders: int


class AwardingService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        gateway_for: Callable[[Actor], LrsGateway],
        removal_days: int = 28,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._gateway_for = gateway_for
        self._removal_days = removal_days

    # --- centres -------------------------------------------------------------------------------------------

    @staticmethod
    def _require_awarding(actor: Actor) -> int:
        if actor.kind is not OrganisationKind.AWARDING_ORGANISATION or actor.organisation_id is None:
            raise InsufficientAccess("Only an awarding organisation manages centres and registrations")
        return actor.organisation_id

    @classmethod
    def _require_organisation_wide(cls, actor: Actor) -> int:
        if actor.centres is not None:
            raise InsufficientAccess("Only the awarding organisation's own staff add centres and what they offer")
        return cls._require_awarding(actor)

    def centres_in(self, uow: UnitOfWork, actor: Actor) -> list[Centre]:
        """The centres the actor acts in: all of its organisation's, or a centre user's own."""
        organisation_id = self._require_awarding(actor)
        return [c for c in uow.centres.for_organisation(organisation_id) if actor.in_centre(c.id)]

    def centres(self, actor: Actor) -> list[Centre]:
        with self._uow() as uow:
            return self.centres_in(uow, actor)

    def centre_by_number(self, actor: Actor, centre_number: str) -> Centre:
        centres = self.centres(actor)
        found = next((c for c in centres if c.centre_number == centre_number), None)
        if found is None:
            raise NotFound(f"No centre {centre_number} of your organisation")
        return found

    def centre_of(self, uow: UnitOfWork, actor: Actor, centre_id: int) -> Centre:
        """The centre, when it belongs to the actor's awarding organisation."""
        return self._centre(uow, actor, centre_id)

    def _centre(self, uow: UnitOfWork, actor: Actor, centre_id: int) -> Centre:
        organisation_id = self._require_awarding(actor)
        centre = uow.centres.get(centre_id)
        # Another centre's is "not found" to a centre user, as another organisation's is: neither is theirs to see.
        if centre is None or centre.awarding_organisation_id != organisation_id or not actor.in_centre(centre.id):
            raise NotFound(f"No centre {centre_id} of your organisation")
        return centre

    def add_centre(
        self,
        actor: Actor,
        centre_number: str,
        name: str,
        ukprn: str | None = None,
        is_lrb: bool = False,
        contact_email: str | None = None,
    ) -> Centre:
        organisation_id = self._require_organisation_wide(actor)
        centre_number, name = centre_number.strip(), name.strip()  # compared and stored as trimmed
        if not centre_number or len(centre_number) > 20:
            raise InvalidField("centre_number", f"{centre_number!r}", "1-20 characters")
        if not name or len(name) > 254:
            raise InvalidField("name", "is empty or longer than 254 characters", "the centre's name")
        if ukprn is not None and not re.fullmatch(r"[0-9]{8}", ukprn):
            raise InvalidField("ukprn", f"{ukprn!r} is not a UKPRN", "8 digits")
        if contact_email is not None and len(contact_email) > 254:
            raise InvalidField("contact_email", "is longer than 254 characters", "an email address")
        with self._uow(write=True) as uow:
            if any(c.centre_number == centre_number for c in uow.centres.for_organisation(organisation_id)):
                raise Conflict(f"Centre {centre_number} exists already")
            centre = Centre(0, organisation_id, centre_number, name, ukprn, is_lrb, contact_email)
            centre = replace(centre, id=uow.centres.add(centre))
            uow.commit()
        return centre

    def offer(self, actor: Actor, centre_id: int, references: Sequence[str]) -> None:
        self._require_organisation_wide(actor)
        with self._uow(write=True) as uow:
            self._centre(uow, actor, centre_id)
            known = uow.qualifications.get_many(list(references))
            unknown = sorted(set(references) - set(known))
            if unknown:
                raise InvalidField("reference", ", ".join(unknown), "qualifications in the catalogue")
            uow.centres.offer(centre_id, list(references))
            uow.commit()

    # --- registrations ---------------------------------------------------------------------------------------

    def _initial_state(self, details: rules.RegistrationDetails, today: date) -> rules.UlnState | rules.Anomaly:
        # no register call for a ULN whose check digit is wrong: it is an anomaly at once
        assessed = rules.assess(details, None, None, today, today, self._removal_days)
        if isinstance(assessed, rules.Anomaly) or details.uln is None:
            return assessed
        return rules.UlnState.PENDING

    def _store(
        self, uow: UnitOfWork, actor: Actor, centre: Centre, reference: str, details: rules.RegistrationDetails
    ) -> int:
        now = self._clock.now()
        state = self._initial_state(details, now.date())
        uln_state = rules.UlnState.ANOMALY if isinstance(state, rules.Anomaly) else state
        registration = Registration(0, centre.id, reference, details, now.date(), uln_state)
        registration_id = uow.registrations.add(registration, now)
        uow.awarding_log.record(now, actor.organisation_id, actor.user_name, "register", registration_id)
        if isinstance(state, rules.Anomaly):
            self._raise_anomaly(uow, centre, replace(registration, id=registration_id), state)
        return registration_id

    def register(self, actor: Actor, centre_id: int, reference: str, raw: Mapping[str, object]) -> Registration:
        details = rules.parse_registration(raw)
        with self._uow(write=True) as uow:
            centre = self._centre(uow, actor, centre_id)
            if reference not in uow.centres.offered(centre_id):
                raise InvalidField("qualification_reference", reference, "a qualification this centre offers")
            if uow.registrations.existing(centre_id, reference, [details]):
                raise Conflict("This learner is already registered on this qualification at this centre")
            registration_id = self._store(uow, actor, centre, reference, details)
            uow.commit()
            stored = uow.registrations.get(registration_id)
        assert stored is not None
        return stored

    def register_file(self, actor: Actor, centre_id: int, rows: Iterable[Mapping[str, object]]) -> FileReport:
        """Staged checks: each field, then the whole file, then reference data, then state. Good rows are stored;
        every problem is reported with its row number."""
        problems: list[RowProblem] = []
        parsed: list[tuple[int, str, rules.RegistrationDetails]] = []
        for number, raw in enumerate(rows, start=2):  # row 1 is the header
            reference = str(raw.get("qualification_reference") or "").strip().upper()
            try:
                details = rules.parse_registration({k: v for k, v in raw.items() if k != "qualification_reference"})
            except InvalidFields as error:
                problems.extend(RowProblem(number, "field", p.field, f"{p.problem} ({p.rule})") for p in error.problems)
                continue
            if not reference:
                problems.append(RowProblem(number, "field", "qualification_reference", "is missing"))
                continue
            parsed.append((number, reference, details))
        parsed = self._unique_in_file(parsed, problems)
        registered: list[int] = []
        with self._uow(write=True) as uow:
            centre = self._centre(uow, actor, centre_id)
            offered = uow.centres.offered(centre_id)
            already = self._already_registered(uow, centre_id, parsed)
            for number, reference, details in parsed:
                if reference not in offered:
                    problem = f"{reference} is not offered by centre {centre.centre_number}"
                    problems.append(RowProblem(number, "reference data", "qualification_reference", problem))
                elif number in already:
                    problems.append(
                        RowProblem(number, "state", "given_name", "already registered on this qualification")
                    )
                else:
                    registered.append(self._store(uow, actor, centre, reference, details))
            uow.commit()
        return FileReport(tuple(registered), tuple(sorted(problems, key=lambda p: p.row)))

    @staticmethod
    def _already_registered(
        uow: UnitOfWork, centre_id: int, parsed: list[tuple[int, str, rules.RegistrationDetails]]
    ) -> set[int]:
        """Row numbers whose learner is registered already: one look-up per qualification, not per row."""
        already: set[int] = set()
        for reference in {reference for _, reference, _ in parsed}:
            rows = [(number, d) for number, ref, d in parsed if ref == reference]
            found = uow.registrations.existing(centre_id, reference, [d for _, d in rows])
            already.update(rows[index][0] for index in found)
        return already

    @staticmethod
    def _unique_in_file(
        parsed: list[tuple[int, str, rules.RegistrationDetails]], problems: list[RowProblem]
    ) -> list[tuple[int, str, rules.RegistrationDetails]]:
        seen: dict[tuple[object, ...], int] = {}
        unique = []
        for number, reference, d in parsed:
            key = (reference, d.given_name.casefold(), d.family_name.casefold(), d.date_of_birth)
            if key in seen:
                problems.append(RowProblem(number, "file", "given_name", f"repeats row {seen[key]}"))
                continue
            seen[key] = number
            unique.append((number, reference, d))
        return unique

    def obtain_uln(self, actor: Actor, registration_id: int) -> Registration:
        """For a learner without a ULN at a centre that is a learner registration body: find the learner on the
        register first, and register them for a new ULN only when nothing matches."""
        with self._uow() as uow:
            registration = uow.registrations.get(registration_id)
            if registration is None:
                raise NotFound(f"No registration {registration_id}")
            centre = self._centre(uow, actor, registration.centre_id)
            body = uow.organisations.by_ukprn(centre.ukprn) if centre.ukprn else None
        d = registration.details
        if d.uln is not None:
            raise Conflict("This registration has a ULN already")
        if not centre.is_lrb or body is None or body.kind is not OrganisationKind.LEARNER_REGISTRATION_BODY:
            raise InsufficientAccess("Only a centre that is a learner registration body may obtain new ULNs")
        if d.postcode is None:
            raise InvalidField("postcode", "is missing", "the register needs a postcode to find or register a learner")
        gateway = self._gateway_for(
            Actor(body.kind, f"{actor.user_name} for centre {centre.centre_number}", body.id, body.ukprn,
                  credential=actor.credential)
        )
        found = gateway.find(Demographics(d.given_name, d.family_name, d.date_of_birth, d.gender, d.postcode))
        if found.code in ("WSRC0004", "WSRC0022"):
            uln = found.ulns[0]
        elif found.code == "WSRC0001":
            uln = gateway.register(
                parse_details(
                    {
                        "given_name": d.given_name,
                        "family_name": d.family_name,
                        "date_of_birth": d.date_of_birth,
                        "gender": d.gender,
                        "postcode": d.postcode,
                        "verification_type": 1,
                        "ability_to_share": 1,
                    }
                )
            )
        else:
            raise Conflict(f"The register has possible matches ({found.code}): check the learner's details first")
        with self._uow(write=True) as uow:
            now = self._clock.now()
            updated = replace(registration, details=replace(d, uln=uln), uln_state=rules.UlnState.PENDING)
            uow.registrations.save(updated, now)
            uow.awarding_log.record(now, actor.organisation_id, actor.user_name, "obtain_uln", registration_id)
            uow.commit()
        self.validate(actor)
        with self._uow() as uow:
            after = uow.registrations.get(registration_id)
        assert after is not None
        return after

    # --- validation and anomalies ----------------------------------------------------------------------------

    def validate(self, actor: Actor, limit: int = 10_000) -> tuple[int, int]:
        """Validate the ULNs waiting in the actor's centres, 200 at a time: (validated, anomalies raised)."""
        gateway = self._gateway_for(actor)
        validated = raised = 0
        with self._uow() as uow:
            centres = {c.id: c for c in self.centres_in(uow, actor)}
            waiting = uow.registrations.pending(list(centres), limit)
        for start in range(0, len(waiting), VERIFY_BATCH):
            batch = waiting[start : start + VERIFY_BATCH]
            answers = gateway.verify([self._query(r) for r in batch])
            with self._uow(write=True) as uow:
                today = self._clock.now().date()
                for registration, answer in zip(batch, answers, strict=True):
                    assessed = rules.assess(
                        registration.details,
                        answer.result,
                        answer.register,
                        registration.registered_on,
                        today,
                        self._removal_days,
                    )
                    if isinstance(assessed, rules.Anomaly):
                        uow.registrations.save(
                            replace(registration, uln_state=rules.UlnState.ANOMALY), self._clock.now()
                        )
                        self._raise_anomaly(uow, centres[registration.centre_id], registration, assessed)
                        raised += 1
                    else:
                        uow.registrations.save(
                            replace(registration, uln_state=assessed, validated_on=today), self._clock.now()
                        )
                        validated += assessed is rules.UlnState.VALIDATED
                uow.commit()
        return validated, raised

    def validate_waiting(self) -> tuple[int, int]:
        """Validate the waiting ULNs of every awarding organisation (the background worker's round)."""
        with self._uow() as uow:
            bodies = [o for o in uow.organisations.list() if o.kind is OrganisationKind.AWARDING_ORGANISATION]
        validated = raised = 0
        for body in bodies:
            done, anomalies = self.validate(Actor(body.kind, "validation-worker", body.id, body.ukprn,
                                                 credential=SYSTEM_CREDENTIAL))
            validated, raised = validated + done, raised + anomalies
        return validated, raised

    @staticmethod
    def _query(registration: Registration) -> VerificationQuery:
        d = registration.details
        return VerificationQuery(d.uln or "", d.given_name, d.family_name, d.date_of_birth, d.gender)

    def _raise_anomaly(
        self, uow: UnitOfWork, centre: Centre, registration: Registration, anomaly: rules.Anomaly
    ) -> None:
        uow.anomalies.add(registration.id, anomaly)
        if centre.contact_email:
            d = registration.details
            lines = [
                f"The ULN of {d.given_name} {d.family_name} (candidate {d.candidate_reference or '-'}) did not "
                f"validate against the register.",
                "",
            ]
            lines += [p.words for p in anomaly.problems]
            lines += [
                "",
                f"Suggested fix: {anomaly.fix.words}",
                f"Unless it is resolved, the ULN will be removed on {anomaly.removal_date:%d %B %Y}.",
            ]
            uow.outbox.queue(
                centre.contact_email,
                f"ULN anomaly at centre {centre.centre_number}",
                "\n".join(lines),
                self._clock.now(),
            )

    def anomalies(self, actor: Actor, centre_id: int | None = None) -> list[AnomalyView]:
        """Open anomalies of the actor's centres, the nearest removal first."""
        today = self._clock.now().date()
        with self._uow() as uow:
            centres = [c.id for c in self.centres_in(uow, actor)]
            if centre_id is not None:
                centres = [c for c in centres if c == centre_id]
            views = []
            for stored in uow.anomalies.open(centres):
                registration = uow.registrations.get(stored.registration_id)
                assert registration is not None
                views.append(AnomalyView(stored, registration, stored.anomaly.days_left(today)))
        return sorted(views, key=lambda v: (v.days_left, v.stored.id))

    def resolve(
        self, actor: Actor, anomaly_id: int, action: str, values: Mapping[str, object] | None = None
    ) -> Registration:
        """accept_fix | correct_details (new field values) | correct_uln ({"uln": ...}) | remove_uln; the
        registration is validated again at once."""
        with self._uow(write=True) as uow:
            stored = uow.anomalies.get(anomaly_id)
            registration = uow.registrations.get(stored.registration_id) if stored else None
            if stored is None or registration is None or stored.resolved_on is not None:
                raise NotFound(f"No open anomaly {anomaly_id}")
            self._centre(uow, actor, registration.centre_id)
            details = self._resolved_details(registration.details, stored.anomaly, action, values or {})
            now = self._clock.now()
            state = rules.UlnState.NONE if details.uln is None else rules.UlnState.PENDING
            changed = replace(registration, details=details, uln_state=state)
            uow.registrations.save(changed, now)
            uow.anomalies.resolve(anomaly_id, now.date(), action)
            uow.awarding_log.record(now, actor.organisation_id, actor.user_name, f"resolve:{action}", registration.id)
            uow.commit()
        self.validate(actor)
        with self._uow() as uow:
            after = uow.registrations.get(registration.id)
        assert after is not None
        return after

    @staticmethod
    def _resolved_details(
        details: rules.RegistrationDetails, anomaly: rules.Anomaly, action: str, values: Mapping[str, object]
    ) -> rules.RegistrationDetails:
        if action == "accept_fix":
            return rules.apply_fix(details, anomaly.fix)
        if action == "remove_uln":
            return replace(details, uln=None)
        if action == "correct_uln":
            return rules.parse_registration({**_as_raw(details), "uln": values.get("uln")})
        if action == "correct_details":
            return rules.parse_registration({**_as_raw(details), **values})
        raise InvalidField("action", f"{action!r}", "accept_fix, correct_details, correct_uln or remove_uln")

    # --- the removal sweep and mail ----------------------------------------------------------------------------

    def sweep(self, today: date | None = None) -> SweepReport:
        """Send due reminders (7 and 1 days before) and remove ULNs past their removal date; running it again the
        same day changes nothing more."""
        today = today or self._clock.now().date()
        now = self._clock.now()
        removed: list[int] = []
        reminders = 0
        with self._uow(write=True) as uow:
            for stored in uow.anomalies.all_open():
                registration = uow.registrations.get(stored.registration_id)
                centre = uow.centres.get(registration.centre_id) if registration else None
                if registration is None or centre is None:
                    continue
                if stored.anomaly.is_overdue(today):
                    self._remove(uow, centre, registration, stored, today, now)
                    removed.append(registration.id)
                    continue
                due = stored.anomaly.reminder_due(today, stored.reminders_sent)
                if due is not None:
                    uow.anomalies.reminded(stored.id, stored.reminders_sent | {due})
                    reminders += 1
                    if centre.contact_email:
                        uow.outbox.queue(
                            centre.contact_email,
                            f"Reminder: ULN removal in {due} day(s)",
                            f"The ULN of {registration.details.given_name} "
                            f"{registration.details.family_name} will be removed on "
                            f"{stored.anomaly.removal_date:%d %B %Y} unless the anomaly is resolved.\n"
                            f"{stored.anomaly.fix.words}",
                            now,
                        )
            uow.commit()
        return SweepReport(tuple(removed), reminders)

    def _remove(
        self,
        uow: UnitOfWork,
        centre: Centre,
        registration: Registration,
        stored: StoredAnomaly,
        today: date,
        now: datetime,
    ) -> None:
        reason = f"unresolved {stored.anomaly.kind.value} anomaly past its removal date"
        removed = replace(
            registration,
            details=replace(registration.details, uln=None),
            uln_state=rules.UlnState.REMOVED,
            removed_uln=registration.details.uln,
            removed_on=today,
            removal_reason=reason,
        )
        uow.registrations.save(removed, now)
        uow.anomalies.resolve(stored.id, today, "uln_removed")
        uow.awarding_log.record(now, None, "removal-sweep", "remove_uln", registration.id, reason)
        if centre.contact_email:
            uow.outbox.queue(
                centre.contact_email,
                f"ULN removed at centre {centre.centre_number}",
                f"The ULN of {registration.details.given_name} {registration.details.family_name} was "
                f"removed today: {reason}. The registration stays; add a ULN when it is known.",
                now,
            )

    def deliver_mail(self, mailer: Mailer, limit: int = 100) -> tuple[int, int]:
        """Send what the outbox holds; a failure is retried later. (sent, failed)"""
        sent = failed = 0
        with self._uow() as uow:
            due = uow.outbox.due(self._clock.now(), limit)
        for mail in due:
            try:
                mailer.send(mail.to_address, mail.subject, mail.body)
            except Exception as error:  # the mail server's failure, whatever its kind, waits for the retry
                with self._uow(write=True) as uow:
                    uow.outbox.failed(mail.id, type(error).__name__, self._clock.now() + MAIL_RETRY)
                    uow.commit()
                failed += 1
                continue
            with self._uow(write=True) as uow:
                uow.outbox.sent(mail.id, self._clock.now())
                uow.commit()
            sent += 1
        return sent, failed


def _as_raw(details: rules.RegistrationDetails) -> dict[str, object]:
    return {
        "given_name": details.given_name,
        "family_name": details.family_name,
        "date_of_birth": details.date_of_birth.isoformat(),
        "gender": details.gender,
        "postcode": details.postcode,
        "uln": details.uln,
        "candidate_reference": details.candidate_reference,
    }
