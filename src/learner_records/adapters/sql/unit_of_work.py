"""The engine (SQLite with WAL and foreign keys, or PostgreSQL) and the SQL unit of work."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from .administration import SqlApplicationRepository, SqlAuditSearch, SqlPasswordLinkRepository
from .awarding import (
    SqlAnomalyRepository,
    SqlAwardingLog,
    SqlCentreRepository,
    SqlCertificateRepository,
    SqlOutbox,
    SqlRegistrationRepository,
)
from .batches import SqlBatchJobRepository
from .failures import raise_if_unavailable, unavailable
from .files import prepare_sqlite_file
from .jobs import SqlAchievementJobRepository
from .learners import SqlLearnerRepository
from .plr import SqlAccessHistory, SqlDataChallengeRepository, SqlLearningEventRepository, SqlQualificationRepository
from .portal import SqlInvitationRepository, SqlLearnerHistory, SqlShareLinkRepository
from .raw import RawSql
from .records import SqlAccessLog, SqlMergeLog, SqlOrganisationRepository
from .sessions import SqlSessionRepository
from .users import SqlUserRepository


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # No ping per checkout (a round trip on every unit of work); stale connections are recycled instead.
        return create_engine(url, pool_recycle=1800, pool_size=10, max_overflow=20)
    prepare_sqlite_file(url)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The unit of work issues BEGIN itself (BEGIN IMMEDIATE for writers), so pysqlite must not.
        dbapi_connection.isolation_level = None
        # A 64 MB page cache and memory-mapped reads: a register of a million learners is a few hundred MB, and
        # lookups by ULN should not cost a read() system call for every page.
        pragmas = ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=30000",
                   "cache_size=-65536", "mmap_size=1073741824")  # fmt: skip
        for pragma in pragmas:
            dbapi_connection.execute(f"PRAGMA {pragma}")

    return engine


class SqlUnitOfWork:
    """One transaction on a pooled driver connection. Leaving without `commit()` rolls everything back."""

    learners: SqlLearnerRepository
    organisations: SqlOrganisationRepository
    access_log: SqlAccessLog
    merges: SqlMergeLog
    qualifications: SqlQualificationRepository
    events: SqlLearningEventRepository
    jobs: SqlAchievementJobRepository
    batches: SqlBatchJobRepository
    challenges: SqlDataChallengeRepository
    access_history: SqlAccessHistory
    centres: SqlCentreRepository
    registrations: SqlRegistrationRepository
    anomalies: SqlAnomalyRepository
    outbox: SqlOutbox
    awarding_log: SqlAwardingLog
    certificates: SqlCertificateRepository
    users: SqlUserRepository
    invitations: SqlInvitationRepository
    share_links: SqlShareLinkRepository
    learner_history: SqlLearnerHistory
    applications: SqlApplicationRepository
    password_links: SqlPasswordLinkRepository
    audit: SqlAuditSearch
    sessions: SqlSessionRepository

    def __init__(self, engine: Engine, write: bool = False) -> None:
        self._engine = engine
        self._write = write
        self._sqlite = engine.dialect.name == "sqlite"
        self._url = str(engine.url)

    def __enter__(self) -> SqlUnitOfWork:
        self._open = False
        try:
            self._pooled = self._engine.raw_connection()
        except Exception as error:
            raise_if_unavailable(error, self._url)
            raise
        driver: Any = self._pooled.driver_connection
        self._driver = driver
        if self._sqlite:
            # Every unit of work takes the write lock up front: reads write the access log too, and a transaction that
            # starts reading and then writes fails at once (SQLITE_BUSY_SNAPSHOT) if another writer committed between.
            # Waiting for the lock instead is what busy_timeout does.
            try:
                self._driver.execute("BEGIN IMMEDIATE")
            except Exception as error:
                self._pooled.close()  # still locked after busy_timeout: give the connection back to the pool
                raise_if_unavailable(error, self._url)
                raise
        self._open = True
        sql = RawSql(self._driver, postgres=not self._sqlite)
        self.learners = SqlLearnerRepository(sql)
        self.organisations = SqlOrganisationRepository(sql)
        self.access_log = SqlAccessLog(sql)
        self.merges = SqlMergeLog(sql)
        self.qualifications = SqlQualificationRepository(sql)
        self.events = SqlLearningEventRepository(sql)
        self.jobs = SqlAchievementJobRepository(sql)
        self.batches = SqlBatchJobRepository(sql)
        self.challenges = SqlDataChallengeRepository(sql)
        self.access_history = SqlAccessHistory(sql)
        self.centres = SqlCentreRepository(sql)
        self.registrations = SqlRegistrationRepository(sql)
        self.anomalies = SqlAnomalyRepository(sql)
        self.outbox = SqlOutbox(sql)
        self.awarding_log = SqlAwardingLog(sql)
        self.certificates = SqlCertificateRepository(sql)
        self.users = SqlUserRepository(sql)
        self.invitations = SqlInvitationRepository(sql)
        self.share_links = SqlShareLinkRepository(sql)
        self.learner_history = SqlLearnerHistory(sql)
        self.applications = SqlApplicationRepository(sql)
        self.password_links = SqlPasswordLinkRepository(sql)
        self.audit = SqlAuditSearch(sql)
        self.sessions = SqlSessionRepository(sql)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        storage = unavailable(exc, self._url) if exc is not None else None
        try:
            self.rollback()
        except Exception:
            if storage is None:
                raise
        finally:
            if storage is not None and not self._sqlite:
                self._pooled.invalidate()  # the server went away or refused: do not pool this connection again
            else:
                self._pooled.close()
        if storage is not None:
            raise storage from exc

    def commit(self) -> None:
        self.access_log.flush()
        if self._sqlite:
            self._driver.execute("COMMIT")
        else:
            self._driver.commit()
        self._open = False

    def rollback(self) -> None:
        if not self._open:
            return
        self._open = False
        if self._sqlite:
            if self._driver.in_transaction:  # SQLite ends a transaction itself on some errors (a full disk)
                self._driver.execute("ROLLBACK")
        else:
            self._driver.rollback()


class SqlUnitOfWorkFactory:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __call__(self, *, write: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, write)
