"""The `learner-records` command line (Typer + Rich)."""

from .main import app, main

__all__ = ["app", "main"]
