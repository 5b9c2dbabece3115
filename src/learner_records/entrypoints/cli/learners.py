"""`learner-records learners register|find|verify|import|show|update|merge|unmerge|duplicates`."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated

import typer

from ...domain.batches import BatchKind
from ...domain.codes import VerificationCode
from ...domain.learner import parse_date, parse_details, validate_uln
from ...domain.queries import demographics, verification_query
from .batches import User, import_file, is_batch_file, run_file
from .context import operator, services
from .errors import reporting
from .output import console, learner_dict, print_json, print_learner

learners_app = typer.Typer(help="Learners on the register", no_args_is_help=True)
learners_app.command("import")(import_file)
Json = Annotated[bool, typer.Option("--json", help="Print JSON")]
Given = Annotated[str, typer.Option("--given", help="Given name")]
Family = Annotated[str, typer.Option("--family", help="Family name")]


def _fields(pairs: list[str]) -> dict[str, object]:
    fields: dict[str, object] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise typer.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="--set")
        fields[name.strip()] = value
    return fields


@learners_app.command("register")
@reporting
def register(
    given: Given,
    family: Family,
    dob: Annotated[str, typer.Option(help="Date of birth, yyyy-mm-dd")],
    gender: Annotated[str, typer.Option(help="0 not known, 1 male, 2 female, 9 not specified")],
    postcode: Annotated[str, typer.Option()],
    ability_to_share: Annotated[int, typer.Option(help="0 notice not seen, 1 share, 2 do not share")] = 1,
    verification_type: Annotated[int, typer.Option(help="0-7 or 999")] = 0,
    extra: Annotated[list[str] | None, typer.Option("--set", help="Any other field, NAME=VALUE")] = None,
    as_json: Json = False,
) -> None:
    """Register a learner and print the new ULN."""
    details = parse_details(
        {
            "given_name": given,
            "family_name": family,
            "date_of_birth": dob,
            "gender": gender,
            "postcode": postcode,
            "ability_to_share": ability_to_share,
            "verification_type": verification_type,
            **_fields(extra or []),
        }
    )
    learner = services().register.register(operator(), details)
    if as_json:
        print_json(learner_dict(learner))
    else:
        console.print(f"registered: ULN [bold]{learner.uln}[/]")


@learners_app.command("show")
@reporting
def show(uln: str, as_json: Json = False) -> None:
    """Show a learner (a linked ULN shows its master)."""
    found = services().register.find_by_uln(operator(), validate_uln(uln))
    if found.learner is None:
        console.print(f"{found.code.value} {found.code.wording}")
        raise typer.Exit(3)
    if as_json:
        print_json({"code": found.code.value, **learner_dict(found.learner)})
        return
    note = f" (ULN {uln} is linked to this master)" if found.master_substituted else ""
    print_learner(found.learner, f"{found.code.value} {found.code.wording}{note}")


@learners_app.command("find")
@reporting
def find(
    given: Given,
    family: Family,
    dob: Annotated[str, typer.Option(help="yyyy-mm-dd")],
    gender: Annotated[str, typer.Option()],
    postcode: Annotated[str, typer.Option()],
    previous_family: Annotated[str | None, typer.Option()] = None,
    as_json: Json = False,
) -> None:
    """Find learners by demographics: exact, possible matches with reasons, too many or none."""
    query = demographics(given, family, dob, gender, postcode, previous_family)
    result = services().register.find_by_demographics(operator(), query)
    if as_json:
        print_json(
            {
                "code": result.code.value,
                "matches": [
                    {"score": m.score, "probability": m.probability, "exact": m.exact, "reasons": list(m.reasons),
                     **learner_dict(m.learner)}  # fmt: skip
                    for m in result.matches
                ],
            }
        )
        return
    console.print(f"[bold]{result.code.value}[/] {result.code.wording}")
    for match in result.matches:
        d = match.learner.details
        console.print(
            f"  {match.learner.uln}  {d.given_name} {d.family_name}  {d.date_of_birth}  {d.postcode}"
            f"  probability {match.probability:.3f} (weight {match.score:.1f})",
            markup=False,
        )
        for reason in match.reasons:
            console.print(f"      - {reason}", markup=False)


@learners_app.command("verify")
@reporting
def verify(
    uln: Annotated[str, typer.Argument(help="A ULN, or a verification batch file (FILE.csv)")],
    given: Annotated[str | None, typer.Option("--given", help="Given name")] = None,
    family: Annotated[str | None, typer.Option("--family", help="Family name")] = None,
    dob: Annotated[str | None, typer.Option(help="yyyy-mm-dd")] = None,
    gender: Annotated[str | None, typer.Option()] = None,
    ukprn: Annotated[str | None, typer.Option("--ukprn", help="For a batch file: the submitting UKPRN")] = None,
    user: User = None,
    as_json: Json = False,
) -> None:
    """Verify a ULN against names (and date of birth, gender). Exit 0 only on a successful match.

    Given FILE.csv instead, verify every learner of the batch file; the answers go to <stem>.output.csv."""
    if is_batch_file(uln):
        if ukprn is None:
            raise typer.BadParameter("a batch file is verified for an organisation: give --ukprn", param_hint="--ukprn")
        run_file(Path(uln), BatchKind.VERIFICATION, ukprn, user)
        return
    if given is None or family is None:
        raise typer.BadParameter("verifying a ULN needs --given and --family", param_hint="--given/--family")
    query = verification_query(uln, given, family, dob, gender)
    (verification,) = services().register.verify(operator(), [query])
    result = verification.result
    if as_json:
        print_json(
            {"code": result.code.value, "flags": [f.value for f in result.flags], "reasons": list(result.reasons)}
        )
    else:
        console.print(f"[bold]{result.code.value}[/] {result.code.wording}")
        for flag in result.flags:
            console.print(f"  {flag.value}: {flag.wording}")
        for reason in result.reasons:
            console.print(f"  - {reason}", markup=False)
    raise typer.Exit(0 if result.code in (VerificationCode.MATCH, VerificationCode.LINKED_MATCH) else 1)


@learners_app.command("update")
@reporting
def update(
    uln: str,
    version: Annotated[int, typer.Option(help="The version you last read")],
    changes: Annotated[list[str], typer.Option("--set", help="Field to change, NAME=VALUE (empty VALUE clears it)")],
    as_json: Json = False,
) -> None:
    """Change fields of a learner (optimistic: the version must be current)."""
    register = services().register
    current = register.find_by_uln(operator(), validate_uln(uln)).learner
    if current is None or current.uln != uln:
        console.print(f"ULN {uln} is not on the register as a master record")
        raise typer.Exit(3)
    values = {key: value for key, value in current.details.as_dict().items() if value is not None}
    values.update(_fields(changes))
    learner = register.update(operator(), uln, version, parse_details(values))
    if as_json:
        print_json(learner_dict(learner))
    else:
        console.print(f"updated: ULN {learner.uln} is now at version {learner.version}")


@learners_app.command("merge")
@reporting
def merge(master: str, linked: str) -> None:
    """Merge LINKED into MASTER: reads of LINKED then answer with MASTER."""
    learner = services().merging.merge(operator(), validate_uln(master, "master"), validate_uln(linked, "linked"))
    console.print(f"merged: {linked} is linked to master {learner.uln} (linked: {', '.join(learner.linked_ulns)})")


@learners_app.command("unmerge")
@reporting
def unmerge(linked: str) -> None:
    """Undo a merge."""
    learner = services().merging.unmerge(operator(), validate_uln(linked, "linked"))
    console.print(f"unmerged: {learner.uln} has its own record again")


@learners_app.command("merges")
@reporting
def merges(
    from_date: Annotated[str, typer.Option("--from", help="yyyy-mm-dd")],
    to_date: Annotated[str | None, typer.Option("--to", help="yyyy-mm-dd, inclusive")] = None,
) -> None:
    """Merged and unmerged learners between two dates."""
    start = parse_date(from_date, "from")
    end = parse_date(to_date, "to") if to_date else date.today()
    lines = services().merging.report(
        operator(), datetime.combine(start, time()), datetime.combine(end + timedelta(days=1), time())
    )
    for line in lines:
        kind = "merged  " if line.event.merged else "unmerged"
        console.print(f"{line.event.at:%Y-%m-%d %H:%M}  {kind}  {line.event.linked_uln} -> {line.event.master_uln}")


@learners_app.command("duplicates")
@reporting
def duplicates(limit: Annotated[int, typer.Option()] = 50) -> None:
    """Pairs of learners that are probably the same person, best first."""
    for pair in services().merging.scan_duplicates(operator(), limit):
        console.print(
            f"{pair.first.uln}  {pair.second.uln}  probability {pair.probability:.3f} (weight {pair.score:.1f})"
            f"  group {pair.cluster}  " + "; ".join(pair.reasons),
            markup=False,
            soft_wrap=True,
        )
