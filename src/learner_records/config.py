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
    possible_match_score: float = 0.0  # 0 means the matcher's own default
    duplicate_threshold: float = 0.0  # 0 means the matcher's own default
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
