"""Test data builders with keyword-only defaults."""

from __future__ import annotations

import random

from learner_records.domain import uln as uln_rules
from learner_records.domain.learner import LearnerDetails, parse_details

_random = random.Random(20261128)


def random_uln() -> str:
    """A valid ULN that no test has asked for before."""
    return uln_rules.generate(_random.randrange)


def details(**overrides: object) -> LearnerDetails:
    values: dict[str, object] = {
        "given_name": "Siobhán",
        "family_name": "Ó Briain",
        "date_of_birth": "2009-04-17",
        "gender": 2,
        "postcode": "CV4 9EE",
        "verification_type": 0,
        "ability_to_share": 1,
    }
    values.update(overrides)
    return parse_details(values)
