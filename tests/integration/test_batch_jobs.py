from __future__ import annotations

import secrets
import threading
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select

from learner_records.adapters.sql.tables import access_log, learner, learner_batch_job, learner_batch_row
from learner_records.bootstrap import Services
from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.batches import FileHeader
from learner_records.domain.errors import (
    InsufficientAccess,
    InvalidField,
    RecordCountIncorrect,
    UnknownJob,
)
from learner_records.domain.matching import Matcher, MatchThresholds
from learner_records.domain.plr import JobStatus
from learner_records.services import batch_rows
from learner_records.services import batches as batches_module
from learner_records.services.batches import BatchService
from learner_records.services.register import RegisterCore
from tests.conftest import MovableClock
from tests.factories import details, random_uln


class Crash(BaseException):
    """A worker dying mid-job (the process killed): nothing of the job machinery catches it."""


@pytest.fixture
def world(services: Services, operator: Actor) -> dict[str, Any]:
    orgs = {}
    for name, ukprn, kind in [
        ("school", "10000001", OrganisationKind.LEARNER_REGISTRATION_BODY),
        ("college", "10000003", OrganisationKind.LEARNER_REGISTRATION_BODY),
        ("awarding", "10000002", OrganisationKind.AWARDING_ORGANISATION),
    ]:
        created = services.organisations.create(operator, ukprn, f"{name} org", kind).organisation
        orgs[name] = Actor(kind, f"{name}-user", created.id, ukprn)
    siobhan = services.register.register(orgs["school"], details())
    reilly = {"family_name": "Reilly", "date_of_birth": "2008-01-02"}
    master = services.register.register(orgs["school"], details(given_name="Tomás", postcode="LS1 4AP", **reilly))
    linked = services.register.register(orgs["school"], details(given_name="Tom", postcode="LS1 4AB", **reilly))
    services.merging.merge(operator, master.uln, linked.uln)
    return {**orgs, "siobhan": siobhan, "master": master, "linked": linked}


def newcomer(**changes: str) -> dict[str, str]:
    values = {"MISIdentifier": "S1", "GivenName": "Amara", "FamilyName": "Okafor", "DateOfBirth": "2010-05-06",
              "Gender": "2", "LastKnownPostCode": "M1 1AE", "AbilityToShare": "1"}  # fmt: skip
    values.update(changes)
    return {key: value for key, value in values.items() if value}


_GIVEN = ("Aisha", "Bram", "Chidi", "Dafydd", "Elif", "Fergus", "Grace", "Hamza", "Ines", "Jakub", "Kezia", "Lorcan",
          "Maya", "Nuno", "Orla", "Priya", "Quinn", "Rhys", "Saoirse", "Tariq")  # fmt: skip
_FAMILY = ("Abbott", "Bianchi", "Czerny", "Dlamini", "Evans", "Fofana", "Grieve", "Haddad", "Iqbal", "Jovanovic",
           "Kowalski", "Lindqvist", "Mensah", "Nakamura", "Osei", "Petrov", "Quigley", "Rahman", "Sokolova",
           "Tshabalala")  # fmt: skip


def stranger(n: int) -> dict[str, str]:
    """The n-th of learners who are nobody else: names, date of birth and postcode all differ."""
    born = date(2008, 1, 1) + timedelta(days=41 * n)
    return newcomer(GivenName=_GIVEN[n % 20], FamilyName=_FAMILY[(n * 7) % 20] + ("" if n < 20 else "-Hill"),
                    DateOfBirth=born.isoformat(), LastKnownPostCode=f"M{1 + n} 1AE", MISIdentifier=str(n))  # fmt: skip


def siobhan(**changes: str) -> dict[str, str]:
    values = {"GivenName": "Siobhán", "FamilyName": "Ó Briain", "DateOfBirth": "2009-04-17",
              "LastKnownPostCode": "CV4 9EE", **changes}  # fmt: skip
    return newcomer(**values)


def worked(services: Services, job_id: int) -> tuple[Any, list[Any]]:
    job = services.batches.process(job_id)
    assert job is not None
    return job, services.batches.results(Actor(OrganisationKind.REGISTER_ADMINISTRATOR, "t"), job_id)


def count(services: Services, table: Any) -> int:
    engine = create_engine(str(services.engine.url if services.engine else ""))
    with engine.connect() as connection:
        found = connection.execute(select(func.count()).select_from(table)).scalar_one()
    engine.dispose()
    return int(found)


def test_a_full_registration_batch_answers_each_outcome_with_its_code(services: Services, world: dict) -> None:
    master, linked = world["master"], world["linked"]
    rows = [
        siobhan(ULN=world["siobhan"].uln),  # the ULN verifies against the names
        newcomer(ULN=linked.uln, GivenName="Tomás", FamilyName="Reilly"),  # a linked ULN: answered by the master
        siobhan(),  # found by demographics
        siobhan(GivenName="Siobhn"),  # a typo: a possible match
        newcomer(),  # nobody like her: registered
        newcomer(GivenName="Zainab", DateOfBirth="", Gender=""),  # nobody like her, and too little to register
        newcomer(GivenName="Kofi", Gender="7"),  # a field breaks its rule
        newcomer(GivenName="Edith", DateOfBirth="1900-01-01"),  # aged 126
        # the ULN is another learner's: searched for, then registered
        newcomer(ULN=world["siobhan"].uln, GivenName="Ngozi", FamilyName="Adeyemi", DateOfBirth="2011-03-03"),
    ]
    job = services.batches.submit_registration(world["school"], rows, "FUL", declared_count=9)
    assert (job.status, job.number_of_records, job.job_type, job.channel) == ("Waiting", 9, "FUL", "web_service")
    job, results = worked(services, job.id)
    codes = [(r.row_number, r.return_code) for r in results]
    assert codes == [(1, "WSRC0004"), (2, "WSRC0022"), (3, "WSRC0004"), (4, "WSRC0003"), (5, "WSRC0005"),
                     (6, "RC006"), (7, "RC011"), (8, "RC011"), (9, "WSRC0005")]  # fmt: skip
    assert results[0].uln == results[2].uln == results[3].possible_ulns[0] == world["siobhan"].uln
    assert results[1].uln == master.uln
    assert results[4].uln not in (None, world["siobhan"].uln) and results[8].uln not in (None, results[4].uln)
    assert "DateOfBirth, Gender missing" in (results[5].message or "")
    assert (results[6].message or "").startswith("Gender: '7' is not one of 0|1|2|9")
    assert "DateOfBirth: gives an age of 126" in (results[7].message or "")
    assert "does not verify against the names" in (results[8].message or "")
    assert results[4].sent == newcomer()
    assert job.status == JobStatus.SUCCESSFUL.value and job.finished_at is not None
    assert job.counters == {"new": 2, "exists": 3, "possible_match": 1, "not_found": 0, "rejected": 3}
    fetched = services.register.find_by_uln(world["school"], results[4].uln or "")
    assert fetched.learner is not None and fetched.learner.details.given_name == "Amara"


def test_a_check_batch_finds_but_never_registers(services: Services, world: dict) -> None:
    before = count(services, learner)
    job = services.batches.submit_registration(world["awarding"], [newcomer(), siobhan()], "CHK")
    job, results = worked(services, job.id)
    assert [r.return_code for r in results] == ["WSRC0001", "WSRC0004"]
    assert [r.uln for r in results] == [None, world["siobhan"].uln]
    assert job.counters == {"new": 0, "exists": 1, "possible_match": 0, "not_found": 1, "rejected": 0}
    assert count(services, learner) == before


def test_too_many_possible_matches_answer_wsrc0002(services: Services, world: dict, clock: MovableClock) -> None:
    services.register.register(world["school"], details(postcode="CV4 9EF"))  # Siobhán's namesake nearby
    one_possible = Matcher(thresholds=MatchThresholds(too_many=1))
    tight = BatchService(services.uow, clock, RegisterCore(secrets.randbelow, one_possible))
    job = tight.submit_registration(world["school"], [siobhan(GivenName="Siobhn")], "FUL")
    tight.process(job.id)
    (result,) = tight.results(world["school"], job.id)
    assert (result.return_code, result.uln, result.possible_ulns) == ("WSRC0002", None, ())
    assert tight.job(world["school"], job.id).counters["possible_match"] == 1


def test_a_file_row_answers_rc013_for_age_and_rc012_for_a_bad_upn(services: Services, world: dict) -> None:
    header = FileHeader("3A", "spring intake", "10000001")
    rows = [newcomer(DateOfBirth="1900-01-01"), newcomer(UPN="A801200005001"), newcomer(UPN="B801200005001"),
            newcomer(GivenName="Ola", UCI="5220511X")]  # fmt: skip
    job = services.batches.submit_registration(world["school"], rows, "FUL", "file", "LRB.CSV", header=header)
    assert (job.file_version, job.file_title, job.file_name) == ("3A", "spring intake", "LRB.CSV")
    job, results = worked(services, job.id)
    assert [r.return_code for r in results] == ["RC013", "RC012", "WSRC0005", "RC012"]
    assert "UPN: 'A801200005001' has the wrong check letter" in (results[1].message or "")
    assert job.counters["rejected"] == 3


def test_a_file_carrying_another_organisations_ukprn_is_refused(services: Services, world: dict) -> None:
    with pytest.raises(InvalidField, match="UKPRN: 10000003 is not the submitting organisation's"):
        services.batches.submit_verification(world["school"], [{"ULN": world["siobhan"].uln}], "file",
                                             header=FileHeader("2A", "x", "10000003"))  # fmt: skip
    assert count(services, learner_batch_job) == 0


def test_one_learner_sent_twice_in_a_job_is_registered_once(services: Services, world: dict) -> None:
    job = services.batches.submit_registration(world["school"], [newcomer(), newcomer(MISIdentifier="S2")], "FUL")
    _, results = worked(services, job.id)
    assert [r.return_code for r in results] == ["WSRC0005", "WSRC0004"]
    assert results[0].uln == results[1].uln


def test_a_verification_batch_answers_wsvrc_codes_with_flags_and_the_registers_values(
    services: Services, world: dict
) -> None:
    uln, master, linked = world["siobhan"].uln, world["master"], world["linked"]
    rows = [
        {"MISIdentifier": "1", "ULN": uln, "GivenName": "Siobhán", "FamilyName": "Ó Briain",
         "DateOfBirth": "2009-04-17"},
        {"MISIdentifier": "2", "ULN": linked.uln, "GivenName": "Tomás", "FamilyName": "Reilly"},
        {"MISIdentifier": "3", "ULN": uln, "GivenName": "Siobhan", "FamilyName": "O'Brian", "Gender": "2"},
        {"MISIdentifier": "4", "ULN": uln, "GivenName": "Peter", "FamilyName": "Jones"},
        {"MISIdentifier": "5", "ULN": random_uln(), "GivenName": "Peter", "FamilyName": "Jones"},
        {"MISIdentifier": "6", "ULN": "1234567890", "GivenName": "", "FamilyName": "Jones"},
    ]  # fmt: skip
    job = services.batches.submit_verification(world["awarding"], rows, email_address="ao@example.org")
    assert (job.kind, job.job_type, job.email_address) == ("verification", None, "ao@example.org")
    job, results = worked(services, job.id)
    assert [r.return_code for r in results] == ["WSVRC001", "WSVRC002", "WSVRC003", "WSVRC005", "WSVRC006",
                                                "WSEC0001"]  # fmt: skip
    first, second, third, fourth, fifth, sixth = results
    assert first.verification is not None and first.verification.register is not None
    assert (first.verification.register.uln, first.verification.register.given_name) == (uln, "Siobhán")
    assert second.uln == master.uln and second.verification and second.verification.register
    assert second.verification.register.given_name == "Tomás"
    assert third.verification and [f.value for f in third.verification.flags] == ["VRF4", "VRF5"]
    assert fourth.verification and fourth.verification.code.value == "WSVRC005"
    assert fifth.verification and fifth.verification.register is None and fifth.uln is None
    assert sixth.verification is None and "GivenName: is empty" in (sixth.message or "")
    assert "ULN:" in (sixth.message or "")
    assert job.counters == {"WSVRC001": 1, "WSVRC002": 1, "WSVRC003": 1, "WSVRC004": 0, "WSVRC005": 1,
                            "WSVRC006": 1, "rejected": 1}  # fmt: skip


def test_the_org_email_of_a_job_is_told_once_when_it_finishes_with_counts_and_no_learner(
    services: Services, world: dict, clock: MovableClock
) -> None:
    rows = [{"MISIdentifier": "1", "ULN": world["siobhan"].uln, "GivenName": "Siobhán", "FamilyName": "Ó Briain"}]
    job = services.batches.submit_verification(world["awarding"], rows, email_address="ao@example.org")
    worked(services, job.id)
    assert services.batches.process(job.id) is None  # finished: nothing more to do, and no second mail
    with services.uow() as uow:
        [mail] = uow.outbox.due(clock.now(), 10)
    assert (mail.to_address, mail.subject) == ("ao@example.org", f"Learner verification batch {job.id} has finished")
    assert "WSVRC001 1" in mail.body and "Siobh" not in mail.body and world["siobhan"].uln not in mail.body


def test_a_declared_count_that_is_not_the_number_of_learners_stores_nothing(services: Services, world: dict) -> None:
    with pytest.raises(RecordCountIncorrect, match="LearnerRecordCount says 3 but 2 learners were sent"):
        services.batches.submit_registration(world["school"], [newcomer(), siobhan()], "FUL", declared_count=3)
    assert (count(services, learner_batch_job), count(services, learner_batch_row)) == (0, 0)


def test_the_web_service_takes_1_to_200_learners_and_a_file_more(services: Services, world: dict) -> None:
    many = [{"ULN": world["siobhan"].uln, "GivenName": "Siobhán", "FamilyName": "Ó Briain"}] * 201
    with pytest.raises(InvalidField, match="MIAPLearnerRecordCount: 1-200"):
        services.batches.submit_verification(world["school"], many)
    with pytest.raises(InvalidField, match="at least one learner"):
        services.batches.submit_verification(world["school"], [])
    assert count(services, learner_batch_job) == 0
    job = services.batches.submit_verification(world["school"], many, "file")
    job, _ = worked(services, job.id)
    assert job.counters["WSVRC001"] == 201


def test_the_rights_of_the_organisation_decide_what_it_may_submit(services: Services, world: dict) -> None:
    with pytest.raises(InsufficientAccess):
        services.batches.submit_registration(world["awarding"], [newcomer()], "FUL")
    with pytest.raises(InvalidField, match="MIAPBatchJobType: FUL|CHK"):
        services.batches.submit_registration(world["school"], [newcomer()], "ALL")
    learner_actor = Actor(OrganisationKind.LEARNER, "me", None, None, world["siobhan"].uln)
    with pytest.raises(InsufficientAccess):
        services.batches.submit_verification(learner_actor, [{"ULN": world["siobhan"].uln}])


def test_an_unknown_job_and_another_organisations_job_are_both_unknown(
    services: Services, world: dict, operator: Actor
) -> None:
    job = services.batches.submit_registration(world["school"], [newcomer()], "CHK")
    with pytest.raises(UnknownJob, match="No batch job 999"):
        services.batches.job(world["school"], 999)
    with pytest.raises(UnknownJob) as refused:
        services.batches.results(world["college"], job.id)
    assert refused.value.code is not None and refused.value.code.value == "WSRC0018"
    assert services.batches.job(operator, job.id).organisation_id == world["school"].organisation_id
    assert services.batches.job(world["school"], job.id).id == job.id


def test_every_learner_disclosed_or_created_is_in_the_access_log(services: Services, world: dict) -> None:
    job = services.batches.submit_registration(world["school"], [siobhan(), newcomer(), siobhan(GivenName="Siobhn")],
                                               "FUL")  # fmt: skip
    _, results = worked(services, job.id)
    verify = services.batches.submit_verification(world["awarding"], [{"ULN": world["siobhan"].uln, "GivenName": "X",
                                                                       "FamilyName": "Y"}])  # fmt: skip
    worked(services, verify.id)
    engine = create_engine(str(services.engine.url if services.engine else ""))
    with engine.connect() as connection:
        entries = connection.execute(
            select(access_log.c.action, access_log.c.uln, access_log.c.organisation_id, access_log.c.user_name)
            .where(access_log.c.action.like("batch_%")).order_by(access_log.c.id)
        ).all()  # fmt: skip
    engine.dispose()
    # the operator reading another organisation's results is a disclosure of its own
    read_by_operator = [tuple(e) for e in entries if e[0] == "batch_results_read"]
    assert read_by_operator and {(e[2], e[3]) for e in read_by_operator} == {(None, "t")}
    entries = [e for e in entries if e[0] != "batch_results_read"]
    school, ao, uln = world["school"].organisation_id, world["awarding"].organisation_id, world["siobhan"].uln
    assert [tuple(e) for e in entries] == [
        ("batch_find", uln, school, "school-user"),
        ("batch_find", uln, school, "school-user"),
        ("batch_register", results[1].uln, school, "school-user"),
        ("batch_verify", uln, ao, "awarding-user"),
    ]


def test_a_worker_that_dies_mid_job_is_resumed_and_nobody_is_registered_twice(
    services: Services, world: dict, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batches_module, "CHUNK", 4)
    rows = [stranger(n) for n in range(10)]
    job = services.batches.submit_registration(world["school"], rows, "FUL")
    before = count(services, learner)

    def die(done: int, total: int) -> None:
        raise Crash()

    with pytest.raises(Crash):
        services.batches.process(job.id, die)
    first = services.batches.results(world["school"], job.id)
    assert [r.row_number for r in first] == [1, 2, 3, 4]
    assert services.batches.process(job.id) is None  # its lease still holds
    clock.advance(minutes=6)
    finished = services.batches.process()
    assert finished is not None and finished.status == "Successful"
    results = services.batches.results(world["school"], job.id)
    assert [r.return_code for r in results] == ["WSRC0005"] * 10
    assert results[:4] == first
    assert len({r.uln for r in results}) == 10 and count(services, learner) == before + 10
    assert finished.counters["new"] == 10


def test_a_worker_that_lost_its_lease_writes_nothing_more(
    services: Services, world: dict, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batches_module, "CHUNK", 3)
    rows = [stranger(n) for n in range(7)]
    job = services.batches.submit_registration(world["school"], rows, "FUL")
    before = count(services, learner)
    other: list[Any] = []

    def stall_then_lose_the_lease(done: int, total: int) -> None:
        if not other:  # the first worker stalls past its lease; a second one takes over and finishes
            clock.advance(minutes=6)
            other.append(services.batches.process(job.id))

    left = services.batches.process(job.id, stall_then_lose_the_lease)
    assert other[0] is not None and other[0].status == "Successful"
    assert left is not None and left.status == "Successful" and left.counters["new"] == 7
    assert count(services, learner) == before + 7


def test_two_workers_racing_for_one_job_work_it_once(services: Services, world: dict) -> None:
    rows = [stranger(n) for n in range(30)]
    job = services.batches.submit_registration(world["school"], rows, "FUL")
    before = count(services, learner)
    start = threading.Barrier(2)
    claimed: list[Any] = []

    def work() -> None:
        start.wait()
        claimed.append(services.batches.process(job.id))

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(c is None for c in claimed) == [False, True]
    assert count(services, learner) == before + 30
    assert services.batches.job(world["school"], job.id).counters["new"] == 30


def test_an_internal_error_fails_the_job_and_names_the_error(
    services: Services, world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: object, rows: object) -> list[object]:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(batch_rows.ChunkWork, "verification", broken)
    job = services.batches.submit_verification(world["school"], [{"ULN": world["siobhan"].uln}])
    with pytest.raises(RuntimeError):
        services.batches.process(job.id)
    failed = services.batches.job(world["school"], job.id)
    assert (failed.status, failed.failure_reason) == ("Failed", "the job stopped with an internal error (RuntimeError)")
    assert services.batches.results(world["school"], job.id) == []
    assert services.batches.run_pending() == []
