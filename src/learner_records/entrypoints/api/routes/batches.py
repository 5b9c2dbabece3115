"""/api/v1/batches: learner batch files (registration and verification), their jobs, results and output files."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, File, Form, Query, UploadFile, status
from fastapi.responses import StreamingResponse

from ....domain.batches import BatchKind
from ....domain.errors import Conflict
from ....domain.plr import JobStatus
from ...batch_files import output_lines, read_batch_file
from ...files import text_stream
from ...ids import Id, Offset
from ..batch_schemas import BatchJobOut, BatchRowOut
from ..deps import ActorDep, ServicesDep
from .learners import PROBLEMS

router = APIRouter(prefix="/api/v1/batches", tags=["batches"])
SUBMIT_PROBLEMS: dict[int | str, dict[str, Any]] = {
    **PROBLEMS,
    422: {"description": "WSEC0001: line 1 or the headings break their rule, or the UKPRN is not yours"},
}
JOB_PROBLEMS: dict[int | str, dict[str, Any]] = {
    **PROBLEMS,
    404: {"description": "WSRC0018: no such job (or another organisation's)"},
}


@router.post("/registration", status_code=status.HTTP_202_ACCEPTED, response_model=BatchJobOut,
             responses=SUBMIT_PROBLEMS)  # fmt: skip
def submit_registration_file(
    actor: ActorDep,
    services: ServicesDep,
    file: UploadFile = File(..., description="A 2A or 3A registration batch file (CSV)"),
    job_type: str = Form("FUL", description="FUL: find, and register if not found; CHK: find only"),
) -> BatchJobOut:
    """Upload a registration batch file; the job runs in the background (poll it, then fetch its output)."""
    batch = read_batch_file(text_stream(file.file), BatchKind.REGISTRATION)
    job = services.batches.submit_registration(actor, batch.rows, job_type, "file", file.filename, header=batch.header)
    return BatchJobOut.of(job)


@router.post("/verification", status_code=status.HTTP_202_ACCEPTED, response_model=BatchJobOut,
             responses=SUBMIT_PROBLEMS)  # fmt: skip
def submit_verification_file(
    actor: ActorDep,
    services: ServicesDep,
    file: UploadFile = File(..., description="A verification batch file (CSV)"),
    email_address: str | None = Form(None, description="Where to say the job has finished"),
) -> BatchJobOut:
    """Upload a verification batch file; the job runs in the background."""
    batch = read_batch_file(text_stream(file.file), BatchKind.VERIFICATION)
    job = services.batches.submit_verification(actor, batch.rows, "file", file.filename, email_address,
                                               header=batch.header)  # fmt: skip
    return BatchJobOut.of(job)


@router.get("/{job_id}", response_model=BatchJobOut, responses=JOB_PROBLEMS)
def batch_job(job_id: Id, actor: ActorDep, services: ServicesDep) -> BatchJobOut:
    """A job's status, progress and counters."""
    return BatchJobOut.of(services.batches.job(actor, job_id))


@router.get("/{job_id}/results", response_model=list[BatchRowOut], responses=JOB_PROBLEMS)
def batch_results(
    job_id: Id,
    actor: ActorDep,
    services: ServicesDep,
    offset: Offset = 0,
    limit: int = Query(200, ge=1, le=5000),
) -> list[BatchRowOut]:
    """The rows done so far with their return codes, in row order."""
    return [BatchRowOut.of(row) for row in services.batches.results(actor, job_id, offset, limit)]


@router.get("/{job_id}/output", response_class=StreamingResponse,
            responses={**JOB_PROBLEMS, 200: {"content": {"text/csv": {}}},
                       409: {"description": "The job has not finished"}})  # fmt: skip
def batch_output(job_id: Id, actor: ActorDep, services: ServicesDep) -> StreamingResponse:
    """The output file: every input column and each row's outcome, streamed page by page."""
    job = services.batches.job(actor, job_id)
    if job.status != JobStatus.SUCCESSFUL.value:
        raise Conflict(f"Job {job_id} is {job.status}: its output is ready when it has finished")
    lines = output_lines(job, lambda offset, limit: services.batches.results(actor, job_id, offset, limit))
    name = f"batch-{job_id}.output.csv"
    return StreamingResponse(lines, media_type="text/csv",
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip
