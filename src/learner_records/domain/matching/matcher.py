"""Find-by-demographics, the duplicate scan's decision and verification, all from one match model.

Find (`Matcher.find`): a record is exact when all five mandatory fields are equal after normalisation; a unique
exact learner answers WSRC0004 (WSRC0022 when the record is linked to a master). Otherwise records whose match
probability reaches `MatchThresholds.possible` are possible matches: 1 to `too_many` -> WSRC0003, more ->
WSRC0002, none -> WSRC0001. Records linked to one master count once (the best scoring, the master on a tie). A
record that looks like the learner's twin of another gender (see `scoring`) is never a possible match; one of the
same gender is, saying so, because a replaced given name looks the same.

Duplicates (`Matcher.is_duplicate`): a pair whose probability reaches `MatchThresholds.duplicate` and that does
not look like twins or siblings (see `scoring`).

Verification (`Matcher.verify`): see `verification`.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..codes import ResponseCode
from ..names import normalise_name, normalise_postcode
from . import levels as lv
from .model import MatchModel, weight_of
from .records import Demographics, DuplicatePair, MatchResult, MatchThresholds, RegisterRecord, ScoredRecord
from .scoring import TWINS, Scorer
from .verification import VerificationQuery, VerificationResult, verify_with


def record_matches_exactly(query: Demographics, record: RegisterRecord) -> bool:
    """All five mandatory fields equal after normalisation: the rule that refuses a registration (WSRC0021)."""
    return (
        query.date_of_birth == record.date_of_birth
        and query.gender == record.gender
        and normalise_name(query.family_name) == normalise_name(record.family_name)
        and normalise_name(query.given_name) == normalise_name(record.given_name)
        and normalise_postcode(query.postcode) == normalise_postcode(record.postcode)
    )


def _one_per_learner(scored: Iterable[ScoredRecord]) -> list[ScoredRecord]:
    """Records linked to one master count once: the best scoring, the master itself on a tie. Best first."""
    best: dict[str, ScoredRecord] = {}
    for item in scored:
        learner = item.record.master_uln or item.record.uln
        held = best.get(learner)
        if held is None or (item.score, item.record.master_uln is None) > (held.score, held.record.master_uln is None):
            best[learner] = item
    return sorted(best.values(), key=lambda item: (-item.score, item.record.uln))


def _twin_of_another_gender(item: ScoredRecord) -> bool:
    """The twins pattern with both genders known and different: a brother or sister, not the learner asked for."""
    levels = {(evidence.field, evidence.level) for evidence in item.evidence}
    return ("names", TWINS) in levels and ("gender", lv.DIFFERENT) in levels


class Matcher:
    """The register's matching decisions, with one model and one set of thresholds."""

    def __init__(self, model: MatchModel | None = None, thresholds: MatchThresholds | None = None) -> None:
        self.model = model or MatchModel.default()
        self.thresholds = thresholds or MatchThresholds()
        self.scorer = Scorer(self.model)
        self._possible = weight_of(self.thresholds.possible)
        self._duplicate = weight_of(self.thresholds.duplicate)
        self._similar = weight_of(self.thresholds.verify_similar)

    def with_model(self, model: MatchModel) -> Matcher:
        """The same thresholds with another model."""
        return Matcher(model, self.thresholds)

    def score(self, query: Demographics, record: RegisterRecord) -> ScoredRecord:
        """How well a register record matches a query, with each field's level, weight and reason."""
        return self.scorer.scored(query, record, record_matches_exactly(query, record))

    def find(self, query: Demographics, candidates: Iterable[RegisterRecord]) -> MatchResult:
        """The answer to a find-by-demographics query over the candidates that the blocking keys found."""
        scored = _one_per_learner(self.score(query, record) for record in candidates)
        exact = [item for item in scored if item.exact]
        if len(exact) == 1:
            code = ResponseCode.MASTER_SUBSTITUTED if exact[0].record.master_uln else ResponseCode.EXACT_MATCH
            return MatchResult(code=code, matches=(exact[0],))
        possible = tuple(
            item for item in scored if item.exact or item.score >= self._possible and not _twin_of_another_gender(item)
        )
        if not possible:
            return MatchResult(code=ResponseCode.NO_MATCH, matches=())
        if len(possible) > self.thresholds.too_many:
            return MatchResult(code=ResponseCode.TOO_MANY_MATCHES, matches=())
        return MatchResult(code=ResponseCode.POSSIBLE_MATCH, matches=possible)

    def pair(self, a: RegisterRecord, b: RegisterRecord) -> tuple[DuplicatePair, bool]:
        """Two register records scored, and whether they are a probable duplicate. Symmetric in a and b."""
        pair, twins = self.scorer.pair(a, b)
        return pair, not twins and pair.score >= self._duplicate

    def duplicate(self, a: RegisterRecord, b: RegisterRecord) -> DuplicatePair | None:
        """The scored pair when it is a probable duplicate, else None; the weight alone decides, so most pairs of
        a scan are rejected without building their evidence."""
        weight, twins = self.scorer.pair_weight(a, b)
        if twins or weight < self._duplicate:
            return None
        return self.scorer.pair(a, b)[0]

    def score_pair(self, a: RegisterRecord, b: RegisterRecord) -> DuplicatePair:
        return self.pair(a, b)[0]

    def is_duplicate(self, a: RegisterRecord, b: RegisterRecord) -> bool:
        return self.pair(a, b)[1]

    def verify(self, query: VerificationQuery, record: RegisterRecord | None, linked: bool) -> VerificationResult:
        return verify_with(self.scorer, self._similar, query, record, linked)
