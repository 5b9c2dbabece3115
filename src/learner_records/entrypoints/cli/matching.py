"""`learner-records matching ...`: the match model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ...adapters.match_model_file import save_match_model
from ...config import DEFAULT_DATA_DIR
from .context import operator, services
from .errors import reporting
from .output import console

matching_app = typer.Typer(help="The match model that find, verify and the duplicate scan use", no_args_is_help=True)


@matching_app.command("train")
@reporting
def train(
    out: Annotated[Path, typer.Option(help="where to write the model file")] = DEFAULT_DATA_DIR / "match-model.json",
    sample: Annotated[int | None, typer.Option(help="learn from a random sample of this many learners")] = None,
    seed: Annotated[int, typer.Option(help="seed of the random sampling")] = 1,
    learn_m: Annotated[bool, typer.Option(help="also estimate m by EM (see the README before relying on it)")] = False,
) -> None:
    """Re-estimate the match model from the register and report what changed."""
    app = services()
    report = app.match_training.train(operator(), seed=seed, sample=sample, learn_m=learn_m)
    save_match_model(report.model, out)
    console.print(f"model {report.model.version}: {report.records:,} learners, {report.u_pairs:,} random pairs for u")
    if not report.sessions:
        console.print(f"  m kept from {app.match_training.current.version} (--learn-m estimates it by EM)")
    for session in report.sessions:
        state = f"{session.iterations} iterations" if session.iterations else "dropped (did not separate learners)"
        console.print(f"  m by EM over {session.pairs:,} pairs blocked on {session.blocked_on}: {state},"
                      f" estimates {', '.join(session.fields)}")  # fmt: skip
    console.print(f"  prior {report.model.prior:.3g} ({report.rule_pairs:,} pairs agree on names and date of birth)")
    console.print(f"  was {app.match_training.current.version}; weights (log2 m/u) before -> after:")
    for name, level, before, after in report.changes:
        mark = "  *" if abs(after - before) >= 1 else ""
        console.print(f"    {name:<14} {level:<24} {before:7.2f} -> {after:7.2f}{mark}", markup=False)
    console.print(f"written to {out}; the service uses it with LEARNER_RECORDS_MATCH_MODEL={out}", markup=False,
                  soft_wrap=True)  # fmt: skip
