"""Settings, read from LEARNER_RECORDS_* environment variables; nothing is read at import time."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

DEFAULT_DATA_DIR = Path("data")
GATEWAYS = ("in_process", "soap")


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = f"sqlite:///{DEFAULT_DATA_DIR / 'learner-records.sqlite3'}"
    host: str = "127.0.0.1"
    port: int = 8000
    possible_match_limit: int = 10  # more possible matches than this answer WSRC0002 "too many"
    # Match probabilities (0 to 1): a record is a possible match for a find at this, a pair of learners a probable
    # duplicate at that, and a verify with alike names similar (WSVRC003) at the third.
    possible_match_probability: float = 0.01
    duplicate_probability: float = 0.95
    verify_similar_probability: float = 0.5
    match_model: str = ""  # the match model file `matching train` wrote; empty: the one the package ships
    public_url: str = "http://127.0.0.1:8000"  # where certificate QR codes point
    removal_days: int = 28  # an anomaly unresolved this long after registration costs the registration its ULN
    smtp_host: str = ""  # empty: mail waits in the outbox
    smtp_port: int = 25
    smtp_sender: str = "learner-records <noreply@localhost>"
    smtp_username: str = ""
    smtp_password: str = ""  # from the environment only, never the repository
    smtp_starttls: bool = False
    log_level: str = "INFO"
    secret_key: str = ""  # signs session cookies; empty: one is made and kept beside the SQLite database
    operating_hours: str = ""  # web services answer only in this UK-time window, e.g. 07:00-19:00; empty: always
    tls_certfile: str = ""  # with tls_keyfile: serve HTTPS
    tls_keyfile: str = ""
    tls_client_ca: str = ""  # with HTTPS: require a client certificate signed by this CA (the LRS's mutual TLS)
    gateway: str = "in_process"  # how the awarding side reaches a register: in_process, or soap (the LRS protocol)
    gateway_url: str = ""  # soap: the register's base URL, e.g. https://ws.lrs.education.gov.uk
    gateway_ukprn: str = ""  # soap: the awarding organisation's UKPRN at that register
    gateway_password: str = ""  # soap: its 16-character OrgPassword; from the environment only, never the repository
    gateway_user: str = ""  # soap: the UserName sent when the acting user has none
    session_hours: int = 12  # a portal session ends this long after sign-in, however much it is used
    session_idle_minutes: int = 30  # and sooner if no page is asked for this long
    # Failed attempts allowed, per client address and per account, before a door answers HTTP 429 (a WSEC0003
    # fault on SOAP) until the oldest failure leaves its window: "N/second|minute|hour|day", several joined by ";".
    # Only failures count, so honest use never meets them; "" turns one off.
    throttle_sign_in_client: str = "30/minute;300/hour"
    throttle_sign_in_account: str = "20/minute"  # above lockout_after: known accounts lock before this
    throttle_api_key_client: str = "30/minute;300/hour"
    throttle_api_key_account: str = "10/minute;100/hour"
    throttle_soap_client: str = "30/minute;300/hour"
    throttle_soap_account: str = "10/minute;100/hour"
    throttle_verify_client: str = "30/minute;300/hour"  # certificate ids that are not found
    throttle_invitation_client: str = "10/minute;50/hour"  # invitation codes or identity answers refused
    throttle_storage: str = "memory://"  # the counts of this process only; e.g. redis://host:6379 to share them
    lockout_after: int = 10  # wrong passwords in a row that lock a portal account
    lockout_minutes: int = 15  # the first lock; each further wrong password after it runs out doubles it
    job_lease_seconds: float = 15.0  # a worker renews its job's lease every chunk; a killed worker's job resumes after
    job_retry_first_seconds: float = 1.0  # a store error that passes (disk full, lost connection): first wait
    job_retry_cap_seconds: float = 300.0  # the wait doubles up to this
    job_retry_limit: int = 1000  # store errors in a row without progress before the job fails
    soap_body_seconds: float = 60.0  # a SOAP request's whole body must arrive within this long of its headers

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Settings:
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for field in fields(cls):
            raw = environ.get(f"LEARNER_RECORDS_{field.name.upper()}")
            if raw is None:
                continue
            kind = type(getattr(cls(), field.name))
            if kind is bool:
                values[field.name] = raw.strip().lower() in ("1", "true", "yes", "on")
                continue
            try:
                values[field.name] = kind(raw)
            except ValueError:
                raise ValueError(f"LEARNER_RECORDS_{field.name.upper()}: {raw!r} is not a {kind.__name__}") from None
        return cls(**values)  # type: ignore[arg-type]

    def check_gateway(self) -> None:
        """Refuse a gateway setting that cannot work, naming the variable, before anything calls a register."""
        if self.gateway not in GATEWAYS:
            raise ValueError(f"LEARNER_RECORDS_GATEWAY: {self.gateway!r} is not one of {', '.join(GATEWAYS)}")
        if self.gateway == "soap":
            for name in ("gateway_url", "gateway_ukprn", "gateway_password"):
                if not getattr(self, name):
                    raise ValueError(f"LEARNER_RECORDS_{name.upper()} is needed with LEARNER_RECORDS_GATEWAY=soap")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite or ":memory:" in self.database_url:
            return None
        return Path(self.database_url.split("///", 1)[1])
