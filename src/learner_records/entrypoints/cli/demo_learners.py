"""The demo's crowd: thousands of learners with realistic UK names, registered by the two demo colleges, and the
learning events their awarding organisations sent to their Personal Learning Records.

Everything is drawn from a seeded `random.Random` and fixed dates (never today's), so every run asks for the same
learners and the same achievements: a second run finds the learners registered already (the register answers with
their ULNs) and sends achievements whose content the register has seen, so it changes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from ...bootstrap import Services
from ...domain.access import Actor, OrganisationKind
from ...domain.errors import DuplicateLearner, UnknownOrganisation
from ...domain.learner import LearnerDetails, parse_details
from ...domain.qualifications import Qualification

MALE = (
    "Oliver George Noah Arthur Muhammad Leo Harry Oscar Archie Henry Theodore Freddie Jack Charlie Alfie Jacob Thomas "
    "William Lucas James Isaac Joshua Samuel Daniel Ethan Mason Logan Reuben Max Adam Finley Harrison Dylan Callum "
    "Rhys Owen Ibrahim Yusuf Omar Arjun Rohan Krish Kacper Jakub Łukasz Seán Oisín Ciarán Eoin Dafydd Gethin Kwame "
    "Chidi Emeka Mateo José Euan Angus Hamish Declan Kieran"
).split()
FEMALE = (
    "Olivia Amelia Isla Ava Lily Freya Ivy Florence Willow Mia Isabella Sophia Grace Evie Poppy Ella Sienna Rosie "
    "Daisy Matilda Phoebe Ruby Millie Erin Layla Holly Megan Amber Lauren Bethany Zara Aisha Fatima Maryam Zainab "
    "Amira Priya Simran Zoë Chloé Siobhán Niamh Aoife Saoirse Róisín Caoimhe Cerys Seren Ffion Carys Eilidh Morag "
    "Iona Zofia Oliwia Adaeze Chioma Abena Imogen Harriet Esme"
).split()
SURNAMES = (
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright Walker "
    "White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris "
    "Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young "
    "Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Khan Marshall "
    "Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ahmed Hussain "
    "Ali Kaur Gill Sandhu Rahman Islam Chowdhury Iqbal Malik Sharma Kumar Mistry Nguyen Chen Wang Okafor Adeyemi "
    "Mensah Osei Kowalski Nowak Wiśniewski Popescu MacDonald McKenzie MacLeod O'Brien O'Sullivan O'Connor "
    "D'Souza Llewellyn Pritchard Vaughan Bevan Pugh Gruffydd Smith-Jones Vaughan-Williams Brontë"
).split() + ["Ó Briain", "ap Rhys", "de Vries", "Nic Giolla Phádraig"]
# outward code and a few inward codes' first digits: enough to look like real addresses all over the UK
POSTCODE_AREAS = (
    "CV4 CV1 B15 B29 M1 M14 LS1 LS6 L1 L17 S10 BS1 BS8 NG7 LE1 NE1 SR1 YO10 HU6 BD1 ST4 WV1 DE1 MK9 OX1 CB2 NR2 IP1 "
    "BN1 RG1 SO17 PO1 EX4 PL4 CF10 CF24 SA1 LL57 SY23 EH8 G12 AB24 DD1 BT7 CA1 LA1 CH1 PE1 LN6 GL1"
).split()
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_DOB_FIRST = date(2000, 9, 1)  # learners 14-25 years old on 31 August 2026: fixed, so every run draws the same
_DOB_DAYS = (date(2011, 8, 31) - _DOB_FIRST).days
_LAST_AWARD = date(2026, 8, 20)  # the summer results of 2026; never after the date the demo runs
COLLEGES = ("10012345", "10023456")


@dataclass(frozen=True, slots=True)
class DemoLearner:
    details: LearnerDetails
    uln: str
    provider_ukprn: str  # the college that registered them


def generated_details(count: int, seed: int = 2026) -> list[LearnerDetails]:
    """`count` learners' details, the same for the same seed."""
    rng = random.Random(seed)
    learners = []
    for _ in range(count):
        sex = rng.choice((1, 2))
        given = rng.choice(MALE if sex == 1 else FEMALE)
        middle = rng.choice(MALE if sex == 1 else FEMALE) if rng.random() < 0.35 else None
        born = _DOB_FIRST + timedelta(days=rng.randrange(_DOB_DAYS))
        gender = 9 if rng.random() < 0.01 else sex
        postcode = f"{rng.choice(POSTCODE_AREAS)} {rng.randrange(1, 10)}{rng.choice(_INWARD_LETTERS)}" \
                   f"{rng.choice(_INWARD_LETTERS)}"  # fmt: skip
        share = 1 if rng.random() < 0.9 else 2
        raw: dict[str, object] = {"given_name": given, "family_name": rng.choice(SURNAMES),
                                  "date_of_birth": born.isoformat(), "gender": gender, "postcode": postcode,
                                  "ability_to_share": share, "verification_type": 1}  # fmt: skip
        if middle and middle != given:
            raw["middle_other_name"] = middle
        learners.append(parse_details(raw))
    return learners


def register_all(
    app: Services, me: Actor, details: Sequence[LearnerDetails], colleges: Sequence[str] = COLLEGES
) -> tuple[list[DemoLearner], int]:
    """Register each learner through the register service, for each college in turn; a learner registered
    before is taken with the ULN the register answers with. (learners, how many were new)"""
    bodies = [app.organisations.acting_for(me, ukprn, "demo") for ukprn in colleges]
    learners, new = [], 0
    for index, one in enumerate(details):
        college = bodies[index % len(bodies)]
        try:
            uln = app.register.register(college, one).uln
            new += 1
        except DuplicateLearner as existing:
            if existing.existing_uln is None:
                continue
            uln = existing.existing_uln
        learners.append(DemoLearner(one, uln, college.ukprn or COLLEGES[0]))
    return learners, new


def send_achievements(app: Services, me: Actor, learners: Sequence[DemoLearner], seed: int = 7) -> int:
    """One achievement job per awarding organisation with its learners' results, worked at once; the events on
    the PLRs. A job whose rows the register has seen before is not sent again."""
    by_body: dict[str, list[Qualification]] = {}
    for qualification in app.records.search_catalogue("", limit=1000):
        if qualification.awarding_organisation_ukprn:
            by_body.setdefault(qualification.awarding_organisation_ukprn, []).append(qualification)
    rng = random.Random(seed)
    rows: dict[str, list[dict[str, object]]] = {ukprn: [] for ukprn in by_body}
    for learner in learners:
        d = learner.details
        sixteen = date(d.date_of_birth.year + 16, 8, 20)
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            ukprn = rng.choice(sorted(by_body))
            qualification = rng.choice(by_body[ukprn])
            awarded = date(min(sixteen.year + rng.randrange(3), _LAST_AWARD.year), 8, 20)
            if awarded > _LAST_AWARD or awarded < sixteen:
                continue
            rows[ukprn].append({
                "Uln": learner.uln, "GivenName": d.given_name, "FamilyName": d.family_name,
                "DateofBirth": d.date_of_birth.isoformat(), "Gender": int(d.gender),
                "ProviderUkprn": learner.provider_ukprn, "UnitOrQualificationReferenceNumber": qualification.reference,
                "AchievementAwardDate": awarded.isoformat(), "Grade": rng.choice(qualification.grades), "Action": 1,
            })  # fmt: skip
    sent = 0
    for ukprn, body_rows in rows.items():
        if not body_rows:
            continue
        try:
            body = app.organisations.acting_for(me, ukprn, "results-office")
        except UnknownOrganisation:  # an awarding organisation of the catalogue that is not one of the demo's
            continue
        if body.kind is not OrganisationKind.AWARDING_ORGANISATION:
            continue
        submitted = app.achievements.submit(body, body_rows, file_name=f"demo-results-{ukprn}.csv")
        if submitted.created:
            app.achievements.process(submitted.job.id)
            sent += len(body_rows)
    return sent
