from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

from learner_records.adapters.mail.smtp import SmtpMailer
from learner_records.bootstrap import Services, SmtpPort
from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.awarding import AnomalyKind, UlnState
from learner_records.domain.errors import InsufficientAccess, InvalidFields, NotFound
from tests.conftest import MovableClock
from tests.factories import details

QUALIFICATION = {
    "reference": "601/8675/3", "title": "Certificate in Digital Skills", "qualification_type": "Certificate",
    "level": "Level 2", "credits": "13", "awarding_organisation_name": "Northgate Awards",
    "awarding_organisation_ukprn": "10090001", "regulated": "yes", "grades": "Pass|Merit",
}  # fmt: skip


@dataclass
class Inbox:
    """A real SMTP server's side: every message it accepted."""

    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: object, session: object, envelope: Envelope) -> str:
        assert isinstance(envelope.original_content, bytes)
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture
def world(services: Services, operator: Actor) -> dict[str, Any]:
    services.records.import_catalogue(operator, [QUALIFICATION])
    school = services.organisations.create(operator, "10000001", "Riverside College",
                                           OrganisationKind.LEARNER_REGISTRATION_BODY).organisation  # fmt: skip
    ao_org = services.organisations.create(operator, "10090001", "Northgate Awards",
                                           OrganisationKind.AWARDING_ORGANISATION).organisation  # fmt: skip
    school_actor = Actor(school.kind, "office", school.id, school.ukprn)
    ao = Actor(ao_org.kind, "results", ao_org.id, ao_org.ukprn)
    centre = services.awarding.add_centre(ao, "C001", "Riverside College", "10000001", True, "exams@riverside.test")
    services.awarding.offer(ao, centre.id, ["601/8675/3"])
    learner = services.register.register(school_actor, details(family_name="Smith-Jones", given_name="Katherine"))
    return {"ao": ao, "centre": centre, "learner": learner, "school": school_actor}


def registration(world: dict[str, Any], **changes: object) -> dict[str, object]:
    values: dict[str, object] = {"given_name": "Katherine", "family_name": "Smith-Jones", "date_of_birth": "2009-04-17",
                                 "gender": "2", "postcode": "CV4 9EE", "uln": world["learner"].uln,
                                 "candidate_reference": "R-001"}  # fmt: skip
    values.update(changes)
    return values


def test_a_matching_uln_is_validated_after_registration(services: Services, world: dict[str, Any]) -> None:
    registered = services.awarding.register(world["ao"], world["centre"].id, "601/8675/3", registration(world))
    assert registered.uln_state is UlnState.PENDING
    assert services.awarding.validate(world["ao"]) == (1, 0)
    assert services.awarding.anomalies(world["ao"]) == []


def test_a_mismatch_becomes_an_anomaly_in_plain_words_with_a_fix(services: Services, world: dict[str, Any]) -> None:
    services.awarding.register(world["ao"], world["centre"].id, "601/8675/3", registration(world, family_name="Jones"))
    assert services.awarding.validate(world["ao"]) == (0, 1)
    (view,) = services.awarding.anomalies(world["ao"])
    assert view.stored.anomaly.kind is AnomalyKind.SIMILAR
    assert view.days_left == 28
    words = " ".join(p.words for p in view.stored.anomaly.problems)
    assert "Smith-Jones" in words and "Jones" in words
    fixed = services.awarding.resolve(world["ao"], view.stored.id, "accept_fix")
    assert (fixed.uln_state, fixed.details.family_name) == (UlnState.VALIDATED, "Smith-Jones")
    assert services.awarding.anomalies(world["ao"]) == []


def test_a_wrong_check_digit_is_an_anomaly_at_once(services: Services, world: dict[str, Any]) -> None:
    registered = services.awarding.register(world["ao"], world["centre"].id, "601/8675/3",
                                            registration(world, uln="1026893097"))  # fmt: skip
    assert registered.uln_state is UlnState.ANOMALY
    (view,) = services.awarding.anomalies(world["ao"])
    assert view.stored.anomaly.kind is AnomalyKind.BAD_CHECK_DIGIT
    assert services.awarding.validate(world["ao"]) == (0, 0)


def test_an_unresolved_anomaly_loses_its_uln_after_28_days_and_only_once(
    services: Services, world: dict[str, Any], clock: MovableClock
) -> None:
    registered = services.awarding.register(world["ao"], world["centre"].id, "601/8675/3",
                                            registration(world, uln="1000000043"))  # fmt: skip
    services.awarding.validate(world["ao"])
    clock.advance(days=21)
    assert services.awarding.sweep().reminders == 1
    assert services.awarding.sweep().reminders == 0
    clock.advance(days=6)
    assert services.awarding.sweep().reminders == 1
    clock.advance(days=1)
    report = services.awarding.sweep()
    assert report.removed == (registered.id,)
    assert services.awarding.sweep().removed == ()
    with services.uow() as uow:
        after = uow.registrations.get(registered.id)
    assert after is not None
    assert (after.uln_state, after.details.uln, after.removed_uln) == (UlnState.REMOVED, None, "1000000043")
    assert after.removal_reason and after.removed_on == clock.now().date()


def test_mail_waits_in_the_outbox_until_the_server_takes_it(
    services: Services, world: dict[str, Any], clock: MovableClock, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, port = smtp_server
    services.awarding.register(world["ao"], world["centre"].id, "601/8675/3", registration(world, uln="1000000043"))
    services.awarding.validate(world["ao"])
    down = SmtpPort(SmtpMailer("127.0.0.1", free_port(), "noreply@northgate.test", timeout=2))
    assert services.awarding.deliver_mail(down) == (0, 1)
    up = SmtpPort(SmtpMailer("127.0.0.1", port, "noreply@northgate.test"))
    assert services.awarding.deliver_mail(up) == (0, 0)  # retried later, not at once
    clock.advance(minutes=11)
    assert services.awarding.deliver_mail(up) == (1, 0)
    (message,) = inbox.messages
    assert message["To"] == "exams@riverside.test" and "ULN anomaly" in message["Subject"]
    assert "Katherine Smith-Jones" in message.get_content()


def test_a_file_is_checked_in_stages_and_good_rows_are_registered(services: Services, world: dict[str, Any]) -> None:
    rows = [
        {**registration(world), "qualification_reference": "601/8675/3"},
        {**registration(world, date_of_birth="2009-02-30"), "qualification_reference": "601/8675/3"},
        {**registration(world), "qualification_reference": "601/8675/3"},
        {**registration(world, given_name="Kate"), "qualification_reference": "603/0000/1"},
    ]
    report = services.awarding.register_file(world["ao"], world["centre"].id, rows)
    assert len(report.registered) == 1
    assert [(p.row, p.stage) for p in report.problems] == [(3, "field"), (4, "file"), (5, "reference data")]
    again = services.awarding.register_file(world["ao"], world["centre"].id, rows[:1])
    assert [(p.row, p.stage) for p in again.problems] == [(2, "state")]


def test_bad_input_names_every_field(services: Services, world: dict[str, Any]) -> None:
    with pytest.raises(InvalidFields) as raised:
        services.awarding.register(world["ao"], world["centre"].id, "601/8675/3",
                                   registration(world, given_name="", gender="7"))  # fmt: skip
    assert {p.field for p in raised.value.problems} == {"given_name", "gender"}


def test_only_the_centres_own_awarding_organisation_reaches_them(services: Services, world: dict[str, Any]) -> None:
    with pytest.raises(InsufficientAccess):
        services.awarding.register(world["school"], world["centre"].id, "601/8675/3", registration(world))
    stranger = Actor(OrganisationKind.AWARDING_ORGANISATION, "x", 999, "10099999")
    with pytest.raises(NotFound):
        services.awarding.register(stranger, world["centre"].id, "601/8675/3", registration(world))


def test_the_deadline_counts_from_registration(services: Services, world: dict[str, Any], clock: MovableClock) -> None:
    services.awarding.register(world["ao"], world["centre"].id, "601/8675/3", registration(world, uln="1000000043"))
    clock.advance(days=3)
    services.awarding.validate(world["ao"])
    (view,) = services.awarding.anomalies(world["ao"])
    assert view.stored.anomaly.removal_date == (clock.now() - timedelta(days=3)).date() + timedelta(days=28)
    assert view.days_left == 25


def test_a_registration_body_centre_obtains_a_uln_finding_first(
    services: Services, world: dict[str, Any], operator: Actor
) -> None:
    found = services.awarding.register(world["ao"], world["centre"].id, "601/8675/3", registration(world, uln=""))
    assert found.uln_state is UlnState.NONE
    assert services.awarding.obtain_uln(world["ao"], found.id).details.uln == world["learner"].uln
    new = services.awarding.register(
        world["ao"], world["centre"].id, "601/8675/3", registration(world, uln="", given_name="Oisín", gender="1")
    )
    obtained = services.awarding.obtain_uln(world["ao"], new.id)
    assert obtained.details.uln not in (None, world["learner"].uln)
    assert obtained.uln_state is UlnState.VALIDATED


def test_a_centre_that_is_not_a_registration_body_obtains_no_uln(services: Services, world: dict[str, Any]) -> None:
    other = services.awarding.add_centre(world["ao"], "C002", "Evening Classes", None, False, None)
    services.awarding.offer(world["ao"], other.id, ["601/8675/3"])
    found = services.awarding.register(world["ao"], other.id, "601/8675/3", registration(world, uln=""))
    with pytest.raises(InsufficientAccess):
        services.awarding.obtain_uln(world["ao"], found.id)


def test_a_result_the_register_refuses_is_rejected_with_the_reason(services: Services, world: dict[str, Any]) -> None:
    registered = services.awarding.register(world["ao"], world["centre"].id, "601/8675/3", registration(world))
    services.awarding.validate(world["ao"])
    services.certification.record_result(world["ao"], registered.id, "Merit", clock_day(services))
    learner = world["learner"]
    services.register.update(world["school"], learner.uln, 1,
                             details(family_name="Smith-Jones-Walsh", given_name="Katherine"))  # fmt: skip
    (sent,) = services.certification.certify(world["ao"], [registered.id])
    assert sent.certification_status == "sent"
    services.achievements.run_pending()
    (checked,) = services.certification.confirm(world["ao"], [registered.id])
    assert checked.certification_status == "rejected"
    assert checked.certification_reason and "not on the PLR" in checked.certification_reason


def test_a_result_without_a_validated_uln_is_not_sent(services: Services, world: dict[str, Any]) -> None:
    registered = services.awarding.register(world["ao"], world["centre"].id, "601/8675/3",
                                            registration(world, uln="1000000043"))  # fmt: skip
    services.awarding.validate(world["ao"])
    services.certification.record_result(world["ao"], registered.id, "Pass", clock_day(services))
    (outcome,) = services.certification.certify(world["ao"], [registered.id])
    assert (outcome.certification_status, outcome.certification_reason) == ("not_sent", "the ULN is not validated")


def clock_day(services: Services) -> date:
    return services.clock.now().date()


def test_a_merged_uln_is_fixed_by_taking_the_master(services: Services, world: dict[str, Any], operator: Actor) -> None:
    linked = services.register.register(world["school"], details(family_name="Smith-Jones", given_name="Katherine",
                                                                 postcode="B33 8TH"))  # fmt: skip
    services.merging.merge(operator, world["learner"].uln, linked.uln)
    registered = services.awarding.register(world["ao"], world["centre"].id, "601/8675/3",
                                            registration(world, uln=linked.uln))  # fmt: skip
    services.awarding.validate(world["ao"])
    (view,) = services.awarding.anomalies(world["ao"])
    assert view.stored.anomaly.kind is AnomalyKind.LINKED
    assert dict(view.stored.anomaly.fix.changes) == {"uln": world["learner"].uln}
    fixed = services.awarding.resolve(world["ao"], view.stored.id, "accept_fix")
    assert (fixed.id, fixed.details.uln, fixed.uln_state) == (registered.id, world["learner"].uln, UlnState.VALIDATED)


def test_another_learners_uln_is_fixed_by_correcting_it(services: Services, world: dict[str, Any]) -> None:
    someone = services.register.register(world["school"], details(given_name="Pádraig", family_name="Kelly",
                                                                  gender=1, date_of_birth="2008-01-30"))  # fmt: skip
    services.awarding.register(world["ao"], world["centre"].id, "601/8675/3", registration(world, uln=someone.uln))
    services.awarding.validate(world["ao"])
    (view,) = services.awarding.anomalies(world["ao"])
    assert view.stored.anomaly.kind is AnomalyKind.NO_MATCH
    assert "Pádraig" not in " ".join(p.words for p in view.stored.anomaly.problems)
    fixed = services.awarding.resolve(world["ao"], view.stored.id, "correct_uln", {"uln": world["learner"].uln})
    assert fixed.uln_state is UlnState.VALIDATED


def test_a_wrong_check_digit_is_fixed_by_correcting_the_uln(services: Services, world: dict[str, Any]) -> None:
    services.awarding.register(world["ao"], world["centre"].id, "601/8675/3", registration(world, uln="1026893097"))
    (view,) = services.awarding.anomalies(world["ao"])
    fixed = services.awarding.resolve(world["ao"], view.stored.id, "correct_uln", {"uln": world["learner"].uln})
    assert fixed.uln_state is UlnState.VALIDATED
    assert services.awarding.anomalies(world["ao"]) == []
