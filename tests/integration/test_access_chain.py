"""The access log's hash chain on SQLite and PostgreSQL: intact logs verify, every kind of tampering is found."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, text

from learner_records.adapters.sql import access_chain
from learner_records.adapters.sql.migrate import alembic_config, upgrade
from learner_records.bootstrap import Services
from learner_records.domain.access import Actor
from learner_records.services.ports import AccessEntry
from tests.factories import details


def engine_of(services: Services) -> Engine:
    assert services.engine is not None
    return services.engine


def audited(services: Services, school: Actor, learners: int = 4, reads: int = 3, name: str = "Ann") -> list[int]:
    """Registrations and audited reads; the access log's row ids, in order."""
    for index in range(learners):
        uln = services.register.register(school, details(given_name=f"{name}{chr(65 + index)}")).uln
        for _ in range(reads):
            services.register.find_by_uln(school, uln)
    return ids(engine_of(services))


def ids(engine: Engine) -> list[int]:
    with engine.connect() as connection:
        return [int(row[0]) for row in connection.execute(text("SELECT id FROM access_log ORDER BY id"))]


def change(engine: Engine, *statements: str) -> None:
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def test_an_intact_log_verifies_with_its_count_and_its_head(services: Services, school: Actor) -> None:
    rows = audited(services, school)
    verdict = access_chain.verify(engine_of(services))
    assert (verdict.intact, verdict.entries, verdict.head_id) == (True, len(rows), rows[-1])
    with engine_of(services).connect() as connection:
        assert connection.execute(text("SELECT chain_hash FROM access_log_head")).scalar() == verdict.head_hash


def test_a_changed_field_is_found_at_its_row(services: Services, school: Actor) -> None:
    rows = audited(services, school)
    change(engine_of(services), f"UPDATE access_log SET user_name = 'someone else' WHERE id = {rows[5]}")
    verdict = access_chain.verify(engine_of(services))
    assert (verdict.intact, verdict.broken_at, verdict.entries) == (False, rows[5], 5)


def test_a_row_s_credential_and_detail_are_in_its_link_and_rows_without_them_keep_their_old_links(
    services: Services, school: Actor
) -> None:
    plain = audited(services, school, learners=1, reads=1)
    keyed = replace(school, credential="api-key:abc123")
    uln = services.register.register(keyed, details(given_name="Keyed")).uln
    services.register.find_by_uln(keyed, uln)
    rows = ids(engine_of(services))
    assert access_chain.verify(engine_of(services)).intact
    with engine_of(services).connect() as connection:
        stored = dict(connection.execute(text("SELECT id, credential FROM access_log")).all())
    assert [stored[row] for row in plain] == [None] * len(plain) and stored[rows[-1]] == "api-key:abc123"
    at = datetime(2026, 12, 3, 9, 30)
    old = AccessEntry(at, 7, "ann", "find_by_uln", "1026893096")
    assert access_chain.encode(old) == access_chain.encode(replace(old, credential=None, detail=None))
    assert access_chain.encode(old) != access_chain.encode(replace(old, detail="user=ann"))
    change(engine_of(services), f"UPDATE access_log SET credential = 'api-key:zzz999' WHERE id = {rows[-1]}")
    assert access_chain.verify(engine_of(services)).broken_at == rows[-1]
    change(
        engine_of(services), f"UPDATE access_log SET credential = 'api-key:abc123', detail = 'x' WHERE id = {rows[-1]}"
    )
    assert access_chain.verify(engine_of(services)).broken_at == rows[-1]


def test_a_row_removed_from_the_middle_breaks_the_row_after_it(services: Services, school: Actor) -> None:
    rows = audited(services, school)
    change(engine_of(services), f"DELETE FROM access_log WHERE id = {rows[7]}")
    verdict = access_chain.verify(engine_of(services))
    assert (verdict.broken_at, verdict.problem is not None) == (rows[8], True)


def test_rows_cut_from_the_end_are_found_by_the_head(services: Services, school: Actor) -> None:
    rows = audited(services, school)
    change(engine_of(services), f"DELETE FROM access_log WHERE id >= {rows[-2]}")
    verdict = access_chain.verify(engine_of(services))
    assert (verdict.intact, verdict.entries, verdict.broken_at) == (False, len(rows) - 2, rows[-3] + 1)
    assert verdict.problem is not None and "rows at its end were removed" in verdict.problem


def test_a_log_cut_short_with_its_head_rewritten_is_found_only_against_an_anchor(
    services: Services, school: Actor
) -> None:
    rows = audited(services, school)
    kept = access_chain.verify(engine_of(services))
    anchor = (kept.head_id, kept.head_hash)
    audited(services, school, learners=1, name="Later")
    with engine_of(services).connect() as connection:
        cut_to = connection.execute(text(f"SELECT id, chain_hash FROM access_log WHERE id = {rows[-4]}")).one()
    change(engine_of(services), f"DELETE FROM access_log WHERE id > {cut_to[0]}",
           f"UPDATE access_log_head SET last_id = {cut_to[0]}, chain_hash = '{cut_to[1]}'")  # fmt: skip
    assert access_chain.verify(engine_of(services)).intact
    verdict = access_chain.verify(engine_of(services), anchor)
    assert (verdict.intact, verdict.broken_at) == (False, anchor[0])


def test_a_rewritten_chain_is_found_against_an_anchor_recorded_after_the_changed_row(
    services: Services, school: Actor
) -> None:
    rows = audited(services, school)
    kept = access_chain.verify(engine_of(services))
    engine = engine_of(services)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT id, at, organisation_id, user_name, action, uln FROM access_log"
                                         " ORDER BY id")).all()  # fmt: skip
    entries = [AccessEntry(at if isinstance(at, datetime) else datetime.fromisoformat(at), org, user, action, uln)
               for _, at, org, user, action, uln in stored]  # fmt: skip
    entries[2] = AccessEntry(entries[2].at, entries[2].organisation_id, "someone else", entries[2].action, None)
    links = access_chain.chain(access_chain.GENESIS, entries)
    relinked = [f"UPDATE access_log SET chain_hash = '{link}' WHERE id = {row_id}"
                for row_id, link in zip(rows, links, strict=True)]  # fmt: skip
    change(engine, f"UPDATE access_log SET user_name = 'someone else', uln = NULL WHERE id = {rows[2]}", *relinked,
           f"UPDATE access_log_head SET chain_hash = '{links[-1]}'")  # fmt: skip
    assert access_chain.verify(engine).intact
    assert access_chain.verify(engine, (kept.head_id, kept.head_hash)).broken_at == kept.head_id


def test_the_chain_follows_the_order_of_a_batch_and_of_the_rows_before_it() -> None:
    at = datetime(2026, 12, 3, 9, 30)
    entries = [
        AccessEntry(at, 7, "ben@riverside.ac.uk", "find_by_uln", "1026893096"),
        AccessEntry(at, None, "cli", "x"),
    ]
    one_batch = access_chain.chain(access_chain.GENESIS, entries)
    one_by_one = access_chain.chain(access_chain.GENESIS, entries[:1])
    one_by_one += access_chain.chain(one_by_one[0], entries[1:])
    assert one_batch == one_by_one
    assert access_chain.chain(access_chain.GENESIS, entries[::-1])[-1] != one_batch[-1]
    assert access_chain.chain(one_batch[0], entries[1:]) != access_chain.chain(access_chain.GENESIS, entries[1:])


def test_rows_already_in_the_log_are_chained_by_the_migration(database_url: str) -> None:
    command.downgrade(alembic_config(database_url), "0008_sessions_keys")
    engine = create_engine(database_url)
    change(engine, *(f"INSERT INTO access_log (at, organisation_id, user_name, action, uln) VALUES"
                     f" ('2026-11-0{n % 9 + 1} 09:00:00.{n:06d}', NULL, 'cli:Zoë', 'find_by_uln', '102689309{n % 2}')"
                     for n in range(12)))  # fmt: skip
    upgrade(database_url)
    verdict = access_chain.verify(engine)
    assert (verdict.intact, verdict.entries, verdict.head_id) == (True, 12, ids(engine)[-1])
    change(engine, f"UPDATE access_log SET action = 'nothing' WHERE id = {ids(engine)[3]}")
    assert access_chain.verify(engine).broken_at == ids(engine)[3]
    engine.dispose()


def _many(services: Services, school: Actor, uln: str, failures: list[BaseException], worker: int) -> None:
    try:
        for index in range(30):
            services.register.find_by_uln(school, uln)
            services.register.register(school, details(given_name=f"Con{chr(65 + worker)}{chr(65 + index % 26)}",
                                                       family_name=f"Fam{chr(65 + index // 26)}"))  # fmt: skip
    except BaseException as error:  # collected and asserted on below
        failures.append(error)


@pytest.mark.slow
def test_writers_appending_side_by_side_keep_one_intact_chain(services: Services, school: Actor) -> None:
    uln = services.register.register(school, details()).uln
    failures: list[BaseException] = []
    threads: Sequence[threading.Thread] = [threading.Thread(target=_many, args=(services, school, uln, failures, w))
                                           for w in range(4)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    verdict = access_chain.verify(engine_of(services))
    assert (verdict.intact, verdict.entries) == (True, 1 + 4 * 30 * 2)


def test_a_batch_larger_than_one_statement_appends_as_one_chain(services: Services) -> None:
    at = datetime(2026, 12, 3, 9, 30)
    entries = [AccessEntry(at, None, "batch@riverside.ac.uk", "batch_verify", f"{n:010d}") for n in range(2_500)]
    with services.uow(write=True) as uow:
        uow.access_log.record(entries[:1])
        uow.access_log.record(entries[1:])
        uow.commit()
    verdict = access_chain.verify(engine_of(services))
    assert (verdict.intact, verdict.entries, verdict.head_hash) == (
        True, 2_500, access_chain.chain(access_chain.GENESIS, entries)[-1])  # fmt: skip
