"""The ``entities`` corpus command: people and bodies across articles, one line each with
their spellings, documents, outlets and roles. ``register(app)`` adds it to the app.

Exit codes as for the other corpus commands: 0 fine (also when nothing matches; a line on
stderr says so); 2 a usage error, an unreadable override file or a database that cannot be
read, with one line on stderr.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from .corpus_cli import _DEFAULT_DB, DbOption, FormatOption, QueryFormat, _one_line_errors
from .corpus_cli import _write_rows as write_rows

__all__ = ["register"]


class EntityType(StrEnum):
    PERSON = "PERSON"
    ORG = "ORG"
    GPE = "GPE"
    MEDIA = "MEDIA"
    GROUP = "GROUP"
    ANONYMOUS = "ANONYMOUS"


_TABLE_COLUMNS = ("name", "type", "documents", "outlets", "mentions", "variants", "roles")
_COLUMNS = ("id", *_TABLE_COLUMNS, "resolved")


def entities(
    db: DbOption = _DEFAULT_DB,
    entity_type: Annotated[
        EntityType | None,
        typer.Option("--type", case_sensitive=False, help="Only entities of this type."),
    ] = None,
    min_mentions: Annotated[
        int, typer.Option(min=0, help="Only entities mentioned at least this many times.")
    ] = 1,
    overrides: Annotated[
        Path | None,
        typer.Option(
            help="A TSV file of decisions: 'merge<TAB>name<TAB>name...' (one entity) and "
            "'split<TAB>name<TAB>name...' (different entities).",
            show_default=False,
        ),
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="Only entities with a spelling containing this (any case).")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=0, help="At most this many entities.")] = None,
    output_format: FormatOption = QueryFormat.table,
) -> None:
    """Entities across articles: each person (or body) once, under all their spellings.

    \b
    Examples:
      onrecord entities --type PERSON --min-mentions 3
      onrecord entities --name sinwar --format jsonl
      onrecord entities --overrides names.tsv

    "Yahya Sinwar", "Yehia Sinwar" and "al-Sinwar" are one person;
    "Hillary Clinton" and "Bill Clinton" are two, and a bare "Clinton" joins
    one of them only when roles or numbers leave no doubt (docs/CORPUS.md,
    "Entities across articles").
    """
    from .store import open_corpus

    with _one_line_errors(), open_corpus(db) as corpus:
        found = corpus.corpus_entities(
            type=entity_type.value if entity_type else None,
            min_mentions=min_mentions,
            overrides=overrides,
        )
    if name is not None:
        wanted = name.casefold()
        found = [e for e in found if any(wanted in v.casefold() for v in e.variants)]
    if limit is not None:
        found = found[:limit]
    if not found:
        typer.echo("onrecord: no entities match", err=True)
    rows = [_row(e.as_dict(), output_format) for e in found]
    columns = _TABLE_COLUMNS if output_format is QueryFormat.table else _COLUMNS
    write_rows(rows, columns, output_format, sys.stdout)


def _row(data: dict[str, Any], fmt: QueryFormat) -> dict[str, Any]:
    """Lists as they are in JSONL; as one "; "-separated cell in tables and CSV."""
    if fmt is QueryFormat.jsonl:
        return data
    out = dict(data)
    for key in ("variants", "roles"):
        out[key] = "; ".join(data[key])
    if fmt is QueryFormat.table and not data["resolved"]:
        out["name"] = f"{data['name']} (unresolved)"
    return out


def register(app: typer.Typer) -> None:
    """Add the ``entities`` command to ``app`` (unless it has one)."""
    present = {
        info.name or getattr(info.callback, "__name__", None) for info in app.registered_commands
    }
    if "entities" not in present:
        app.command("entities")(entities)
