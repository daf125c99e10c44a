"""The corpus database: connections, error messages, and the single writer.

SQLite in WAL mode: readers (queries, Datasette) never block the writer and a
crash never leaves a half-written document, because each document goes in
with everything that belongs to it (quotes, entities, claims) in one
transaction. All SQL is parameterised.

A ``postgresql://user@host/db`` URL instead of a path opens a PostgreSQL database
(``postgres.py``): the same schema, statements and transactions, through a
connection that speaks the store's SQL (``dialect.py`` says what differs).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..errors import OnrecordError
from ..types import ErrorRecord, Record
from .dialect import DB_ERRORS, Connection
from .migrations import migrate
from .postgres import PostgresError, display_url, is_postgres_url

__all__ = [
    "DEFAULT_DB",
    "PutResult",
    "StoreError",
    "Store",
    "StoredDocument",
    "connect",
    "content_hash",
    "store_error",
]

DEFAULT_DB = "onrecord.db"
#: How long a writer waits for another one to release the lock (seconds).
BUSY_TIMEOUT = 5.0


class StoreError(OnrecordError):
    """The database could not be opened, read or written; the message says what to do."""

    code = "store"


def store_error(exc: Exception, path: str | os.PathLike[str]) -> StoreError:
    """A one-line message for people from what SQLite (or PostgreSQL) said."""
    where = os.fspath(path)
    if is_postgres_url(where):
        where = display_url(where)
    said = str(exc)
    lowered = said.lower()
    if isinstance(exc, PostgresError):
        return _postgres_error(exc, where)
    if "locked" in lowered or "busy" in lowered:
        message = (
            f"{where}: the database is locked by another process (another ingest?); "
            "try again when it has finished"
        )
    elif "readonly" in lowered or "read-only" in lowered:
        message = (
            f"{where}: the database is read-only; check the permissions of the file and its folder"
        )
    elif "disk is full" in lowered or "disk full" in lowered:
        message = (
            f"{where}: the disk is full; documents stored before are kept: "
            "free some space and run the same ingest again to continue"
        )
    elif "not a database" in lowered or "malformed" in lowered:
        message = f"{where}: not an onrecord database, or a damaged one ({said})"
    elif "unable to open" in lowered:
        message = f"{where}: cannot open the database (does the folder exist and is it writable?)"
    else:
        message = f"{where}: database error: {said}"
    error = StoreError(message)
    error.__cause__ = exc
    return error


def _postgres_error(exc: PostgresError, where: str) -> StoreError:
    said = str(exc)
    state = exc.sqlstate or ""
    if state == "55P03" or "lock timeout" in said.lower():
        message = (
            f"{where}: the database is locked by another process (another ingest?); "
            "try again when it has finished"
        )
    elif state == "25006":
        message = f"{where}: the database is read-only ({said})"
    elif state == "53100":
        message = (
            f"{where}: the server's disk is full; documents stored before are kept: "
            "free some space and run the same ingest again to continue"
        )
    elif state == "42P01":
        message = f"{where}: not an onrecord database, or an incomplete one ({said})"
    elif state.startswith("42501") or state.startswith("28"):
        message = f"{where}: not allowed ({said})"
    elif state.startswith("08") or not state:
        message = f"{where}: cannot connect to the PostgreSQL server ({said})"
    else:
        message = f"{where}: database error: {said}"
    error = StoreError(message)
    error.__cause__ = exc
    return error


def content_hash(text: str) -> str:
    """The key that makes the same text count as the same document, whatever its id."""
    return "sha256-" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _open(path: str, *, readonly: bool) -> sqlite3.Connection:
    """The raw connection (one place, so tests can stand in a read-only or failing one)."""
    if readonly:
        uri = Path(path).resolve().as_uri() + "?mode=ro"
        return sqlite3.connect(
            uri, uri=True, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
        )
    return sqlite3.connect(
        path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
    )


def connect(path: str | os.PathLike[str], *, readonly: bool = False) -> Connection:
    """Open (and create or migrate, unless ``readonly``) the corpus database at ``path``,
    a SQLite file or a ``postgresql://`` URL.

    The connection is in autocommit mode: callers open transactions explicitly.
    Raises ``StoreError`` with a readable message.
    """
    where = os.fspath(path)
    if is_postgres_url(where):
        return _connect_postgres(where, readonly=readonly)
    if readonly and not Path(where).is_file():
        raise StoreError(f"{where}: no such database; create one with `onrecord ingest`")
    try:
        conn = _open(where, readonly=readonly)
    except sqlite3.Error as exc:
        raise store_error(exc, where) from exc
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(f"{where}: cannot switch the database to WAL mode ({mode})")
            # NORMAL in WAL mode: a crash of the program never loses a committed document;
            # a power cut may lose the last few, never the database's consistency.
            conn.execute("PRAGMA synchronous = NORMAL")
            migrate(conn)
        else:
            conn.execute("PRAGMA query_only = ON")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        conn.close()
        raise store_error(exc, where) from exc
    except BaseException:
        conn.close()
        raise
    return conn


def _connect_postgres(url: str, *, readonly: bool) -> Connection:
    try:
        from .postgres import connect_postgres

        conn = connect_postgres(url, readonly=readonly)
    except ImportError:
        raise StoreError(
            "a PostgreSQL database needs psycopg: pip install 'onrecord[postgres]'"
        ) from None
    except PostgresError as exc:
        raise store_error(exc, url) from exc
    try:
        if not readonly:
            migrate(conn)
    except PostgresError as exc:
        conn.close()
        raise store_error(exc, url) from exc
    except BaseException:
        conn.close()
        raise
    return conn


@dataclass(frozen=True, slots=True)
class StoredDocument:
    id: str
    content_hash: str
    pipeline: str


class PutResult(StrEnum):
    inserted = "inserted"
    updated = "updated"
    unchanged = "unchanged"  # this id is stored already (and no update was asked for)
    duplicate = "duplicate"  # the same text is stored under another id


class Store:
    """The one writer of a corpus database. Not thread-safe: use it from one thread."""

    def __init__(self, conn: Connection, path: str) -> None:
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, path: str | os.PathLike[str] = DEFAULT_DB) -> Store:
        where = os.fspath(path)
        return cls(connect(where), where)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reading what is there ------------------------------------------------------------

    def find(self, doc_id: str, text_hash: str | None = None) -> StoredDocument | None:
        """The stored document with this id, else the one with this text (if any)."""
        return find_document(self.conn, doc_id, text_hash)

    # --- writing --------------------------------------------------------------------------

    def put(self, record: Record, *, replace: bool = False) -> PutResult:
        """Store one record with its quotes, entities and claims, in one transaction.

        A record whose id is stored already is left alone unless ``replace``; a
        record whose text is stored under another id is a duplicate and is not
        stored again.
        """
        with self._transaction():
            return self._put(record, replace=replace)

    def put_error(self, error: ErrorRecord) -> None:
        """Record a document that could not be read or analysed."""
        with self._transaction():
            self.conn.execute(
                "INSERT INTO errors (document_id, source, code, message, at) VALUES (?, ?, ?, ?, ?)",
                (error.id, error.source, error.error.code, error.error.message, _now()),
            )

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction: committed when the block ends, rolled back on any error,
        SQLite errors turned into one readable OnrecordError."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            yield
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")
        except DB_ERRORS as exc:
            self._rollback()
            raise store_error(exc, self.path) from exc
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            # the transaction may be gone already (SQLite rolls back on some errors)
            with contextlib.suppress(*DB_ERRORS):
                self.conn.execute("ROLLBACK")

    def _put(self, record: Record, *, replace: bool) -> PutResult:
        conn = self.conn
        text_hash = content_hash(record.text)
        same_id = conn.execute("SELECT pk FROM documents WHERE id = ?", (record.id,)).fetchone()
        same_text = conn.execute(
            "SELECT id FROM documents WHERE content_hash = ?", (text_hash,)
        ).fetchone()
        if same_text is not None and same_text[0] != record.id:
            return PutResult.duplicate
        if same_id is not None and not replace:
            return PutResult.unchanged
        values = _document_values(record, text_hash)
        if same_id is None:
            conn.execute(
                "INSERT INTO documents (id, source, title, outlet, url, published, language,"
                " text, content_hash, pipeline, record, inserted_at)"
                " VALUES (:id, :source, :title, :outlet, :url, :published, :language,"
                " :text, :content_hash, :pipeline, :record, :now)",
                values,
            )
            result = PutResult.inserted
        else:
            for table in ("quotes", "entities", "claim_context", "claims"):
                # the table name is one of four constants, never input
                conn.execute(f"DELETE FROM {table} WHERE document_id = ?", (record.id,))
            conn.execute(
                "UPDATE documents SET source = :source, title = :title, outlet = :outlet,"
                " url = :url, published = :published, language = :language, text = :text,"
                " content_hash = :content_hash, pipeline = :pipeline, record = :record,"
                " updated_at = :now WHERE id = :id",
                values,
            )
            result = PutResult.updated
        _insert_children(conn, record)
        return result


def find_document(
    conn: Connection, doc_id: str, text_hash: str | None = None
) -> StoredDocument | None:
    row = conn.execute(
        "SELECT id, content_hash, pipeline FROM documents WHERE id = ?", (doc_id,)
    ).fetchone()
    if row is None and text_hash is not None:
        row = conn.execute(
            "SELECT id, content_hash, pipeline FROM documents WHERE content_hash = ?",
            (text_hash,),
        ).fetchone()
    return None if row is None else StoredDocument(row[0], row[1], row[2])


def _document_values(record: Record, text_hash: str) -> dict[str, Any]:
    return {
        "id": record.id,
        "source": record.source,
        "title": record.title,
        "outlet": record.outlet,
        "url": record.url,
        "published": record.published,
        "language": record.language,
        "text": record.text,
        "content_hash": text_hash,
        "pipeline": record.pipeline,
        "record": record.to_json(),
        "now": _now(),
    }


def _insert_children(conn: Connection, record: Record) -> None:
    from .figures import insert_claim_contexts, record_claim_contexts

    conn.executemany(
        "INSERT INTO quotes (document_id, quote_id, kind, content, content_start, content_end,"
        " content_parts, cue, cue_start, cue_end, source_text, source_start, source_end,"
        " speaker_entity, speaker_name, speaker_type, nested_in, confidence)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                record.id,
                q.id,
                q.kind,
                q.content.text,
                q.content.start,
                q.content.end,
                json.dumps([p.model_dump() for p in q.content_parts], ensure_ascii=False),
                q.cue.text if q.cue else None,
                q.cue.start if q.cue else None,
                q.cue.end if q.cue else None,
                q.source.text if q.source else None,
                q.source.start if q.source else None,
                q.source.end if q.source else None,
                q.speaker.entity if q.speaker else None,
                q.speaker.name if q.speaker else None,
                q.speaker.type if q.speaker else None,
                q.nested_in,
                q.confidence,
            )
            for q in record.quotes
        ],
    )
    conn.executemany(
        "INSERT INTO entities (document_id, entity_id, name, type, mentions, aliases, roles)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                record.id,
                e.id,
                e.name,
                e.type,
                len(e.mentions),
                json.dumps(e.aliases, ensure_ascii=False),
                json.dumps(e.roles, ensure_ascii=False),
            )
            for e in record.entities
        ],
    )
    conn.executemany(
        'INSERT INTO claims (document_id, claim_id, text, start, "end", value, low, high,'
        " qualifier, unit, direction, measure, event, quote_id, asserted_by_entity,"
        " asserted_by_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                record.id,
                c.id,
                c.span.text,
                c.span.start,
                c.span.end,
                c.value,
                c.low,
                c.high,
                c.qualifier,
                c.unit,
                c.direction,
                c.measure,
                c.event,
                c.quote,
                c.asserted_by.entity if c.asserted_by else None,
                c.asserted_by.name if c.asserted_by else None,
            )
            for c in record.claims
        ],
    )
    insert_claim_contexts(conn, record_claim_contexts(record))
