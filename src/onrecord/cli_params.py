"""What the command-line modules (cli.py, corpus_cli.py) share: options, checks, messages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .types import ErrorRecord

if TYPE_CHECKING:
    from .attribution_model import AttributionSetting

__all__ = [
    "AttributionModelOption",
    "ProgressOption",
    "attribution_setting",
    "error_line",
    "valid_date",
]

#: --progress/--no-progress, the same for every long-running command.
ProgressOption = Annotated[
    bool | None,
    typer.Option(help="Show a progress bar on stderr (default: when stderr is a terminal)."),
]


#: --attribution-model DIR, the same for every command that analyses text.
AttributionModelOption = Annotated[
    Path | None,
    typer.Option(
        "--attribution-model",
        metavar="DIR",
        help="A trained attribution model directory (made by `onrecord train attribution`, "
        "docs/TRAINING.md): its attributions are added where the rules found none. "
        "Default: $ONRECORD_ATTRIBUTION_MODEL; without either, the rules alone.",
        show_default=False,
    ),
]


def attribution_setting(path: Path | None) -> AttributionSetting:
    """The model of ``--attribution-model``, else of the environment; checked now, so a
    folder that is not a model stops the command with one line (``OnrecordError``)."""
    from .attribution_model import AttributionSetting

    setting = AttributionSetting.from_env() if path is None else AttributionSetting.of(path)
    return setting.check()


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
