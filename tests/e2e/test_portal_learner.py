"""The learner portal over HTTP: an organisation invites a learner, who sets up their sign-in, reads and downloads
their record, challenges an entry, shares it by a link that someone opens without signing in, sees that view
under "who looked", and withdraws the link."""

from __future__ import annotations

import re
from typing import Any

import pytest

from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.users import Role
from tests.conftest import MovableClock
from tests.factories import details
from tests.integration.test_plr_services import CATALOGUE, row, submit

from .conftest import LiveServer
from .test_portal_sign_in import PASSWORD, csrf, sign_in

LEARNER_EMAIL = "siobhan@example.org"
LEARNER_PASSWORD = "My-own-record-7"


@pytest.fixture
def world(server: LiveServer, operator: Actor) -> dict[str, Any]:
    services = server.services
    services.records.import_catalogue(operator, CATALOGUE)
    college = services.organisations.create(operator, "10012345", "Riverside College",
                                            OrganisationKind.LEARNER_REGISTRATION_BODY).organisation  # fmt: skip
    awards = services.organisations.create(operator, "10090001", "Northgate Awards",
                                           OrganisationKind.AWARDING_ORGANISATION).organisation  # fmt: skip
    office = services.users.create(None, "office@riverside.ac.uk", "Ben Cole", Role.ONLINE_USER, college.id,
                                   PASSWORD)  # fmt: skip
    learner = services.register.register(office.actor(college.ukprn), details())
    submit(services, Actor(OrganisationKind.AWARDING_ORGANISATION, "results", awards.id, awards.ukprn), [row(learner)])
    return {"office": office, "learner": learner}


def invite(server: LiveServer, uln: str) -> str:
    """The code the organisation's page shows, once."""
    client = server.client()
    sign_in(client, "office@riverside.ac.uk")
    form = client.get(f"/organisation/learners/{uln}/invite")
    assert form.status_code == 200 and "Make an invitation code" in form.text
    shown = client.post(f"/organisation/learners/{uln}/invite", data={"csrf_token": csrf(form)})
    assert shown.status_code == 200 and "shown only once" in shown.text and "Siobhán Ó Briain" in shown.text
    assert f"{server.services.settings.public_url}/learner/invitation" in shown.text
    found = re.search(r'class="lr-invitation-code">([A-Z0-9-]+)<', shown.text)
    assert found is not None
    return found.group(1)


def redeem(server: LiveServer, code: str, email: str = LEARNER_EMAIL, password: str = LEARNER_PASSWORD,
           family_name: str = "Ó Briain", born: tuple[str, str, str] = ("17", "4", "2009")) -> Any:  # fmt: skip
    client = server.client()
    form = client.get("/learner/invitation")
    day, month, year = born
    return client.post("/learner/invitation", data={
        "code": code, "family_name": family_name, "date_of_birth-day": day, "date_of_birth-month": month,
        "date_of_birth-year": year, "email": email, "password": password, "csrf_token": csrf(form)},
        follow_redirects=False)  # fmt: skip


def test_invite_redeem_read_download_share_see_who_looked_and_withdraw(
    server: LiveServer, world: dict[str, Any]
) -> None:
    code = invite(server, world["learner"].uln)
    redeemed = redeem(server, code)
    assert (redeemed.status_code, redeemed.headers["location"]) == (303, "/learner/invitation/done")
    assert "Your account is set up" in server.client().get("/learner/invitation/done").text

    me = server.client()
    assert sign_in(me, LEARNER_EMAIL, LEARNER_PASSWORD).status_code == 303
    record = me.get("/learner")
    assert record.status_code == 200
    assert "Certificate in Digital Skills" in record.text and "Merit" in record.text
    assert world["learner"].uln in record.text
    pdf = me.get("/learner/record.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    links = me.get("/learner/share-links")
    assert links.text.count('aria-current="true"') == 1  # the section "Share links", not also its parent /learner
    made = me.post("/learner/share-links", data={"label": "for my new employer", "days": "30",
                                                 "csrf_token": csrf(links)}, follow_redirects=False)  # fmt: skip
    assert made.status_code == 303
    listed = me.get("/learner/share-links")
    address = re.search(r'id="new-link">[^<]*(/share/[A-Za-z0-9_-]+)<', listed.text)
    assert address is not None and "shown only this once" in listed.text
    share_path = address.group(1)
    assert "/share/" not in me.get("/learner/share-links").text  # the link is shown once, not kept

    anyone = server.client()
    shared = anyone.get(share_path)
    assert shared.status_code == 200 and shared.headers["referrer-policy"] == "no-referrer"
    assert "Learning record of Siobhán Ó Briain" in shared.text and "Merit" in shared.text
    assert world["learner"].uln not in shared.text

    looked = me.get("/learner/who-looked")
    assert "Someone with your link “for my new employer”" in looked.text
    assert "Viewed your record through a share link" in looked.text
    assert "Riverside College" in looked.text and "Gave you an invitation code" in looked.text
    assert "Downloaded your record as a PDF" not in looked.text  # what the learner did is shown on request
    assert "Downloaded your record as a PDF" in me.get("/learner/who-looked", params={"everything": "true"}).text

    page = me.get("/learner/share-links")
    link_id = re.search(r'action="/learner/share-links/(\d+)/withdraw"', page.text)
    assert link_id is not None and "Active" in page.text
    withdrawn = me.post(f"/learner/share-links/{link_id.group(1)}/withdraw", data={"csrf_token": csrf(page)},
                        follow_redirects=True)
    assert "is withdrawn" in withdrawn.text and "Withdrawn" in withdrawn.text
    gone = anyone.get(share_path)
    assert gone.status_code == 410 and "This link has been withdrawn" in gone.text and "Merit" not in gone.text
    assert anyone.get("/share/not-a-real-link").status_code == 404


def test_a_second_use_of_a_code_is_refused_beside_the_field(server: LiveServer, world: dict[str, Any]) -> None:
    code = invite(server, world["learner"].uln)
    assert redeem(server, code).status_code == 303
    again = redeem(server, code, "someone.else@example.org")
    assert again.status_code == 400
    assert "This invitation code has been used already" in again.text
    assert 'href="#code"' in again.text and 'id="code-error"' in again.text
    assert sign_in(server.client(), "someone.else@example.org", LEARNER_PASSWORD).status_code == 400


def test_an_expired_code_is_refused_and_nothing_is_created(
    server: LiveServer, world: dict[str, Any], clock: MovableClock
) -> None:
    code = invite(server, world["learner"].uln)
    clock.advance(days=15)
    refused = redeem(server, code)
    assert refused.status_code == 400 and "This invitation code expired on" in refused.text
    assert sign_in(server.client(), LEARNER_EMAIL, LEARNER_PASSWORD).status_code == 400


def test_bad_details_are_named_beside_each_field_and_keep_what_was_typed(
    server: LiveServer, world: dict[str, Any]
) -> None:
    answer = redeem(server, "", "not-an-email", "short", " ", ("30", "2", "2009"))
    assert answer.status_code == 400
    for field in ("code", "family_name", "date_of_birth-day", "email", "password"):
        assert f'href="#{field}"' in answer.text, field
    for field in ("code", "family_name", "date_of_birth", "email", "password"):
        assert f'id="{field}-error"' in answer.text, field
    assert 'value="not-an-email"' in answer.text and "is not an email address" in answer.text
    assert 'value="30"' in answer.text and "is not a real date" in answer.text
    empty = redeem(server, "", "", "", "", ("", "", ""))
    assert "Enter your invitation code" in empty.text and "Enter your email address" in empty.text
    assert "Enter your date of birth" in empty.text
    assert "Create a password (at least 8 characters" in empty.text
    unknown = redeem(server, "ACDE-FGHJ-KMNP")
    assert "This invitation code is not known" in unknown.text


def test_a_learner_challenges_an_entry_and_it_shows_under_data_challenge(
    server: LiveServer, world: dict[str, Any]
) -> None:
    redeem(server, invite(server, world["learner"].uln))
    me = server.client()
    sign_in(me, LEARNER_EMAIL, LEARNER_PASSWORD)
    record = me.get("/learner")
    found = re.search(r'href="(/learner/events/\d+/challenge)"', record.text)
    assert found is not None and "Under data challenge" not in record.text
    form = me.get(found.group(1))
    assert form.status_code == 200 and "What is wrong with this entry?" in form.text
    empty = me.post(found.group(1), data={"reason": "  ", "csrf_token": csrf(form)})
    assert empty.status_code == 400 and 'href="#reason"' in empty.text and 'id="reason-error"' in empty.text
    assert "Under data challenge" not in me.get("/learner").text
    sent = me.post(found.group(1), data={"reason": "I was awarded a Distinction", "csrf_token": csrf(form)},
                   follow_redirects=True)
    assert "Your challenge was sent" in sent.text and "Under data challenge" in sent.text
    assert found.group(1) not in sent.text  # no second challenge of the same entry


def test_a_bad_share_link_is_refused_beside_each_field_and_none_is_made(
    server: LiveServer, world: dict[str, Any]
) -> None:
    redeem(server, invite(server, world["learner"].uln))
    me = server.client()
    sign_in(me, LEARNER_EMAIL, LEARNER_PASSWORD)
    page = me.get("/learner/share-links")
    answer = me.post("/learner/share-links", data={"label": "", "days": "91", "csrf_token": csrf(page)})
    assert answer.status_code == 400
    assert 'href="#label"' in answer.text and 'href="#days"' in answer.text
    assert "from 1 to 90" in answer.text and 'value="91"' in answer.text
    assert "You have not made a share link yet" in me.get("/learner/share-links").text


def test_an_invitation_for_a_learner_not_on_the_register_is_refused(server: LiveServer, world: dict[str, Any]) -> None:
    client = server.client()
    sign_in(client, "office@riverside.ac.uk")
    form = client.get("/organisation/learners/1026893096/invite")
    answer = client.post("/organisation/learners/1026893096/invite", data={"csrf_token": csrf(form)})
    assert answer.status_code == 403 and "ULN 1026893096 is not one of them" in answer.text


def test_a_body_that_never_registered_the_learner_gets_no_code_and_the_answer_an_unknown_uln_gets(
    server: LiveServer, world: dict[str, Any], operator: Actor
) -> None:
    services = server.services
    hilltop = services.organisations.create(operator, "10054321", "Hilltop School",
                                            OrganisationKind.LEARNER_REGISTRATION_BODY).organisation  # fmt: skip
    services.users.create(None, "head@hilltop.sch.uk", "Al Gray", Role.SUPER_USER, hilltop.id, PASSWORD)
    client = server.client()
    sign_in(client, "head@hilltop.sch.uk")
    answers = {}
    for uln in (world["learner"].uln, "1026893096"):
        form = client.get(f"/organisation/learners/{uln}/invite")
        answers[uln] = client.post(f"/organisation/learners/{uln}/invite", data={"csrf_token": csrf(form)})
    theirs, unknown = answers.values()
    assert theirs.status_code == unknown.status_code == 403
    assert "lr-invitation-code" not in theirs.text and "Siobhán" not in theirs.text
    assert theirs.text.replace(world["learner"].uln, "1026893096") == unknown.text.replace(csrf(unknown), csrf(theirs))


def test_a_code_with_a_wrong_family_name_or_date_of_birth_is_refused_without_saying_which(
    server: LiveServer, world: dict[str, Any]
) -> None:
    code = invite(server, world["learner"].uln)
    wrong_name = redeem(server, code, "taker@example.org", family_name="Smith")
    wrong_date = redeem(server, code, "taker@example.org", born=("18", "4", "2009"))
    for answer in (wrong_name, wrong_date):
        assert answer.status_code == 400
        assert "The invitation code, family name and date of birth do not match" in answer.text
        assert 'href="#invitation"' in answer.text and 'id="invitation-error"' in answer.text
        assert 'id="family_name-error"' not in answer.text and 'id="date_of_birth-error"' not in answer.text
    assert "3 more tries" in wrong_date.text
    assert sign_in(server.client(), "taker@example.org", LEARNER_PASSWORD).status_code == 400
    assert redeem(server, code, family_name="ó briain").status_code == 303


def test_the_organisation_revokes_an_open_code_from_the_invitation_page(
    server: LiveServer, world: dict[str, Any]
) -> None:
    uln = world["learner"].uln
    code = invite(server, uln)
    client = server.client()
    sign_in(client, "office@riverside.ac.uk")
    listed = client.get(f"/organisation/learners/{uln}/invite")
    found = re.search(r'action="(/organisation/invitations/\d+/revoke)"', listed.text)
    assert found is not None and "Invitation codes still open" in listed.text
    revoked = client.post(found.group(1), data={"csrf_token": csrf(listed)}, follow_redirects=True)
    assert "is revoked: it no longer works" in revoked.text and "Invitation codes still open" not in revoked.text
    refused = redeem(server, code)
    assert refused.status_code == 400 and "This invitation code can no longer be used" in refused.text


def test_an_administrator_detaches_a_taken_account_and_invites_the_learner_again(
    server: LiveServer, world: dict[str, Any]
) -> None:
    uln = world["learner"].uln
    redeem(server, invite(server, uln), "taker@example.org")
    server.services.users.create(None, "admin@register.example", "Ann Admin", Role.ADMINISTRATOR, None, PASSWORD)
    admin = server.client()
    sign_in(admin, "admin@register.example")
    account = admin.get("/admin/learner-accounts", params={"uln": uln})
    assert account.status_code == 200 and "taker@example.org" in account.text
    empty = admin.post(f"/admin/learner-accounts/{uln}/detach", data={"reason": " ", "csrf_token": csrf(account)})
    assert empty.status_code == 400 and 'href="#reason"' in empty.text
    detached = admin.post(f"/admin/learner-accounts/{uln}/detach", follow_redirects=True,
                          data={"reason": "The learner did not set this account up", "csrf_token": csrf(account)})
    assert "is detached from ULN" in detached.text and "The learner did not set this account up" in detached.text
    assert sign_in(server.client(), "taker@example.org", LEARNER_PASSWORD).status_code == 400
    no_proof = admin.post(f"/admin/learner-accounts/{uln}/invite", data={"proof": "", "csrf_token": csrf(detached)})
    assert no_proof.status_code == 400 and 'href="#proof"' in no_proof.text
    shown = admin.post(f"/admin/learner-accounts/{uln}/invite",
                       data={"proof": "Saw her passport on a video call", "csrf_token": csrf(detached)})
    code = re.search(r'class="lr-invitation-code">([A-Z0-9-]+)<', shown.text)
    assert shown.status_code == 200 and code is not None
    assert redeem(server, code.group(1)).status_code == 303
    assert sign_in(server.client(), LEARNER_EMAIL, LEARNER_PASSWORD).status_code == 303
