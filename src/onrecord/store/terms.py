"""Distinctive narrator-voice terms per outlet: weighted log-odds with an informative
Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words").

``distinctive_terms(conn, path, "Meridian Times")`` (or ``vs="Valley Wire"``) reads every
stored document once and counts, per outlet, the words of its **narrator voice**: the
article body (the record's ``body`` ranges; the whole text when it has none) minus the
content of every quote (``content_parts``, direct, indirect and mixed alike). What the
people quoted say is theirs, not the outlet's; cues and speaker mentions ("said",
"claimed", "the regime") stay, as the outlet chose them.

Tokens: lower-cased words of letters (apostrophes inside a word kept, a possessive "'s"
dropped), without stop words, numbers and one-letter words; with ``bigrams=True`` also the
pairs of such words that stand next to each other in the text (only white space or a
hyphen between them, both inside one narrator stretch).

For each term ``i`` with counts ``y_i^A`` and ``y_i^B`` in the two sides (``n^A``, ``n^B``
tokens), the prior is the whole corpus's counts ``y_i`` scaled to ``ALPHA0`` pseudo-counts,
``alpha_i = ALPHA0 * y_i / n``, and

    delta_i = log((y_i^A + alpha_i) / (n^A + ALPHA0 - y_i^A - alpha_i))
            - log((y_i^B + alpha_i) / (n^B + ALPHA0 - y_i^B - alpha_i))
    var_i  ~= 1 / (y_i^A + alpha_i) + 1 / (y_i^B + alpha_i)
    z_i     = delta_i / sqrt(var_i)

Side B is ``vs`` when given, else every other document of the corpus (other outlets and
documents without an outlet). Terms used fewer than ``min_count`` times by the two sides
together are left out; the rows are the terms with the largest positive z: the words side A
uses more than side B. A z-score says how surely a word is used more, not that it is wrong.

A copy of a syndicated story (``store/syndication.py``: a member of a group that is not its
origin) is not counted unless ``all_copies``: a wire story should not make its words look
like the habit of every outlet that ran it. ``since``/``until`` keep the documents published
in those dates (both sides and the prior).

Counts are cached in memory per database, keyed by a fingerprint of the documents table
(count, largest pk, last update) and the syndication table, so a second query on an unchanged
corpus (``--vs`` another outlet, the web) does not read it again. The SQL is fixed text
(no user value reaches it); it runs on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np

from .db import StoreError, store_error
from .dialect import DB_ERRORS, Connection, dialect_of, stream

__all__ = [
    "ALPHA0",
    "MIN_COUNT",
    "TERM_COLUMNS",
    "UNKNOWN_OUTLET",
    "NarratorCounts",
    "TermRow",
    "Terms",
    "distinctive_terms",
    "log_odds",
    "narrator_counts",
    "narrator_spans",
    "tokens",
]

#: Pseudo-counts of the informative prior (the corpus's word shares scaled to this total).
#: 1,000 is weak next to an outlet of some thousands of narrator words or more, so the
#: data decide; it still pulls a word seen a handful of times towards the corpus rate.
ALPHA0 = 1000.0
#: Terms used fewer times than this by the two sides together are not reported.
MIN_COUNT = 5
#: How a document without an outlet is named (it is part of "all other outlets").
UNKNOWN_OUTLET = "(unknown outlet)"

#: A word of letters; an apostrophe inside it is kept ("o'brien", "won't"), a possessive
#: "'s" is not part of it ("regime's" -> "regime" and "s", which is too short to count).
_WORD = re.compile(r"[^\W\d_]+(?:'(?!s\b)[^\W\d_]+)*")
#: Between the narrator stretches of one document when they are tokenised together: no
#: bigram crosses it.
_STRETCH = "\n|\n"
#: What may stand between the two words of a bigram.
_JOINER = re.compile(r"(?:'s)?[\s\-‐‑–]*")

#: English function words (and the contractions' pieces the tokeniser leaves).
STOP_WORDS = frozenset(
    """
    a about above after again against ago all almost along also although always am among an
    and another any anyone anything are aren around as at back be became because become been
    before being below between both but by can cannot could couldn did didn do does doesn
    doing don done down during each either else enough even ever every few for from further
    had hadn has hasn have haven having he her here hers herself him himself his how however
    i if in into is isn it its itself just least less let like ll many may me might more most
    much must mustn my myself neither never no nor not now of off often on once one only onto
    or other others otherwise our ours ourselves out over own per perhaps rather re same
    shall shan she should shouldn since so some still such than that the their theirs them
    themselves then there these they this those though through thus to too toward towards
    under until up upon us ve very via was wasn we were weren what whatever when whenever
    where whereas whether which while who whoever whom whose why will with within without
    won would wouldn yet you your yours yourself yourselves mr mrs ms dr st
    don't doesn't didn't won't can't couldn't wouldn't shouldn't isn't aren't wasn't weren't
    hasn't haven't hadn't mustn't i'm i've i'll i'd we're we've we'll we'd you're you've
    you'll you'd they're they've they'll they'd he'd he'll she'd she'll it'll that'll
    there'll
    """.split()
)


# --- narrator text and tokens ----------------------------------------------------------------


def _merged(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(r for r in ranges if r[1] > r[0]):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def narrator_spans(
    length: int, body: Sequence[tuple[int, int]], quoted: Iterable[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The ranges of a text of ``length`` characters in the narrator's voice: ``body``
    (the whole text when empty) without the ``quoted`` ranges."""
    kept = _merged(body) if body else [(0, length)]
    cuts = _merged(quoted)
    out: list[tuple[int, int]] = []
    j = 0
    for start, end in kept:
        pos = start
        while j < len(cuts) and cuts[j][1] <= pos:
            j += 1
        k = j
        while k < len(cuts) and cuts[k][0] < end:
            if cuts[k][0] > pos:
                out.append((pos, cuts[k][0]))
            pos = max(pos, cuts[k][1])
            k += 1
        if pos < end:
            out.append((pos, end))
    return out


def _normal(text: str) -> str:
    return text.lower().replace("’", "'").replace("‘", "'")


def tokens(text: str, *, bigrams: bool = False) -> list[str]:
    """The counted terms of a stretch of narrator text, in order (unigrams, then bigrams).

    >>> tokens("The regime's forces shelled Kessbrook on 5 March.", bigrams=True)
    ['regime', 'forces', 'shelled', 'kessbrook', 'march', 'regime forces', 'forces shelled', \
'shelled kessbrook']
    """
    normal = _normal(text)
    if not bigrams:
        return [w for w in _WORD.findall(normal) if len(w) > 1 and w not in STOP_WORDS]
    words: list[str] = []
    pairs: list[str] = []
    previous: str | None = None
    previous_end = -1
    for match in _WORD.finditer(normal):
        word = match.group(0)
        if word == "s" and normal[match.start() - 1 : match.start()] == "'":
            continue  # the possessive's "s": "regime's forces" -> "regime forces"
        if len(word) < 2 or word in STOP_WORDS:
            previous = None
            continue
        words.append(word)
        if previous is not None and _JOINER.fullmatch(normal, previous_end, match.start()):
            pairs.append(f"{previous} {word}")
        previous, previous_end = word, match.end()
    return words + pairs


# --- counting the corpus ---------------------------------------------------------------------


@dataclass(slots=True)
class NarratorCounts:
    """Narrator-voice term counts per outlet (``None``: documents without an outlet)."""

    counts: dict[str | None, Counter[str]] = field(default_factory=dict)
    documents: dict[str | None, int] = field(default_factory=dict)
    #: copies of syndicated stories left out per outlet (``all_copies=False``)
    copies: dict[str | None, int] = field(default_factory=dict)

    @property
    def copies_skipped(self) -> int:
        return sum(self.copies.values())

    def total(self, outlet: str | None) -> int:
        return sum(self.counts.get(outlet, Counter()).values())

    def outlet_names(self) -> list[str]:
        """Every outlet of the corpus, also those whose documents are all copies."""
        named = {o for o in (*self.documents, *self.copies) if o is not None}
        return sorted(named, key=str.lower)


_SQLITE_DOCUMENTS = (
    "SELECT d.id, d.outlet, d.published, d.text, json_extract(d.record, '$.body')"
    " FROM documents d LEFT JOIN syndication s ON s.document_id = d.id"
)
_PG_DOCUMENTS = (
    "SELECT d.id, d.outlet, d.published, d.text, (d.record::json -> 'body')::text"
    " FROM documents d LEFT JOIN syndication s ON s.document_id = d.id"
)
#: Not a copy: no syndication row yet, or the origin of its group.
_NOT_A_COPY = " WHERE s.origin IS NULL OR s.origin <> 0"
_ORDER = " ORDER BY d.pk"
_COPIES = (
    "SELECT d.outlet, d.published, count(*) FROM syndication s"
    " JOIN documents d ON d.id = s.document_id WHERE s.origin = 0 GROUP BY d.outlet, d.published"
)
_QUOTE_PARTS = "SELECT document_id, content_start, content_end, content_parts FROM quotes"
_FINGERPRINT = (
    "SELECT (SELECT count(*) FROM documents), (SELECT max(pk) FROM documents),"
    " (SELECT max(updated_at) FROM documents), (SELECT count(*) FROM syndication),"
    " (SELECT sum(origin) FROM syndication), (SELECT max(updated_at) FROM syndication)"
)

_CACHE: dict[tuple[Any, ...], NarratorCounts] = {}
_CACHE_SIZE = 4
_CACHE_LOCK = threading.Lock()


def _parts(start: int, end: int, parts: str | None) -> list[tuple[int, int]]:
    # one part (most quotes) is the content itself: no need to read the JSON
    if parts and parts.count('"start"') > 1:
        try:
            spans = json.loads(parts)
            return [(int(p["start"]), int(p["end"])) for p in spans]
        except (ValueError, TypeError, KeyError):
            pass
    return [(int(start), int(end))]


def _body(value: str | None) -> list[tuple[int, int]]:
    if not value:
        return []
    try:
        return [(int(s["start"]), int(s["end"])) for s in json.loads(value)]
    except (ValueError, TypeError, KeyError):
        return []


def _check_date(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise StoreError(f"--{what} {value!r}: not a date of the form YYYY-MM-DD") from None
    return value


def _within(published: str | None, since: str | None, until: str | None) -> bool:
    if not published:
        return False
    return (since is None or published >= since) and (until is None or published <= until)


def narrator_counts(
    conn: Connection,
    path: str,
    *,
    bigrams: bool = False,
    all_copies: bool = False,
    include_quotes: bool = False,
    since: str | None = None,
    until: str | None = None,
) -> NarratorCounts:
    """Count the narrator-voice terms of every stored document, per outlet (one read of the
    documents and quotes; cached while the corpus does not change).

    ``since``/``until``: only documents published on or after / on or before these dates
    (YYYY-MM-DD; a document without a date is left out when either is given).
    ``include_quotes``: count the quotes' words too (the whole body; a control for the
    evaluation, not narrator voice)."""
    since = _check_date(since, "since")
    until = _check_date(until, "until")
    try:
        fingerprint = tuple(conn.execute(_FINGERPRINT).fetchone())
        key = (path, bigrams, all_copies, include_quotes, since, until, fingerprint)
        with _CACHE_LOCK:
            cached = _CACHE.get(key)
        if cached is not None:
            return cached
        quoted: dict[str, list[tuple[int, int]]] = {}
        if not include_quotes:
            for doc_id, start, end, parts in conn.execute(_QUOTE_PARTS):
                quoted.setdefault(doc_id, []).extend(_parts(start, end, parts))
        result = NarratorCounts()
        sql = _PG_DOCUMENTS if dialect_of(conn).postgres else _SQLITE_DOCUMENTS
        dated = since is not None or until is not None
        if not all_copies:
            sql += _NOT_A_COPY
            for outlet, published, n in conn.execute(_COPIES):
                if not dated or _within(published, since, until):
                    result.copies[outlet] = result.copies.get(outlet, 0) + int(n)
        for doc_id, outlet, published, text, body in stream(conn, sql + _ORDER):
            if dated and not _within(published, since, until):
                continue
            counter = result.counts.setdefault(outlet, Counter())
            result.documents[outlet] = result.documents.get(outlet, 0) + 1
            spans = narrator_spans(len(text), _body(body), quoted.get(doc_id, ()))
            counter.update(tokens(_STRETCH.join(text[a:b] for a, b in spans), bigrams=bigrams))
    except DB_ERRORS as exc:
        raise store_error(exc, path) from exc
    with _CACHE_LOCK:
        for stale in [k for k in _CACHE if k[:-1] == key[:-1]]:
            del _CACHE[stale]
        while len(_CACHE) >= _CACHE_SIZE:
            del _CACHE[next(iter(_CACHE))]
        _CACHE[key] = result
    return result


# --- the statistic ---------------------------------------------------------------------------


def log_odds(
    counts_a: Counter[str] | dict[str, int],
    counts_b: Counter[str] | dict[str, int],
    prior: Counter[str] | dict[str, int],
    *,
    alpha0: float = ALPHA0,
    min_count: int = 1,
) -> dict[str, tuple[float, float]]:
    """Weighted log-odds ratio of A vs B with an informative Dirichlet prior, for every term
    of A or B used at least ``min_count`` times by the two together: ``{term: (delta, z)}``.

    ``prior``: the background counts (usually the whole corpus), scaled to ``alpha0``
    pseudo-counts; a term missing from it gets the prior of a term seen once.
    """
    vocab = [
        t
        for t in set(counts_a) | set(counts_b)
        if counts_a.get(t, 0) + counts_b.get(t, 0) >= min_count
    ]
    if not vocab:
        return {}
    n_prior = float(sum(prior.values())) or 1.0
    y_a = np.array([counts_a.get(t, 0) for t in vocab], dtype=float)
    y_b = np.array([counts_b.get(t, 0) for t in vocab], dtype=float)
    alpha = alpha0 * np.array([prior.get(t, 0) or 1 for t in vocab], dtype=float) / n_prior
    n_a = float(sum(counts_a.values()))
    n_b = float(sum(counts_b.values()))
    a = y_a + alpha
    b = y_b + alpha
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.log(a / (n_a + alpha0 - a)) - np.log(b / (n_b + alpha0 - b))
        z = delta / np.sqrt(1.0 / a + 1.0 / b)
    return {t: (float(d), float(s)) for t, d, s in zip(vocab, delta, z, strict=True)}


@dataclass(frozen=True, slots=True)
class TermRow:
    """One distinctive term of side A."""

    term: str
    z: float
    log_odds_ratio: float
    count_a: int
    count_b: int
    #: uses per 10,000 narrator words of each side
    per_10k_a: float
    per_10k_b: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


TERM_COLUMNS = tuple(f.name for f in fields(TermRow))


@dataclass(frozen=True, slots=True)
class Terms:
    """What ``distinctive_terms`` found: side A's terms, most distinctive first."""

    outlet: str
    #: side B's outlet, or None for every other document of the corpus
    vs: str | None
    rows: list[TermRow]
    documents_a: int
    documents_b: int
    tokens_a: int
    tokens_b: int
    alpha0: float
    min_count: int
    bigrams: bool
    copies_skipped: int

    @property
    def vs_label(self) -> str:
        return self.vs if self.vs is not None else "all other outlets"


def _resolve(name: str, counts: NarratorCounts, path: str, what: str, dated: bool) -> str:
    names = counts.outlet_names()
    folded = [c for c in names if c.casefold() == name.strip().casefold()]
    found = name if name in names else (folded[0] if folded else None)
    if found is not None:
        if not counts.documents.get(found):
            raise StoreError(
                f"{what} {found!r}: all its documents ({counts.copies.get(found, 0):,}) are"
                " copies of other outlets' syndicated stories; --all-copies counts them"
            )
        return found
    shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
    where = f"{path} between the dates given" if dated else path
    raise StoreError(
        f"{what} {name!r}: no such outlet in {where}"
        + (f" (outlets: {shown})" if names else " (no document has an outlet)")
    )


def distinctive_terms(
    conn: Connection,
    path: str,
    outlet: str,
    *,
    vs: str | None = None,
    limit: int | None = 20,
    min_count: int = MIN_COUNT,
    alpha0: float = ALPHA0,
    bigrams: bool = False,
    all_copies: bool = False,
    since: str | None = None,
    until: str | None = None,
) -> Terms:
    """The narrator-voice terms ``outlet`` uses more than ``vs`` (else than all other
    documents), by z-score of the weighted log-odds ratio; see the module's docstring.

    Outlet names match exactly or in any case. Raises ``StoreError`` for an outlet the
    corpus does not have (when it has documents), or ``vs`` equal to ``outlet``.
    """
    counts = narrator_counts(
        conn, path, bigrams=bigrams, all_copies=all_copies, since=since, until=until
    )
    if not counts.documents and not counts.copies:
        return Terms(outlet, vs, [], 0, 0, 0, 0, alpha0, min_count, bigrams, 0)
    dated = since is not None or until is not None
    side_a = _resolve(outlet, counts, path, "--outlet", dated)
    side_b = _resolve(vs, counts, path, "--vs", dated) if vs is not None else None
    if side_b == side_a:
        raise StoreError(f"--vs {vs!r} is the outlet itself; give another outlet, or no --vs")
    prior: Counter[str] = Counter()
    for counter in counts.counts.values():
        prior.update(counter)
    counts_a = counts.counts.get(side_a, Counter())
    if side_b is not None:
        counts_b = counts.counts.get(side_b, Counter())
        documents_b = counts.documents.get(side_b, 0)
    else:
        counts_b = prior.copy()
        counts_b.subtract(counts_a)
        counts_b = +counts_b
        documents_b = sum(counts.documents.values()) - counts.documents.get(side_a, 0)
    n_a = sum(counts_a.values())
    n_b = sum(counts_b.values())
    scores = log_odds(counts_a, counts_b, prior, alpha0=alpha0, min_count=max(1, min_count))
    ranked = sorted(
        ((t, d, z) for t, (d, z) in scores.items() if z > 0 and counts_a.get(t, 0) > 0),
        key=lambda item: (-item[2], item[0]),
    )
    if limit is not None:
        ranked = ranked[: max(0, limit)]
    rows = [
        TermRow(
            term=t,
            z=round(z, 3),
            log_odds_ratio=round(d, 4),
            count_a=counts_a.get(t, 0),
            count_b=counts_b.get(t, 0),
            per_10k_a=round(1e4 * counts_a.get(t, 0) / n_a, 2) if n_a else 0.0,
            per_10k_b=round(1e4 * counts_b.get(t, 0) / n_b, 2) if n_b else 0.0,
        )
        for t, d, z in ranked
        if math.isfinite(z)
    ]
    return Terms(
        outlet=side_a,
        vs=side_b,
        rows=rows,
        documents_a=counts.documents.get(side_a, 0),
        documents_b=documents_b,
        tokens_a=n_a,
        tokens_b=n_b,
        alpha0=alpha0,
        min_count=min_count,
        bigrams=bigrams,
        copies_skipped=counts.copies_skipped,
    )
