"""Which store errors a job waits out, and how long it waits."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import psycopg.errors
import pytest

from learner_records.adapters.sql.transient import transient_reason
from learner_records.bootstrap import job_timing
from learner_records.config import Settings
from learner_records.services.job_timing import JobTiming


def sqlite_error(*statements: str) -> sqlite3.Error:
    connection = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for statement in statements:
            connection.execute(statement)
    except sqlite3.Error as error:
        return error
    finally:
        connection.close()
    raise AssertionError("the statements did not fail")


def test_a_full_disk_is_waited_out_and_a_bug_or_bad_data_is_not() -> None:
    full = sqlite_error("CREATE TABLE t (x)", "PRAGMA max_page_count = 1", "INSERT INTO t VALUES (randomblob(9000))")
    assert transient_reason(full) == "SQLITE_FULL"
    assert transient_reason(sqlite_error("SELECT * FROM missing")) is None  # a bug: no such table
    duplicate = sqlite_error("CREATE TABLE t (x UNIQUE)", "INSERT INTO t VALUES (1)", "INSERT INTO t VALUES (1)")
    assert transient_reason(duplicate) is None
    assert transient_reason(RuntimeError("anything else")) is None


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (psycopg.errors.DiskFull("no space"), "DiskFull 53100"),
        (psycopg.errors.SerializationFailure("retry"), "SerializationFailure 40001"),
        (psycopg.errors.DeadlockDetected("deadlock"), "DeadlockDetected 40P01"),
        (psycopg.errors.AdminShutdown("terminated"), "AdminShutdown 57P01"),
        (psycopg.OperationalError("server closed the connection unexpectedly"), "OperationalError (connection)"),
        (psycopg.errors.UniqueViolation("duplicate key value"), None),
        (psycopg.errors.UndefinedTable("no such relation"), None),
    ],
)
def test_postgresql_errors_are_sorted_by_sqlstate_and_named_without_their_message(
    error: Exception, reason: str | None
) -> None:
    assert transient_reason(error) == reason
    try:
        raise RuntimeError("wrapped") from error
    except RuntimeError as wrapped:
        assert transient_reason(wrapped) == reason  # found through the chain of causes


def test_the_wait_doubles_from_the_first_to_the_cap_with_jitter_of_up_to_half() -> None:
    steady = JobTiming(first_retry=timedelta(seconds=1), retry_cap=timedelta(minutes=5), jitter=lambda: 1.0)
    assert [steady.retry_delay(n).total_seconds() for n in (1, 2, 3, 9, 10, 5000)] == [1, 2, 4, 256, 300, 300]
    least = JobTiming(jitter=lambda: 0.0)
    assert [least.retry_delay(n).total_seconds() for n in (1, 2, 10)] == [0.5, 1, 150]


@pytest.mark.parametrize("name", ["job_lease_seconds", "job_retry_first_seconds", "job_retry_cap_seconds",
                                  "job_retry_limit"])  # fmt: skip
def test_a_lease_or_back_off_setting_that_cannot_work_is_refused_naming_its_variable(name: str) -> None:
    settings = Settings.from_environment({f"LEARNER_RECORDS_{name.upper()}": "0"})
    with pytest.raises(ValueError, match=f"LEARNER_RECORDS_{name.upper()}: 0(.0)? is not more than 0"):
        job_timing(settings)
    lease = job_timing(Settings.from_environment({"LEARNER_RECORDS_JOB_LEASE_SECONDS": "4.5"})).lease
    assert lease == timedelta(seconds=4.5)
