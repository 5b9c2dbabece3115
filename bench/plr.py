"""PLR benchmarks: achievement submission against a large register, and PLR reads of learners with 50 events.

`python -m bench.plr --learners 1000000 --rows 100000`

On SQLite (the app's engine): loads `--learners` generated learners, a 50-entry catalogue and one awarding
organisation, then (1) submits and works a job of `--rows` achievements streamed from a generator, timing both
steps; (2) measures the Python heap's peak (tracemalloc) while working a job of a tenth of the rows and one of all
the rows, to show memory does not grow with the file; (3) gives 200 learners 50 events each and times 2,000 PLR
reads. Writes the `plr` section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator, Sequence
from pathlib import Path

from learner_records.adapters.sql.migrate import upgrade
from learner_records.bootstrap import Services, bootstrap
from learner_records.config import Settings
from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.matching import VerificationQuery

from .generate import GeneratedLearner
from .register import fresh_database, load, machine, make_dataset, say, write_section

OPERATOR = Actor(OrganisationKind.REGISTER_ADMINISTRATOR, "bench")
QUALIFICATIONS = [f"{600 + n // 10:03d}/{1000 + n:04d}/{n % 10}" for n in range(50)]


def catalogue() -> list[dict[str, str]]:
    return [{"reference": reference, "title": f"Benchmark qualification {n}", "qualification_type": "Certificate",
             "level": "Level 2", "credits": "12", "awarding_organisation_name": "Bench Awards",
             "awarding_organisation_ukprn": "10099999", "regulated": "yes", "grades": "Pass|Merit|Distinction"}
            for n, reference in enumerate(QUALIFICATIONS)]  # fmt: skip


def achievement_rows(learners: Sequence[GeneratedLearner], count: int, seed: int) -> Iterator[dict[str, object]]:
    """`count` create rows, streamed: a random learner and qualification each (a learner never twice per job
    for the same qualification is not guaranteed; repeats answer `unchanged` or a business error, as in life)."""
    rng = random.Random(seed)
    for _ in range(count):
        g = learners[rng.randrange(len(learners))]
        yield {"Uln": g.uln, "GivenName": g.given_name, "FamilyName": g.family_name,
               "DateofBirth": g.date_of_birth.isoformat(), "ProviderUkprn": "10099999",
               "UnitOrQualificationReferenceNumber": QUALIFICATIONS[rng.randrange(len(QUALIFICATIONS))],
               "AchievementAwardDate": "2026-07-01", "Grade": rng.choice(("Pass", "Merit", "Distinction")),
               "Action": 1}  # fmt: skip


def timed_job(services: Services, ao: Actor, rows: Iterator[dict[str, object]]) -> tuple[float, float, dict[str, int]]:
    started = time.perf_counter()
    submitted = services.achievements.submit(ao, rows, file_name="bench.csv")
    submit_seconds = time.perf_counter() - started
    started = time.perf_counter()
    job = services.achievements.process(submitted.job.id)
    assert job is not None
    return submit_seconds, time.perf_counter() - started, job.counters


def heap_peak_mb(services: Services, ao: Actor, rows: Iterator[dict[str, object]]) -> float:
    tracemalloc.start()
    try:
        submitted = services.achievements.submit(ao, rows, file_name="memory.csv")
        services.achievements.process(submitted.job.id)
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def plr_reads(services: Services, ao: Actor, learners: Sequence[GeneratedLearner], reads: int) -> list[float]:
    chosen = learners[:200]
    rows = ({"Uln": g.uln, "GivenName": g.given_name, "FamilyName": g.family_name, "ProviderUkprn": "10099999",
             "UnitOrQualificationReferenceNumber": q, "AchievementAwardDate": "2025-07-01", "Grade": "Pass",
             "Action": 1} for g in chosen for q in QUALIFICATIONS)  # fmt: skip
    services.achievements.process(services.achievements.submit(ao, rows, file_name="fifty.csv").job.id)
    rng = random.Random(3)
    timings = []
    for _ in range(reads):
        g = chosen[rng.randrange(len(chosen))]
        started = time.perf_counter()
        result = services.records.read_plr(OPERATOR, VerificationQuery(g.uln, g.given_name, g.family_name))
        timings.append((time.perf_counter() - started) * 1000)
        assert len(result.events) >= 50, (result.code, len(result.events))
    return timings


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.plr", description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    command = "python -m bench.plr " + " ".join(sys.argv[1:] if argv is None else argv)
    workdir = Path(tempfile.mkdtemp(prefix="lr-bench-plr."))
    data = make_dataset(args.learners, args.seed, workdir)
    say(f"generated {len(data.loaded):,} learners")
    with fresh_database("sqlite", workdir, None) as url:
        upgrade(url)
        services = bootstrap(Settings(database_url=url))
        load_rate, _ = load(services, data.loaded)
        say(f"loaded at {load_rate:,.0f}/s")
        services.records.import_catalogue(OPERATOR, catalogue())
        org = services.organisations.create(OPERATOR, "10099999", "Bench Awards",
                                            OrganisationKind.AWARDING_ORGANISATION).organisation  # fmt: skip
        ao = Actor(OrganisationKind.AWARDING_ORGANISATION, "bench", org.id, org.ukprn)
        submit_s, work_s, counters = timed_job(services, ao, achievement_rows(data.loaded, args.rows, 11))
        rate = args.rows / (submit_s + work_s)
        say(f"{args.rows:,} rows: submit {submit_s:.1f} s, work {work_s:.1f} s, {rate:,.0f} rows/s; {counters}")
        small = heap_peak_mb(services, ao, achievement_rows(data.loaded, args.rows // 10, 12))
        large = heap_peak_mb(services, ao, achievement_rows(data.loaded, args.rows, 13))
        say(f"heap peak: {small:.1f} MB at {args.rows // 10:,} rows, {large:.1f} MB at {args.rows:,} rows")
        timings = sorted(plr_reads(services, ao, data.loaded, 2000))
        p50, p95, p99 = (timings[int(len(timings) * share) - 1] for share in (0.50, 0.95, 0.99))
        say(f"PLR read with 50 events: p50 {p50:.2f} ms, p95 {p95:.2f} ms, p99 {p99:.2f} ms")
        assert services.engine is not None
        services.engine.dispose()
    target_rate = "✅" if rate >= 10_000 else "❌"
    target_read = "✅" if p95 <= 10 else "❌"
    flat = "✅" if large < small * 2 else "❌"
    body = (
        f"## PLR — {len(data.loaded):,} learners on SQLite\n\n"
        f"- Run {time.strftime('%Y-%m-%d %H:%M')} on {machine()}.\n- Command: `{command}`\n\n"
        "| figure | measured | target |\n|---|---|---|\n"
        f"| achievement job of {args.rows:,} rows: submit (stream into the job store) | {submit_s:.1f} s | – |\n"
        f"| the same job worked (verify each learner, apply, write events and outcomes) | {work_s:.1f} s | – |\n"
        f"| achievement throughput, submit + work | {rate:,.0f} rows/s {target_rate} | ≥ 10,000 rows/s |\n"
        f"| Python heap peak while submitting and working {args.rows // 10:,} / {args.rows:,} rows "
        f"| {small:.1f} MB / {large:.1f} MB {flat} | flat in the file size |\n"
        f"| PLR read of a learner with 50 events, p50 / p95 / p99 (2,000 reads, each audited) "
        f"| {p50:.2f} / {p95:.2f} {target_read} / {p99:.2f} ms | p95 ≤ 10 ms |\n\n"
        f"Job outcomes: {', '.join(f'{k} {v:,}' for k, v in sorted(counters.items()))}. Rows pick a random learner "
        "and qualification, so a pair drawn twice answers `unchanged`.\n"
    )
    write_section("plr", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
