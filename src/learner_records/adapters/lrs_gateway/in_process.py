"""`LrsGateway` calling the register's own services in this process, as one organisation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ...domain.access import Actor
from ...domain.learner import LearnerDetails
from ...domain.matching import Demographics, VerificationQuery
from ...services.achievements import AchievementService
from ...services.gateway import GatewayEvent, GatewayJob, GatewayMatch, GatewayPlr, GatewayVerification
from ...services.records import RecordsService
from ...services.register import RegisterService


class InProcessGateway:
    def __init__(
        self, register: RegisterService, records: RecordsService, achievements: AchievementService, actor: Actor
    ) -> None:
        self._register = register
        self._records = records
        self._achievements = achievements
        self._actor = actor

    def verify(self, queries: Sequence[VerificationQuery]) -> list[GatewayVerification]:
        verified = []
        for start in range(0, len(queries), 200):
            for v in self._register.verify(self._actor, queries[start : start + 200]):
                verified.append(GatewayVerification(v.query, v.result, v.record))
        return verified

    def find(self, query: Demographics) -> GatewayMatch:
        search = self._register.find_by_demographics(self._actor, query)
        return GatewayMatch(search.code.value, tuple(match.learner.uln for match in search.matches))

    def register(self, details: LearnerDetails) -> str:
        return self._register.register(self._actor, details).uln

    def submit_achievements(self, rows: Sequence[Mapping[str, object]]) -> GatewayJob:
        job = self._achievements.submit(self._actor, rows, "Awarding").job
        return GatewayJob(job.id, job.status, dict(job.counters))

    def achievement_job(self, job_id: int) -> GatewayJob:
        job = self._achievements.job(self._actor, job_id)
        return GatewayJob(job.id, job.status, dict(job.counters))

    def read_plr(self, query: VerificationQuery) -> GatewayPlr:
        result = self._records.read_plr(self._actor, query)
        events = tuple(
            GatewayEvent(e.subject_code, e.grade, e.award_date.isoformat() if e.award_date else None, e.status.value)
            for e in result.events
        )
        return GatewayPlr(result.code.value, result.found_uln, events)
