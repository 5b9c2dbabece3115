"""A web-service password changed anywhere (the CLI, another worker's process) is refused at once by the server."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner
from zeep.exceptions import Fault

from learner_records.bootstrap import bootstrap
from learner_records.domain.access import Actor

from .conftest import LiveServer, run
from .soap_clients import Soap


def retrieve(soap: Soap) -> str:
    answer = soap.service("LearnerService").retrieveULNs(**soap.miap("school"), ULNsToRetrieve={"ULN": ["1026893096"]})
    return str(answer[0].ResponseCode)


def refused_code(soap: Soap) -> str:
    with pytest.raises(Fault) as raised:
        retrieve(soap)
    detail = raised.value.detail
    assert detail is not None
    return str(next(element.text for element in detail.iter() if element.tag.endswith("ErrorCode")))


def test_a_password_changed_by_the_cli_is_refused_at_once(soap: Soap, cli: CliRunner) -> None:
    assert retrieve(soap) == "WSRC0001"  # the server has just checked (and once remembered) this password
    code, output = run(cli, "orgs", "password", "--ukprn", soap.ukprns["school"])
    assert code == 0
    assert refused_code(soap) == "WSEC0005"
    soap.passwords["school"] = output.strip().splitlines()[-1]
    assert retrieve(soap) == "WSRC0001"


def test_a_password_changed_by_another_process_is_refused_at_once(
    soap: Soap, server: LiveServer, operator: Actor
) -> None:
    assert retrieve(soap) == "WSRC0001"
    elsewhere = bootstrap(server.services.settings)  # its own services and connections, as another worker has
    school = elsewhere.organisations.acting_for(operator, soap.ukprns["school"], "operator")
    assert school.organisation_id is not None
    elsewhere.organisations.set_password(operator, school.organisation_id, "Q7wertyUiopAsdfG")
    assert refused_code(soap) == "WSEC0005"
    if elsewhere.engine is not None:
        elsewhere.engine.dispose()
