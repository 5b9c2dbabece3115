"""The duplicate scan of a register `bench.register` loaded, with one or more match model files, side by side.

`python -m bench.match_scan --database FILE --learners N [--seed S] [--probability P] MODEL.json ...` reads the
generator's truth for the same N and seed, runs `MergingService.scan_duplicates` with each model and prints its
time, pairs, precision, recall, F1 and the true pairs missed by the corruption that made them. Model files come
from `learner-records matching train` (`--learn-m` for the EM variant). `--splink` also runs splink on the
learners.csv beside the database (the same records), with the bench's settings and with town and address line.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from learner_records.bootstrap import bootstrap
from learner_records.config import Settings

from .generate import generate_learners
from .peers import DEFAULT_THRESHOLD
from .register import ScanRun, duplicate_scan, splink_run


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.match_scan", description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, required=True, help="the SQLite register bench.register loaded")
    parser.add_argument("--learners", type=int, required=True, help="learners generated for it")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--probability", type=float, default=0.95, help="the duplicate threshold")
    parser.add_argument("--splink", action="store_true", help="run splink on the same records too")
    parser.add_argument("models", nargs="*", type=Path)
    args = parser.parse_args(argv)
    loaded = []
    for model in args.models:
        settings = Settings(database_url=f"sqlite:///{args.database}", match_model=str(model),
                            duplicate_probability=args.probability)  # fmt: skip
        services = bootstrap(settings)
        with services.uow() as uow:
            stored = {record.uln for record in uow.learners.iter_records()}
        loaded = [learner for learner in generate_learners(args.learners, args.seed) if learner.uln in stored]
        _report(model.name, duplicate_scan(services, loaded))
    if args.splink:
        if not loaded:
            with bootstrap(Settings(database_url=f"sqlite:///{args.database}")).uow() as uow:
                stored = {record.uln for record in uow.learners.iter_records()}
            loaded = [learner for learner in generate_learners(args.learners, args.seed) if learner.uln in stored]
        csv_path = args.database.parent / "learners.csv"
        for places in (False, True):
            name = f"splink{' with town and address line' if places else ''}, threshold {DEFAULT_THRESHOLD}"
            _report(name, splink_run(csv_path, loaded, DEFAULT_THRESHOLD, places=places))
    return 0


def _report(name: str, run: ScanRun) -> None:
    print(f"{name}: {run.seconds:.1f} s, {run.pairs:,} pairs, {run.score}")
    missed = ", ".join(f"{kind or 'original'} {n}" for kind, n in run.missed.most_common(8))
    print(f"  missed by corruption: {missed}")


if __name__ == "__main__":
    raise SystemExit(main())
