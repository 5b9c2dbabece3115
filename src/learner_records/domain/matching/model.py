"""The match model: for each field and comparison level its m and u probabilities, the prior, and how common
each name and town is.

A level's weight is log2(m / u): m is the share of pairs of one learner's records at that level, u the share of
pairs of two different learners. Weights of all fields add up, with the prior log-odds (how likely two random
records are one learner), to a match weight; its probability is 1 / (1 + 2^-weight). A find-by-demographics
query asks another question, whether this record is the one learner asked for among all the register holds, so
its prior is one in the register's size (`find_prior`), not the chance that two random records are one learner.
At an exact (or normalised) name, address or town, u is the share of the register holding that value (its term
frequency), so agreeing on Smith counts less than agreeing on Okonkwo; a value rarer than the frequencies kept
counts as the rarest.

`MatchModel.default()` is a model written by hand from the kinds of error a register sees; `learner-records
matching train` estimates one from the register itself (`training.py`) and writes it as a versioned JSON file
that the service loads (`to_dict` / `from_dict`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import levels as lv

FORMAT = "learner-records/match-model/1"
FIELDS = tuple(lv.LEVELS)


@dataclass(frozen=True, slots=True)
class Level:
    m: float
    u: float

    @property
    def weight(self) -> float:
        return math.log2(self.m / self.u)


def probability(match_weight: float) -> float:
    """The match probability of a match weight (log2 odds)."""
    if match_weight < -60:
        return 0.0
    return 1.0 / (1.0 + math.pow(2.0, -match_weight))


def weight_of(match_probability: float) -> float:
    """The match weight (log2 odds) of a probability, for thresholds given as probabilities."""
    p = min(max(match_probability, 1e-12), 1 - 1e-12)
    return math.log2(p / (1 - p))


@dataclass(frozen=True)
class MatchModel:
    version: str
    prior: float  # the probability that two records drawn at random are one learner
    levels: Mapping[str, Mapping[str, Level]]
    term_frequencies: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    term_frequency_floor: float = 1e-6
    swap_weight: float = -2.0  # given and family names swapped: a rare error, some evidence against
    # Of two different people at one address (or postcode sector), the share who have one family name.
    household_family_share: float = 0.3
    register_size: int = 1_000_000  # learners on the register the model was estimated from
    trained: Mapping[str, Any] = field(default_factory=dict)  # what the model was estimated on, and when
    _weights: dict[str, dict[str, float]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        missing = [f"{name}/{level}" for name, kinds in lv.LEVELS.items() for level in kinds
                   if level not in self.levels.get(name, {})]  # fmt: skip
        if missing:
            raise ValueError(f"match model {self.version} has no m/u for {', '.join(missing)}")
        weights = {name: {level: p.weight for level, p in kinds.items()} for name, kinds in self.levels.items()}
        for kinds in weights.values():
            # A partial agreement is never stronger evidence than full agreement, whatever a sample said about
            # a level that is rare among strangers (an initial, a shared part of a name).
            if lv.EXACT in kinds:
                ceiling = kinds[lv.EXACT]
                for level in kinds:
                    if level not in lv.TERM_FREQUENCY_LEVELS:
                        kinds[level] = min(kinds[level], ceiling)
            kinds[lv.MISSING] = 0.0
        object.__setattr__(self, "_weights", weights)

    @property
    def prior_weight(self) -> float:
        return weight_of(self.prior)

    @property
    def find_prior(self) -> float:
        """The probability that a register record is the learner a query asks for, before comparing them."""
        return 1 / max(self.register_size, 1)

    def weight(self, name: str, level: str, value: str = "", *, as_either_name: bool = False) -> float:
        """The weight of a field at a level; `value` (normalised) adjusts exact agreement for its frequency.

        `as_either_name`: the value was compared crosswise (given and family names swapped), so it is not known
        which kind of name it is; it weighs as the more common of the two (Wilson is rare as a given name only)."""
        if value and level in lv.TERM_FREQUENCY_LEVELS:
            fields = ("given_name", "family_name") if as_either_name else (name,)
            shares = [self.term_frequencies[f].get(value, 0.0) for f in fields if self.term_frequencies.get(f)]
            if shares:
                # A name differing only in case, accents or spacing is the same name: it weighs as agreeing.
                share = max(*shares, self.term_frequency_floor)
                return math.log2(self.levels[name][lv.EXACT].m / share)
        return self._weights[name][level]

    def household_weight(self) -> float:
        """A family name agreeing (exactly or after normalisation) between two records at one address."""
        family = self.levels["family_name"]
        return math.log2((family[lv.EXACT].m + family[lv.NORMALISED].m) / self.household_family_share)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": self.version,
            "prior": self.prior,
            "swap_weight": self.swap_weight,
            "household_family_share": self.household_family_share,
            "register_size": self.register_size,
            "trained": dict(self.trained),
            "levels": {name: {level: {"m": p.m, "u": p.u} for level, p in kinds.items()}
                       for name, kinds in self.levels.items()},  # fmt: skip
            "term_frequency_floor": self.term_frequency_floor,
            "term_frequencies": {name: dict(values) for name, values in self.term_frequencies.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MatchModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"not a match model of format {FORMAT}")
        return cls(
            version=str(data["version"]),
            prior=float(data["prior"]),
            levels={name: {level: Level(float(p["m"]), float(p["u"])) for level, p in kinds.items()}
                    for name, kinds in data["levels"].items()},  # fmt: skip
            term_frequencies={name: {k: float(v) for k, v in values.items()}
                              for name, values in data.get("term_frequencies", {}).items()},  # fmt: skip
            term_frequency_floor=float(data.get("term_frequency_floor", 1e-6)),
            swap_weight=float(data.get("swap_weight", -2.0)),
            household_family_share=float(data.get("household_family_share", 0.3)),
            register_size=int(data.get("register_size", 1_000_000)),
            trained=dict(data.get("trained", {})),
        )

    @classmethod
    def default(cls) -> MatchModel:
        return _DEFAULT


def _levels(spec: str) -> dict[str, Level]:
    """`level=m/u; ...` as written in the default model below."""
    result: dict[str, Level] = {}
    for item in spec.split(";"):
        name, _, values = item.strip().rpartition("=")
        m, u = values.split("/")
        result[name.strip()] = Level(float(m), float(u))
    return result


# By hand, for a register of about a million learners aged 14 to 25: m from the shares of each kind of error
# seen in duplicate records, u from how often two different learners agree that far.
_DEFAULT = MatchModel(
    version="default-1",
    prior=1e-7,
    levels={
        "given_name": _levels(
            "exact=0.78/0.006; normalised=0.05/0.0002; nickname=0.04/0.0008; middle name=0.01/0.0004;"
            " one edit=0.04/0.0008; shares a part=0.005/0.0001; two edits=0.015/0.0015;"
            " Jaro-Winkler 0.92=0.005/0.001; sounds alike=0.005/0.003; misspelt nickname=0.002/0.0004;"
            " Jaro-Winkler 0.80=0.008/0.04; initial=0.005/0.002; different=0.03/0.945"
        ),
        "family_name": _levels(
            "exact=0.78/0.002; normalised=0.05/0.0001; previous family name=0.02/0.00005; one edit=0.04/0.0004;"
            " shares a part=0.02/0.0002; two edits=0.015/0.0008; Jaro-Winkler 0.92=0.005/0.0006;"
            " sounds alike=0.005/0.002; Jaro-Winkler 0.80=0.005/0.03; initial=0.002/0.001; different=0.058/0.963"
        ),
        "date_of_birth": _levels(
            "exact=0.88/0.00025; day and month swapped=0.03/0.0001; two digits transposed=0.01/0.0003;"
            " one digit=0.03/0.005; same year and month=0.01/0.007; within a year=0.02/0.15; different=0.02/0.8373"
        ),
        "gender": _levels("equal=0.96/0.5; not known on one side=0.03/0.025; different=0.01/0.475"),
        "postcode": _levels(
            "exact=0.75/0.00001; one character=0.03/0.00005; same sector=0.04/0.0005; same district=0.05/0.003;"
            " same area=0.05/0.02; different=0.08/0.97644"
        ),
        "address_line": _levels("exact=0.75/0.00002; similar=0.05/0.0001; different=0.2/0.99988"),
        "town": _levels("exact=0.85/0.03; different=0.15/0.97"),
        "middle_name": _levels("exact=0.9/0.01; similar=0.04/0.01; different=0.06/0.98"),
    },
)
