"""`learner-records learners import FILE.csv` and `learners verify FILE.csv`: learner batch files.

The operator acts for the organisation whose UKPRN is given (and is on line 1 of the file). The job is submitted,
worked here with a progress bar (or, when a server's worker took it first, followed until it ends), and the output
file is written beside the input as `<stem>.output.csv`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ...domain.access import Actor
from ...domain.batches import BatchKind, is_finished
from ...domain.errors import InvalidField
from ...domain.plr import JobStatus
from ...services.batch_ports import BatchJob, BatchRowResult
from ..batch_files import output_lines, read_batch_file, write_output
from .context import operator, services
from .errors import reporting
from .output import console

Ukprn = Annotated[str, typer.Option("--ukprn", help="UKPRN of the organisation submitting (as on line 1)")]
User = Annotated[str | None, typer.Option("--user", help="The person acting, for the access log")]
_LABELS = {"new": "new ULNs", "exists": "found", "possible_match": "possible matches (exceptions)",
           "not_found": "not found", "rejected": "rejected"}  # fmt: skip


def is_batch_file(argument: str) -> bool:
    return argument.lower().endswith(".csv")


def output_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.output.csv")


def _submit(path: Path, kind: BatchKind, actor: Actor, job_type: str) -> BatchJob:
    if not path.is_file():
        raise InvalidField("FILE", f"{str(path)!r} does not exist", "a batch file to read")
    batches = services().batches
    with path.open(encoding="utf-8-sig", newline="") as stream:
        batch = read_batch_file(stream, kind)
        if kind is BatchKind.REGISTRATION:
            return batches.submit_registration(actor, batch.rows, job_type, "file", path.name, header=batch.header)
        return batches.submit_verification(actor, batch.rows, "file", path.name, header=batch.header)


def _work(actor: Actor, job: BatchJob) -> BatchJob:
    batches = services().batches
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console) as bar:  # fmt: skip
        task = bar.add_task(f"job {job.id}", total=job.number_of_records)
        finished = batches.process(job.id, lambda done, _: bar.update(task, completed=done))
        current = finished or batches.job(actor, job.id)
        while not is_finished(current.status):  # a server's worker claimed it first, or it waits to be tried again
            time.sleep(0.5)
            again = batches.process(job.id, lambda done, _: bar.update(task, completed=done))
            current = again or batches.job(actor, job.id)
            bar.update(task, completed=min(current.next_row - 1, current.number_of_records))
    return current


def run_file(path: Path, kind: BatchKind, ukprn: str, user: str | None, job_type: str = "FUL") -> None:
    actor = services().organisations.acting_for(operator(), ukprn, user or operator().user_name)
    job = _submit(path, kind, actor, job_type)
    console.print(f"job {job.id}: {job.number_of_records} learners from {path.name}", markup=False)
    job = _work(actor, job)
    out = output_path(path)
    finished = job

    def page(offset: int, limit: int) -> list[BatchRowResult]:
        return services().batches.results(actor, finished.id, offset, limit)

    with out.open("w", encoding="utf-8", newline="") as target:
        write_output(target, output_lines(job, page))
    console.print(f"job {job.id}: {job.status}")
    for key, value in job.counters.items():
        console.print(f"  {_LABELS.get(key, key)}: {value}", markup=False)
    console.print(f"wrote {out}", markup=False)
    if job.status != JobStatus.SUCCESSFUL.value:
        console.print(f"the job stopped: {job.failure_reason}", markup=False)
        raise typer.Exit(1)


@reporting
def import_file(
    file: Annotated[Path, typer.Argument(help="A registration batch file (2A or 3A CSV)")],
    ukprn: Ukprn,
    job_type: Annotated[
        str, typer.Option("--type", help="FUL: find, and register if not found; CHK: find only")
    ] = "FUL",
    user: User = None,
) -> None:
    """Find or register every learner of a batch file; per-row return codes go to <stem>.output.csv."""
    run_file(file, BatchKind.REGISTRATION, ukprn, user, job_type)
