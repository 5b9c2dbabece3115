"""Learner batch files: a registration file and a verification file against a large register, end to end.

`python -m bench.batch_files --learners 1000000 --rows 100000`

On SQLite (the app's engine): loads `--learners` generated learners (as bench.register does) and one learner
registration body, then for a FUL registration file of `--rows` rows (half learners on the register, a tenth of
them with their ULN, half people who are not) and a verification file of `--rows` rows: writes the CSV, reads it
through the batch-file reader straight into the job store, works the job, and streams the output file, timing
each step and sampling the process's peak RSS. The Python heap's peak (tracemalloc) is measured on a verification
file of a tenth of the rows and one of all the rows, to show memory does not grow with the file. Writes the
`batch_files` section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path

from learner_records.adapters.sql.migrate import upgrade
from learner_records.bootstrap import Services, bootstrap
from learner_records.config import Settings
from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.batches import BatchKind, registration_headings, verification_headings
from learner_records.entrypoints.batch_files import output_lines, read_batch_file, write_output

from .generate import GeneratedLearner, generate_learners
from .peers import _peak_rss
from .register import fresh_database, load, machine, make_dataset, say, write_section

OPERATOR = Actor(OrganisationKind.REGISTER_ADMINISTRATOR, "bench")
UKPRN = "10088888"


def registration_file(path: Path, loaded: Sequence[GeneratedLearner], rows: int, seed: int) -> Path:
    rng = random.Random(seed)
    # people not on the register: another generator seed, other dates of birth
    strangers = generate_learners(rows, seed + 1000, duplicate_rate=0.0)
    names = registration_headings("2A")
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["2A", "bench intake", UKPRN])
        writer.writerow(names)
        for n in range(rows):
            g = loaded[rng.randrange(len(loaded))] if n % 2 == 0 else next(strangers)
            values = {"MISIdentifier": f"B{n}", "ULN": g.uln if n % 20 == 0 else "", "GivenName": g.given_name,
                      "FamilyName": g.family_name, "DateOfBirth": g.date_of_birth.isoformat(),
                      "Gender": str(g.gender), "LastKnownPostCode": g.postcode, "AbilityToShare": "1"}  # fmt: skip
            writer.writerow([values.get(name, "") for name in names])
    return path


def verification_file(path: Path, loaded: Sequence[GeneratedLearner], rows: int, seed: int) -> Path:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["2A", "bench checks", UKPRN])
        writer.writerow(verification_headings("2A"))
        for n in range(rows):
            g = loaded[rng.randrange(len(loaded))]
            writer.writerow([f"V{n}", g.uln, g.family_name, g.given_name, g.date_of_birth.isoformat(), g.gender])
    return path


def run_file(services: Services, actor: Actor, path: Path, kind: BatchKind) -> dict[str, object]:
    """Submit (read + store), work, write the output; seconds for each, the counters and the peak RSS."""
    with _peak_rss() as peak:
        started = time.perf_counter()
        with path.open(encoding="utf-8-sig", newline="") as stream:
            batch = read_batch_file(stream, kind)
            if kind is BatchKind.REGISTRATION:
                job = services.batches.submit_registration(actor, batch.rows, "FUL", "file", path.name,
                                                           header=batch.header)  # fmt: skip
            else:
                job = services.batches.submit_verification(actor, batch.rows, "file", path.name, header=batch.header)
        submitted = time.perf_counter()
        done = services.batches.process(job.id)
        assert done is not None and done.status == "Successful", done
        worked = time.perf_counter()
        with path.with_name(path.stem + ".output.csv").open("w", encoding="utf-8", newline="") as target:
            write_output(target, output_lines(done, lambda o, n: services.batches.results(actor, job.id, o, n)))
        written = time.perf_counter()
    return {"submit": submitted - started, "work": worked - submitted, "output": written - worked,
            "total": written - started, "counters": done.counters, "rss": peak[0]}  # fmt: skip


def heap_peak_mb(services: Services, actor: Actor, path: Path) -> float:
    tracemalloc.start()
    try:
        run_file(services, actor, path, BatchKind.VERIFICATION)
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def _row(label: str, rows: int, figures: dict[str, object]) -> str:
    total = float(figures["total"])  # type: ignore[arg-type]
    return (f"| {label} | {figures['submit']:.1f} s | {figures['work']:.1f} s | {figures['output']:.1f} s "
            f"| {rows / total:,.0f} rows/s | {figures['rss']:.0f} MB |\n")  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.batch_files", description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-results", action="store_true", help="do not rewrite bench/RESULTS.md")
    args = parser.parse_args(argv)
    command = "python -m bench.batch_files " + " ".join(sys.argv[1:] if argv is None else argv)
    workdir = Path(tempfile.mkdtemp(prefix="lr-bench-batches."))
    data = make_dataset(args.learners, args.seed, workdir)
    say(f"generated {len(data.loaded):,} learners")
    with fresh_database("sqlite", workdir, None) as url:
        upgrade(url)
        services = bootstrap(Settings(database_url=url))
        load_rate, _ = load(services, data.loaded)
        say(f"loaded at {load_rate:,.0f}/s")
        org = services.organisations.create(OPERATOR, UKPRN, "Bench College",
                                            OrganisationKind.LEARNER_REGISTRATION_BODY).organisation  # fmt: skip
        actor = Actor(OrganisationKind.LEARNER_REGISTRATION_BODY, "bench", org.id, org.ukprn)
        registration = run_file(services, actor, registration_file(workdir / "register.csv", data.loaded, args.rows,
                                                                   11), BatchKind.REGISTRATION)  # fmt: skip
        say(f"registration: {registration}")
        verification = run_file(services, actor, verification_file(workdir / "verify.csv", data.loaded, args.rows, 12),
                                BatchKind.VERIFICATION)  # fmt: skip
        say(f"verification: {verification}")
        small = heap_peak_mb(services, actor, verification_file(workdir / "v10.csv", data.loaded, args.rows // 10, 13))
        large = heap_peak_mb(services, actor, verification_file(workdir / "v100.csv", data.loaded, args.rows, 14))
        say(f"heap peak: {small:.1f} MB at {args.rows // 10:,} rows, {large:.1f} MB at {args.rows:,} rows")
        assert services.engine is not None
        services.engine.dispose()
    flat = "✅" if large < small * 2 else "❌"
    counters = registration["counters"]
    assert isinstance(counters, dict)
    body = (
        f"## Batch files — {len(data.loaded):,} learners on SQLite\n\n"
        f"- Run {time.strftime('%Y-%m-%d %H:%M')} on {machine()}.\n- Command: `{command}`\n\n"
        "| file | submit (read + store) | work | output file | end to end | peak RSS |\n|---|---|---|---|---|---|\n"
        + _row(f"registration, FUL, {args.rows:,} rows", args.rows, registration)
        + _row(f"verification, {args.rows:,} rows", args.rows, verification)
        + f"\nPython heap peak (tracemalloc) over a whole verification file of {args.rows // 10:,} / {args.rows:,} "
        f"rows: {small:.1f} MB / {large:.1f} MB {flat} (flat in the file size: rows are streamed, stored and "
        "worked 200 at a time, and the output is written a page at a time).\n\n"
        f"Registration outcomes: {', '.join(f'{k} {v:,}' for k, v in counters.items())}. Half the rows are "
        "learners on the register (a tenth of those with their ULN), half people who are not; each row searched "
        "by demographics costs a blocking-key look-up and scoring, and each new learner an insert with its keys, "
        "so registration runs at the rate of single finds. Verification looks up 200 ULNs a query.\n"
    )
    if not args.no_results:
        write_section("batch_files", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
