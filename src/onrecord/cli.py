"""The ``onrecord`` command line: a thin layer over the library.

Exit codes: 0 all documents analysed; 1 one or more documents failed (each has
an error record and a one-line message on stderr); 2 a usage error or a
problem that stopped the run.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated

import typer

from . import __version__
from .cli_params import AttributionModelOption, ProgressOption, attribution_setting, error_line
from .cli_params import valid_date as _valid_date
from .errors import OnrecordError
from .types import ErrorRecord, Record

__all__ = ["app", "main"]

app = typer.Typer(
    name="onrecord",
    help=(
        "Turn news articles into source-attributed records: who said what, in whose words, "
        "with which cue. Runs offline."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class OutputFormat(StrEnum):
    jsonl = "jsonl"
    json = "json"
    table = "table"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"onrecord {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """onrecord: who said what, on the record."""


@app.command()
def analyze(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files (.txt, .html, .htm, .jsonl), directories (searched recursively), or - for stdin.",
            show_default=False,
        ),
    ],
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            "-f",
            help="jsonl: one record per line (the output contract); json: one array; table: for people.",
        ),
    ] = OutputFormat.jsonl,
    published: Annotated[
        str | None,
        typer.Option(
            help="Reference date YYYY-MM-DD for documents that carry no publication date.",
            callback=_valid_date,
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Worker processes (each loads the model once).")
    ] = 1,
    max_bytes: Annotated[
        int | None,
        typer.Option(
            help="Skip documents larger than this many bytes (default 10 MB, or ONRECORD_MAX_BYTES)."
        ),
    ] = None,
    progress: ProgressOption = None,
    attribution_model: AttributionModelOption = None,
) -> None:
    """Analyse articles and write one record per document.

    \b
    Examples:
      onrecord analyze article.txt --format table
      onrecord analyze corpus/ --published 2024-03-04 -o records.jsonl
      curl -s https://example.org/story | onrecord analyze - --format table
      onrecord analyze corpus/ --attribution-model models/attribution-polnear

    A document that cannot be read still yields a record with an "error" field;
    the run goes on and exits with code 1 at the end. With an attribution model,
    each record's "pipeline" field names it.
    """
    from .ingest import iter_documents
    from .pipeline import analyze_documents

    attribution = attribution_setting(attribution_model)
    show_progress = sys.stderr.isatty() if progress is None else progress
    items = iter_documents(paths, published=published, max_bytes=max_bytes)
    results = analyze_documents(items, workers=workers, attribution=attribution)
    failed = 0
    out: IO[str]
    with _open_output(output) as out:
        if show_progress:
            results = _with_progress(results)
        failed = _write(results, out, output_format)
    if failed:
        typer.echo(f"onrecord: {failed} document(s) failed", err=True)
        raise typer.Exit(1)


class _open_output:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.handle: IO[str] | None = None

    def __enter__(self) -> IO[str]:
        if self.path is None:
            return sys.stdout
        try:
            self.handle = self.path.open("w", encoding="utf-8")
        except OSError as exc:
            raise OnrecordError(f"cannot write {self.path}: {exc.strerror or exc}") from exc
        return self.handle

    def __exit__(self, *exc: object) -> None:
        if self.handle is not None:
            self.handle.close()


def _with_progress(results: Iterator[Record | ErrorRecord]) -> Iterator[Record | ErrorRecord]:
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (
        SpinnerColumn(),
        TextColumn("{task.completed} documents"),
        BarColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[errors]} errors"),
    )
    from rich.console import Console

    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("analyze", total=None, errors=0)
        errors = 0
        for result in results:
            if isinstance(result, ErrorRecord):
                errors += 1
            bar.update(task, advance=1, errors=errors)
            yield result


def _report_error(result: ErrorRecord) -> None:
    typer.echo(error_line(result), err=True)


def _write(results: Iterator[Record | ErrorRecord], out: IO[str], fmt: OutputFormat) -> int:
    failed = 0
    if fmt is OutputFormat.jsonl:
        for result in results:
            if isinstance(result, ErrorRecord):
                failed += 1
                _report_error(result)
            out.write(result.to_json() + "\n")
            out.flush()
        return failed
    if fmt is OutputFormat.json:
        out.write("[")
        for n, result in enumerate(results):
            if isinstance(result, ErrorRecord):
                failed += 1
                _report_error(result)
            out.write(("," if n else "") + "\n" + result.to_json())
        out.write("\n]\n")
        return failed
    from .display import print_table

    collected: list[Record | ErrorRecord] = []
    for result in results:
        if isinstance(result, ErrorRecord):
            failed += 1
            _report_error(result)
        collected.append(result)
    print_table(collected, out)
    return failed


@app.command()
def schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Print the JSON Schema of one output line of `onrecord analyze` (a record or an error record)."""
    from .types import dump_schema

    text = dump_schema()
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


from .cli_entities import register as _register_entity_commands  # noqa: E402
from .cli_figures import register as _register_figure_commands  # noqa: E402
from .cli_framing import register as _register_framing_commands  # noqa: E402
from .cli_train import register as _register_train_commands  # noqa: E402
from .cli_web import register as _register_web_commands  # noqa: E402
from .corpus_cli import register as _register_corpus_commands  # noqa: E402

_register_corpus_commands(app)
_register_entity_commands(app)
_register_figure_commands(app)
_register_framing_commands(app)
_register_train_commands(app)
_register_web_commands(app)


def main() -> None:
    """Entry point: never a traceback for the user (set ONRECORD_DEBUG=1 to see one)."""
    try:
        app()
    except OnrecordError as exc:
        typer.echo(f"onrecord: error: {exc.message}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        typer.echo("onrecord: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        # the reader went away (e.g. `| head`): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
    except Exception as exc:  # a bug: one line, and the traceback only on request
        if os.environ.get("ONRECORD_DEBUG"):
            raise
        typer.echo(
            f"onrecord: internal error: {type(exc).__name__}: {exc} (set ONRECORD_DEBUG=1 for details)",
            err=True,
        )
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
