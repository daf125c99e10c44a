"""The HTML pages of ``onrecord serve``: search, article, speaker, figures, outlets, analyze.

Every page is rendered on the server with Jinja2 (autoescape on). Article text is never
marked safe as it is: ``highlight`` cuts it at the offsets of quotes, cues, sources, claims
and dates and escapes each piece with ``markupsafe.escape`` before wrapping it in tags it
builds itself. The only script is in ``static/`` (the app's CSP is ``default-src 'self'``);
every page works without it, the figure chart aside.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
import re
import sqlite3
import threading
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import quote, urlencode, urlsplit

import jinja2
from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from ..errors import OnrecordError
from ..store import Corpus, CorpusEntity
from ..store.db import StoreError
from ..store.queries import QUOTE_COLUMNS, QuoteRow, SpeakerRow, fts_query
from ..types import Record
from . import queries
from .deps import get_corpus
from .queries import quote_page

__all__ = [
    "PALETTE_SIZE",
    "article_href",
    "highlight",
    "router",
    "safe_url",
    "snippet",
    "speaker_href",
]

T = TypeVar("T")
HERE = Path(__file__).resolve().parent
PAGE_SIZE = 20
SPEAKER_PAGE_SIZE = 50
#: Speakers of one article get the colours spk-0 .. spk-7 (style.css) in order of first quote.
PALETTE_SIZE = 8
#: Pasted or uploaded text for /analyze is refused above this size (bytes) unless the app's
#: ``max_body`` is smaller.
ANALYZE_MAX_BYTES = 1_000_000
QUOTE_KINDS = ("direct", "indirect", "mixed")

router = APIRouter(include_in_schema=False)

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=True,  # every template, whatever its extension
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
templates = Jinja2Templates(env=_env)
CorpusDep = Annotated[Corpus, Depends(get_corpus)]


# --- links ---------------------------------------------------------------------------------


def article_href(document_id: str, fragment: str | None = None) -> str:
    """The page of a stored article; ids may hold any character (paths, URLs)."""
    href = "/articles/" + quote(document_id, safe="")
    return href + ("#" + quote(fragment, safe="") if fragment else "")


def speaker_href(name: str) -> str:
    return "/speakers/" + quote(name, safe="")


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) address, else None: no ``javascript:`` or ``data:`` href."""
    if not url:
        return None
    cleaned = url.strip()
    if any(ord(ch) < 0x21 for ch in cleaned):
        return None
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return cleaned


def _query_href(path: str, params: dict[str, Any], **changes: Any) -> str:
    merged = {**params, **changes}
    kept = {k: v for k, v in merged.items() if v not in (None, "") and (k, v) != ("page", 1)}
    return path + ("?" + urlencode(kept) if kept else "")


_env.globals.update(
    article_href=article_href,
    speaker_href=speaker_href,
    safe_url=safe_url,
    palette_size=PALETTE_SIZE,
)


def _pct(value: float | None) -> str:
    return "" if value is None else f"{round(value * 100)}%"


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")


_env.filters.update(pct=_pct, number=_number)


# --- the article, highlighted --------------------------------------------------------------

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: runs of text between blank lines, trimmed."""
    result: list[tuple[int, int]] = []
    start = 0
    for match in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        s, e = start, end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            result.append((s, e))
        if match:
            start = match.end()
    return result


@dataclass(slots=True)
class Mark:
    """A range of the text to wrap in a tag: ``rank`` orders tags that start together
    (lower is outer); the first piece of a mark cut in two keeps ``first_attrs``."""

    start: int
    end: int
    rank: int
    tag: str
    attrs: dict[str, str]
    first_attrs: dict[str, str] = field(default_factory=dict)

    def open(self, first: bool) -> str:
        attrs = {**self.attrs, **(self.first_attrs if first else {})}
        rendered = "".join(f' {name}="{escape(value)}"' for name, value in attrs.items())
        return f"<{self.tag}{rendered}>"

    def close(self) -> str:
        return f"</{self.tag}>"


def _nest(text: str, start: int, end: int, marks: Iterable[Mark]) -> str:
    """HTML of ``text[start:end]`` with ``marks`` (all inside it) as properly nested tags.

    A mark that crosses the end of an enclosing one is cut in two; every piece of text is
    escaped.
    """
    heap: list[tuple[int, int, int, int, bool, Mark]] = []
    seq = 0
    for mark in marks:
        if mark.end > mark.start:
            heap.append((mark.start, mark.rank, -mark.end, seq, True, mark))
            seq += 1
    heapq.heapify(heap)
    out: list[str] = []
    stack: list[tuple[int, Mark]] = []
    pos = start

    def emit(upto: int) -> None:
        nonlocal pos
        if upto > pos:
            out.append(str(escape(text[pos:upto])))
            pos = upto

    while heap:
        s, rank, neg_end, _, first, mark = heapq.heappop(heap)
        e = -neg_end
        while stack and stack[-1][0] <= s:
            emit(stack[-1][0])
            out.append(stack.pop()[1].close())
        if stack and e > stack[-1][0]:
            cut = stack[-1][0]
            heapq.heappush(heap, (cut, rank, -e, seq, False, mark))
            seq += 1
            e = cut
        if e <= s:
            continue
        emit(s)
        out.append(mark.open(first))
        stack.append((e, mark))
    while stack:
        emit(stack[-1][0])
        out.append(stack.pop()[1].close())
    emit(end)
    return "".join(out)


@dataclass(slots=True)
class ArticleView:
    """What the article template shows: the highlighted paragraphs and the side panel."""

    html: Markup
    quotes: list[dict[str, Any]]
    speakers: list[dict[str, Any]]
    claims: list[dict[str, Any]]
    dates: list[dict[str, Any]]


def _claim_title(claim: Any) -> str:
    bits = [f"figure: {claim.span.text}"]
    if claim.value is not None:
        bits.append(f"value {_number(claim.value)}")
    if claim.low is not None or claim.high is not None:
        bits.append(f"range {_number(claim.low)}–{_number(claim.high)}")
    if claim.qualifier and claim.qualifier != "exact":
        bits.append(claim.qualifier.replace("_", " "))
    if claim.unit:
        bits.append(f"unit {claim.unit}")
    if claim.measure:
        bits.append(f"counts {claim.measure}")
    if claim.asserted_by is not None:
        bits.append(f"asserted by {claim.asserted_by.name}")
    return "; ".join(bits)


def _date_title(date: Any) -> str:
    if date.value is None and date.end is None:
        return f"{date.kind}, not resolved"
    if date.kind == "range":
        return f"range {date.value or '…'} to {date.end or '…'}"
    return f"{date.kind} {date.value}"


def highlight(record: Record) -> ArticleView:
    """The record's text as paragraphs with quotes, cues, sources, claims and dates marked.

    Each speaker gets a colour class ``spk-N`` (N < PALETTE_SIZE, in order of first quote;
    ``spk-none`` for an unknown speaker); the first piece of each quote is focusable
    (``tabindex=0``, ``role=button``) and names its detail card ``quote-<id>``.
    """
    text = record.text
    colour: dict[str, int] = {}
    counts: Counter[str] = Counter()
    for q in sorted(record.quotes, key=lambda q: q.content.start):
        if q.speaker is not None:
            colour.setdefault(q.speaker.name, len(colour) % PALETTE_SIZE)
            counts[q.speaker.name] += 1

    marks: list[Mark] = []
    quotes: list[dict[str, Any]] = []
    claims_in: defaultdict[str, list[str]] = defaultdict(list)
    for claim in record.claims:
        if claim.quote:
            claims_in[claim.quote].append(claim.span.text)
    for q in record.quotes:
        name = q.speaker.name if q.speaker else None
        css = f"spk-{colour[name]}" if name is not None else "spk-none"
        for i, part in enumerate(q.content_parts or [q.content]):
            marks.append(
                Mark(
                    part.start,
                    part.end,
                    1,
                    "mark",
                    {"class": f"q {css} kind-{q.kind}", "data-quote": q.id},
                    {
                        "id": f"mark-{q.id}",
                        "tabindex": "0",
                        "role": "button",
                        "aria-controls": "quote-panel",
                    }
                    if i == 0
                    else {},
                )
            )
        if q.source is not None:
            marks.append(Mark(q.source.start, q.source.end, 2, "span", {"class": f"src {css}"}, {}))
        if q.cue is not None:
            marks.append(Mark(q.cue.start, q.cue.end, 2, "span", {"class": "cue"}, {}))
        quotes.append(
            {
                "id": q.id,
                "kind": q.kind,
                "speaker": name,
                "speaker_type": q.speaker.type if q.speaker else None,
                "colour": css,
                "source": q.source.text if q.source else None,
                "cue": q.cue.text if q.cue else None,
                "content": q.content.text,
                "confidence": q.confidence,
                "nested_in": q.nested_in,
                "claims": claims_in.get(q.id, []),
            }
        )
    claims: list[dict[str, Any]] = []
    for claim in record.claims:
        title = _claim_title(claim)
        marks.append(
            Mark(
                claim.span.start,
                claim.span.end,
                3,
                "span",
                {"class": "claim", "title": title},
                {"id": f"claim-{claim.id}"},
            )
        )
        claims.append(
            {
                "id": claim.id,
                "text": claim.span.text,
                "title": title,
                "asserted_by": claim.asserted_by.name if claim.asserted_by else None,
                "measure": claim.measure,
            }
        )
    dates: list[dict[str, Any]] = []
    for date in record.dates:
        title = _date_title(date)
        marks.append(
            Mark(date.span.start, date.span.end, 3, "span", {"class": "date", "title": title}, {})
        )
        dates.append({"text": date.span.text, "title": title})

    body = [(b.start, b.end) for b in record.body]
    html: list[str] = []
    for p_start, p_end in paragraphs(text):
        inside = [
            Mark(max(m.start, p_start), min(m.end, p_end), m.rank, m.tag, m.attrs, m.first_attrs)
            for m in marks
            if m.start < p_end and m.end > p_start
        ]
        # a mark cut at a paragraph keeps its id and focus only where it begins
        for m, original in zip(
            inside, [m for m in marks if m.start < p_end and m.end > p_start], strict=True
        ):
            if original.start < p_start:
                m.first_attrs = {}
        in_body = not body or any(s < p_end and e > p_start for s, e in body)
        css = "" if in_body else ' class="outside-body"'
        html.append(f"<p{css}>{_nest(text, p_start, p_end, inside)}</p>")
    speakers = [
        {"name": name, "colour": f"spk-{index}", "quotes": counts[name]}
        for name, index in colour.items()
    ]
    if any(q.speaker is None for q in record.quotes):
        speakers.append(
            {
                "name": None,
                "colour": "spk-none",
                "quotes": sum(q.speaker is None for q in record.quotes),
            }
        )
    return ArticleView(Markup("\n".join(html)), quotes, speakers, claims, dates)  # noqa: S704 - built from escaped pieces


# --- search --------------------------------------------------------------------------------

_WORDS = re.compile(r"\w+", re.UNICODE)


def snippet(text: str, words: Sequence[str], width: int = 240) -> Markup:
    """A piece of ``text`` around the first of ``words``, each occurrence in <mark>, escaped."""
    terms = sorted({w.casefold() for w in words if w.strip()}, key=len, reverse=True)
    if not terms:
        return escape(text[:width] + ("…" if len(text) > width else ""))
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    first = pattern.search(text)
    centre = first.start() if first else 0
    start = max(0, centre - width // 3)
    if start:  # begin and end on a word boundary
        space = text.find(" ", start, centre)
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    piece = text[start:end]
    out: list[str] = ["…" if start else ""]
    pos = 0
    for match in pattern.finditer(piece):
        out.append(str(escape(piece[pos : match.start()])))
        out.append(f"<mark>{escape(match.group())}</mark>")
        pos = match.end()
    out.append(str(escape(piece[pos:])))
    out.append("…" if end < len(text) else "")
    return Markup("".join(out))  # noqa: S704 - built from escaped pieces


@dataclass(frozen=True, slots=True)
class ArticleHit:
    id: str
    title: str | None
    outlet: str | None
    published: str | None
    snippet: Markup


def search_articles(
    corpus: Corpus,
    words: str,
    *,
    outlet: str | None,
    since: str | None,
    until: str | None,
    limit: int,
    offset: int,
) -> list[ArticleHit]:
    """Articles whose title or text hold all ``words`` (FTS5), newest first."""
    where = ["d.pk IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH :match)"]
    params: dict[str, Any] = {"match": fts_query(words), "limit": limit, "offset": offset}
    if outlet:
        where.append("d.outlet = :outlet COLLATE NOCASE")
        params["outlet"] = outlet
    if since:
        where.append("d.published >= :since")
        params["since"] = since
    if until:
        where.append("d.published <= :until")
        params["until"] = until
    sql = (
        "SELECT d.id, d.title, d.outlet, d.published, d.text FROM documents d WHERE "
        + " AND ".join(where)
        + " ORDER BY d.published IS NULL, d.published DESC, d.pk LIMIT :limit OFFSET :offset"
    )
    try:
        rows = corpus.conn.execute(sql, params).fetchall()
    except sqlite3.Error as exc:
        raise StoreError(f"search failed: {exc}") from exc
    terms = [t.strip('"') for t in _WORDS.findall(words)]
    return [
        ArticleHit(row[0], row[1], row[2], row[3], snippet(str(row[4] or ""), terms))
        for row in rows
    ]


def _date_param(value: str | None, what: str, errors: list[str]) -> str | None:
    if not value:
        return None
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        errors.append(f"{what}: {value!r} is not a date of the form YYYY-MM-DD.")
        return None
    return value


def _page(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 10_000))
    except ValueError:
        return 1


def _render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, template, context, status_code=status)


def not_found(request: Request, message: str = "There is no such page.") -> HTMLResponse:
    """The HTML 404 page (the app may use it for unknown paths too)."""
    return _render(request, "404.html", 404, message=message, title="Not found")


#: Speakers offered in the speaker field of the search form (most quoted first).
HOME_SPEAKERS = 300


def home_speakers(corpus: Corpus) -> list[SpeakerRow]:
    """The speakers the search form offers, remembered while the corpus is unchanged."""
    return queries.memo(corpus, "home-speakers", (), lambda: corpus.speakers(limit=HOME_SPEAKERS))


@router.get("/", response_class=HTMLResponse)
def search_page(
    request: Request,
    corpus: CorpusDep,
    q: str | None = None,
    speaker: str | None = None,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    kind: str | None = None,
    page: str | None = None,
) -> HTMLResponse:
    errors: list[str] = []
    q = (q or "").strip()[:500] or None
    speaker = (speaker or "").strip()[:200] or None
    outlet = (outlet or "").strip()[:200] or None
    since = _date_param(since, "From", errors)
    until = _date_param(until, "To", errors)
    if kind not in (*QUOTE_KINDS, "articles"):
        kind = None
    number = _page(page)
    params = {
        "q": q,
        "speaker": speaker,
        "outlet": outlet,
        "since": since,
        "until": until,
        "kind": kind,
    }
    offset = (number - 1) * PAGE_SIZE
    quotes: list[QuoteRow] = []
    total = 0
    articles: list[ArticleHit] = []
    more = False
    if not errors:
        try:
            if kind == "articles":
                if q:
                    articles = search_articles(
                        corpus,
                        q,
                        outlet=outlet,
                        since=since,
                        until=until,
                        limit=PAGE_SIZE + 1,
                        offset=offset,
                    )
                    more = len(articles) > PAGE_SIZE
                    articles = articles[:PAGE_SIZE]
            else:
                total, quotes = quote_page(
                    corpus,
                    speaker=speaker,
                    outlet=outlet,
                    since=since,
                    until=until,
                    contains=q,
                    kind=kind,
                    limit=PAGE_SIZE,
                    offset=offset,
                )
                more = total > offset + PAGE_SIZE
        except StoreError as exc:
            errors.append(exc.message)
    outlet_rows = queries.memo(corpus, "outlets", (False,), corpus.outlets)
    outlets = [o.outlet for o in outlet_rows if o.outlet]
    speakers = [s.name for s in home_speakers(corpus)]
    empty_corpus = not outlet_rows
    words = [t for t in _WORDS.findall(q or "")]
    return _render(
        request,
        "search.html",
        400 if errors else 200,
        title="Search" if not q else f"Search: {q}",
        params=params,
        page=number,
        quotes=[(row, snippet(row.content, words, 400) if words else None) for row in quotes],
        articles=articles,
        total=total,
        more=more,
        prev_href=_query_href("/", params, page=number - 1) if number > 1 else None,
        next_href=_query_href("/", params, page=number + 1) if more else None,
        articles_href=_query_href("/", {**params, "kind": "articles", "speaker": None}),
        quotes_href=_query_href("/", {**params, "kind": None}),
        errors=errors,
        outlets=outlets,
        speakers=speakers,
        kinds=QUOTE_KINDS,
        empty_corpus=empty_corpus,
    )


# --- article -------------------------------------------------------------------------------


def load_record(corpus: Corpus, document_id: str) -> Record | None:
    try:
        row = corpus.conn.execute(
            "SELECT record FROM documents WHERE id = ?", (document_id,)
        ).fetchone()
    except sqlite3.Error as exc:
        raise StoreError(f"cannot read the article: {exc}") from exc
    if row is None:
        return None
    return Record.model_validate_json(row[0])


@router.get("/articles/{document_id:path}", response_class=HTMLResponse)
def article_page(request: Request, document_id: str, corpus: CorpusDep) -> HTMLResponse:
    record = load_record(corpus, document_id)
    if record is None:
        return not_found(request, "There is no article with this id in the corpus.")
    return _render(
        request,
        "article.html",
        title=record.title or record.id,
        record=record,
        view=highlight(record),
        stored=True,
    )


# --- speaker -------------------------------------------------------------------------------


def _stored_entity(corpus: Corpus, name: str) -> CorpusEntity | None:
    """The corpus entity (as last linked by ``onrecord ingest``) named ``name`` or spelt so
    somewhere, any case; the one in most documents when several are."""
    columns = "id, name, type, variants, roles, documents, outlets, mentions, resolved"
    try:
        row = corpus.conn.execute(
            f"SELECT {columns} FROM corpus_entities WHERE name = ? COLLATE NOCASE"
            " ORDER BY documents DESC, id LIMIT 1",
            (name,),
        ).fetchone()
        if row is None:
            row = corpus.conn.execute(
                f"SELECT {columns} FROM corpus_entities c WHERE EXISTS (SELECT 1 FROM"
                " json_each(c.variants) WHERE value = ? COLLATE NOCASE)"
                " ORDER BY documents DESC, id LIMIT 1",
                (name,),
            ).fetchone()
    except sqlite3.Error:  # a corpus from before entity linking: no such table
        return None
    if row is None:
        return None
    return CorpusEntity(
        id=int(row[0]),
        name=str(row[1]),
        type=str(row[2]),
        variants=[str(v) for v in json.loads(row[3] or "[]")],
        roles=[str(r) for r in json.loads(row[4] or "[]")],
        documents=int(row[5]),
        outlets=int(row[6]),
        mentions=int(row[7]),
        resolved=bool(row[8]),
    )


_QUOTE_SELECT = ", ".join(
    f"d.{c}" if c in ("outlet", "published", "title", "url") else f"q.{c}" for c in QUOTE_COLUMNS
)


@dataclass(slots=True)
class SpeakerQuotes:
    total: int
    by_outlet: list[tuple[str, int]]
    by_date: list[tuple[str, int]]
    kinds: dict[str, int]
    rows: list[QuoteRow]


def speaker_quotes(
    corpus: Corpus, names: Iterable[str], *, limit: int, offset: int
) -> SpeakerQuotes:
    """Every quote whose speaker is one of ``names`` (whole names, any case), oldest first,
    with counts by outlet, day and kind over all of them (every copy counts)."""
    # the spellings as stored (SQLite's NOCASE: ASCII letters folded), from the remembered
    # list of names, so that the index on speaker_name serves
    spellings = queries.speaker_spellings(corpus)
    stored = sorted(
        {s for n in names if n for s in spellings.get(n.casefold().encode("utf-8").lower(), ())}
    )
    if not stored:
        return SpeakerQuotes(0, [], [], {}, [])
    counts = queries.memo(
        corpus,
        "speaker-quotes",
        (tuple(stored),),
        lambda: _speaker_counts(corpus, stored),
        item=True,
    )
    page = list(counts.order[offset : offset + limit])
    rows: list[QuoteRow] = []
    if page:
        marks = ", ".join("?" for _ in page)
        try:
            found = {
                r[0]: QuoteRow(*r[1:])
                for r in corpus.conn.execute(
                    f"SELECT q.pk, {_QUOTE_SELECT} FROM quotes q"
                    f" JOIN documents d ON d.id = q.document_id WHERE q.pk IN ({marks})",
                    page,
                )
            }
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the quotes: {exc}") from exc
        rows = [found[pk] for pk in page if pk in found]
    return SpeakerQuotes(counts.total, counts.by_outlet, counts.by_date, counts.kinds, rows)


@dataclass(frozen=True, slots=True)
class _SpeakerCounts:
    total: int
    by_outlet: list[tuple[str, int]]
    by_date: list[tuple[str, int]]
    kinds: dict[str, int]
    order: array[int]  # the quotes' pks, oldest first (undated last)


def _speaker_counts(corpus: Corpus, stored: list[str]) -> _SpeakerCounts:
    """One pass over the quotes of ``stored`` (names as stored): the counts, and the
    order of the quotes (published, undated last; document; position)."""
    marks = ", ".join("?" for _ in stored)
    outlets: Counter[str] = Counter()
    days: Counter[str | None] = Counter()
    kinds: Counter[str] = Counter()
    keyed: list[tuple[bool, str, str, bool, int, int]] = []
    try:
        for pk, outlet, published, kind, document_id, start in corpus.conn.execute(
            "SELECT q.pk, d.outlet, d.published, q.kind, q.document_id, q.content_start"
            f" FROM quotes q JOIN documents d ON d.id = q.document_id"
            f" WHERE q.speaker_name IN ({marks})",
            stored,
        ):
            outlets[outlet if outlet is not None else "(unknown outlet)"] += 1
            days[published] += 1
            kinds[str(kind)] += 1
            keyed.append(
                (
                    published is None,
                    published or "",
                    document_id,
                    start is not None,
                    start or 0,
                    pk,
                )
            )
    except sqlite3.Error as exc:
        raise StoreError(f"cannot read the quotes: {exc}") from exc
    keyed.sort()
    by_outlet = sorted(outlets.items(), key=lambda kv: (-kv[1], kv[0]))
    by_date = [
        (day or "undated", n)
        for day, n in sorted(days.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))
    ]
    return _SpeakerCounts(
        sum(outlets.values()), by_outlet, by_date, dict(kinds), array("q", (k[-1] for k in keyed))
    )


@router.get("/speakers/{name:path}", response_class=HTMLResponse)
def speaker_page(
    request: Request,
    name: str,
    corpus: CorpusDep,
    page: str | None = None,
) -> HTMLResponse:
    name = name.strip()[:300]
    entity = _stored_entity(corpus, name) if name else None
    names = {name} | (set(entity.variants) if entity else set())
    number = _page(page)
    found = speaker_quotes(
        corpus, names, limit=SPEAKER_PAGE_SIZE, offset=(number - 1) * SPEAKER_PAGE_SIZE
    )
    if not found.total and entity is None:
        return not_found(request, "No quotes and no entity of this name in the corpus.")
    more = found.total > number * SPEAKER_PAGE_SIZE
    href = speaker_href(name)
    return _render(
        request,
        "speaker.html",
        title=entity.name if entity else name,
        name=entity.name if entity else name,
        entity=entity,
        quotes=found.rows,
        total=found.total,
        by_outlet=found.by_outlet,
        by_date=found.by_date,
        kinds=found.kinds,
        page=number,
        prev_href=f"{href}?page={number - 1}" if number > 1 else None,
        next_href=f"{href}?page={number + 1}" if more else None,
    )


# --- figures -------------------------------------------------------------------------------


#: Rows of the figures table rendered per page (the chart reads every figure from the API).
FIGURES_PAGE_SIZE = 100
#: Spreads and lone figures listed on the page at most (the API has them all).
FIGURES_LIST_LIMIT = 100


@router.get("/figures", response_class=HTMLResponse)
def figures_page(
    request: Request,
    corpus: CorpusDep,
    term: str | None = None,
    by: str | None = None,
    window: str | None = None,
    page: str | None = None,
) -> HTMLResponse:
    term = (term or "").strip()[:200] or None
    by_value = "source" if by == "source" else "outlet"
    errors: list[str] = []
    try:
        days = max(0, min(int(window or 0), 365))
    except ValueError:
        errors.append(f"Window: {window!r} is not a number of days.")
        days = 0
    found = None
    if term and not errors:
        try:
            found = queries.figures(corpus, term, by=by_value, window=days)  # type: ignore[arg-type]
        except StoreError as exc:
            errors.append(exc.message)
    params = {"term": term or "", "by": by_value, "window": days}
    api = "/api/figures?" + urlencode(params)
    number = _page(page)
    total = len(found.rows) if found else 0
    start = (number - 1) * FIGURES_PAGE_SIZE
    rows = found.rows[start : start + FIGURES_PAGE_SIZE] if found else []
    return _render(
        request,
        "figures.html",
        400 if errors else 200,
        title=f"Figures: {term}" if term else "Figures",
        term=term,
        by=by_value,
        window=days,
        found=found,
        rows=rows,
        total=total,
        first=start + 1,
        list_limit=FIGURES_LIST_LIMIT,
        page=number,
        prev_href=_query_href("/figures", params, page=number - 1) if number > 1 else None,
        next_href=(
            _query_href("/figures", params, page=number + 1)
            if total > number * FIGURES_PAGE_SIZE
            else None
        ),
        api=api,
        errors=errors,
    )


# --- outlets -------------------------------------------------------------------------------

#: Speakers shown in the comparison matrix of /outlets.
MATRIX_SPEAKERS = 15


@dataclass(frozen=True, slots=True)
class OutletsView:
    outlets: list[Any]
    quoted: dict[str, list[tuple[str, int]]]
    named: Counter[str]
    columns: list[str]
    matrix: list[tuple[Any, list[int]]]
    speakers_total: int


def outlets_view(corpus: Corpus) -> OutletsView:
    """What /outlets shows: each outlet's speakers, most quoted first, and the matrix of
    the most quoted speakers by outlet (worked out once per state of the corpus)."""
    outlets = corpus.outlets()
    speakers = corpus.speakers()
    quoted: dict[str, list[tuple[str, int]]] = defaultdict(list)
    named: Counter[str] = Counter()
    for s in speakers:
        for outlet, n in s.by_outlet.items():
            quoted[outlet].append((s.name, n))
            named[outlet] += n
    for outlet in quoted:
        quoted[outlet].sort(key=lambda kv: (-kv[1], kv[0]))
    columns = [o.outlet or "(unknown outlet)" for o in outlets]
    matrix = [
        (s, [s.by_outlet.get(column, 0) for column in columns]) for s in speakers[:MATRIX_SPEAKERS]
    ]
    return OutletsView(outlets, dict(quoted), named, columns, matrix, len(speakers))


def outlets_page_view(corpus: Corpus) -> OutletsView:
    """``outlets_view``, remembered while the corpus is unchanged."""
    return queries.memo(corpus, "outlets-page", (), lambda: outlets_view(corpus))


@router.get("/outlets", response_class=HTMLResponse)
def outlets_page(request: Request, corpus: CorpusDep) -> HTMLResponse:
    view = outlets_page_view(corpus)
    return _render(
        request,
        "outlets.html",
        title="Outlets",
        outlets=view.outlets,
        quoted=view.quoted,
        named=view.named,
        columns=view.columns,
        matrix=view.matrix,
        speakers_total=view.speakers_total,
    )


# --- analyze -------------------------------------------------------------------------------


def _analyze_limit(request: Request) -> int:
    limit = getattr(request.app.state, "max_body", None)
    return (
        min(ANALYZE_MAX_BYTES, int(limit))
        if isinstance(limit, int) and limit > 0
        else ANALYZE_MAX_BYTES
    )


_analysis_lock = threading.Lock()


def _allowed(request: Request) -> bool:
    return bool(getattr(request.app.state, "allow_analyze", False))


@router.get("/analyze", response_class=HTMLResponse)
def analyze_form(request: Request) -> HTMLResponse:
    return _render(
        request,
        "analyze.html",
        title="Analyze a text",
        allowed=_allowed(request),
        limit=_analyze_limit(request),
        errors=[],
        text="",
        published="",
        record=None,
        view=None,
    )


@router.post("/analyze", response_class=HTMLResponse)
def analyze_submit(
    request: Request,
    text: Annotated[str, Form()] = "",
    published: Annotated[str, Form()] = "",
    upload: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    allowed = _allowed(request)
    limit = _analyze_limit(request)
    errors: list[str] = []
    context: dict[str, Any] = {
        "title": "Analyze a text",
        "allowed": allowed,
        "limit": limit,
        "text": text[:limit],
        "published": published[:10],
        "record": None,
        "view": None,
        "errors": errors,
    }
    if not allowed:
        return _render(request, "analyze.html", 403, **context)
    when = _date_param(published.strip() or None, "Published", errors)
    html: str | None = None
    if upload is not None and upload.filename:
        data = upload.file.read(limit + 1)
        if len(data) > limit:
            errors.append(f"The file is larger than {limit:,} bytes.")
        else:
            from ..ingest.decode import declared_html_charset, decode_bytes

            as_text = upload.filename.lower().endswith(".txt")
            try:
                decoded = decode_bytes(
                    data,
                    name=upload.filename,
                    declared=None if as_text else declared_html_charset(data),
                )
            except OnrecordError as exc:
                errors.append(exc.message)
            else:
                if as_text:
                    text = decoded
                else:
                    html = decoded
    elif len(text.encode("utf-8")) > limit:
        errors.append(f"The text is larger than {limit:,} bytes.")
    if not errors and html is None and not text.strip():
        errors.append("Paste a text or choose an HTML file.")
    record: Record | None = None
    if not errors:
        from ..api import analyze
        from ..ingest import document_from_html, document_from_text

        try:
            if html is not None:
                document = document_from_html(html, id="upload", source="<upload>", published=when)
            else:
                document = document_from_text(text, id="pasted", source="<pasted>", published=when)
            with _analysis_lock:  # one analysis at a time: the model is shared
                record = analyze(document)
        except OnrecordError as exc:
            errors.append(exc.message)
    context["record"] = record
    context["view"] = highlight(record) if record is not None else None
    return _render(request, "analyze.html", 400 if errors else 200, **context)
