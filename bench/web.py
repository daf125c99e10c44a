"""Web benchmark (``make bench-web``): latency of the REST API and the pages under a bounded
local load, on a corpus of 10,000 articles. Not a test; run it by hand.

    python -m bench.web [--db FILE] [--docs 10000] [--requests 200] [--concurrency 4]

1. The corpus: ``--db`` when it holds at least ``--docs`` articles, else built there
   (default: a file in the system's temporary folder, kept for the next run):
   ``--base`` articles from bench/corpus.py's generator, ingested (analysed) with
   ``--workers``, then stored again under new ids, outlets, dates and speaker names
   (``bench.corpus.scale_up``) until there are ``--docs``; corpus entities linked as
   ``onrecord ingest`` links them.
2. The server: ``create_app`` under uvicorn on a free 127.0.0.1 port, in a thread of this
   process (the load comes from the same process: its share of the CPU and of the GIL
   counts in the figures, so they are upper bounds).
3. The load: for each kind of request (an API endpoint or a page), ``--requests`` requests
   with parameters drawn at random (seeded), ``--concurrency`` at a time, after a few
   warm-up requests; p50, p95 and max latency per kind, and the status codes seen.
   Only 127.0.0.1 is ever contacted. Target: p95 < 200 ms for every kind.

The report goes into docs/BENCHMARK.md between the bench-web markers unless
``--no-write-docs``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import math
import os
import platform
import random
import socket
import sqlite3
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from eval.run import replace_between_markers

from bench.corpus import generate, scale_up

__all__ = ["build_corpus", "main", "run_load"]

REPO_ROOT = Path(__file__).resolve().parents[1]
BENCHMARK_DOC = REPO_ROOT / "docs" / "BENCHMARK.md"
START_MARKER = "<!-- bench-web:start -->"
END_MARKER = "<!-- bench-web:end -->"
TARGET_P95_MS = 200.0
#: Seconds to wait at most for the server's warm-up pass before measuring.
WARM_UP_WAIT = 300.0
FIGURE_TERMS = ["killed", "dead", "displaced", "missing", "injured", "homes", "people", "rescued"]
SEARCH_WORDS = ["dam", "flood", "inquiry", "bridge", "convoy", "talks", "water", "border"]


# --- the corpus ----------------------------------------------------------------------------


def _documents(db: Path) -> int:
    if not db.is_file():
        return 0
    try:
        with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True) as conn:
            return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.Error:
        return 0


def build_corpus(db: Path, *, docs: int, base: int, workers: int, seed: int) -> dict[str, Any]:
    """A corpus of about ``docs`` articles at ``db`` (reused when it holds enough)."""
    from onrecord.store import Store, ingest
    from onrecord.store.entities import link_pending

    have = _documents(db)
    if have >= docs:
        with Store.open(db) as store:  # schema migrations made since it was built
            link_pending(store)
        return {"reused": True, "documents": have, "seconds": 0.0}

    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="onrecord-bench-web-") as tmp:
        jsonl = generate(base, seed=seed).write_jsonl(Path(tmp) / "generated.jsonl")
        source = Path(tmp) / "source.db"
        print(f"bench.web: analysing {base} generated articles ({workers} workers)", flush=True)
        stats = ingest([jsonl], source, workers=workers)
        with sqlite3.connect(source) as conn:
            quotes = int(conn.execute("SELECT count(*) FROM quotes").fetchone()[0])
        rounds = math.ceil(docs / max(stats.inserted, 1))
        print(f"bench.web: storing them {rounds} times over", flush=True)
        scale_up(source, db, min_quotes=quotes * rounds, seed=seed)
    with Store.open(db) as store:
        print("bench.web: linking corpus entities", flush=True)
        link_pending(store)
    return {"reused": False, "documents": _documents(db), "seconds": time.perf_counter() - started}


# --- the load ------------------------------------------------------------------------------


@dataclass(slots=True)
class Samples:
    kind: str
    group: str  # "api" or "page"
    example: str
    seconds: list[float] = field(default_factory=list)
    first: float = 0.0  # the first request of the kind (warm-up: caches cold)
    statuses: Counter[int] = field(default_factory=Counter)

    def percentile(self, q: float) -> float:
        ordered = sorted(self.seconds)
        index = min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))
        return ordered[index] * 1000


def _corpus_facts(db: Path, seed: int) -> dict[str, list[str]]:
    """Ids, speakers, outlets and entity names to draw request parameters from."""
    with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True) as conn:
        rng = random.Random(seed)
        ids = [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY pk")]
        speakers = [
            r[0]
            for r in conn.execute(
                "SELECT speaker_name FROM syndication_quotes WHERE speaker_name IS NOT NULL"
                " GROUP BY speaker_name ORDER BY count(*) DESC LIMIT 500"
            )
        ]
        outlets = [r[0] for r in conn.execute("SELECT DISTINCT outlet FROM documents") if r[0]]
        surnames = sorted({s.split()[-1].split("-")[0] for s in speakers if " " in s})
        return {
            "ids": rng.sample(ids, min(len(ids), 2000)),
            "speakers": speakers,
            "outlets": outlets,
            "surnames": surnames or ["Varga"],
        }


def _days(rng: random.Random) -> tuple[str, str]:
    start = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(330))
    return start.isoformat(), (start + dt.timedelta(days=rng.randrange(1, 30))).isoformat()


def request_kinds(
    facts: dict[str, list[str]],
) -> list[tuple[str, str, Callable[[random.Random], str]]]:
    """(kind, group, draw a URL) for every kind of request measured."""

    def q(path: str, **params: Any) -> str:
        return f"{path}?{urlencode(params)}" if params else path

    ids, speakers, outlets = facts["ids"], facts["speakers"], facts["outlets"]
    surnames = facts["surnames"]
    return [
        ("GET /api/articles (a page)", "api",
         lambda r: q("/api/articles", limit=50, offset=r.randrange(0, 9000))),
        ("GET /api/articles?outlet&since&until", "api",
         lambda r: q("/api/articles", outlet=r.choice(outlets), since=_days(r)[0])),
        ("GET /api/articles?q (full text)", "api",
         lambda r: q("/api/articles", q=r.choice(SEARCH_WORDS), limit=20)),
        ("GET /api/articles/{id}", "api",
         lambda r: "/api/articles/" + quote(r.choice(ids), safe="")),
        ("GET /api/quotes (a page of the first 5,000)", "api",
         lambda r: q("/api/quotes", limit=100, offset=r.randrange(0, 5_000))),
        ("GET /api/quotes (a deep page, offset < 100,000)", "api",
         lambda r: q("/api/quotes", limit=100, offset=r.randrange(5_000, 100_000))),
        ("GET /api/quotes?speaker", "api",
         lambda r: q("/api/quotes", speaker=r.choice(surnames), limit=100)),
        ("GET /api/quotes?contains", "api",
         lambda r: q("/api/quotes", contains=r.choice(SEARCH_WORDS), limit=100)),
        ("GET /api/quotes?outlet&since&until&kind", "api",
         lambda r: q("/api/quotes", outlet=r.choice(outlets), since=_days(r)[0],
                     until=_days(r)[1], kind=r.choice(["direct", "indirect"]))),
        ("GET /api/speakers", "api",
         lambda r: q("/api/speakers", limit=50, offset=r.choice([0, 0, 50, 500]))),
        ("GET /api/speakers?outlet", "api",
         lambda r: q("/api/speakers", outlet=r.choice(outlets), limit=50)),
        ("GET /api/speakers/{name}", "api",
         lambda r: "/api/speakers/" + quote(r.choice(speakers[:200]), safe="")),
        ("GET /api/outlets", "api", lambda r: "/api/outlets"),
        ("GET /api/figures?term", "api",
         lambda r: q("/api/figures", term=r.choice(FIGURE_TERMS))),
        ("GET /api/entities", "api",
         lambda r: q("/api/entities", type=r.choice(["PERSON", "ORG", "GPE"]),
                     offset=r.randrange(0, 200))),
        ("GET /api/entities?q", "api",
         lambda r: q("/api/entities", q=r.choice(surnames))),
        ("page /", "page", lambda r: "/"),
        ("page /articles/{id}", "page", lambda r: "/articles/" + quote(r.choice(ids), safe="")),
        ("page /speakers/{name}", "page",
         lambda r: "/speakers/" + quote(r.choice(speakers[:200]), safe="")),
        ("page /figures?term", "page", lambda r: q("/figures", term=r.choice(FIGURE_TERMS))),
        ("page /outlets", "page", lambda r: "/outlets"),
    ]  # fmt: skip


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalServer:
    """uvicorn on 127.0.0.1 in a daemon thread (``with LocalServer(app) as base_url``)."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = _free_port()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


async def _measure(
    base_url: str,
    kinds: Sequence[tuple[str, str, Callable[[random.Random], str]]],
    *,
    requests: int,
    concurrency: int,
    seed: int,
    budget: float,
    warmup: int = 3,
) -> list[Samples]:
    import httpx

    results = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=600) as client:
        for kind, group, draw in kinds:
            rng = random.Random(f"{seed}:{kind}")
            urls = [draw(rng) for _ in range(requests)]
            samples = Samples(kind, group, urls[0])
            for n, url in enumerate(urls[:warmup]):
                started = time.perf_counter()
                await client.get(url)
                if n == 0:
                    samples.first = time.perf_counter() - started
            deadline = time.perf_counter() + budget
            queue: asyncio.Queue[str] = asyncio.Queue()
            for url in urls:
                queue.put_nowait(url)

            async def worker(
                samples: Samples = samples,
                queue: asyncio.Queue[str] = queue,
                deadline: float = deadline,
            ) -> None:
                while not queue.empty() and time.perf_counter() < deadline:
                    url = queue.get_nowait()
                    started = time.perf_counter()
                    try:
                        response = await client.get(url)
                        await response.aread()
                        status = response.status_code
                    except httpx.HTTPError:
                        status = 0  # no answer (a timeout): counted, never hidden
                    samples.seconds.append(time.perf_counter() - started)
                    samples.statuses[status] += 1

            await asyncio.gather(*(worker() for _ in range(concurrency)))
            results.append(samples)
            print(
                f"bench.web: {kind}: p50 {samples.percentile(0.5):.1f} ms, "
                f"p95 {samples.percentile(0.95):.1f} ms, statuses {dict(samples.statuses)}",
                flush=True,
            )
    return results


def run_load(
    db: Path,
    *,
    requests: int,
    concurrency: int,
    seed: int,
    budget: float = 90.0,
    only: str | None = None,
    warm_up: dict[str, Any] | None = None,
) -> list[Samples]:
    """Measure every kind (``only``: those whose name holds it) once the server's warm-up
    pass is done (its seconds and whether it finished in ``warm_up``, when given)."""
    from onrecord.web.app import create_app

    app = create_app(db)
    facts = _corpus_facts(db, seed)
    kinds = [k for k in request_kinds(facts) if only is None or only in k[0]]
    with LocalServer(app) as base_url:
        warmer = app.state.warmer
        started = time.perf_counter()
        done = warmer is not None and warmer.warmed.wait(WARM_UP_WAIT)
        print(
            f"bench.web: warm-up {'done' if done else 'not done'} after "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )
        if warm_up is not None:
            warm_up.update(
                done=done, seconds=warmer.seconds if done else None, load=os.getloadavg()[0]
            )
        return asyncio.run(
            _measure(
                base_url,
                kinds,
                requests=requests,
                concurrency=concurrency,
                seed=seed,
                budget=budget,
            )
        )


# --- the report ----------------------------------------------------------------------------


def cold_figure_terms(db: Path) -> list[str]:
    """The figures terms of the load that the server's warm-up does not work out."""
    from onrecord.store import open_corpus
    from onrecord.web import queries, warm

    corpus = open_corpus(db)
    try:
        common = warm.common_measures(corpus, besides=warm.WARM_FIGURES)
    finally:
        corpus.close()
    warmed = {queries.figure_key(term) for term in (*warm.WARM_FIGURES, *common)}
    return [term for term in FIGURE_TERMS if queries.figure_key(term) not in warmed]


def format_report(
    samples: Sequence[Samples],
    corpus: dict[str, Any],
    db: Path,
    args: argparse.Namespace,
    warm_up: dict[str, Any] | None = None,
) -> str:
    with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True) as conn:
        quotes = int(conn.execute("SELECT count(*) FROM quotes").fetchone()[0])
        entities = int(conn.execute("SELECT count(*) FROM corpus_entities").fetchone()[0])
    load = os.getloadavg()[0]
    cold = cold_figure_terms(db)
    built = (
        "reused from an earlier run"
        if corpus["reused"]
        else f"built in {corpus['seconds']:.0f} s: {args.base} generated articles analysed, "
        "then stored again under new ids, outlets, dates and speaker names"
    )
    lines = [
        "## Web",
        "",
        f"Run on {dt.date.today().isoformat()} with `python -m bench.web --docs {args.docs} "
        f"--requests {args.requests} --concurrency {args.concurrency} --seed {args.seed}`.",
        f"Machine: nproc {os.cpu_count()}, python {platform.python_version()}; load average "
        + (
            f"{warm_up['load']:.1f} when the load started, "
            if warm_up and warm_up.get("load") is not None
            else ""
        )
        + f"{load:.1f} at the end of the run (other jobs shared the CPUs).",
        "",
        f"Corpus: **{corpus['documents']:,} articles**, {quotes:,} quotes, {entities:,} corpus "
        f"entities ({built}). Server: `create_app` under uvicorn on 127.0.0.1 in a thread of the "
        "benchmark process, which also makes the requests (httpx, asyncio): both share one "
        "interpreter, so the figures are upper bounds. "
        f"Up to {args.requests} requests of each kind, {args.concurrency} at a time, parameters "
        "drawn "
        f"at random (seeded), at most {args.budget:.0f} s a kind (`requests`: how many were made), "
        "after 3 warm-up requests (`first`: the first of them; the server remembers "
        "outlets, speaker lists, figures and corpus entities while the corpus is unchanged). "
        "The load starts once the server's own warm-up (docs/WEB.md: every outlet's "
        "speaker counts, the home and outlets pages, the corpus entities, the figures of the "
        "suggested terms and of the corpus's commonest measures, worked out in a "
        "background thread after start-up) "
        + (
            f"is done: it took {warm_up['seconds']:.1f} s."
            if warm_up and warm_up.get("done")
            else f"is done or has run for {WARM_UP_WAIT:.0f} s; it was not done."
        )
        + (
            " Figures terms not warmed ("
            + ", ".join(f"'{t}'" for t in cold)
            + ") are worked out by their first request. "
            if cold
            else " Every figures term of the load was warmed. "
        )
        + f"Target: p95 < {TARGET_P95_MS:.0f} ms.",
        "",
        "| request | example | first ms | requests | p50 ms | p95 ms | max ms | statuses |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in samples:
        p95 = s.percentile(0.95)
        mark = "" if p95 < TARGET_P95_MS else " ⚠"
        statuses = ", ".join(f"{code}×{n}" for code, n in sorted(s.statuses.items()))
        example = s.example if len(s.example) <= 60 else s.example[:57] + "..."
        lines.append(
            f"| {s.kind} | `{example}` | {s.first * 1000:.0f} | {len(s.seconds)} | "
            f"{s.percentile(0.5):.1f} | "
            f"**{p95:.1f}**{mark} | "
            f"{max(s.seconds) * 1000:.1f} | {statuses} |"
        )
    slow = [s.kind for s in samples if s.percentile(0.95) >= TARGET_P95_MS]
    lines += [
        "",
        (
            f"Every kind meets the target (p95 < {TARGET_P95_MS:.0f} ms)."
            if not slow
            else f"Over the target (p95 ≥ {TARGET_P95_MS:.0f} ms): " + ", ".join(slow) + "."
        ),
    ]
    return "\n".join(lines)


def write_docs(report: str, path: Path = BENCHMARK_DOC) -> None:
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark\n"
    path.write_text(
        replace_between_markers(current, report, START_MARKER, END_MARKER), encoding="utf-8"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_db = Path(tempfile.gettempdir()) / "onrecord-bench-web" / "corpus-{docs}.db"
    parser.add_argument("--db", type=Path, default=None, help=f"corpus (default {default_db})")
    parser.add_argument("--docs", type=int, default=10_000, help="articles in the corpus")
    parser.add_argument("--base", type=int, default=250, help="articles analysed to build it")
    parser.add_argument("--workers", type=int, default=2, help="analysis workers (build)")
    parser.add_argument("--requests", type=int, default=200, help="requests of each kind")
    parser.add_argument("--concurrency", type=int, default=4, help="requests at a time")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--budget", type=float, default=90.0, help="seconds per kind at most (then fewer requests)"
    )
    parser.add_argument("--only", default=None, help="only the kinds whose name holds this")
    parser.add_argument(
        "--write-docs",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="write the results into docs/BENCHMARK.md (default)",
    )
    args = parser.parse_args(argv)
    db = args.db or Path(str(default_db).format(docs=args.docs))
    corpus = build_corpus(db, docs=args.docs, base=args.base, workers=args.workers, seed=args.seed)
    warm_up: dict[str, Any] = {}
    samples = run_load(
        db,
        requests=args.requests,
        concurrency=args.concurrency,
        seed=args.seed,
        budget=args.budget,
        only=args.only,
        warm_up=warm_up,
    )
    report = format_report(samples, corpus, db, args, warm_up)
    print(report)
    if args.write_docs and args.only is None:
        write_docs(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
