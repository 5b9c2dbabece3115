"""The job signal within one process: a submit wakes the worker thread at once instead of at its next round."""

from __future__ import annotations

import threading


class InProcessSignal:
    def __init__(self) -> None:
        self._event = threading.Event()

    def notify(self) -> None:
        self._event.set()

    def wait(self, timeout: float) -> bool:
        """Sleep until notified or `timeout` seconds pass; True when notified.

        The flag is cleared on waking, before the caller looks for work: a job committed before a later notify()
        is then seen by that look, so no wake-up is lost."""
        woken = self._event.wait(timeout)
        self._event.clear()
        return woken
