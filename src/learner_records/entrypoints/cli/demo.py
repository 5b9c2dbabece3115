"""`learner-records demo`: a realistic register to try the service with, and credentials to call it and sign in.

It loads the demo catalogue, creates the demo organisations (a register administrator, two learner
registration bodies and three awarding organisations), gives each an API key and a web-service password, and
a person for every role of the portals with a password (all random, printed once and written to
data/demo-credentials.txt beside the default database, which is git-ignored). It registers ten named learners
and thousands of generated ones with their learning events (demo_learners), and seeds Northgate Awards'
centres, registrations, anomalies, results and certificates (demo_awarding). Run twice, it changes nothing:
what exists is kept.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from ...bootstrap import Services
from ...config import DEFAULT_DATA_DIR
from ...domain.access import Actor, OrganisationKind
from ...domain.errors import Conflict, NotFound
from ...domain.learner import parse_details
from ...domain.users import Role
from ..files import csv_rows
from .context import operator, services
from .demo_awarding import AWARDING_UKPRN, CENTRES, AwardingSeeded, seed_awarding
from .demo_learners import DemoLearner, generated_details, register_all, send_achievements
from .errors import reporting
from .output import console


@dataclass(frozen=True, slots=True)
class DemoOrganisation:
    ukprn: str
    reference: str
    name: str
    kind: OrganisationKind


ORGANISATIONS = (
    DemoOrganisation("10000000", "LRSADM", "Learning Records Service (demo administrator)",
                     OrganisationKind.REGISTER_ADMINISTRATOR),
    DemoOrganisation("10012345", "RIVCOL", "Riverside College", OrganisationKind.LEARNER_REGISTRATION_BODY),
    DemoOrganisation("10023456", "HILLAC", "Hillside Academy", OrganisationKind.LEARNER_REGISTRATION_BODY),
    DemoOrganisation("10090001", "NGAWRD", "Northgate Awards", OrganisationKind.AWARDING_ORGANISATION),
    DemoOrganisation("10090002", "PENQUA", "Pennine Qualifications", OrganisationKind.AWARDING_ORGANISATION),
    DemoOrganisation("10090003", "SEVVOC", "Severn Vocational Board", OrganisationKind.AWARDING_ORGANISATION),
)  # fmt: skip
LEARNERS = (
    ("Siobhán", "Ó Briain", "2009-04-17", 2, "CV4 9EE"),
    ("Łukasz", "Żółć", "2008-09-01", 1, "M1 1AE"),
    ("Zoë", "Adeyemi", "2007-03-03", 2, "LS1 4AP"),
    ("Callum", "MacDonald", "2009-11-30", 1, "G12 8QQ"),
    ("Aoife", "Nic Giolla Phádraig", "2010-02-11", 2, "B15 2TT"),
    ("Mohammed", "Al-Hassan", "2008-06-21", 1, "BD1 1HY"),
    ("Chloé", "St John-Smythe", "2009-08-08", 2, "OX1 2JD"),
    ("Dylan", "ap Rhys", "2010-01-19", 1, "CF10 3NB"),
    ("Priya", "Patel", "2008-12-05", 2, "LE1 6RP"),
    ("Jan", "de Vries", "2009-05-27", 9, "NR2 4TJ"),
)
# (email, name, role, UKPRN of their organisation); the centre user works at Northgate's first centre, the
# learner is the first of LEARNERS
PEOPLE = (
    ("asha.patel@riverside.example.org", "Asha Patel", Role.SUPER_USER, "10012345"),
    ("ben.cole@riverside.example.org", "Ben Cole", Role.ONLINE_USER, "10012345"),
    ("chidi.okafor@riverside.example.org", "Chidi Okafor", Role.BATCH_USER, "10012345"),
    ("dee.morgan@riverside.example.org", "Dee Morgan", Role.VIEW_LEARNER_ONLY, "10012345"),
    ("fatima.khan@northgate.example.org", "Fatima Khan", Role.AWARDING_BODY_USER, AWARDING_UKPRN),
    ("gareth.pugh@riverside.example.org", "Gareth Pugh", Role.CENTRE_USER, AWARDING_UKPRN),
    ("helen.ward@lrs.example.org", "Helen Ward", Role.ADMINISTRATOR, "10000000"),
    ("siobhan.obriain@example.com", "Siobhán Ó Briain", Role.LEARNER, None),
)
LEARNER_COUNT = 3000
CREDENTIALS = DEFAULT_DATA_DIR / "demo-credentials.txt"


@dataclass(frozen=True, slots=True)
class Seeded:
    credentials: str  # what was created this run and its secrets, as written to the credentials file
    passwords: dict[str, str]  # email -> password of the people created this run
    named: int  # named learners registered this run
    generated: int  # generated learners registered this run
    events: int  # achievements sent to the PLRs this run
    awarding: AwardingSeeded | None  # None: seeded before


def seed(app: Services, me: Actor, learners: int = LEARNER_COUNT) -> Seeded:
    """Everything the demo holds, over any services (the command's, or a test's with its own clock)."""
    text = resources.files("learner_records.data").joinpath("qualifications.csv").read_text(encoding="utf-8")
    app.records.import_catalogue(me, csv_rows(io.StringIO(text)))
    existing = {organisation.ukprn for organisation in app.organisations.list(me)}
    lines = []
    for demo_org in ORGANISATIONS:
        if demo_org.ukprn in existing:
            continue
        created = app.organisations.create(me, demo_org.ukprn, demo_org.name, demo_org.kind, demo_org.reference)
        password = app.organisations.set_password(me, created.organisation.id)
        lines.append(f"{demo_org.name} ({demo_org.kind.value})\n  UKPRN {demo_org.ukprn}  OrganisationRef "
                     f"{demo_org.reference}\n  OrgPassword {password}\n  API key {created.api_key}\n")  # fmt: skip
    named_details = [parse_details({"given_name": given, "family_name": family, "date_of_birth": born,
                                    "gender": gender, "postcode": postcode, "ability_to_share": 1,
                                    "verification_type": 1})
                     for given, family, born, gender, postcode in LEARNERS]  # fmt: skip
    named, named_new = register_all(app, me, named_details, colleges=("10012345",))
    crowd, crowd_new = register_all(app, me, generated_details(learners))
    events = send_achievements(app, me, named + crowd)
    awarding = seed_awarding(app, me, named[:1] + crowd)
    passwords = _people(app, me, named[0])
    for email, name, role, _ in PEOPLE:
        if email in passwords:
            extra = f", ULN {named[0].uln}" if role is Role.LEARNER else ""
            lines.append(f"{name}, {role.label.lower()}{extra}\n  email {email}\n  password {passwords[email]}\n")
    if awarding is not None:
        lines.append(f"A certificate anyone may check (no sign-in): /verify/{awarding.certificates[-1]}\n")
    return Seeded("".join(lines), passwords, named_new, crowd_new, events, awarding)


def _people(app: Services, me: Actor, learner: DemoLearner) -> dict[str, str]:
    """A person for every role; one who has an account already is left alone (and keeps their password)."""
    ids = {organisation.ukprn: organisation.id for organisation in app.organisations.list(me)}
    body = app.organisations.acting_for(me, AWARDING_UKPRN, "demo")
    try:
        centre_id: int | None = app.awarding.centre_by_number(body, CENTRES[0][0]).id
    except NotFound:
        centre_id = None
    passwords = {}
    for email, name, role, ukprn in PEOPLE:
        # three kinds of character whatever the random part holds (an upper-case letter, a lower-case one, "-"), and
        # a random part of digits only, which can never spell a part of the person's name (the password rule)
        password = f"Lr-{secrets.randbelow(10**16):016d}-Kq"
        try:
            app.users.create(None, email, name, role, ids.get(ukprn) if ukprn else None, password,
                             centre_id=centre_id if role is Role.CENTRE_USER else None,
                             uln=learner.uln if role is Role.LEARNER else None)  # fmt: skip
        except Conflict:
            continue  # created by an earlier run
        passwords[email] = password
    return passwords


@reporting
def demo(
    credentials: Annotated[Path, typer.Option(help="Where the demo credentials are written")] = CREDENTIALS,
    learners: Annotated[int, typer.Option(help="How many generated learners the register holds")] = LEARNER_COUNT,
) -> None:
    """Seed the demo: catalogue, organisations, people for every role, learners with records, awarding."""
    seeded = seed(services(), operator(), learners)
    if seeded.credentials:
        credentials.parent.mkdir(parents=True, exist_ok=True)
        with credentials.open("a", encoding="utf-8") as out:
            out.write(seeded.credentials)
        credentials.chmod(0o600)
        console.print(seeded.credentials, markup=False, soft_wrap=True)
        console.print(f"credentials written to {credentials} (shown this once)", soft_wrap=True)
    else:
        console.print(f"the demo organisations exist already; their credentials are in {credentials}", soft_wrap=True)
    console.print(f"{seeded.named} demo learners registered")
    console.print(f"{seeded.generated} generated learners registered, {seeded.events} achievements sent to PLRs")
    if seeded.awarding is not None:
        states = ", ".join(f"{state} {count}" for state, count in sorted(seeded.awarding.states.items()))
        console.print(f"Northgate Awards: registrations by ULN state: {states}; "
                      f"{seeded.awarding.open_anomalies} open anomalies; "
                      f"{len(seeded.awarding.certificates)} certificates issued", soft_wrap=True)  # fmt: skip
        public = services().settings.public_url.rstrip("/")
        console.print(f"a certificate to check: {public}/verify/{seeded.awarding.certificates[-1]}", soft_wrap=True)


