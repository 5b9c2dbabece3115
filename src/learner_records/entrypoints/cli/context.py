"""What every command needs: settings, the services and the operator acting through the CLI."""

from __future__ import annotations

import getpass
from functools import cache

from ...bootstrap import Services, bootstrap
from ...config import Settings
from ...domain.access import Actor, OrganisationKind


@cache
def services() -> Services:
    return bootstrap(Settings.from_environment())


def operator() -> Actor:
    # The CLI runs on the register's own host, so its user is the register's operator.
    return Actor(OrganisationKind.REGISTER_ADMINISTRATOR, f"cli:{getpass.getuser()}")
