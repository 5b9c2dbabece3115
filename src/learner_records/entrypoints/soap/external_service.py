"""ExternalService: awarding organisations submit achievement batch jobs and poll them (the message's values are
checked before its credentials, as on the other services)."""

from __future__ import annotations

from typing import Any

from ...domain.codes import ResponseCode
from ...domain.errors import InvalidField, NotFound, UnknownJob
from ...domain.plr import Outcome, percentage_successful
from ...services.ports import AchievementJob
from .credentials import external_actor
from .endpoint import Handler, SoapCall
from .xml import Message


def _submit(call: SoapCall) -> Message:
    message = call.message
    rows = [row for row in (message.get("achievements") or {}).get("Achievement") or [] if row is not None]
    if not rows:
        raise InvalidField("achievements", "has no Achievement", "at least one Achievement")
    actor = external_actor(call.services, message)
    submitted = call.services.achievements.submit(
        actor, rows, message.get("submissionType") or "WebService", email_address=message.get("emailAddress")
    )
    call.services.organisations.record_call(actor, call.operation.name)
    return {"SubmitAchievementBatchJobResult": {"ResponseCode": ResponseCode.BATCH_SUBMITTED.value,
                                                "JobId": submitted.job.id}}  # fmt: skip


def _duration(job: AchievementJob) -> str | None:
    if job.started_at is None or job.finished_at is None:
        return None
    seconds = int((job.finished_at - job.started_at).total_seconds())
    return f"PT{seconds}S"  # xs:duration, as WCF writes a TimeSpan


def _stamp(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def _job(call: SoapCall) -> Message:
    message = call.message
    job_id = message.get("jobId")
    if job_id is None:
        raise InvalidField("jobId", "is missing", "the JobId that SubmitAchievementBatchJob answered")
    actor = external_actor(call.services, message)
    call.services.organisations.record_call(actor, call.operation.name)
    try:
        job = call.services.achievements.job(actor, int(job_id))
    except NotFound:
        raise UnknownJob(f"No achievement job {job_id}") from None
    c = job.counters
    return {
        "GetAchievementBatchJobResult": {
            "ResponseCode": ResponseCode.EXACT_MATCH.value,
            "AchievementBatchErrorFile": _error_file(call, actor, job),
            "AchievementsCreated": c.get("created", 0),
            "AchievementsPromotedToFinal": c.get("promoted", 0),
            "AchievementsReinstated": c.get("reinstated", 0),
            "AchievementsUpdated": c.get("updated", 0),
            "AchievementsWithdrawn": c.get("withdrawn", 0),
            "BusinessRuleErrors": c.get("business_error", 0),
            "Duration": _duration(job),
            "EndDate": _stamp(job.finished_at),
            "FieldDataErrors": c.get("field_error", 0),
            "Filename": job.file_name,
            "JobID": job.id,
            "LearnerDataErrors": c.get("learner_error", 0),
            "NumberOfRecords": job.number_of_records,
            "PercentageSuccessfulRecords": percentage_successful(c, job.number_of_records),
            "RejectionReason": job.rejection_reason,
            "StartDate": _stamp(job.started_at),
            "Status": job.status,
            "SubmittedDate": _stamp(job.submitted_at),
            "SuccessfulFinalAchievements": c.get("successful_final", 0),
            "SuccessfulProvisionalAchievements": c.get("successful_provisional", 0),
            "Type": job.submission_type,
            "User": job.user_name,
        }
    }


def _error_file(call: SoapCall, actor: Any, job: AchievementJob) -> str | None:
    errors = sum(job.counters.get(outcome.value, 0) for outcome in Outcome if outcome.is_error)
    return call.services.achievements.error_file(actor, job.id) if errors else None


def _wrapped(result: str) -> Any:
    return lambda code: {result: {"ResponseCode": code}}


EXTERNAL_SERVICE: dict[str, Handler] = {
    "SubmitAchievementBatchJob": Handler(_submit, _wrapped("SubmitAchievementBatchJobResult")),
    "GetAchievementBatchJob": Handler(_job, _wrapped("GetAchievementBatchJobResult")),
}
