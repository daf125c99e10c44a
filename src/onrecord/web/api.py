"""The REST API under ``/api``: articles, quotes, speakers, outlets, figures, entities,
and ``POST /api/analyze`` (only with ``--allow-analyze``).

Lists are pages: ``limit`` (1..500) and ``offset``; each answer carries ``total`` (how
many match), ``limit``, ``offset`` and ``next`` (the path and query of the next page, or
null). Errors are ``{"error": {"code", "message"}}``. See docs/WEB.md.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from fastapi import (
    APIRouter,
    Depends,
    File,
    Form,
    HTTPException,
    Path,
    Query,
    Request,
    Response,
    UploadFile,
)
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from ..errors import OnrecordError
from ..store import Corpus, CorpusEntity, StoreError
from ..store.figures import Figures
from ..store.queries import QuoteRow
from ..types import Record
from . import queries
from .deps import get_corpus

__all__ = ["ERROR_RESPONSES", "router"]

MAX_LIMIT = 500
MAX_OFFSET = 1_000_000_000


# --- models --------------------------------------------------------------------------------


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorDetail(_Out):
    code: str = Field(description="a short machine-readable code: not_found, invalid, ...")
    message: str = Field(description="what went wrong, for people")


class ErrorResponse(_Out):
    """Every error response."""

    error: ErrorDetail


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorResponse, "description": description}


#: Declared on the app, so every operation documents them (schemathesis checks them).
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _error("Bad request: an undecodable body, a bad Host or Content-Length"),
    403: _error("Forbidden: analysis is not enabled, or a cross-origin request"),
    413: _error("The request body is too large"),
    422: _error("A parameter is not valid"),
    500: _error("Internal error (details are logged, never sent)"),
    503: _error("The database is busy or cannot be read"),
}


class _Paged(_Out):
    total: int = Field(ge=0, description="how many items match, over all pages")
    limit: int
    offset: int
    next: str | None = Field(description="path and query of the next page, or null")


class ArticleSummary(_Out):
    id: str
    title: str | None
    outlet: str | None
    url: str | None
    published: str | None
    language: str | None
    quotes: int
    claims: int


class ArticlePage(_Paged):
    items: list[ArticleSummary]


class QuoteItem(_Out):
    document_id: str
    quote_id: str
    kind: str
    content: str
    speaker_name: str | None
    speaker_type: str | None
    source_text: str | None
    cue: str | None
    confidence: float
    outlet: str | None
    published: str | None
    title: str | None
    url: str | None
    content_start: int
    content_end: int


class QuotePage(_Paged):
    items: list[QuoteItem]


class SpeakerItem(_Out):
    name: str
    type: str | None
    quotes: int
    documents: int
    by_outlet: dict[str, int]
    variants: list[str] = []
    corpus_entity: int | None = None


class SpeakerPage(_Paged):
    items: list[SpeakerItem]


class DayCount(_Out):
    date: str | None
    quotes: int


class SpeakerOut(_Out):
    """One speaker: counts over time and by outlet, aliases and roles, the latest quotes."""

    name: str
    types: list[str]
    quotes: int
    documents: int
    first_published: str | None
    last_published: str | None
    by_outlet: dict[str, int]
    kinds: dict[str, int]
    timeline: list[DayCount]
    aliases: list[str] = Field(description="other spellings, from the corpus entities")
    roles: list[str] = Field(description="titles and descriptions, from the corpus entities")
    entity_id: int | None = Field(description="the corpus entity, see /api/entities")
    recent_quotes: list[QuoteItem]
    more_quotes: str | None = Field(
        description="path and query of the speaker's next quotes (every copy)"
    )


class OutletItem(_Out):
    outlet: str | None
    documents: int
    quotes: int
    first_published: str | None
    last_published: str | None
    copies: int


class OutletPage(_Paged):
    items: list[OutletItem]


class FigureItem(_Out):
    group: str
    date: str | None
    date_source: str | None
    figure: str
    value: float | None
    low: float | None
    high: float | None
    qualifier: str
    unit: str | None
    direction: str | None
    measure: str | None
    event: str | None
    asserted_by: str
    outlet: str | None
    document_id: str
    claim_id: str
    sentence: str
    match: str
    copy_group: int | None
    day_low: float | None
    day_high: float | None
    day_ratio: float | None
    flagged: bool


class SpreadItem(_Out):
    group: str
    date: str
    low: float
    high: float
    ratio: float | None
    low_by: list[str]
    high_by: list[str]
    sides: int


class FlagItem(_Out):
    group: str
    date: str
    figure: str
    by: str
    outlet: str | None
    asserted_by: str
    document_id: str
    claim_id: str
    others: list[str]


class FiguresOut(_Paged):
    """The timeline (``items``, paged), the spreads between outlets and the lone figures."""

    term: str
    by: str
    window: int
    groups: list[str]
    items: list[FigureItem]
    spreads: list[SpreadItem]
    flags: list[FlagItem]


class EntityItem(_Out):
    id: int
    name: str
    type: str
    variants: list[str]
    roles: list[str]
    documents: int
    outlets: int
    mentions: int
    resolved: bool


class EntityPage(_Paged):
    items: list[EntityItem]


def _iso_date(value: Any) -> Any:
    """Only ``YYYY-MM-DD`` is a date here (pydantic would read "0" as a timestamp)."""
    if isinstance(value, str) and (len(value) != 10 or value[4] != "-" or value[7] != "-"):
        raise ValueError("not a date of the form YYYY-MM-DD")
    if not isinstance(value, str | dt.date):
        raise ValueError("not a date of the form YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


class _AnalyzeMeta(BaseModel):
    model_config = ConfigDict(extra="forbid")

    published: IsoDate | None = Field(
        default=None, description="reference date YYYY-MM-DD for relative dates"
    )
    title: str | None = None
    outlet: str | None = None
    url: str | None = None


class AnalyzeText(_AnalyzeMeta):
    """Plain text, analysed as it is (offsets are offsets into it)."""

    text: str


class AnalyzeHtml(_AnalyzeMeta):
    """A web page: the article body is extracted first."""

    html: str


# --- helpers -------------------------------------------------------------------------------

router = APIRouter(prefix="/api", tags=["api"])

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="items per page (at most 500)")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="items to skip")]
Since = Annotated[IsoDate | None, Query(description="published on or after (YYYY-MM-DD)")]
Until = Annotated[IsoDate | None, Query(description="published on or before (YYYY-MM-DD)")]
Outlet = Annotated[str | None, Query(max_length=500, description="the outlet's name, any case")]
Words = Annotated[
    str | None,
    Query(
        max_length=500,
        # a letter or digit; spelt out, as the validator (Rust's regex) and the schema's
        # readers (Python's re, JavaScript) disagree on what else \w holds (combining marks)
        pattern=r"[0-9A-Za-z]|[^\x00-\x7f]",
        description='words to find (full text, every word); "double quotes" for a phrase',
    ),
]
CorpusDep = Annotated[Corpus, Depends(get_corpus)]


def _next(request: Request, total: int, limit: int, offset: int) -> str | None:
    if offset + limit >= total:
        return None
    url = request.url.include_query_params(limit=limit, offset=offset + limit)
    return f"{url.path}?{url.query}"


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _quote_item(row: QuoteRow) -> QuoteItem:
    return QuoteItem(**row.as_dict())


def corpus_entities(corpus: Corpus) -> list[CorpusEntity]:
    """The corpus entities, remembered while the corpus is unchanged."""
    return queries.memo(corpus, "entities", (), corpus.corpus_entities)


def _entity_for(entities: Sequence[CorpusEntity], name: str) -> CorpusEntity | None:
    folded = name.casefold()
    best: CorpusEntity | None = None
    for entity in entities:
        if entity.name.casefold() == folded:
            return entity
        if best is None and any(v.casefold() == folded for v in entity.variants):
            best = entity
    return best


# --- routes --------------------------------------------------------------------------------


@router.get("/articles", response_model=ArticlePage, summary="Articles, newest first")
def list_articles(
    request: Request,
    corpus: CorpusDep,
    outlet: Outlet = None,
    since: Since = None,
    until: Until = None,
    q: Words = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> ArticlePage:
    total, rows = queries.article_page(
        corpus,
        outlet=outlet,
        since=_day(since),
        until=_day(until),
        q=q,
        limit=limit,
        offset=offset,
    )
    return ArticlePage(
        total=total,
        limit=limit,
        offset=offset,
        next=_next(request, total, limit, offset),
        items=[_article(row) for row in rows],
    )


def _article(row: queries.ArticleRow) -> ArticleSummary:
    return ArticleSummary(
        id=row.id,
        title=row.title,
        outlet=row.outlet,
        url=row.url,
        published=row.published,
        language=row.language,
        quotes=row.quotes,
        claims=row.claims,
    )


@router.get(
    "/articles/{document_id:path}",
    response_model=Record,
    summary="One article's full record (docs/OUTPUT_CONTRACT.md)",
    responses={404: _error("No article with this id")},
)
def get_article(
    corpus: CorpusDep,
    document_id: Annotated[str, Path(description="the document's id")],
) -> Record:
    stored = queries.record_json(corpus, document_id)
    if stored is None:
        raise HTTPException(404, "no article with this id")
    return Record.model_validate_json(stored)


@router.get("/quotes", response_model=QuotePage, summary="Quotes, newest first")
def list_quotes(
    request: Request,
    corpus: CorpusDep,
    speaker: Annotated[
        str | None, Query(max_length=500, description="part of the speaker's name, any case")
    ] = None,
    outlet: Outlet = None,
    since: Since = None,
    until: Until = None,
    contains: Words = None,
    kind: Annotated[
        Literal["direct", "indirect", "mixed"] | None, Query(description="kind of quote")
    ] = None,
    speaker_exact: Annotated[
        bool, Query(description="speaker is the whole name (any case), not a part")
    ] = False,
    limit: Limit = 50,
    offset: Offset = 0,
) -> QuotePage:
    total, rows = queries.quote_page(
        corpus,
        speaker=speaker,
        outlet=outlet,
        since=_day(since),
        until=_day(until),
        contains=contains,
        kind=kind,
        exact_speaker=speaker_exact,
        limit=limit,
        offset=offset,
    )
    return QuotePage(
        total=total,
        limit=limit,
        offset=offset,
        next=_next(request, total, limit, offset),
        items=[_quote_item(row) for row in rows],
    )


@router.get("/speakers", response_model=SpeakerPage, summary="Named speakers, most quoted first")
def list_speakers(
    request: Request,
    corpus: CorpusDep,
    outlet: Annotated[
        str | None, Query(max_length=500, description="only quotes in this outlet")
    ] = None,
    all_copies: Annotated[
        bool, Query(description="count every copy of a syndicated story")
    ] = False,
    limit: Limit = 50,
    offset: Offset = 0,
) -> SpeakerPage:
    listed = queries.speaker_list(corpus, outlet=outlet, all_copies=all_copies)
    total = len(listed)
    rows = listed[offset : offset + limit]
    return SpeakerPage(
        total=total,
        limit=limit,
        offset=offset,
        next=_next(request, total, limit, offset),
        items=[SpeakerItem(**row.as_dict()) for row in rows],
    )


@router.get(
    "/speakers/{name}",
    response_model=SpeakerOut,
    summary="One speaker: quotes over time and by outlet, aliases, roles",
    responses={404: _error("No quote by this speaker")},
)
def get_speaker(
    request: Request,
    corpus: CorpusDep,
    name: Annotated[str, Path(max_length=500, description="the speaker's whole name")],
    quotes_limit: Annotated[
        int, Query(ge=0, le=MAX_LIMIT, description="how many of the latest quotes")
    ] = 20,
) -> SpeakerOut:
    detail = queries.speaker_detail(corpus, name)
    if detail is None:
        raise HTTPException(404, "no quote by this speaker")
    listed, recent = queries.quote_page(
        corpus, speaker=detail.name, exact_speaker=True, limit=quotes_limit
    )
    entity = _entity_for(corpus_entities(corpus), detail.name)
    more = None
    if listed > len(recent):
        url = request.url.replace(path="/api/quotes", query="").include_query_params(
            speaker=detail.name,
            speaker_exact="true",
            offset=len(recent),
            limit=max(1, quotes_limit),
        )
        more = f"{url.path}?{url.query}"
    return SpeakerOut(
        name=detail.name,
        types=detail.types,
        quotes=detail.quotes,
        documents=detail.documents,
        first_published=detail.first_published,
        last_published=detail.last_published,
        by_outlet=detail.by_outlet,
        kinds=detail.kinds,
        timeline=[DayCount(date=day, quotes=n) for day, n in detail.timeline],
        aliases=[v for v in entity.variants if v != detail.name] if entity else [],
        roles=list(entity.roles) if entity else [],
        entity_id=entity.id if entity else None,
        recent_quotes=[_quote_item(row) for row in recent],
        more_quotes=more,
    )


@router.get("/outlets", response_model=OutletPage, summary="Outlets, most articles first")
def list_outlets(
    request: Request,
    corpus: CorpusDep,
    all_copies: Annotated[
        bool, Query(description="count every copy of a syndicated story")
    ] = False,
    limit: Limit = 50,
    offset: Offset = 0,
) -> OutletPage:
    rows = queries.memo(
        corpus, "outlets", (all_copies,), lambda: corpus.outlets(all_copies=all_copies)
    )
    return OutletPage(
        total=len(rows),
        limit=limit,
        offset=offset,
        next=_next(request, len(rows), limit, offset),
        items=[OutletItem(**row.as_dict()) for row in rows[offset : offset + limit]],
    )


def figures_answer(
    corpus: Corpus,
    term: str,
    *,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    by: Literal["outlet", "source"] = "outlet",
    window: int = 0,
    exact: bool = False,
) -> tuple[Figures, list[str], list[SpreadItem], list[FlagItem], bytes]:
    """What ``GET /api/figures`` answers but the page of the timeline and the term: the
    figures, their groups, spreads and flags, and the JSON of the spreads and flags (the
    bulk of an answer: thousands, not paged), remembered while the corpus is unchanged,
    once for every term that looks for the same (``queries.figure_key``)."""

    def compute() -> tuple[Figures, list[str], list[SpreadItem], list[FlagItem], bytes]:
        try:
            found = queries.figures(
                corpus,
                term,
                outlet=outlet,
                since=since,
                until=until,
                by=by,
                window=window,
                exact=exact,
            )
        except StoreError as exc:
            if "no word to look for" not in exc.message:
                raise
            found = Figures(term=term, by=by, window=window)  # only stop words: nothing found
        spreads = [SpreadItem(**s.as_dict()) for s in found.spreads]
        flags = [FlagItem(**f.as_dict()) for f in found.flags]
        tail = _SpreadsAndFlags(spreads=spreads, flags=flags).model_dump_json().encode()
        return found, found.groups, spreads, flags, tail

    key = queries.figure_key(
        term, outlet=outlet, since=since, until=until, by=by, window=window, exact=exact
    )
    return queries.memo(corpus, "figures-api", key, compute)


@router.get(
    "/figures",
    response_model=FiguresOut,
    summary="One measure across the corpus: timeline, spreads between outlets, lone figures",
)
def get_figures(
    request: Request,
    corpus: CorpusDep,
    term: Annotated[
        str,
        Query(
            min_length=1,
            max_length=200,
            pattern=r"[A-Za-z]",
            description="what is counted: 'killed', 'displaced', 'unemployment'",
        ),
    ],
    outlet: Outlet = None,
    since: Since = None,
    until: Until = None,
    by: Annotated[
        Literal["outlet", "source"], Query(description="compare outlets or sources")
    ] = "outlet",
    window: Annotated[
        int, Query(ge=0, le=366, description="days apart two figures may be for a flag")
    ] = 0,
    exact: Annotated[bool, Query(description="match the term's words only")] = False,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    found, groups, _, _, tail = figures_answer(
        corpus,
        term,
        outlet=outlet,
        since=_day(since),
        until=_day(until),
        by=by,
        window=window,
        exact=exact,
    )
    total = len(found.rows)
    head = FiguresOut(
        term=term,
        by=found.by,
        window=found.window,
        groups=groups,
        total=total,
        limit=limit,
        offset=offset,
        next=_next(request, total, limit, offset),
        items=[FigureItem(**row.as_dict()) for row in found.rows[offset : offset + limit]],
        spreads=[],
        flags=[],
    ).model_dump_json()
    # the JSON FastAPI would send for the whole FiguresOut (spreads and flags are its last
    # fields), with the remembered JSON of the spreads and flags: not serialised anew
    assert head.endswith(_NO_SPREADS_OR_FLAGS), "spreads and flags: the last fields"
    body = head[: -len(_NO_SPREADS_OR_FLAGS)].encode() + b"," + tail[1:]
    return Response(content=body, media_type="application/json")


class _SpreadsAndFlags(_Out):
    spreads: list[SpreadItem]
    flags: list[FlagItem]


_NO_SPREADS_OR_FLAGS = ',"spreads":[],"flags":[]}'


@router.get(
    "/entities",
    response_model=EntityPage,
    summary="People, organisations and places across articles, most documents first",
)
def list_entities(
    request: Request,
    corpus: CorpusDep,
    type: Annotated[  # noqa: A002 - the name of the field
        Literal["PERSON", "ORG", "GPE", "MEDIA", "ANONYMOUS", "GROUP"] | None,
        Query(description="only entities of this type"),
    ] = None,
    q: Annotated[
        str | None, Query(max_length=500, description="part of the name or of a variant")
    ] = None,
    min_mentions: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 1,
    limit: Limit = 50,
    offset: Offset = 0,
) -> EntityPage:
    folded = q.casefold() if q else None
    rows = [
        e
        for e in corpus_entities(corpus)
        if (type is None or e.type == type)
        and e.mentions >= min_mentions
        and (
            folded is None
            or folded in e.name.casefold()
            or any(folded in v.casefold() for v in e.variants)
        )
    ]
    return EntityPage(
        total=len(rows),
        limit=limit,
        offset=offset,
        next=_next(request, len(rows), limit, offset),
        items=[
            EntityItem(
                id=e.id,
                name=e.name,
                type=e.type,
                variants=e.variants,
                roles=e.roles,
                documents=e.documents,
                outlets=e.outlets,
                mentions=e.mentions,
                resolved=e.resolved,
            )
            for e in rows[offset : offset + limit]
        ],
    )


# --- analysis ------------------------------------------------------------------------------

_analysis_lock = threading.Lock()


def _require_analyze(request: Request) -> None:
    if not request.app.state.allow_analyze:
        raise HTTPException(
            403, "analysis is not enabled on this server (start it with --allow-analyze)"
        )


def _analyze(
    *,
    text: str | None,
    html: str | None,
    published: str | None,
    title: str | None = None,
    outlet: str | None = None,
    url: str | None = None,
    source: str,
) -> Record:
    from ..ingest import document_from_html, document_from_text
    from ..pipeline import analyze_document

    if (text is None) == (html is None):
        raise HTTPException(422, "give either text or html")
    meta: dict[str, Any] = {"title": title, "outlet": outlet, "url": url, "published": published}
    try:
        if text is not None:
            document = document_from_text(text, source=source, **meta)
        else:
            assert html is not None
            document = document_from_html(html, source=source, **meta)
        with _analysis_lock:  # one analysis at a time: the model is shared
            return analyze_document(document)
    except OnrecordError as exc:
        raise HTTPException(422, exc.message) from exc


@router.post(
    "/analyze",
    response_model=Record,
    summary="Analyse one article (only with --allow-analyze)",
    dependencies=[Depends(_require_analyze)],
)
def analyze(body: AnalyzeText | AnalyzeHtml) -> Record:
    return _analyze(
        text=body.text if isinstance(body, AnalyzeText) else None,
        html=body.html if isinstance(body, AnalyzeHtml) else None,
        published=_day(body.published),
        title=body.title,
        outlet=body.outlet,
        url=body.url,
        source="<upload>",
    )


@router.post(
    "/analyze/file",
    response_model=Record,
    summary="Analyse one uploaded .txt or .html file (only with --allow-analyze)",
    dependencies=[Depends(_require_analyze)],
)
async def analyze_file(
    file: Annotated[UploadFile, File(description="a .txt or .html file")],
    published: Annotated[IsoDate | None, Form(description="reference date YYYY-MM-DD")] = None,
) -> Record:
    from starlette.concurrency import run_in_threadpool

    data = await file.read()
    name = file.filename or "upload"
    is_html = name.lower().endswith((".html", ".htm")) or (file.content_type or "").startswith(
        "text/html"
    )
    try:
        content = data.decode("utf-8")
    except UnicodeDecodeError:
        from ..ingest.decode import decode_bytes

        try:
            content = decode_bytes(data, name=name)
        except OnrecordError as exc:
            raise HTTPException(422, exc.message) from exc
    record: Record = await run_in_threadpool(
        lambda: _analyze(
            text=None if is_html else content,
            html=content if is_html else None,
            published=_day(published),
            source=name,
        )
    )
    return record
