"""An organisation's API keys over REST (register administrators), the CLI and the super user's portal page:
several named keys, each shown once, listed without secrets, revoked (refused at once) and rotated."""

from __future__ import annotations

import httpx
import pytest
from typer.testing import CliRunner

from learner_records.domain.access import Actor
from learner_records.domain.errors import UnknownOrganisation
from learner_records.domain.users import Role
from learner_records.entrypoints.cli import context as cli_context
from learner_records.services.admin_ports import AccessLogFilter
from tests.conftest import MovableClock

from .conftest import LiveServer, run
from .test_portal_sign_in import PASSWORD, csrf, sign_in

SCHOOL = "10000001"
KEYS = f"/api/v1/organisations/{SCHOOL}/keys"
A_ULN = "/api/v1/learners/1026893096"  # not registered: 404 to a caller whose key works, 401 otherwise


def with_key(server: LiveServer, key: str) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {key}"}, timeout=30)


def works(server: LiveServer, key: str) -> bool:
    with with_key(server, key) as client:
        status = client.get(A_ULN).status_code
    assert status in (401, 404)
    return status == 404


def test_an_administrator_creates_lists_and_revokes_keys_and_a_revoked_key_is_refused_at_once(
    server: LiveServer,
) -> None:
    admin = server.client("admin")
    created = admin.post(KEYS, json={"label": "MIS nightly export"})
    assert created.status_code == 201
    new_key = created.json()["api_key"]
    assert works(server, new_key) and works(server, server.keys["school"])  # both keys at once
    listed = admin.get(KEYS).json()
    assert [(k["label"], k["state"]) for k in listed] == [("first key", "active"), ("MIS nightly export", "active")]
    assert all("api_key" not in k and "secret_hash" not in k for k in listed)
    assert listed[1]["last_used_at"] is not None
    revoked = admin.delete(f"{KEYS}/{created.json()['key']['id']}")
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    assert not works(server, new_key)
    assert works(server, server.keys["school"])  # the other key goes on working
    assert admin.delete(f"{KEYS}/{created.json()['key']['id']}").status_code == 409


def test_a_rotated_key_is_replaced_the_old_one_refused_at_once_or_after_its_overlap(
    server: LiveServer, clock: MovableClock
) -> None:
    admin = server.client("admin")
    first_id = admin.get(KEYS).json()[0]["id"]
    rotated = admin.post(f"{KEYS}/{first_id}/rotate")
    assert rotated.status_code == 201 and rotated.json()["key"]["label"] == "first key"
    assert works(server, rotated.json()["api_key"])
    assert not works(server, server.keys["school"])
    overlapping = admin.post(f"{KEYS}/{rotated.json()['key']['id']}/rotate", json={"overlap_minutes": 10})
    assert works(server, overlapping.json()["api_key"]) and works(server, rotated.json()["api_key"])
    clock.advance(minutes=10)
    assert not works(server, rotated.json()["api_key"])
    too_long = admin.post(f"{KEYS}/{overlapping.json()['key']['id']}/rotate", json={"overlap_minutes": 61})
    assert too_long.status_code == 422 and "overlap_minutes" in too_long.text


def test_only_register_administrators_manage_keys_and_bad_requests_say_why(server: LiveServer) -> None:
    assert server.client("school").get(KEYS).status_code == 403
    assert server.client("school").post(KEYS, json={}).status_code == 403
    assert server.client().get(KEYS).status_code == 401
    admin = server.client("admin")
    assert admin.get("/api/v1/organisations/10099999/keys").status_code == 404
    assert admin.delete(f"{KEYS}/9999").status_code == 404
    other = admin.get("/api/v1/organisations/10000002/keys").json()[0]["id"]
    assert admin.delete(f"{KEYS}/{other}").status_code == 404  # another organisation's key is not this one's
    long_label = admin.post(KEYS, json={"label": "x" * 61})
    assert long_label.status_code == 422 and "label" in long_label.text


def test_the_key_routes_are_in_the_openapi_document_with_their_errors(server: LiveServer) -> None:
    paths = server.client().get("/api/openapi.json").json()["paths"]
    base = "/api/v1/organisations/{ukprn}/keys"
    keys, one, rotate = paths[base], paths[f"{base}/{{key_id}}"], paths[f"{base}/{{key_id}}/rotate"]
    assert {"401", "403", "404", "422"} <= set(keys["get"]["responses"]) & set(keys["post"]["responses"])
    assert {"401", "403", "404", "409"} <= set(one["delete"]["responses"]) & set(rotate["post"]["responses"])


def test_every_key_change_is_in_the_access_log(server: LiveServer) -> None:
    admin = server.client("admin")
    key_id = admin.post(KEYS, json={"label": "reports"}).json()["key"]["id"]
    admin.post(f"{KEYS}/{key_id}/rotate")
    admin.delete(f"{KEYS}/{admin.get(KEYS).json()[-1]['id']}")
    with server.services.uow() as uow:
        lines = uow.audit.access_log(AccessLogFilter(user_name="admin-user"), 0, 50)
    school_id = server.services.organisations.acting_for(server.services.organisations.authenticate(
        server.keys["admin"]), SCHOOL, "x").organisation_id  # fmt: skip
    assert sorted((line.action, line.organisation_id, line.uln) for line in lines if line.action.startswith("api_")) \
        == [("api_key_created", school_id, None), ("api_key_revoked", school_id, None),
            ("api_key_rotated", school_id, None)]  # fmt: skip


def test_the_cli_creates_lists_revokes_and_rotates_keys(cli: CliRunner, operator: Actor) -> None:
    code, output = run(cli, "orgs", "create", "--ukprn", "10099999", "--name", "Hilltop Academy")
    assert code == 0
    first = output.strip().splitlines()[-1]
    code, output = run(cli, "orgs", "keys", "create", "--ukprn", "10099999", "--label", "timetabling")
    assert code == 0 and "shown once" in output
    second = output.strip().splitlines()[-1]
    organisations = cli_context.services().organisations
    assert organisations.authenticate(second).ukprn == "10099999"
    code, output = run(cli, "orgs", "keys", "list", "--ukprn", "10099999", "--json")
    assert code == 0 and first not in output and second not in output and "timetabling" in output
    first_id, second_id = (key.id for key in cli_context.services().api_keys.keys(operator, "10099999"))
    assert run(cli, "orgs", "keys", "revoke", "--ukprn", "10099999", "--key", str(second_id))[0] == 0
    with pytest.raises(UnknownOrganisation, match="revoked"):
        organisations.authenticate(second)
    code, output = run(cli, "orgs", "keys", "rotate", "--ukprn", "10099999", "--key", str(first_id))
    assert code == 0
    assert organisations.authenticate(output.strip().splitlines()[-1]).ukprn == "10099999"
    with pytest.raises(UnknownOrganisation):
        organisations.authenticate(first)
    assert run(cli, "orgs", "keys", "revoke", "--ukprn", "10099999", "--key", str(second_id))[0] == 4
    assert run(cli, "orgs", "keys", "list", "--ukprn", "10000404")[0] == 3
    assert run(cli, "orgs", "keys", "rotate", "--ukprn", "10099999", "--key", "1", "--overlap", "90")[0] == 2


def test_the_super_user_lists_creates_and_revokes_their_organisations_keys(server: LiveServer) -> None:
    services = server.services
    school = services.organisations.authenticate(server.keys["school"])
    services.users.create(None, "head@school.example", "Asha Patel", Role.SUPER_USER, school.organisation_id,
                          PASSWORD)  # fmt: skip
    client = server.client()
    assert sign_in(client, "head@school.example").status_code == 303
    listing = client.get("/organisation/keys")
    assert listing.status_code == 200 and "first key" in listing.text and server.keys["school"] not in listing.text
    created = client.post("/organisation/keys", data={"label": "Timetable sync", "csrf_token": csrf(listing)})
    assert created.status_code == 201 and "shown on this page only" in created.text
    new_key = next(word for word in created.text.split(">") if word.startswith("lr_")).split("<")[0]
    assert works(server, new_key)
    assert new_key not in client.get("/organisation/keys").text  # never shown again
    key_id = services.api_keys.keys(services.organisations.authenticate(server.keys["admin"]), SCHOOL)[-1].id
    confirm = client.get(f"/organisation/keys/{key_id}/revoke")
    assert confirm.status_code == 200 and "Revoke this API key?" in confirm.text and works(server, new_key)
    done = client.post(f"/organisation/keys/{key_id}/revoke", data={"csrf_token": csrf(confirm)},
                       follow_redirects=True)  # fmt: skip
    assert done.status_code == 200 and "was revoked" in done.text
    assert not works(server, new_key)
    admins_key = services.api_keys.keys(services.organisations.authenticate(server.keys["admin"]), "10000000")[0]
    assert client.get(f"/organisation/keys/{admins_key.id}/revoke").status_code == 404  # not their organisation's
