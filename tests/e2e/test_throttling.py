"""Every door where credentials or certificate ids can be guessed answers "too many" after a few failures, over
HTTP to a real server: sign-in pages and the REST API with 429 and Retry-After, SOAP with a WSEC0003 fault."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from zeep.exceptions import Fault

from learner_records.bootstrap import Services, bootstrap
from learner_records.config import Settings
from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.users import Role
from tests.conftest import TEST_HASHER, MovableClock

from .conftest import LiveServer
from .soap_clients import Soap
from .test_portal_learner import redeem
from .test_portal_sign_in import PASSWORD, sign_in
from .test_soap_learner_service import SIOBHAN, miap_fault

LIMIT = 3
DOORS = ("sign_in_client", "sign_in_account", "api_key_client", "api_key_account", "soap_client", "soap_account",
         "verify_client", "invitation_client")  # fmt: skip
STRICT = {f"throttle_{door}": f"{LIMIT}/minute" for door in DOORS}


@pytest.fixture
def services(database_url: str, clock: MovableClock) -> Iterator[Services]:
    """The suite's services with low limits, so that a test reaches them in a few calls."""
    built = bootstrap(Settings(database_url=database_url, **STRICT), clock=clock, hasher=TEST_HASHER)
    yield built
    if built.engine is not None:
        built.engine.dispose()


def _retry_after(answer: httpx.Response) -> int:
    assert answer.status_code == 429, answer.text
    seconds = int(answer.headers["Retry-After"])
    assert 0 < seconds <= 60
    return seconds


def test_rapid_wrong_sign_ins_are_answered_429_with_a_page_saying_when_to_try_again(
    server: LiveServer, operator: Actor
) -> None:
    college = server.services.organisations.create(operator, "10012345", "Riverside College",
                                                   OrganisationKind.LEARNER_REGISTRATION_BODY).organisation  # fmt: skip
    server.services.users.create(None, "office@riverside.ac.uk", "Ben Cole", Role.ONLINE_USER, college.id, PASSWORD)
    client = server.client()
    for _ in range(LIMIT):
        assert sign_in(client, "office@riverside.ac.uk", "Wrong-password-1").status_code == 400
    throttled = sign_in(client, "office@riverside.ac.uk")  # refused unchecked, the right password too
    _retry_after(throttled)
    assert "Too many attempts" in throttled.text and "Try again in 1 minute" in throttled.text


def test_guessing_emails_from_one_client_is_answered_429(server: LiveServer) -> None:
    client = server.client()
    for number in range(LIMIT):
        assert sign_in(client, f"guess{number}@riverside.ac.uk", "Wrong-password-1").status_code == 400
    _retry_after(sign_in(client, "another-guess@riverside.ac.uk", "Wrong-password-1"))


def test_guessed_api_keys_are_answered_429_and_then_even_a_good_key_waits(server: LiveServer) -> None:
    client = server.client()
    for number in range(LIMIT):
        guess = {"Authorization": f"Bearer lr_{number:012x}_{'0' * 64}"}
        assert client.get("/api/v1/learners/1026893096", headers=guess).status_code == 401
    throttled = client.get("/api/v1/learners/1026893096", headers={"Authorization": f"Bearer {server.keys['school']}"})
    _retry_after(throttled)
    assert throttled.json()["title"] == "Too many attempts"
    assert server.client("school").get("/api/v1/learners/1026893096").status_code == 429  # the same address


def test_one_key_id_guessed_from_anywhere_is_answered_429(server: LiveServer) -> None:
    key_id = server.keys["school"].split("_")[1]
    for number in range(LIMIT):
        wrong = f"Bearer lr_{key_id}_{number:064x}"
        assert server.client().get("/api/v1/learners/1026893096", headers={"Authorization": wrong}).status_code == 401
    _retry_after(server.client().get("/api/v1/learners/1026893096",
                                     headers={"Authorization": f"Bearer lr_{key_id}_{'f' * 64}"}))  # fmt: skip


def _register(soap: Soap, **credentials: Any) -> dict[str, str]:
    with pytest.raises(Fault) as raised:
        soap.service("LearnerService").registerSingleLearner(**{**soap.miap("school"), **credentials},
                                                             Learner=SIOBHAN)  # fmt: skip
    return miap_fault(raised)


def test_guessed_web_service_passwords_are_answered_with_a_wsec0003_fault_saying_when_to_try_again(
    soap: Soap,
) -> None:
    for number in range(LIMIT):
        refused = _register(soap, OrgPassword=f"WrongPassword{number:03d}")
        assert refused["ErrorCode"] == "WSEC0005" and "Try again" not in refused["FurtherDetails"]
    throttled = _register(soap, OrgPassword=soap.passwords["school"])  # the right one waits too
    assert throttled["ErrorCode"] == "WSEC0003"
    assert throttled["FurtherDetails"] == "There have been too many failed attempts. Try again in 1 minute"


def test_an_unknown_ukprn_and_a_wrong_password_get_the_contracts_two_codes(soap: Soap) -> None:
    unknown = _register(soap, UKPRN="99999999")
    wrong = _register(soap, OrgPassword="WrongPassword123")
    assert (unknown["ErrorCode"], wrong["ErrorCode"]) == ("WSEC0003", "WSEC0005")


def test_guessed_certificate_ids_are_answered_429(server: LiveServer) -> None:
    client = server.client()
    for number in range(LIMIT):
        assert client.get(f"/verify/guess-{number}").status_code == 404
    throttled = client.get("/verify/another-guess")
    _retry_after(throttled)
    assert "Too many attempts" in throttled.text


def test_guessed_invitation_codes_are_answered_429(server: LiveServer) -> None:
    for number in range(LIMIT):
        refused = redeem(server, f"KQ7M-4XRT-9P{'ACD'[number]}A")
        assert refused.status_code == 400 and "not known" in refused.text
    throttled = redeem(server, "KQ7M-4XRT-9PYA")
    _retry_after(throttled)
    assert "Too many attempts" in throttled.text
