"""Re-estimating the match model from the register (see `domain.matching.training`)."""

from __future__ import annotations

import random

from ..domain.access import Actor, Operation
from ..domain.matching import MatchModel
from ..domain.matching.training import TrainingReport, train
from .ports import Clock, UnitOfWorkFactory


class MatchTrainingService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, current: MatchModel) -> None:
        self._uow = uow
        self._clock = clock
        self.current = current

    def train(
        self, actor: Actor, *, seed: int = 1, sample: int | None = None, u_pairs: int = 300_000,
        em_pairs: int = 300_000, learn_m: bool = False,
    ) -> TrainingReport:  # fmt: skip
        """A model estimated from every unlinked learner (or a random `sample` of them), starting from the current
        one. Register administrators only. The records are read to count and compare, never shown, so nothing is
        disclosed and the access log is not written."""
        actor.require(Operation.DUPLICATE_SCAN)
        with self._uow() as uow:
            records = list(uow.learners.iter_records())
        register_size = len(records)
        rng = random.Random(seed)
        if sample is not None and len(records) > sample:
            records = rng.sample(records, sample)
        now = self._clock.now()
        version = f"{now:%Y%m%dT%H%M%S}-{len(records)}"
        return train(records, self.current, rng, version=version, u_pairs=u_pairs, em_pairs=em_pairs,
                     trained_at=now.isoformat(), learn_m=learn_m, register_size=register_size)  # fmt: skip
