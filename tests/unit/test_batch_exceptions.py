"""Which batch rows are exceptions someone must resolve, and an organisation's list of its jobs."""

from __future__ import annotations

import secrets
from datetime import datetime

from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.batches import BatchKind, needs_attention
from learner_records.domain.matching import Matcher
from learner_records.services.batches import BatchService
from learner_records.services.register import RegisterCore
from tests.unit.fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 2, 9, 0)


class _Clock:
    def now(self) -> datetime:
        return NOW


def _row(**changes: str) -> dict[str, str]:
    values = {"MISIdentifier": "A1", "GivenName": "Amara", "FamilyName": "Okafor", "DateOfBirth": "2010-05-06",
              "Gender": "2", "LastKnownPostCode": "M1 1AE"}  # fmt: skip
    values.update(changes)
    return values


def test_possible_matches_and_rejected_rows_need_attention_new_and_found_ones_do_not() -> None:
    needing = [code for code in ("WSRC0005", "WSRC0004", "WSRC0022", "WSRC0003", "WSRC0002", "WSRC0001", "RC006",
                                 "RC011", "RC013") if needs_attention(BatchKind.REGISTRATION, code)]  # fmt: skip
    assert needing == ["WSRC0003", "WSRC0002", "RC006", "RC011", "RC013"]


def test_a_verification_row_needs_attention_unless_it_verified_exactly() -> None:
    codes = ("WSVRC001", "WSVRC002", "WSVRC003", "WSVRC004", "WSVRC005", "WSVRC006", "WSEC0001")
    needing = [code for code in codes if needs_attention(BatchKind.VERIFICATION, code)]
    assert needing == ["WSVRC003", "WSVRC004", "WSVRC005", "WSVRC006", "WSEC0001"]


def test_the_service_lists_a_jobs_exceptions_and_the_organisations_own_jobs_newest_first() -> None:
    uow = FakeUnitOfWork()
    school = uow.organisations.add("10000001", "School", OrganisationKind.LEARNER_REGISTRATION_BODY, None, NOW)
    other = uow.organisations.add("10000003", "Other", OrganisationKind.LEARNER_REGISTRATION_BODY, None, NOW)
    ours = Actor(OrganisationKind.LEARNER_REGISTRATION_BODY, "office", school.id, school.ukprn)
    theirs = Actor(OrganisationKind.LEARNER_REGISTRATION_BODY, "office", other.id, other.ukprn)
    service = BatchService(uow, _Clock(), RegisterCore(secrets.randbelow, Matcher()))
    first = service.submit_registration(ours, [_row(), _row(Gender="x"), _row(DateOfBirth="")], "FUL")
    second = service.submit_registration(ours, [_row(MISIdentifier="B1")], "CHK")
    service.submit_registration(theirs, [_row()], "CHK")
    service.run_pending()
    found, total = service.exceptions(ours, first.id, limit=1)
    assert total == 2 and [row.return_code for row in found] == ["RC011"]
    assert [job.id for job in service.jobs(ours)] == [second.id, first.id]
    assert service.jobs(Actor(OrganisationKind.REGISTER_ADMINISTRATOR, "operator")) == []
