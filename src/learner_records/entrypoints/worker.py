"""The background worker: runs waiting achievement jobs, inside `serve` or as its own process."""

from __future__ import annotations

import logging
import threading

from ..bootstrap import Services

log = logging.getLogger("learner_records.worker")


class JobWorker:
    def __init__(self, services: Services, interval: float = 1.0) -> None:
        self._services = services
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="job-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def run_once(self) -> list[int]:
        return self._services.achievements.run_pending()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                for job_id in self.run_once():
                    log.info("achievement job %s finished", job_id)
            except Exception:
                # Only the job machinery's own failure is logged: rows and learners never reach the log.
                log.exception("the job worker hit an error; it tries again")
            self._stop.wait(self._interval)
