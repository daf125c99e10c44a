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
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
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
            + " ORDER BY d.published IS NULL, d.published DESC, q.document_id, q.content_start"
        )
        if limit is not None:
            sql += " LIMIT :limit"
            params["limit"] = max(0, int(limit))
        return [QuoteRow(*row) for row in self._query(sql, params)]

    def speakers(
        self, *, outlet: str | None = None, limit: int | None = None, all_copies: bool = False
    ) -> list[SpeakerRow]:
        """Named speakers, most quoted first, with their count in each outlet.

        A quote that appears in several copies of one story (a syndication group, see
        ``store/syndication.py``) counts once, in the outlet of the first copy (the
        group's origin when it has the quote), and ``documents`` counts the documents
        whose quotes count; so ``sum(by_outlet.values()) == quotes``. ``all_copies=True``
        counts every copy.
        """
        params: dict[str, Any] = {}
        outlet_clause = ""
        if outlet is not None:
            outlet_clause = " AND " + self.dialect.nocase_eq("outlet", ":outlet")
            params["outlet"] = outlet
        where = (
            " WHERE speaker_name IS NOT NULL"
            + outlet_clause
            + ("" if all_copies else " AND copy = 0")
        )
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
                " ORDER BY d.pk, q.content_start"
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
