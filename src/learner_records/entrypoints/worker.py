"""The background worker: runs waiting batch and achievement jobs, inside `serve` or as its own process.

Between rounds it waits on the job signal, so a job submitted in this process is started at once; jobs
submitted by another process are picked up at the next round (`interval`), and so are a job whose worker died
(once its short lease runs out, `LEARNER_RECORDS_JOB_LEASE_SECONDS`) and a job waiting out a store error that passes
(disk full, a lock, a lost connection) once its back-off is over (see services/job_timing.py)."""

from __future__ import annotations

import logging
import threading
import time

from ..adapters.sql.transient import transient_reason
from ..bootstrap import Services
from ..domain.errors import RegisterUnavailable

log = logging.getLogger("learner_records.worker")
SWEEP_EVERY = 600.0  # seconds; the sweep is idempotent, so running it often only costs time


class JobWorker:
    def __init__(self, services: Services, interval: float = 1.0) -> None:
        self._services = services
        self._interval = interval
        self._stop = threading.Event()
        self._last_sweep = float("-inf")
        self._thread = threading.Thread(target=self._run, name="job-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._services.job_signal.notify()
        self._thread.join(timeout)

    def run_once(self) -> list[int]:
        """One round: learner batch jobs, achievement jobs, ULN validation, the removal sweep (idempotent), mail."""
        finished = self._services.batches.run_pending()
        finished += self._services.achievements.run_pending()
        self._services.awarding.validate_waiting()
        now = time.monotonic()
        if now - self._last_sweep >= SWEEP_EVERY:
            self._services.awarding.sweep()
            self._last_sweep = now
        if self._services.mailer is not None:
            self._services.awarding.deliver_mail(self._services.mailer)
        return finished

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                for job_id in self.run_once():
                    log.info("job %s finished", job_id)
            except RegisterUnavailable as error:
                # The register the awarding side talks to is down: expected, retried next round, one line each.
                log.warning("the register did not answer (%s); trying again", type(error.__cause__).__name__)
            except Exception as error:
                reason = transient_reason(error)
                if reason is not None:  # the database is full, locked or out of reach: one line a round, no trace
                    log.warning("the database failed (%s); the job worker tries again", reason)
                else:  # only the job machinery's own failure is logged: rows and learners never reach the log
                    log.exception("the job worker hit an error; it tries again")
            if not self._stop.is_set():
                self._services.job_signal.wait(self._interval)
