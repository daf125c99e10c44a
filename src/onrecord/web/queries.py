"""Queries the web needs that ``Corpus`` lacks: pages (offset and total) of articles and
quotes, a speaker's detail. Every value is a bound parameter; the only SQL assembled from
pieces is the choice among fixed clauses.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import threading
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from ..store import Corpus
from ..store.db import StoreError, store_error
from ..store.figures import Figures, term_key
from ..store.queries import QUOTE_COLUMNS, QuoteRow, SpeakerRow, fts_query

T = TypeVar("T")

__all__ = [
    "ArticleRow",
    "SpeakerDetail",
    "article_page",
    "corpus_version",
    "entity_key",
    "figure_key",
    "figures",
    "memo",
    "quote_page",
    "record_json",
    "speaker_counts",
    "speaker_detail",
    "speaker_list",
    "speaker_names",
    "speaker_spellings",
    "speaker_total",
]


@dataclass(frozen=True, slots=True)
class ArticleRow:
    id: str
    title: str | None
    outlet: str | None
    url: str | None
    published: str | None
    language: str | None
    quotes: int
    claims: int


@dataclass(frozen=True, slots=True)
class SpeakerDetail:
    name: str
    types: list[str]
    quotes: int
    documents: int
    first_published: str | None
    last_published: str | None
    by_outlet: dict[str, int]
    timeline: list[tuple[str | None, int]]  # (published day, quotes)
    kinds: dict[str, int]


def _rows(corpus: Corpus, sql: str, params: dict[str, Any]) -> list[sqlite3.Row]:
    try:
        cursor = corpus.conn.cursor()
        cursor.row_factory = sqlite3.Row
        return list(cursor.execute(sql, params))
    except sqlite3.Error as exc:
        raise store_error(exc, corpus.path) from exc


#: Counts of recent filters, while the corpus stays the same: paging through one list
#: counts it once.
_COUNTS_KEPT = 512
_counts: dict[tuple[Any, ...], int] = {}
_counts_lock = threading.Lock()


def corpus_version(corpus: Corpus) -> tuple[int, int]:
    """Changes when a document or a quote is stored (each gets a new, larger pk): what
    the remembered answers are kept for."""
    row = _rows(
        corpus,
        "SELECT (SELECT coalesce(max(pk), 0) FROM documents),"
        " (SELECT coalesce(max(pk), 0) FROM quotes)",
        {},
    )[0]
    return int(row[0]), int(row[1])


_memo: dict[tuple[Any, ...], Any] = {}
#: Results of the costlier reads (outlets, speaker lists, figures, corpus entities, the
#: outlets page) kept, the least recently used dropped first
_MEMO_KEPT = 64
#: The results asked for one item of many (a speaker's quotes), kept apart so that they
#: never push out the costlier ones above
_memo_items: dict[tuple[Any, ...], Any] = {}
_MEMO_ITEMS_KEPT = 512


def memo(
    corpus: Corpus,
    name: str,
    args: tuple[Any, ...],
    compute: Callable[[], T],
    *,
    item: bool = False,
) -> T:
    """``compute()``, remembered while the corpus is unchanged (no document or quote
    stored since): the server is read-only, so the same question has the same answer.
    Requests asking the same question at once compute it once: the others wait for it.
    ``item``: a question about one item of many (one speaker), remembered apart."""
    key = (corpus.path, corpus_version(corpus), name, args)
    kept, most = (_memo_items, _MEMO_ITEMS_KEPT) if item else (_memo, _MEMO_KEPT)
    with _counts_lock:
        if key in kept:
            value: T = kept.pop(key)
            kept[key] = value  # the most recently used last: the oldest go first
            return value
        flight = _flights.setdefault(key, threading.Lock())
    with flight:
        with _counts_lock:
            if key in kept:
                value = kept[key]
                return value
        try:
            value = compute()
            with _counts_lock:
                while len(kept) >= most:
                    kept.pop(next(iter(kept)))
                kept[key] = value
        finally:
            with _counts_lock:
                _flights.pop(key, None)
    return value


#: The lock of each question being computed (see ``memo``).
_flights: dict[tuple[Any, ...], threading.Lock] = {}


def figures(
    corpus: Corpus,
    term: str,
    *,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    by: Literal["outlet", "source"] = "outlet",
    window: int = 0,
    exact: bool = False,
) -> Figures:
    """``Corpus.figures``, remembered while the corpus is unchanged (one entry for the
    page and the API: the chart of the page reads the same figures from the API), and
    for every term that looks for the same ("killed", "dead", "deaths": see
    ``figure_key``)."""
    found = memo(
        corpus,
        "figures",
        figure_key(
            term, outlet=outlet, since=since, until=until, by=by, window=window, exact=exact
        ),
        lambda: corpus.figures(
            term, outlet=outlet, since=since, until=until, by=by, window=window, exact=exact
        ),
    )
    return found if found.term == term else dataclasses.replace(found, term=term)


def figure_key(
    term: str,
    *,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    by: str = "outlet",
    window: int = 0,
    exact: bool = False,
) -> tuple[Any, ...]:
    """The arguments of a figures question as a key: the same for every term that looks
    for the same figures (``store.figures.term_key``); the term itself for a term of stop
    words only (whose error is the answer)."""
    try:
        what: tuple[str, ...] = term_key(term, exact)
    except StoreError:
        what = ("?", term)
    return (what, outlet, since, until, by, window, exact)


def _count(corpus: Corpus, sql: str, params: dict[str, Any]) -> int:
    key = (corpus.path, corpus_version(corpus), sql, tuple(sorted(params.items())))
    with _counts_lock:
        if key in _counts:
            return _counts[key]
    total = int(_rows(corpus, sql, params)[0][0])
    with _counts_lock:
        if len(_counts) >= _COUNTS_KEPT:
            _counts.pop(next(iter(_counts)))
        _counts[key] = total
    return total


_outlets_cache: dict[str, tuple[tuple[int, int], list[str]]] = {}


def _outlet_clause(corpus: Corpus, outlet: str, params: dict[str, Any]) -> str:
    """``d.outlet`` is ``outlet`` in any case, through the outlet index: the stored
    spellings that match, found in the (short) list of outlets."""
    version = corpus_version(corpus)
    with _counts_lock:
        cached = _outlets_cache.get(corpus.path)
    if cached is None or cached[0] != version:
        names = [
            str(row[0])
            for row in _rows(
                corpus, "SELECT DISTINCT outlet FROM documents WHERE outlet IS NOT NULL", {}
            )
        ]
        with _counts_lock:
            _outlets_cache[corpus.path] = (version, names)
    else:
        names = cached[1]
    # SQLite's NOCASE folds ASCII letters only; so does this
    wanted = outlet.encode("utf-8").lower()
    matching = [n for n in names if n.encode("utf-8").lower() == wanted]
    if not matching:
        return "0"
    params.update({f"o{i}": name for i, name in enumerate(matching)})
    return "d.outlet IN (" + ", ".join(f":o{i}" for i in range(len(matching))) + ")"


_DOCUMENT_MATCHES = "d.pk IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH :match)"


def article_page(
    corpus: Corpus,
    *,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    q: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[ArticleRow]]:
    """Articles, newest first (no date last), and how many match. ``q``: words in the
    title or text (FTS5, every word; "double quotes" for a phrase)."""
    where: list[str] = []
    params: dict[str, Any] = {}
    if outlet is not None:
        where.append(_outlet_clause(corpus, outlet, params))
    if since is not None:
        where.append("d.published >= :since")
        params["since"] = since
    if until is not None:
        where.append("d.published <= :until")
        params["until"] = until
    if q is not None:
        where.append(_DOCUMENT_MATCHES)
        params["match"] = fts_query(q)
    clause = " WHERE " + " AND ".join(where) if where else ""
    if q is not None and len(where) == 1:
        total = _count(
            corpus,
            "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH :match",
            params,
        )
    else:
        total = _count(corpus, "SELECT count(*) FROM documents d" + clause, params)
    if offset >= total:
        return total, []
    # a full-text search: walk the documents in date order while the page is near enough
    # to the start (the matches dense enough), else sort every match
    stored = corpus_version(corpus)[0]  # the largest document pk: about how many are stored
    sparse = q is not None and (offset + limit) * stored > _WALK_DOCUMENTS * total
    if sparse or offset >= _DIRECT_PAGES:
        # far pages of a full-text search, deep pages: the order of every match, once
        pks = _ordered_pks(
            corpus,
            "SELECT d.pk FROM documents d" + clause + " ORDER BY d.published DESC, d.pk DESC",
            params,
        )
        page = list(pks[offset : offset + limit])
        if not page:
            return total, []
        marks = ", ".join(f":k{i}" for i in range(len(page)))
        found = {
            row[0]: row[1:]
            for row in _rows(
                corpus,
                "SELECT d.pk, d.id, d.title, d.outlet, d.url, d.published, d.language,"
                " (SELECT count(*) FROM quotes q WHERE q.document_id = d.id),"
                " (SELECT count(*) FROM claims c WHERE c.document_id = d.id)"
                f" FROM documents d WHERE d.pk IN ({marks})",
                {f"k{i}": pk for i, pk in enumerate(page)},
            )
        }
        return total, [ArticleRow(*found[pk]) for pk in page if pk in found]
    # NULLs sort last in DESC order: the published index gives the order, and the counts
    # are worked out for the page only; "+d.pk": the matches of a full-text search are
    # looked for along that index, not read first to be sorted
    if q is not None:
        clause = clause.replace(_DOCUMENT_MATCHES, "+" + _DOCUMENT_MATCHES)
    rows = _rows(
        corpus,
        "SELECT p.id, p.title, p.outlet, p.url, p.published, p.language,"
        " (SELECT count(*) FROM quotes q WHERE q.document_id = p.id),"
        " (SELECT count(*) FROM claims c WHERE c.document_id = p.id)"
        " FROM (SELECT d.pk, d.id, d.title, d.outlet, d.url, d.published, d.language"
        " FROM documents d" + clause + " ORDER BY d.published DESC, d.pk DESC"
        " LIMIT :limit OFFSET :offset) p ORDER BY p.published DESC, p.pk DESC",
        {**params, "limit": limit, "offset": offset},
    )
    return total, [ArticleRow(*row) for row in rows]


def record_json(corpus: Corpus, document_id: str) -> str | None:
    """The stored record of one document (the output contract), or None."""
    rows = _rows(corpus, "SELECT record FROM documents WHERE id = :id", {"id": document_id})
    return str(rows[0][0]) if rows else None


#: With at least this many matches, a page is read in date order, document by document,
#: rather than by sorting every match.
_DATE_ORDER_FROM = 1000

#: Pages up to this offset are read directly; deeper ones from the remembered order.
_DIRECT_PAGES = 1000
#: A page of a full-text search of quotes is read in date order when that should walk
#: at most about this many quotes (the page's end over the share of quotes that match);
#: else from the order of every match. On 10,000 articles: the first page of 24,760
#: matches in 13 ms rather than 164 (sorting them all).
_WALK_QUOTES = 20_000
#: The same for a full-text search of articles: on 10,000 articles, the first page of
#: 9,800 matches in 2 ms rather than 53.
_WALK_DOCUMENTS = 20_000
#: Orders of matches remembered (each an array of 8-byte pks).
_ORDERS_KEPT = 16
_orders: dict[tuple[Any, ...], array[int]] = {}


def _ordered_pks(corpus: Corpus, sql: str, params: dict[str, Any]) -> array[int]:
    """The pks ``sql`` selects, in its order, remembered while the corpus is unchanged."""
    key = (corpus.path, corpus_version(corpus), sql, tuple(sorted(params.items())))
    with _counts_lock:
        if key in _orders:
            return _orders[key]
    pks = array("q", (int(row[0]) for row in _rows(corpus, sql, params)))
    with _counts_lock:
        while len(_orders) >= _ORDERS_KEPT:
            _orders.pop(next(iter(_orders)))
        _orders[key] = pks
    return pks


_names_cache: dict[str, tuple[int, list[str]]] = {}
_names_lock = threading.Lock()


def speaker_names(corpus: Corpus) -> list[str]:
    """The distinct speaker names, cached until a quote is added."""
    top = int(_rows(corpus, "SELECT coalesce(max(pk), 0) FROM quotes", {})[0][0])
    with _names_lock:
        cached = _names_cache.get(corpus.path)
        if cached is not None and cached[0] == top:
            return cached[1]
    names = [
        str(row[0])
        for row in _rows(
            corpus,
            "SELECT DISTINCT speaker_name FROM quotes WHERE speaker_name IS NOT NULL",
            {},
        )
    ]
    with _names_lock:
        _names_cache[corpus.path] = (top, names)
    return names


def speaker_spellings(corpus: Corpus) -> dict[bytes, list[str]]:
    """The stored speaker names by their SQLite NOCASE form (UTF-8, ASCII letters
    lower-cased), remembered while the corpus is unchanged."""

    def compute() -> dict[bytes, list[str]]:
        spellings: dict[bytes, list[str]] = {}
        for name in speaker_names(corpus):
            spellings.setdefault(name.encode("utf-8").lower(), []).append(name)
        return spellings

    return memo(corpus, "speaker-spellings", (), compute)


def quote_page(
    corpus: Corpus,
    *,
    speaker: str | None = None,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    contains: str | None = None,
    kind: str | None = None,
    exact_speaker: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[QuoteRow]]:
    """Quotes, newest first (as ``Corpus.quotes``, with the same filters), and how many
    match. ``exact_speaker``: ``speaker`` is the whole name (any case), not a part."""
    quote_where: list[str] = []
    doc_where: list[str] = []
    params: dict[str, Any] = {}
    # the quotes: all, or those of the speaker's names, looked up by the name index (the
    # names are one JSON parameter, whatever their number)
    source = " FROM quotes q"
    by_speaker: str | None = None
    if speaker is not None:
        folded = speaker.casefold()
        if exact_speaker:
            names = [n for n in speaker_names(corpus) if n.casefold() == folded]
        else:
            names = [n for n in speaker_names(corpus) if folded in n.casefold()]
        if not names:
            return 0, []
        source = " FROM json_each(:names) j CROSS JOIN quotes q ON q.speaker_name = j.value"
        by_speaker = "q.speaker_name IN (SELECT value FROM json_each(:names))"
        params["names"] = json.dumps(names)
    if kind is not None:
        quote_where.append("q.kind = :kind")
        params["kind"] = kind
    if contains is not None:
        quote_where.append("q.pk IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH :match)")
        params["match"] = fts_query(contains)
        if by_speaker is not None:
            # the matches, then their speakers: a join from the names would look every
            # match up again for each name (minutes for a part of a name such as "a")
            source = " FROM quotes q"
            quote_where.append(by_speaker)
            by_speaker = None
    if outlet is not None:
        doc_where.append(_outlet_clause(corpus, outlet, params))
    if since is not None:
        doc_where.append("d.published >= :since")
        params["since"] = since
    if until is not None:
        doc_where.append("d.published <= :until")
        params["until"] = until
    where = quote_where + doc_where
    clause = " WHERE " + " AND ".join(where) if where else ""
    if contains is not None and len(quote_where) == 1 and not doc_where and by_speaker is None:
        total = _count(
            corpus,
            "SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH :match",
            {"match": params["match"]},
        )
    elif doc_where:
        total = _count(
            corpus,
            "SELECT count(*)" + source + " JOIN documents d ON d.id = q.document_id" + clause,
            params,
        )
    else:
        total = _count(corpus, "SELECT count(*)" + source + clause, params)
    if offset >= total:
        return total, []
    columns = ", ".join(
        f"d.{c}" if c in ("outlet", "published", "title", "url") else f"q.{c}"
        for c in QUOTE_COLUMNS
    )
    order = " ORDER BY d.published DESC, d.pk DESC, q.content_start, q.pk"
    # a full-text search with many matches: walk the documents in date order while the
    # page is near enough to the start (the matches are dense enough), else sort them all
    stored = corpus_version(corpus)[1]  # the largest quote pk: about how many are stored
    sparse = contains is not None and (offset + limit) * stored > _WALK_QUOTES * total
    if offset >= _DIRECT_PAGES or (sparse and total >= _DATE_ORDER_FROM):
        # deep pages, and far pages of a full-text search: the order of every match, once
        pks = _ordered_pks(
            corpus,
            "SELECT q.pk" + source + " JOIN documents d ON d.id = q.document_id" + clause + order,
            params,
        )
        page = list(pks[offset : offset + limit])
        if not page:
            return total, []
        marks = ", ".join(f":k{i}" for i in range(len(page)))
        found = {
            row[0]: row[1:]
            for row in _rows(
                corpus,
                f"SELECT q.pk, {columns} FROM quotes q JOIN documents d ON d.id = q.document_id"
                f" WHERE q.pk IN ({marks})",
                {f"k{i}": pk for i, pk in enumerate(page)},
            )
        }
        return total, [QuoteRow(*found[pk]) for pk in page if pk in found]
    # many matches: walk the documents in date order (the published index) and stop at the
    # page; few: find them by their own index and sort them
    if total >= _DATE_ORDER_FROM:
        walked = where + ([by_speaker] if by_speaker else [])
        sql = " FROM documents d CROSS JOIN quotes q ON q.document_id = d.id" + (
            " WHERE " + " AND ".join(walked) if walked else ""
        )
    else:
        sql = source + " JOIN documents d ON d.id = q.document_id" + clause
    rows = _rows(
        corpus,
        f"SELECT {columns}" + sql + order + " LIMIT :limit OFFSET :offset",
        {**params, "limit": limit, "offset": offset},
    )
    return total, [QuoteRow(*row) for row in rows]


#: (speaker name, type, quotes, documents) of each speaker quoted in one outlet
_OutletSpeakers = list[tuple[str, str | None, int, int]]


def speaker_counts(
    corpus: Corpus, *, all_copies: bool = False
) -> dict[str | None, _OutletSpeakers]:
    """How often each named speaker is quoted in each outlet (stored spelling; None: no
    outlet), and in how many of its documents: every outlet's counts in one read (of the
    speaker index), remembered while the corpus is unchanged. What ``speaker_list`` adds
    up. A quote in several copies of one story counts once unless ``all_copies``, as in
    ``Corpus.speakers``."""

    def compute() -> dict[str | None, _OutletSpeakers]:
        counts: dict[str | None, _OutletSpeakers] = {}
        for name, stype, outlet, n, docs in _rows(
            corpus,
            "SELECT speaker_name, speaker_type, outlet, count(*), count(DISTINCT document_pk)"
            " FROM syndication_quotes WHERE speaker_name IS NOT NULL"
            + ("" if all_copies else " AND copy = 0")
            + " GROUP BY speaker_name, speaker_type, outlet",
            {},
        ):
            counts.setdefault(outlet, []).append((str(name), stype, int(n), int(docs)))
        return counts

    return memo(corpus, "speaker-counts", (all_copies,), compute)


def _nocase(text: str) -> bytes:
    """SQLite's NOCASE form of ``text``: UTF-8, ASCII letters lower-cased."""
    return text.encode("utf-8").lower()


def speaker_list(
    corpus: Corpus, *, outlet: str | None = None, all_copies: bool = False
) -> list[SpeakerRow]:
    """Every row of ``Corpus.speakers(outlet=..., all_copies=..., by_name=True)``, most
    quoted first (``outlet``: any case, as there), added up from ``speaker_counts`` and
    remembered while the corpus is unchanged: a page of any outlet's speakers is a slice."""

    def compute() -> list[SpeakerRow]:
        counts = speaker_counts(corpus, all_copies=all_copies)
        wanted = _nocase(outlet) if outlet is not None else None
        merged: dict[tuple[str, str | None], tuple[int, int, dict[str, int]]] = {}
        for stored, rows in counts.items():
            if wanted is not None and (stored is None or _nocase(stored) != wanted):
                continue
            label = stored if stored is not None else "(unknown outlet)"
            for name, stype, n, docs in rows:
                quotes, documents, by_outlet = merged.get((name, stype), (0, 0, {}))
                by_outlet[label] = by_outlet.get(label, 0) + n
                merged[(name, stype)] = (quotes + n, documents + docs, by_outlet)
        result = [
            SpeakerRow(
                name=name,
                type=stype,
                quotes=quotes,
                documents=documents,
                by_outlet=dict(sorted(by_outlet.items(), key=lambda kv: (-kv[1], kv[0]))),
            )
            for (name, stype), (quotes, documents, by_outlet) in merged.items()
        ]
        result.sort(key=lambda r: (-r.quotes, r.name, r.type or ""))
        return result

    key = _nocase(outlet) if outlet is not None else None
    return memo(corpus, "speaker-list", (key, all_copies), compute)


def speaker_total(corpus: Corpus, *, outlet: str | None = None, all_copies: bool = False) -> int:
    """How many named speakers ``Corpus.speakers`` lists with the same arguments (by name)."""
    return len(speaker_list(corpus, outlet=outlet, all_copies=all_copies))


def speaker_detail(corpus: Corpus, name: str) -> SpeakerDetail | None:
    """One named speaker (the whole name; any case when no name matches exactly): counts
    by outlet, day and kind. Quotes in several copies of one story count once."""
    exact = _rows(
        corpus,
        "SELECT speaker_name FROM syndication_quotes WHERE speaker_name = :name LIMIT 1",
        {"name": name},
    )
    if not exact:
        exact = _rows(
            corpus,
            "SELECT speaker_name FROM syndication_quotes"
            " WHERE speaker_name = :name COLLATE NOCASE ORDER BY speaker_name LIMIT 1",
            {"name": name},
        )
    if not exact:
        return None
    canonical = str(exact[0][0])
    params = {"name": canonical}
    base = (
        " FROM syndication_quotes s JOIN documents d ON d.pk = s.document_pk"
        " JOIN quotes q ON q.pk = s.quote_pk WHERE s.speaker_name = :name AND s.copy = 0"
    )
    by_outlet: dict[str, int] = {}
    types: set[str] = set()
    for row in _rows(
        corpus,
        "SELECT s.outlet, s.speaker_type, count(*) FROM syndication_quotes s"
        " WHERE s.speaker_name = :name AND s.copy = 0 GROUP BY 1, 2",
        params,
    ):
        label = row[0] if row[0] is not None else "(unknown outlet)"
        by_outlet[label] = by_outlet.get(label, 0) + int(row[2])
        if row[1] is not None:
            types.add(str(row[1]))
    documents = _count(
        corpus,
        "SELECT count(DISTINCT document_pk) FROM syndication_quotes"
        " WHERE speaker_name = :name AND copy = 0",
        params,
    )
    per_day: dict[str | None, int] = {}
    kinds: dict[str, int] = {}
    for day, kind, n in _rows(
        corpus, "SELECT d.published, q.kind, count(*)" + base + " GROUP BY 1, 2", params
    ):
        per_day[day] = per_day.get(day, 0) + int(n)
        kinds[str(kind)] = kinds.get(str(kind), 0) + int(n)
    days = sorted(d for d in per_day if d is not None)
    timeline: list[tuple[str | None, int]] = [(d, per_day[d]) for d in days]
    if None in per_day:
        timeline.append((None, per_day[None]))
    return SpeakerDetail(
        name=canonical,
        types=sorted(types),
        quotes=sum(per_day.values()),
        documents=documents,
        first_published=days[0] if days else None,
        last_published=days[-1] if days else None,
        by_outlet=dict(sorted(by_outlet.items(), key=lambda kv: (-kv[1], kv[0]))),
        timeline=timeline,
        kinds=dict(sorted(kinds.items())),
    )


def entity_key(corpus: Corpus) -> tuple[int, int]:
    """Changes when the document entities change (the corpus entities are linked anew):
    the largest pk of ``entities`` and of ``documents`` (a new or re-analysed document
    stores its entities anew, under new pks)."""
    row = _rows(
        corpus,
        "SELECT (SELECT coalesce(max(pk), 0) FROM entities),"
        " (SELECT coalesce(max(pk), 0) FROM documents)",
        {},
    )[0]
    return int(row[0]), int(row[1])
