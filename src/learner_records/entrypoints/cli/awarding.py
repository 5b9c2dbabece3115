"""`learner-records awarding register|validate|anomalies|resolve|sweep` for an awarding organisation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ...domain.access import Actor
from ...domain.errors import LearnerRecordsError
from ...domain.learner import parse_date
from ..files import csv_rows
from .context import operator, services
from .errors import reporting
from .output import console, print_json

awarding_app = typer.Typer(help="The awarding organisation's registrations and ULN anomalies", no_args_is_help=True)
Ao = Annotated[str, typer.Option("--ao", help="UKPRN of the awarding organisation")]


def _acting(ao: str) -> Actor:
    return services().organisations.acting_for(operator(), ao, operator().user_name)


@awarding_app.command("register")
@reporting
def register(file: Path, ao: Ao, centre: Annotated[str, typer.Option(help="Centre number")]) -> None:
    """Register the learners of a CSV file; every problem is listed by row. Exit 1 if any row was refused."""
    actor = _acting(ao)
    centre_id = services().awarding.centre_by_number(actor, centre).id
    with file.open(encoding="utf-8-sig", newline="") as stream:
        report = services().awarding.register_file(actor, centre_id, csv_rows(stream))
    console.print(f"registered {len(report.registered)} learners")
    for problem in report.problems:
        console.print(f"  row {problem.row} ({problem.stage}): {problem.field} {problem.problem}", markup=False)
    raise typer.Exit(1 if report.problems else 0)


@awarding_app.command("validate")
@reporting
def validate(ao: Ao) -> None:
    """Validate every waiting ULN against the register now."""
    validated, anomalies = services().awarding.validate(_acting(ao))
    console.print(f"validated {validated}, new anomalies {anomalies}")


@awarding_app.command("anomalies")
@reporting
def anomalies(ao: Ao, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Open anomalies, the nearest removal first."""
    views = services().awarding.anomalies(_acting(ao))
    if as_json:
        print_json([{"id": v.stored.id, "kind": v.stored.anomaly.kind.value, "days_left": v.days_left,
                     "problems": [p.words for p in v.stored.anomaly.problems],
                     "fix": v.stored.anomaly.fix.words} for v in views])  # fmt: skip
        return
    for view in views:
        d = view.registration.details
        console.print(f"[bold]{view.stored.id}[/] {d.given_name} {d.family_name} ({d.uln}): "
                      f"{view.stored.anomaly.kind.value}, {view.days_left} days left")  # fmt: skip
        for problem in view.stored.anomaly.problems:
            console.print(f"    {problem.words}", markup=False)
        console.print(f"    fix: {view.stored.anomaly.fix.words}", markup=False)


@awarding_app.command("resolve")
@reporting
def resolve(
    anomaly_id: int,
    ao: Ao,
    action: Annotated[str, typer.Option(help="accept_fix | correct_details | correct_uln | remove_uln")] = "accept_fix",
    values: Annotated[
        list[str] | None, typer.Option("--set", help="NAME=VALUE for correct_details/correct_uln")
    ] = None,
) -> None:
    """Resolve an anomaly; the registration is validated again at once."""
    changes = dict(pair.split("=", 1) for pair in values or [] if "=" in pair)
    registration = services().awarding.resolve(_acting(ao), anomaly_id, action, changes)
    console.print(
        f"registration {registration.id}: ULN {registration.details.uln or '-'} {registration.uln_state.value}"
    )


@awarding_app.command("sweep")
@reporting
def sweep() -> None:
    """Send due reminders and remove ULNs whose anomaly outlived the removal period (the server runs it too)."""
    report = services().awarding.sweep()
    console.print(f"removed {len(report.removed)} ULNs, sent {report.reminders} reminders")


@awarding_app.command("results")
@reporting
def results(file: Path, ao: Ao) -> None:
    """Record results from a CSV (registration_id, grade, award_date); every bad row is listed."""
    actor = _acting(ao)
    problems = 0
    with file.open(encoding="utf-8-sig", newline="") as stream:
        for number, row in enumerate(csv_rows(stream, required=("registration_id", "grade", "award_date")), start=2):
            try:
                award_date = parse_date(row["award_date"], "award_date")
                services().certification.record_result(actor, int(row["registration_id"]), row["grade"], award_date)
            except (LearnerRecordsError, ValueError) as error:
                problems += 1
                console.print(f"  row {number}: {error}", markup=False)
    console.print(f"recorded results; {problems} rows refused")
    raise typer.Exit(1 if problems else 0)


@awarding_app.command("certify")
@reporting
def certify(ao: Ao, ids: Annotated[list[int], typer.Argument(help="Registration ids")]) -> None:
    """Send the results of validated ULNs to the PLR; then run `awarding confirm` to read them back."""
    for r in services().certification.certify(_acting(ao), ids):
        console.print(f"registration {r.id}: {r.certification_status} {r.certification_reason or ''}".rstrip())


@awarding_app.command("confirm")
@reporting
def confirm(ao: Ao, ids: Annotated[list[int], typer.Argument(help="Registration ids")]) -> None:
    """Read the PLR back for sent results: confirmed, or rejected with the reason."""
    for r in services().certification.confirm(_acting(ao), ids):
        console.print(f"registration {r.id}: {r.certification_status} {r.certification_reason or ''}".rstrip())


@awarding_app.command("certificate")
@reporting
def certificate(registration_id: int, ao: Ao, out: Annotated[Path, typer.Option(help="PDF file to write")]) -> None:
    """Issue (or reissue) the certificate of a registration as a PDF."""
    issued, document = services().certification.issue_certificate(_acting(ao), registration_id)
    out.write_bytes(document)
    console.print(f"certificate {issued.number} written to {out}; public check at /verify/{issued.public_id}")
