"""What differs between the SQLite and the PostgreSQL store, in one place.

The store's SQL is written once. Placeholders, ``BEGIN IMMEDIATE``, ``INSERT OR
IGNORE``, ``IS NOT``, ``CROSS JOIN ... ON``, ``PRAGMA`` and rows are translated by
``postgres.PgConnection``; the few fragments that need more than a word for word
translation are chosen here, by the connection's backend:

| what | SQLite | PostgreSQL |
|---|---|---|
| case-insensitive equality | ``x = :p COLLATE NOCASE`` | ``lower(x) = lower(:p COLLATE "C")`` |
| case-insensitive ``LIKE`` | ``LIKE`` | ``ILIKE`` (on ``COLLATE "C"`` text) |
| quote full text | FTS5 ``quotes_fts MATCH`` | ``search @@ websearch_to_tsquery('simple', ...)`` |
| larger of two values | ``max(a, b)`` | ``greatest(a, b)`` |
| a list of ids as one parameter | JSON text, ``json_each`` | an array, ``= ANY(...)`` |

On SQLite every fragment is exactly the SQL the store used before this module: the
SQLite path runs the same statements.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from .postgres import PgConnection, PostgresError

__all__ = [
    "DB_ERRORS",
    "POSTGRES",
    "SQLITE",
    "Connection",
    "Dialect",
    "dialect_of",
    "stream",
    "table_exists",
]

#: A connection of either backend.
Connection: TypeAlias = sqlite3.Connection | PgConnection

#: What either backend raises for a database problem.
DB_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, PostgresError)


@dataclass(frozen=True, slots=True)
class Dialect:
    name: str
    #: ``LIKE`` that ignores case
    like: str
    #: the larger of two values
    greatest: str

    @property
    def postgres(self) -> bool:
        return self.name == "postgresql"

    def nocase_eq(self, column: str, param: str) -> str:
        """``column`` equals the parameter ``param`` (``:name``) in any case."""
        if self.postgres:
            # "C": lower() folds ASCII letters only, as NOCASE does (the columns are "C")
            return f'lower({column}) = lower({param} COLLATE "C")'
        return f"{column} = {param} COLLATE NOCASE"

    def quotes_matching(self, alias: str, param: str) -> str:
        """The quote ``alias`` matches the full-text query ``param`` (made by ``fts_query``)."""
        if self.postgres:
            # fts_query quotes every word, and websearch_to_tsquery reads quoted words as
            # words (and several as a phrase), as FTS5 does
            return f"{alias}.search @@ websearch_to_tsquery('simple', {param})"
        return f"{alias}.pk IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH {param})"

    def in_list(self, column: str, param: str) -> str:
        """``column`` is one of the values of the parameter ``param`` (see ``list_param``)."""
        if self.postgres:
            return f"{column} = ANY({param})"
        return f"{column} IN (SELECT value FROM json_each({param}))"

    def list_param(self, values: Sequence[Any]) -> Any:
        """The value to bind for ``in_list``: JSON text for SQLite, a list for PostgreSQL."""
        if self.postgres:
            return list(values)
        return json.dumps(list(values))


SQLITE = Dialect(name="sqlite", like="LIKE", greatest="max")
POSTGRES = Dialect(name="postgresql", like="ILIKE", greatest="greatest")


def dialect_of(conn: Connection | Any) -> Dialect:
    return POSTGRES if isinstance(conn, PgConnection) else SQLITE


def stream(conn: Connection, sql: str) -> Any:
    """A cursor over the rows of ``sql``, for results too large to hold in memory (SQLite
    reads rows as they are asked for anyway; PostgreSQL needs a server-side cursor)."""
    if isinstance(conn, PgConnection):
        return conn.stream(sql)
    return conn.execute(sql)


def table_exists(conn: Connection, name: str) -> bool:
    """Whether the table ``name`` exists (in the schema the connection uses)."""
    if isinstance(conn, PgConnection):
        return conn.table_exists(name)
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return row is not None
