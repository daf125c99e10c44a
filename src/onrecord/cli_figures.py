"""The ``figures`` corpus command: one measure across outlets and sources, as a timeline with
the spread between outlets per day and the figures no other outlet gives.
``register(app)`` adds it to the ``onrecord`` app.

Exit codes as for the other corpus commands: 0 fine (also when no figure matches; a line on
stderr says so); 2 a usage error or a database that cannot be read, with one line on stderr.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import IO, TYPE_CHECKING, Annotated

import typer

from .cli_params import valid_date
from .corpus_cli import _DEFAULT_DB, DbOption, FormatOption, QueryFormat, _one_line_errors
from .corpus_cli import _write_rows as write_rows

if TYPE_CHECKING:
    from .store.figures import DaySpread, FigureFlag, Figures

__all__ = ["register"]


class CompareBy(StrEnum):
    outlet = "outlet"
    source = "source"


def _term(value: str) -> str:
    if not value.strip():
        raise typer.BadParameter("give a word of what is counted, e.g. killed")
    return value


def figures(
    term: Annotated[
        str,
        typer.Argument(
            help="What is counted: a word of the figures' measure or event "
            "(killed, missing, displaced, evacuated ...).",
            show_default=False,
            callback=_term,
        ),
    ],
    db: DbOption = _DEFAULT_DB,
    outlet: Annotated[
        str | None,
        typer.Option(help="Only this outlet's figures (compared with every outlet's)."),
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Figures dated on or after YYYY-MM-DD.", callback=valid_date)
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(help="Figures dated on or before YYYY-MM-DD.", callback=valid_date),
    ] = None,
    by: Annotated[
        CompareBy,
        typer.Option(
            "--by",
            help="Compare outlets, or sources (who asserted each figure), for spreads and flags.",
        ),
    ] = CompareBy.outlet,
    window: Annotated[
        int,
        typer.Option(
            min=0,
            max=366,
            help="Flag a figure when no other outlet (source) gives a compatible one within "
            "this many days; 0: the same day.",
        ),
    ] = 0,
    exact: Annotated[
        bool,
        typer.Option(
            "--exact",
            help="Match the term's own word only: not 'died' or 'dead' for 'killed', and not "
            "the words right after a figure.",
        ),
    ] = False,
    output_format: FormatOption = QueryFormat.table,
) -> None:
    """One measure across the corpus: who gave which figure when, the spread between outlets
    on the same day, and the figures no other outlet gives.

    \b
    Examples:
      onrecord figures killed
      onrecord figures killed --by source --since 2024-03-05
      onrecord figures missing --outlet "Valley Wire" --window 1
      onrecord figures displaced --format jsonl > displaced.jsonl

    A figure's date is the day its sentence says it was given ("the service said on
    Tuesday"), else the article's publication date. Figures are compatible when one count
    satisfies both ("at least 24,000" and 24,448); it never says which figure is right.
    """
    from .store import open_corpus
    from .store.figures import FIGURE_COLUMNS

    with _one_line_errors(), open_corpus(db) as corpus:
        found = corpus.figures(
            term,
            outlet=outlet,
            since=since,
            until=until,
            by="source" if by is CompareBy.source else "outlet",
            window=window,
            exact=exact,
        )
    if not found.rows:
        typer.echo(f"onrecord: no figures match {term!r}", err=True)
    if output_format is not QueryFormat.table:
        write_rows([r.as_dict() for r in found.rows], FIGURE_COLUMNS, output_format, sys.stdout)
    elif found.rows:
        _print_table(found, sys.stdout)


def number(value: float | None) -> str:
    """57.0 -> "57", 24448.0 -> "24,448", 2.5 -> "2.5"."""
    if value is None:
        return ""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"


def _print_table(found: Figures, out: IO[str]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(file=out, width=None if out.isatty() else 160, highlight=False)
    sides = "outlets" if found.by == "outlet" else "sources"
    table = Table(title=f"Figures for {found.term!r}", title_justify="left")
    for column in ("", "date", "group", "figure", "asserted by", "outlet", "document"):
        table.add_column(column, overflow="fold", max_width=28)
    table.add_column("sentence", overflow="fold", ratio=1, min_width=30)
    for row in found.rows:
        date = row.date or "(no date)"
        if row.date_source == "published":
            date += " (pub.)"
        table.add_row(
            Text("⚑" if row.flagged else ""),
            Text(date),
            Text(row.group),
            Text(" ".join(row.figure.split())),
            Text(row.asserted_by),
            Text(row.outlet or "(unknown outlet)"),
            Text(
                f"{row.document_id} {row.claim_id}"
                + (f" (copies: group {row.copy_group})" if row.copy_group is not None else "")
            ),
            Text(row.sentence),
        )
    console.print(table)
    console.print(
        "date: the day the sentence says the figure was given; (pub.): the article's date.",
        markup=False,
    )
    console.print()
    console.print(f"Spread between {sides} on the same day:", markup=False)
    if not found.spreads:
        console.print(f"  no day has figures from two {sides} or more", markup=False)
    for spread in found.spreads:
        console.print("  " + spread_line(spread, sides), markup=False)
    console.print()
    when = {0: "on the same day", 1: "within 1 day"}.get(
        found.window, f"within {found.window} days"
    )
    console.print(
        f"⚑ Figures no other {sides[:-1]} gives {when} (while others give one):", markup=False
    )
    if not found.flags:
        console.print(f"  none: each figure agrees with another {sides[:-1]}'s, or stands alone")
    for flag in found.flags:
        console.print("  " + flag_line(flag), markup=False)


def spread_line(spread: DaySpread, sides: str) -> str:
    """One line for people: '2024-03-05  deaths: 57 (Northgate Daily) to 60 (...), ratio 1.053'."""
    head = f"{spread.date}  {spread.group}: "
    if spread.low == spread.high:
        return head + f"{number(spread.low)} from each of {spread.sides} {sides}"
    ratio = f", ratio {spread.ratio:g}" if spread.ratio is not None else ""
    return (
        head
        + f"{number(spread.low)} ({', '.join(spread.low_by)}) to {number(spread.high)} "
        + f"({', '.join(spread.high_by)}){ratio}, {spread.sides} {sides}"
    )


def flag_line(flag: FigureFlag) -> str:
    """One line for people: the figure, who gave it, where, and what the others said."""
    outlet = flag.outlet or "(unknown outlet)"
    # --by outlet: the outlet, then who it says gave the figure; --by source: who, then where
    who = f"{outlet}, {flag.asserted_by}" if flag.by == outlet else f"{flag.by}, in {outlet}"
    return (
        f"{flag.date}  {flag.group}: {' '.join(flag.figure.split())} ({who}; "
        f"{flag.document_id} {flag.claim_id}); others: {'; '.join(flag.others)}"
    )


def register(app: typer.Typer) -> None:
    """Add the ``figures`` command to ``app`` (once; a command already there is left alone)."""
    present = {
        info.name or getattr(info.callback, "__name__", None) for info in app.registered_commands
    }
    if "figures" not in present:
        app.command("figures")(figures)
