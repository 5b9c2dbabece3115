"""`learner-records qualifications|plr|achievements ...`: the PLR side from the command line."""

from __future__ import annotations

import io
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from ...domain.plr import BRIEF_FIELDS, LearningEvent, percentage_successful
from ...domain.queries import verification_query
from ...services.ports import AchievementJob
from ...services.records import PlrResult
from ..files import csv_rows
from .context import operator, services
from .errors import reporting
from .output import console, print_json

qualifications_app = typer.Typer(help="The qualification and unit catalogue", no_args_is_help=True)
plr_app = typer.Typer(help="Personal Learning Records", no_args_is_help=True)
achievements_app = typer.Typer(help="Achievement submissions by awarding organisations", no_args_is_help=True)
Given = Annotated[str, typer.Option("--given", help="Given name, as on the register")]
Family = Annotated[str, typer.Option("--family", help="Family name, as on the register")]
Dob = Annotated[str | None, typer.Option("--dob", help="Date of birth, yyyy-mm-dd")]


@qualifications_app.command("import")
@reporting
def import_catalogue(file: Path) -> None:
    """Load a catalogue CSV; every bad row is listed. Exit 1 if any row was refused."""
    with file.open(encoding="utf-8-sig", newline="") as stream:
        report = services().records.import_catalogue(operator(), csv_rows(stream, required=("reference",)))
    console.print(f"saved {report.saved} catalogue entries")
    for number, problem in report.errors:
        console.print(f"  row {number}: {problem}", markup=False)
    raise typer.Exit(1 if report.errors else 0)


@qualifications_app.command("demo")
@reporting
def import_demo_catalogue() -> None:
    """Load the demo catalogue that ships with learner-records (invented titles and numbers in real formats)."""
    text = resources.files("learner_records.data").joinpath("qualifications.csv").read_text(encoding="utf-8")
    report = services().records.import_catalogue(operator(), csv_rows(io.StringIO(text)))
    console.print(f"saved {report.saved} catalogue entries")


def _read(uln: str, given: str, family: str, dob: str | None) -> PlrResult:
    result = services().records.read_plr(operator(), verification_query(uln, given, family, dob))
    result.require_readable()
    return result


def _event_row(event: LearningEvent) -> list[str]:
    status = "Final" if event.status.value == "F" else "Provisional"
    challenged = " (under data challenge)" if event.under_data_challenge else ""
    return [str(event.award_date or ""), event.subject_code, event.subject, event.grade or "",
            str(event.credits or ""), event.awarding_organisation_name or "", status + challenged]  # fmt: skip


@plr_app.command("show")
@reporting
def show(uln: str, given: Given, family: Family, dob: Dob = None, brief: bool = False, as_json: bool = False) -> None:
    """A learner's learning events (the ULN and names must match the register)."""
    result = _read(uln, given, family, dob)
    if as_json:
        names = BRIEF_FIELDS if brief else tuple(LearningEvent.__dataclass_fields__)
        print_json({"code": result.code.value, "found_uln": result.found_uln,
                    "events": [{n: getattr(e, n) for n in names} for e in result.events]})  # fmt: skip
        return
    table = Table(title=f"{result.code.value} PLR of ULN {result.found_uln}", title_justify="left")
    for column in ("Awarded", "Code", "Subject", "Grade", "Credits", "Awarding organisation", "Status"):
        table.add_column(column)
    for event in result.events:
        table.add_row(*_event_row(event))
    console.print(table if result.events else "No learning events.")


@plr_app.command("export")
@reporting
def export(
    uln: str,
    given: Given,
    family: Family,
    out: Annotated[Path, typer.Option(help="PDF file to write")],
    dob: Dob = None,
) -> None:
    """Write a learner's PLR as a PDF."""
    result, document = services().records.plr_document(operator(), verification_query(uln, given, family, dob))
    result.require_readable()
    assert document is not None  # a readable PLR is always rendered
    out.write_bytes(document)
    console.print(f"wrote {out} ({len(result.events)} learning events)")


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=console, transient=False)  # fmt: skip


def _print_job(job: AchievementJob) -> None:
    c = job.counters
    done = min(job.next_row - 1, job.number_of_records)
    console.print(f"job {job.id}: {job.status}, {done} of {job.number_of_records} rows, "
                  f"{percentage_successful(c, done)}% successful")  # fmt: skip
    for label, key in (("created", "created"), ("updated", "updated"), ("withdrawn", "withdrawn"),
                       ("reinstated", "reinstated"), ("promoted to final", "promoted"), ("unchanged", "unchanged"),
                       ("field data errors", "field_error"), ("learner data errors", "learner_error"),
                       ("business rule errors", "business_error")):  # fmt: skip
        if c.get(key):
            console.print(f"  {label}: {c[key]}")


@achievements_app.command("submit")
@reporting
def submit(
    file: Path,
    ukprn: Annotated[str, typer.Option(help="UKPRN of the awarding organisation submitting")],
    wait: Annotated[bool, typer.Option(help="Work the job here, with a progress bar")] = True,
) -> None:
    """Submit a CSV of achievements (header: the Achievement element names) for an awarding organisation."""
    actor = services().organisations.acting_for(operator(), ukprn, f"cli:{operator().user_name}")
    with file.open(encoding="utf-8-sig", newline="") as stream:
        submitted = services().achievements.submit(actor, csv_rows(stream), "File", file.name)
    job = submitted.job
    console.print(f"job {job.id} {'created' if submitted.created else 'was submitted before'}: "
                  f"{job.number_of_records} rows")  # fmt: skip
    if wait and submitted.created:
        with _progress() as bar:
            task = bar.add_task("applying", total=job.number_of_records)
            finished = services().achievements.process(job.id, lambda done, _: bar.update(task, completed=done))
        job = finished or services().achievements.job(actor, job.id)
    _print_job(job)


@achievements_app.command("job")
@reporting
def job_status(
    job_id: int, errors: Annotated[Path | None, typer.Option(help="Write the error file here")] = None
) -> None:
    """A job's status and counters; --errors writes the rejected rows and why."""
    job = services().achievements.job(operator(), job_id)
    _print_job(job)
    if errors is not None:
        errors.write_text(services().achievements.error_file(operator(), job_id), encoding="utf-8")
        console.print(f"wrote {errors}")


@achievements_app.command("work")
@reporting
def work() -> None:
    """Run every waiting job now (the server does this in the background)."""
    finished = services().achievements.run_pending()
    console.print(f"finished {len(finished)} jobs")
