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
        console.print()
