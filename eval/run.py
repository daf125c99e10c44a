"""Evaluate onrecord's attributions against PolNeAR, with textacy as the baseline.

    python -m eval.run --shared ../shared [--split dev] [--limit N] [--json OUT]
        [--attribution-model DIR | --no-model] [--model-mode MODE ...]

PolNeAR has no licence: it is read from ``--shared`` at run time and nothing of it
is copied into the project. Without it the command prints one line and exits 0.
The full run rewrites the figures in docs/EVALUATION.md (``--no-write-docs`` to keep
them); a ``--limit`` run never does, since its figures are not comparable.

Systems: ``onrecord`` (the rules alone, whatever ``ONRECORD_ATTRIBUTION_MODEL`` says),
``textacy``, and, when a trained attribution model is given (``--attribution-model DIR``;
default ``models/attribution-polnear`` when it holds a model; ``--no-model`` to skip),
``onrecord+model`` (the rules with that model), or one ``onrecord+model[MODE]`` per
``--model-mode MODE`` (passed to the component as ``{"mode": MODE}``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from onrecord.attribution_model import META_FILE, AttributionSetting, ModelInfo, model_info
from onrecord.errors import OnrecordError

from .brat import GoldDocument, load_split
from .metrics import MODES, ROLES, SPLITS, PredictedQuote, Scorer, spans_have_quote_mark

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = [
    "DEFAULT_MODEL_DIR",
    "EvalResult",
    "System",
    "SystemResult",
    "default_model_dir",
    "evaluate",
    "main",
    "plan_systems",
    "polnear_dir",
]

REPO_ROOT = Path(__file__).resolve().parents[1]
EVALUATION_DOC = REPO_ROOT / "docs" / "EVALUATION.md"
START_MARKER = "<!-- eval:start -->"
END_MARKER = "<!-- eval:end -->"
SYSTEMS = ("onrecord", "textacy")
#: The model `make model` trains (git-ignored): evaluated beside the rules when present.
DEFAULT_MODEL_DIR = REPO_ROOT / "models" / "attribution-polnear"
MODEL_SYSTEM = "onrecord+model"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class System:
    """One row group of the table: ``kind`` "onrecord" (with ``attribution``: the trained
    model it runs, none for the rules alone) or "textacy"."""

    name: str
    kind: str
    attribution: AttributionSetting = AttributionSetting()

    @classmethod
    def named(cls, name: str) -> System:
        if name in ("onrecord", "textacy"):
            return cls(name, name)
        raise ValueError(f"unknown system {name!r} (a model system needs plan_systems)")


def plan_systems(
    model_dir: Path | None = None, modes: Sequence[str] = (), *, textacy: bool = True
) -> list[System]:
    """``onrecord`` (rules only), the model systems, then ``textacy``.

    With ``model_dir``: one ``onrecord+model`` system, or one ``onrecord+model[MODE]`` per
    mode (its component config gets ``{"mode": MODE}``). Modes without a model raise.
    """
    if modes and model_dir is None:
        raise ValueError("--model-mode needs a model (--attribution-model DIR)")
    systems = [System("onrecord", "onrecord")]
    if model_dir is not None:
        if modes:
            for mode in dict.fromkeys(modes):  # in order, once each
                setting = AttributionSetting.of(model_dir, {"mode": mode})
                systems.append(System(f"{MODEL_SYSTEM}[{mode}]", "onrecord", setting))
        else:
            systems.append(System(MODEL_SYSTEM, "onrecord", AttributionSetting.of(model_dir)))
    if textacy:
        systems.append(System("textacy", "textacy"))
    return systems


def add_model_arguments(parser: argparse.ArgumentParser, *, with_model: str, without: str) -> None:
    """``--attribution-model DIR`` | ``--no-model`` (for ``default_model_dir``), as eval.run and
    bench.run take them."""
    model = parser.add_mutually_exclusive_group()
    model.add_argument(
        "--attribution-model",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"{with_model}; default: {DEFAULT_MODEL_DIR.relative_to(REPO_ROOT)} "
        "when it holds a model",
    )
    model.add_argument("--no-model", action="store_true", help=without)


def default_model_dir(
    given: Path | None, *, no_model: bool = False, default: Path = DEFAULT_MODEL_DIR
) -> Path | None:
    """The model to evaluate: none with ``no_model``; ``given`` (which must be a model
    directory: ``OnrecordError`` otherwise); else ``default`` when it holds a model."""
    if no_model:
        return None
    if given is not None:
        model_info(given)  # raises with one line when it is not a model
        return given
    return default if (default / META_FILE).is_file() else None


@dataclass(slots=True)
class SystemResult:
    name: str
    scorer: Scorer = field(default_factory=Scorer)
    seconds: float = 0.0
    #: Documents the system failed on (scored as predicting nothing), by name.
    errors: dict[str, str] = field(default_factory=dict)
    notes: Counter[str] = field(default_factory=Counter)


@dataclass(slots=True)
class EvalResult:
    split: str
    documents: int
    gold_attributions: int
    gold_direct: int
    systems: dict[str, SystemResult]
    reader: dict[str, Any]
    #: The trained attribution model of each model system, by system name.
    models: dict[str, ModelInfo] = field(default_factory=dict)
    #: The further component config of each model system ({"mode": ...}), by system name.
    model_config: dict[str, dict[str, Any]] = field(default_factory=dict)

    def figure(self, system: str, role: str, split: str, metric: str) -> float:
        """``metric`` is ``{exact,partial}_{precision,recall,f1}`` or ``gold``/``pred``."""
        counts = self.systems[system].scorer.figures()
        if metric in ("gold", "pred"):
            return counts[(role, split, "partial")][metric]
        mode, _, stat = metric.partition("_")
        return counts[(role, split, mode)][stat]

    def to_json(self) -> dict[str, Any]:
        systems: dict[str, Any] = {}
        for name, res in self.systems.items():
            rows = []
            for (role, split, mode), fig in res.scorer.figures().items():
                rows.append({"role": role, "split": split, "mode": mode, **fig})
            systems[name] = {
                "seconds": round(res.seconds, 2),
                "errors": res.errors,
                "notes": dict(res.notes),
                "figures": rows,
            }
        return {
            "split": self.split,
            "documents": self.documents,
            "gold_attributions": self.gold_attributions,
            "gold_direct_or_mixed": self.gold_direct,
            "reader": self.reader,
            "systems": systems,
            "models": {
                name: {
                    **asdict(info),
                    "shown": _shown_path(info.path),
                    "config": self.model_config.get(name, {}),
                }
                for name, info in self.models.items()
            },
        }


def polnear_dir(shared: Path) -> Path:
    return shared / "data" / "polnear"


# --- systems ------------------------------------------------------------------------------


def _onrecord_predictions(
    gold: Sequence[GoldDocument],
    workers: int,
    result: SystemResult,
    attribution: AttributionSetting | None = None,
) -> dict[str, list[PredictedQuote]]:
    """``attribution``: the trained model to run, passed explicitly (never read from the
    environment); None or an empty setting: the rules alone."""
    from onrecord.ingest import document_from_text
    from onrecord.pipeline import analyze_documents
    from onrecord.types import Record

    documents = []
    for g in gold:
        doc = document_from_text(
            g.text,
            id=g.name,
            source=str(g.path),
            published=g.published if g.published and _DATE.match(g.published) else None,
            outlet=g.publisher,
        )
        # PolNeAR texts are article bodies already; body detection must not drop gold spans
        doc.body = [(0, len(g.text))]
        documents.append(doc)

    out: dict[str, list[PredictedQuote]] = {}
    results = analyze_documents(
        documents, workers=workers, attribution=attribution or AttributionSetting()
    )
    for g, record in zip(gold, results, strict=True):
        if not isinstance(record, Record):
            result.errors[g.name] = f"{record.error.code}: {record.error.message}"
            out[g.name] = []
            continue
        if record.text != g.text:
            # offsets would be meaningless: score the document as predicting nothing
            result.errors[g.name] = "record text differs from the input text"
            out[g.name] = []
            continue
        quotes = []
        for q in record.quotes:
            if q.nested_in is not None:
                # PolNeAR annotates only the outermost attribution (guidelines, "No nested
                # attributions"): a quote inside another's content is not scored
                result.notes["nested quotes not scored"] += 1
                continue
            parts = q.content_parts or [q.content]
            quotes.append(
                PredictedQuote(
                    content=tuple((s.start, s.end) for s in parts),
                    cue=() if q.cue is None else ((q.cue.start, q.cue.end),),
                    source=() if q.source is None else ((q.source.start, q.source.end),),
                )
            )
        result.notes["quotes"] += len(quotes)
        out[g.name] = quotes
    return out


def _token_runs(tokens: Iterable[Token]) -> tuple[tuple[int, int], ...]:
    """Character spans of the runs of adjacent tokens (textacy speakers can be discontiguous)."""
    runs: list[tuple[int, int]] = []
    last_i = -2
    for tok in sorted(tokens, key=lambda t: t.i):
        end = tok.idx + len(tok.text)
        if tok.i == last_i + 1 and runs:
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((tok.idx, end))
        last_i = tok.i
    return tuple(runs)


def _textacy_predictions(
    gold: Sequence[GoldDocument], result: SystemResult
) -> dict[str, list[PredictedQuote]]:
    from textacy.extract.triples import direct_quotations

    from onrecord.nlp import get_base_nlp

    nlp = get_base_nlp()
    out: dict[str, list[PredictedQuote]] = {}
    for g, doc in zip(gold, nlp.pipe((g.text for g in gold), batch_size=16), strict=True):
        try:
            triples = list(direct_quotations(doc))
        except ValueError:
            # textacy gives up on a whole document with an odd number of quote marks
            result.notes["documents given up (odd number of quote marks)"] += 1
            triples = []
        quotes = [
            PredictedQuote(
                content=((t.content.start_char, t.content.end_char),),
                cue=_token_runs(t.cue),
                source=_token_runs(t.speaker),
            )
            for t in triples
        ]
        result.notes["quotes"] += len(quotes)
        out[g.name] = quotes
    return out


# --- evaluation ---------------------------------------------------------------------------


def _reader_summary(gold: Sequence[GoldDocument]) -> dict[str, Any]:
    unknown: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    for g in gold:
        unknown.update(g.unknown_labels)
        skipped.update(g.skipped)
    return {
        "documents_with_several_annotators": {
            g.name: {"used": g.annotator, "available": g.annotators}
            for g in gold
            if len(g.annotators) > 1
        },
        "span_text_mismatches": [
            {"document": g.name, "label": m.label_id, "expected": m.expected, "found": m.found}
            for g in gold
            for m in g.mismatches
        ],
        "unknown_labels": dict(unknown),
        "skipped": dict(skipped),
    }


def evaluate(
    shared: Path,
    *,
    split: str = "dev",
    limit: int | None = None,
    workers: int = 1,
    systems: Sequence[str | System] = SYSTEMS,
) -> EvalResult:
    """Run the systems over one PolNeAR split and score them (raises if PolNeAR is absent).

    ``systems``: names ("onrecord", "textacy") or ``System``s (``plan_systems``)."""
    planned = [s if isinstance(s, System) else System.named(s) for s in systems]
    with_model = [s for s in planned if s.attribution.enabled]
    models = {s.name: model_info(s.attribution.path) for s in with_model}
    model_config = {s.name: dict(s.attribution.config) for s in with_model}
    gold = load_split(polnear_dir(shared), split)
    if not gold:
        raise FileNotFoundError(f"no PolNeAR documents under {polnear_dir(shared) / split}")
    if limit is not None:
        gold = gold[:limit]

    results: dict[str, SystemResult] = {}
    for system in planned:
        res = SystemResult(system.name)
        started = time.perf_counter()
        if system.kind == "onrecord":
            predictions = _onrecord_predictions(gold, workers, res, system.attribution)
        elif system.kind == "textacy":
            predictions = _textacy_predictions(gold, res)
        else:
            raise ValueError(f"unknown system kind {system.kind!r}")
        res.seconds = time.perf_counter() - started
        for g in gold:
            res.scorer.add_document(g.text, g.attributions, predictions[g.name])
        results[system.name] = res

    attributions = [(g, a) for g in gold for a in g.attributions]
    return EvalResult(
        split=split,
        documents=len(gold),
        gold_attributions=len(attributions),
        gold_direct=sum(spans_have_quote_mark(g.text, a.content) for g, a in attributions),
        systems=results,
        reader=_reader_summary(gold),
        models=models,
        model_config=model_config,
    )


# --- reporting ----------------------------------------------------------------------------


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def _shown_path(path: str) -> str:
    """A model path relative to the repository when it lies inside it."""
    for candidate in (Path(os.path.abspath(path)), Path(path).resolve()):
        if candidate.is_relative_to(REPO_ROOT):
            return str(candidate.relative_to(REPO_ROOT))
    return path


def describe_model(info: ModelInfo, config: dict[str, Any] | None = None) -> str:
    """``DIR (kind K, epoch E of N, base B, sha256 H[, mode M])``: the model directory
    (relative to the repository when inside it) and what its metadata says."""
    facts = [f"kind {info.kind}"]
    if info.best_epoch is not None:
        facts.append(f"epoch {info.best_epoch}" + (f" of {info.epochs}" if info.epochs else ""))
    if info.base_model:
        facts.append(f"base {info.base_model}")
    facts.append(f"sha256 {info.digest}")
    for key, value in (config or {}).items():
        facts.append(f"{key} {value}")
    return f"{_shown_path(info.path)} ({', '.join(facts)})"


def format_table(result: EvalResult) -> str:
    """Markdown table: rows system x role x split, exact and partial P/R/F1."""
    header = (
        "| system | role | split | gold | pred | exact P | exact R | exact F1 "
        "| partial P | partial R | partial F1 |"
    )
    lines = [header, "|" + "---|" * 11]
    split_names = {"direct": "direct/mixed", "indirect": "indirect", "all": "all"}
    for name, res in result.systems.items():
        figs = res.scorer.figures()
        for role in ROLES:
            for split in SPLITS:
                cells = [name, role, split_names[split]]
                part = figs[(role, split, "partial")]
                cells += [str(int(part["gold"])), str(int(part["pred"]))]
                for mode in MODES:
                    f = figs[(role, split, mode)]
                    cells += [_pct(f["precision"]), _pct(f["recall"]), _pct(f["f1"])]
                lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def format_summary(result: EvalResult) -> str:
    reader = result.reader
    several = reader["documents_with_several_annotators"]
    lines = [
        f"PolNeAR {result.split}: {result.documents} documents, "
        f"{result.gold_attributions} gold attributions "
        f"({result.gold_direct} direct/mixed, {result.gold_attributions - result.gold_direct} indirect)",
        f"annotator files: {len(several)} documents have several; the first in sorted order is used",
        f"span text mismatches: {len(reader['span_text_mismatches'])}; "
        f"unknown labels: {reader['unknown_labels'] or 'none'}; "
        f"skipped: {reader['skipped'] or 'none'}",
    ]
    for name, res in result.systems.items():
        notes = ", ".join(f"{k}: {v}" for k, v in sorted(res.notes.items())) or "no quotes"
        lines.append(
            f"{name}: {res.seconds:.1f} s for {result.documents} documents; {notes}; "
            f"errors: {len(res.errors)}"
        )
    for name, info in result.models.items():
        config = result.model_config.get(name)
        lines.append(f"{name} = rules + attribution model {describe_model(info, config)}")
    return "\n".join(lines)


def _git_commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src", "eval"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    # figures from uncommitted code are not reproducible from the commit alone: say so
    return f"{head} + uncommitted changes in src/ or eval/" if dirty else head


def replace_between_markers(document: str, block: str, start: str, end: str) -> str:
    """``document`` with the text between the markers replaced (markers appended if absent)."""
    if start in document and end in document.split(start, 1)[1]:
        before, rest = document.split(start, 1)
        _, after = rest.split(end, 1)
        return f"{before}{start}\n{block}\n{end}{after}"
    return f"{document.rstrip()}\n\n{start}\n{block}\n{end}\n"


def write_between_markers(path: Path, block: str, start: str, end: str) -> None:
    """Put ``block`` between the markers in the document at ``path`` (created if missing)."""
    current = path.read_text(encoding="utf-8") if path.exists() else "# Evaluation\n"
    path.write_text(replace_between_markers(current, block, start, end), "utf-8")


def write_docs(result: EvalResult, path: Path = EVALUATION_DOC) -> None:
    block = "\n".join(
        [
            f"Run on {dt.date.today().isoformat()} at commit `{_git_commit()}` "
            f"with `python -m eval.run` (PolNeAR {result.split}).",
            "",
            "```",
            format_summary(result),
            "```",
            "",
            format_table(result),
            "",
            "Figures are percentages, micro-averaged over documents. `pred` counts predictions "
            "on the side (direct/mixed or indirect) decided by partial matching."
            + (
                f" `{MODEL_SYSTEM}` rows: the same rules with the trained attribution model named "
                "above (docs/TRAINING.md); `onrecord` rows: the rules alone."
                if result.models
                else ""
            ),
        ]
    )
    write_between_markers(path, block, START_MARKER, END_MARKER)


def _load_models(systems: Sequence[System]) -> None:
    """Build each model system's pipeline now (it is cached), so that a component that
    refuses its config stops the run before the first system has been scored."""
    from onrecord.nlp import get_nlp

    for system in systems:
        if system.attribution.enabled:
            get_nlp(attribution=system.attribution)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.run", description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--split", default="dev", choices=("dev", "train"))
    parser.add_argument("--limit", type=int, default=None, help="first N documents only")
    parser.add_argument("--workers", type=int, default=1, help="onrecord worker processes")
    parser.add_argument("--json", type=Path, default=None, help="write all figures here")
    parser.add_argument(
        "--write-docs",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="rewrite the figures in docs/EVALUATION.md (default; never with --limit)",
    )
    add_model_arguments(
        parser,
        with_model="also evaluate the rules with this trained attribution model (onrecord+model)",
        without="the rules and textacy only, even with a model",
    )
    parser.add_argument(
        "--model-mode",
        action="append",
        default=[],
        metavar="MODE",
        help="ablation: one system onrecord+model[MODE] per mode given (repeatable), the "
        'component run with {"mode": MODE}',
    )
    args = parser.parse_args(argv)

    try:
        model_dir = default_model_dir(args.attribution_model, no_model=args.no_model)
        systems = plan_systems(model_dir, args.model_mode)
    except (OnrecordError, ValueError) as exc:
        parser.exit(2, f"eval: error: {exc}\n")

    corpus = polnear_dir(args.shared)
    if not (corpus / args.split / "text").is_dir():
        print(f"eval: skipped, PolNeAR not found at {corpus} (pass --shared)")
        return 0

    print("eval: systems " + ", ".join(s.name for s in systems))
    try:
        _load_models(systems)
        result = evaluate(
            args.shared, split=args.split, limit=args.limit, workers=args.workers, systems=systems
        )
    except OnrecordError as exc:  # e.g. the component refused a --model-mode
        parser.exit(2, f"eval: error: {exc}\n")
    print(format_summary(result))
    print()
    print(format_table(result))
    if args.json:
        args.json.write_text(json.dumps(result.to_json(), indent=2) + "\n", encoding="utf-8")
        print(f"\nfigures written to {args.json}")
    if args.write_docs and args.limit is None:
        write_docs(result)
        print(f"table written to {EVALUATION_DOC.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
