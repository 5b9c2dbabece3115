"""Who is calling: the credentials each service carries in its request, authenticated by OrganisationService."""

from __future__ import annotations

from typing import Any

from ...bootstrap import Services
from ...domain.access import Actor
from ...services.throttling import Door, soap_refused
from ..throttled import soap_client

USER_NAME_LIMIT = 128


def _text(value: Any) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value).strip()


def authenticate(services: Services, ukprn: Any, organisation_ref: Any, password: Any, user_name: Any) -> Actor:
    def attempt() -> Actor:
        return services.organisations.authenticate_password(
            _text(ukprn), _text(organisation_ref), "" if password is None else str(password), _text(user_name)
        )

    account = f"{_text(ukprn) or ''}/{_text(organisation_ref) or ''}"
    return services.throttle.guard(Door.SOAP, soap_client.get(), account, attempt, soap_refused)


def miap_actor(services: Services, message: dict[str, Any]) -> Actor:
    """LearnerService: UKPRN or OrganisationRef, OrgPassword and UserName at the top of the request."""
    return authenticate(
        services, message.get("UKPRN"), message.get("OrganisationRef"), message.get("OrgPassword"),
        message.get("UserName"),
    )  # fmt: skip


def r9_actor(services: Services, message: dict[str, Any]) -> Actor:
    """LearnerServiceR9: invokingOrganisation {Password, Reference or OrganisationRef, Ukprn, Username}."""
    invoking = message.get("invokingOrganisation") or {}
    reference = invoking.get("Reference", invoking.get("OrganisationRef"))
    return authenticate(services, invoking.get("Ukprn"), reference, invoking.get("Password"), invoking.get("Username"))


def external_actor(services: Services, message: dict[str, Any]) -> Actor:
    """ExternalService: invokingUser {OrgPassword, OrganisationRef, UserName} (awarding organisations)."""
    user = message.get("invokingUser") or {}
    reference = user.get("OrganisationRef")
    # Awarding organisations are known by UKPRN as often as by reference: an 8-character value is a UKPRN.
    ukprn = reference if reference is not None and len(str(reference).strip()) == 8 else None
    return authenticate(services, ukprn, None if ukprn else reference, user.get("OrgPassword"), user.get("UserName"))
