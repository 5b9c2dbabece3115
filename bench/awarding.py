"""Awarding benchmarks: validating registrations against a large register, and certificates per second.

`python -m bench.awarding --learners 1000000 --registrations 100000`

On SQLite: loads `--learners` generated learners, registers `--registrations` of them at one centre (90% with
their ULN and details as the register has them, 10% with a typo in the family name), then times
`AwardingService.validate` through the in-process gateway, and renders 500 certificates. Writes the `awarding`
section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from learner_records.adapters.pdf.certificate import FpdfCertificateRenderer
from learner_records.adapters.sql.migrate import upgrade
from learner_records.bootstrap import bootstrap
from learner_records.config import Settings
from learner_records.domain.access import Actor, OrganisationKind
from learner_records.services.certification import CertificateData

from .plr import OPERATOR, catalogue
from .register import fresh_database, load, machine, make_dataset, say, write_section


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.awarding", description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1_000_000)
    parser.add_argument("--registrations", type=int, default=100_000)
    parser.add_argument("--certificates", type=int, default=500)
    args = parser.parse_args(argv)
    command = "python -m bench.awarding " + " ".join(sys.argv[1:] if argv is None else argv)
    workdir = Path(tempfile.mkdtemp(prefix="lr-bench-awarding."))
    data = make_dataset(args.learners, 1, workdir)
    with fresh_database("sqlite", workdir, None) as url:
        upgrade(url)
        services = bootstrap(Settings(database_url=url))
        load(services, data.loaded)
        services.records.import_catalogue(OPERATOR, catalogue())
        org = services.organisations.create(OPERATOR, "10099999", "Bench Awards",
                                            OrganisationKind.AWARDING_ORGANISATION).organisation  # fmt: skip
        ao = Actor(OrganisationKind.AWARDING_ORGANISATION, "bench", org.id, org.ukprn)
        centre = services.awarding.add_centre(ao, "B1", "Bench Centre")
        reference = catalogue()[0]["reference"]
        services.awarding.offer(ao, centre.id, [reference])
        rng = random.Random(5)
        chosen = rng.sample(data.loaded, args.registrations)
        rows = ({"qualification_reference": reference, "given_name": g.given_name,
                 "family_name": g.family_name + ("x" if rng.random() < 0.1 else ""),
                 "date_of_birth": g.date_of_birth.isoformat(), "gender": str(g.gender), "uln": g.uln}
                for g in chosen)  # fmt: skip
        started = time.perf_counter()
        report = services.awarding.register_file(ao, centre.id, rows)
        register_s = time.perf_counter() - started
        say(f"registered {len(report.registered):,} in {register_s:.1f} s ({len(report.problems)} problems)")
        started = time.perf_counter()
        validated, anomalies = services.awarding.validate(ao, limit=args.registrations)
        validate_s = time.perf_counter() - started
        rate = (validated + anomalies) / validate_s
        say(f"validated {validated:,}, anomalies {anomalies:,} in {validate_s:.1f} s: {rate:,.0f}/s")
        assert services.engine is not None
        services.engine.dispose()
    renderer = FpdfCertificateRenderer()
    content = CertificateData("BENCH-2026-000001", "Siobhán Ó Briain", "Certificate in Digital Skills", "601/8675/3",
                              "Level 2", "Distinction", date(2026, 7, 1), "Bench Centre", "Bench Awards", "1026893096",
                              "http://127.0.0.1:8000/verify/abcdefghijklmnopqrstuv", date(2026, 7, 2))  # fmt: skip
    started = time.perf_counter()
    for _ in range(args.certificates):
        renderer.render(content)
    certificates = args.certificates / (time.perf_counter() - started)
    say(f"certificates: {certificates:,.0f}/s")
    body = (
        f"## Awarding — {len(data.loaded):,} learners on SQLite\n\n"
        f"- Run {time.strftime('%Y-%m-%d %H:%M')} on {machine()}.\n- Command: `{command}`\n\n"
        "| figure | measured | target |\n|---|---|---|\n"
        f"| register {args.registrations:,} learners from a file (staged checks) | {register_s:.1f} s | – |\n"
        f"| validate them through the in-process gateway, 200 per call, each verification audited "
        f"| {rate:,.0f}/s {'✅' if rate >= 20_000 else '❌'} ({validated:,} validated, {anomalies:,} anomalies) "
        "| ≥ 20,000/s |\n"
        f"| certificate PDFs (A4, DejaVu, QR code) | {certificates:,.0f}/s {'✅' if certificates >= 100 else '❌'} "
        "| ≥ 100/s |\n"
    )
    write_section("awarding", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
