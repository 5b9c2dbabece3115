"""Sending plain-text mail through an SMTP server (smtplib), for the notices the awarding side queues in its outbox."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid, parseaddr


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    to: str
    subject: str
    body: str  # plain text


class MailError(Exception):
    """The mail could not be handed to the SMTP server: connection, TLS, login, refusal or timeout."""


class SmtpMailer:
    """The mail port over SMTP: one connection per message, which suits an outbox drained in small batches."""

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 10.0,
    ) -> None:
        if (username is None) != (password is None):
            raise ValueError("give both an SMTP username and a password, or neither")
        address = parseaddr(sender)[1]  # "Northgate Awards <noreply@northgate.example>" or the bare address
        if "@" not in address:
            raise ValueError(f"not a mail address: {sender!r}")
        # Message-IDs in our own domain (some receiving servers score mail without one as spam); given here, as
        # make_msgid would otherwise look the machine's name up in DNS for every message
        self._domain = address.rpartition("@")[2]
        self._host = host
        self._port = port
        self._sender = sender
        self._username = username
        self._password = password
        self._starttls = starttls
        self._timeout = timeout

    def _message(self, mail: OutgoingMail) -> EmailMessage:
        message = EmailMessage(policy=SMTP)  # lines end in CRLF on the wire; non-ASCII headers are RFC 2047-encoded
        message["From"] = self._sender
        message["To"] = mail.to
        message["Subject"] = mail.subject
        message["Date"] = formatdate(usegmt=True)
        message["Message-ID"] = make_msgid(domain=self._domain)
        # Quoted-printable: 7-bit on the wire, so a server without 8BITMIME cannot mangle "Siobhán", still readable
        # in the raw source, and its line breaks stay real line breaks (base64 would hide them inside the encoding)
        message.set_content(mail.body, charset="utf-8", cte="quoted-printable")
        return message

    def send(self, mail: OutgoingMail) -> None:
        try:
            message = self._message(mail)
        except (ValueError, TypeError) as error:  # a header the email package will not write, e.g. a bad address
            raise MailError(f"cannot write the message to {mail.to!r}: {error}") from error
        try:
            with smtplib.SMTP(self._host, self._port, timeout=self._timeout) as smtp:
                if self._starttls:
                    # the system's trusted certificates and a host name check, so a password never goes to an impostor
                    smtp.starttls(context=ssl.create_default_context())
                if self._username is not None and self._password is not None:
                    smtp.login(self._username, self._password)
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as error:
            # OSError covers a refused connection, an unknown host, a timeout and TLS failures (ssl.SSLError); the
            # outbox only needs to know that this attempt failed, and the cause stays chained for the log
            raise MailError(f"sending to {mail.to!r} through {self._host}:{self._port} failed: {error}") from error
