"""`learner-records`: serve, db upgrade, uln check, learners ..., orgs ..."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from ...adapters.sql.migrate import upgrade
from ...config import Settings
from ...domain import uln as uln_rules
from ...domain.access import OrganisationKind
from ...domain.errors import InvalidField, InvalidUln
from .audit import audit_app
from .awarding import awarding_app
from .context import operator, services
from .database import db_backup, db_restore
from .demo import demo
from .errors import err_console, reporting
from .keys import keys_app
from .learners import learners_app
from .matching import matching_app
from .output import console, print_json
from .plr import achievements_app, plr_app, qualifications_app

app = typer.Typer(help="learner-records: the ULN register and Personal Learning Records", no_args_is_help=True)
db_app = typer.Typer(help="The database", no_args_is_help=True)
uln_app = typer.Typer(help="ULN format and check digit", no_args_is_help=True)
orgs_app = typer.Typer(help="Organisations and API keys", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(uln_app, name="uln")
app.add_typer(orgs_app, name="orgs")
app.add_typer(learners_app, name="learners")
app.add_typer(matching_app, name="matching")
app.add_typer(qualifications_app, name="qualifications")
app.add_typer(plr_app, name="plr")
app.add_typer(achievements_app, name="achievements")
app.add_typer(awarding_app, name="awarding")
orgs_app.add_typer(keys_app, name="keys")
app.add_typer(audit_app, name="audit")
app.command("demo")(demo)
db_app.command("backup")(db_backup)
db_app.command("restore")(db_restore)


@db_app.command("upgrade")
@reporting
def db_upgrade() -> None:
    """Apply every migration to the configured database."""
    settings = Settings.from_environment()
    upgrade(settings.database_url)
    console.print("database is at the newest revision")


@uln_app.command("check")
def uln_check(ulns: Annotated[list[str], typer.Argument(help="One or more ULNs")]) -> None:
    """Check ULNs: one line each; exit 0 only if all are valid."""
    all_valid = True
    for number in ulns:
        try:
            console.print(f"{uln_rules.validate(number)}  [green]valid[/]")
        except InvalidUln as error:
            all_valid = False
            console.print(f"{number}  [red]invalid[/]: ", end="")
            console.print(error.problem, markup=False)
    raise typer.Exit(0 if all_valid else 1)


@orgs_app.command("create")
@reporting
def orgs_create(
    ukprn: Annotated[str, typer.Option(help="8 letters or digits")],
    name: Annotated[str, typer.Option()],
    kind: Annotated[
        str, typer.Option(help="learner_registration_body | awarding_organisation | register_administrator")
    ] = OrganisationKind.LEARNER_REGISTRATION_BODY.value,
    ref: Annotated[str | None, typer.Option(help="OrganisationRef: 6 letters or digits")] = None,
) -> None:
    """Create an organisation and print its API key (shown once)."""
    try:
        chosen = OrganisationKind(kind)
    except ValueError:
        raise InvalidField(
            "kind", f"{kind!r} is not a kind", "one of " + ", ".join(k.value for k in OrganisationKind)
        ) from None
    created = services().organisations.create(operator(), ukprn, name, chosen, ref)
    console.print(f"organisation {created.organisation.id}: {created.organisation.name} ({chosen.value})")
    console.print("API key (shown once, keep it safe):")
    print(created.api_key)  # noqa: T201 - plain, so scripts can capture it


@orgs_app.command("password")
@reporting
def orgs_password(
    ukprn: Annotated[str, typer.Option(help="The organisation's UKPRN")],
    password: Annotated[
        str | None, typer.Option("--set", help="Use this 16-character password instead of a new random one")
    ] = None,
) -> None:
    """Give an organisation its web-service password (OrgPassword, 16 characters) and print it."""
    found = services().organisations.acting_for(operator(), ukprn, "operator")
    assert found.organisation_id is not None
    issued = services().organisations.set_password(operator(), found.organisation_id, password)
    console.print(f"web-service password for UKPRN {ukprn} (OrgPassword, shown once):")
    print(issued)  # noqa: T201 - plain, so scripts can capture it


@orgs_app.command("list")
@reporting
def orgs_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List organisations."""
    orgs = services().organisations.list(operator())
    rows = [
        {"id": o.id, "ukprn": o.ukprn, "name": o.name, "kind": o.kind.value, "ref": o.organisation_ref} for o in orgs
    ]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        console.print(f"{row['id']:>4}  {row['ukprn']}  {row['kind']:<26} {row['name']}", markup=False)


@app.command("serve")
@reporting
def serve(
    host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
) -> None:
    """Apply migrations and serve the REST API (docs at /api/docs) and the SOAP web services."""
    import uvicorn

    from ..api.app import create_app
    from ..tls import uvicorn_tls_options

    settings = Settings.from_environment()
    upgrade(settings.database_url)
    services().health.require_database()  # refuse to start on a database that cannot take writes, saying why
    tls = uvicorn_tls_options(settings)
    application = create_app(services(), run_worker=True)
    scheme = "https" if tls else "http"
    err_console.print(f"serving on {scheme}://{host or settings.host}:{port or settings.port}  (API docs at /api/docs,"
                      " SOAP at /LearnerService.svc, /LearnerServiceR9.svc, /ExternalService.svc)")  # fmt: skip
    # no access log: request lines carry ULNs
    uvicorn.run(
        application,
        host=host or settings.host,
        port=port or settings.port,
        log_level="warning",
        access_log=False,
        **tls,
    )


@app.command("worker")
@reporting
def worker(interval: Annotated[float, typer.Option(help="Seconds between rounds")] = 1.0) -> None:
    """Run background work in this process: achievement jobs, ULN validation, the removal sweep, mail."""
    from ..worker import JobWorker

    settings = Settings.from_environment()
    upgrade(settings.database_url)
    runner = JobWorker(services(), interval)
    err_console.print("worker running; Ctrl-C stops it")
    runner.start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        runner.stop()


def main() -> None:
    app()
