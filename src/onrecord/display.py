"""Human-readable output: the table that `onrecord analyze --format table` prints."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .types import ErrorRecord, Record

__all__ = ["print_table"]

_KIND_STYLE = {"direct": "green", "mixed": "yellow", "indirect": "cyan"}


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def print_table(results: Sequence[Record | ErrorRecord], out: IO[str]) -> None:
    """One table per document: speaker, kind, quote, cue; error records as one line."""
    console = Console(
        file=out, soft_wrap=False, width=None if out.isatty() else 140, highlight=False
    )
    for result in results:
        if isinstance(result, ErrorRecord):
            console.print(Text(f"{result.id}: error: {result.error.message}", style="bold red"))
            console.print()
            continue
        title = result.title or result.id
        meta = " · ".join(x for x in (result.outlet, result.published) if x)
        table = Table(
            title=Text(title + (f"  ({meta})" if meta else ""), style="bold"),
            title_justify="left",
            show_lines=False,
            expand=False,
        )
        table.add_column("speaker", style="bold", no_wrap=False, max_width=28)
        table.add_column("type", style="dim", max_width=9)
        table.add_column("kind", max_width=8)
        table.add_column("quote", max_width=70)
        table.add_column("cue", style="dim", max_width=14)
        for quote in result.quotes:
            speaker = quote.speaker.name if quote.speaker else "(unknown)"
            stype = quote.speaker.type if quote.speaker else ""
            content = " … ".join(p.text for p in quote.content_parts) or quote.content.text
            table.add_row(
                Text(speaker),
                Text(stype),
                Text(quote.kind, style=_KIND_STYLE.get(quote.kind, "")),
                Text(_shorten(content, 200)),
                Text(quote.cue.text if quote.cue else ""),
            )
        if not result.quotes:
            table.add_row("", "", "", Text("(no attributed statements found)", style="dim"), "")
        console.print(table)
        if result.claims:
            console.print(_figures_table(result))
        console.print()


def _figures_table(result: Record) -> Table:
    """The figures of one article: as written, what is counted, who asserts it."""
    table = Table(show_lines=False, expand=False, box=None, padding=(0, 2, 0, 0))
    table.add_column("figure", style="bold", max_width=24)
    table.add_column("qualifier", style="dim", max_width=10)
    table.add_column("measure", max_width=40)
    table.add_column("asserted by", max_width=30)
    for claim in result.claims:
        table.add_row(
            Text(_shorten(claim.span.text, 24)),
            Text(claim.qualifier),
            Text(_shorten(claim.measure or "", 40)),
            Text(
                claim.asserted_by.name if claim.asserted_by else "(the article)",
                style="" if claim.asserted_by else "dim",
            ),
        )
    return table
