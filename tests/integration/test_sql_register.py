from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

from learner_records.adapters.sql.learners import key_hash, key_hashes, reindex_blocking_keys
from learner_records.adapters.sql.tables import access_log, learner, learner_key
from learner_records.adapters.sql.unit_of_work import SqlUnitOfWork
from learner_records.bootstrap import Services
from learner_records.domain.access import Actor
from learner_records.domain.codes import ResponseCode, VerificationCode
from learner_records.domain.errors import DuplicateLearner, StaleVersion
from learner_records.domain.learner import Learner
from learner_records.domain.matching import Demographics, VerificationQuery
from learner_records.domain.matching.blocking import blocking_keys
from tests.conftest import MovableClock
from tests.factories import details, random_uln


def count(services: Services, table: object) -> int:
    assert services.engine is not None
    with services.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_a_registered_learner_is_stored_with_every_field(services: Services, school: Actor) -> None:
    sent = details(
        middle_other_name="Máire",
        email_address="siobhan@example.org",
        scottish_candidate_number="123456789",
        date_of_address_capture="2026-09-01",
        verification_type=999,
        other_verification_description="Letter",
    )
    registered = services.register.register(school, sent)
    found = services.register.find_by_uln(school, registered.uln)
    assert found.learner is not None
    assert found.learner.details == sent
    assert found.learner.version == 1


def test_the_database_refuses_a_second_learner_with_the_same_five_fields(services: Services, school: Actor) -> None:
    services.register.register(school, details())
    with pytest.raises(DuplicateLearner):
        services.register.register(school, details(given_name="siobhan", postcode="CV49EE"))
    assert count(services, learner) == 1


def test_a_stale_update_changes_nothing(services: Services, school: Actor) -> None:
    registered = services.register.register(school, details())
    services.register.update(school, registered.uln, 1, details(town="Coventry"))
    with pytest.raises(StaleVersion):
        services.register.update(school, registered.uln, 1, details(town="Rugby"))
    found = services.register.find_by_uln(school, registered.uln).learner
    assert found is not None and (found.version, found.details.town) == (2, "Coventry")


def test_an_update_reindexes_the_blocking_keys(services: Services, school: Actor) -> None:
    registered = services.register.register(school, details())
    services.register.update(school, registered.uln, 1, details(family_name="Walsh"))
    query = Demographics("Siobhán", "Walsh", date(2009, 4, 17), 2, "CV4 9EE")
    result = services.register.find_by_demographics(school, query)
    assert (result.code, [m.learner.uln for m in result.matches]) == (ResponseCode.EXACT_MATCH, [registered.uln])


def test_possible_matches_come_back_with_reasons(services: Services, school: Actor) -> None:
    registered = services.register.register(school, details(given_name="Katherine", family_name="Smith"))
    query = Demographics("Kate", "Smith", date(2009, 4, 17), 2, "CV4 7AL")
    result = services.register.find_by_demographics(school, query)
    assert result.code == ResponseCode.POSSIBLE_MATCH
    assert [m.learner.uln for m in result.matches] == [registered.uln]
    assert result.matches[0].reasons


def test_verification_of_a_batch_reads_the_register_once(services: Services, school: Actor) -> None:
    a = services.register.register(school, details())
    b = services.register.register(school, details(given_name="Oliver", gender=1))
    results = services.register.verify(
        school,
        [
            VerificationQuery(a.uln, "Siobhán", "Ó Briain", date(2009, 4, 17), 2),
            VerificationQuery(b.uln, "Ó Briain", "Oliver"),
            VerificationQuery(b.uln, "Aoife", "Murphy", date(2001, 1, 1)),
        ],
    )
    assert [r.result.code for r in results] == [
        VerificationCode.MATCH,
        VerificationCode.SIMILAR_MATCH,
        VerificationCode.NO_MATCH,
    ]


def test_every_disclosure_is_written_to_the_access_log(services: Services, school: Actor) -> None:
    registered = services.register.register(school, details())
    services.register.find_by_uln(school, registered.uln)
    services.register.verify(school, [VerificationQuery(registered.uln, "Siobhán", "Ó Briain")])
    assert services.engine is not None
    with services.engine.connect() as connection:
        rows = connection.execute(select(access_log.c.action, access_log.c.uln).order_by(access_log.c.id)).all()
    assert [tuple(row) for row in rows] == [
        ("register", registered.uln),
        ("find_by_uln", registered.uln),
        ("verify", registered.uln),
    ]


def test_merge_and_unmerge_survive_in_the_database(services: Services, school: Actor, operator: Actor) -> None:
    master = services.register.register(school, details())
    linked = services.register.register(school, details(postcode="B33 8TH"))
    services.merging.merge(operator, master.uln, linked.uln)
    assert services.register.find_by_uln(school, linked.uln).code == ResponseCode.MASTER_SUBSTITUTED
    services.merging.unmerge(operator, linked.uln)
    assert services.register.find_by_uln(school, linked.uln).code == ResponseCode.EXACT_MATCH


def test_candidates_are_read_through_the_blocking_key_index(services: Services, school: Actor) -> None:
    for index in range(30):
        services.register.register(
            school, details(given_name=f"Le{chr(65 + index // 6)}{chr(97 + index % 6)}", postcode="M1 1AE")
        )
    keys = sorted(key_hash(key) for key in blocking_keys("Siobhán", "Ó Briain", date(2009, 4, 17), "CV4 9EE"))
    assert services.engine is not None
    with services.engine.connect() as connection:
        repository_sql = select(learner.c.uln).join(
            select(learner_key.c.uln).where(learner_key.c.key.in_(keys)).distinct().subquery("k"),
            text("k.uln = learner.uln"),
        )
        compiled = str(repository_sql.compile(connection, compile_kwargs={"literal_binds": True}))
        if connection.dialect.name == "postgresql":
            connection.execute(text("SET enable_seqscan = off"))
            plan = "\n".join(row[0] for row in connection.execute(text("EXPLAIN " + compiled)))
            assert "Seq Scan on learner " not in plan
        else:
            plan = "\n".join(str(row[-1]) for row in connection.execute(text("EXPLAIN QUERY PLAN " + compiled)))
            assert "SCAN learner " not in plan + " "
            assert "learner_key" in plan


def test_a_bulk_load_skips_learners_the_register_would_refuse_and_indexes_the_rest(
    services: Services, school: Actor, clock: MovableClock
) -> None:
    now = clock.now()
    first, twin, repeat = random_uln(), random_uln(), random_uln()
    learners = [
        Learner(first, details(), now, now),
        Learner(twin, details(given_name="Aoife"), now, now),
        Learner(repeat, details(given_name="SIOBHAN", postcode="cv49ee"), now, now),
    ]
    assert services.engine is not None
    with SqlUnitOfWork(services.engine, write=True) as uow:
        stored = uow.learners.add_many(learners)
        uow.commit()
    assert stored == [first, twin]
    query = Demographics("Aoife", "Ó Briain", date(2009, 4, 17), 2, "CV4 9EE")
    result = services.register.find_by_demographics(school, query)
    assert [m.learner.uln for m in result.matches] == [twin]
    assert services.register.find_by_uln(school, first).learner is not None


def test_reindexing_rebuilds_every_learner_s_blocking_keys_from_its_details(services: Services, school: Actor) -> None:
    registered = [services.register.register(school, details(given_name=name, town="Coventry",
                                                             address_line_1="12 Station Road"))
                  for name in ("Aoife", "Niamh", "Ciara")]  # fmt: skip
    assert services.engine is not None
    with services.engine.begin() as connection:
        connection.execute(text("DELETE FROM learner_key"))
        assert reindex_blocking_keys(connection, batch=2) == 3
    with services.engine.connect() as connection:
        stored = {(row[0], row[1]) for row in connection.execute(select(learner_key.c.key, learner_key.c.uln))}
    assert stored == {(key, one.uln) for one in registered for key in key_hashes(one.details)}
    found = services.register.find_by_demographics(school, Demographics("Aoife", "Ó Briain", date(2009, 4, 17), 2,
                                                                        "CV4 9EE"))  # fmt: skip
    assert found.code == ResponseCode.EXACT_MATCH


def test_the_scan_pairs_learners_on_a_broad_key_only_in_a_small_bucket(services: Services, school: Actor) -> None:
    # 22 people of one name, born in different years in different districts: they share only the names key.
    for n in range(22):
        born = f"{1995 + n}-{1 + n % 12:02d}-{1 + n:02d}"
        services.register.register(school, details(given_name="Oliver", family_name="Smith", postcode=f"LS{n + 1} 1AA",
                                                   date_of_birth=born))  # fmt: skip
    with services.uow() as uow:
        assert list(uow.learners.candidate_pairs()) == []  # a bucket of 22 strangers is over the broad limit
        assert len(set(uow.learners.candidate_pairs(broad_limit=30))) == 22 * 21 // 2
        assert list(uow.learners.candidate_pairs(bucket_limit=30, broad_limit=0)) == []


def test_a_broad_key_is_marked_in_its_hash(services: Services) -> None:
    assert key_hash("nn:OLIVER:SMITH") & 1 == 1
    assert key_hash("dp:2009-04-17:CV49EE") & 1 == 0


def test_past_the_candidate_limit_the_records_sharing_most_keys_with_a_query_stay(
    services: Services, school: Actor
) -> None:
    for n in range(12):  # namesakes sharing only the names key with the learner asked for
        born = f"{1995 + n}-01-0{1 + n % 9}"
        services.register.register(school, details(postcode=f"LS{n + 1} 1AA", date_of_birth=born))
    wanted = services.register.register(school, details())
    moved = services.register.register(school, details(postcode="M1 1AE"))  # shares the keys with the birth date
    keys = blocking_keys("Siobhán", "Ó Briain", date(2009, 4, 17), "CV4 9EE")
    with services.uow() as uow:
        assert [record.uln for record in uow.learners.candidates(keys, limit=1)] == [wanted.uln]
        assert {record.uln for record in uow.learners.candidates(keys, limit=2)} == {wanted.uln, moved.uln}
