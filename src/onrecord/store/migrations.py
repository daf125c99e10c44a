"""The corpus schema, as ordered migrations recorded in the ``migrations`` table.

Each migration is a function of a connection, applied once, in order, inside its
own transaction. To change the schema, append a function to ``MIGRATIONS``; never
edit or reorder one that has shipped (databases out there have recorded it).

On PostgreSQL the same migrations (same ids and names, recorded in the same
``migrations`` table) run the statements of ``postgres.SCHEMA[name]`` instead of the
SQLite function: the same tables, columns and indexes in PostgreSQL's words. A
migration added later needs its PostgreSQL statements there too.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import OnrecordError

if TYPE_CHECKING:
    from .dialect import Connection

__all__ = ["MIGRATIONS", "applied_migrations", "migrate", "pending_migrations"]

#: A migration's function; its connection is a ``sqlite3.Connection`` (SQLite migrations) or
#: either backend's (PostgreSQL statements).
Migration = Callable[[Any], None]


_INITIAL_SCHEMA = [
    """
    CREATE TABLE documents (
        pk INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        title TEXT,
        outlet TEXT,
        url TEXT,
        published TEXT,
        language TEXT,
        text TEXT NOT NULL,
        content_hash TEXT NOT NULL UNIQUE,
        pipeline TEXT NOT NULL,
        record TEXT NOT NULL,
        inserted_at TEXT NOT NULL,
        updated_at TEXT
    )
    """,
    """
    CREATE INDEX documents_outlet ON documents(outlet)
    """,
    """
    CREATE INDEX documents_published ON documents(published)
    """,
    """
    CREATE TABLE quotes (
        pk INTEGER PRIMARY KEY,
        document_id TEXT NOT NULL REFERENCES documents(id),
        quote_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        content TEXT NOT NULL,
        content_start INTEGER NOT NULL,
        content_end INTEGER NOT NULL,
        content_parts TEXT NOT NULL,
        cue TEXT,
        cue_start INTEGER,
        cue_end INTEGER,
        source_text TEXT,
        source_start INTEGER,
        source_end INTEGER,
        speaker_entity TEXT,
        speaker_name TEXT,
        speaker_type TEXT,
        nested_in TEXT,
        confidence REAL NOT NULL,
        UNIQUE (document_id, quote_id)
    )
    """,
    """
    CREATE INDEX quotes_speaker_name ON quotes(speaker_name)
    """,
    """
    CREATE TABLE entities (
        pk INTEGER PRIMARY KEY,
        document_id TEXT NOT NULL REFERENCES documents(id),
        entity_id TEXT NOT NULL,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        mentions INTEGER NOT NULL,
        aliases TEXT NOT NULL,
        roles TEXT NOT NULL,
        UNIQUE (document_id, entity_id)
    )
    """,
    """
    CREATE INDEX entities_name ON entities(name)
    """,
    """
    CREATE TABLE claims (
        pk INTEGER PRIMARY KEY,
        document_id TEXT NOT NULL REFERENCES documents(id),
        claim_id TEXT NOT NULL,
        text TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        value REAL,
        low REAL,
        high REAL,
        qualifier TEXT NOT NULL,
        unit TEXT,
        direction TEXT,
        measure TEXT,
        event TEXT,
        quote_id TEXT,
        asserted_by_entity TEXT,
        asserted_by_name TEXT,
        UNIQUE (document_id, claim_id)
    )
    """,
    """
    CREATE TABLE errors (
        pk INTEGER PRIMARY KEY,
        document_id TEXT,
        source TEXT NOT NULL,
        code TEXT NOT NULL,
        message TEXT NOT NULL,
        at TEXT NOT NULL
    )
    """,
    """
    CREATE VIRTUAL TABLE documents_fts USING fts5(
        title, text, content="documents", content_rowid="pk"
    )
    """,
    """
    CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
        INSERT INTO documents_fts (rowid, title, text) VALUES (new.pk, new.title, new.text);
    END
    """,
    """
    CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
        INSERT INTO documents_fts (documents_fts, rowid, title, text)
            VALUES ('delete', old.pk, old.title, old.text);
    END
    """,
    """
    CREATE TRIGGER documents_fts_update AFTER UPDATE ON documents BEGIN
        INSERT INTO documents_fts (documents_fts, rowid, title, text)
            VALUES ('delete', old.pk, old.title, old.text);
        INSERT INTO documents_fts (rowid, title, text) VALUES (new.pk, new.title, new.text);
    END
    """,
    """
    CREATE VIRTUAL TABLE quotes_fts USING fts5(
        content, content="quotes", content_rowid="pk"
    )
    """,
    """
    CREATE TRIGGER quotes_fts_insert AFTER INSERT ON quotes BEGIN
        INSERT INTO quotes_fts (rowid, content) VALUES (new.pk, new.content);
    END
    """,
    """
    CREATE TRIGGER quotes_fts_delete AFTER DELETE ON quotes BEGIN
        INSERT INTO quotes_fts (quotes_fts, rowid, content) VALUES ('delete', old.pk, old.content);
    END
    """,
    """
    CREATE TRIGGER quotes_fts_update AFTER UPDATE ON quotes BEGIN
        INSERT INTO quotes_fts (quotes_fts, rowid, content) VALUES ('delete', old.pk, old.content);
        INSERT INTO quotes_fts (rowid, content) VALUES (new.pk, new.content);
    END
    """,
]


def _initial_schema(conn: sqlite3.Connection) -> None:
    """Documents, quotes, entities, claims, errors; FTS5 over document text and quote contents."""
    # One statement at a time: executescript() would commit the migration's transaction.
    for statement in _INITIAL_SCHEMA:
        conn.execute(statement)


#: In order; the position (1-based) is the migration's id in the ``migrations`` table.
def _corpus_entities(conn: sqlite3.Connection) -> None:
    """Entities across articles (see ``store/entities.py``)."""
    from .entities import SCHEMA

    for statement in SCHEMA:
        conn.execute(statement)


def _syndication(conn: sqlite3.Connection) -> None:
    """Copies and near-copies of articles (see ``store/syndication.py``)."""
    from .syndication import SCHEMA

    for statement in SCHEMA:
        conn.execute(statement)


def _claim_context(conn: sqlite3.Connection) -> None:
    """What ``find_figures`` reads around each figure, worked out once (see
    ``store/figures.py``), filled for the documents stored before."""
    from .figures import CLAIM_CONTEXT_SCHEMA, fill_claim_context

    for statement in CLAIM_CONTEXT_SCHEMA:
        conn.execute(statement)
    fill_claim_context(conn)


MIGRATIONS: list[tuple[str, Migration]] = [
    ("initial_schema", _initial_schema),
    ("corpus_entities", _corpus_entities),
    ("syndication", _syndication),
    ("claim_context", _claim_context),
]


def _fill_claim_context(conn: Connection) -> None:
    from .figures import fill_claim_context

    fill_claim_context(conn)


#: What a migration does on PostgreSQL after its statements (``postgres.SCHEMA``), in
#: Python: filling a new table from the documents stored before.
_POSTGRES_AFTER: dict[str, Migration] = {"claim_context": _fill_claim_context}


def _ensure_table(conn: Connection) -> None:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS migrations ("
        " id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )


def applied_migrations(conn: Connection) -> list[int]:
    """Ids of the migrations recorded in the database (empty for a new database)."""
    from .dialect import table_exists

    if not table_exists(conn, "migrations"):
        return []
    return [row[0] for row in conn.execute("SELECT id FROM migrations ORDER BY id")]


def _postgres_migration(name: str) -> Migration:
    """The PostgreSQL statements of the migration ``name`` (``postgres.SCHEMA``)."""
    from .postgres import SCHEMA

    if name not in SCHEMA:
        raise OnrecordError(f"the migration {name!r} has no PostgreSQL statements yet")
    statements = SCHEMA[name]
    after = _POSTGRES_AFTER.get(name)

    def run(conn: Connection) -> None:
        for statement in statements:
            conn.execute(statement)
        if after is not None:
            after(conn)

    return run


def pending_migrations(conn: Connection) -> list[int]:
    done = set(applied_migrations(conn))
    if done and max(done) > len(MIGRATIONS):
        raise OnrecordError(
            "the database was made by a newer onrecord (schema version "
            f"{max(done)}, this version knows {len(MIGRATIONS)}); upgrade onrecord"
        )
    return [n for n in range(1, len(MIGRATIONS) + 1) if n not in done]


def migrate(conn: Connection) -> list[str]:
    """Apply the pending migrations, each in its own transaction; returns their names.

    ``conn`` must be in autocommit mode (``isolation_level=None``): this function
    opens and commits the transactions itself.
    """
    applied: list[str] = []
    if not pending_migrations(conn):
        return applied
    conn.execute("BEGIN IMMEDIATE")
    try:
        _ensure_table(conn)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    postgres = not isinstance(conn, sqlite3.Connection) and _is_postgres(conn)
    for number in pending_migrations(conn):
        name, function = MIGRATIONS[number - 1]
        if postgres:
            function = _postgres_migration(name)
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another writer may have applied it while we waited for the lock.
            if conn.execute("SELECT 1 FROM migrations WHERE id = ?", (number,)).fetchone():
                conn.execute("ROLLBACK")
                continue
            function(conn)
            conn.execute(
                "INSERT INTO migrations (id, name, applied_at) VALUES (?, ?, ?)",
                (number, name, _now()),
            )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied


def _is_postgres(conn: Connection) -> bool:
    from .dialect import dialect_of

    return dialect_of(conn).postgres


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
