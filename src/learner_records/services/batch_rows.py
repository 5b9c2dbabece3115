"""One chunk of a learner batch job: each row checked, then found, registered or verified, inside the chunk's
unit of work (the register's own find / register / verify, from RegisterCore).

The ULNs sent in a chunk are verified with one look-up for the whole chunk, as RegisterService.verify does; rows
searched by demographics are searched one by one, so that a learner registered by one row is found by a later row
of the same chunk instead of being registered twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ..domain.batches import (
    Channel,
    JobType,
    RegisterValues,
    RegistrationRow,
    Rejected,
    VerificationOutcome,
    not_enough_data,
    parse_registration_row,
    parse_verification_row,
)
from ..domain.codes import ResponseCode
from ..domain.errors import DuplicateLearner
from ..domain.matching import VerificationQuery
from .batch_ports import BatchJob, BatchRowResult
from .ports import UnitOfWork
from .register import RegisterCore, Verification

Rows = Sequence[tuple[int, dict[str, str]]]
_SEARCHED = "the ULN sent does not verify against the names, so the learner was searched for; "


class ChunkWork:
    """The rows' results and the ULNs of the learners disclosed or created (for the access log), by action."""

    def __init__(self, uow: UnitOfWork, core: RegisterCore, job: BatchJob, now: datetime) -> None:
        self.uow = uow
        self.core = core
        self.job = job
        self.now = now
        self.disclosed: dict[str, list[str]] = {}

    def _disclose(self, action: str, *ulns: str) -> None:
        self.disclosed.setdefault(action, []).extend(ulns)

    def registration(self, rows: Rows) -> list[BatchRowResult]:
        today = self.now.date()
        parsed = [(number, sent, parse_registration_row(sent, today, Channel(self.job.channel)))
                  for number, sent in rows]  # fmt: skip
        asked = {number: VerificationQuery(row.uln, row.given_name, row.family_name)
                 for number, _, row in parsed if not isinstance(row, Rejected) and row.uln}  # fmt: skip
        verified = dict(zip(asked, self.core.verify(self.uow, list(asked.values())), strict=True))
        results: list[BatchRowResult] = []
        for number, sent, row in parsed:
            if isinstance(row, Rejected):
                results.append(BatchRowResult(number, sent, row.code, message=row.message))
            else:
                results.append(self._registration_row(number, sent, row, verified.get(number)))
        return results

    def _registration_row(self, number: int, sent: dict[str, str], row: RegistrationRow,
                          verification: Verification | None) -> BatchRowResult:  # fmt: skip
        if verification is not None and verification.record is not None and verification.result.code.is_exact:
            linked = verification.result.code.is_linked
            code = ResponseCode.MASTER_SUBSTITUTED if linked else ResponseCode.EXACT_MATCH
            self._disclose("batch_find", verification.record.uln)
            return BatchRowResult(number, sent, code.value, verification.record.uln)
        note = _SEARCHED if verification else ""
        query = row.demographics
        if query is None:
            rejected = not_enough_data(row)
            return BatchRowResult(number, sent, rejected.code, message=note + rejected.message)
        search = self.core.find(self.uow, query)
        ulns = tuple(match.learner.uln for match in search.matches)
        if search.code in (ResponseCode.EXACT_MATCH, ResponseCode.MASTER_SUBSTITUTED):
            self._disclose("batch_find", ulns[0])
            return BatchRowResult(number, sent, search.code.value, ulns[0], message=note.rstrip("; ") or None)
        if search.code is ResponseCode.POSSIBLE_MATCH:
            self._disclose("batch_find", *ulns)
            message = f"{note}{len(ulns)} possible matches: check them and resolve the exception"
            return BatchRowResult(number, sent, search.code.value, None, ulns, message)
        if search.code is ResponseCode.TOO_MANY_MATCHES:
            message = f"{note}too many possible matches: send more details to narrow the search"
            return BatchRowResult(number, sent, search.code.value, None, (), message)
        if self.job.job_type != JobType.FIND_OR_REGISTER.value:
            return BatchRowResult(number, sent, ResponseCode.NO_MATCH.value, message=note.rstrip("; ") or None)
        assert row.details is not None  # a row with demographics has them all
        try:
            learner = self.core.register(self.uow, row.details, self.now)
        except DuplicateLearner as duplicate:
            # the same five fields as a learner the search's candidate limit left out: that learner exists
            assert duplicate.existing_uln is not None
            self._disclose("batch_find", duplicate.existing_uln)
            return BatchRowResult(number, sent, ResponseCode.EXACT_MATCH.value, duplicate.existing_uln)
        self._disclose("batch_register", learner.uln)
        return BatchRowResult(
            number, sent, ResponseCode.LEARNER_REGISTERED.value, learner.uln, message=note.rstrip("; ") or None
        )

    def verification(self, rows: Rows) -> list[BatchRowResult]:
        parsed = [(number, sent, parse_verification_row(sent)) for number, sent in rows]
        queries = [query for _, _, query in parsed if isinstance(query, VerificationQuery)]
        answers = iter(self.core.verify(self.uow, queries))
        results: list[BatchRowResult] = []
        for number, sent, query in parsed:
            if isinstance(query, Rejected):
                results.append(BatchRowResult(number, sent, query.code, message=query.message))
                continue
            verification = next(answers)
            record, result = verification.record, verification.result
            register = None
            if record is not None:
                self._disclose("batch_verify", record.uln)
                register = RegisterValues(record.uln, record.family_name, record.given_name, record.date_of_birth,
                                          record.gender)  # fmt: skip
            outcome = VerificationOutcome(result.code, result.flags, register)
            results.append(BatchRowResult(number, sent, result.code.value, record.uln if record else None, (),
                                          "; ".join(result.reasons) or None, outcome))  # fmt: skip
        return results
