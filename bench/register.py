"""Register benchmarks: bulk load, find by ULN, verify, find by demographics and the duplicate scan (vs splink).

`python -m bench.register --backend sqlite|postgresql|both --learners 1000000 [--postgres-url URL]`

Everything goes through the app's services (bootstrap), on a register loaded with `bench.generate` learners.
Without `--postgres-url` a throwaway PostgreSQL 15 is started with its default settings (fsync on) and stopped
at the end; with one, a fresh database is created on that server and dropped afterwards. Each figure is the
median of `--repeats` runs (the load and the scan run once). The backend's section of bench/RESULTS.md is
rewritten at the end of its run; other sections are kept.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import dataclasses
import datetime as dt
import os
import platform
import pstats
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from learner_records.adapters.sql.migrate import upgrade
from learner_records.bootstrap import Services, bootstrap
from learner_records.config import Settings
from learner_records.domain import uln as uln_rules
from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.codes import ResponseCode, VerificationCode
from learner_records.domain.learner import AbilityToShare, Gender, Learner, LearnerDetails
from learner_records.domain.matching import Demographics, VerificationQuery
from learner_records.domain.names import normalise_name, normalise_postcode

from .generate import LEARNER_COLUMNS, GeneratedLearner, generate_learners, nicknames, typo
from .peers import DEFAULT_THRESHOLD, _peak_rss, run_splink
from .scoring import PairScore, score_pairs

ACTOR = Actor(OrganisationKind.REGISTER_ADMINISTRATOR, "bench")
BATCH = 10_000
VERIFY_BATCH = 200
RESULTS = Path(__file__).with_name("RESULTS.md")
PGBIN = Path("/usr/lib/postgresql/15/bin")
NOW = dt.datetime(2026, 11, 30, 9, 0, 0)

# stack.md section 4 (medians of 3 on this machine)
CEILINGS = {
    "sqlite": {
        "load": "176k rows/s (raw `executemany`, 6 columns, no key table)",
        "size": "57.5 MB (raw 6-column table, no index)",
        "uln": "78k/s raw PK lookup (137k/s `WITHOUT ROWID`); 20k/s via SQLAlchemy `text()`",
        "verify1": "78k/s (137k/s `WITHOUT ROWID`) raw PK lookup",
        "verify200": "238k keys/s (1000 keys per `json_each` query)",
        "demo": "0.013 ms per (dob, family) index lookup (77k/s)",
    },
    "postgresql": {
        "load": "81k rows/s `executemany`; 213k rows/s COPY",
        "size": "154 MB (raw table + 2 indexes)",
        "uln": "19.5k/s raw PK lookup",
        "verify1": "19.5k/s raw PK lookup",
        "verify200": "133k keys/s (`= ANY(array)`, 1000 keys)",
        "demo": "0.050 ms per (dob, family) index lookup (20.1k/s)",
    },
}


def say(message: str) -> None:
    print(message, flush=True)


# --- data --------------------------------------------------------------------------------------------------------


def identity(g: GeneratedLearner) -> tuple[object, ...]:
    """The five mandatory fields as the learner table's unique index sees them."""
    return (g.date_of_birth, normalise_name(g.family_name), normalise_name(g.given_name), g.gender,
            normalise_postcode(g.postcode))  # fmt: skip


def to_learner(g: GeneratedLearner) -> Learner:
    details = LearnerDetails(
        given_name=g.given_name, family_name=g.family_name, date_of_birth=g.date_of_birth, gender=Gender(g.gender),
        postcode=g.postcode, ability_to_share=AbilityToShare.SHARE, middle_other_name=g.middle_name or None,
        previous_family_name=g.previous_family_name or None, town=g.town or None,
        address_line_1=g.address_line_1 or None,
    )  # fmt: skip
    return Learner(uln=g.uln, details=details, created_at=NOW, updated_at=NOW)


@dataclass
class Dataset:
    loaded: list[GeneratedLearner]
    skipped: int
    duplicates: int  # loaded records that are a second record of a person
    csv_path: Path
    seconds: float


def make_dataset(count: int, seed: int, workdir: Path) -> Dataset:
    """Generate `count` learners, drop those whose identity repeats a kept one, write the kept ones as CSV."""
    started = time.perf_counter()
    seen: set[tuple[object, ...]] = set()
    loaded: list[GeneratedLearner] = []
    skipped = 0
    csv_path = workdir / "learners.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(LEARNER_COLUMNS)
        for g in generate_learners(count, seed):
            key = identity(g)
            if key in seen:
                skipped += 1
                continue
            seen.add(key)
            loaded.append(g)
            writer.writerow(g.as_row())
    duplicates = sum(1 for g in loaded if g.corruption)
    return Dataset(loaded, skipped, duplicates, csv_path, time.perf_counter() - started)


# --- databases ---------------------------------------------------------------------------------------------------


@contextmanager
def own_postgres() -> Iterator[str]:
    """A throwaway PostgreSQL 15 with default settings (fsync on); yields its admin URL."""
    folder = Path(tempfile.mkdtemp(prefix="lr-bench-pg."))
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"
    port = 20000 + random.SystemRandom().randrange(20000)
    run = lambda *args: subprocess.run([*as_postgres, *map(str, args)], check=True, capture_output=True)  # noqa: E731
    try:
        run(PGBIN / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "-N")
        run(PGBIN / "pg_ctl", "-D", data, "-l", folder / "log", "-w", "-o",
            f"-p {port} -k {folder} -c listen_addresses=''", "start")  # fmt: skip
        yield f"postgresql+psycopg://postgres@/postgres?host={folder}&port={port}"
    finally:
        subprocess.run([*as_postgres, str(PGBIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def fresh_database(backend: str, workdir: Path, postgres_url: str | None) -> Iterator[str]:
    if backend == "sqlite":
        path = workdir / "register.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        yield f"sqlite:///{path}"
        return
    with own_postgres() if postgres_url is None else _nullcontext(postgres_url) as admin_url:
        name = f"lr_bench_{os.getpid()}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            connection.execute(text(f"CREATE DATABASE {name}"))
        try:
            yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            admin.dispose()


@contextmanager
def _nullcontext(value: str) -> Iterator[str]:
    yield value


def database_size_mb(services: Services, url: str) -> float:
    assert services.engine is not None
    if url.startswith("sqlite"):
        with services.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        path = Path(url.split("///", 1)[1])
        return sum(Path(f"{path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{path}{s}").exists()) / 1e6
    with services.engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_database_size(current_database())")).scalar_one()) / 1e6


def server_version(services: Services) -> str:
    assert services.engine is not None
    if services.engine.dialect.name == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    with services.engine.connect() as connection:
        return "PostgreSQL " + str(connection.execute(text("SHOW server_version")).scalar_one())


# --- workloads ---------------------------------------------------------------------------------------------------


def load(services: Services, loaded: Sequence[GeneratedLearner]) -> tuple[float, int]:
    """Bulk load through the SQL repository's add_many, one unit of work per batch of 10,000.

    Returns learners/s and how many learners add_many refused."""
    assert services.engine is not None
    refused = 0
    started = time.perf_counter()
    for start in range(0, len(loaded), BATCH):
        batch = [to_learner(g) for g in loaded[start : start + BATCH]]
        with services.uow(write=True) as uow:
            stored = uow.learners.add_many(batch)  # type: ignore[attr-defined]  # a bulk path of the SQL adapter
            uow.commit()
        if isinstance(stored, list):  # the ULNs stored; the rest were refused as repeats of a stored identity
            refused += len(batch) - len(stored)
        if (start // BATCH) % 20 == 19:
            done = start + len(batch)
            say(f"    {done:,} loaded, {done / (time.perf_counter() - started):,.0f}/s")
    return len(loaded) / (time.perf_counter() - started), refused


def find_by_uln(services: Services, ulns: Sequence[str]) -> tuple[float, int]:
    """Lookups per second and how many answers were not the exact learner asked for."""
    wrong = 0
    started = time.perf_counter()
    for uln in ulns:
        found = services.register.find_by_uln(ACTOR, uln)
        wrong += found.code != ResponseCode.EXACT_MATCH or found.learner is None or found.learner.uln != uln
    return len(ulns) / (time.perf_counter() - started), wrong


_EXPECTED_VERIFY = {
    "exact": VerificationCode.MATCH, "typo/nickname": VerificationCode.SIMILAR_MATCH,
    "unknown ULN": VerificationCode.ULN_NOT_FOUND, "another learner's ULN": VerificationCode.NO_MATCH,
}  # fmt: skip


def verify_queries(rng: random.Random, loaded: Sequence[GeneratedLearner], ulns: set[str],
                   count: int) -> list[tuple[str, VerificationQuery]]:  # fmt: skip
    """80% exact, 10% a typo or nickname in a name, 5% a ULN not on the register, 5% another learner's ULN."""
    queries = []
    for _ in range(count):
        g = loaded[rng.randrange(len(loaded))]
        given, family, uln, kind = g.given_name, g.family_name, g.uln, "exact"
        roll = rng.random()
        if roll < 0.10:
            kind = "typo/nickname"
            options = nicknames(given)
            if options and rng.random() < 0.4:
                given = rng.choice(options)
            elif rng.random() < 0.5 and (changed := typo(rng, given)):
                given = changed
            else:
                family = typo(rng, family) or family + "e"
        elif roll < 0.15:
            kind, uln = "unknown ULN", unknown_uln(rng, ulns)
        elif roll < 0.20:
            kind, uln = "another learner's ULN", loaded[rng.randrange(len(loaded))].uln
        queries.append((kind, VerificationQuery(uln, given, family, g.date_of_birth, g.gender)))
    return queries


def unknown_uln(rng: random.Random, ulns: set[str]) -> str:
    while (value := uln_rules.generate(rng.randrange)) in ulns:
        pass
    return value


def verify(services: Services, queries: Sequence[tuple[str, VerificationQuery]], size: int,
           surprises: Counter[str]) -> float:  # fmt: skip
    """Learners verified per second, calling verify with `size` queries at a time; counts unexpected codes."""
    started = time.perf_counter()
    answers = []
    for start in range(0, len(queries), size):
        answers += services.register.verify(ACTOR, [q for _, q in queries[start : start + size]])
    seconds = time.perf_counter() - started
    for (kind, _), answer in zip(queries, answers, strict=True):
        if answer.result.code != _EXPECTED_VERIFY[kind]:
            surprises[f"{kind} -> {answer.result.code.value}"] += 1
    return len(queries) / seconds


def demographic_queries(rng: random.Random, loaded: Sequence[GeneratedLearner], identities: set[tuple[object, ...]],
                        count: int, seed: int) -> list[tuple[str, str | None, Demographics]]:  # fmt: skip
    """50% exact, 35% corrupted (typo, nickname, moved postcode, day/month swapped), 15% people not registered."""
    strangers = (g for g in generate_learners(count * 4, seed + 7919, 0.0) if identity(g) not in identities)
    queries: list[tuple[str, str | None, Demographics]] = []
    for _ in range(count):
        roll = rng.random()
        if roll >= 0.85:
            g = next(strangers)
            queries.append(("not registered", None, _demographics(g)))
            continue
        g = loaded[rng.randrange(len(loaded))]
        query = _demographics(g)
        kind = "exact"
        if roll >= 0.5:
            kind, query = _corrupted(rng, g, query)
        queries.append((kind, g.uln, query))
    return queries


def _demographics(g: GeneratedLearner, **changes: Any) -> Demographics:
    exact = Demographics(
        given_name=g.given_name,
        family_name=g.family_name,
        date_of_birth=g.date_of_birth,
        gender=g.gender,
        postcode=g.postcode,
        previous_family_name=g.previous_family_name or None,
    )
    return dataclasses.replace(exact, **changes)


def _corrupted(rng: random.Random, g: GeneratedLearner, exact: Demographics) -> tuple[str, Demographics]:
    kind = rng.choice(("typo", "nickname", "moved", "day/month swapped"))
    if kind == "nickname" and nicknames(g.given_name):
        return kind, _demographics(g, given_name=rng.choice(nicknames(g.given_name)))
    dob = g.date_of_birth
    if kind == "day/month swapped" and dob.day <= 12 and dob.day != dob.month:
        return kind, _demographics(g, date_of_birth=dob.replace(month=dob.day, day=dob.month))
    if kind == "moved":
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        outward = g.postcode.split()[0]
        inward = f"{rng.randrange(10)}{rng.choice(letters)}{rng.choice(letters)}"
        if f"{outward} {inward}" != g.postcode:
            return kind, _demographics(g, postcode=f"{outward} {inward}")
    key = "given_name" if rng.random() < 0.5 else "family_name"
    changed = typo(rng, getattr(g, key))
    if changed is None:
        return "exact", exact
    return "typo", _demographics(g, **{key: changed})


@dataclass
class DemographicRun:
    latencies_ms: list[float]
    outcomes: Counter[str] = field(default_factory=Counter)


def find_by_demographics(services: Services, queries: Sequence[tuple[str, str | None, Demographics]],
                         person_of: dict[str, str]) -> DemographicRun:  # fmt: skip
    run = DemographicRun([])
    clock = time.perf_counter
    for kind, uln, query in queries:
        started = clock()
        answer = services.register.find_by_demographics(ACTOR, query)
        run.latencies_ms.append((clock() - started) * 1000)
        shown = {u for m in answer.matches for u in (m.learner.uln, m.matched_uln)}
        if uln is None:
            target = ""
        elif uln in shown:
            target = " (learner found)"
        elif any(person_of.get(u) == person_of[uln] for u in shown):
            target = " (learner's other record found)"
        else:
            target = " (learner NOT found)"
        run.outcomes[f"{kind}: {answer.code.value}{target}"] += 1
    return run


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass
class ScanRun:
    seconds: float
    pairs: int
    peak_mb: float
    score: PairScore
    missed: Counter[str] = field(default_factory=Counter)  # false negatives by the corruption that made them


def missed_by_corruption(predicted: Sequence[tuple[str, str]], loaded: Sequence[GeneratedLearner]) -> Counter[str]:
    """The true pairs not predicted, by the corruption of the record(s) that differ from the original."""
    predicted_set = {(a, b) if a <= b else (b, a) for a, b in predicted}
    by_person: dict[str, list[GeneratedLearner]] = {}
    for g in loaded:
        by_person.setdefault(g.person_id, []).append(g)
    missed: Counter[str] = Counter()
    for records in by_person.values():
        for i, a in enumerate(records):
            for b in records[i + 1 :]:
                pair = (a.record_id, b.record_id) if a.record_id <= b.record_id else (b.record_id, a.record_id)
                if pair not in predicted_set:
                    missed[" + ".join(c for c in (a.corruption, b.corruption) if c) or "none"] += 1
    return missed


def duplicate_scan(services: Services, loaded: Sequence[GeneratedLearner]) -> ScanRun:
    import psutil

    baseline = psutil.Process().memory_info().rss / 2**20
    started = time.perf_counter()
    with _peak_rss() as peak:
        pairs = services.merging.scan_duplicates(ACTOR)
    seconds = time.perf_counter() - started
    record_of = {g.uln: g.record_id for g in loaded}
    truth = {g.record_id: g.person_id for g in loaded}
    predicted = [(record_of[p.first.uln], record_of[p.second.uln]) for p in pairs]
    return ScanRun(seconds, len(pairs), peak[0] - baseline, score_pairs(predicted, truth),
                   missed_by_corruption(predicted, loaded))  # fmt: skip


def splink_run(csv_path: Path, loaded: Sequence[GeneratedLearner], threshold: float, *,
               places: bool = False) -> ScanRun:  # fmt: skip
    import psutil

    truth = {g.record_id: g.person_id for g in loaded}
    baseline = psutil.Process().memory_info().rss / 2**20
    run = run_splink(csv_path, threshold, places=places)
    pairs = [(a, b) for a, b in run.pairs if a in truth and b in truth]
    return ScanRun(run.seconds, len(pairs), run.peak_rss_mb - baseline, score_pairs(pairs, truth),
                   missed_by_corruption(pairs, loaded))  # fmt: skip


# --- the run -----------------------------------------------------------------------------------------------------


@dataclass
class Figures:
    backend: str
    version: str = ""
    learners: int = 0
    load_rate: float = 0.0
    load_seconds: float = 0.0
    size_mb: float = 0.0
    uln_rate: float = 0.0
    uln_wrong: int = 0
    uln_calls: int = 0
    verify1_rate: float = 0.0
    verify1_calls: int = 0
    verify200_rate: float = 0.0
    verify200_learners: int = 0
    verify_surprises: Counter[str] = field(default_factory=Counter)
    demo_p: tuple[float, float, float] = (0.0, 0.0, 0.0)
    demo_queries: int = 0
    demo_outcomes: Counter[str] = field(default_factory=Counter)
    scan: ScanRun | None = None
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    repeats: int = 3
    code: str = ""


def median_of(repeats: int, measure: Callable[[], float], label: str, unit: str) -> float:
    values = []
    for i in range(repeats):
        values.append(measure())
        say(f"  {label} run {i + 1}: {values[-1]:,.0f} {unit}")
    return statistics.median(values)


def run_backend(backend: str, args: argparse.Namespace, data: Dataset, splink: ScanRun | None) -> Figures:
    figures = Figures(backend, learners=len(data.loaded), repeats=args.repeats, code=args.code)
    started = time.perf_counter()
    rng = random.Random(args.seed * 1000 + 17)
    with fresh_database(backend, args.workdir, args.postgres_url) as url:
        upgrade(url)
        services = bootstrap(Settings(database_url=url))
        assert services.engine is not None
        figures.version = server_version(services)
        say(f"[{backend}] {figures.version}: loading {len(data.loaded):,} learners")
        t0 = time.perf_counter()
        figures.load_rate, refused = load(services, data.loaded)
        if refused:
            figures.errors.append(f"add_many refused {refused:,} learners whose identities the bench thought unique")
        figures.load_seconds = time.perf_counter() - t0
        if backend == "postgresql":
            with services.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")  # what autovacuum would do shortly after a bulk load
        figures.size_mb = database_size_mb(services, url)
        say(f"  load: {figures.load_rate:,.0f} learners/s ({figures.load_seconds:.1f} s), {figures.size_mb:,.0f} MB")

        ulns = [g.uln for g in data.loaded]
        uln_set = set(ulns)
        figures.uln_calls = args.uln_calls

        def uln_once() -> float:
            rate, wrong = find_by_uln(services, [rng.choice(ulns) for _ in range(args.uln_calls)])
            figures.uln_wrong += wrong
            return rate

        figures.uln_rate = median_of(args.repeats, uln_once, "find_by_uln", "lookups/s")

        figures.verify1_calls = args.verify_single
        figures.verify1_rate = median_of(args.repeats, lambda: verify(
            services, verify_queries(rng, data.loaded, uln_set, args.verify_single), 1, figures.verify_surprises),
            "verify x1", "learners/s")  # fmt: skip
        figures.verify200_learners = args.verify_batched
        figures.verify200_rate = median_of(args.repeats, lambda: verify(
            services, verify_queries(rng, data.loaded, uln_set, args.verify_batched), VERIFY_BATCH,
            figures.verify_surprises), "verify x200", "learners/s")  # fmt: skip

        identities = {identity(g) for g in data.loaded}
        person_of = {g.uln: g.person_id for g in data.loaded}
        figures.demo_queries = args.demographics
        runs = []
        for i in range(args.repeats):
            queries = demographic_queries(rng, data.loaded, identities, args.demographics, args.seed + i)
            runs.append(find_by_demographics(services, queries, person_of))
            p = [percentile(runs[-1].latencies_ms, s) for s in (0.5, 0.95, 0.99)]
            say(f"  find_by_demographics run {i + 1}: p50 {p[0]:.2f} ms, p95 {p[1]:.2f} ms, p99 {p[2]:.2f} ms")
            figures.demo_outcomes.update(runs[-1].outcomes)
        figures.demo_p = tuple(  # type: ignore[assignment]
            statistics.median(percentile(r.latencies_ms, s) for r in runs) for s in (0.5, 0.95, 0.99)
        )
        del identities

        if not args.no_scan:
            say("  duplicate scan ...")
            figures.scan = duplicate_scan(services, data.loaded)
            say(f"  scan: {figures.scan.seconds:.1f} s, {figures.scan.pairs:,} pairs, {figures.scan.score}")
            if splink:
                say(f"  splink: {splink.seconds:.1f} s, {splink.pairs:,} pairs, {splink.score}")

        if args.profile:
            profile(services, args, data, rng, uln_set)
        services.engine.dispose()
    figures.seconds = time.perf_counter() - started
    return figures


def profile(services: Services, args: argparse.Namespace, data: Dataset, rng: random.Random,
            uln_set: set[str]) -> None:  # fmt: skip
    """One more (smaller) run of each workload under cProfile; stats go to --profile DIR, the top is printed."""
    ulns = [g.uln for g in data.loaded]
    identities = {identity(g) for g in data.loaded}
    dummy: Counter[str] = Counter()
    workloads: dict[str, Callable[[], object]] = {
        "find_by_uln": lambda: find_by_uln(services, [rng.choice(ulns) for _ in range(5000)]),
        "verify_x1": lambda: verify(services, verify_queries(rng, data.loaded, uln_set, 3000), 1, dummy),
        "verify_x200": lambda: verify(services, verify_queries(rng, data.loaded, uln_set, 20000), 200, dummy),
        "find_by_demographics": lambda: find_by_demographics(
            services, demographic_queries(rng, data.loaded, identities, 500, args.seed + 99),
            {g.uln: g.person_id for g in data.loaded}),
        "scan": lambda: services.merging.scan_duplicates(ACTOR),
    }  # fmt: skip
    args.profile.mkdir(parents=True, exist_ok=True)
    for name, work in workloads.items():
        profiler = cProfile.Profile()
        profiler.runcall(work)
        path = args.profile / f"{services.engine.dialect.name}-{name}.prof"  # type: ignore[union-attr]
        profiler.dump_stats(path)
        say(f"\n=== profile {name} ({path}) ===")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(14)


# --- RESULTS.md --------------------------------------------------------------------------------------------------

_HEADER = """# Register benchmarks

Written by `python -m bench.register` (see README.md): each backend's section is regenerated by its run.
Targets are the issue's, set for SQLite at 1,000,000 learners; ceilings are the raw-driver baselines of
`shared/reference/stack.md` section 4 on this machine. Rates are medians of 3 runs; the load and the scan run once.
"""


def machine() -> str:
    import psutil

    memory = psutil.virtual_memory().total / 2**30
    return (f"{os.cpu_count()} cores, {memory:.0f} GiB, {platform.platform(terse=True)}, "
            f"Python {platform.python_version()}")  # fmt: skip


def _fmt_score(s: PairScore) -> tuple[str, str, str]:
    return f"{s.precision:.4f}", f"{s.recall:.4f}", f"{s.f1:.4f}"


def render(figures: Figures, data: Dataset, splink: ScanRun | None, command: str) -> str:
    c = CEILINGS[figures.backend]
    target_note = "" if figures.backend == "sqlite" else " (SQLite's)"
    p50, p95, p99 = figures.demo_p
    ok = lambda passed: " ✅" if passed else " ❌"  # noqa: E731
    lines = [
        f"## {figures.backend} — {figures.learners:,} learners",
        "",
        f"- Run {dt.datetime.now().strftime('%Y-%m-%d %H:%M')} on {machine()}, {figures.version}"
        + (
            ", server defaults (fsync on, shared_buffers 128 MB), `VACUUM ANALYZE` after the load"
            if figures.backend == "postgresql"
            else ", WAL, synchronous=NORMAL (the app's engine)"
        )
        + f"; whole run {figures.seconds / 60:.1f} min.",
        f"- Command: `{command}` ({figures.code})",
        f"- Data: `bench.generate` seed {data_seed(command)}, {figures.learners + data.skipped:,} generated, "
        f"{data.skipped:,} skipped because their five normalised mandatory fields repeat an earlier learner's "
        f"(the register refuses them, WSRC0021); {figures.learners:,} loaded, {data.duplicates:,} of them second "
        "records of a person.",
        "",
        f"| figure | measured | target{target_note} | ceiling (stack.md §4) |",
        "|---|---|---|---|",
        f"| bulk load, `add_many` 10,000/transaction | {figures.load_rate:,.0f} learners/s "
        f"({figures.load_seconds:.0f} s) | – | {c['load']} |",
        f"| database size after load | {figures.size_mb:,.0f} MB | – | {c['size']} |",
        f"| find_by_uln, 1 per call ({figures.uln_calls:,} calls) | {figures.uln_rate:,.0f}/s"
        f"{ok(figures.uln_rate >= 20_000)} | ≥ 20,000/s | {c['uln']} |",
        f"| verify, 1 per call ({figures.verify1_calls:,} calls) | {figures.verify1_rate:,.0f} learners/s | – "
        f"| {c['verify1']} |",
        f"| verify, 200 per call ({figures.verify200_learners:,} learners) | {figures.verify200_rate:,.0f} "
        f"learners/s{ok(figures.verify200_rate >= 100_000)} | ≥ 100,000/s | {c['verify200']} |",
        f"| find_by_demographics p50 / p95 / p99 ({figures.demo_queries:,} queries) | {p50:.2f} / {p95:.2f}"
        f"{ok(p95 <= 5)} / {p99:.2f} ms | p95 ≤ 5 ms | {c['demo']} |",
    ]
    if figures.scan:
        s = figures.scan
        prec, rec, f1 = _fmt_score(s.score)
        beats = splink is None or s.score.f1 > splink.score.f1
        lines += [
            f"| duplicate scan, whole register | {s.seconds:.1f} s, {s.pairs:,} pairs | – | "
            + (f"splink {splink.seconds:.1f} s |" if splink else "– |"),
            f"| scan precision / recall / F1 | {prec}{ok(s.score.precision >= 0.995)} / {rec}"
            f"{ok(s.score.recall >= 0.99)} / {f1}{ok(beats)} | ≥ 0.995 / ≥ 0.99 / > splink | "
            + ("splink {} / {} / {} |".format(*_fmt_score(splink.score)) if splink else "– |"),
        ]
    if figures.scan:
        lines += ["", "Duplicate scan and splink on the same loaded records, scored against the generator's truth:", "",
                  "| system | time | peak RSS increase | pairs | precision | recall | F1 | TP | FP | FN |",
                  "|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
        for name, run in (("learner-records scan", figures.scan), (f"splink (threshold {DEFAULT_THRESHOLD})", splink)):
            if run is None:
                continue
            sc = run.score
            lines.append(f"| {name} | {run.seconds:.1f} s | {run.peak_mb:,.0f} MB | {run.pairs:,} | "
                         + " | ".join(_fmt_score(sc)) + f" | {sc.true_positives:,} | {sc.false_positives:,} | "
                         f"{sc.false_negatives:,} |")  # fmt: skip
    if figures.scan:
        for name, run in (("learner-records scan", figures.scan), ("splink", splink)):
            if run is not None and run.missed:
                top = ", ".join(f"{kind} {n:,}" for kind, n in run.missed.most_common(8))
                lines.append(f"\n{name} missed pairs by corruption (top 8 of {sum(run.missed.values()):,}): {top}.")
    lines += ["", "Answers (all repetitions):", ""]
    lookups = figures.uln_calls * figures.repeats
    lines.append(
        f"- find_by_uln: {figures.uln_wrong} of {lookups:,} lookups not answered WSRC0004 with the learner asked for."
    )
    surprises = ", ".join(f"{k}: {v}" for k, v in figures.verify_surprises.most_common()) or "none"
    lines.append("- verify (80% exact → WSVRC001, 10% typo/nickname → WSVRC003, 5% unknown ULN → WSVRC006, "
                 f"5% another learner's ULN → WSVRC005); other answers: {surprises}.")  # fmt: skip
    outcomes = "; ".join(f"{k}: {v}" for k, v in sorted(figures.demo_outcomes.items()))
    lines.append(f"- find_by_demographics (50% exact, 35% corrupted, 15% not registered): {outcomes}.")
    if figures.errors:
        lines.append("- Errors: " + "; ".join(figures.errors))
    return "\n".join(lines) + "\n"


def code_version() -> str:
    """The app code measured: the commit, and whether src/ had uncommitted changes (read once, at start)."""
    import learner_records

    package = Path(learner_records.__file__).resolve().parent
    stamp = package.parent.parent / "COMMIT"  # an exported tree: `git archive HEAD src | tar -x`, plus this file
    if stamp.exists():
        return f"commit {stamp.read_text().strip()}, from a clean export of that commit"
    root = Path(__file__).resolve().parent.parent
    if package != root / "src" / "learner_records":
        return f"learner_records from {package}"
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"], cwd=root, capture_output=True, text=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown commit"
    return f"commit {commit}" + (" with uncommitted changes in src/" if dirty else "")


def data_seed(command: str) -> str:
    parts = command.split()
    return parts[parts.index("--seed") + 1] if "--seed" in parts else "1"


def write_section(backend: str, body: str, path: Path = RESULTS) -> None:
    start, end = f"<!-- {backend}:start -->", f"<!-- {backend}:end -->"
    old = path.read_text(encoding="utf-8") if path.exists() else _HEADER
    block = f"{start}\n{body}{end}"
    if start in old and end in old:
        before, rest = old.split(start, 1)
        new = before + block + rest.split(end, 1)[1]
    elif backend == "sqlite" and "<!-- postgresql:start -->" in old:
        before, rest = old.split("<!-- postgresql:start -->", 1)
        new = before + block + "\n\n<!-- postgresql:start -->" + rest
    else:
        new = old.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(new, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.register", description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--learners", type=int, default=1_000_000, help="learners generated (default 1,000,000)")
    parser.add_argument("--postgres-url", help="an existing server (a database is created on it and dropped)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--uln-calls", type=int, default=20_000)
    parser.add_argument("--verify-single", type=int, default=10_000)
    parser.add_argument("--verify-batched", type=int, default=100_000)
    parser.add_argument("--demographics", type=int, default=2_000)
    parser.add_argument("--no-scan", action="store_true", help="skip the duplicate scan and splink")
    parser.add_argument("--no-splink", action="store_true")
    parser.add_argument("--splink-threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "learner-records-bench")
    parser.add_argument("--results", type=Path, default=RESULTS, help="the Markdown file to update")
    parser.add_argument("--no-results", action="store_true", help="do not update the results file")
    parser.add_argument("--profile", type=Path, help="also profile each workload once; .prof files go here")
    args = parser.parse_args(argv)
    command = "python -m bench.register " + " ".join(sys.argv[1:] if argv is None else argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    args.code = code_version()
    say(f"measuring {args.code}")

    data = make_dataset(args.learners, args.seed, args.workdir)
    say(f"{args.learners:,} generated, {len(data.loaded):,} kept ({data.skipped:,} identity repeats skipped, "
        f"{data.duplicates:,} second records) in {data.seconds:.1f} s")  # fmt: skip
    splink = None
    if not (args.no_scan or args.no_splink):
        say("splink ...")
        splink = splink_run(data.csv_path, data.loaded, args.splink_threshold)
        say(f"  splink: {splink.seconds:.1f} s, {splink.pairs:,} pairs, peak +{splink.peak_mb:,.0f} MB, {splink.score}")
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    for backend in backends:
        figures = run_backend(backend, args, data, splink)
        say(f"[{backend}] done in {figures.seconds / 60:.1f} min")
        body = render(figures, data, splink, command)
        say(body)
        if not args.no_results:
            write_section(backend, body, args.results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
