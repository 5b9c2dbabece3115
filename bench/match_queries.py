"""Find-by-demographics and verify on a register `bench.register` loaded, with queries carrying the corruptions of
the generator, one match model at a time.

`python -m bench.match_queries --database FILE --learners N [--seed S] [--queries Q] MODEL.json ...` draws Q
loaded learners, makes each a query with one, two or three of the generator's corruptions (`bench.generate.corrupt`,
the same kinds as the duplicate scan's second records) or none, and asks the register:

- find: is the learner (or another record of the same person) among the answers, is an exact answer ever another
  person, and how long does a find take (p50, p95);
- verify: the ULN with the corrupted names, date of birth and gender, and the outcome code by corruption;

then asks find for people who are not registered (no answer should be exact). `--splink` asks splink the same
find queries (`bench.peers.splink_find`) against the learners.csv beside the database.
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from learner_records.bootstrap import Services, bootstrap
from learner_records.config import Settings
from learner_records.domain.codes import ResponseCode, VerificationCode
from learner_records.domain.matching import Demographics, VerificationQuery

from .generate import GeneratedLearner, corrupt, generate_learners
from .peers import splink_find
from .register import ACTOR, identity, percentile


def query_of(g: GeneratedLearner) -> Demographics:
    return Demographics(g.given_name, g.family_name, g.date_of_birth, g.gender, g.postcode,
                        g.previous_family_name or None)  # fmt: skip


@dataclass
class QueryRun:
    latencies_ms: list[float] = field(default_factory=list)
    found: Counter[str] = field(default_factory=Counter)  # by corruption: queries whose learner was answered
    asked: Counter[str] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    wrong_exact: int = 0
    verify: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    strangers: Counter[str] = field(default_factory=Counter)

    @property
    def truth_in_answers(self) -> float:
        return sum(self.found.values()) / max(sum(self.asked.values()), 1)


def draw_queries(loaded: Sequence[GeneratedLearner], count: int, seed: int) -> list[tuple[str, GeneratedLearner, GeneratedLearner]]:  # noqa: E501
    """(kind, the loaded learner, the query person): a fifth asked as registered, the rest corrupted."""
    rng = random.Random(seed)
    queries = []
    for _ in range(count):
        g = loaded[rng.randrange(len(loaded))]
        asked = g if rng.random() < 0.2 else corrupt(rng, g, record_id="query", uln=g.uln)
        queries.append((asked.corruption or "none", g, asked))
    return queries


def run(services: Services, loaded: Sequence[GeneratedLearner], count: int, seed: int) -> QueryRun:
    person_of = {g.uln: g.person_id for g in loaded}
    result = QueryRun()
    clock = time.perf_counter
    for kind, g, asked in draw_queries(loaded, count, seed):
        started = clock()
        answer = services.register.find_by_demographics(ACTOR, query_of(asked))
        result.latencies_ms.append((clock() - started) * 1000)
        people = {person_of.get(u) for m in answer.matches for u in (m.learner.uln, m.matched_uln)}
        result.asked[kind] += 1
        result.found[kind] += g.person_id in people
        result.codes[answer.code.value] += 1
        if answer.code in (ResponseCode.EXACT_MATCH, ResponseCode.MASTER_SUBSTITUTED) and g.person_id not in people:
            result.wrong_exact += 1
        (verified,) = services.register.verify(ACTOR, [VerificationQuery(
            g.uln, asked.given_name, asked.family_name, asked.date_of_birth, asked.gender)])  # fmt: skip
        code = verified.result.code
        outcome = {VerificationCode.MATCH: "match", VerificationCode.LINKED_MATCH: "match",
                   VerificationCode.SIMILAR_MATCH: "similar", VerificationCode.SIMILAR_LINKED_MATCH: "similar",
                   VerificationCode.NO_MATCH: "failed"}.get(code, code.value)  # fmt: skip
        result.verify[kind][outcome] += 1
    identities = {identity(g) for g in loaded}
    strangers = (g for g in generate_learners(count * 4, seed + 7919, 0.0) if identity(g) not in identities)
    for _, stranger in zip(range(max(count // 5, 1)), strangers, strict=False):
        answer = services.register.find_by_demographics(ACTOR, query_of(stranger))
        result.strangers[answer.code.value] += 1
    return result


def run_splink_find(learners_csv: Path, loaded: Sequence[GeneratedLearner], count: int, seed: int,
                    possible: float) -> QueryRun:  # fmt: skip
    """splink's answers to the same find queries as `run` asks (verify and strangers are the register's only)."""
    queries = draw_queries(loaded, count, seed)
    queries_csv = learners_csv.with_name("find-queries.csv")
    with queries_csv.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("record_id", "given_name", "family_name", "date_of_birth", "gender", "postcode", "town",
                         "address_line_1"))  # fmt: skip
        for n, (_, _, asked) in enumerate(queries):
            writer.writerow((f"q{n}", asked.given_name, asked.family_name, asked.date_of_birth.isoformat(),
                             asked.gender, asked.postcode, "", ""))  # fmt: skip
    started = time.perf_counter()
    answers = splink_find(learners_csv, queries_csv, possible)
    seconds = time.perf_counter() - started
    person_of = {g.record_id: g.person_id for g in loaded}
    result = QueryRun(latencies_ms=[seconds * 1000 / len(queries)])
    for n, (kind, g, _) in enumerate(queries):
        shown = answers.get(f"q{n}", [])[:10]
        result.asked[kind] += 1
        result.found[kind] += g.person_id in {person_of.get(record) for record in shown}
        result.codes["answered" if shown else "none"] += 1
    return result


def report(name: str, result: QueryRun) -> None:
    asked = sum(result.asked.values())
    print(f"{name}: find truth-in-answers {result.truth_in_answers:.4f} of {asked:,}, wrong exact "
          f"{result.wrong_exact}, p50 {percentile(result.latencies_ms, 0.5):.2f} ms, "
          f"p95 {percentile(result.latencies_ms, 0.95):.2f} ms")  # fmt: skip
    print(f"  codes: {dict(result.codes.most_common())}; strangers: {dict(result.strangers.most_common())}")
    missed = Counter({kind: result.asked[kind] - result.found[kind] for kind in result.asked})
    print("  find missed by corruption: " + ", ".join(f"{k} {n}/{result.asked[k]}" for k, n in missed.most_common(10)
                                                      if n))  # fmt: skip
    totals: Counter[str] = Counter()
    for outcomes in result.verify.values():
        totals.update(outcomes)
    print(f"  verify: {dict(totals.most_common())}")
    failed = Counter({kind: outcomes["failed"] for kind, outcomes in result.verify.items()})
    print("  verify failed by corruption: " + ", ".join(f"{k} {n}/{result.asked[k]}" for k, n in failed.most_common(10)
                                                        if n))  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.match_queries", description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, required=True, help="the SQLite register bench.register loaded")
    parser.add_argument("--learners", type=int, required=True, help="learners generated for it")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--queries", type=int, default=5_000)
    parser.add_argument("--splink", action="store_true", help="ask splink the same find queries")
    parser.add_argument("models", nargs="+", type=Path)
    args = parser.parse_args(argv)
    loaded: list[GeneratedLearner] = []
    for model in args.models:
        services = bootstrap(Settings(database_url=f"sqlite:///{args.database}", match_model=str(model)))
        with services.uow() as uow:
            stored = {record.uln for record in uow.learners.iter_records()}
        loaded = [g for g in generate_learners(args.learners, args.seed) if g.uln in stored]
        report(model.name, run(services, loaded, args.queries, args.seed + 1))
    if args.splink:
        possible = Settings().possible_match_probability
        found = run_splink_find(args.database.parent / "learners.csv", loaded, args.queries, args.seed + 1, possible)
        print(f"splink find (top 10 at probability {possible} with the find prior): truth-in-answers "
              f"{found.truth_in_answers:.4f}, {found.latencies_ms[0]:.2f} ms a query in one batch")  # fmt: skip
        missed = Counter({kind: found.asked[kind] - found.found[kind] for kind in found.asked})
        print("  missed by corruption: " + ", ".join(f"{k} {n}/{found.asked[k]}" for k, n in missed.most_common(10)
                                                    if n))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
