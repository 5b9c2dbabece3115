"""The composition root: the only place that chooses adapters and wires them to the services."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine

from .adapters.common_passwords import common_passwords
from .adapters.lrs_gateway.in_process import InProcessGateway
from .adapters.lrs_gateway.soap import SoapGateway
from .adapters.mail.smtp import OutgoingMail, SmtpMailer
from .adapters.match_model_file import load_match_model
from .adapters.passwords import Argon2Hasher
from .adapters.pdf.certificate import FpdfCertificateRenderer
from .adapters.pdf.plr_document import FpdfPlrRenderer
from .adapters.signal import InProcessSignal
from .adapters.sql.health import SqlWriteProbe
from .adapters.sql.transient import transient_reason
from .adapters.sql.unit_of_work import SqlUnitOfWorkFactory, make_engine
from .adapters.throttle import LimitsLimiter
from .config import Settings
from .domain import matching
from .domain.access import Actor
from .domain.users import Lockout
from .services.achievements import AchievementService
from .services.administration import AdministrationService
from .services.api_keys import ApiKeyService
from .services.applications import ApplicationService, PasswordLinkService
from .services.awarding import AwardingService, Mailer
from .services.awarding_overview import AwardingOverview
from .services.batches import BatchService
from .services.certification import CertificationService
from .services.gateway import LrsGateway
from .services.health import HealthService
from .services.invitations import InvitationService
from .services.job_timing import JobTiming
from .services.learners_portal import LearnerPortalService
from .services.match_training import MatchTrainingService
from .services.merging import MergingService
from .services.organisations import OrganisationService
from .services.password_policy import PasswordPolicy
from .services.ports import Clock, PlrRenderer, UnitOfWorkFactory
from .services.records import RecordsService
from .services.register import RegisterService
from .services.sessions import SessionService
from .services.throttling import Counted, Door, Throttle
from .services.user_ports import PasswordHasher
from .services.users import UserService


class SmtpPort:
    """The awarding side's mail port over the SMTP adapter."""

    def __init__(self, smtp: SmtpMailer) -> None:
        self._smtp = smtp

    def send(self, to: str, subject: str, body: str) -> None:
        self._smtp.send(OutgoingMail(to, subject, body))


def make_mailer(settings: Settings) -> Mailer | None:
    if not settings.smtp_host:
        return None
    smtp = SmtpMailer(settings.smtp_host, settings.smtp_port, settings.smtp_sender, settings.smtp_username or None,
                      settings.smtp_password or None, settings.smtp_starttls)  # fmt: skip
    return SmtpPort(smtp)


class SystemClock:
    def now(self) -> datetime:
        # Naive UTC: the same on SQLite (no time zones) and PostgreSQL `timestamp` columns.
        return datetime.utcnow().replace(microsecond=0)


@dataclass(frozen=True)
class Services:
    settings: Settings
    uow: UnitOfWorkFactory
    clock: Clock
    register: RegisterService
    merging: MergingService
    match_training: MatchTrainingService
    organisations: OrganisationService
    records: RecordsService
    achievements: AchievementService
    awarding: AwardingService
    awarding_overview: AwardingOverview
    certification: CertificationService
    users: UserService
    applications: ApplicationService
    password_links: PasswordLinkService
    administration: AdministrationService
    batches: BatchService
    learners_portal: LearnerPortalService
    invitations: InvitationService
    job_signal: InProcessSignal
    sessions: SessionService
    api_keys: ApiKeyService
    engine: Engine | None = None
    mailer: Mailer | None = None
    throttle: Throttle = field(default_factory=lambda: make_throttle(Settings()))
    health: HealthService = HealthService(None)


def make_throttle(settings: Settings) -> Throttle:
    rules = {(door, counted): getattr(settings, f"throttle_{door.value}_{counted.value}", "")
             for door in Door for counted in Counted}  # fmt: skip
    return Throttle(LimitsLimiter(rules, settings.throttle_storage))


def thresholds(settings: Settings) -> matching.MatchThresholds:
    """The match thresholds; a probability outside (0, 1) is refused, naming its variable."""
    for name in ("possible_match_probability", "duplicate_probability", "verify_similar_probability"):
        if not 0 < getattr(settings, name) < 1:
            raise ValueError(f"LEARNER_RECORDS_{name.upper()}: {getattr(settings, name)} is not between 0 and 1")
    return matching.MatchThresholds(
        possible=settings.possible_match_probability,
        duplicate=settings.duplicate_probability,
        verify_similar=settings.verify_similar_probability,
        too_many=settings.possible_match_limit,
    )


def matcher(settings: Settings) -> matching.Matcher:
    return matching.Matcher(load_match_model(settings.match_model or None), thresholds(settings))


def job_timing(settings: Settings) -> JobTiming:
    """The job lease and back-off settings; a value that cannot work is refused, naming its variable."""
    for name in ("job_lease_seconds", "job_retry_first_seconds", "job_retry_cap_seconds", "job_retry_limit"):
        if not getattr(settings, name) > 0:
            raise ValueError(f"LEARNER_RECORDS_{name.upper()}: {getattr(settings, name)} is not more than 0")
    return JobTiming(timedelta(seconds=settings.job_lease_seconds), timedelta(seconds=settings.job_retry_first_seconds),
                     timedelta(seconds=settings.job_retry_cap_seconds), settings.job_retry_limit)  # fmt: skip


def bootstrap(
    settings: Settings,
    *,
    uow: UnitOfWorkFactory | None = None,
    clock: Clock | None = None,
    randbelow: Callable[[int], int] = secrets.randbelow,
    renderer: PlrRenderer | None = None,
    hasher: PasswordHasher | None = None,
) -> Services:
    register_matcher = matcher(settings)  # a bad match model or threshold is refused before any connection opens
    engine = None
    if uow is None:
        engine = make_engine(settings.database_url)
        sql_uow: UnitOfWorkFactory = SqlUnitOfWorkFactory(engine)
        uow = sql_uow
    clock = clock or SystemClock()
    register = RegisterService(uow, clock, randbelow, register_matcher)
    renderer = renderer or FpdfPlrRenderer()
    hasher = hasher or Argon2Hasher()
    records = RecordsService(uow, clock, renderer)
    job_signal = InProcessSignal()
    achievements = AchievementService(uow, clock, job_signal, job_timing(settings), transient_reason)

    settings.check_gateway()

    def gateway_for(actor: Actor) -> LrsGateway:
        if settings.gateway == "soap":
            # one organisation's credentials for every call; the acting user is named in each request
            user = actor.user_name or settings.gateway_user
            return SoapGateway(settings.gateway_url, settings.gateway_ukprn, settings.gateway_password, user, clock)
        return InProcessGateway(register, records, achievements, actor)

    awarding = AwardingService(uow, clock, gateway_for, settings.removal_days)
    certificates = FpdfCertificateRenderer()
    organisations = OrganisationService(uow, clock)
    policy = PasswordPolicy(common_passwords())
    password_links = PasswordLinkService(uow, clock, hasher, settings.public_url, policy=policy)
    lockout = Lockout(after=settings.lockout_after, first=timedelta(minutes=settings.lockout_minutes))
    users = UserService(uow, clock, hasher, policy=policy, lockout=lockout, on_lock=password_links.issue_unlock_in)
    return Services(
        settings=settings,
        uow=uow,
        clock=clock,
        register=register,
        merging=MergingService(uow, clock, register_matcher),
        match_training=MatchTrainingService(uow, clock, register_matcher.model),
        organisations=organisations,
        records=records,
        achievements=achievements,
        awarding=awarding,
        awarding_overview=AwardingOverview(uow, clock, awarding),
        certification=CertificationService(uow, clock, awarding, gateway_for, certificates.render, settings.public_url),
        users=users,
        applications=ApplicationService(uow, clock, organisations, users, password_links),
        password_links=password_links,
        administration=AdministrationService(uow, clock, users, password_links),
        batches=BatchService(uow, clock, register, job_signal, timing=job_timing(settings), transient=transient_reason),
        learners_portal=LearnerPortalService(uow, clock, renderer, randbelow),
        invitations=InvitationService(uow, clock, hasher, randbelow, policy=policy),
        job_signal=job_signal,
        sessions=SessionService(uow, clock, timedelta(hours=settings.session_hours),
                                timedelta(minutes=settings.session_idle_minutes)),  # fmt: skip
        api_keys=ApiKeyService(uow, clock),
        engine=engine,
        mailer=make_mailer(settings),
        throttle=make_throttle(settings),
        health=HealthService(SqlWriteProbe(engine) if engine is not None else None),
    )
