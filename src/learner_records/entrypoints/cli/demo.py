"""`learner-records demo`: a small, realistic register to try the service with, and credentials to call it.

It loads the demo catalogue, creates the demo organisations (a register administrator, two learner
registration bodies and three awarding organisations), gives each an API key and a web-service password
(both random, printed once and written to data/demo-credentials.txt beside the default database, which is
git-ignored), and registers a few learners. Run twice, it changes nothing: organisations that exist are kept.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from ...config import DEFAULT_DATA_DIR
from ...domain.access import OrganisationKind
from ...domain.errors import DuplicateLearner
from ...domain.learner import parse_details
from ..files import csv_rows
from .context import operator, services
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
CREDENTIALS = DEFAULT_DATA_DIR / "demo-credentials.txt"


@reporting
def demo(
    credentials: Annotated[Path, typer.Option(help="Where the demo credentials are written")] = CREDENTIALS,
) -> None:
    """Seed the demo: catalogue, organisations with their credentials, a few learners."""
    app = services()
    me = operator()
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
    college = app.organisations.acting_for(me, "10012345", "demo")
    registered = 0
    for given, family, born, gender, postcode in LEARNERS:
        details = parse_details({"given_name": given, "family_name": family, "date_of_birth": born, "gender": gender,
                                 "postcode": postcode, "ability_to_share": 1, "verification_type": 1})  # fmt: skip
        try:
            app.register.register(college, details)
            registered += 1
        except DuplicateLearner:
            pass  # seeded before
    if lines:
        credentials.parent.mkdir(parents=True, exist_ok=True)
        with credentials.open("a", encoding="utf-8") as out:
            out.write("".join(lines))
        credentials.chmod(0o600)
        console.print("".join(lines), markup=False, soft_wrap=True)
        console.print(f"credentials written to {credentials} (shown this once)", soft_wrap=True)
    else:
        console.print(f"the demo organisations exist already; their credentials are in {credentials}", soft_wrap=True)
    console.print(f"{registered} demo learners registered")
