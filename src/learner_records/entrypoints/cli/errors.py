"""The one table from domain errors to exit codes and messages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console

from ...domain import errors

EXIT_CODES: list[tuple[type[errors.LearnerRecordsError], int]] = [
    (errors.InvalidField, 2),
    (errors.NotFound, 3),
    (errors.Conflict, 4),
    (errors.AccessError, 5),
    (errors.StorageUnavailable, 6),
]
err_console = Console(stderr=True)
P = ParamSpec("P")
R = TypeVar("R")


def exit_code(error: errors.LearnerRecordsError) -> int:
    return next((code for kind, code in EXIT_CODES if isinstance(error, kind)), 1)


@contextmanager
def reported() -> Iterator[None]:
    try:
        yield
    except errors.LearnerRecordsError as error:
        code = f"[{error.code.value}] " if error.code else ""
        problems = error.problems if isinstance(error, errors.InvalidFields) else None
        if isinstance(error, errors.StorageUnavailable):  # the operator's to fix: say which file or server, and why
            err_console.print("[red]error:[/] ", end="")
            err_console.print(error.for_operator, markup=False, soft_wrap=True)
        elif problems:
            err_console.print(f"[red]error:[/] {code}{len(problems)} problems")
            for problem in problems:
                err_console.print(f"  {problem.field}: {problem.problem} ({problem.rule})", markup=False)
        else:
            err_console.print(f"[red]error:[/] {code}", end="")
            err_console.print(error.message, markup=False)
        raise typer.Exit(exit_code(error)) from None


def reporting(function: Callable[P, R]) -> Callable[P, R]:
    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with reported():
            return function(*args, **kwargs)

    return wrapper
