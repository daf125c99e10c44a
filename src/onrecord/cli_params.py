"""Parameter checks shared by the command-line modules (cli.py, corpus_cli.py)."""

from __future__ import annotations

import datetime as dt

import typer

__all__ = ["valid_date"]


def valid_date(value: str | None) -> str | None:
    """A typer callback: the value is a date of the form YYYY-MM-DD, or None."""
    if value is None:
        return None
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date of the form YYYY-MM-DD") from None
    if len(value) != 10:
        raise typer.BadParameter(f"{value!r} is not a date of the form YYYY-MM-DD")
    return value
