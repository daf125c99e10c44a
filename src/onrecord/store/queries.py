"""Reading a corpus: quotes by speaker, outlet, date and words; speakers; outlets; exports.

Every filter is a bound parameter; the only SQL assembled from pieces is the
choice among fixed clauses and fixed table names.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import os
import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from typing import IO, Any

from ..errors import OnrecordError
from .db import StoreError, connect, store_error
from .dialect import DB_ERRORS, Connection, dialect_of, stream, table_exists
from .entities import CorpusEntity
from .figures import By, Figures, find_figures
from .migrations import pending_migrations
from .postgres import display_url, is_postgres_url

__all__ = [
    "EXPORT_TABLES",
    "QUOTE_COLUMNS",
    "Corpus",
    "OutletRow",
    "QuoteRow",
    "SpeakerRow",
    "fts_query",
    "open_corpus",
]

#: Tables ``Corpus.rows`` (and ``onrecord export --table``) can read.
EXPORT_TABLES = ("quotes", "documents", "entities", "claims", "errors")


@dataclass(frozen=True, slots=True)
class QuoteRow:
    """One quote with what is known about its document."""

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

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


QUOTE_COLUMNS = tuple(f.name for f in fields(QuoteRow))


@dataclass(frozen=True, slots=True)
class SpeakerRow:
    """A speaker, how often quoted, and how often by each outlet."""

    name: str
    type: str | None
    quotes: int
    documents: int
    by_outlet: dict[str, int]
    #: The other speaker names its counted quotes carry (a corpus entity's spellings:
    #: "Donald J. Trump", "Trump"), most quoted first; empty with ``by_name``.
    variants: list[str] = field(default_factory=list)
    #: ``corpus_entities.id`` of the person or body, None for a speaker without a link.
    corpus_entity: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class OutletRow:
    outlet: str | None
    documents: int
    quotes: int
    first_published: str | None
    last_published: str | None
    copies: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


#: Counting once per story: of the copies of a quote in the documents of one syndication
#: group (same speaker, same text), all but the first have ``copy = 1`` in
#: ``syndication_quotes`` (see ``store/syndication.py``), a narrow copy of ``quotes``
#: with each quote's outlet, which the statistics read through covering indexes.


@dataclass(frozen=True, slots=True)
class _SpeakerLinks:
    """(documents.pk, speaker name) -> corpus entity id, and each entity's name."""

    by_pair: dict[tuple[int, str], int]
    names: dict[int, str]
    #: names linked to one entity in every document that quotes them
    pure: dict[str, int]
    #: names linked to several entities, or linked in some documents only
    mixed: frozenset[str]
    #: the speaker names linked to each entity
    spellings: dict[int, set[str]]


#: Above this many mixed names, ``speakers`` reads every (name, document) instead of
#: listing the mixed names in the query.
_MIXED_BY_NAME = 500


def _sort_name(key: tuple[Any, ...], links: _SpeakerLinks) -> tuple[str, str, int]:
    if key[0] == "e":
        return (links.names.get(key[1], ""), "", key[1])
    return (key[1], key[2] or "", 0)


@dataclass(slots=True)
class _SpeakerCount:
    quotes: int = 0
    documents: set[int] = field(default_factory=set)
    by_outlet: Counter[str] = field(default_factory=Counter)
    names: Counter[str] = field(default_factory=Counter)
    types: Counter[str | None] = field(default_factory=Counter)


def _top(counts: Counter[Any]) -> Any:
    """The most frequent key (ties: the first in sort order, None last)."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] is None, kv[0] or ""))[0][0]


def fts_query(words: str) -> str:
    """An FTS5 query that finds all of ``words``, whatever characters they hold.

    Each word becomes a quoted string, so FTS5 syntax in user input (``AND``,
    ``*``, ``"``, ``:``, ``-``) is read as text; use double quotes around several
    words to ask for them as a phrase: ``'"joint talks" dam'``.
    """
    terms: list[str] = []
    buffer = words.strip()
    while buffer:
        if buffer.startswith('"') and '"' in buffer[1:]:
            end = buffer.index('"', 1)
            term, buffer = buffer[1:end], buffer[end + 1 :].strip()
        else:
            term, _, buffer = buffer.partition(" ")
            term, buffer = term.replace('"', ""), buffer.strip()
        if term.strip():
            terms.append('"' + term.strip().replace('"', '""') + '"')
    if not terms:
        raise StoreError("--contains needs at least one word")
    return " ".join(terms)


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _check_date(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise StoreError(f"{what}: {value!r} is not a date of the form YYYY-MM-DD") from None
    return value


class Corpus:
    """A read-only view of a corpus database (``open_corpus``)."""

    def __init__(self, conn: Connection, path: str) -> None:
        self.conn = conn
        self.path = path
        self.dialect = dialect_of(conn)
        self._links_cache: tuple[tuple[Any, ...], _SpeakerLinks | None] | None = None

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _query(self, sql: str, params: dict[str, Any] | tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        try:
            cursor = self.conn.cursor()
            cursor.row_factory = sqlite3.Row
            return list(cursor.execute(sql, params))
        except DB_ERRORS as exc:
            raise store_error(exc, self.path) from exc

    def quotes(
        self,
        *,
        speaker: str | None = None,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        contains: str | None = None,
        kind: str | None = None,
        limit: int | None = None,
    ) -> list[QuoteRow]:
        """Quotes, newest first; every filter is optional and they combine with AND.

        ``speaker``: part of the speaker's name, any case ("varga" finds "Lena Varga").
        ``outlet``: the outlet's name, exactly (any case). ``since``/``until``: publication
        dates YYYY-MM-DD, inclusive. ``contains``: words in the quote (full-text search,
        see ``fts_query``). ``kind``: direct, indirect or mixed.
        """
        sql_dialect = self.dialect
        where: list[str] = []
        params: dict[str, Any] = {}
        if speaker is not None:
            where.append(f"q.speaker_name {sql_dialect.like} :speaker ESCAPE '\\'")
            params["speaker"] = _like(speaker)
        if outlet is not None:
            where.append(sql_dialect.nocase_eq("d.outlet", ":outlet"))
            params["outlet"] = outlet
        if since is not None:
            where.append("d.published >= :since")
            params["since"] = _check_date(since, "since")
        if until is not None:
            where.append("d.published <= :until")
            params["until"] = _check_date(until, "until")
        if kind is not None:
            where.append("q.kind = :kind")
            params["kind"] = kind
        if contains is not None:
            where.append(sql_dialect.quotes_matching("q", ":match"))
            params["match"] = fts_query(contains)
        sql = (
            "SELECT q.document_id, q.quote_id, q.kind, q.content, q.speaker_name,"
            " q.speaker_type, q.source_text, q.cue, q.confidence, d.outlet, d.published,"
            " d.title, d.url, q.content_start, q.content_end"
            " FROM quotes q JOIN documents d ON d.id = q.document_id"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY d.published IS NULL, d.published DESC, q.document_id, q.content_start, q.pk"
        )
        if limit is not None:
            sql += " LIMIT :limit"
            params["limit"] = max(0, int(limit))
        return [QuoteRow(*row) for row in self._query(sql, params)]

    def speakers(
        self,
        *,
        outlet: str | None = None,
        limit: int | None = None,
        all_copies: bool = False,
        by_name: bool = False,
    ) -> list[SpeakerRow]:
        """Named speakers, most quoted first, with their count in each outlet.

        A speaker is a corpus entity (``store/entities.py``) when the quote's speaker is
        linked to one: "Donald Trump" and "Donald J. Trump" are one row, named by the
        entity's canonical name, with the other names its quotes carry in ``variants``;
        quotes without a link (anonymous sources, a corpus not linked yet) count under
        their speaker name and type. ``by_name=True``: one row per speaker name and type.

        A quote that appears in several copies of one story (a syndication group, see
        ``store/syndication.py``) counts once, in the outlet of the first copy (the
        group's origin when it has the quote), and ``documents`` counts the documents
        whose quotes count; so ``sum(by_outlet.values()) == quotes``. ``all_copies=True``
        counts every copy.
        """
        if not by_name:
            links = self._speaker_links()
            if links is not None:
                return self._speakers_by_entity(links, outlet, limit, all_copies)
        return self._speakers_by_name(outlet, limit, all_copies)

    def _speaker_where(self, outlet: str | None, all_copies: bool, params: dict[str, Any]) -> str:
        outlet_clause = ""
        if outlet is not None:
            outlet_clause = " AND " + self.dialect.nocase_eq("outlet", ":outlet")
            params["outlet"] = outlet
        return (
            " WHERE speaker_name IS NOT NULL"
            + outlet_clause
            + ("" if all_copies else " AND copy = 0")
        )

    def _speakers_by_name(
        self, outlet: str | None, limit: int | None, all_copies: bool
    ) -> list[SpeakerRow]:
        params: dict[str, Any] = {}
        where = self._speaker_where(outlet, all_copies, params)
        if limit is not None:
            # the most quoted first, so that the counts by outlet are only worked out for them
            params["limit"] = max(0, int(limit))
            top = self._query(
                "SELECT speaker_name FROM syndication_quotes" + where + " GROUP BY speaker_name,"
                " speaker_type ORDER BY count(*) DESC, speaker_name, coalesce(speaker_type, '')"
                " LIMIT :limit",
                params,
            )
            names = sorted({row[0] for row in top})
            if not names:
                return []
            where += " AND speaker_name IN (" + ", ".join(f":n{i}" for i in range(len(names))) + ")"
            params.update({f"n{i}": name for i, name in enumerate(names)})
        rows = self._query(
            "SELECT speaker_name AS name, speaker_type AS type, outlet, count(*) AS n,"
            " count(DISTINCT document_pk) AS docs FROM syndication_quotes"
            + where
            + " GROUP BY 1, 2, 3",
            params,
        )
        merged: dict[tuple[str, str | None], dict[str, Any]] = {}
        for row in rows:
            entry = merged.setdefault(
                (row["name"], row["type"]), {"quotes": 0, "documents": 0, "by_outlet": {}}
            )
            entry["quotes"] += row["n"]
            entry["documents"] += row["docs"]
            label = row["outlet"] if row["outlet"] is not None else "(unknown outlet)"
            entry["by_outlet"][label] = entry["by_outlet"].get(label, 0) + row["n"]
        result = [
            SpeakerRow(
                name=name,
                type=stype,
                quotes=entry["quotes"],
                documents=entry["documents"],
                by_outlet=dict(sorted(entry["by_outlet"].items(), key=lambda kv: (-kv[1], kv[0]))),
            )
            for (name, stype), entry in merged.items()
        ]
        result.sort(key=lambda s: (-s.quotes, s.name, s.type or ""))
        return result if limit is None else result[: max(0, limit)]

    def _speaker_links(self) -> _SpeakerLinks | None:
        """The corpus entity of each (document, speaker name) with a link, and the
        entities' names; None when the corpus has no links (an unlinked corpus).

        Anonymous sources are never linked across documents, so their corpus entities
        are left out: they count by speaker name. Worked out once per state of the links
        and quotes (a few hundred milliseconds on 100,000 quotes) and kept with this
        ``Corpus``.
        """
        if not table_exists(self.conn, "corpus_entities_state"):
            return None
        state = self._query(
            "SELECT (SELECT fingerprint FROM corpus_entities_state WHERE id = 1),"
            " (SELECT max(quote_pk) FROM syndication_quotes),"
            " (SELECT count(*) FROM corpus_entities)"
        )[0]
        key = (state[0], state[1], state[2])
        if self._links_cache is not None and self._links_cache[0] == key:
            return self._links_cache[1]
        links: _SpeakerLinks | None = None
        if state[2]:
            # a (document, name) pair with two linked speakers (two people of one name in
            # one article: rare) goes to the entity with the lower id
            by_pair: dict[tuple[int, str], int] = {}
            for pk, name, entity in self._query(
                "SELECT d.pk, q.speaker_name, min(l.corpus_entity) FROM quotes q"
                " JOIN corpus_entity_links l"
                " ON l.document_id = q.document_id AND l.entity_id = q.speaker_entity"
                " JOIN corpus_entities c ON c.id = l.corpus_entity"
                " JOIN documents d ON d.id = q.document_id"
                " WHERE q.speaker_name IS NOT NULL AND c.type != 'ANONYMOUS'"
                " GROUP BY d.pk, q.speaker_name"
            ):
                by_pair[(int(pk), str(name))] = int(entity)
            # a name is "pure" when every document that quotes it links it to one entity
            linked: dict[str, set[int]] = {}
            linked_docs: Counter[str] = Counter()
            for (_pk, name), entity in by_pair.items():
                linked.setdefault(name, set()).add(entity)
                linked_docs[name] += 1
            pure: dict[str, int] = {}
            mixed: set[str] = set()
            for name, docs in self._query(
                "SELECT speaker_name, count(DISTINCT document_pk) FROM syndication_quotes"
                " WHERE speaker_name IS NOT NULL GROUP BY speaker_name"
            ):
                entities = linked.get(name)
                if entities is None:
                    continue
                if len(entities) == 1 and linked_docs[name] == docs:
                    pure[name] = next(iter(entities))
                else:
                    mixed.add(name)
            spellings: dict[int, set[str]] = {}
            for (_pk, name), entity in by_pair.items():
                spellings.setdefault(entity, set()).add(name)
            names = {
                int(row[0]): str(row[1])
                for row in self._query("SELECT id, name FROM corpus_entities")
                if int(row[0]) in spellings
            }
            links = _SpeakerLinks(by_pair, names, pure, frozenset(mixed), spellings)
        self._links_cache = (key, links)
        return links

    def _speakers_by_entity(
        self, links: _SpeakerLinks, outlet: str | None, limit: int | None, all_copies: bool
    ) -> list[SpeakerRow]:
        params: dict[str, Any] = {}
        where = self._speaker_where(outlet, all_copies, params)
        pure, by_pair, mixed = links.pure, links.by_pair, links.mixed

        # a speaker: ("e", corpus entity id) or ("n", speaker name, speaker type)
        def key_of(name: str, stype: str | None, pk: int | None) -> tuple[Any, ...]:
            entity = pure.get(name)
            if entity is None and pk is not None:
                entity = by_pair.get((pk, name))
            return ("e", entity) if entity is not None else ("n", name, stype)

        def in_names(clause: str, names: list[str], prefix: str, into: dict[str, Any]) -> str:
            into.update({f"{prefix}{i}": name for i, name in enumerate(names)})
            marks = ", ".join(f":{prefix}{i}" for i in range(len(names)))
            return clause + f" AND speaker_name IN ({marks})"

        chosen: set[tuple[Any, ...]] | None = None
        if limit is not None:
            # 1. quotes per speaker, to find the most quoted: by name for the names that
            # are one speaker wherever they occur, by document for the others (a bare
            # surname linked to different people, a name linked in some documents only)
            totals: dict[tuple[Any, ...], int] = {}
            for name, stype, n in self._query(
                "SELECT speaker_name, speaker_type, count(*) FROM syndication_quotes"
                + where
                + " GROUP BY 1, 2",
                params,
            ):
                if name not in mixed:
                    key = key_of(name, stype, None)
                    totals[key] = totals.get(key, 0) + n
            if mixed:
                mixed_params = dict(params)
                mixed_where = where
                if len(mixed) <= _MIXED_BY_NAME:
                    mixed_where = in_names(where, sorted(mixed), "m", mixed_params)
                for name, stype, pk, n in self._query(
                    "SELECT speaker_name, speaker_type, document_pk, count(*)"
                    " FROM syndication_quotes" + mixed_where + " GROUP BY 1, 2, 3",
                    mixed_params,
                ):
                    if name in mixed:
                        key = key_of(name, stype, pk)
                        totals[key] = totals.get(key, 0) + n
            wanted = max(0, int(limit))
            if not wanted or not totals:
                return []
            # the names break ties only among the speakers at the cut
            counts = sorted(totals.values(), reverse=True)
            cut = counts[min(wanted, len(counts)) - 1]
            near = [k for k, n in totals.items() if n >= cut]
            near.sort(key=lambda k: (-totals[k], _sort_name(k, links)))
            chosen = set(near[:wanted])
            names = {k[1] for k in chosen if k[0] == "n"}
            for k in chosen:
                if k[0] == "e":
                    names.update(links.spellings.get(k[1], ()))
            where = in_names(where, sorted(names), "n", params)

        # 2. the counts by outlet, documents and spellings of the speakers listed
        merged: dict[tuple[Any, ...], _SpeakerCount] = {}
        for name, stype, place, pk, n in self._query(
            "SELECT speaker_name, speaker_type, outlet, document_pk, count(*)"
            " FROM syndication_quotes" + where + " GROUP BY 1, 2, 3, 4",
            params,
        ):
            key = key_of(name, stype, pk)
            if chosen is not None and key not in chosen:
                continue
            entry = merged.get(key)
            if entry is None:
                entry = merged[key] = _SpeakerCount()
            entry.quotes += n
            entry.documents.add(pk)
            entry.by_outlet[place if place is not None else "(unknown outlet)"] += n
            entry.names[name] += n
            entry.types[stype] += n
        result = []
        for key, entry in merged.items():
            if key[0] == "e":
                name = links.names.get(key[1]) or _top(entry.names)
                stype = _top(entry.types)
                entity_id: int | None = key[1]
            else:
                name, stype, entity_id = key[1], key[2], None
            result.append(
                SpeakerRow(
                    name=name,
                    type=stype,
                    quotes=entry.quotes,
                    documents=len(entry.documents),
                    by_outlet=dict(sorted(entry.by_outlet.items(), key=lambda kv: (-kv[1], kv[0]))),
                    variants=[
                        v
                        for v, _ in sorted(entry.names.items(), key=lambda kv: (-kv[1], kv[0]))
                        if v != name
                    ],
                    corpus_entity=entity_id,
                )
            )
        result.sort(key=lambda s: (-s.quotes, s.name, s.type or "", s.corpus_entity or 0))
        return result

    def outlets(self, *, all_copies: bool = False) -> list[OutletRow]:
        """Each outlet with its number of documents and quotes and its date range.

        ``documents`` counts every document of the outlet and ``copies`` those that copy
        an earlier article (not the origin of their syndication group). A quote that
        appears in several copies of one story counts once, in the outlet of the first
        copy (as in ``speakers``), unless ``all_copies``.
        """
        documents = self._query(
            "SELECT outlet, count(*), min(published), max(published) FROM documents GROUP BY outlet"
        )
        copies = {
            row[0]: row[1]
            for row in self._query(
                "SELECT d.outlet, count(*) FROM syndication s"
                " JOIN documents d ON d.id = s.document_id WHERE s.origin = 0 GROUP BY d.outlet"
            )
        }
        quotes = {
            row[0]: row[1]
            for row in self._query(
                "SELECT outlet, count(*) FROM syndication_quotes"
                + ("" if all_copies else " WHERE copy = 0")
                + " GROUP BY outlet"
            )
        }
        result = [
            OutletRow(
                outlet=row[0],
                documents=row[1],
                quotes=quotes.get(row[0], 0),
                first_published=row[2],
                last_published=row[3],
                copies=copies.get(row[0], 0),
            )
            for row in documents
        ]
        result.sort(key=lambda o: (-o.documents, o.outlet is not None, o.outlet or ""))
        return result

    def count(self, table: str) -> int:
        if table not in EXPORT_TABLES:
            raise StoreError(f"no table {table!r}; one of {', '.join(EXPORT_TABLES)}")
        return int(self._query(f"SELECT count(*) FROM {table}")[0][0])

    def records(self) -> Iterator[str]:
        """The stored records as JSON lines (the output contract of ``onrecord analyze``)."""
        try:
            cursor = stream(self.conn, "SELECT record FROM documents ORDER BY pk")
            for (record,) in cursor:
                yield str(record)
        except DB_ERRORS as exc:
            raise store_error(exc, self.path) from exc

    def rows(self, table: str) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
        """Column names and rows of one of ``EXPORT_TABLES``."""
        if table not in EXPORT_TABLES:
            raise StoreError(f"no table {table!r}; one of {', '.join(EXPORT_TABLES)}")
        if table == "quotes":
            sql = (
                "SELECT q.document_id, q.quote_id, q.kind, q.content, q.speaker_name,"
                " q.speaker_type, q.speaker_entity, q.source_text, q.cue, q.confidence,"
                " q.nested_in, d.outlet, d.published, d.title, d.url, q.content_start,"
                " q.content_end FROM quotes q JOIN documents d ON d.id = q.document_id"
                " ORDER BY d.pk, q.content_start, q.pk"
            )
        elif table == "documents":
            # the full record stays in JSONL exports; this is the flat view
            sql = (
                "SELECT id, source, title, outlet, url, published, language, content_hash,"
                " pipeline, inserted_at, updated_at, text FROM documents ORDER BY pk"
            )
        else:
            sql = f"SELECT * FROM {table} ORDER BY pk"  # table: one of EXPORT_TABLES
        try:
            cursor = stream(self.conn, sql)
        except DB_ERRORS as exc:
            raise store_error(exc, self.path) from exc
        columns = [d[0] for d in cursor.description]
        return columns, iter(cursor)

    # --- exports ---------------------------------------------------------------------------

    def export_jsonl(self, out: IO[str]) -> int:
        n = 0
        for line in self.records():
            out.write(line + "\n")
            n += 1
        return n

    def export_csv(self, out: IO[str], table: str = "quotes") -> int:
        columns, rows = self.rows(table)
        writer = csv.writer(out)
        writer.writerow(columns)
        n = 0
        for row in rows:
            writer.writerow(row)
            n += 1
        return n

    def export_parquet(
        self, path: str | os.PathLike[str], table: str = "quotes", *, batch_rows: int = 10_000
    ) -> int:
        """Write one table as Parquet, in row groups of ``batch_rows`` (not all in memory)."""
        try:
            import pyarrow as pa  # type: ignore[import-not-found,import-untyped,unused-ignore]
            import pyarrow.parquet as pq  # type: ignore[import-not-found,import-untyped,unused-ignore]
        except ImportError:
            raise StoreError(
                "Parquet export needs pyarrow: pip install 'onrecord[parquet]' (or pyarrow)"
            ) from None
        columns, rows = self.rows(table)
        declared = self._declared_types(table)
        arrow_type = {"INTEGER": pa.int64(), "REAL": pa.float64()}
        schema = pa.schema(
            [(name, arrow_type.get(declared.get(name, ""), pa.string())) for name in columns]
        )
        n = 0
        with pq.ParquetWriter(os.fspath(path), schema) as writer:
            while batch := list(itertools.islice(rows, batch_rows)):
                data = {name: [row[i] for row in batch] for i, name in enumerate(columns)}
                writer.write_table(pa.Table.from_pydict(data, schema=schema))
                n += len(batch)
        return n

    def _declared_types(self, table: str) -> dict[str, str]:
        """Column name -> declared SQLite type, for ``table`` and (joined) ``documents``."""
        types: dict[str, str] = {}
        if self.dialect.postgres:
            kinds = {"bigint": "INTEGER", "integer": "INTEGER", "double precision": "REAL"}
            for source in ("documents", table):
                for row in self._query(
                    "SELECT column_name, data_type FROM information_schema.columns"
                    " WHERE table_schema = current_schema() AND table_name = ?",
                    (source,),
                ):
                    types[row[0]] = kinds.get(str(row[1]), "TEXT")
            return types
        for source in ("documents", table):  # the table's own columns win
            # source is "documents" or one of EXPORT_TABLES, checked by rows()
            for row in self._query(f"PRAGMA table_info({source})"):
                types[row["name"]] = str(row["type"]).upper()
        return types

    def figures(
        self,
        term: str,
        *,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        by: By = "outlet",
        window: int = 0,
        exact: bool = False,
    ) -> Figures:
        """One measure across the corpus: a timeline of the figures whose measure or event
        matches ``term`` ("killed"), the spread between outlets per day, and the figures no other
        outlet (``by="source"``: source) gives within ``window`` days. See ``store/figures.py``.
        """
        return find_figures(
            self.conn,
            self.path,
            term,
            outlet=outlet,
            since=since,
            until=until,
            by=by,
            window=window,
            exact=exact,
        )

    def corpus_entities(
        self,
        *,
        type: str | None = None,  # noqa: A002 - the name of the column and the option
        min_mentions: int = 1,
        overrides: str | os.PathLike[str] | None = None,
    ) -> list[CorpusEntity]:
        """Entities across articles, most documents first: one person under all their
        spellings (``variants``), with documents, outlets, mentions and roles. ``overrides``:
        a file of merge/split lines. See ``store/entities.py`` and docs/CORPUS.md."""
        from .entities import corpus_entities, load_overrides

        try:
            return corpus_entities(
                self.conn,
                type=type,
                min_mentions=min_mentions,
                overrides=load_overrides(overrides),
            )
        except DB_ERRORS as exc:
            raise store_error(exc, self.path) from exc


def open_corpus(path: str | os.PathLike[str] = "onrecord.db") -> Corpus:
    """Open the corpus database at ``path`` (a SQLite file or a ``postgresql://`` URL) for
    queries (read-only).

    Raises ``StoreError`` when there is no database there or it cannot be read.
    """
    where = os.fspath(path)
    conn = connect(where, readonly=True)
    shown = display_url(where) if is_postgres_url(where) else where
    try:
        has_quotes = table_exists(conn, "quotes")
    except DB_ERRORS as exc:
        conn.close()
        raise store_error(exc, where) from exc
    if not has_quotes:
        conn.close()
        raise StoreError(f"{shown}: not an onrecord corpus (no quotes table)")
    try:
        pending = pending_migrations(conn)
    except OnrecordError as exc:
        conn.close()
        raise StoreError(f"{shown}: {exc.message}") from exc
    if pending:
        conn.close()
        raise StoreError(
            f"{shown}: made by an older onrecord; run `onrecord ingest` on it once to upgrade"
        )
    return Corpus(conn, where)
