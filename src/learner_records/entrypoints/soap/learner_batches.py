"""LearnerService batch operations: submit a registration or verification batch, then poll for its output.

As everywhere on the service, the message's values are checked before its credentials: a malformed message is
WSEC0001 whatever the credentials say."""

from __future__ import annotations

from typing import Any

from ...domain.access import Actor
from ...domain.batches import is_finished, poll_code
from ...domain.checks import FieldChecks
from ...domain.codes import ResponseCode
from ...domain.errors import InvalidField
from ...services.batch_ports import BatchJob, BatchRowResult
from .credentials import miap_actor
from .endpoint import Handler, SoapCall
from .messages import miap_datetime, verified_learner
from .xml import Message

OUTPUT_LIMIT = {"registration": 200, "verification": 5000}  # Learner 0..200, VerifiedLearner 0..5000


def _count(value: Any) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise InvalidField("LearnerRecordCount", f"{value!r} is not a number", "MIAPLearnerRecordCount") from None


def _job_id(value: Any) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise InvalidField("JobID", f"{value!r} is not a number", "xs:long") from None


def _job_type(value: Any) -> str:
    job_type = (value or "").strip().upper()
    if job_type not in ("FUL", "CHK"):
        raise InvalidField("JobType", f"{value!r} is not FUL or CHK", "MIAPBatchJobType: FUL|CHK")
    return str(job_type)


def _submit_registration(call: SoapCall) -> Message:
    checks = FieldChecks()
    job_type = checks.take(_job_type, call.message.get("JobType"))
    count = checks.take(_count, call.message.get("LearnerRecordCount"))
    checks.done()
    assert job_type is not None and count is not None
    actor = miap_actor(call.services, call.message)
    learners = call.message.get("Learner") or []
    job = call.services.batches.submit_registration(
        actor, [_row(learner) for learner in learners], job_type, declared_count=count
    )
    call.services.organisations.record_call(actor, call.operation.name)
    return {"ResponseCode": ResponseCode.BATCH_SUBMITTED.value, "JobID": job.id}


def _submit_verification(call: SoapCall) -> Message:
    count = _count(call.message.get("LearnerRecordCount"))
    actor = miap_actor(call.services, call.message)
    learners = call.message.get("Learner") or []
    job = call.services.batches.submit_verification(
        actor, [_row(learner) for learner in learners], email_address=call.message.get("OrgEmail") or None,
        declared_count=count,
    )  # fmt: skip
    call.services.organisations.record_call(actor, call.operation.name)
    return {"ResponseCode": ResponseCode.BATCH_SUBMITTED.value, "JobID": job.id}


def _row(sent: Message | None) -> dict[str, str | None]:
    return {key: None if value is None else str(value) for key, value in (sent or {}).items()}


def _polled_job(call: SoapCall) -> tuple[Actor, BatchJob, Message]:
    """The caller, its job, and the answer's first elements: the job's ResponseCode and status."""
    job_id = _job_id(call.message.get("JobID"))
    actor = miap_actor(call.services, call.message)
    call.services.organisations.record_call(actor, call.operation.name)
    job = call.services.batches.job(actor, job_id)
    return actor, job, {"ResponseCode": poll_code(job.status).value, "JobStatus": job.status}


def _registration_output(call: SoapCall) -> Message:
    actor, job, answer = _polled_job(call)
    counters = job.counters
    answer.update({
        "NewLearnersCount": counters.get("new", 0),
        "ExistsUpdatedLearnersCount": counters.get("exists", 0),
        "PossibleMatchLearnersCount": counters.get("possible_match", 0),
        "LearnersNotFoundCount": counters.get("not_found", 0),
        "RejectedLearnersCount": counters.get("rejected", 0),
        "JobStartedDateTime": miap_datetime(job.started_at),
        "JobFinishedDateTime": miap_datetime(job.finished_at),
    })
    if is_finished(job.status):
        rows = call.services.batches.results(actor, job.id, 0, OUTPUT_LIMIT["registration"])
        answer["Learner"] = [_output_learner(row) for row in rows]
    return answer


def _output_learner(row: BatchRowResult) -> Message:
    return {**row.sent, "ULN": row.uln or row.sent.get("ULN"), "ReturnCode": row.return_code}


def _verification_output(call: SoapCall) -> Message:
    actor, job, answer = _polled_job(call)
    answer.update(JobStartedDateTime=miap_datetime(job.started_at), JobFinishedDateTime=miap_datetime(job.finished_at))
    if is_finished(job.status):
        rows = call.services.batches.results(actor, job.id, 0, OUTPUT_LIMIT["verification"])
        answer["VerifiedLearner"] = [_verified_learner(row) for row in rows]
    return answer


def _verified_learner(row: BatchRowResult) -> Message:
    outcome = row.verification
    if outcome is None:  # a row refused for a broken field
        answer = verified_learner(row.sent, row.return_code, (), None)
    else:
        answer = verified_learner(row.sent, outcome.code.value, outcome.flags, outcome.register)
    return {"MISIdentifier": row.sent.get("MISIdentifier"), **answer}


def _submitted(code: str) -> Message:
    return {"ResponseCode": code, "JobID": 0}


def _polled(code: str) -> Message:
    return {"ResponseCode": code}


BATCH_HANDLERS: dict[str, Handler] = {
    "submitBatchRegistration": Handler(_submit_registration, _submitted),
    "getBatchRegistrationOutput": Handler(_registration_output, _polled),
    "submitVerifyBatch": Handler(_submit_verification, _submitted),
    "getVerifyBatchOutput": Handler(_verification_output, _polled),
}
