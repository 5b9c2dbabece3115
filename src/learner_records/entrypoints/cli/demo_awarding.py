"""The demo's awarding side: Northgate Awards with three centres, registrations in every validation state, open
anomalies at different days left before their ULN is removed, results sent to the PLRs and certificates issued.

The removal period counts from the day of registration, so the registrations are made on days in the past: each
batch is registered and validated by services whose clock reads that day, over the same database. Today's
services then run the removal sweep (taking the ULNs of the batch older than the period) and the results.
It runs once: when Northgate's first centre exists, the awarding side was seeded before and is left as it is.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ...bootstrap import Services, bootstrap
from ...domain import uln as uln_rules
from ...domain.access import Actor
from ...domain.errors import DuplicateLearner, NotFound
from ...domain.learner import parse_details
from ...domain.qualifications import ReferenceKind
from ...services.ports import Clock
from .demo_learners import DemoLearner

AWARDING_UKPRN = "10090001"
CENTRES = (
    ("NG1001", "Riverside College", "10012345", True, "exams@riverside.example.org"),
    ("NG1002", "Hillside Academy", "10023456", True, "exams@hillside.example.org"),
    ("NG1003", "Moorland Training Centre", None, False, None),
)
# (days before today the batch was registered, what its ULNs are like, registrations of each centre)
BATCHES = (
    (90, "validated", 40),
    (90, "none", 3),
    (35, "similar", 2), (35, "not_found", 1),  # past the 28-day removal period: the sweep takes their ULNs
    (27, "similar", 1), (27, "no_match", 1), (27, "bad_check_digit", 1),  # 1 day left
    (21, "not_found", 1), (21, "similar", 1), (21, "linked", 1),  # 7 days left
    (14, "no_match", 2), (14, "bad_check_digit", 1),  # 14 days left
    (6, "similar", 2), (6, "not_found", 1), (6, "linked", 1),  # 22 days left
    (2, "validated", 5), (2, "no_match", 1), (2, "bad_check_digit", 1),  # 26 days left
)  # fmt: skip
RESULTS = 60  # validated registrations given a result and sent to the PLR
CERTIFICATES = 20


class _Earlier:
    """A clock `days` behind another; one set of services is built over it and moved from batch to batch."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.days = 0

    def now(self) -> datetime:
        return self._clock.now() - timedelta(days=self.days)


@dataclass(frozen=True, slots=True)
class AwardingSeeded:
    states: dict[str, int]
    open_anomalies: int
    certificates: tuple[str, ...]  # public ids, for the /verify page


def seed_awarding(app: Services, me: Actor, learners: Sequence[DemoLearner], seed: int = 11) -> AwardingSeeded | None:
    """The awarding side, once; None when it exists already."""
    body = app.organisations.acting_for(me, AWARDING_UKPRN, "demo-results-office")
    try:
        app.awarding.centre_by_number(body, CENTRES[0][0])
        return None
    except NotFound:
        pass
    rng = random.Random(seed)
    offered = [q.reference for q in app.records.search_catalogue("", limit=1000)
               if q.awarding_organisation_ukprn == AWARDING_UKPRN and q.kind is not ReferenceKind.UNIT][:8]  # fmt: skip
    centres = []
    for number, name, ukprn, is_lrb, email in CENTRES:
        centre = app.awarding.add_centre(body, number, name, ukprn, is_lrb, email)
        app.awarding.offer(body, centre.id, offered)
        centres.append(centre)
    pool = iter(learners)
    validated: list[int] = []
    earlier = _Earlier(app.clock)
    past = bootstrap(app.settings, uow=app.uow, clock=earlier)
    for days, kind, each in BATCHES:
        earlier.days = days
        for centre in centres:
            rows = [_row(app, me, next(pool), kind, rng, rng.choice(offered)) for _ in range(each)]
            report = past.awarding.register_file(body, centre.id, rows)
            if kind == "validated" and days > 30:
                validated.extend(report.registered)
        past.awarding.validate(body)
    app.awarding.sweep()
    certificates = _results(app, body, validated[:RESULTS], rng)
    states: Counter[str] = Counter()
    with app.uow() as uow:
        for (state, _), count in uow.registrations.tally([c.id for c in centres]).items():
            states[state] += count
    return AwardingSeeded(dict(states), len(app.awarding.anomalies(body)), certificates)


def _row(app: Services, me: Actor, learner: DemoLearner, kind: str, rng: random.Random,
         reference: str) -> dict[str, object]:  # fmt: skip
    d = learner.details
    row: dict[str, object] = {"qualification_reference": reference, "given_name": d.given_name,
                              "family_name": d.family_name, "date_of_birth": d.date_of_birth.isoformat(),
                              "gender": str(int(d.gender)), "postcode": d.postcode, "uln": learner.uln,
                              "candidate_reference": f"C{rng.randrange(10**6):06d}"}  # fmt: skip
    if kind == "none":
        row["uln"] = None
    elif kind == "similar":  # one letter slipped in the family name
        family = d.family_name
        cut = rng.randrange(1, len(family) - 1) if len(family) > 3 else 1
        row["family_name"] = family[:cut] + family[cut + 1 :] if len(family) > 3 else family + "e"
    elif kind == "no_match":  # another person's ULN typed against this one's names
        row["given_name"], row["family_name"] = ("Jordan", "Featherstonehaugh")
    elif kind == "not_found":
        row["uln"] = uln_rules.generate(rng.randrange)
    elif kind == "bad_check_digit":
        row["uln"] = learner.uln[:-1] + str((int(learner.uln[-1]) + 1) % 10)
    elif kind == "linked":  # the learner was registered twice and the second record merged into the first
        row["uln"] = _linked_record(app, me, learner)
    return row


def _linked_record(app: Services, me: Actor, learner: DemoLearner) -> str:
    d = learner.details
    college = app.organisations.acting_for(me, learner.provider_ukprn, "demo")
    second = parse_details({"given_name": d.given_name, "family_name": d.family_name,
                            "date_of_birth": (d.date_of_birth + timedelta(days=1)).isoformat(), "gender": int(d.gender),
                            "postcode": d.postcode, "ability_to_share": 1, "verification_type": 1})  # fmt: skip
    try:
        linked = app.register.register(college, second).uln
    except DuplicateLearner as existing:
        linked = existing.existing_uln or learner.uln
    app.merging.merge(me, learner.uln, linked)
    return linked


def _results(app: Services, body: Actor, chosen: Sequence[int], rng: random.Random) -> tuple[str, ...]:
    """Results for the chosen registrations, sent to the PLR and confirmed there; certificates for some, one of
    them reissued and one revoked, so that the public check shows each of its answers."""
    today = app.clock.now().date()
    for rid in chosen:
        with app.uow() as uow:
            registration = uow.registrations.get(rid)
            assert registration is not None
            grades = uow.qualifications.get_many([registration.qualification_reference])[
                registration.qualification_reference].grades  # fmt: skip
        passes = [grade for grade in grades if grade not in ("U", "Fail")] or list(grades)  # certificates for passes
        app.certification.record_result(body, rid, rng.choice(passes), _award_day(today, rng))
    app.certification.certify(body, list(chosen))
    app.achievements.run_pending()
    app.certification.confirm(body, list(chosen))
    issued = [app.certification.issue_certificate(body, rid)[0].public_id for rid in chosen[:CERTIFICATES]]
    if len(chosen) > 2:
        issued.append(app.certification.issue_certificate(body, chosen[0])[0].public_id)  # a corrected reissue
        app.certification.revoke(body, chosen[1], "The award was withdrawn after moderation")
    return tuple(issued)


def _award_day(today: date, rng: random.Random) -> date:
    return today - timedelta(days=rng.randrange(10, 40))
