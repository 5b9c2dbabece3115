"""A real uvicorn server on a free local port, over a fresh database, for each test."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
from typer.testing import CliRunner

from learner_records.bootstrap import Services
from learner_records.domain.access import Actor, OrganisationKind
from learner_records.entrypoints.cli import app as cli_app
from learner_records.entrypoints.cli import context as cli_context

from ..live_server import free_port, live_server
from .soap_clients import Soap

__all__ = ["free_port"]  # other e2e tests take the port helper from here


@dataclass
class LiveServer:
    url: str
    services: Services
    keys: dict[str, str]
    clients: list[httpx.Client] = field(default_factory=list)

    def client(self, who: str | None = None) -> httpx.Client:
        """A client acting for `who` (an organisation of the fixture), closed when the test ends."""
        headers = {"Authorization": f"Bearer {self.keys[who]}", "X-User-Name": f"{who}-user"} if who else {}
        client = httpx.Client(base_url=self.url, headers=headers, timeout=30)
        self.clients.append(client)
        return client


@pytest.fixture
def server(services: Services, operator: Actor) -> Iterator[LiveServer]:
    keys = {}
    for name, ukprn, kind in [
        ("admin", "10000000", OrganisationKind.REGISTER_ADMINISTRATOR),
        ("school", "10000001", OrganisationKind.LEARNER_REGISTRATION_BODY),
        ("awarding", "10000002", OrganisationKind.AWARDING_ORGANISATION),
    ]:
        keys[name] = services.organisations.create(operator, ukprn, f"{name} organisation", kind).api_key
    with live_server(services) as url:
        live = LiveServer(url, services, keys)
        yield live
        for client in live.clients:
            client.close()


@pytest.fixture
def soap(server: LiveServer, operator: Actor) -> Iterator[Soap]:
    """zeep clients of the live server, and a web-service password for each of its organisations."""
    passwords, ukprns = {}, {}
    for organisation in server.services.organisations.list(operator):
        name = organisation.name.removesuffix(" organisation")
        passwords[name] = server.services.organisations.set_password(operator, organisation.id)
        ukprns[name] = organisation.ukprn
    clients = Soap(server.url, passwords, ukprns)
    yield clients
    clients.session.close()


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """The command line over a fresh database (the CLI reads its settings from the environment)."""
    monkeypatch.setenv("LEARNER_RECORDS_DATABASE_URL", database_url)
    cli_context.services.cache_clear()
    yield CliRunner()
    engine = cli_context.services().engine
    if engine is not None:
        engine.dispose()
    cli_context.services.cache_clear()


def run(cli: CliRunner, *args: str) -> tuple[int, str]:
    result = cli.invoke(cli_app, list(args))
    return result.exit_code, result.output
