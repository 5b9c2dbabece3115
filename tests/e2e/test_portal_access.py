"""Every portal route with every role: who gets in is decided on the server, by the route's rule."""

from __future__ import annotations

import re

import httpx
import pytest

from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.users import PERMISSIONS, Permission, Role
from learner_records.entrypoints.web.access import RULES, Rule

from .conftest import LiveServer
from .test_portal_sign_in import PASSWORD, csrf, sign_in

DENIED = "You do not have access to this page"


@pytest.fixture
def clients(server: LiveServer, operator: Actor) -> dict[Role, httpx.Client]:
    """A signed-in client for each role."""
    services = server.services
    college = services.organisations.create(operator, "10012345", "Riverside College",
                                            OrganisationKind.LEARNER_REGISTRATION_BODY).organisation  # fmt: skip
    awards = services.organisations.create(operator, "10090001", "Northgate Awards",
                                           OrganisationKind.AWARDING_ORGANISATION).organisation  # fmt: skip
    home = dict.fromkeys((Role.SUPER_USER, Role.ONLINE_USER, Role.BATCH_USER, Role.VIEW_LEARNER_ONLY), college.id)
    home.update({Role.AWARDING_BODY_USER: awards.id, Role.CENTRE_USER: awards.id})
    signed_in = {}
    for role in Role:
        email = f"{role.value.replace('_', '.')}@example.org"
        services.users.create(None, email, role.label, role, home.get(role), PASSWORD,
                              uln="1026893096" if role is Role.LEARNER else None)  # fmt: skip
        client = server.client()
        assert sign_in(client, email).status_code == 303
        signed_in[role] = client
    return signed_in


def _call(client: httpx.Client, rule: Rule) -> httpx.Response:
    path = re.sub(r"\{[^}]+\}", "1", rule.path)
    if rule.method == "GET":
        return client.get(path, follow_redirects=False)
    token = csrf(client.get("/home"))
    return client.request(rule.method, path, data={"csrf_token": token}, follow_redirects=False)


def test_every_route_has_a_rule_and_the_public_ones_are_few() -> None:
    public = {rule.path for rule in RULES if rule.public}
    assert {"/", "/sign-in"} <= public
    assert all(rule.path.startswith(("/", "/verify")) for rule in RULES)


def test_no_one_signed_out_gets_past_a_rule(server: LiveServer) -> None:
    client = server.client()
    for rule in RULES:
        if rule.public:
            continue
        answer = client.get(re.sub(r"\{[^}]+\}", "1", rule.path), follow_redirects=False) if rule.method == "GET" \
            else client.request(rule.method, re.sub(r"\{[^}]+\}", "1", rule.path), follow_redirects=False)
        assert answer.status_code in (303, 403), f"{rule.method} {rule.path} answered {answer.status_code}"
        if answer.status_code == 303:
            assert answer.headers["location"].startswith("/sign-in")


def test_each_role_gets_exactly_the_routes_its_permissions_allow(clients: dict[Role, httpx.Client]) -> None:
    for rule in RULES:
        if rule.public or rule.path == "/sign-out":  # signing out would leave the routes after it nobody signed in
            continue
        for role, client in clients.items():
            answer = _call(client, rule)
            allowed = rule.permission is None or rule.permission in PERMISSIONS[role]
            refused = answer.status_code == 403 and DENIED in answer.text
            assert refused is not allowed, f"{role.value} on {rule.method} {rule.path}: {answer.status_code}"


def test_revoking_invitations_is_for_those_who_invite_and_recovering_learner_accounts_for_administrators() -> None:
    rules = {(rule.method, rule.path): rule.permission for rule in RULES}
    assert rules[("POST", "/organisation/invitations/{invitation_id}/revoke")] is Permission.REGISTER_LEARNER
    for method, path in (("GET", "/admin/learner-accounts"), ("POST", "/admin/learner-accounts/{uln}/detach"),
                         ("POST", "/admin/learner-accounts/{uln}/invite"),
                         ("POST", "/admin/invitations/{invitation_id}/revoke")):  # fmt: skip
        assert rules[(method, path)] is Permission.ADMINISTER, path


# The REST reads that disclose more than one learner's record, or what a learner who refused sharing keeps back:
# (method, path, body or query) -> the status each kind of organisation gets.
PRIVATE_LEARNER = {"given_name": "Zoë", "family_name": "Adeyemi", "date_of_birth": "2007-03-03", "gender": 2,
                   "postcode": "LS1 4AP", "ability_to_share": 2}  # fmt: skip
DISCLOSURES = [
    ("POST", "/api/v1/plr/audit", {"given_name": "Zoë", "family_name": "Adeyemi"},
     {"school": 403, "awarding": 403, "admin": 200}),
    ("POST", "/api/v1/plr", {"given_name": "Zoë", "family_name": "Adeyemi"},
     {"school": 403, "awarding": 403, "admin": 403}),  # the events themselves: only the learner, in their portal
    ("GET", "/api/v1/merges", {"from": "2026-11-01", "to": "2026-11-30"},
     {"school": 403, "awarding": 403, "admin": 200}),
    ("GET", "/api/v1/duplicates", {}, {"school": 403, "awarding": 403, "admin": 200}),
    ("GET", "/api/v1/organisations/10000001/keys", {}, {"school": 403, "awarding": 403, "admin": 200}),
]  # fmt: skip


def test_each_kind_of_organisation_gets_only_the_disclosures_its_rule_allows(server: LiveServer) -> None:
    uln = server.client("school").post("/api/v1/learners", json=PRIVATE_LEARNER).json()["learner"]["uln"]
    got, wanted = {}, {}
    for method, path, sent, statuses in DISCLOSURES:
        for kind, status in statuses.items():
            client = server.client(kind)
            answer = client.request(method, path, json={"uln": uln, **sent}) if method == "POST" \
                else client.get(path, params=sent)  # fmt: skip
            got[(path, kind)], wanted[(path, kind)] = answer.status_code, status
    assert got == wanted
