"""Corpus benchmark (``make bench-corpus``): ingest, queries and syndication at scale.

    python -m bench.corpus --shared ../shared [--docs 10000] [--workers 2] [--seed 7]

1. Generates ``--docs`` articles by recombining the paragraphs of examples/articles/*.txt
   (seeded; people renamed from a list, figures varied, outlets and dates drawn), ~5 % of
   them planted copies and near-copies of others, with the ground truth.
2. Ingests them (``--workers``) and analyses them alone (no database): documents per
   second of each, peak RSS of all processes, database bytes per article, the cost of
   syndication grouping.
3. Query latency (p50/p95 over >= 50 queries per kind, varied parameters) on a database
   of >= ``--quotes`` quotes: the ingested corpus, re-stored under new ids, outlets, dates
   and speaker names until it is large enough (storing is cheap; analysis is not).
4. Syndication precision and recall on the planted copies.
5. PolNeAR as a real corpus (``--shared``/data/polnear: train and dev texts, outlet and
   date from metadata.tsv, fed as JSONL written to a temporary folder): most quoted
   speakers by outlet and the syndication groups found, against the ``wire`` column.

The report goes into docs/BENCHMARK.md between the bench-corpus markers unless
``--no-write-docs``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import json
import math
import os
import random
import re
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.run import replace_between_markers

from bench.run import BackgroundSampler, descendant_pids

__all__ = ["Generated", "generate", "main", "pair_scores"]

REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = REPO_ROOT / "examples" / "articles"
BENCHMARK_DOC = REPO_ROOT / "docs" / "BENCHMARK.md"
START_MARKER = "<!-- bench-corpus:start -->"
END_MARKER = "<!-- bench-corpus:end -->"
QUERY_TARGET_MS = 100.0

#: The people of the example articles, full name first (their surnames are replaced too).
PEOPLE = [
    "Lena Varga",
    "Tomas Adeyemi-Holt",
    "Ruth Ansel",
    "Katrin Moll",
    "Marta Kovic",
    "Jonas Petrik",
    "Ilse Baranek",
    "Daniel Oster",
    "Clara Wendt",
    "Pavel Kinsky",
    "Oren Laske",
    "Ines Calder",
    "Anneke Duval",
    "Aurel Dobrin",
]
FIRST_NAMES = (
    "Ada Bruno Celia Dario Elin Felix Greta Hugo Irena Jakob Kira Leon Mira Niko Olga Piet "
    "Rosa Stefan Tilde Umar Vera Wim Yara Zeno"
).split()
LAST_NAMES = (
    "Albrecht Borsky Castell Dragan Eskola Falk Gorin Halden Ivers Jarek Kessler Lund "
    "Marek Novak Orlov Pellegrin Quist Rask Sorel Tamm Ulvik Voss Wenzel Zoric"
).split()
OUTLETS = [
    "Valley Wire",
    "Meridian Times",
    "Northgate Daily",
    "Coastline Radio News",
    "The Harbour Courier",
    "Sorvik Herald",
    "Haldra Post",
    "Karvel Valley Gazette",
    "The Estovian",
    "Marren Morning",
    "Border Ledger",
    "Lowland Review",
]
#: Word edits of the "edited" near-copies (a sub-editor's changes).
EDITS = {
    "said": "stated",
    "crews": "teams",
    "lorries": "trucks",
    "people": "residents",
    "officials": "authorities",
    "on Tuesday": "on Tuesday evening",
    "about": "around",
    "more than": "over",
    "the government": "the cabinet",
    "water": "floodwater",
}
COPY_KINDS = ("headline", "trimmed", "edited", "rerun")


# --- the generated corpus ------------------------------------------------------------------


@dataclass(slots=True)
class Source:
    title: str
    paragraphs: list[list[str]]  # each a list of sentences


_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][”’\"]))\s+(?=[“‘\"A-Z])")


def sentences(paragraph: str) -> list[str]:
    """The sentences of ``paragraph``, a quotation never cut in two (double quotes)."""
    out: list[str] = []
    for piece in _SENTENCE_END.split(paragraph):
        if out and (out[-1].count("“") > out[-1].count("”") or out[-1].count('"') % 2):
            out[-1] += " " + piece
        else:
            out.append(piece)
    return out


def load_sources(folder: Path = EXAMPLES) -> list[Source]:
    """Title and body paragraphs of each example .txt (line 1 title, line 2 byline)."""
    sources = []
    for path in sorted(folder.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").split("\n")
        body = "\n".join(lines[2:])
        paragraphs = [sentences(p.strip()) for p in body.split("\n\n") if p.strip()]
        sources.append(Source(lines[0].strip(), paragraphs))
    return sources


@dataclass(slots=True)
class Generated:
    """JSONL rows in ingest order, and the planted copies: original id -> copy ids."""

    rows: list[dict[str, Any]]
    families: dict[str, list[str]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # copy id -> kind of copy

    def write_jsonl(self, path: Path) -> Path:
        with path.open("w", encoding="utf-8") as fh:
            for row in self.rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        return path


def _rename(text: str, mapping: dict[str, str]) -> str:
    for old, new in mapping.items():
        text = re.sub(rf"\b{re.escape(old)}\b", new, text)
    return text


def _people_mapping(rng: random.Random) -> dict[str, str]:
    """Full names and then surnames of the example people -> names drawn for one article."""
    full: dict[str, str] = {}
    surnames: dict[str, str] = {}
    for person in PEOPLE:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        full[person] = f"{first} {last}"
        surnames[person.split()[-1]] = last
    return {**full, **surnames}


def _vary_numbers(text: str, rng: random.Random) -> str:
    def vary(match: re.Match[str]) -> str:
        if "," in match.group() or int(match.group()) >= 1900:  # a year, a big figure
            return match.group()
        return str(max(1, round(int(match.group()) * rng.uniform(0.6, 1.6))))

    return re.sub(r"(?<![\d.’'])\d[\d,]*(?![\d.]\d)", vary, text)


def _date(rng: random.Random) -> dt.date:
    return dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(366))


def _article(rng: random.Random, sources: Sequence[Source], n: int) -> dict[str, Any]:
    lead = rng.choice(sources)
    mapping = _people_mapping(rng)
    paragraphs = []
    for _ in range(rng.randint(9, 14)):
        # a run of sentences of a paragraph of any example article, from its start
        # half the time (so that "she said" mostly follows the one it refers to)
        parts = []
        for _ in range(rng.choice((1, 1, 2))):
            paragraph = rng.choice(rng.choice(sources).paragraphs)
            start = 0 if rng.random() < 0.5 else rng.randrange(len(paragraph))
            end = rng.randint(start + 1, len(paragraph))
            parts.extend(paragraph[start:end])
        paragraphs.append(_vary_numbers(_rename(" ".join(parts), mapping), rng))
    title = _vary_numbers(_rename(lead.title, mapping), rng)
    return {
        "id": f"gen-{n:06d}",
        "outlet": rng.choice(OUTLETS),
        "published": _date(rng).isoformat(),
        "title": title,
        "byline": f"By {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        "paragraphs": paragraphs,
    }


def _edit_words(paragraphs: list[str], rng: random.Random, edits: int) -> list[str]:
    out = list(paragraphs)
    for _ in range(edits):
        i = rng.randrange(len(out))
        candidates = [old for old in EDITS if old in out[i]]
        if candidates:
            old = rng.choice(candidates)
            out[i] = out[i].replace(old, EDITS[old], 1)
        else:  # drop one word
            words = out[i].split(" ")
            if len(words) > 8:
                del words[rng.randrange(1, len(words) - 1)]
            out[i] = " ".join(words)
    return out


def _copy(
    original: dict[str, Any], kind: str, rng: random.Random, n: int, headline: str
) -> dict[str, Any]:
    copy = dict(original)
    copy["id"] = f"copy-{n:06d}"
    copy["outlet"] = rng.choice([o for o in OUTLETS if o != original["outlet"]])
    published = dt.date.fromisoformat(original["published"]) + dt.timedelta(
        days=rng.choice((0, 0, 1, 2))
    )
    copy["published"] = published.isoformat()
    copy["byline"] = f"By {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    paragraphs = list(original["paragraphs"])
    if kind in ("headline", "rerun"):
        copy["title"] = headline
    if kind in ("trimmed", "rerun"):
        paragraphs = paragraphs[: -rng.randint(1, 2)]
    if kind in ("edited", "rerun"):
        paragraphs = _edit_words(paragraphs, rng, rng.randint(2, 6))
    copy["paragraphs"] = paragraphs
    return copy


def _row(article: dict[str, Any]) -> dict[str, Any]:
    text = f"{article['title']}\n{article['byline']}\n\n" + "\n\n".join(article["paragraphs"])
    return {
        "id": article["id"],
        "text": text + "\n",
        "outlet": article["outlet"],
        "published": article["published"],
        "title": article["title"],
    }


def generate(
    n_docs: int, *, seed: int = 7, copy_share: float = 0.05, sources: Sequence[Source] | None = None
) -> Generated:
    """``n_docs`` articles, about ``copy_share`` of them planted copies of earlier ones.

    Each original article has 9 to 14 paragraphs, each one or two runs of sentences of a
    paragraph drawn from all the example articles (the example texts hold 88 paragraphs),
    renames the example people (one drawn name per person and article: the speakers vary),
    varies the figures, and draws an outlet and a date in 2024. A copy takes an original
    and changes, by kind: ``headline`` (new headline, outlet and byline: the body is the
    same), ``trimmed`` (the last one or two paragraphs cut), ``edited`` (2 to 6 words
    changed or dropped), ``rerun`` (all three). Copies are published 0 to 2 days after
    their original, in another outlet, and come after it in the input.
    """
    rng = random.Random(seed)
    sources = list(sources) if sources is not None else load_sources()
    n_copies = round(n_docs * copy_share) if n_docs >= 20 else min(n_docs // 2, 2)
    originals = [_article(rng, sources, n) for n in range(n_docs - n_copies)]
    # each copy goes somewhere after its original
    slots: dict[int, list[dict[str, Any]]] = defaultdict(list)
    families: dict[str, list[str]] = defaultdict(list)
    kinds: dict[str, str] = {}
    for n in range(n_copies):
        index = rng.randrange(len(originals))
        original = originals[index]
        kind = COPY_KINDS[n % len(COPY_KINDS)]
        headline = _article(rng, sources, -1)["title"]
        copy = _copy(original, kind, rng, n, headline)
        slots[rng.randrange(index, len(originals))].append(copy)
        families[original["id"]].append(copy["id"])
        kinds[copy["id"]] = kind
    rows = []
    for index, original in enumerate(originals):
        rows.append(_row(original))
        rows.extend(_row(copy) for copy in slots.get(index, []))
    return Generated(rows, dict(families), kinds)


def pair_scores(
    predicted_groups: Iterable[Iterable[str]], true_groups: Iterable[Iterable[str]]
) -> tuple[float, float, int, int, int]:
    """Pairwise precision and recall of "same group": (P, R, true pos., predicted, true)."""

    def pairs(groups: Iterable[Iterable[str]]) -> set[tuple[str, str]]:
        out: set[tuple[str, str]] = set()
        for group in groups:
            members = sorted(set(group))
            out.update(itertools.combinations(members, 2))
        return out

    predicted, truth = pairs(predicted_groups), pairs(true_groups)
    hits = len(predicted & truth)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(truth) if truth else 1.0
    return precision, recall, hits, len(predicted), len(truth)


# --- memory --------------------------------------------------------------------------------


class TreeRssSampler(BackgroundSampler):
    """Peak of the summed RSS of this process and its descendants, sampled from /proc.

    RUSAGE_CHILDREN counts only children that have exited and been waited for; pool
    workers of the fork server have not during the run, so the tree is sampled.
    """

    def __init__(self, interval: float = 0.25) -> None:
        super().__init__(interval)
        self.peak_total_mb = 0.0
        self.peak_each_mb: dict[int, float] = {}

    def sample(self) -> None:
        total = 0.0
        for pid in [os.getpid(), *descendant_pids()]:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    mb = int(line.split()[1]) / 1024
                    total += mb
                    self.peak_each_mb[pid] = max(self.peak_each_mb.get(pid, 0.0), mb)
        self.peak_total_mb = max(self.peak_total_mb, total)


def _maxrss_mb(who: int) -> float:
    rss = resource.getrusage(who).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


# --- ingest and analysis --------------------------------------------------------------------


@dataclass(slots=True)
class IngestRun:
    docs: int
    seconds: float
    analyze_seconds: float | None
    stored: int
    failed: int
    peak_total_mb: float
    peak_worker_mb: float
    self_mb: float
    db_bytes: int
    quotes: int
    syndication_seconds: float
    table_bytes: dict[str, int]


def _checkpoint(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _db_bytes(db: Path) -> int:
    _checkpoint(db)
    return sum(p.stat().st_size for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists())


def _table_bytes(db: Path) -> dict[str, int]:
    """Bytes per table with its indexes (the dbstat virtual table, when SQLite has it)."""
    try:
        with sqlite3.connect(db) as conn:
            rows = conn.execute(
                "SELECT coalesce(m.tbl_name, s.name), sum(s.pgsize) FROM dbstat s"
                " LEFT JOIN sqlite_master m ON m.name = s.name GROUP BY 1"
            ).fetchall()
    except sqlite3.Error:
        return {}
    return {str(name): int(size) for name, size in rows}


def _resign_seconds(db: Path, workdir: Path) -> float:
    """Time to sign and group every document again (on a copy of the database)."""
    from onrecord.store import Store
    from onrecord.store.syndication import index_pending

    copy = workdir / "resign.db"
    shutil.copy(db, copy)
    with Store.open(copy) as store:
        store.conn.execute("DELETE FROM syndication_bands")
        store.conn.execute("DELETE FROM syndication")
        started = time.perf_counter()
        index_pending(store)
        seconds = time.perf_counter() - started
    copy.unlink()
    return seconds


def run_ingest(
    jsonl: Path, db: Path, *, workers: int, analyze_alone: bool, workdir: Path
) -> IngestRun:
    from onrecord.ingest import iter_documents
    from onrecord.pipeline import analyze_documents
    from onrecord.store import ingest

    n_docs = sum(1 for _ in jsonl.open(encoding="utf-8"))
    with TreeRssSampler() as sampler:
        started = time.perf_counter()
        stats = ingest([jsonl], db, workers=workers)
        seconds = time.perf_counter() - started
    worker_peak = max(
        (mb for pid, mb in sampler.peak_each_mb.items() if pid != os.getpid()), default=0.0
    )
    analyze_seconds = None
    if analyze_alone:
        started = time.perf_counter()
        for _ in analyze_documents(iter_documents([jsonl]), workers=workers, batch_size=8):
            pass
        analyze_seconds = time.perf_counter() - started
    with sqlite3.connect(db) as conn:
        quotes = int(conn.execute("SELECT count(*) FROM quotes").fetchone()[0])
    return IngestRun(
        docs=n_docs,
        seconds=seconds,
        analyze_seconds=analyze_seconds,
        stored=stats.inserted,
        failed=stats.failed,
        peak_total_mb=sampler.peak_total_mb,
        peak_worker_mb=worker_peak,
        self_mb=_maxrss_mb(resource.RUSAGE_SELF),
        db_bytes=_db_bytes(db),
        quotes=quotes,
        syndication_seconds=_resign_seconds(db, workdir),
        table_bytes=_table_bytes(db),
    )


# --- syndication quality ----------------------------------------------------------------------


@dataclass(slots=True)
class ScaleScore:
    docs: int
    store_seconds: float
    group_seconds: float
    score: SyndicationScore


def syndication_at_scale(n_docs: int, seed: int, workdir: Path) -> ScaleScore:
    """Syndication quality and cost on ``n_docs`` generated articles, without analysis."""
    generated = generate(n_docs, seed=seed)
    db = workdir / "syndication.db"
    for stale in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        stale.unlink(missing_ok=True)
    stored, grouped = store_unanalysed(generated, db)
    return ScaleScore(n_docs, stored, grouped, score_syndication(db, generated))


@dataclass(slots=True)
class SyndicationScore:
    precision: float
    recall: float
    hits: int
    predicted_pairs: int
    true_pairs: int
    families: int
    origins_right: int
    groups: int
    missed: list[tuple[str, str]]  # (copy id, kind) not grouped with its original
    false: list[tuple[str, str]]  # pairs grouped that are not copies


def store_unanalysed(generated: Generated, db: Path) -> tuple[float, float]:
    """Store the generated articles as records without analysis (no quotes), then group them.

    Returns (seconds storing, seconds grouping). Syndication reads only the text and
    the body ranges, so its quality and cost can be measured on many more articles than
    the analysis can go through in the same time.
    """
    from onrecord.ingest import find_body
    from onrecord.store import Store
    from onrecord.store.syndication import index_pending
    from onrecord.types import Record, Span

    started = time.perf_counter()
    with Store.open(db) as store:
        for row in generated.rows:
            text = row["text"]
            store.put(
                Record(
                    id=row["id"],
                    source="generated",
                    title=row["title"],
                    outlet=row["outlet"],
                    url=None,
                    published=row["published"],
                    language="en",
                    text=text,
                    body=[Span.of(text, start, end) for start, end in find_body(text)],
                    quotes=[],
                    claims=[],
                    entities=[],
                    dates=[],
                    framing=[],
                    consistency=[],
                    pipeline="bench.corpus (not analysed)",
                )
            )
        stored = time.perf_counter() - started
        started = time.perf_counter()
        index_pending(store)
        grouped = time.perf_counter() - started
    return stored, grouped


def score_syndication(db: Path, generated: Generated) -> SyndicationScore:
    with sqlite3.connect(db) as conn:
        members: dict[int, list[str]] = defaultdict(list)
        origin_of: dict[int, str] = {}
        for doc_id, group, origin in conn.execute(
            "SELECT document_id, group_id, origin FROM syndication"
        ):
            members[group].append(doc_id)
            if origin:
                origin_of[group] = doc_id
    predicted = [m for m in members.values() if len(m) > 1]
    truth = [[original, *copies] for original, copies in generated.families.items()]
    precision, recall, hits, n_pred, n_true = pair_scores(predicted, truth)
    group_of = {doc: g for g, docs in members.items() for doc in docs}
    origins_right = sum(
        1
        for original in generated.families
        if original in group_of and origin_of.get(group_of[original]) == original
    )
    missed = [
        (copy, generated.kinds[copy])
        for original, copies in generated.families.items()
        for copy in copies
        if group_of.get(copy) is None or group_of.get(copy) != group_of.get(original)
    ]
    truth_pairs = {
        pair for family in truth for pair in itertools.combinations(sorted(set(family)), 2)
    }
    false = [
        pair
        for group in predicted
        for pair in itertools.combinations(sorted(group), 2)
        if pair not in truth_pairs
    ]
    return SyndicationScore(
        precision,
        recall,
        hits,
        n_pred,
        n_true,
        len(truth),
        origins_right,
        len(predicted),
        missed,
        false,
    )


# --- queries --------------------------------------------------------------------------------


@dataclass(slots=True)
class ScaleUp:
    rounds: int
    documents: int
    quotes: int
    seconds: float
    syndication_seconds: float


def scale_up(source_db: Path, db: Path, *, min_quotes: int, seed: int) -> ScaleUp:
    """A new database of ``source_db``'s records, stored again until it holds ``min_quotes``.

    Round 0 stores the records as they are; each further round stores every record again
    under a new id, outlet and date, with its speakers renamed (so there are more speakers
    to ask for) and a line added to the end of the text (a new text: the store keeps one
    document per text).
    """
    from onrecord.store import Store
    from onrecord.store.syndication import index_pending
    from onrecord.types import Record

    rng = random.Random(seed)
    with sqlite3.connect(source_db) as conn:
        quotes = int(conn.execute("SELECT count(*) FROM quotes").fetchone()[0])
        records = [row[0] for row in conn.execute("SELECT record FROM documents ORDER BY pk")]
    rounds = max(0, math.ceil(min_quotes / max(quotes, 1)) - 1)
    started = time.perf_counter()
    with Store.open(db) as store:
        for raw in records:  # round 0: the ingested corpus as it is
            store.put(Record.model_validate_json(raw))
        for r in range(1, rounds + 1):
            names = {
                f"{first} {last}": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}-{r}"
                for first in FIRST_NAMES
                for last in LAST_NAMES
            }
            for raw in records:
                record = Record.model_validate_json(raw)
                day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(366))
                renamed = [
                    q.model_copy(
                        update={
                            "speaker": q.speaker.model_copy(
                                update={"name": names.get(q.speaker.name, q.speaker.name)}
                            )
                        }
                    )
                    if q.speaker is not None and q.speaker.name
                    else q
                    for q in record.quotes
                ]
                store.put(
                    record.model_copy(
                        update={
                            "id": f"{record.id}~{r}",
                            "outlet": rng.choice(OUTLETS),
                            "published": day.isoformat(),
                            "text": record.text + f"\n(round {r})\n",
                            "quotes": renamed,
                        }
                    )
                )
        stored = time.perf_counter() - started
        started = time.perf_counter()
        index_pending(store)
        syndication_seconds = time.perf_counter() - started
    with sqlite3.connect(db) as conn:
        documents = int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
        quotes = int(conn.execute("SELECT count(*) FROM quotes").fetchone()[0])
    return ScaleUp(rounds, documents, quotes, stored, syndication_seconds)


@dataclass(slots=True)
class Latency:
    kind: str
    runs: int
    rows: float
    p50_ms: float
    p95_ms: float
    max_ms: float
    cpu_p95_ms: float  # CPU time of this thread: what the query costs, whatever the load


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))
    return ordered[index]


def query_latencies(db: Path, *, runs: int = 60, seed: int = 11) -> list[Latency]:
    """p50/p95/max of each kind of query over ``runs`` calls with varied parameters."""
    from onrecord.store import open_corpus

    rng = random.Random(seed)
    with open_corpus(db) as corpus:
        conn = corpus.conn
        speakers = [
            r[0]
            for r in conn.execute(
                "SELECT DISTINCT speaker_name FROM quotes WHERE speaker_name IS NOT NULL"
            )
        ]
        outlets = [r[0] for r in conn.execute("SELECT DISTINCT outlet FROM documents")]
        words = [
            w
            for (content,) in conn.execute("SELECT content FROM quotes ORDER BY random() LIMIT 500")
            for w in re.findall(r"[A-Za-z]{5,}", content)
        ]
        kinds: dict[str, Callable[[], Sequence[Any]]] = {
            "quotes by speaker (part of the name)": lambda: corpus.quotes(
                speaker=rng.choice(speakers).split()[-1].lower(), limit=100
            ),
            "quotes by outlet": lambda: corpus.quotes(outlet=rng.choice(outlets), limit=100),
            "quotes in a date range": lambda: _date_range(corpus, rng),
            "quotes containing words (FTS)": lambda: corpus.quotes(
                contains=" ".join(rng.sample(words, rng.choice((1, 2)))), limit=100
            ),
            "quotes by kind": lambda: corpus.quotes(
                kind=rng.choice(("direct", "indirect", "mixed")), limit=100
            ),
            "speakers (all, or in one outlet)": lambda: corpus.speakers(
                outlet=rng.choice([None, *outlets]), limit=50
            ),
            "outlets": lambda: corpus.outlets(all_copies=rng.random() < 0.3),
        }
        result = []
        for kind, call in kinds.items():
            call()  # warm-up, not counted
            times, cpu, sizes = [], [], []
            for _ in range(runs):
                started, cpu_started = time.perf_counter(), time.thread_time()
                rows = call()
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.thread_time() - cpu_started) * 1000)
                sizes.append(len(rows))
            result.append(
                Latency(
                    kind,
                    runs,
                    statistics.mean(sizes),
                    _percentile(times, 0.5),
                    _percentile(times, 0.95),
                    max(times),
                    _percentile(cpu, 0.95),
                )
            )
    return result


def _date_range(corpus: Any, rng: random.Random) -> Sequence[Any]:
    since = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(330))
    until = since + dt.timedelta(days=rng.randint(1, 45))
    result: Sequence[Any] = corpus.quotes(
        since=since.isoformat(), until=until.isoformat(), limit=100
    )
    return result


# --- PolNeAR --------------------------------------------------------------------------------


@dataclass(slots=True)
class PolnearRun:
    docs: int
    seconds: float
    quotes: int
    top_by_outlet: dict[str, list[tuple[str, int]]]
    groups: list[dict[str, Any]]
    wire_docs: int
    wire_grouped: int
    raw_top: list[tuple[str, int, int]]  # name, quotes once per group, quotes in all copies
    summary: str = ""
    identical: list[list[str]] = field(default_factory=list)  # ids of identical texts


def polnear_jsonl(shared: Path, out: Path) -> Path | None:
    """PolNeAR train+dev as JSONL (outlet, date, title from metadata.tsv), or None."""
    root = shared / "data" / "polnear"
    metadata = root / "metadata.tsv"
    if not metadata.is_file():
        return None
    n = 0
    with metadata.open(encoding="utf-8", newline="") as fh, out.open("w", encoding="utf-8") as w:
        for row in csv.DictReader(fh, delimiter="\t"):
            path = root / row["compartment"] / "text" / f"{row['filename']}.txt"
            if row["compartment"] not in ("train", "dev") or not path.is_file():
                continue
            w.write(
                json.dumps(
                    {
                        "id": row["filename"],
                        "text": path.read_text(encoding="utf-8"),
                        "outlet": row["publisher"],
                        "published": row["publication_date"],
                        "title": row["title"],
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
            n += 1
    return out if n else None


def _wire_labels(shared: Path) -> dict[str, str]:
    labels = {}
    with (shared / "data" / "polnear" / "metadata.tsv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            wire = row.get("wire") or ""
            if wire not in ("", "None", "NA"):
                labels[row["filename"]] = wire
    return labels


def run_polnear(shared: Path, workdir: Path, *, workers: int) -> PolnearRun | None:
    from onrecord.store import ingest, open_corpus
    from onrecord.store.syndication import groups

    jsonl = polnear_jsonl(shared, workdir / "polnear.jsonl")
    if jsonl is None:
        return None
    db = workdir / "polnear.db"
    started = time.perf_counter()
    stats = ingest([jsonl], db, workers=workers)
    seconds = time.perf_counter() - started
    wire = _wire_labels(shared)
    with open_corpus(db) as corpus:
        quotes = corpus.count("quotes")
        top_by_outlet = {
            str(o.outlet): [(s.name, s.quotes) for s in corpus.speakers(outlet=o.outlet, limit=3)]
            for o in corpus.outlets()
            if o.outlet is not None
        }
        raw = {s.name: s.quotes for s in corpus.speakers(all_copies=True)}
        raw_top = [(s.name, s.quotes, raw.get(s.name, 0)) for s in corpus.speakers(limit=8)]
        found = []
        for g in groups(corpus.conn):
            members = [g.origin_id, *g.copies]
            found.append(
                {
                    "origin": g.origin_id,
                    "documents": g.documents,
                    "outlets": g.outlets,
                    "wire": sorted({wire[m] for m in members if m in wire}),
                    "min_similarity": g.min_similarity,
                }
            )
    grouped = {m for g in groups_members(db) for m in g}
    return PolnearRun(
        summary=stats.summary(),
        identical=_identical_texts(jsonl),
        docs=stats.inserted,
        seconds=seconds,
        quotes=quotes,
        top_by_outlet=top_by_outlet,
        groups=found,
        wire_docs=len(wire),
        wire_grouped=sum(1 for doc in wire if doc in grouped),
        raw_top=raw_top,
    )


def _identical_texts(jsonl: Path) -> list[list[str]]:
    """Ids of documents whose texts are identical (the store keeps one of each)."""
    from onrecord.store import content_hash

    by_hash: dict[str, list[str]] = defaultdict(list)
    with jsonl.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            by_hash[content_hash(row["text"])].append(row["id"])
    return [ids for ids in by_hash.values() if len(ids) > 1]


def groups_members(db: Path) -> Iterator[list[str]]:
    with sqlite3.connect(db) as conn:
        members: dict[int, list[str]] = defaultdict(list)
        for doc_id, group in conn.execute("SELECT document_id, group_id FROM syndication"):
            members[group].append(doc_id)
    yield from (m for m in members.values() if len(m) > 1)


# --- report ---------------------------------------------------------------------------------


def _mb(n: float) -> str:
    return f"{n / 1e6:.1f} MB"


def format_report(
    args: argparse.Namespace,
    ingest_run: IngestRun,
    score: SyndicationScore,
    scaled: ScaleUp,
    latencies: list[Latency],
    polnear: PolnearRun | None,
    polnear_note: str,
    at_scale: ScaleScore | None = None,
) -> str:
    from bench.run import machine_facts

    facts = machine_facts()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    r = ingest_run
    lines = [
        f"Run on {dt.date.today().isoformat()} with `python -m bench.corpus --docs {args.docs} "
        f"--workers {args.workers} --seed {args.seed}`.",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in facts.items()) + f"; load average "
        f"{load:.1f} at the end of the run (other jobs shared the CPUs: throughput figures are "
        "lower bounds).",
        "",
        f"**Ingest** of {r.docs:,} generated articles ({r.stored:,} stored, {r.failed} failed, "
        f"{r.quotes:,} quotes), {args.workers} worker processes:",
        "",
        "| run | seconds | docs/s |",
        "|---|---|---|",
        f"| `ingest` (analysis, storing, syndication) | {r.seconds:.1f} | {r.docs / r.seconds:.2f} |",
    ]
    if r.analyze_seconds:
        lines.append(
            f"| `analyze_documents` alone, same documents | {r.analyze_seconds:.1f} | "
            f"{r.docs / r.analyze_seconds:.2f} |"
        )
    lines += [""]
    if r.analyze_seconds:
        lines.append(
            f"- ingest / analysis alone: **{r.analyze_seconds / r.seconds:.2f}** of the "
            "throughput (storing and grouping run in the main process while the workers analyse; "
            "the two runs follow each other on a shared machine, so a ratio above 1 is noise)"
        )
    lines += [
        f"- syndication grouping (signing and grouping all {r.stored:,} documents again, on a "
        f"copy): {r.syndication_seconds:.1f} s, {1000 * r.syndication_seconds / max(r.stored, 1):.1f}"
        f" ms per document ({100 * r.syndication_seconds / r.seconds:.1f} % of the ingest time)",
        f"- peak RSS: {r.peak_total_mb:.0f} MB for all processes together (VmRSS of the "
        f"benchmark process and its descendants summed, sampled every 0.25 s); largest single "
        f"worker {r.peak_worker_mb:.0f} MB; benchmark process {r.self_mb:.0f} MB (getrusage)",
        f"- database: {_mb(r.db_bytes)}, **{r.db_bytes / max(r.stored, 1) / 1000:.1f} kB per "
        f"article** ({r.db_bytes / max(r.quotes, 1):.0f} bytes per quote)",
    ]
    if r.table_bytes:
        biggest = sorted(r.table_bytes.items(), key=lambda kv: -kv[1])[:8]
        lines.append(
            "  - by table with its indexes: "
            + ", ".join(f"{name} {size / max(r.stored, 1) / 1000:.1f} kB" for name, size in biggest)
            + " per article"
        )
    ok = score.precision >= 0.95 and score.recall >= 0.95
    lines += [
        "",
        f"**Syndication** on the {score.families} planted families "
        f"({sum(len(v) for v in args.generated.families.values())} copies: "
        + ", ".join(f"{k} {v}" for k, v in sorted(Counter(args.generated.kinds.values()).items()))
        + "):",
        "",
        f"- pairwise precision **{score.precision:.3f}**, recall **{score.recall:.3f}** "
        f"({score.hits} of {score.true_pairs} true pairs found, {score.predicted_pairs} pairs "
        f"grouped; {'meets' if ok else 'below'} the goal of 0.95 both)",
        f"- origin right (the original, published first) in {score.origins_right} of "
        f"{score.families} families; {score.groups} groups found",
    ]
    if score.missed:
        lines.append(
            "- copies missed: "
            + ", ".join(f"{kind} {n}" for kind, n in Counter(k for _, k in score.missed).items())
            + f" ({len(score.missed)})"
        )
    if score.false:
        lines.append(f"- pairs grouped that are not planted copies: {len(score.false)}")
    if at_scale is not None:
        big = at_scale.score
        lines.append(
            f"- at scale, without analysis ({at_scale.docs:,} generated articles, same generator "
            f"and seed, stored as records with their text and body only): precision "
            f"**{big.precision:.3f}**, recall **{big.recall:.3f}** ({big.hits} of {big.true_pairs} "
            f"pairs; {big.predicted_pairs} grouped), origin right in {big.origins_right} of "
            f"{big.families} families; grouping took {at_scale.group_seconds:.1f} s, "
            f"{1000 * at_scale.group_seconds / at_scale.docs:.1f} ms per article (signing, LSH "
            "lookup, verification, copy flags)"
        )
    lines += [
        "",
        f"**Queries** on a database of {scaled.documents:,} documents and **{scaled.quotes:,} "
        f"quotes** (the ingested corpus stored {scaled.rounds} more times under new ids, "
        f"outlets, dates and speaker names: {scaled.seconds:.0f} s; grouping the new documents: "
        f"{scaled.syndication_seconds:.1f} s). {latencies[0].runs} queries of each kind "
        "after one warm-up, parameters drawn at random; `quotes` with `limit=100` (a page), "
        "`speakers` with `limit=50`:",
        "",
        *latency_table(latencies),
    ]
    slow = [lat.kind for lat in latencies if lat.p95_ms >= QUERY_TARGET_MS]
    lines += [
        "",
        f"- p95 under {QUERY_TARGET_MS:.0f} ms: "
        + ("**all kinds**" if not slow else "all but " + ", ".join(slow))
        + "; in CPU time (this thread's, which other jobs on the machine do not inflate): "
        + (
            "**all kinds**"
            if not (slow_cpu := [x.kind for x in latencies if x.cpu_p95_ms >= QUERY_TARGET_MS])
            else "all but " + ", ".join(slow_cpu)
        ),
        "",
    ]
    if polnear is None:
        lines.append(f"**PolNeAR**: {polnear_note}")
    else:
        p = polnear
        lines += [
            f"**PolNeAR** (train + dev, {p.docs} articles stored, {p.quotes:,} quotes; outlet and "
            f"date from metadata.tsv; ingest: {p.summary}): ingested in {p.seconds:.0f} s "
            f"({p.docs / p.seconds:.2f} docs/s).",
            "",
            "Most quoted speakers by outlet (a quote counted once per syndication group):",
            "",
            "| outlet | top speakers (quotes) |",
            "|---|---|",
        ]
        for outlet, top in sorted(p.top_by_outlet.items()):
            lines.append(f"| {outlet} | " + "; ".join(f"{n} ({q})" for n, q in top) + " |")
        lines += [
            "",
            "Overall, once per group vs every copy: "
            + "; ".join(f"{n} {q} / {raw}" for n, q, raw in p.raw_top)
            + ".",
            "",
            f"Syndication groups found: **{len(p.groups)}**; {p.wire_grouped} of the "
            f"{p.wire_docs} articles with a `wire` credit (AP, UPI, AFP, Reuters) are in one.",
        ]
        for ids in p.identical:
            lines.append("")
            lines.append(
                f"Identical texts ({', '.join(ids)}): the store keeps one document per text, "
                "so the later one is neither stored nor counted."
            )
        if p.groups:
            lines += ["", "| origin | documents | outlets | wire credits | min. similarity |"]
            lines.append("|---|---|---|---|---|")
            for g in p.groups[:15]:
                lines.append(
                    f"| {g['origin']} | {g['documents']} | {', '.join(g['outlets'])} | "
                    f"{', '.join(g['wire']) or '-'} | {g['min_similarity']:.2f} |"
                )
    return "\n".join(lines)


def latency_table(latencies: Sequence[Latency]) -> list[str]:
    lines = [
        "| query | rows (mean) | p50 ms | p95 ms | max ms | p95 CPU ms |",
        "|---|---|---|---|---|---|",
    ]
    for lat in latencies:
        lines.append(
            f"| {lat.kind} | {lat.rows:.0f} | {lat.p50_ms:.1f} | {lat.p95_ms:.1f} | "
            f"{lat.max_ms:.1f} | {lat.cpu_p95_ms:.1f} |"
        )
    return lines


def write_docs(report: str, path: Path = BENCHMARK_DOC) -> None:
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark\n"
    path.write_text(
        replace_between_markers(current, report, START_MARKER, END_MARKER), encoding="utf-8"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.corpus", description=(__doc__ or "").split("\n")[0]
    )
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--docs", type=int, default=10_000, help="generated articles")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quotes", type=int, default=100_000, help="quotes for the query run")
    parser.add_argument("--runs", type=int, default=60, help="queries of each kind")
    parser.add_argument(
        "--analyze-alone",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time analysis alone on the same documents (default)",
    )
    parser.add_argument("--polnear", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--syndication-docs",
        type=int,
        default=10_000,
        help="also score syndication on this many generated articles without analysis (0: no)",
    )
    parser.add_argument("--keep", type=Path, default=None, help="keep the databases here")
    parser.add_argument(
        "--write-docs",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="rewrite the results in docs/BENCHMARK.md (default)",
    )
    parser.add_argument(
        "--queries-on",
        type=Path,
        default=None,
        help="only time the queries on this corpus database and print the table",
    )
    args = parser.parse_args(argv)
    if args.queries_on is not None:
        print("\n".join(latency_table(query_latencies(args.queries_on, runs=max(args.runs, 50)))))
        return 0

    with tempfile.TemporaryDirectory(prefix="onrecord-bench-corpus-") as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        generated = generate(args.docs, seed=args.seed)
        args.generated = generated
        jsonl = generated.write_jsonl(workdir / "generated.jsonl")
        n_copies = sum(len(c) for c in generated.families.values())
        print(f"bench-corpus: {len(generated.rows)} articles, {n_copies} planted copies")
        db = workdir / "generated.db"
        for stale in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            stale.unlink(missing_ok=True)
        ingest_run = run_ingest(
            jsonl, db, workers=args.workers, analyze_alone=args.analyze_alone, workdir=workdir
        )
        print(f"ingest: {ingest_run.seconds:.1f} s, {ingest_run.quotes} quotes")
        score = score_syndication(db, generated)
        print(f"syndication: P {score.precision:.3f} R {score.recall:.3f}")
        at_scale = None
        if args.syndication_docs > 0:
            at_scale = syndication_at_scale(args.syndication_docs, args.seed, workdir)
            print(
                f"syndication, {args.syndication_docs} unanalysed articles: "
                f"P {at_scale.score.precision:.3f} R {at_scale.score.recall:.3f}"
            )
        query_db = workdir / "queries.db"
        for stale in (query_db, Path(f"{query_db}-wal"), Path(f"{query_db}-shm")):
            stale.unlink(missing_ok=True)
        scaled = scale_up(db, query_db, min_quotes=args.quotes, seed=args.seed)
        print(f"query database: {scaled.documents} documents, {scaled.quotes} quotes")
        latencies = query_latencies(query_db, runs=max(args.runs, 50))
        for lat in latencies:
            print(f"  {lat.kind}: p95 {lat.p95_ms:.1f} ms")
        polnear, note = None, "skipped (--no-polnear)"
        if args.polnear:
            if (args.shared / "data" / "polnear" / "metadata.tsv").is_file():
                polnear = run_polnear(args.shared, workdir, workers=args.workers)
                note = "no texts found"
            else:
                note = f"skipped: {args.shared}/data/polnear is absent"
                print(f"bench-corpus: PolNeAR {note}")
        report = format_report(args, ingest_run, score, scaled, latencies, polnear, note, at_scale)
    print(report)
    if args.write_docs:
        write_docs(report)
        print(f"results written to {BENCHMARK_DOC.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
