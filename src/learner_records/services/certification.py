"""Results, certification and certificates of the awarding side.

On certification, the achievements of registrations with a validated ULN go to the register through the gateway,
and are then read back from the learner's PLR to confirm they arrived. Certificates print the ULN only when it is
validated; each carries a QR code to a public page that shows the award but never the ULN.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from ..domain.access import Actor
from ..domain.awarding import UlnState, certificate_uln
from ..domain.errors import Conflict, InsufficientAccess, InvalidField, NotFound
from ..domain.matching import VerificationQuery
from .awarding import AwardingService
from .awarding_ports import IssuedCertificate, Registration
from .gateway import LrsGateway
from .ports import Clock, UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class CertificateData:
    certificate_number: str
    learner_name: str
    qualification_title: str
    qualification_reference: str
    level: str
    grade: str
    award_date: date
    centre_name: str
    awarding_organisation_name: str
    uln: str | None
    verify_url: str
    issued_on: date
    reissue_of: str | None = None


@dataclass(frozen=True, slots=True)
class PublicCheck:
    """What anyone holding a certificate may see: never the ULN."""

    certificate_number: str
    learner_name: str
    qualification_title: str
    qualification_reference: str
    grade: str
    award_date: date
    awarding_organisation_name: str
    uln_validated: bool
    status: str  # valid, revoked, replaced
    reason: str | None


class CertificationService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        awarding: AwardingService,
        gateway_for: Callable[[Actor], LrsGateway],
        renderer: Callable[[CertificateData], bytes],
        public_url: str,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._awarding = awarding
        self._gateway_for = gateway_for
        self._render = renderer
        self._public_url = public_url.rstrip("/")

    def _registration(self, uow: UnitOfWork, actor: Actor, registration_id: int) -> Registration:
        if actor.centres is not None:
            raise InsufficientAccess("Only the awarding organisation's own staff enter results and certify")
        registration = uow.registrations.get(registration_id)
        if registration is None:
            raise NotFound(f"No registration {registration_id}")
        self._awarding.centre_of(uow, actor, registration.centre_id)
        return registration

    def record_result(self, actor: Actor, registration_id: int, grade: str, award_date: date) -> Registration:
        with self._uow(write=True) as uow:
            registration = self._registration(uow, actor, registration_id)
            qualification = uow.qualifications.get_many([registration.qualification_reference])[
                registration.qualification_reference
            ]
            if not qualification.allows_grade(grade):
                raise InvalidField("grade", f"{grade!r} is not in the grade scheme", ", ".join(qualification.grades))
            if award_date > self._clock.now().date():
                raise InvalidField("award_date", f"{award_date} is in the future", "not after today")
            updated = replace(registration, grade=grade, award_date=award_date)
            uow.registrations.save(updated, self._clock.now())
            uow.awarding_log.record(
                self._clock.now(), actor.organisation_id, actor.user_name, "result", registration_id
            )
            uow.commit()
        return updated

    def certify(self, actor: Actor, registration_ids: Sequence[int]) -> list[Registration]:
        """Send the results of validated ULNs to the PLR; the others stay 'not sent' with the reason."""
        gateway = self._gateway_for(actor)
        with self._uow() as uow:
            chosen = [self._registration(uow, actor, rid) for rid in registration_ids]
            centres = {r.centre_id: uow.centres.get(r.centre_id) for r in chosen}
        outcome = []
        rows, sendable = [], []
        for r in chosen:
            if r.grade is None or r.award_date is None:
                outcome.append(replace(r, certification_status="not_sent", certification_reason="no result yet"))
            elif r.uln_state is not UlnState.VALIDATED or r.details.uln is None:
                reason = "no ULN" if r.details.uln is None else "the ULN is not validated"
                outcome.append(replace(r, certification_status="not_sent", certification_reason=reason))
            else:
                centre = centres[r.centre_id]
                rows.append(
                    {
                        "Uln": r.details.uln,
                        "GivenName": r.details.given_name,
                        "FamilyName": r.details.family_name,
                        "DateofBirth": r.details.date_of_birth.isoformat(),
                        "Gender": r.details.gender,
                        "ProviderUkprn": (centre.ukprn if centre and centre.ukprn else actor.ukprn) or "",
                        "UnitOrQualificationReferenceNumber": r.qualification_reference,
                        "AchievementAwardDate": r.award_date.isoformat(),
                        "Grade": r.grade,
                        "Action": 1,
                        "MisIdentifier": f"registration-{r.id}",
                    }
                )
                sendable.append(r)
        if rows:
            job = gateway.submit_achievements(rows)
            outcome += [
                replace(r, certification_status="sent", certification_reason=None, achievement_job_id=job.job_id)
                for r in sendable
            ]
        with self._uow(write=True) as uow:
            for r in outcome:
                uow.registrations.save(r, self._clock.now())
            uow.commit()
        return outcome

    def confirm(self, actor: Actor, registration_ids: Sequence[int]) -> list[Registration]:
        """Read the PLR back for each sent achievement: confirmed when it is there, rejected (with why) when not."""
        gateway = self._gateway_for(actor)
        with self._uow() as uow:
            sent = [
                r
                for r in (self._registration(uow, actor, rid) for rid in registration_ids)
                if r.certification_status == "sent"
            ]
        changed = []
        for r in sent:
            job = gateway.achievement_job(r.achievement_job_id or 0)
            if job.status in ("Waiting", "InProgress"):
                continue
            plr = gateway.read_plr(VerificationQuery(r.details.uln or "", r.details.given_name, r.details.family_name))
            arrived = any(e.subject_code == r.qualification_reference and e.grade == r.grade for e in plr.events)
            if arrived:
                changed.append(replace(r, certification_status="confirmed", certification_reason=None))
            else:
                why = f"not on the PLR after job {job.job_id} ({job.status}); register answer {plr.code}"
                changed.append(replace(r, certification_status="rejected", certification_reason=why))
        with self._uow(write=True) as uow:
            for r in changed:
                uow.registrations.save(r, self._clock.now())
            uow.commit()
        return changed

    def issue_certificate(self, actor: Actor, registration_id: int) -> tuple[IssuedCertificate, bytes]:
        """A certificate for an award; a second call reissues it (a correction) and keeps the history."""
        with self._uow(write=True) as uow:
            registration = self._registration(uow, actor, registration_id)
            if registration.grade is None or registration.award_date is None:
                raise Conflict("There is no result to certify yet")
            previous = uow.certificates.current_for(registration_id)
            now = self._clock.now()
            d = registration.details
            certificate = IssuedCertificate(
                public_id=secrets.token_urlsafe(16),
                number=f"{actor.ukprn}-{now:%Y}-{uow.certificates.count() + 1:06d}",
                registration_id=registration_id,
                learner_name=f"{d.given_name} {d.family_name}",
                grade=registration.grade,
                award_date=registration.award_date,
                uln_validated=registration.uln_state is UlnState.VALIDATED,
                issued_at=now,
            )
            uow.certificates.add(certificate)
            if previous is not None:
                uow.certificates.replace(previous.public_id, certificate.public_id, now, "reissued with corrections")
            uow.awarding_log.record(now, actor.organisation_id, actor.user_name, "certificate", registration_id)
            document = self._render(self._data(uow, registration, certificate, previous))
            uow.commit()
        return certificate, document

    def certificate_document(self, actor: Actor, registration_id: int) -> tuple[IssuedCertificate, bytes]:
        """The certificate in force, rendered again (downloading it issues nothing new)."""
        with self._uow() as uow:
            registration = self._registration(uow, actor, registration_id)
            current = uow.certificates.current_for(registration_id)
            if current is None:
                raise NotFound("This registration has no certificate")
            previous = uow.certificates.replaced(current.public_id)
            return current, self._render(self._data(uow, registration, current, previous))

    def _data(
        self,
        uow: UnitOfWork,
        registration: Registration,
        certificate: IssuedCertificate,
        previous: IssuedCertificate | None,
    ) -> CertificateData:
        qualification = uow.qualifications.get_many([registration.qualification_reference])[
            registration.qualification_reference
        ]
        centre = uow.centres.get(registration.centre_id)
        return CertificateData(
            certificate_number=certificate.number,
            learner_name=certificate.learner_name,
            qualification_title=qualification.title,
            qualification_reference=qualification.reference,
            level=qualification.level,
            grade=certificate.grade,
            award_date=certificate.award_date,
            centre_name=centre.name if centre else "",
            awarding_organisation_name=qualification.awarding_organisation_name,
            uln=certificate_uln(registration.uln_state, registration.details.uln),
            verify_url=f"{self._public_url}/verify/{certificate.public_id}",
            issued_on=certificate.issued_at.date(),
            reissue_of=previous.number if previous else None,
        )

    def withdraw(self, actor: Actor, registration_id: int, reason: str) -> Registration:
        """Withdraw an award: the achievement leaves the PLR (when it was sent) and the certificate is revoked."""
        if not reason.strip():
            raise InvalidField("reason", "is empty", "say why the award is withdrawn")
        with self._uow() as uow:
            registration = self._registration(uow, actor, registration_id)
        if registration.certification_status in ("sent", "confirmed") and registration.award_date is not None:
            d = registration.details
            self._gateway_for(actor).submit_achievements(
                [
                    {
                        "Uln": d.uln,
                        "GivenName": d.given_name,
                        "FamilyName": d.family_name,
                        "DateofBirth": d.date_of_birth.isoformat(),
                        "ProviderUkprn": self._provider(registration, actor),
                        "UnitOrQualificationReferenceNumber": registration.qualification_reference,
                        "AchievementAwardDate": registration.award_date.isoformat(),
                        "Action": 3,
                        "ActionReason": reason[:255],
                        "MisIdentifier": f"registration-{registration.id}",
                    }
                ]
            )
        now = self._clock.now()
        withdrawn = replace(registration, certification_status="withdrawn", certification_reason=reason)
        with self._uow(write=True) as uow:
            uow.registrations.save(withdrawn, now)
            current = uow.certificates.current_for(registration_id)
            if current is not None and current.revoked_at is None:
                uow.certificates.replace(current.public_id, None, now, reason)
            uow.awarding_log.record(now, actor.organisation_id, actor.user_name, "withdraw", registration_id, reason)
            uow.commit()
        return withdrawn

    def _provider(self, registration: Registration, actor: Actor) -> str:
        with self._uow() as uow:
            centre = uow.centres.get(registration.centre_id)
        return (centre.ukprn if centre and centre.ukprn else actor.ukprn) or ""

    def revoke(self, actor: Actor, registration_id: int, reason: str) -> None:
        """A withdrawn award: its certificate stops being valid, and the public check says so."""
        with self._uow(write=True) as uow:
            self._registration(uow, actor, registration_id)
            current = uow.certificates.current_for(registration_id)
            if current is None:
                raise NotFound("This registration has no certificate")
            uow.certificates.replace(current.public_id, None, self._clock.now(), reason)
            uow.commit()

    def check(self, public_id: str) -> PublicCheck | None:
        """The public verification page's content (no sign-in): the award, never the ULN."""
        with self._uow() as uow:
            certificate = uow.certificates.get(public_id)
            if certificate is None:
                return None
            registration = uow.registrations.get(certificate.registration_id)
            assert registration is not None
            qualification = uow.qualifications.get_many([registration.qualification_reference])[
                registration.qualification_reference
            ]
        status = "valid"
        if certificate.replaced_by:
            status = "replaced"
        elif certificate.revoked_at:
            status = "revoked"
        return PublicCheck(
            certificate.number,
            certificate.learner_name,
            qualification.title,
            qualification.reference,
            certificate.grade,
            certificate.award_date,
            qualification.awarding_organisation_name,
            certificate.uln_validated,
            status,
            certificate.revoked_reason,
        )
