"""Record-linkage peers run on the generated learners, scored against the same truth.

`python -m bench.peers --data DIR` dedupes DIR/learners.csv with splink (DuckDB backend, fully offline) and
prints its pairwise precision, recall, F1, time and peak memory against DIR/truth.csv.
"""

from __future__ import annotations

import argparse
import logging
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .scoring import read_truth, score_pairs

if TYPE_CHECKING:
    from splink import SettingsCreator

DEFAULT_THRESHOLD = 0.9
EM_BLOCKING_RULES = (
    ("date_of_birth", "postcode"),
    ("given_name", "family_name", "date_of_birth"),
    ("given_name", "family_name", "postcode"),
)


@dataclass(frozen=True, slots=True)
class PeerRun:
    pairs: list[tuple[str, str]]
    seconds: float
    peak_rss_mb: float


@contextmanager
def _peak_rss(interval: float = 0.05) -> Iterator[list[float]]:
    """Sample this process's resident memory while the block runs; yields a one-item list holding the peak MB."""
    import psutil

    process = psutil.Process()
    peak = [process.memory_info().rss / 2**20]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(interval):
            peak[0] = max(peak[0], process.memory_info().rss / 2**20)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        stop.set()
        thread.join()
        peak[0] = max(peak[0], process.memory_info().rss / 2**20)


# Standardised the way splink's guides suggest: lower case, accents and punctuation removed, unknown
# gender (0, 9) and empty strings as NULL.
_CLEAN_SQL = """
CREATE TABLE learners AS
SELECT
    record_id,
    given_name,
    family_name,
    nullif(concat_ws(' ', given_name, family_name), '') AS given_family,
    nullif(date_of_birth, '') AS date_of_birth,
    CASE WHEN gender IN ('1', '2') THEN gender END AS gender,
    nullif(upper(trim(postcode)), '') AS postcode
FROM (
    SELECT
        record_id,
        nullif(regexp_replace(lower(strip_accents(given_name)), '[^a-z]', '', 'g'), '') AS given_name,
        nullif(regexp_replace(lower(strip_accents(family_name)), '[^a-z]', '', 'g'), '') AS family_name,
        date_of_birth, gender, postcode
    FROM read_csv(?, header = true, all_varchar = true)
)
"""


def splink_settings() -> SettingsCreator:
    from splink import SettingsCreator, block_on
    from splink import comparison_library as cl

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=[
            cl.ForenameSurnameComparison(
                "given_name", "family_name", forename_surname_concat_col_name="given_family"
            ),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
            cl.ExactMatch("gender"),
            cl.PostcodeComparison("postcode"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "family_name"),
            block_on("date_of_birth", "family_name"),
            block_on("date_of_birth", "given_name"),
            block_on("date_of_birth", "postcode"),
            block_on("postcode", "given_name"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def run_splink(learners_csv: Path, threshold: float = DEFAULT_THRESHOLD, *, seed: int = 1) -> PeerRun:
    """Dedupe `learners_csv` with a splink model trained without labels; return the pairs at `threshold`."""
    from splink import DuckDBAPI, Linker, block_on

    started = time.perf_counter()
    with _peak_rss() as peak:
        db = DuckDBAPI()
        db.duckdb_con.execute(_CLEAN_SQL, [str(learners_csv)])
        linker = Linker(db.register("learners"), splink_settings(), log_level=logging.WARNING)
        training = linker.training
        training.estimate_probability_two_random_records_match(
            [block_on("given_name", "family_name", "date_of_birth")], recall=0.7
        )
        training.estimate_u_using_random_sampling(max_pairs=1e7, seed=seed)
        # Each session blocks on two fields and estimates m for the rest; tight rules keep matches in the
        # majority, which EM needs with this few comparisons.
        for rule in EM_BLOCKING_RULES:
            training.estimate_parameters_using_expectation_maximisation(block_on(*rule))
        predictions = linker.inference.predict(threshold_match_probability=threshold)
        rows = db.duckdb_con.sql(
            f"SELECT record_id_l, record_id_r FROM {predictions.physical_name}"
        ).fetchall()
        pairs = [(str(a), str(b)) for a, b in rows]
        db.duckdb_con.close()
    return PeerRun(pairs=pairs, seconds=time.perf_counter() - started, peak_rss_mb=peak[0])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peers", description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="folder holding learners.csv and truth.csv")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD, help="match probability")
    args = parser.parse_args(argv)

    import splink

    truth = read_truth(args.data / "truth.csv")
    run = run_splink(args.data / "learners.csv", args.threshold)
    score = score_pairs(run.pairs, truth)
    print(f"splink {splink.__version__} on {len(truth)} learners, threshold {args.threshold}")
    print(f"  {score}")
    print(f"  {len(run.pairs)} pairs predicted in {run.seconds:.1f}s, peak RSS {run.peak_rss_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
