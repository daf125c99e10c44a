"""Corpus commands: ``ingest`` into a SQLite database, then ``quotes``, ``speakers``,
``outlets`` and ``export`` from it. ``register(app)`` adds them to the ``onrecord`` app.

Exit codes as for ``analyze``: 0 fine; 1 some documents failed (each is a row of the
``errors`` table and a line on stderr); 2 a usage error or a problem that stopped
the run (a locked, read-only or full database), with one line on stderr.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from .cli_params import AttributionModelOption, ProgressOption, attribution_setting, error_line
from .cli_params import valid_date as _valid_date
from .errors import OnrecordError
from .types import ErrorRecord, Record

if TYPE_CHECKING:
    from .store import IngestStats

__all__ = ["register"]

DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        envvar="ONRECORD_DB",
        help="The corpus database: a SQLite file (created by ingest if missing) or a "
        "postgresql://user@host/db URL (docs/CORPUS.md).",
    ),
]
_DEFAULT_DB = "onrecord.db"


class QueryFormat(StrEnum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


class QuoteKind(StrEnum):
    direct = "direct"
    indirect = "indirect"
    mixed = "mixed"


class ExportTable(StrEnum):
    quotes = "quotes"
    documents = "documents"
    entities = "entities"
    claims = "claims"
    errors = "errors"


@contextmanager
def _one_line_errors() -> Iterator[None]:
    """A problem that stops the command is one line on stderr and exit code 2."""
    try:
        yield
    except OnrecordError as exc:
        typer.echo(f"onrecord: error: {exc.message}", err=True)
        raise typer.Exit(2) from None


# --- ingest --------------------------------------------------------------------------------


class Engine(StrEnum):
    local = "local"
    ray = "ray"


def ingest(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files (.txt, .html, .htm, .jsonl, .warc, .warc.gz), directories (searched "
            "recursively), -, or http(s) URLs of pages or RSS/Atom feeds.",
            show_default=False,
        ),
    ],
    db: DbOption = _DEFAULT_DB,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Worker processes (each loads the model once).")
    ] = 1,
    published: Annotated[
        str | None,
        typer.Option(
            help="Reference date YYYY-MM-DD for documents that carry no publication date.",
            callback=_valid_date,
        ),
    ] = None,
    update: Annotated[
        bool,
        typer.Option(
            "--update",
            help="Analyse again the stored documents made by another onrecord version or model "
            "(or whose text changed).",
        ),
    ] = False,
    max_bytes: Annotated[
        int | None, typer.Option(help="Skip documents larger than this many bytes.")
    ] = None,
    progress: ProgressOption = None,
    delay: Annotated[
        float | None,
        typer.Option(
            min=0,
            help="URLs: seconds between two requests to the same host "
            "(default 1, or ONRECORD_FETCH_DELAY).",
        ),
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option(
            min=0.1,
            help="URLs: seconds to wait for a connection and for each read "
            "(default 10 and 30, or ONRECORD_FETCH_TIMEOUT).",
        ),
    ] = None,
    engine: Annotated[
        Engine,
        typer.Option(
            help="local: a process pool; ray: Ray Data, into Parquet shards (docs/SCALE.md)."
        ),
    ] = Engine.local,
    address: Annotated[
        str | None,
        typer.Option(help="Ray engine: a cluster to join (auto, ray://HOST:10001); else local."),
    ] = None,
    output_dir: Annotated[
        Path | None,
        typer.Option(help="Ray engine: the folder of Parquet shards (default DB.shards)."),
    ] = None,
    no_store: Annotated[
        bool, typer.Option("--no-store", help="Ray engine: write the shards only.")
    ] = False,
    attribution_model: AttributionModelOption = None,
) -> None:
    """Analyse articles and store the records in a corpus database.

    \b
    Examples:
      onrecord ingest examples/articles
      onrecord ingest corpus/ --db news.db --workers 2
      onrecord ingest corpus/ --db news.db --update   # after upgrading onrecord
      onrecord ingest crawl.warc.gz https://example.org/feed.xml --delay 2
      onrecord ingest corpus/ --attribution-model models/attribution-polnear --update

    Each document is stored once (by id, or by identical text); running the same
    ingest again only adds what is new, so an interrupted run just continues.
    A document that fails is recorded in the errors table and the run goes on
    (exit code 1 at the end). A record made with an attribution model names it in
    its pipeline, so --update analyses again what was made without it (or with another).
    """
    from .ingest.web import fetch_options
    from .store import ingest as run_ingest

    with _one_line_errors():
        attribution = attribution_setting(attribution_model)
    if engine is Engine.ray:
        from .engines.ray_engine import cli_ingest

        with fetch_options(delay=delay, timeout=timeout), _one_line_errors():
            failed = cli_ingest(
                paths,
                None if no_store else db,
                output_dir,
                workers=workers,
                address=address,
                published=published,
                update=update,
                max_bytes=max_bytes,
                progress=sys.stderr.isatty() if progress is None else progress,
                attribution=attribution,
            )
        if failed:
            raise typer.Exit(1)
        return
    from .store.postgres import display_url, is_postgres_url

    shown = display_url(db) if is_postgres_url(db) else db  # never print a password
    show_progress = sys.stderr.isatty() if progress is None else progress
    reporter: _ProgressReporter | None = None
    try:
        with (
            fetch_options(delay=delay, timeout=timeout),
            _one_line_errors(),
            _progress(show_progress) as reporter,
        ):
            stats = run_ingest(
                paths,
                db,
                workers=workers,
                published=published,
                update=update,
                max_bytes=max_bytes,
                on_result=reporter,
                attribution=attribution,
            )
    except KeyboardInterrupt:
        so_far = reporter.stats.summary() if reporter and reporter.stats else "nothing stored"
        typer.echo(
            f"onrecord: interrupted; {shown}: {so_far}; run the same command to continue", err=True
        )
        raise typer.Exit(130) from None
    typer.echo(f"onrecord: {shown}: {stats.summary()}", err=True)
    if stats.failed:
        raise typer.Exit(1)


class _ProgressReporter:
    """Prints each failed document; with a bar, also counts documents, errors and docs/s."""

    def __init__(self, bar: Any | None) -> None:
        self.bar = bar
        self.task: Any = None
        self.started = time.monotonic()
        self.stats: IngestStats | None = None
        if bar is not None:
            self.task = bar.add_task("ingest", total=None, errors=0, rate="0.0")

    def __call__(self, result: Record | ErrorRecord, stats: IngestStats) -> None:
        self.stats = stats
        if isinstance(result, ErrorRecord):
            line = error_line(result)
            if self.bar is not None:
                self.bar.console.print(line, markup=False, highlight=False)
            else:
                typer.echo(line, err=True)
        if self.bar is not None:
            elapsed = max(time.monotonic() - self.started, 1e-6)
            self.bar.update(
                self.task,
                completed=stats.done,
                errors=stats.failed,
                rate=f"{stats.done / elapsed:.1f}",
            )


@contextmanager
def _progress(show: bool) -> Iterator[_ProgressReporter]:
    if not show:
        yield _ProgressReporter(None)
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (
        SpinnerColumn(),
        TextColumn("{task.completed} documents"),
        TextColumn("{task.fields[rate]} docs/s"),
        TextColumn("{task.fields[errors]} errors"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        yield _ProgressReporter(bar)


# --- queries -------------------------------------------------------------------------------


def _write_rows(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: QueryFormat, out: IO[str]
) -> None:
    if fmt is QueryFormat.jsonl:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    if fmt is QueryFormat.csv:
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(
                [
                    json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v
                    for v in (row[c] for c in columns)
                ]
            )
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, width=None if out.isatty() else 160, highlight=False)
    table = Table(show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(_cell(row[c]) for c in columns))
    console.print(table)


def _cell(value: Any) -> Any:
    from rich.text import Text

    if value is None:
        return Text("")
    if isinstance(value, dict):
        return Text(", ".join(f"{k} {v}" for k, v in value.items()))
    if isinstance(value, float):
        return Text(f"{value:.2f}")
    return Text(" ".join(str(value).split()))


FormatOption = Annotated[
    QueryFormat, typer.Option("--format", "-f", help="table (for people), jsonl or csv.")
]
AllCopiesOption = Annotated[
    bool,
    typer.Option(
        "--all-copies", help="Count a quote in every copy of a syndicated story, not once."
    ),
]


def quotes(
    db: DbOption = _DEFAULT_DB,
    speaker: Annotated[
        str | None, typer.Option(help="Part of the speaker's name, any case.")
    ] = None,
    outlet: Annotated[str | None, typer.Option(help="The outlet's name (any case).")] = None,
    since: Annotated[
        str | None, typer.Option(help="Published on or after YYYY-MM-DD.", callback=_valid_date)
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Published on or before YYYY-MM-DD.", callback=_valid_date)
    ] = None,
    contains: Annotated[
        str | None,
        typer.Option(help='Words in the quote (full-text); "double quotes" for a phrase.'),
    ] = None,
    kind: Annotated[QuoteKind | None, typer.Option(help="direct, indirect or mixed.")] = None,
    limit: Annotated[int | None, typer.Option(min=0, help="At most this many quotes.")] = None,
    output_format: FormatOption = QueryFormat.table,
) -> None:
    """Quotes in the corpus, newest first, filtered by speaker, outlet, date, words, kind.

    \b
    Examples:
      onrecord quotes --speaker varga --since 2024-03-05
      onrecord quotes --contains '"joint talks"' --format jsonl
    """
    from .store import open_corpus

    with _one_line_errors(), open_corpus(db) as corpus:
        found = corpus.quotes(
            speaker=speaker,
            outlet=outlet,
            since=since,
            until=until,
            contains=contains,
            kind=kind.value if kind else None,
            limit=limit,
        )
    rows = [q.as_dict() for q in found]
    if not rows:
        typer.echo("onrecord: no quotes match", err=True)
    if output_format is QueryFormat.table:
        columns: Sequence[str] = ("published", "outlet", "speaker_name", "kind", "content", "cue")
    else:
        from .store.queries import QUOTE_COLUMNS

        columns = QUOTE_COLUMNS
    _write_rows(rows, columns, output_format, sys.stdout)


def speakers(
    db: DbOption = _DEFAULT_DB,
    outlet: Annotated[str | None, typer.Option(help="Only quotes in this outlet.")] = None,
    limit: Annotated[int | None, typer.Option(min=0, help="At most this many speakers.")] = None,
    output_format: FormatOption = QueryFormat.table,
    all_copies: AllCopiesOption = False,
    by_name: Annotated[
        bool,
        typer.Option(
            "--by-name",
            help="One row per speaker name as written, not per person across spellings.",
        ),
    ] = False,
) -> None:
    """Named speakers, most quoted first, with how often each outlet quoted them.

    A person quoted under several spellings ("Donald Trump", "Donald J. Trump") is one
    row under the name `onrecord entities` gives them, the other spellings in "also"
    (jsonl/csv: `variants`, `corpus_entity`). A quote in several copies of one story
    (see `onrecord syndication`) counts once.
    """
    from .store import open_corpus

    with _one_line_errors(), open_corpus(db) as corpus:
        rows = [
            s.as_dict()
            for s in corpus.speakers(
                outlet=outlet, limit=limit, all_copies=all_copies, by_name=by_name
            )
        ]
    columns: tuple[str, ...] = ("name", "type", "quotes", "documents", "by_outlet")
    if output_format is QueryFormat.table:
        if not by_name:
            for row in rows:
                row["also"] = _also(row["variants"])
            columns = ("name", "also", "type", "quotes", "documents", "by_outlet")
    else:
        columns = (*columns, "variants", "corpus_entity")
    if output_format is QueryFormat.csv:
        for row in rows:
            row["variants"] = json.dumps(row["variants"], ensure_ascii=False)
    _write_rows(rows, columns, output_format, sys.stdout)


def _also(variants: Sequence[str], most: int = 3) -> str:
    """A short list of a speaker's other names: the first few, then "+N"."""
    shown = ", ".join(variants[:most])
    return shown + (f" +{len(variants) - most}" if len(variants) > most else "")


def outlets(
    db: DbOption = _DEFAULT_DB,
    output_format: FormatOption = QueryFormat.table,
    all_copies: AllCopiesOption = False,
) -> None:
    """Outlets with their number of documents, copies and quotes and the dates they cover."""
    from .store import open_corpus

    with _one_line_errors(), open_corpus(db) as corpus:
        rows = [o.as_dict() for o in corpus.outlets(all_copies=all_copies)]
    columns = ("outlet", "documents", "copies", "quotes", "first_published", "last_published")
    _write_rows(rows, columns, output_format, sys.stdout)


def export(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The file to write.", show_default=False)
    ],
    db: DbOption = _DEFAULT_DB,
    export_format: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            help="jsonl: the full records (the analyze output contract); csv or parquet: "
            "one table (--table).",
        ),
    ] = ExportFormat.jsonl,
    table: Annotated[
        ExportTable, typer.Option(help="The table for csv and parquet.")
    ] = ExportTable.quotes,
) -> None:
    """Export the corpus: full records as JSONL, or one table as CSV or Parquet.

    \b
    Examples:
      onrecord export -o records.jsonl
      onrecord export --format csv --table quotes -o quotes.csv
      onrecord export --format parquet -o quotes.parquet   # needs pyarrow
    """
    from .store import open_corpus

    with _one_line_errors(), open_corpus(db) as corpus:
        if export_format is ExportFormat.parquet:
            n = corpus.export_parquet(output, table.value)
        else:
            try:
                handle = output.open("w", encoding="utf-8", newline="")
            except OSError as exc:
                raise OnrecordError(f"cannot write {output}: {exc.strerror or exc}") from exc
            with handle:
                if export_format is ExportFormat.jsonl:
                    n = corpus.export_jsonl(handle)
                else:
                    n = corpus.export_csv(handle, table.value)
    what = "records" if export_format is ExportFormat.jsonl else f"{table.value} rows"
    typer.echo(f"onrecord: wrote {n} {what} to {output}", err=True)


def syndication(
    db: DbOption = _DEFAULT_DB,
    min_size: Annotated[
        int, typer.Option(min=1, help="Only groups of at least this many documents.")
    ] = 2,
    limit: Annotated[int | None, typer.Option(min=0, help="At most this many groups.")] = None,
    output_format: FormatOption = QueryFormat.table,
) -> None:
    """Copies and near-copies of one story: each group's origin, copies and outlets.

    \b
    Examples:
      onrecord syndication --db news.db
      onrecord syndication --db news.db --format jsonl
    """
    import sqlite3

    from .store import open_corpus
    from .store.db import store_error
    from .store.syndication import groups

    with _one_line_errors(), open_corpus(db) as corpus:
        try:
            found = groups(corpus.conn, min_size=min_size, limit=limit)
        except sqlite3.Error as exc:
            raise store_error(exc, corpus.path) from exc
    rows = [g.as_dict() for g in found]
    if not rows:
        typer.echo("onrecord: no syndication groups", err=True)
    if output_format is not QueryFormat.jsonl:
        for row in rows:
            row["outlets"] = "; ".join(row["outlets"])
            row["copies"] = "; ".join(row["copies"])
    if output_format is QueryFormat.table:
        columns: Sequence[str] = (
            "origin_published", "origin_outlet", "title", "documents", "outlets", "min_similarity",
        )  # fmt: skip
    else:
        columns = tuple(GROUP_COLUMNS)
    _write_rows(rows, columns, output_format, sys.stdout)


GROUP_COLUMNS = (
    "group_id", "origin_id", "origin_outlet", "origin_published", "title", "documents",
    "copies", "outlets", "min_similarity",
)  # fmt: skip


_COMMANDS: dict[str, Callable[..., None]] = {
    "ingest": ingest,
    "quotes": quotes,
    "speakers": speakers,
    "outlets": outlets,
    "export": export,
    "syndication": syndication,
}


def register(app: typer.Typer) -> None:
    """Add the corpus commands to ``app`` (once; commands already there are left alone)."""
    present = {
        info.name or getattr(info.callback, "__name__", None) for info in app.registered_commands
    }
    for name, function in _COMMANDS.items():
        if name not in present:
            app.command(name)(function)
