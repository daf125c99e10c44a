"""The framing commands: ``onrecord framing ARTICLE`` (narrator terms vs quoted terms of one
article) and ``onrecord terms`` (per-outlet distinctive narrator-voice terms, weighted
log-odds with an informative Dirichlet prior, ``store/terms.py``). ``register(app)`` adds
them.

Exit codes as for the other corpus commands: 0 fine (also when nothing is found; a line on
stderr says so); 2 a usage error, an unknown outlet or document, or a database that cannot be
read, with one line on stderr.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from .cli_params import valid_date
from .corpus_cli import _DEFAULT_DB, DbOption, FormatOption, QueryFormat, _one_line_errors
from .corpus_cli import _write_rows as write_rows
from .errors import OnrecordError

if TYPE_CHECKING:
    from .store.terms import Terms

__all__ = ["FRAMING_COLUMNS", "FramingRow", "framing_rows", "register"]

NARRATOR = "narrator"


# --- onrecord terms ----------------------------------------------------------------------------


def _outlet_name(value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise typer.BadParameter("give an outlet's name, e.g. 'Meridian Times'")
    return value


def terms(
    outlet: Annotated[
        str,
        typer.Option(
            "--outlet",
            help="The outlet whose distinctive words are wanted (its name, any case).",
            show_default=False,
            callback=_outlet_name,
        ),
    ],
    vs: Annotated[
        str | None,
        typer.Option(
            "--vs",
            help="Compare with this outlet only (default: with every other document).",
            callback=_outlet_name,
        ),
    ] = None,
    db: DbOption = _DEFAULT_DB,
    since: Annotated[
        str | None,
        typer.Option(help="Only documents published on or after YYYY-MM-DD.", callback=valid_date),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(help="Only documents published on or before YYYY-MM-DD.", callback=valid_date),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="How many terms to show.")] = 20,
    min_count: Annotated[
        int,
        typer.Option(
            min=1, help="Leave out terms used fewer times than this by the two sides together."
        ),
    ] = 5,
    bigrams: Annotated[
        bool,
        typer.Option("--bigrams", help="Count pairs of adjacent words too ('controlled release')."),
    ] = False,
    prior: Annotated[
        float,
        typer.Option(
            min=0.001,
            help="Size of the informative prior (alpha0): the corpus's word shares as this "
            "many pseudo-counts. Larger: rare words need more evidence.",
        ),
    ] = 1000.0,
    all_copies: Annotated[
        bool,
        typer.Option(
            "--all-copies",
            help="Count every copy of a syndicated story (default: only its first copy).",
        ),
    ] = False,
    output_format: FormatOption = QueryFormat.table,
) -> None:
    """The words an outlet's own voice uses more than other outlets do: narrator text only,
    quotes excluded, by weighted log-odds with an informative Dirichlet prior (Monroe,
    Colaresi & Quinn 2008). See docs/TERMS.md.

    \b
    Examples:
      onrecord terms --outlet "Meridian Times"
      onrecord terms --outlet "Meridian Times" --vs "Valley Wire" --bigrams
      onrecord terms --outlet "valley wire" --limit 50 --min-count 10 --format csv
      onrecord terms --outlet "Meridian Times" --since 2024-03-05 --until 2024-03-07

    z: how many standard errors the outlet's log-odds of using the word lie above the other
    side's; above about 2, unlikely to be chance. It says who uses which word more, never
    which word is right.
    """
    from .store import open_corpus
    from .store.terms import TERM_COLUMNS, distinctive_terms

    with _one_line_errors(), open_corpus(db) as corpus:
        found = distinctive_terms(
            corpus.conn,
            corpus.path,
            outlet,
            vs=vs,
            limit=limit,
            min_count=min_count,
            alpha0=prior,
            bigrams=bigrams,
            all_copies=all_copies,
            since=since,
            until=until,
        )
    if found.documents_a == 0 and found.documents_b == 0:
        typer.echo(
            "onrecord: no documents published between those dates"
            if since or until
            else "onrecord: the corpus has no documents yet; add some with `onrecord ingest`",
            err=True,
        )
    elif not found.rows:
        typer.echo(
            f"onrecord: no term of {found.outlet}'s narrator voice stands out against "
            f"{found.vs_label} ({found.tokens_a:,} words counted; try a lower --min-count)",
            err=True,
        )
    if output_format is not QueryFormat.table:
        write_rows([r.as_dict() for r in found.rows], TERM_COLUMNS, output_format, sys.stdout)
    elif found.rows:
        _print_terms(found, sys.stdout)


def _print_terms(found: Terms, out: IO[str]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, width=None if out.isatty() else 160, highlight=False)
    words = "terms" if found.bigrams else "words"
    table = Table(
        title=f"{found.outlet} vs {found.vs_label}: distinctive narrator {words} (quotes excluded)",
        title_justify="left",
    )
    table.add_column("#", justify="right")
    table.add_column("term", overflow="fold")
    table.add_column("z", justify="right")
    table.add_column(f"in {found.outlet}", justify="right", overflow="fold")
    table.add_column(f"in {found.vs_label}", justify="right", overflow="fold")
    table.add_column("per 10k words", justify="right")
    for rank, row in enumerate(found.rows, 1):
        table.add_row(
            str(rank),
            row.term,
            f"{row.z:.2f}",
            f"{row.count_a:,}",
            f"{row.count_b:,}",
            f"{row.per_10k_a:g} vs {row.per_10k_b:g}",
        )
    console.print(table)
    copies = (
        f"; {found.copies_skipped:,} syndicated "
        + ("copy" if found.copies_skipped == 1 else "copies")
        + " not counted (--all-copies counts them)"
        if found.copies_skipped
        else ""
    )
    console.print(
        f"{found.documents_a:,} documents, {found.tokens_a:,} narrator {words} vs "
        f"{found.documents_b:,} documents, {found.tokens_b:,} {words}; "
        f"prior {found.alpha0:g} pseudo-counts; terms used {found.min_count}+ times{copies}.",
        markup=False,
    )
    console.print(
        "z: standard errors by which the outlet's log-odds of the term exceed the other "
        "side's (about 2 or more: unlikely to be chance). Who uses which word, not who is right.",
        markup=False,
    )


# --- onrecord framing --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FramingRow:
    """One loaded term of an article and whose voice it is in."""

    document_id: str
    #: "narrator" (the outlet's own voice) or "quote"
    voice: str
    quote_id: str | None
    #: the quote's speaker, when it has one
    speaker: str | None
    term: str
    text: str
    start: int
    end: int
    category: str
    alternatives: list[str]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


FRAMING_COLUMNS = tuple(FramingRow.__dataclass_fields__)


def framing_rows(record: dict[str, Any]) -> list[FramingRow]:
    """The framing terms of a record (as JSON data), in text order, with the speaker of the
    quote each quoted term is in."""
    speakers: dict[str, str | None] = {}
    for quote in record.get("quotes") or []:
        speaker = quote.get("speaker") or {}
        speakers[str(quote.get("id"))] = speaker.get("name")
    rows = []
    for term in record.get("framing") or []:
        span = term.get("span") or {}
        voice = term.get("voice")
        rows.append(
            FramingRow(
                document_id=str(record.get("id", "")),
                voice=NARRATOR if voice is None else "quote",
                quote_id=voice,
                speaker=speakers.get(str(voice)) if voice is not None else None,
                term=str(term.get("term", "")),
                text=str(span.get("text", "")),
                start=int(span.get("start", 0)),
                end=int(span.get("end", 0)),
                category=str(term.get("category", "")),
                alternatives=[str(a) for a in term.get("alternatives") or []],
            )
        )
    rows.sort(key=lambda r: (r.start, r.end))
    return rows


def _analysed(article: str) -> dict[str, Any]:
    from .ingest import document_from_path
    from .pipeline import analyze_document

    record = analyze_document(document_from_path(article))
    data: dict[str, Any] = json.loads(record.to_json())
    return data


def _stored(article: str, db: str) -> dict[str, Any]:
    from .store import StoreError, open_corpus
    from .store.db import store_error
    from .store.dialect import DB_ERRORS

    try:
        corpus = open_corpus(db)
    except StoreError as exc:
        raise StoreError(
            f"{article}: no such file, and no stored document: {exc.message}"
        ) from None
    with corpus:
        try:
            row = corpus.conn.execute(
                "SELECT record FROM documents WHERE id = ?", (article,)
            ).fetchone()
        except DB_ERRORS as exc:
            raise store_error(exc, corpus.path) from exc
    if row is None:
        raise StoreError(f"{article}: no such file, and no stored document with that id in {db}")
    data: dict[str, Any] = json.loads(row[0])
    return data


def framing(
    article: Annotated[
        str,
        typer.Argument(
            help="A .txt or .html file (analysed now), - for stdin, or the id of a document "
            "stored in --db.",
            show_default=False,
        ),
    ],
    db: DbOption = _DEFAULT_DB,
    output_format: FormatOption = QueryFormat.table,
) -> None:
    """Loaded terms of one article by voice: the narrator's (the outlet's own words) next
    to the quoted ones (each with its speaker), with their category and neutral alternatives.

    \b
    Examples:
      onrecord framing examples/articles/2024-03-05_valley-wire_toll-passes-60.txt
      curl -s https://example.org/story | onrecord framing -
      onrecord framing 2024-03-05_valley-wire_toll-passes-60.txt --db corpus.db
      onrecord framing story.html --format jsonl

    A file's name is read as a file when it exists; anything else is looked up as a stored
    document's id. The tool reports who used which words; it does not say which are right.
    """
    with _one_line_errors():
        if article == "-" or Path(article).is_file():
            try:
                record = _analysed(article)
            except OnrecordError:
                raise
            except Exception as exc:  # analysis failed: one line, never a traceback
                raise OnrecordError(f"{article}: could not be analysed ({exc})") from None
        else:
            record = _stored(article, db)
    rows = framing_rows(record)
    if not rows:
        typer.echo(f"onrecord: no framing terms found in {record.get('id') or article}", err=True)
    if output_format is QueryFormat.csv:
        flat = [{**r.as_dict(), "alternatives": "; ".join(r.alternatives)} for r in rows]
        write_rows(flat, FRAMING_COLUMNS, output_format, sys.stdout)
    elif output_format is QueryFormat.jsonl:
        write_rows([r.as_dict() for r in rows], FRAMING_COLUMNS, output_format, sys.stdout)
    elif rows:
        _print_framing(record, rows, sys.stdout)


def _print_framing(record: dict[str, Any], rows: list[FramingRow], out: IO[str]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(file=out, width=None if out.isatty() else 160, highlight=False)
    title = record.get("title") or record.get("id") or ""
    outlet = record.get("outlet")
    console.print(f"{title}" + (f" ({outlet})" if outlet else ""), markup=False)
    narrator = [r for r in rows if r.voice == NARRATOR]
    quoted = [r for r in rows if r.voice != NARRATOR]
    for heading, group in (
        (f"Narrator: the outlet's own words ({len(narrator)})", narrator),
        (f"Quoted: in the words of the people quoted ({len(quoted)})", quoted),
    ):
        table = Table(title=heading, title_justify="left")
        if group is quoted:
            table.add_column("said by", overflow="fold", max_width=28)
        table.add_column("term", overflow="fold")
        table.add_column("category", overflow="fold")
        table.add_column("neutral alternatives", overflow="fold", ratio=1)
        table.add_column("at", justify="right")
        for row in group:
            cells = [
                Text(row.text if row.text else row.term),
                Text(row.category),
                Text(", ".join(row.alternatives) or "-"),
                Text(str(row.start)),
            ]
            if group is quoted:
                who = row.speaker or "unnamed speaker"
                cells.insert(0, Text(f"{who} ({row.quote_id})"))
            table.add_row(*cells)
        if not group:
            console.print(f"{heading}: none", markup=False)
        else:
            console.print(table)
    console.print(
        "Who used which words, as the article has them; not which words are right.",
        markup=False,
    )


def register(app: typer.Typer) -> None:
    """Add the ``terms`` and ``framing`` commands to ``app`` (once; commands already there are
    left alone)."""
    present = {
        info.name or getattr(info.callback, "__name__", None) for info in app.registered_commands
    }
    for name, function in (("terms", terms), ("framing", framing)):
        if name not in present:
            app.command(name)(function)
