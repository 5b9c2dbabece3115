"""A locked account's holder gets an email with a one-time link that unlocks it at once: a real server, and a
real SMTP server (aiosmtpd) receiving the mail."""

from __future__ import annotations

import re

from learner_records.adapters.mail.smtp import SmtpMailer
from learner_records.bootstrap import SmtpPort
from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.users import Role
from tests.integration.test_awarding_services import Inbox, smtp_server

from .conftest import LiveServer
from .test_portal_sign_in import PASSWORD, csrf, sign_in

__all__ = ["smtp_server"]  # the fixture, used by name
EMAIL = "office@riverside.ac.uk"


def test_the_holder_of_a_locked_account_unlocks_it_with_the_link_mailed_to_them(
    server: LiveServer, operator: Actor, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, port = smtp_server
    services = server.services
    college = services.organisations.create(operator, "10012345", "Riverside College",
                                            OrganisationKind.LEARNER_REGISTRATION_BODY).organisation  # fmt: skip
    services.users.create(None, EMAIL, "Ben Cole", Role.ONLINE_USER, college.id, PASSWORD)
    for _ in range(9):
        sign_in(server.client(), EMAIL, "Wrong-password-1")
    mailer = SmtpPort(SmtpMailer("127.0.0.1", port, "noreply@register.test"))
    assert services.awarding.deliver_mail(mailer) == (0, 0)  # nothing until the lock begins
    sign_in(server.client(), EMAIL, "Wrong-password-1")
    assert sign_in(server.client(), EMAIL).status_code == 400  # locked
    assert services.awarding.deliver_mail(mailer) == (1, 0)
    (message,) = inbox.messages
    assert message["To"] == EMAIL and message["Subject"] == "Your learner-records account is locked"
    found = re.search(r"http://\S+/unlock/(\S+)", message.get_content())
    assert found is not None, "the mail has no unlock link"
    path = f"/unlock/{found.group(1)}"

    client = server.client()
    form = client.get(path)  # opening the link only shows the button
    assert form.status_code == 200 and "Unlock my account" in form.text
    assert form.headers["Referrer-Policy"] == "no-referrer"
    assert sign_in(server.client(), EMAIL).status_code == 400
    unlocked = client.post(path, data={"csrf_token": csrf(form)})
    assert unlocked.status_code == 200 and "Your account is unlocked" in unlocked.text
    assert sign_in(server.client(), EMAIL).status_code == 303
    again = client.post(path, data={"csrf_token": csrf(form)})
    assert again.status_code == 404  # the link works once
