"""Organisation portal, batch files: upload a registration or verification file, watch its job (the page refreshes
itself while the job runs, no script needed), see the rows someone must resolve, and download the output file."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from ....domain.batches import ROW_WORDING, BatchKind, RowCode
from ....domain.codes import ErrorCode, ResponseCode, VerificationCode
from ....domain.errors import InvalidField
from ....domain.plr import JobStatus
from ....domain.users import Permission
from ...batch_files import output_lines, read_batch_file
from ...files import text_stream
from ...ids import Id
from ..access import route
from ..navigation import add_section
from ..session import check_csrf
from ..templating import page
from .forms import acting, errors_of, services

router = APIRouter(prefix="/organisation/batches")
add_section("/organisation/batches", "Batch files", Permission.SEND_BATCH)

REFRESH_SECONDS = 5
EXCEPTIONS_SHOWN = 100
KINDS = {  # the upload form's choice: (batch kind, registration job type)
    "FUL": (BatchKind.REGISTRATION, "FUL"),
    "CHK": (BatchKind.REGISTRATION, "CHK"),
    "verification": (BatchKind.VERIFICATION, None),
}
STATUS_WORDS = {
    JobStatus.WAITING.value: ("Waiting to start", "grey"), JobStatus.IN_PROGRESS.value: ("Running", "blue"),
    JobStatus.SUCCESSFUL.value: ("Finished", "green"), JobStatus.FAILED.value: ("Failed", "red"),
}  # fmt: skip
COUNTER_WORDS = {
    "new": "Registered with a new ULN", "exists": "Found on the register",
    "possible_match": "Possible matches to check", "not_found": "Not found", "rejected": "Rejected: a field to correct",
    **{code.value: code.wording for code in VerificationCode},
}  # fmt: skip


def row_wording(code: str) -> str:
    """A row's return code in plain words (the register's own wording)."""
    if code in RowCode._value2member_map_:
        return ROW_WORDING[RowCode(code)]
    for family in (ResponseCode, VerificationCode, ErrorCode):
        if code in family._value2member_map_:
            return family.of(code).wording
    return code


def _upload_page(request: Request, status: int = 200, **context: Any) -> HTMLResponse:
    _, actor = acting(request)
    jobs = services(request).batches.jobs(actor)
    return page(request, "organisation/batches.html", status_code=status, title="Batch files", jobs=jobs,
                status_words=STATUS_WORDS, **context)  # fmt: skip


@route(router, "GET", "", Permission.SEND_BATCH)
def batches(request: Request) -> HTMLResponse:
    return _upload_page(request, kind="FUL")


@route(router, "POST", "", Permission.SEND_BATCH)
def upload(
    request: Request,
    csrf_token: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    email_address: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    check_csrf(request, csrf_token)
    errors = {}
    if kind not in KINDS:
        errors["kind"] = "Select what the file is for"
    if file is None or not file.filename:
        errors["file"] = "Select a batch file"
    if errors or file is None:
        return _upload_page(request, 400, errors=errors, kind=kind, email_address=email_address)
    batch_kind, job_type = KINDS[kind]
    _, actor = acting(request)
    try:
        batch = read_batch_file(text_stream(file.file), batch_kind)
        if batch_kind is BatchKind.REGISTRATION:
            job = services(request).batches.submit_registration(actor, batch.rows, job_type or "FUL", "file",
                                                                file.filename, header=batch.header)  # fmt: skip
        else:
            job = services(request).batches.submit_verification(actor, batch.rows, "file", file.filename,
                                                                email_address or None, header=batch.header)  # fmt: skip
    except UnicodeDecodeError:
        errors["file"] = "The file must be a CSV file saved as UTF-8 text"
    except InvalidField as problem:
        errors["file"] = "The file was not accepted: " + "; ".join(
            f"{field}: {message}" for field, message in errors_of(problem).items())  # fmt: skip
    if errors:
        return _upload_page(request, 400, errors=errors, kind=kind, email_address=email_address)
    return RedirectResponse(f"/organisation/batches/{job.id}", status_code=303)


@route(router, "GET", "/{job_id}", Permission.SEND_BATCH)
def job_page(request: Request, job_id: Id) -> HTMLResponse:
    _, actor = acting(request)
    job = services(request).batches.job(actor, job_id)
    running = job.status in (JobStatus.WAITING.value, JobStatus.IN_PROGRESS.value)
    exceptions, total = services(request).batches.exceptions(actor, job_id, EXCEPTIONS_SHOWN)
    done = min(max(job.next_row - 1, 0), job.number_of_records)
    return page(request, "organisation/batch_job.html", title=f"Batch job {job.id}", job=job, running=running,
                refresh=REFRESH_SECONDS if running else None, done=done, exceptions=exceptions,
                exception_total=total, status_words=STATUS_WORDS, counter_words=COUNTER_WORDS,
                row_wording=row_wording, finished=job.status == JobStatus.SUCCESSFUL.value,
                registration=job.kind is BatchKind.REGISTRATION)  # fmt: skip


@route(router, "GET", "/{job_id}/output", Permission.SEND_BATCH)
def output(request: Request, job_id: Id) -> Response:
    """The output file: every column sent and each row's outcome, streamed page by page."""
    _, actor = acting(request)
    job = services(request).batches.job(actor, job_id)
    if job.status != JobStatus.SUCCESSFUL.value:
        return RedirectResponse(f"/organisation/batches/{job_id}", status_code=303)
    lines = output_lines(job, lambda offset, limit: services(request).batches.results(actor, job_id, offset, limit))
    name = f"batch-{job_id}.output.csv"
    return StreamingResponse(lines, media_type="text/csv",
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip
