"""SmtpMailer against a real SMTP server: aiosmtpd listening on 127.0.0.1, in a thread, for each test."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from learner_records.adapters.mail.smtp import MailError, OutgoingMail, SmtpMailer

SENDER = "Northgate Awards <noreply@northgate.example>"
REFUSED = "nobody@riverside.example"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Collector:
    """The server side: keeps every message, refuses one address, and accepts one login."""

    received: list[Received] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address == REFUSED:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.original_content, bytes) and envelope.mail_from is not None
        # SMTP carries lines ending in CRLF; a mailbox stores them as LF, and that is what a reader gets back
        content = envelope.original_content.replace(b"\r\n", b"\n")
        message = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: object
    ) -> AuthResult:
        if isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"centre", b"s3cret"):
            self.logins.append(auth_data.login.decode())
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    collector: Collector
    port: int


@pytest.fixture
def server() -> Iterator[Server]:
    collector = Collector()
    port = free_port()
    # AUTH over plain text is fine on the loopback interface of a test; a real server would insist on TLS
    controller = Controller(collector, hostname="127.0.0.1", port=port, authenticator=collector.authenticate,
                            auth_require_tls=False)  # fmt: skip
    controller.start()
    try:
        yield Server(collector, port)
    finally:
        controller.stop()


def mailer(port: int, **options: object) -> SmtpMailer:
    return SmtpMailer("127.0.0.1", port, SENDER, timeout=5.0, **options)  # type: ignore[arg-type]


def test_a_message_arrives_with_its_recipient_subject_and_utf8_body(server: Server) -> None:
    body = (
        "Dear Siobhán Ó Briain,\n\n"
        "Łukasz Żółć and Zoë Brontë have results waiting — please check them before 4 December 2026.\n"
        + "A long line that has to be folded by the transfer encoding: "
        + "é" * 120
        + "\n"
    )
    subject = "Results for Siobhán Ó Briain: 2 anomalies to resolve (Łódź centre) — action needed"
    mailer(server.port).send(OutgoingMail("exams@riverside.example", subject, body))

    [received] = server.collector.received
    assert received.mail_from == "noreply@northgate.example"
    assert received.rcpt_tos == ["exams@riverside.example"]
    message = received.message
    assert message["To"] == "exams@riverside.example"
    assert message["From"] == SENDER
    assert message["Subject"] == subject
    assert message["Message-ID"].endswith("@northgate.example>")
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert message.get_content() == body
    # every byte on the wire is 7-bit: no server on the way needs 8BITMIME
    assert message["Content-Transfer-Encoding"] == "quoted-printable"


def test_a_login_is_made_when_credentials_are_given(server: Server) -> None:
    mailer(server.port, username="centre", password="s3cret").send(OutgoingMail("a@b.example", "Hello", "Hi\n"))
    assert server.collector.logins == ["centre"]
    assert len(server.collector.received) == 1


def test_a_wrong_password_raises_mail_error(server: Server) -> None:
    with pytest.raises(MailError):
        mailer(server.port, username="centre", password="wrong").send(OutgoingMail("a@b.example", "Hello", "Hi\n"))
    assert server.collector.received == []


def test_a_refused_recipient_raises_mail_error(server: Server) -> None:
    with pytest.raises(MailError, match=REFUSED):
        mailer(server.port).send(OutgoingMail(REFUSED, "Hello", "Hi\n"))
    assert server.collector.received == []


def test_a_closed_port_raises_mail_error_not_a_socket_error() -> None:
    port = free_port()  # nothing listens there any more
    with pytest.raises(MailError) as raised:
        mailer(port).send(OutgoingMail("a@b.example", "Hello", "Hi\n"))
    assert isinstance(raised.value.__cause__, OSError)


def test_a_header_that_would_inject_lines_is_refused(server: Server) -> None:
    with pytest.raises(MailError):
        mailer(server.port).send(OutgoingMail("a@b.example", "Hello\r\nBcc: everyone@example.com", "Hi\n"))
    assert server.collector.received == []


def test_the_sender_and_credentials_are_checked_when_built() -> None:
    with pytest.raises(ValueError):
        SmtpMailer("127.0.0.1", 25, "not an address")
    with pytest.raises(ValueError):
        SmtpMailer("127.0.0.1", 25, SENDER, username="centre")
