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
    from splink import DuckDBAPI, Linker, SettingsCreator

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
CREATE TABLE {table} AS
SELECT
    record_id,
    given_name,
    family_name,
    nullif(concat_ws(' ', given_name, family_name), '') AS given_family,
    nullif(date_of_birth, '') AS date_of_birth,
    CASE WHEN gender IN ('1', '2') THEN gender END AS gender,
    nullif(upper(trim(postcode)), '') AS postcode,
    nullif(lower(trim(town)), '') AS town,
    nullif(lower(trim(address_line_1)), '') AS address_line_1
FROM (
    SELECT
        record_id,
        nullif(regexp_replace(lower(strip_accents(given_name)), '[^a-z]', '', 'g'), '') AS given_name,
        nullif(regexp_replace(lower(strip_accents(family_name)), '[^a-z]', '', 'g'), '') AS family_name,
        date_of_birth, gender, postcode, town, address_line_1
    FROM read_csv(?, header = true, all_varchar = true)
)
"""


def splink_settings(*, places: bool = False) -> SettingsCreator:
    """splink's recommended comparisons for these fields; `places` adds the town and the first address line, as
    exact matches with term-frequency adjustment (the register keeps both)."""
    from splink import SettingsCreator, block_on
    from splink import comparison_library as cl

    extra = [cl.ExactMatch("town").configure(term_frequency_adjustments=True),
             cl.LevenshteinAtThresholds("address_line_1", [2]).configure(term_frequency_adjustments=True)] \
        if places else []  # fmt: skip
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
            *extra,
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


def _trained_linker(db: DuckDBAPI, *, seed: int, places: bool) -> Linker:
    from splink import Linker, block_on

    linker = Linker(db.register("learners"), splink_settings(places=places), log_level=logging.WARNING)
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "date_of_birth")], recall=0.7
    )
    training.estimate_u_using_random_sampling(max_pairs=1e7, seed=seed)
    # Each session blocks on two fields and estimates m for the rest; tight rules keep matches in the
    # majority, which EM needs with this few comparisons.
    for rule in EM_BLOCKING_RULES:
        training.estimate_parameters_using_expectation_maximisation(block_on(*rule))
    return linker


def _database(learners_csv: Path) -> DuckDBAPI:
    from splink import DuckDBAPI

    db = DuckDBAPI()
    db.duckdb_con.execute(_CLEAN_SQL.format(table="learners"), [str(learners_csv)])
    return db


def run_splink(learners_csv: Path, threshold: float = DEFAULT_THRESHOLD, *, seed: int = 1,
               places: bool = False) -> PeerRun:  # fmt: skip
    """Dedupe `learners_csv` with a splink model trained without labels; return the pairs at `threshold`."""
    started = time.perf_counter()
    with _peak_rss() as peak:
        db = _database(learners_csv)
        linker = _trained_linker(db, seed=seed, places=places)
        predictions = linker.inference.predict(threshold_match_probability=threshold)
        rows = db.duckdb_con.sql(
            f"SELECT record_id_l, record_id_r FROM {predictions.physical_name}"
        ).fetchall()
        pairs = [(str(a), str(b)) for a, b in rows]
        db.duckdb_con.close()
    return PeerRun(pairs=pairs, seconds=time.perf_counter() - started, peak_rss_mb=peak[0])


def splink_find(learners_csv: Path, queries_csv: Path, possible: float, *, seed: int = 1) -> dict[str, list[str]]:
    """Each query's answers from a splink model trained on `learners_csv` (without town and address, which a
    query lacks): the records whose probability of being the learner asked for reaches `possible`, best first.
    splink's match weight carries its prior of two random records being one learner; it is replaced by the
    prior a find has (one learner among the register's), as the register's own find does."""
    import math

    db = _database(learners_csv)
    db.duckdb_con.execute(_CLEAN_SQL.format(table="queries"), [str(queries_csv)])
    linker = _trained_linker(db, seed=seed, places=False)
    for column in ("given_name", "family_name"):
        linker.table_management.compute_tf_table(column)
    ((records,),) = db.duckdb_con.sql("SELECT count(*) FROM learners").fetchall()
    lam = linker._settings_obj._probability_two_random_records_match  # splink keeps its prior only here
    threshold = math.log2(possible / (1 - possible)) - math.log2(1 / records) + math.log2(lam / (1 - lam))
    predictions = linker.inference.predict_between(
        db.register("learners"), db.register("queries"), threshold_match_weight=threshold
    )
    answers: dict[str, list[str]] = {}
    for found, query in db.duckdb_con.sql(
        f"SELECT record_id_l, record_id_r FROM {predictions.physical_name} ORDER BY match_weight DESC"
    ).fetchall():
        answers.setdefault(str(query), []).append(str(found))
    db.duckdb_con.close()
    return answers


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
