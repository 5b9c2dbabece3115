"""Becoming a learner registration body and the register's administration pages, over HTTP against a live server."""

from __future__ import annotations

import re

import httpx
import pytest

from learner_records.domain.access import Actor
from learner_records.domain.applications import ApplicationStatus
from learner_records.domain.errors import SignInRefused
from learner_records.domain.users import Role, User
from tests.factories import details

from .conftest import LiveServer
from .test_portal_sign_in import PASSWORD, csrf, sign_in

APPLICATION = {
    "kind": "learner_registration_body", "ukprn": "10012345", "name": "Riverside College",
    "address": "1 River Road\nRiverside\nRV1 2AB", "web_domain": "riverside.ac.uk", "signatory_name": "Dana Head",
    "signatory_role": "Principal", "agreed": "yes", "super_user_name": "Asha Patel",
    "super_user_email": "asha.patel@riverside.ac.uk",
}  # fmt: skip


@pytest.fixture
def admin(server: LiveServer) -> User:
    return server.services.users.create(None, "ada@register.example", "Ada Admin", Role.ADMINISTRATOR, None, PASSWORD)


def signed_in(server: LiveServer, email: str) -> httpx.Client:
    client = server.client()
    assert sign_in(client, email).status_code == 303
    return client


def apply(client: httpx.Client, **changes: str) -> httpx.Response:
    form = client.get("/apply")
    assert form.status_code == 200 and "Learning provider agreement" in form.text
    return client.post("/apply", data={**APPLICATION, **changes, "csrf_token": csrf(form)}, follow_redirects=False)


def post(client: httpx.Client, path: str, **data: str) -> httpx.Response:
    token = csrf(client.get("/home"))
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


def test_an_organisation_applies_is_approved_and_its_super_user_adds_a_user(server: LiveServer, admin: User) -> None:
    applicant = server.client()
    refused = apply(applicant, super_user_email="exams@riverside.ac.uk")
    assert refused.status_code == 400
    assert 'href="#super_user_email"' in refused.text
    assert re.search(r'id="super_user_email-error"[^>]*>\s*<span[^>]*>Error:</span> The address exams@riverside.ac.uk'
                     r" is a shared or role mailbox", refused.text)  # fmt: skip
    assert 'value="Riverside College"' in refused.text  # what was typed is kept
    assert server.services.applications.list(admin, None) == []  # nothing written

    sent = apply(applicant)
    assert (sent.status_code, sent.headers["location"]) == (303, "/apply/submitted")
    confirmation = applicant.get("/apply/submitted")
    assert "Application sent" in confirmation.text and "asha.patel@riverside.ac.uk" in confirmation.text
    (application,) = server.services.applications.list(admin)

    office = signed_in(server, "ada@register.example")
    assert "Administration" in office.get("/home").text
    listed = office.get("/admin/applications")
    assert f'href="/admin/applications/{application.id}"' in listed.text and "Riverside College" in listed.text
    review = office.get(f"/admin/applications/{application.id}")
    assert "Dana Head, Principal" in review.text and "riverside.ac.uk" in review.text
    approved = post(office, f"/admin/applications/{application.id}/approve")
    assert approved.status_code == 200 and "Application approved" in approved.text
    found = re.search(r'href="(http[^"]+/set-password/([^"]+))" id="password-link"', approved.text)
    assert found is not None
    token = found.group(2)

    newcomer = server.client()
    form = newcomer.get(f"/set-password/{token}")
    assert "Asha Patel" in form.text and form.headers["referrer-policy"] == "no-referrer"
    mismatch = newcomer.post(f"/set-password/{token}", data={"password": PASSWORD, "password_confirm": "other",
                                                             "csrf_token": csrf(form)})  # fmt: skip
    assert mismatch.status_code == 400 and 'href="#password_confirm"' in mismatch.text
    weak = newcomer.post(f"/set-password/{token}", data={"password": "weak", "password_confirm": "weak",
                                                         "csrf_token": csrf(form)})  # fmt: skip
    assert weak.status_code == 400 and 'href="#password"' in weak.text
    done = newcomer.post(f"/set-password/{token}", data={"password": PASSWORD, "password_confirm": PASSWORD,
                                                         "csrf_token": csrf(form)})  # fmt: skip
    assert done.status_code == 200 and "Your password is set" in done.text
    assert newcomer.get(f"/set-password/{token}").status_code == 404  # single use

    super_user = signed_in(server, "asha.patel@riverside.ac.uk")
    added = post(super_user, "/organisation/users/new", name="Ben Cole", email="ben.cole@riverside.ac.uk",
                 role="online_user", password="Another-horse-7")  # fmt: skip
    assert added.status_code == 303
    assert "Ben Cole" in super_user.get("/organisation/users").text
    assert sign_in(server.client(), "ben.cole@riverside.ac.uk", "Another-horse-7").status_code == 303


def test_an_application_is_rejected_with_a_reason_and_the_applicant_has_no_access(
    server: LiveServer, admin: User, operator: Actor
) -> None:
    assert apply(server.client()).status_code == 303
    (application,) = server.services.applications.list(admin)
    office = signed_in(server, "ada@register.example")
    no_reason = post(office, f"/admin/applications/{application.id}/reject", reason=" ")
    assert no_reason.status_code == 400 and 'href="#reason"' in no_reason.text
    assert server.services.applications.get(admin, application.id).status is ApplicationStatus.SUBMITTED
    rejected = post(office, f"/admin/applications/{application.id}/reject", reason="The signatory is not a director")
    assert (rejected.status_code, rejected.headers["location"]) == (303, "/admin/applications")
    assert "was rejected" in office.get("/admin/applications").text
    decided = server.services.applications.get(admin, application.id)
    assert (decided.status, decided.reason) == (ApplicationStatus.REJECTED, "The signatory is not a director")
    assert all(o.ukprn != "10012345" for o in server.services.organisations.list(operator))
    with pytest.raises(SignInRefused):
        server.services.users.sign_in("asha.patel@riverside.ac.uk", PASSWORD)
    assert "Riverside College" in office.get("/admin/applications?status=rejected").text
    assert "The signatory is not a director" in office.get(f"/admin/applications/{application.id}").text


def test_duplicates_are_merged_and_unmerged_from_the_pages(server: LiveServer, admin: User, operator: Actor) -> None:
    register = server.services.register
    kate = register.register(operator, details(given_name="Katherine", family_name="Smith", postcode="CV4 9EE"))
    katy = register.register(operator, details(given_name="Kate", family_name="Smith", postcode="CV4 7AL"))
    office = signed_in(server, "ada@register.example")
    page = office.get("/admin/duplicates")
    assert "Katherine" in page.text and "Kate" in page.text and "Why they look alike" in page.text
    assert "Match probability" in page.text and "Nickname, +" in page.text and "Same district, +" in page.text
    seen = office.get("/admin/access-log", params={"action": "duplicate_scan"})  # showing them is a read
    assert kate.uln in seen.text and katy.uln in seen.text
    first, second = sorted((kate.uln, katy.uln))
    missing = post(office, "/admin/duplicates/merge", first_uln=first, second_uln=second)
    assert missing.status_code == 400 and f'href="#master-{first}-{second}"' in missing.text
    assert server.services.register.find_by_uln(operator, katy.uln).learner.master_uln is None  # type: ignore[union-attr]

    merged = post(office, "/admin/duplicates/merge", first_uln=first, second_uln=second, master_uln=kate.uln)
    assert (merged.status_code, merged.headers["location"]) == (303, "/admin/merges")
    merges = office.get("/admin/merges")
    assert f"ULN {katy.uln} is now linked to master ULN {kate.uln}" in merges.text and "Unmerge" in merges.text
    assert "No probable duplicates" in office.get("/admin/duplicates").text

    unmerged = post(office, "/admin/merges/unmerge", linked_uln=katy.uln)
    assert unmerged.status_code == 303
    after = office.get("/admin/merges")
    assert "has its own record again" in after.text and "Unmerged" in after.text and "Unmerge<" not in after.text


def test_the_access_log_is_filtered_and_organisations_list_their_users(server: LiveServer, admin: User) -> None:
    school = server.services.organisations.authenticate(server.keys["school"], "clerk@school")
    learner = server.services.register.register(school, details())
    office = signed_in(server, "ada@register.example")
    by_uln = office.get("/admin/access-log", params={"uln": learner.uln})
    assert by_uln.status_code == 200 and "clerk@school" in by_uln.text and ">register<" in by_uln.text
    assert "school organisation" in by_uln.text
    nobody = office.get("/admin/access-log", params={"user": "someone-else", "start": "2026-11-02",
                                                     "end": "2026-11-02"})
    assert "Nothing in the log matches" in nobody.text
    bad = office.get("/admin/access-log", params={"uln": "123", "start": "soon"})
    assert bad.status_code == 400 and 'href="#uln"' in bad.text and 'href="#start"' in bad.text

    assert school.organisation_id is not None
    organisation = office.get(f"/admin/organisations/{school.organisation_id}")
    assert "No users yet" in organisation.text
    added = post(office, f"/admin/organisations/{school.organisation_id}/users", name="Cara Dunn",
                 email="cara.dunn@school.example", role="batch_user")  # fmt: skip
    assert added.status_code == 200 and 'id="password-link"' in added.text
    no_role = post(office, f"/admin/organisations/{school.organisation_id}/users", name="Dan Eve",
                   email="dan.eve@school.example", role="")  # fmt: skip
    assert no_role.status_code == 400 and 'href="#role"' in no_role.text
    assert "Cara Dunn" in office.get(f"/admin/organisations/{school.organisation_id}").text
    assert "No open data challenges" not in office.get("/admin/challenges").text
    assert "There are no open data challenges" in office.get("/admin/challenges").text
