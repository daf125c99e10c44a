"""Throughput of onrecord against a bare spaCy parse and the textacy baseline.

    python -m bench.run --shared ../shared [--repeat 1] [--workers 2]
        [--attribution-model DIR | --no-model]

Texts: the PolNeAR dev split when ``--shared`` has it (read at run time, never
copied), else examples/articles/*.txt, else generated news-like text. Each system
is warmed up (models loaded, one small batch run) before it is timed; with
``--repeat N`` the fastest of N runs counts, as the least disturbed by other load.
The table goes into docs/BENCHMARK.md unless ``--no-write-docs``.

With a trained attribution model (``--attribution-model DIR``; default
``models/attribution-polnear`` when it holds a model; ``--no-model`` to skip), onrecord is
also timed with the model in one process, and its throughput is compared with the rules
alone (goal: at least ``MODEL_GOAL_RATIO``). Every other run is the rules alone, whatever
``ONRECORD_ATTRIBUTION_MODEL`` says.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import platform
import resource
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from eval.run import (
    add_model_arguments,
    default_model_dir,
    describe_model,
    replace_between_markers,
)

from onrecord.attribution_model import AttributionSetting, ModelInfo, model_info
from onrecord.errors import OnrecordError

__all__ = ["main"]

REPO_ROOT = Path(__file__).resolve().parents[1]
BENCHMARK_DOC = REPO_ROOT / "docs" / "BENCHMARK.md"
START_MARKER = "<!-- bench:start -->"
END_MARKER = "<!-- bench:end -->"
GOAL_RATIO = 0.75
#: analyze with the trained attribution model / the rules alone (issue #10).
MODEL_GOAL_RATIO = 0.5
ONE_PROCESS = "onrecord, 1 process"
WITH_MODEL = "onrecord + attribution model, 1 process"
RULES_ONLY = AttributionSetting()


@dataclass(slots=True)
class Corpus:
    name: str
    names: list[str]
    texts: list[str]

    @property
    def chars(self) -> int:
        return sum(len(t) for t in self.texts)


@dataclass(slots=True)
class Timing:
    label: str
    seconds: float
    docs: int
    chars: int
    note: str = ""

    @property
    def docs_per_s(self) -> float:
        return self.docs / self.seconds if self.seconds else 0.0

    @property
    def chars_per_s(self) -> float:
        return self.chars / self.seconds if self.seconds else 0.0


# --- corpus -------------------------------------------------------------------------------


def _read(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as fh:
        return fh.read()


def _generated_corpus(n_docs: int = 60) -> Corpus:
    """News-like text with direct, mixed and indirect quotes, the same on every run."""
    people = ["Maria Lopez", "the mayor", "John Smith", "a spokeswoman for the agency", "Dr. Chen"]
    verbs = ["said", "told reporters", "added", "warned", "argued"]
    texts = []
    for d in range(n_docs):
        paragraphs = []
        for p in range(12):
            who = people[(d + p) % len(people)]
            verb = verbs[(d * 3 + p) % len(verbs)]
            paragraphs.append(
                f"“We expect {d + p} more inspections before the end of the month,” {who} {verb}. "
                f"{who[0].upper()}{who[1:]} {verb} that the council had approved {p + 3} new projects "
                f"in the district, which officials described as “a first step” toward recovery. "
                f"The figures were published on Tuesday by the regional office."
            )
        texts.append("\n\n".join(paragraphs))
    return Corpus("generated text", [f"generated-{i}" for i in range(n_docs)], texts)


def load_corpus(shared: Path) -> Corpus:
    polnear = shared / "data" / "polnear" / "dev" / "text"
    if polnear.is_dir():
        paths = sorted(polnear.glob("*.txt"))
        if paths:
            return Corpus("PolNeAR dev", [p.stem for p in paths], [_read(p) for p in paths])
    examples = sorted((REPO_ROOT / "examples" / "articles").glob("*.txt"))
    if examples:
        return Corpus("examples/articles", [p.stem for p in examples], [_read(p) for p in examples])
    return _generated_corpus()


# --- memory -------------------------------------------------------------------------------


def _maxrss_mb(who: int) -> float:
    rss = resource.getrusage(who).ru_maxrss
    # Linux reports kilobytes, macOS bytes
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def descendant_pids() -> Iterator[int]:
    """The processes below this one (children, grandchildren ...), read from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command name may contain spaces: the fields after it start at ") "
        fields = stat.rsplit(")", 1)[-1].split()
        parents[int(entry.name)] = int(fields[1])
    me = os.getpid()
    for pid in parents:
        ancestor = parents.get(pid)
        while ancestor and ancestor != me and ancestor in parents:
            ancestor = parents[ancestor]
        if ancestor == me:
            yield pid


class BackgroundSampler:
    """Calls ``sample()`` every ``interval`` seconds in a thread while the ``with`` block
    runs (where /proc exists); subclasses say what one sample reads."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.available = Path("/proc/self/status").exists()

    def __enter__(self) -> Self:
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.available:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        raise NotImplementedError


class DescendantPeakSampler(BackgroundSampler):
    """Peak RSS of descendant processes (the worker pool), sampled from /proc.

    RUSAGE_CHILDREN only covers children that have exited and been waited for; pool
    workers are children of multiprocessing's fork server, which lives until exit,
    so their memory would not show there during the run.
    """

    def __init__(self, interval: float = 0.2) -> None:
        super().__init__(interval)
        self.peaks: dict[int, float] = {}

    def sample(self) -> None:
        for pid in descendant_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    mb = int(line.split()[1]) / 1024
                    self.peaks[pid] = max(self.peaks.get(pid, 0.0), mb)


# --- systems ------------------------------------------------------------------------------


def _documents(corpus: Corpus) -> list[Any]:
    from onrecord.ingest import document_from_text

    docs = []
    for name, text in zip(corpus.names, corpus.texts, strict=True):
        doc = document_from_text(text, id=name, source=name)
        doc.body = [(0, len(text))]  # as in eval.run: the whole text is body
        docs.append(doc)
    return docs


def _bare_spacy(texts: Sequence[str]) -> None:
    from onrecord.nlp import get_base_nlp

    for _ in get_base_nlp().pipe(texts, batch_size=16):
        pass


def _onrecord(
    docs: Sequence[Any], workers: int, attribution: AttributionSetting = RULES_ONLY
) -> None:
    from onrecord.pipeline import analyze_documents
    from onrecord.types import ErrorRecord

    for record in analyze_documents(docs, workers=workers, batch_size=16, attribution=attribution):
        if isinstance(record, ErrorRecord):
            # a failing document would make the figures look better than they are
            raise RuntimeError(f"{record.id}: {record.error.message}")


def _textacy(texts: Sequence[str]) -> None:
    from textacy.extract.triples import direct_quotations

    from onrecord.nlp import get_base_nlp

    for doc in get_base_nlp().pipe(texts, batch_size=16):
        # textacy refuses documents with an odd number of quote marks
        with contextlib.suppress(ValueError):
            list(direct_quotations(doc))


_SPIN = "x = 0\nfor i in range(20_000_000):\n    x += i\n"


def parallel_capacity(processes: int) -> float:
    """How many CPU-bound processes really run at once (nproc can overstate it on a VM)."""
    import subprocess

    def run(n: int) -> float:
        started = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-c", _SPIN]) for _ in range(n)]
        for proc in procs:
            proc.wait()
        return time.perf_counter() - started

    alone = run(1)
    together = run(processes)
    return processes * alone / together if together else 0.0


def _best_of(repeat: int, fn: Callable[[], None]) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def run_benchmark(
    corpus: Corpus,
    *,
    repeat: int,
    workers: int,
    attribution: AttributionSetting = RULES_ONLY,
) -> tuple[list[Timing], dict[str, Any]]:
    """``attribution``: a trained model to time as well (one process); none by default."""
    texts, n, chars = corpus.texts, len(corpus.texts), corpus.chars
    memory: dict[str, Any] = {}
    if workers > 1:
        # before any model loads: a forked child's peak RSS counts the parent's pages,
        # which would pass the model's size off as RUSAGE_CHILDREN
        memory["parallel_capacity"] = parallel_capacity(workers)
    docs = _documents(corpus)
    warm = docs[: min(4, n)]

    # warm-up: models load and first-call caches fill outside the timed runs
    _bare_spacy(texts[: min(4, n)])
    _onrecord(warm, 1)
    if attribution.enabled:
        _onrecord(warm, 1, attribution)
    _textacy(texts[: min(4, n)])

    timings = [
        Timing("bare spaCy parse", _best_of(repeat, lambda: _bare_spacy(texts)), n, chars),
        Timing(ONE_PROCESS, _best_of(repeat, lambda: _onrecord(docs, 1)), n, chars),
        Timing(
            "textacy baseline (parse + direct_quotations)",
            _best_of(repeat, lambda: _textacy(texts)),
            n,
            chars,
        ),
    ]
    if attribution.enabled:
        info = model_info(attribution.path)
        timings.insert(
            2,
            Timing(
                WITH_MODEL,
                _best_of(repeat, lambda: _onrecord(docs, 1, attribution)),
                n,
                chars,
                note=f"{info.name}: {info.kind}",
            ),
        )
    memory["self_before_pool_mb"] = _maxrss_mb(resource.RUSAGE_SELF)
    if workers > 1:
        # a pool starts, and loads the model in each worker, on every call: time that alone
        startup = _best_of(repeat, lambda: _onrecord(warm[:1] * workers, workers))
        with DescendantPeakSampler() as sampler:
            wall = _best_of(repeat, lambda: _onrecord(docs, workers))
        timings.append(
            Timing(
                f"onrecord, {workers} worker processes",
                wall,
                n,
                chars,
                note=f"includes {startup:.1f} s pool start-up and model loading",
            )
        )
        if wall > startup:
            timings.append(
                Timing(
                    f"onrecord, {workers} workers, start-up excluded",
                    wall - startup,
                    n,
                    chars,
                    note="estimate: wall time minus a one-document pool run",
                )
            )
        memory["worker_peak_mb"] = max(sampler.peaks.values(), default=None)
        memory["workers_sampled"] = len(sampler.peaks)
        memory["pool_startup_s"] = startup
    memory["self_mb"] = _maxrss_mb(resource.RUSAGE_SELF)
    memory["children_mb"] = _maxrss_mb(resource.RUSAGE_CHILDREN)
    return timings, memory


# --- reporting ----------------------------------------------------------------------------


def _load_average() -> str:
    """The 1-minute load average ("" where the platform has none)."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except (AttributeError, OSError):
        return ""


def machine_facts() -> dict[str, str]:
    from importlib.metadata import version

    from onrecord.nlp import get_base_nlp

    meta = get_base_nlp().meta
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "nproc": str(usable),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "spaCy": version("spacy"),
        "model": f"{meta.get('name', '?')} {meta.get('version', '?')}",
        "textacy": version("textacy"),
    }


def format_report(
    corpus: Corpus,
    timings: list[Timing],
    memory: dict[str, Any],
    facts: dict[str, str],
    repeat: int,
    model: ModelInfo | None = None,
) -> str:
    lines = [
        f"Texts: {corpus.name}, {len(corpus.texts)} documents, {corpus.chars:,} characters; "
        f"fastest of {repeat} run(s) after warm-up.",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in facts.items()) + ".",
        "",
        "| run | seconds | docs/s | chars/s | note |",
        "|---|---|---|---|---|",
    ]
    for t in timings:
        lines.append(
            f"| {t.label} | {t.seconds:.2f} | {t.docs_per_s:.1f} | {t.chars_per_s:,.0f} | {t.note} |"
        )
    by_label = {t.label: t for t in timings}
    bare = by_label["bare spaCy parse"]
    one = by_label[ONE_PROCESS]
    ratio = one.docs_per_s / bare.docs_per_s if bare.docs_per_s else 0.0
    verdict = "meets" if ratio >= GOAL_RATIO else "below"
    lines += [
        "",
        f"- onrecord / bare spaCy throughput: **{ratio:.2f}** ({verdict} the goal of {GOAL_RATIO})",
    ]
    with_model = by_label.get(WITH_MODEL)
    if with_model is not None:
        model_ratio = model_throughput_ratio(timings)
        verdict = "meets" if model_ratio >= MODEL_GOAL_RATIO else "below"
        lines.append(
            f"- onrecord with the attribution model / rules only throughput: "
            f"**{model_ratio:.2f}** ({verdict} the goal of {MODEL_GOAL_RATIO})"
            + (f"; model {describe_model(model)}" if model is not None else "")
        )
    multi = [t for t in timings if "worker" in t.label]
    for t in multi:
        lines.append(f"- scaling, {t.label}: **{t.docs_per_s / one.docs_per_s:.2f}x** one process")
    if "parallel_capacity" in memory:
        lines.append(
            f"- parallel capacity: {memory['parallel_capacity']:.2f} of {facts['nproc']} CPUs "
            "(a pure-Python loop run alone and in one process per worker at once; "
            "worker scaling cannot exceed it)"
        )
    worker_peak = memory.get("worker_peak_mb")
    lines.append(
        f"- peak RSS: this process {memory['self_mb']:.0f} MB "
        f"({memory['self_before_pool_mb']:.0f} MB before the pool ran; it holds "
        + (
            "three pipelines: the bare one, the one with onrecord's components and the one "
            "with the attribution model too); "
            if with_model is not None
            else "two models: the bare one and the one with onrecord's components); "
        )
        + f"RUSAGE_CHILDREN {memory['children_mb']:.0f} MB"
        + (
            f"; each pool worker up to {worker_peak:.0f} MB (VmHWM sampled from /proc over "
            f"{memory['workers_sampled']} pool processes, the fork server included)"
            if worker_peak
            else ""
        )
    )
    return "\n".join(lines)


def model_throughput_ratio(timings: Sequence[Timing]) -> float:
    """Docs/s with the attribution model over docs/s of the rules alone (one process each)."""
    by_label = {t.label: t for t in timings}
    one, with_model = by_label[ONE_PROCESS], by_label[WITH_MODEL]
    return with_model.docs_per_s / one.docs_per_s if one.docs_per_s else 0.0


def write_docs(report: str, path: Path = BENCHMARK_DOC) -> None:
    block = f"Run on {dt.date.today().isoformat()} with `python -m bench.run`.\n\n{report}"
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark\n"
    path.write_text(
        replace_between_markers(current, block, START_MARKER, END_MARKER), encoding="utf-8"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--repeat", type=int, default=1, help="runs per system; the fastest counts")
    parser.add_argument("--workers", type=int, default=2, help="processes for the pool run")
    parser.add_argument(
        "--write-docs",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="rewrite the table in docs/BENCHMARK.md (default)",
    )
    add_model_arguments(
        parser,
        with_model="also time onrecord with this trained attribution model",
        without="the rules alone, even with a model",
    )
    args = parser.parse_args(argv)

    try:
        model_dir = default_model_dir(args.attribution_model, no_model=args.no_model)
    except OnrecordError as exc:
        parser.exit(2, f"bench: error: {exc}\n")
    attribution = AttributionSetting.of(model_dir)
    info = model_info(model_dir) if model_dir is not None else None

    corpus = load_corpus(args.shared)
    load_before = _load_average()
    print(f"bench: {corpus.name}, {len(corpus.texts)} documents, {corpus.chars:,} characters")
    if info is not None:
        print(f"bench: with the attribution model {info.describe()}")
    try:
        timings, memory = run_benchmark(
            corpus, repeat=max(args.repeat, 1), workers=args.workers, attribution=attribution
        )
    except OnrecordError as exc:
        parser.exit(2, f"bench: error: {exc}\n")
    facts = machine_facts()
    if load_before and (load_after := _load_average()):
        # other work on the machine slows every run: say how busy it was
        facts["load average"] = f"{load_before} at the start, {load_after} at the end"
    report = format_report(corpus, timings, memory, facts, max(args.repeat, 1), info)
    print(report)
    if args.write_docs:
        write_docs(report)
        print(f"table written to {BENCHMARK_DOC.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
