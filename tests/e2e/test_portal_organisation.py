"""The organisation portal over HTTP: finding, registering, updating and verifying learners, their learning record
and challenges, batch files, and the super user's page of users."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import httpx
import pytest
from sqlalchemy import text

from learner_records.bootstrap import Services
from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.learner import Learner
from learner_records.domain.plr import EventStatus, LearningEvent
from learner_records.domain.users import Role, User

from ..factories import details
from ..live_server import live_server
from .conftest import LiveServer
from .test_portal_sign_in import PASSWORD, csrf, sign_in

UKPRN = "10012345"


@dataclass
class College:
    services: Services
    url: str
    actor: Actor
    people: dict[str, User]
    clients: list[httpx.Client]

    def client(self, who: str | None = "online") -> httpx.Client:
        """A client signed in as one of the college's people (None: signed in as nobody)."""
        client = httpx.Client(base_url=self.url, timeout=30)
        self.clients.append(client)
        if who is not None:
            assert sign_in(client, self.people[who].email).status_code == 303
        return client

    def learner(self, **changes: object) -> Learner:
        return self.services.register.register(self.actor, details(**changes))


def _college(services: Services, operator: Actor, url: str) -> College:
    organisation = services.organisations.create(operator, UKPRN, "Riverside College",
                                                 OrganisationKind.LEARNER_REGISTRATION_BODY).organisation  # fmt: skip
    people = {
        "super": services.users.create(None, "head@riverside.ac.uk", "Asha Patel", Role.SUPER_USER, organisation.id,
                                       PASSWORD),  # fmt: skip
        "online": services.users.create(None, "office@riverside.ac.uk", "Ben Cole", Role.ONLINE_USER,
                                        organisation.id, PASSWORD),  # fmt: skip
        "viewer": services.users.create(None, "tutor@riverside.ac.uk", "Cara Lee", Role.VIEW_LEARNER_ONLY,
                                        organisation.id, PASSWORD),  # fmt: skip
        "batch": services.users.create(None, "mis@riverside.ac.uk", "Dev Shah", Role.BATCH_USER, organisation.id,
                                       PASSWORD),  # fmt: skip
    }
    actor = Actor(OrganisationKind.LEARNER_REGISTRATION_BODY, "setup", organisation.id, UKPRN)
    return College(services, url, actor, people, [])


@pytest.fixture
def college(server: LiveServer, operator: Actor) -> Iterator[College]:
    made = _college(server.services, operator, server.url)
    yield made
    for client in made.clients:
        client.close()


def _search(client: httpx.Client, **changes: str) -> httpx.Response:
    form = {"GivenName": "Siobhán", "FamilyName": "Ó Briain", "DateOfBirth-day": "17", "DateOfBirth-month": "4",
            "DateOfBirth-year": "2009", "Gender": "2", "LastKnownPostCode": "CV4 9EE"}  # fmt: skip
    form.update(changes)
    return client.post("/organisation/learners/search", data={**form, "csrf_token": csrf(client.get("/organisation"))})


def _count(services: Services) -> int:
    assert services.engine is not None
    with services.engine.connect() as connection:
        return int(connection.execute(text("SELECT COUNT(*) FROM learner")).scalar_one())


# Finding ----------------------------------------------------------------------------------------------------------


def test_find_by_uln_opens_the_learner_and_a_broken_uln_is_named_beside_the_field(college: College) -> None:
    learner = college.learner()
    client = college.client("viewer")
    found = client.get("/organisation", params={"ULN": learner.uln}, follow_redirects=False)
    assert found.headers["location"] == f"/organisation/learners/{learner.uln}"
    page = client.get(found.headers["location"])
    assert "Siobhán Ó Briain" in page.text and "govuk-summary-list" in page.text and "CV4 9EE" in page.text
    assert "Update details" not in page.text  # a view-only user sees no change to make
    assert "View learning record" in page.text
    broken = client.get("/organisation", params={"ULN": "1234567890"})
    assert broken.status_code == 400 and 'href="#ULN"' in broken.text and 'id="ULN-error"' in broken.text


def test_possible_matches_are_side_by_side_with_the_reasons_and_registering_keeps_the_searched_details(
    college: College,
) -> None:
    existing = college.learner()
    client = college.client()
    results = _search(client, GivenName="Siobhan", LastKnownPostCode="CV4 9EF")
    assert results.status_code == 200 and "Possible match" in results.text
    assert f'href="/organisation/learners/{existing.uln}"' in results.text and "Your search" in results.text
    assert "<li>Postcode differs by one character (CV4 9EF / CV4 9EE)</li>" in results.text  # the reasons, in words
    assert re.search(r"Match probability (more than |less than )?[\d.]+% \(match weight -?[\d.]+\)", results.text)
    # each detail's agreement and weight: the given name normalised (accents), the postcode one character apart
    assert re.search(r"Normalised</td>\s*<td[^>]*>\+\d", results.text)
    assert re.search(r"One character</td>\s*<td[^>]*>\+\d", results.text)
    assert 'href="/organisation/learners/new"' in results.text
    form = client.get("/organisation/learners/new")
    assert "Siobhan" in form.text and "CV4 9EF" in form.text and 'name="GivenName"' not in form.text
    before = _count(college.services)
    token = csrf(form)
    broken = client.post("/organisation/learners/new", data={"csrf_token": token, "EmailAddress": "not-an-email",
                                                             "AbilityToShare": "1"})  # fmt: skip
    assert broken.status_code == 400 and 'href="#EmailAddress"' in broken.text
    assert 'id="EmailAddress-error"' in broken.text
    assert _count(college.services) == before
    fields = {"csrf_token": token, "AbilityToShare": "1", "MiddleOtherName": "Áine"}
    done = client.post("/organisation/learners/new", data=fields, follow_redirects=False)
    assert done.status_code == 303
    page = client.get(done.headers["location"])
    new_uln = done.headers["location"].rsplit("/", 1)[1]
    assert f"Learner registered. Their ULN is {new_uln}" in page.text and "Áine" in page.text
    learner = college.services.register.find_by_uln(college.actor, new_uln).learner
    assert learner is not None and learner.details.given_name == "Siobhan" and learner.details.postcode == "CV4 9EF"
    again = client.get("/organisation/learners/new")
    assert "Search for the learner first" in again.text  # one search, one registration


def test_an_exact_match_links_to_the_learner_and_offers_no_registration(college: College) -> None:
    existing = college.learner()
    client = college.client()
    results = _search(client)
    assert "One learner matches all five details exactly" in results.text
    assert f'href="/organisation/learners/{existing.uln}"' in results.text
    assert 'href="/organisation/learners/new"' not in results.text
    refused = client.post("/organisation/learners/new", data={"csrf_token": csrf(results), "AbilityToShare": "1"})
    assert refused.status_code == 400 and "Search for the learner first" in refused.text
    assert _count(college.services) == 1


def test_a_search_with_missing_details_names_each_field(college: College) -> None:
    client = college.client()
    answer = _search(client, GivenName="", **{"DateOfBirth-day": "", "DateOfBirth-month": "", "DateOfBirth-year": ""},
                     Gender="")  # fmt: skip
    assert answer.status_code == 400
    for target in ("#GivenName", "#DateOfBirth-day", "#Gender"):
        assert f'href="{target}"' in answer.text
    assert "Enter the given name" in answer.text and "Select the gender" in answer.text
    impossible = _search(client, **{"DateOfBirth-day": "31", "DateOfBirth-month": "2"})
    assert impossible.status_code == 400 and "is not a real date" in impossible.text


# Updating ---------------------------------------------------------------------------------------------------------


def test_updating_shows_the_current_values_and_version_and_a_stale_version_is_explained(college: College) -> None:
    learner = college.learner()
    client = college.client()
    form = client.get(f"/organisation/learners/{learner.uln}/edit")
    assert 'name="version" value="1"' in form.text and 'value="CV4 9EE"' in form.text
    fields = {"csrf_token": csrf(form), "version": "1", "GivenName": "Siobhán", "FamilyName": "Ó Briain",
              "DateOfBirth-day": "17", "DateOfBirth-month": "4", "DateOfBirth-year": "2009", "Gender": "2",
              "LastKnownPostCode": "B33 8TH", "VerificationType": "0", "AbilityToShare": "1"}  # fmt: skip
    broken = client.post(f"/organisation/learners/{learner.uln}/edit", data={**fields, "Gender": "7"})
    assert broken.status_code == 400 and 'href="#Gender"' in broken.text
    saved = client.post(f"/organisation/learners/{learner.uln}/edit", data=fields, follow_redirects=False)
    assert saved.status_code == 303
    page = client.get(saved.headers["location"])
    assert "The learner&#39;s details were updated" in page.text and "B33 8TH" in page.text
    stale = client.post(f"/organisation/learners/{learner.uln}/edit", data={**fields, "LastKnownPostCode": "M1 1AE"})
    assert stale.status_code == 409 and "Someone changed this learner&#39;s details" in stale.text
    assert 'name="version" value="2"' in stale.text and 'value="B33 8TH"' in stale.text
    current = college.services.register.find_by_uln(college.actor, learner.uln).learner
    assert current is not None and (current.version, current.details.postcode) == (2, "B33 8TH")
    unchanged = client.post(f"/organisation/learners/{learner.uln}/edit", data={**fields, "version": "2"})
    assert unchanged.status_code == 400 and "You have not changed any details" in unchanged.text


def test_a_merged_uln_is_answered_with_its_master_and_says_so(college: College, operator: Actor) -> None:
    master = college.learner()
    linked = college.learner(postcode="B33 8TH")
    college.services.merging.merge(operator, master.uln, linked.uln)
    page = college.client("viewer").get(f"/organisation/learners/{linked.uln}")
    assert f"You asked for ULN {linked.uln}" in page.text and f"Use ULN {master.uln}" in page.text
    master_page = college.client("viewer").get(f"/organisation/learners/{master.uln}")
    assert "ULNs merged into this record" in master_page.text and linked.uln in master_page.text


def test_verifying_a_uln_shows_the_outcome_and_what_did_not_match(college: College) -> None:
    learner = college.learner()
    client = college.client()
    form = client.get("/organisation/verify", params={"ULN": learner.uln})
    assert f'value="{learner.uln}"' in form.text
    matched = client.post("/organisation/verify", data={"csrf_token": csrf(form), "ULN": learner.uln,
                                                        "GivenName": "Siobhán", "FamilyName": "Ó Briain"})  # fmt: skip
    assert "Successful match" in matched.text and "WSVRC001" in matched.text
    wrong = client.post("/organisation/verify", data={"csrf_token": csrf(form), "ULN": learner.uln,
                                                      "GivenName": "Siobhán", "FamilyName": "Ó Briain",
                                                      "DateOfBirth-day": "18", "DateOfBirth-month": "4",
                                                      "DateOfBirth-year": "2009"})  # fmt: skip
    assert "Date of birth does not match the register&#39;s" in wrong.text
    missing = client.post("/organisation/verify", data={"csrf_token": csrf(form), "ULN": learner.uln})
    assert missing.status_code == 400 and 'href="#GivenName"' in missing.text


# The learning record ----------------------------------------------------------------------------------------------


def _event(services: Services, uln: str, subject: str = "Certificate in Digital Skills") -> int:
    now = services.clock.now()
    event = LearningEvent(None, uln, "QCFU", "601/8675/3", subject, "Certificate", "Level 2", "Merit", 13,
                          "Northgate Awards", "10000002", "Riverside College", UKPRN, date(2026, 7, 1), None, None,
                          EventStatus.FINAL, now, now)  # fmt: skip
    with services.uow(write=True) as uow:
        event_id = uow.events.add(event)
        uow.commit()
    return event_id


def _plr(client: httpx.Client, uln: str, given: str = "Siobhán", family: str = "Ó Briain",
         path: str = "plr") -> httpx.Response:  # fmt: skip
    form = client.get(f"/organisation/learners/{uln}/plr")
    return client.post(f"/organisation/learners/{uln}/{path}", data={"csrf_token": csrf(form), "GivenName": given,
                                                                     "FamilyName": family})  # fmt: skip


def test_the_learning_record_needs_names_that_verify_and_downloads_as_a_pdf(college: College) -> None:
    learner = college.learner()
    _event(college.services, learner.uln)
    client = college.client("viewer")
    refused = _plr(client, learner.uln, given="Someone")
    assert refused.status_code == 400 and "do not match the register" in refused.text
    assert 'href="#GivenName"' in refused.text
    assert "Certificate in Digital Skills" not in refused.text
    shown = _plr(client, learner.uln)
    assert "Certificate in Digital Skills" in shown.text and "Merit" in shown.text
    assert "/challenge" not in shown.text  # a view-only user cannot challenge
    pdf = _plr(client, learner.uln, path="plr/pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_a_learner_who_asked_not_to_share_gets_an_explanation_and_no_entries(college: College) -> None:
    learner = college.learner(ability_to_share=2)
    _event(college.services, learner.uln)
    page = _plr(college.client(), learner.uln)
    assert "asked not to share their learning record" in page.text
    assert "Certificate in Digital Skills" not in page.text and "Download the record" not in page.text
    assert f'href="/organisation/learners/{learner.uln}/edit"' in page.text


def test_challenging_an_entry_puts_it_under_data_challenge(college: College) -> None:
    learner = college.learner()
    event_id = _event(college.services, learner.uln)
    client = college.client()
    record = _plr(client, learner.uln)
    path = f"/organisation/learners/{learner.uln}/events/{event_id}/challenge"
    assert f'href="{path}"' in record.text
    form = client.get(path)
    empty = client.post(path, data={"csrf_token": csrf(form), "reason": " "})
    assert empty.status_code == 400 and 'href="#reason"' in empty.text and "Enter why the entry is wrong" in empty.text
    with college.services.uow() as uow:
        unchanged = uow.events.get(event_id)
    assert unchanged is not None and not unchanged.under_data_challenge
    sent = client.post(path, data={"csrf_token": csrf(form), "reason": "The grade was Distinction"},
                       follow_redirects=False)  # fmt: skip
    assert sent.status_code == 303 and "Your challenge was sent" in client.get(sent.headers["location"]).text
    assert "Under data challenge" in _plr(client, learner.uln).text
    again = client.post(path, data={"csrf_token": csrf(form), "reason": "Still wrong"})
    assert again.status_code == 409 and "under data challenge already" in again.text


# Batch files ------------------------------------------------------------------------------------------------------

HEADINGS = ("MISIdentifier,ULN,Title,GivenName,PreferredGivenName,MiddleOtherName,FamilyName,PreviousFamilyName,"
            "FamilyNameAtAge16,SchoolAtAge16,LastKnownAddressLine1,LastKnownAddressLine2,LastKnownAddressTown,"
            "LastKnownAddressCountyOrCity,LastKnownPostCode,DateOfAddressCapture,DateOfBirth,PlaceOfBirth,EmailAddress,"
            "Gender,Nationality,ScottishCandidateNumber,AbilityToShare,VerificationType,OtherVerificationDescription,"
            "Notes")  # fmt: skip


def _line(mis: str, given: str, family: str, born: str, gender: str, postcode: str) -> str:
    cells = [""] * 26
    cells[0], cells[3], cells[6], cells[14], cells[16], cells[19], cells[22] = (mis, given, family, postcode, born,
                                                                                gender, "1")  # fmt: skip
    return ",".join(cells)


def _file(ukprn: str = UKPRN) -> str:
    rows = [_line("A1", "Amara", "Okafor", "2010-05-06", "2", "M1 1AE"),
            _line("A2", "Tomasz", "Nowak", "2009-01-20", "1", "LS1 4AP"),
            _line("A3", "Broken", "Row", "2010-05-06", "7", "M1 1AE")]  # fmt: skip
    return "\n".join([f"2A,Autumn intake,{ukprn}", HEADINGS, *rows]) + "\n"


def _upload(client: httpx.Client, content: str, kind: str = "FUL") -> httpx.Response:
    form = client.get("/organisation/batches")
    return client.post("/organisation/batches", data={"csrf_token": csrf(form), "kind": kind},
                       files={"file": ("LRB_10012345_021120260900.CSV", content.encode(), "text/csv")},
                       follow_redirects=False)  # fmt: skip


def test_a_batch_file_is_watched_until_done_then_shows_its_exceptions_and_output(
    services: Services, operator: Actor
) -> None:
    with live_server(services, run_worker=False) as url:  # no worker: the job waits until this test runs it
        college = _college(services, operator, url)
        client = college.client("batch")
        sent = _upload(client, _file())
        assert sent.status_code == 303
        job_path = sent.headers["location"]
        waiting = client.get(job_path)
        assert '<meta http-equiv="refresh" content="5">' in waiting.text and "0 of 3 learners done" in waiting.text
        assert "Waiting to start" in waiting.text
        assert client.get(job_path + "/output", follow_redirects=False).status_code == 303
        services.batches.run_pending()
        done = client.get(job_path)
        assert 'http-equiv="refresh"' not in done.text and "Finished" in done.text
        assert "Registered with a new ULN" in done.text and "Incorrect format (RC011)" in done.text
        assert "Broken Row" in done.text and "Amara Okafor" not in done.text
        output = client.get(job_path + "/output")
        assert output.headers["content-type"].startswith("text/csv")
        lines = list(csv.reader(io.StringIO(output.text)))
        assert len(lines) == 4 and lines[0][-4:] == ["ReturnCode", "ReturnedULN", "PossibleMatchULNs", "Message"]
        assert "WSRC0005" in lines[1] and "RC011" in lines[3]
        listing = client.get("/organisation/batches")
        assert f'href="{job_path}"' in listing.text and "LRB_10012345_021120260900.CSV" in listing.text
        for made in college.clients:
            made.close()


def test_a_file_with_another_organisations_ukprn_is_refused_beside_the_field(college: College) -> None:
    client = college.client("batch")
    refused = _upload(client, _file(ukprn="10099999"))
    assert refused.status_code == 400 and 'href="#file"' in refused.text
    assert "not the submitting organisation&#39;s UKPRN" in refused.text
    assert "has sent no batch files yet" in refused.text
    no_choice = _upload(client, _file(), kind="")
    assert no_choice.status_code == 400 and 'href="#kind"' in no_choice.text


def test_a_batch_job_of_another_organisation_is_not_found(college: College, server: LiveServer) -> None:
    other = server.services.organisations.create(Actor(OrganisationKind.REGISTER_ADMINISTRATOR, "op"), "10055555",
                                                 "Hillside School",
                                                 OrganisationKind.LEARNER_REGISTRATION_BODY).organisation  # fmt: skip
    theirs = Actor(OrganisationKind.LEARNER_REGISTRATION_BODY, "them", other.id, other.ukprn)
    job = server.services.batches.submit_registration(theirs, [{"GivenName": "A"}], "CHK")
    assert college.client("batch").get(f"/organisation/batches/{job.id}").status_code == 404


# Users ------------------------------------------------------------------------------------------------------------


def test_the_super_user_adds_a_user_with_a_role_and_a_password_that_meets_the_rule(college: College) -> None:
    client = college.client("super")
    listing = client.get("/organisation/users")
    assert "Ben Cole" in listing.text and "Online user" in listing.text and "Active" in listing.text
    form = client.get("/organisation/users/new")
    assert 'value="awarding_body_user"' not in form.text and 'value="batch_user"' in form.text
    fields = {"csrf_token": csrf(form), "name": "Erin Hart", "email": "erin@riverside.ac.uk", "role": "batch_user"}
    weak = client.post("/organisation/users/new", data={**fields, "password": "short"})
    assert weak.status_code == 400 and 'href="#password"' in weak.text and "Is too weak" in weak.text
    assert "erin@riverside.ac.uk" not in client.get("/organisation/users").text
    added = client.post("/organisation/users/new", data={**fields, "password": "Lantern-brook-26"},
                        follow_redirects=False)  # fmt: skip
    assert added.status_code == 303
    assert "Erin Hart was added as a batch user" in client.get("/organisation/users").text
    duplicate = client.post("/organisation/users/new", data={**fields, "password": "Lantern-brook-26"})
    assert duplicate.status_code == 400 and "has an account with this email address already" in duplicate.text
    assert sign_in(college.client(None), "erin@riverside.ac.uk", "Lantern-brook-26").status_code == 303


def test_the_super_user_unlocks_a_locked_account_and_suspends_and_reactivates_one(college: College) -> None:
    for _ in range(10):
        sign_in(college.client(None), "office@riverside.ac.uk", "Wrong-password-1")
    client = college.client("super")
    listing = client.get("/organisation/users")
    assert "Locked" in listing.text
    online = college.people["online"].id
    token = csrf(listing)
    unlocked = client.post(f"/organisation/users/{online}/unlock", data={"csrf_token": token}, follow_redirects=True)
    assert "Ben Cole&#39;s account was unlocked" in unlocked.text
    assert sign_in(college.client(None), "office@riverside.ac.uk").status_code == 303
    suspended = client.post(f"/organisation/users/{online}/suspend", data={"csrf_token": token}, follow_redirects=True)
    assert "Ben Cole&#39;s account was suspended" in suspended.text and "Suspended" in suspended.text
    assert sign_in(college.client(None), "office@riverside.ac.uk").status_code == 400
    client.post(f"/organisation/users/{online}/reactivate", data={"csrf_token": token})
    assert sign_in(college.client(None), "office@riverside.ac.uk").status_code == 303
    own = client.post(f"/organisation/users/{college.people['super'].id}/suspend", data={"csrf_token": token})
    assert own.status_code == 400 and "You cannot suspend your own account" in own.text


def test_only_the_super_user_sees_the_users_page_and_the_batch_user_cannot_register(college: College) -> None:
    assert college.client("online").get("/organisation/users").status_code == 403
    batch = college.client("batch")
    assert batch.get("/organisation/learners/new").status_code == 403
    home = batch.get("/home")
    assert 'href="/organisation/batches"' in home.text and 'href="/organisation/users"' not in home.text
