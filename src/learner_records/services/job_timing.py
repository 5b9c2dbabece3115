"""How long a worker holds a job, and how a job waits after a store error that passes (disk full, a lock, a lost
connection) before it is tried again.

A worker renews its lease at the start of every chunk, in the chunk's own transaction, and a chunk is small (a
fraction of a second for a few hundred rows), so a short lease is renewed every chunk and a worker that is killed
is replaced as soon as its lease runs out. A heartbeat thread would not renew it any better while a chunk runs: the
chunk's transaction holds the job row (PostgreSQL) or the database's write lock (SQLite) until it commits, so the
heartbeat would wait for the same commit. A worker slower than its lease stays correct: the next worker takes the
job over with a new token, and the slow one's next chunk finds the token changed and writes nothing.

Back-off: the n-th store error in a row waits `first_retry` doubled n-1 times, at most `retry_cap`, with jitter
(between half and all of it) so that workers hit by one outage do not all try again in the same instant. Progress
resets the count. After `retry_limit` errors in a row without progress the job fails with the error's kind.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

log = logging.getLogger("learner_records.jobs")


@dataclass(frozen=True, slots=True)
class JobTiming:
    lease: timedelta = timedelta(seconds=15)
    first_retry: timedelta = timedelta(seconds=1)
    retry_cap: timedelta = timedelta(minutes=5)
    retry_limit: int = 1000  # at the cap, about three and a half days of an outage
    jitter: Callable[[], float] = random.random

    def retry_delay(self, retries: int) -> timedelta:
        """The wait before the next try after the `retries`-th store error in a row (1, 2, ...)."""
        exponent = min(max(retries - 1, 0), 40)  # 2**40 seconds is past any cap: no overflow
        delay = min(self.retry_cap, self.first_retry * (1 << exponent))
        return delay * (0.5 + self.jitter() / 2)


def log_retry(kind: str, job_id: int, retries: int, reason: str, delay: timedelta) -> None:
    """One line for operators: which job waits, after which kind of error (never a row or a learner)."""
    log.warning("%s job %s: store error %s (%s in a row); tried again in %.1f s", kind, job_id, reason, retries,
                delay.total_seconds())  # fmt: skip


def wait_to_retry(
    timing: JobTiming, now: Callable[[], datetime], transient: Callable[[BaseException], str | None], kind: str,
    job_id: int, retries: int, reason: str, hold: Callable[[datetime], bool],
) -> None:  # fmt: skip
    """Hold a job hit by its `retries`-th store error in a row until its next try (`hold` keeps it, in progress,
    under the worker's lease until then and says whether the lease was still the worker's). If the store still
    fails, nothing is held: the lease of the last chunk runs out by itself and the job is tried then."""
    try:
        delay = timing.retry_delay(retries)
        if hold(now() + delay):
            log_retry(kind, job_id, retries, reason, delay)
    except Exception as error:
        if transient(error) is None:
            raise


def never_transient(error: BaseException) -> str | None:
    """Without a store that knows its errors, every error is permanent (the job fails, as before)."""
    return None
