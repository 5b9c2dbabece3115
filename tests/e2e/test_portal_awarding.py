"""The awarding portal over HTTP: dashboard, registrations, the Administration page of anomalies, results and
certificates, data challenges, and a centre user kept to their own centre."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date

import httpx
import pytest

from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.awarding import UlnState
from learner_records.domain.matching import VerificationQuery
from learner_records.domain.users import Role
from learner_records.services.awarding_ports import Centre, Registration
from tests.conftest import MovableClock
from tests.factories import details

from .conftest import LiveServer
from .test_portal_sign_in import PASSWORD, csrf, sign_in

REFERENCE = "601/8675/3"
QUALIFICATION = {
    "reference": REFERENCE, "title": "Certificate in Digital Skills", "qualification_type": "Certificate",
    "level": "Level 2", "credits": "13", "awarding_organisation_name": "Northgate Awards",
    "awarding_organisation_ukprn": "10090001", "regulated": "yes", "grades": "Pass|Merit",
}  # fmt: skip


@dataclass
class Awarding:
    server: LiveServer
    ao: Actor
    school: Actor
    own: Centre  # the centre user's
    other: Centre
    uln: str  # a learner on the register: Katherine Smith-Jones, born 2009-04-17, female

    def client(self, email: str) -> httpx.Client:
        client = self.server.client()
        assert sign_in(client, email).status_code == 303
        client.follow_redirects = True  # a form's answer is the page it leads to
        return client

    def register(self, centre: Centre, **changes: str) -> Registration:
        values = {"given_name": "Katherine", "family_name": "Smith-Jones", "date_of_birth": "2009-04-17",
                  "gender": "2", "uln": self.uln, **changes}  # fmt: skip
        return self.server.services.awarding.register(self.ao, centre.id, REFERENCE, values)

    def registrations(self) -> list[Registration]:
        return self.server.services.awarding_overview.registrations(self.ao)

    def achievements_loaded(self, registration_id: int) -> None:
        """Wait for the registration's achievement job: the server's own worker may have taken it first."""
        services = self.server.services
        job_id = services.awarding_overview.registration(self.ao, registration_id).registration.achievement_job_id
        assert job_id is not None
        deadline = time.monotonic() + 20
        while services.achievements.job(self.ao, job_id).status in ("Waiting", "InProgress"):
            assert time.monotonic() < deadline, "the achievement job never finished"
            services.achievements.run_pending()
            time.sleep(0.05)


@pytest.fixture
def world(server: LiveServer, operator: Actor) -> Awarding:
    return awarding_world(server, operator)


def awarding_world(server: LiveServer, operator: Actor) -> Awarding:
    """Northgate Awards with two centres offering the qualification, its two people, and a learner."""
    services = server.services
    services.records.import_catalogue(operator, [QUALIFICATION])
    body = services.organisations.create(operator, "10090001", "Northgate Awards",
                                         OrganisationKind.AWARDING_ORGANISATION).organisation  # fmt: skip
    college = services.organisations.create(operator, "10012345", "Riverside College",
                                            OrganisationKind.LEARNER_REGISTRATION_BODY).organisation  # fmt: skip
    ao = Actor(body.kind, "results@northgate.test", body.id, body.ukprn)
    school = Actor(college.kind, "office@riverside.test", college.id, college.ukprn)
    own = services.awarding.add_centre(ao, "C001", "Riverside College")
    other = services.awarding.add_centre(ao, "C002", "Hilltop Academy")
    for centre in (own, other):
        services.awarding.offer(ao, centre.id, [REFERENCE])
    learner = services.register.register(school, details(family_name="Smith-Jones", given_name="Katherine"))
    services.users.create(None, "results@northgate.test", "Rita Shah", Role.AWARDING_BODY_USER, body.id, PASSWORD)
    services.users.create(None, "exams@riverside.test", "Colm Byrne", Role.CENTRE_USER, body.id, PASSWORD,
                          centre_id=own.id)  # fmt: skip
    return Awarding(server, ao, school, own, other, learner.uln)


def _form(page: httpx.Response, **fields: str | list[str]) -> dict[str, str | list[str]]:
    return {"csrf_token": csrf(page), **fields}


def _person(day: str = "17", month: str = "4", year: str = "2009") -> dict[str, str]:
    return {"date_of_birth-day": day, "date_of_birth-month": month, "date_of_birth-year": year}


def test_the_dashboard_counts_and_charts_the_outcomes_with_a_text_alternative(world: Awarding) -> None:
    world.register(world.own)
    world.register(world.other, uln="1026893097", given_name="Kim")  # a wrong check digit: an anomaly at once
    world.server.services.awarding.validate(world.ao)
    page = world.client("results@northgate.test").get("/awarding")
    assert page.status_code == 200
    assert re.search(r'id="count-registrations">2<', page.text) and re.search(r'id="count-anomalies">1<', page.text)
    assert page.text.count("class=\"lr-chart\"") == 2 and "role=\"img\"" in page.text
    assert "<title id=\"outcomes-title\">Registrations by ULN validation outcome</title>" in page.text
    assert "Validated: 1; Anomaly: 1" in page.text  # the chart's description names every value
    assert "<th scope=\"row\" class=\"govuk-table__header\">Validated</th>" in page.text
    assert "Anomalies open at the end of each week" in page.text and page.text.count("<h1") == 1


def test_registering_a_learner_names_each_wrong_field_and_writes_nothing(world: Awarding) -> None:
    client = world.client("results@northgate.test")
    form = client.get("/awarding/registrations/new")
    bad = client.post("/awarding/registrations", data=_form(form, centre_id=str(world.own.id), given_name="",
                      family_name="Byrne", gender="2", uln="12345", **_person(day="31", month="2")))  # fmt: skip
    assert bad.status_code == 400 and "govuk-error-summary" in bad.text
    for field in ("given_name", "date_of_birth-day", "uln", "qualification_reference"):
        assert f'href="#{field}"' in bad.text, field
    assert 'id="uln-error"' in bad.text and "ULN &#39;12345&#39; is not 10 digits" in bad.text
    assert world.registrations() == []
    made = client.post("/awarding/registrations", data=_form(form, centre_id=str(world.own.id),
                       qualification_reference=REFERENCE, given_name="Katherine", family_name="Smith-Jones",
                       gender="2", uln=world.uln, candidate_reference="R-1", **_person()),
                       follow_redirects=False)  # fmt: skip
    assert made.status_code == 303
    (registered,) = world.registrations()
    assert made.headers["location"] == f"/awarding/registrations/{registered.id}?done=registered"
    shown = client.get(made.headers["location"])
    assert "The learner is registered" in shown.text and "Waiting for validation" in shown.text
    listed = client.get("/awarding/registrations", params={"state": "pending", "centre": str(world.own.id)})
    assert f'href="/awarding/registrations/{registered.id}"' in listed.text
    assert "govuk-tag--blue" in listed.text
    assert "No registrations match" in client.get("/awarding/registrations", params={"state": "validated"}).text


def test_a_file_of_registrations_is_reported_row_by_row(world: Awarding) -> None:
    client = world.client("exams@riverside.test")
    form = client.get("/awarding/registrations/upload")
    content = (
        "qualification_reference,given_name,family_name,date_of_birth,gender,uln\n"
        f"{REFERENCE},Ann,Lee,2009-01-02,2,\n{REFERENCE},Bob,,2009-01-02,1,\n{REFERENCE},Ann,Lee,2009-01-02,2,\n"
        "600/0000/0,Cy,Dee,2009-01-02,1,\n"
    )
    report = client.post("/awarding/registrations/upload", data=_form(form, centre_id=str(world.own.id)),
                         files={"file": ("regs.csv", content, "text/csv")})  # fmt: skip
    assert report.status_code == 200
    assert "1 learner registered" in report.text and "3 problems in the file" in report.text
    cells = r'govuk-table__cell--numeric">(\d+)</td>\s*<td class="govuk-table__cell">([^<]+)</td>'
    rows = re.findall(cells, report.text)
    assert rows == [("3", "Each field"), ("4", "The whole file"), ("5", "Reference data")]
    assert "repeats row 2" in report.text and "600/0000/0 is not offered by centre C001" in report.text
    assert [r.details.given_name for r in world.registrations()] == ["Ann"]
    headless = client.post("/awarding/registrations/upload", data=_form(form, centre_id=str(world.own.id)),
                           files={"file": ("x.csv", "name,age\nA,1\n", "text/csv")})  # fmt: skip
    assert headless.status_code == 400 and 'href="#file"' in headless.text and "lacks qualification_reference" \
        in headless.text  # fmt: skip
    missing = client.post("/awarding/registrations/upload", data=_form(form))
    assert missing.status_code == 400 and 'href="#centre_id"' in missing.text and 'href="#file"' in missing.text


def test_the_administration_page_explains_each_anomaly_and_accepts_the_fix(
    world: Awarding, clock: MovableClock
) -> None:
    registered = world.register(world.own, family_name="Jones")
    world.server.services.awarding.validate(world.ao)
    client = world.client("exams@riverside.test")
    page = client.get("/awarding/anomalies")
    assert "The register has family name Smith-Jones; you sent Jones" in page.text
    assert "Use the names as the register spells them: Katherine Smith-Jones" in page.text
    assert "28 days left" in page.text and "govuk-tag--red" not in page.text
    clock.advance(days=14)  # a session lasts hours, not days: sign in again each time
    client = world.client("exams@riverside.test")
    assert "govuk-tag govuk-tag--orange\">14 days left" in client.get("/awarding/anomalies").text
    clock.advance(days=7)
    client = world.client("exams@riverside.test")
    page = client.get("/awarding/anomalies")
    assert "govuk-tag govuk-tag--red\">7 days left" in page.text
    (anomaly_id,) = re.findall(r'action="/awarding/anomalies/(\d+)/accept-fix"', page.text)
    done = client.post(f"/awarding/anomalies/{anomaly_id}/accept-fix", data=_form(page))
    assert "The anomaly is resolved: the ULN was checked again and is validated" in done.text
    assert 'id="no-anomalies"' in done.text
    after = world.server.services.awarding_overview.registration(world.ao, registered.id).registration
    assert (after.uln_state, after.details.family_name) == (UlnState.VALIDATED, "Smith-Jones")


def test_an_anomaly_is_corrected_by_hand_or_its_uln_removed(world: Awarding) -> None:
    first = world.register(world.own, uln="1026893097")
    world.register(world.own, uln="1026893097", given_name="Kim")
    client = world.client("exams@riverside.test")
    page = client.get("/awarding/anomalies")
    first_id, second_id = re.findall(r'action="/awarding/anomalies/(\d+)/remove-uln"', page.text)
    form = client.get(f"/awarding/anomalies/{first_id}/correct")
    assert 'value="1026893097"' in form.text and 'name="date_of_birth-day" type="text" value="17"' in form.text
    bad = client.post(f"/awarding/anomalies/{first_id}/correct", data=_form(form, given_name="Katherine",
                      family_name="Smith-Jones", gender="2", uln="12", **_person()))  # fmt: skip
    assert bad.status_code == 400 and 'href="#uln"' in bad.text
    assert world.server.services.awarding_overview.registration(world.ao, first.id).anomaly is not None
    fixed = client.post(f"/awarding/anomalies/{first_id}/correct", data=_form(form, given_name="Katherine",
                        family_name="Smith-Jones", gender="2", uln=world.uln, **_person()))  # fmt: skip
    assert "the ULN was checked again and is validated" in fixed.text
    removed = client.post(f"/awarding/anomalies/{second_id}/remove-uln", data=_form(fixed))
    assert "The ULN is removed" in removed.text and 'id="no-anomalies"' in removed.text


def test_a_centre_user_sees_and_changes_only_their_own_centre(world: Awarding) -> None:
    mine = world.register(world.own, uln="1026893097")
    theirs = world.register(world.other, uln="1026893097", given_name="Kim")
    client = world.client("exams@riverside.test")
    listed = client.get("/awarding/registrations")
    assert f"/awarding/registrations/{mine.id}\"" in listed.text and f"/awarding/registrations/{theirs.id}\"" \
        not in listed.text  # fmt: skip
    assert client.get(f"/awarding/registrations/{theirs.id}").status_code == 404
    assert client.get("/awarding/registrations", params={"centre": str(world.other.id)}).status_code == 404
    assert client.get("/awarding/anomalies", params={"centre": str(world.other.id)}).status_code == 404
    page = client.get("/awarding/anomalies")
    assert "Kim" not in page.text
    (their_anomaly,) = [v.stored.id for v in world.server.services.awarding.anomalies(world.ao)
                        if v.registration.id == theirs.id]  # fmt: skip
    for action in ("accept-fix", "remove-uln", "correct"):
        refused = client.post(f"/awarding/anomalies/{their_anomaly}/{action}", data=_form(page, uln=world.uln))
        assert refused.status_code == 404, action
    assert client.get(f"/awarding/anomalies/{their_anomaly}/correct").status_code == 404
    form = client.get("/awarding/registrations/new")
    assert f'<option value="{world.other.id}"' not in form.text and f'<option value="{world.own.id}"' in form.text
    elsewhere = client.post("/awarding/registrations", data=_form(form, centre_id=str(world.other.id),
                            qualification_reference=REFERENCE, given_name="Lou", family_name="Ng", gender="1",
                            **_person()))  # fmt: skip
    assert elsewhere.status_code == 404 and len(world.registrations()) == 2
    for path in ("/awarding/results", "/awarding/challenges", f"/awarding/registrations/{mine.id}/certificate.pdf"):
        assert client.get(path).status_code == 403, path
    assert client.post(f"/awarding/registrations/{mine.id}/result",
                       data=_form(page, grade="Pass")).status_code == 403  # fmt: skip
    own_page = client.get(f"/awarding/registrations/{mine.id}")
    assert own_page.status_code == 200 and "Save the result" not in own_page.text
    nav = re.findall(r'govuk-service-navigation__link"[^>]*>\s*([^<]+?)\s*<', own_page.text)
    assert "Results and certificates" not in nav and "Administration" in nav


def test_a_result_is_entered_sent_confirmed_and_certified(world: Awarding) -> None:
    registered = world.register(world.own)
    world.server.services.awarding.validate(world.ao)
    client = world.client("results@northgate.test")
    path = f"/awarding/registrations/{registered.id}"
    page = client.get(path)
    assert '<option value="Merit">Merit</option>' in page.text
    bad = client.post(f"{path}/result", data=_form(page, grade="Distinction", **{
        "award_date-day": "1", "award_date-month": "7", "award_date-year": "2026"}))  # fmt: skip
    assert bad.status_code == 400 and 'href="#grade"' in bad.text and "not in the grade scheme" in bad.text
    future = client.post(f"{path}/result", data=_form(page, grade="Merit", **{
        "award_date-day": "1", "award_date-month": "7", "award_date-year": "2099"}))  # fmt: skip
    assert future.status_code == 400 and 'href="#award_date-day"' in future.text
    assert world.registrations()[0].grade is None
    saved = client.post(f"{path}/result", data=_form(page, grade="Merit", **{
        "award_date-day": "1", "award_date-month": "7", "award_date-year": "2026"}))  # fmt: skip
    assert "The result is saved" in saved.text and "Not sent" in saved.text
    results = client.get("/awarding/results")
    sent = client.post("/awarding/certify", data=_form(results, registration_ids=[str(registered.id)],
                                                       back="/awarding/results"))  # fmt: skip
    assert "The chosen results were sent" in sent.text and "govuk-tag--blue\">Sent" in sent.text
    world.achievements_loaded(registered.id)
    confirmed = client.post("/awarding/confirm", data=_form(sent, registration_ids=[str(registered.id)], back=path))
    assert 'id="certification-status"><strong class="govuk-tag govuk-tag--green">Confirmed' in confirmed.text
    assert client.post("/awarding/certify", data=_form(sent)).status_code == 400  # nothing chosen
    issued = client.post(f"{path}/certificate", data=_form(confirmed))
    assert "The certificate is issued" in issued.text and "Download the certificate" in issued.text
    pdf = client.get(f"{path}/certificate.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    no_reason = client.post(f"{path}/certificate/revoke", data=_form(issued, reason=" "))
    assert no_reason.status_code == 400 and 'href="#reason"' in no_reason.text
    revoked = client.post(f"{path}/certificate/revoke", data=_form(issued, reason="Awarded in error"))
    assert "govuk-tag--red\">Revoked</strong> Awarded in error" in revoked.text


def test_a_data_challenge_is_answered_with_a_reason(world: Awarding) -> None:
    services = world.server.services
    registered = world.register(world.own)
    services.awarding.validate(world.ao)
    services.certification.record_result(world.ao, registered.id, "Pass", date(2026, 7, 1))
    services.certification.certify(world.ao, [registered.id])
    world.achievements_loaded(registered.id)
    query = VerificationQuery(world.uln, "Katherine", "Smith-Jones")
    (event,) = services.records.read_plr(world.school, query).events
    challenge = services.records.raise_challenge(world.school, event.id or 0, "She was awarded a Merit")
    client = world.client("results@northgate.test")
    listed = client.get("/awarding/challenges")
    assert "She was awarded a Merit" in listed.text and f'href="/awarding/challenges/{challenge.id}"' in listed.text
    page = client.get(f"/awarding/challenges/{challenge.id}")
    no_reason = client.post(f"/awarding/challenges/{challenge.id}/reject", data=_form(page, reason=""))
    assert no_reason.status_code == 400 and 'href="#reject_reason"' in no_reason.text
    no_choice = client.post(f"/awarding/challenges/{challenge.id}/accept", data=_form(page, reason="Remarked"))
    assert no_choice.status_code == 400 and 'href="#change"' in no_choice.text
    bad_grade = client.post(f"/awarding/challenges/{challenge.id}/accept",
                            data=_form(page, change="amend", grade="Gold", reason="Remarked"))  # fmt: skip
    assert bad_grade.status_code == 400 and 'href="#grade"' in bad_grade.text
    assert services.awarding_overview.challenge(world.ao, challenge.id).challenge.status == "open"
    done = client.post(f"/awarding/challenges/{challenge.id}/accept",
                       data=_form(page, change="amend", grade="Merit", reason="Remarked"))  # fmt: skip
    assert "The challenge is accepted" in done.text and 'id="no-challenges"' in done.text
    (after,) = services.records.read_plr(world.school, query).events
    assert (after.grade, after.under_data_challenge) == ("Merit", False)
