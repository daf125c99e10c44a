"""The PostgreSQL backend: a connection that speaks the store's SQL, and the schema.

The store's SQL is written once, for SQLite. ``PgConnection`` wraps a psycopg 3
connection with the small part of the ``sqlite3.Connection`` interface the store
uses (``execute``, ``executemany``, ``cursor``, ``in_transaction``, ``close``) and
translates on the way:

- placeholders: ``?`` becomes ``%s`` and ``:name`` becomes ``%(name)s`` (outside
  string literals and quoted names; a literal ``%`` is doubled);
- ``BEGIN IMMEDIATE`` (SQLite: take the write lock now) becomes ``BEGIN`` and a
  transaction-scoped advisory lock of the schema: one writer at a time, as on SQLite;
- a few SQLite spellings with one PostgreSQL equivalent (``_REWRITES``): ``INSERT OR
  IGNORE`` is ``INSERT ... ON CONFLICT DO NOTHING``, ``a IS NOT b`` (b not NULL) is
  ``IS DISTINCT FROM``, ``CROSS JOIN t ON`` is ``JOIN t ON``, ``PRAGMA`` does nothing
  and a bare ``ANALYZE`` analyses the store's tables;
- rows are tuples that can also be read by column name, like ``sqlite3.Row``;
- psycopg errors become ``PostgresError`` (with the SQLSTATE), which the store turns
  into one readable line as it does SQLite's;
- PostgreSQL text cannot hold NUL characters: a NUL in a string parameter is stored as
  U+FFFD (one character for one, so offsets stay right; the ``record`` JSON has it
  escaped, so JSONL exports keep it).

What cannot be translated word for word (full text, JSON, ``COLLATE NOCASE``,
``LIKE``'s case) is chosen by ``dialect.Dialect``; the schema is ``SCHEMA`` below, one
list of statements per migration of ``migrations.MIGRATIONS``, with the same tables,
columns, indexes and names. Text columns are ``COLLATE "C"`` (code point order, as
SQLite's BINARY), so that both backends sort alike whatever the database's locale;
offsets into a text are ``INTEGER`` (PostgreSQL's ``substr`` takes no ``BIGINT``),
other integers ``BIGINT`` and real numbers ``DOUBLE PRECISION`` (SQLite's are 64-bit).

psycopg is imported only when a ``postgresql://`` database is opened: SQLite users
need not install it (``pip install 'onrecord[postgres]'``).
"""

from __future__ import annotations

import functools
import re
import urllib.parse
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

__all__ = [
    "SCHEMA",
    "PgConnection",
    "PgCursor",
    "PostgresError",
    "connect_postgres",
    "display_url",
    "is_postgres_url",
    "translate",
]

#: How long a statement waits for a lock held by another writer (as SQLite's busy timeout).
LOCK_TIMEOUT_MS = 5000
#: Seconds to wait for a connection to the server.
CONNECT_TIMEOUT = 10
#: Rows fetched at a time by ``PgConnection.stream`` (exports).
STREAM_ROWS = 1000


def is_postgres_url(path: str) -> bool:
    """True for ``postgresql://...`` and ``postgres://...`` (else: a SQLite file)."""
    return path.startswith(("postgresql://", "postgres://"))


def display_url(url: str) -> str:
    """The URL without its password (``user:PASSWORD@`` or ``?password=``), for messages."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return "postgresql://..."
    if parts.password is not None:
        netloc = parts.netloc.rsplit("@", 1)
        user = netloc[0].split(":", 1)[0]
        parts = parts._replace(netloc=f"{user}:***@{netloc[1]}")
    query = re.sub(r"(?i)(^|&)(password=)[^&]*", r"\1\2***", parts.query)
    return urllib.parse.urlunsplit(parts._replace(query=query))


class PostgresError(Exception):
    """An error PostgreSQL (or the connection to it) reported."""

    def __init__(self, message: str, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


# --- SQL translation ---------------------------------------------------------------------------

_NAME = re.compile(r"[A-Za-z_]\w*")


#: (pattern, replacement) applied to each statement before its placeholders are translated.
_REWRITES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bIS NOT(?!\s+(?:NULL|DISTINCT)\b)(?=\s)"), "IS DISTINCT FROM"),
    (re.compile(r"\bCROSS JOIN(?=\s+\w+(?:\s+(?:AS\s+)?(?!ON\b)\w+)?\s+ON\b)"), "JOIN"),
]
_INSERT_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
_BEGIN_LOCKED = "BEGIN; SELECT pg_advisory_xact_lock(hashtext('onrecord:' || current_schema()))"
#: The tables a bare ``ANALYZE`` analyses (the whole database would be every schema's).
_ANALYZE = (
    "ANALYZE documents, quotes, entities, claims, claim_context, syndication, syndication_quotes"
)


@functools.lru_cache(maxsize=1024)
def translate(sql: str) -> str:
    """The store's SQLite SQL as PostgreSQL (see the module's docstring): the rewrites,
    then placeholders (``?``, ``:name``) as psycopg's (``%s``, ``%(name)s``)."""
    stripped = sql.strip()
    upper = stripped.upper()
    if upper.startswith("PRAGMA"):
        return "SELECT 1 WHERE false"
    if upper == "ANALYZE":
        return _ANALYZE
    if _INSERT_OR_IGNORE.match(sql):
        sql = _INSERT_OR_IGNORE.sub("INSERT INTO", sql, count=1).rstrip().rstrip(";")
        sql += " ON CONFLICT DO NOTHING"
    for pattern, replacement in _REWRITES:
        sql = pattern.sub(replacement, sql)
    return _placeholders(sql)


def _placeholders(sql: str) -> str:
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in "'\"":  # a string literal or a quoted name, copied as it is
            end = sql.find(ch, i + 1)
            end = n - 1 if end < 0 else end
            out.append(sql[i : end + 1].replace("%", "%%"))
            i = end + 1
            continue
        if ch == "?":
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        elif ch == ":" and i + 1 < n and sql[i + 1] != ":" and (i == 0 or sql[i - 1] != ":"):
            match = _NAME.match(sql, i + 1)
            if match is None:
                out.append(ch)
            else:
                out.append(f"%({match.group()})s")
                i = match.end()
                continue
        else:
            out.append(ch)
        i += 1
    return "".join(out)


# --- rows --------------------------------------------------------------------------------------


class Row(tuple[Any, ...]):
    """A row that is a tuple and can be read by column name too (as ``sqlite3.Row``)."""

    _index: dict[str, int] = {}

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


@functools.lru_cache(maxsize=256)
def _row_class(names: tuple[str, ...]) -> type[Row]:
    return type("Row", (Row,), {"_index": {name: i for i, name in enumerate(names)}})


def _row_factory(cursor: Any) -> Callable[[Sequence[Any]], Row]:
    description = cursor.description or []
    cls = _row_class(tuple(column.name for column in description))
    return cls


# --- the connection ------------------------------------------------------------------------------


def _wrap(exc: Exception) -> PostgresError:
    sqlstate = getattr(exc, "sqlstate", None)
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    error = PostgresError(message, sqlstate)
    error.__cause__ = exc
    return error


class PgCursor:
    """The part of ``sqlite3.Cursor`` the store uses, over a psycopg cursor."""

    def __init__(self, conn: PgConnection, *, server_side: bool = False) -> None:
        self._conn = conn
        self._cursor: psycopg.Cursor[Any] | psycopg.ServerCursor[Any]
        if server_side:
            # rows are fetched as they are read (WITH HOLD: the transaction that made
            # it, in autocommit mode, ends at once)
            cursor = conn.raw.cursor(name=f"onrecord_{uuid.uuid4().hex}", withhold=True)
            cursor.itersize = STREAM_ROWS
            self._cursor = cursor
        else:
            self._cursor = conn.raw.cursor()
        self.row_factory: Any = None  # rows can always be read by name

    def execute(self, sql: str, params: Any = ()) -> PgCursor:
        import psycopg

        try:
            self._cursor.execute(translate(sql), _params(params))
        except psycopg.Error as exc:
            raise _wrap(exc) from exc
        return self

    def executemany(self, sql: str, seq: Iterable[Any]) -> PgCursor:
        import psycopg

        rows = [_params(p) for p in seq]
        if not rows:
            return self
        try:
            self._cursor.executemany(translate(sql), rows)
        except psycopg.Error as exc:
            raise _wrap(exc) from exc
        return self

    def fetchone(self) -> Any:
        if self._cursor.description is None:
            return None
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        if self._cursor.description is None:
            return []
        return self._cursor.fetchall()

    def __iter__(self) -> Iterator[Any]:
        import psycopg

        if self._cursor.description is None:
            return
        try:
            yield from self._cursor
        except psycopg.Error as exc:
            raise _wrap(exc) from exc

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    def close(self) -> None:
        self._cursor.close()


def _params(params: Any) -> Any:
    if params is None:
        return ()
    if isinstance(params, dict):
        return params
    return tuple(params)


class PgConnection:
    """A psycopg connection in autocommit mode, used as the store uses ``sqlite3.Connection``:
    transactions are opened and committed explicitly (``BEGIN IMMEDIATE`` ... ``COMMIT``)."""

    def __init__(self, raw: psycopg.Connection[Any], url: str) -> None:
        self.raw = raw
        self.url = url

    def cursor(self) -> PgCursor:
        return PgCursor(self)

    def execute(self, sql: str, params: Any = ()) -> PgCursor:
        if sql.strip().upper() == "BEGIN IMMEDIATE":
            # one writer at a time, as SQLite's write lock: a transaction-scoped advisory
            # lock of this schema (waits at most LOCK_TIMEOUT_MS, then "lock timeout")
            import psycopg

            cursor = self.cursor()
            try:
                # one round trip: several statements are allowed without parameters
                cursor._cursor.execute(_BEGIN_LOCKED)
            except psycopg.Error as exc:
                raise _wrap(exc) from exc
            return cursor
        return self.cursor().execute(sql, params)

    def executemany(self, sql: str, seq: Iterable[Any]) -> PgCursor:
        return self.cursor().executemany(sql, seq)

    def stream(self, sql: str, params: Any = ()) -> PgCursor:
        """``execute`` for a large result: its rows are fetched from the server as they
        are read, ``STREAM_ROWS`` at a time, not all at once."""
        return PgCursor(self, server_side=True).execute(sql, params)

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def table_exists(self, name: str) -> bool:
        row = self.execute("SELECT to_regclass(?) IS NOT NULL", (name,)).fetchone()
        return bool(row[0])

    def close(self) -> None:
        self.raw.close()


@functools.lru_cache(maxsize=1)
def _nul_safe_dumpers() -> tuple[type[Any], type[Any]]:
    from psycopg.types.string import StrBinaryDumper, StrDumperUnknown

    class Text(StrDumperUnknown):
        def dump(self, obj: str) -> Any:
            return super().dump(obj.replace("\x00", "\ufffd") if "\x00" in obj else obj)

    class Binary(StrBinaryDumper):
        def dump(self, obj: str) -> Any:
            return super().dump(obj.replace("\x00", "\ufffd") if "\x00" in obj else obj)

    return Text, Binary


def connect_postgres(url: str, *, readonly: bool = False) -> PgConnection:
    """A connection to the database at ``url``; raises ``PostgresError`` when it fails,
    ``ImportError`` when psycopg is not installed."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    try:
        given = conninfo_to_dict(url)
        # the URL's own settings win over these defaults
        defaults: dict[str, Any] = {
            "connect_timeout": CONNECT_TIMEOUT,
            "application_name": "onrecord",
        }
        extra = {key: value for key, value in defaults.items() if key not in given}
        raw = psycopg.connect(url, autocommit=True, row_factory=_row_factory, **extra)
    except psycopg.Error as exc:
        raise _wrap(exc) from exc
    text, binary = _nul_safe_dumpers()
    raw.adapters.register_dumper(str, binary)
    raw.adapters.register_dumper(str, text)  # the last one is the default, as in psycopg
    conn = PgConnection(raw, url)
    try:
        conn.execute(f"SET lock_timeout = {int(LOCK_TIMEOUT_MS)}")
        if readonly:
            conn.execute("SET default_transaction_read_only = on")
    except BaseException:
        conn.close()
        raise
    return conn


# --- the schema ----------------------------------------------------------------------------------

#: The tsvector of a document covers at most this many characters of its title and text
#: (PostgreSQL refuses a tsvector over 1 MB); the quotes are searched in full.
DOCUMENT_SEARCH_CHARS = 500_000

_INITIAL_SCHEMA = [
    f"""
    CREATE TABLE documents (
        pk BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        id TEXT COLLATE "C" NOT NULL UNIQUE,
        source TEXT COLLATE "C" NOT NULL,
        title TEXT COLLATE "C",
        outlet TEXT COLLATE "C",
        url TEXT COLLATE "C",
        published TEXT COLLATE "C",
        language TEXT COLLATE "C",
        text TEXT COLLATE "C" NOT NULL,
        content_hash TEXT COLLATE "C" NOT NULL UNIQUE,
        pipeline TEXT COLLATE "C" NOT NULL,
        record TEXT COLLATE "C" NOT NULL,
        inserted_at TEXT COLLATE "C" NOT NULL,
        updated_at TEXT COLLATE "C",
        search tsvector GENERATED ALWAYS AS (
            to_tsvector('simple', left(coalesce(title, '') || ' ' || text, {DOCUMENT_SEARCH_CHARS}))
        ) STORED
    )
    """,
    "CREATE INDEX documents_outlet ON documents(outlet)",
    "CREATE INDEX documents_published ON documents(published)",
    "CREATE INDEX documents_search ON documents USING GIN (search)",
    """
    CREATE TABLE quotes (
        pk BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        document_id TEXT COLLATE "C" NOT NULL REFERENCES documents(id),
        quote_id TEXT COLLATE "C" NOT NULL,
        kind TEXT COLLATE "C" NOT NULL,
        content TEXT COLLATE "C" NOT NULL,
        content_start INTEGER NOT NULL,
        content_end INTEGER NOT NULL,
        content_parts TEXT COLLATE "C" NOT NULL,
        cue TEXT COLLATE "C",
        cue_start INTEGER,
        cue_end INTEGER,
        source_text TEXT COLLATE "C",
        source_start INTEGER,
        source_end INTEGER,
        speaker_entity TEXT COLLATE "C",
        speaker_name TEXT COLLATE "C",
        speaker_type TEXT COLLATE "C",
        nested_in TEXT COLLATE "C",
        confidence DOUBLE PRECISION NOT NULL,
        search tsvector GENERATED ALWAYS AS (to_tsvector('simple', content)) STORED,
        UNIQUE (document_id, quote_id)
    )
    """,
    "CREATE INDEX quotes_speaker_name ON quotes(speaker_name)",
    "CREATE INDEX quotes_search ON quotes USING GIN (search)",
    """
    CREATE TABLE entities (
        pk BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        document_id TEXT COLLATE "C" NOT NULL REFERENCES documents(id),
        entity_id TEXT COLLATE "C" NOT NULL,
        name TEXT COLLATE "C" NOT NULL,
        type TEXT COLLATE "C" NOT NULL,
        mentions BIGINT NOT NULL,
        aliases TEXT COLLATE "C" NOT NULL,
        roles TEXT COLLATE "C" NOT NULL,
        UNIQUE (document_id, entity_id)
    )
    """,
    "CREATE INDEX entities_name ON entities(name)",
    """
    CREATE TABLE claims (
        pk BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        document_id TEXT COLLATE "C" NOT NULL REFERENCES documents(id),
        claim_id TEXT COLLATE "C" NOT NULL,
        text TEXT COLLATE "C" NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        value DOUBLE PRECISION,
        low DOUBLE PRECISION,
        high DOUBLE PRECISION,
        qualifier TEXT COLLATE "C" NOT NULL,
        unit TEXT COLLATE "C",
        direction TEXT COLLATE "C",
        measure TEXT COLLATE "C",
        event TEXT COLLATE "C",
        quote_id TEXT COLLATE "C",
        asserted_by_entity TEXT COLLATE "C",
        asserted_by_name TEXT COLLATE "C",
        UNIQUE (document_id, claim_id)
    )
    """,
    """
    CREATE TABLE errors (
        pk BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        document_id TEXT COLLATE "C",
        source TEXT COLLATE "C" NOT NULL,
        code TEXT COLLATE "C" NOT NULL,
        message TEXT COLLATE "C" NOT NULL,
        at TEXT COLLATE "C" NOT NULL
    )
    """,
]

#: Also run before each refresh of the links, as on SQLite (``entities.SCHEMA``).
ENTITIES_SCHEMA = [
    """
    CREATE TABLE IF NOT EXISTS corpus_entities (
        id BIGINT PRIMARY KEY,
        name TEXT COLLATE "C" NOT NULL,
        type TEXT COLLATE "C" NOT NULL,
        variants TEXT COLLATE "C" NOT NULL,
        roles TEXT COLLATE "C" NOT NULL,
        documents BIGINT NOT NULL,
        outlets BIGINT NOT NULL,
        mentions BIGINT NOT NULL,
        resolved BIGINT NOT NULL
    )
    """,
    "CREATE INDEX IF NOT EXISTS corpus_entities_name ON corpus_entities(name)",
    "CREATE INDEX IF NOT EXISTS corpus_entities_type ON corpus_entities(type, documents)",
    """
    CREATE TABLE IF NOT EXISTS corpus_entity_links (
        document_id TEXT COLLATE "C" NOT NULL,
        entity_id TEXT COLLATE "C" NOT NULL,
        corpus_entity BIGINT NOT NULL REFERENCES corpus_entities(id),
        PRIMARY KEY (document_id, entity_id)
    )
    """,
    """
    CREATE INDEX IF NOT EXISTS corpus_entity_links_entity ON corpus_entity_links(corpus_entity)
    """,
    """
    CREATE TABLE IF NOT EXISTS corpus_entities_state (
        id BIGINT PRIMARY KEY CHECK (id = 1),
        fingerprint TEXT COLLATE "C" NOT NULL,
        linked_at TEXT COLLATE "C" NOT NULL
    )
    """,
]

_SYNDICATION_SCHEMA = [
    """
    CREATE TABLE syndication (
        document_id TEXT COLLATE "C" PRIMARY KEY REFERENCES documents(id),
        content_hash TEXT COLLATE "C" NOT NULL,
        updated_at TEXT COLLATE "C",
        shingles BIGINT NOT NULL,
        signature BYTEA,
        group_id BIGINT NOT NULL,
        origin BIGINT NOT NULL DEFAULT 1,
        similarity DOUBLE PRECISION NOT NULL DEFAULT 1.0
    )
    """,
    "CREATE INDEX syndication_group ON syndication(group_id)",
    """
    CREATE TABLE syndication_bands (
        band BIGINT NOT NULL,
        bucket BIGINT NOT NULL,
        document_id TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (band, bucket, document_id)
    )
    """,
    """
    CREATE TABLE syndication_quotes (
        quote_pk BIGINT PRIMARY KEY,
        document_pk BIGINT NOT NULL,
        speaker_name TEXT COLLATE "C",
        speaker_type TEXT COLLATE "C",
        outlet TEXT COLLATE "C",
        copy BIGINT NOT NULL DEFAULT 0
    )
    """,
    """
    INSERT INTO syndication_quotes (quote_pk, document_pk, speaker_name, speaker_type, outlet)
    SELECT q.pk, d.pk, q.speaker_name, q.speaker_type, d.outlet
    FROM quotes q JOIN documents d ON d.id = q.document_id
    """,
    """
    CREATE INDEX syndication_quotes_speaker
    ON syndication_quotes(speaker_name, speaker_type, outlet, document_pk, copy)
    """,
    "CREATE INDEX syndication_quotes_outlet ON syndication_quotes(outlet, copy)",
    "CREATE INDEX syndication_quotes_document ON syndication_quotes(document_pk)",
    # the SQLite triggers syndication_quotes_insert/_delete/_update, as one function
    """
    CREATE FUNCTION syndication_quotes_sync() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            DELETE FROM syndication_quotes WHERE quote_pk = OLD.pk;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO syndication_quotes (quote_pk, document_pk, speaker_name, speaker_type, outlet)
            SELECT NEW.pk, d.pk, NEW.speaker_name, NEW.speaker_type, d.outlet
            FROM documents d WHERE d.id = NEW.document_id;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER syndication_quotes_sync AFTER INSERT OR UPDATE OR DELETE ON quotes
    FOR EACH ROW EXECUTE FUNCTION syndication_quotes_sync()
    """,
    """
    CREATE FUNCTION syndication_quotes_outlet() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
    BEGIN
        UPDATE syndication_quotes SET outlet = NEW.outlet WHERE document_pk = NEW.pk;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER syndication_quotes_outlet AFTER UPDATE OF outlet ON documents
    FOR EACH ROW EXECUTE FUNCTION syndication_quotes_outlet()
    """,
    "CREATE INDEX syndication_copy_documents ON syndication(document_id) WHERE origin = 0",
    "CREATE INDEX documents_outlet_published ON documents(outlet, published)",
    "CREATE INDEX documents_newest ON documents((published IS NULL), published DESC, id)",
]

#: ``figures.CLAIM_CONTEXT_SCHEMA``; the migration then fills it in Python.
_CLAIM_CONTEXT_SCHEMA = [
    """
    CREATE TABLE claim_context (
        document_id TEXT COLLATE "C" NOT NULL REFERENCES documents(id),
        claim_id TEXT COLLATE "C" NOT NULL,
        after_text TEXT COLLATE "C" NOT NULL,
        context_words TEXT COLLATE "C" NOT NULL,
        sentence TEXT COLLATE "C" NOT NULL,
        said_on TEXT COLLATE "C",
        UNIQUE (document_id, claim_id)
    )
    """,
]

#: The statements of each migration (by its name in ``migrations.MIGRATIONS``) on PostgreSQL.
SCHEMA: dict[str, list[str]] = {
    "initial_schema": _INITIAL_SCHEMA,
    "corpus_entities": ENTITIES_SCHEMA,
    "syndication": _SYNDICATION_SCHEMA,
    "claim_context": _CLAIM_CONTEXT_SCHEMA,
}
