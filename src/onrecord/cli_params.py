"""What the command-line modules (cli.py, corpus_cli.py) share: options, checks, messages."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from .types import ErrorRecord

__all__ = ["ProgressOption", "error_line", "valid_date"]

#: --progress/--no-progress, the same for every long-running command.
ProgressOption = Annotated[
    bool | None,
    typer.Option(help="Show a progress bar on stderr (default: when stderr is a terminal)."),
]


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


def error_line(result: ErrorRecord) -> str:
    """The one stderr line for a document that failed: its source, the problem, the code."""
    message = result.error.message
    if not message.startswith(result.source):
        message = f"{result.source}: {message}"
    return f"onrecord: error: {message} [{result.error.code}]"
