"""Syndication: copies and near-copies of one article across outlets.

A wire story runs in many outlets, sometimes with a new headline, a trimmed last
paragraph or a few words edited. Counting its quotes once per copy would make the
wire's sources look quoted many times over, so the store groups such copies:

1. **Signature.** Each document's body text (the record's ``body`` ranges) is cut
   into word shingles (``SHINGLE_WORDS`` consecutive lowercased words), hashed with
   CRC-32 and summed up as a MinHash of ``NUM_PERM`` permutations (datasketch, scheme
   ``affine32``, seed ``SEED``: the same text always gives the same signature). The signature is
   stored (``syndication.signature``), so a later ingest compares new documents
   with the stored ones without reading them again.
2. **Candidates.** Locality-sensitive hashing: the first ``BANDS * ROWS`` values of
   the signature are cut into ``BANDS`` bands of ``ROWS`` values; documents that
   share a band's hash (``syndication_bands``) are candidates.
3. **Verification.** A candidate whose estimated Jaccard similarity (the share of
   equal signature values) comes near ``THRESHOLD`` is read again: it is a copy when
   the real Jaccard similarity of the two shingle sets is at least ``THRESHOLD``.
4. **Groups.** A document joins the group of the copies it matches (merging their
   groups if it matches several). The group's ``origin`` is its earliest published
   member (undated documents last; ties: the earliest inserted), and every member
   keeps its similarity to the origin, estimated from the signatures.

Grouping runs at the end of ``onrecord ingest`` over the documents that have no
signature yet, or whose text changed since theirs was made (``index_pending``).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .db import store_error
from .dialect import DB_ERRORS

if TYPE_CHECKING:
    from .db import Store
    from .dialect import Connection

__all__ = [
    "BANDS",
    "NUM_PERM",
    "ROWS",
    "SCHEMA",
    "SEED",
    "SHINGLE_WORDS",
    "THRESHOLD",
    "VERIFY_MARGIN",
    "GroupRow",
    "IndexRun",
    "estimated_jaccard",
    "groups",
    "index_pending",
    "shingles",
    "signature",
]

#: Words per shingle.
SHINGLE_WORDS = 5
#: MinHash permutations and their seed (never change them without re-indexing).
NUM_PERM = 128
SEED = 1
#: LSH bands x rows per band (<= NUM_PERM). With 42 x 3, a pair of Jaccard 0.5 is a
#: candidate with probability 0.996, a pair of 0.1 with 0.04.
BANDS = 42
ROWS = 3
#: Jaccard similarity of the shingles from which two documents are copies of one story.
THRESHOLD = 0.5
#: Candidates whose estimated similarity is at least THRESHOLD - VERIFY_MARGIN have their
#: real similarity computed from their text (the estimate is within ~0.045 at 0.5).
VERIFY_MARGIN = 0.15

#: Statements of the ``syndication`` migration.
SCHEMA: list[str] = [
    """
    CREATE TABLE syndication (
        document_id TEXT PRIMARY KEY REFERENCES documents(id),
        content_hash TEXT NOT NULL,
        updated_at TEXT,
        shingles INTEGER NOT NULL,
        signature BLOB,
        group_id INTEGER NOT NULL,
        origin INTEGER NOT NULL DEFAULT 1,
        similarity REAL NOT NULL DEFAULT 1.0
    )
    """,
    """
    CREATE INDEX syndication_group ON syndication(group_id)
    """,
    """
    CREATE TABLE syndication_bands (
        band INTEGER NOT NULL,
        bucket INTEGER NOT NULL,
        document_id TEXT NOT NULL,
        PRIMARY KEY (band, bucket, document_id)
    ) WITHOUT ROWID
    """,
    # One narrow row per quote, kept in step with ``quotes`` by triggers: what the
    # corpus statistics count (speaker, outlet, document), and whether the quote is a
    # copy of a quote of an earlier member of its group (``copy``, set by grouping).
    # ``speakers`` and ``outlets`` read this table and its covering indexes only,
    # never the wide ``quotes`` and ``documents`` rows.
    """
    CREATE TABLE syndication_quotes (
        quote_pk INTEGER PRIMARY KEY,
        document_pk INTEGER NOT NULL,
        speaker_name TEXT,
        speaker_type TEXT,
        outlet TEXT,
        copy INTEGER NOT NULL DEFAULT 0
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
    """
    CREATE INDEX syndication_quotes_outlet ON syndication_quotes(outlet, copy)
    """,
    """
    CREATE INDEX syndication_quotes_document ON syndication_quotes(document_pk)
    """,
    """
    CREATE TRIGGER syndication_quotes_insert AFTER INSERT ON quotes BEGIN
        INSERT INTO syndication_quotes (quote_pk, document_pk, speaker_name, speaker_type, outlet)
        SELECT new.pk, d.pk, new.speaker_name, new.speaker_type, d.outlet
        FROM documents d WHERE d.id = new.document_id;
    END
    """,
    """
    CREATE TRIGGER syndication_quotes_delete AFTER DELETE ON quotes BEGIN
        DELETE FROM syndication_quotes WHERE quote_pk = old.pk;
    END
    """,
    """
    CREATE TRIGGER syndication_quotes_update AFTER UPDATE ON quotes BEGIN
        DELETE FROM syndication_quotes WHERE quote_pk = old.pk;
        INSERT INTO syndication_quotes (quote_pk, document_pk, speaker_name, speaker_type, outlet)
        SELECT new.pk, d.pk, new.speaker_name, new.speaker_type, d.outlet
        FROM documents d WHERE d.id = new.document_id;
    END
    """,
    """
    CREATE TRIGGER syndication_quotes_outlet AFTER UPDATE OF outlet ON documents BEGIN
        UPDATE syndication_quotes SET outlet = new.outlet WHERE document_pk = new.pk;
    END
    """,
    """
    CREATE INDEX syndication_copy_documents ON syndication(document_id) WHERE origin = 0
    """,
    # for the corpus queries: outlets (documents and dates, covering), and quotes newest
    # first (the ORDER BY of Corpus.quotes: a page of a common kind or outlet need not
    # sort every match)
    """
    CREATE INDEX documents_outlet_published ON documents(outlet, published)
    """,
    """
    CREATE INDEX documents_newest ON documents(published IS NULL, published DESC, id)
    """,
]

_WORD = re.compile(r"\w+")
_BATCH = 200  # documents per write transaction in index_pending

Signature = npt.NDArray[np.uint32]


# --- signatures ----------------------------------------------------------------------------


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[str]:
    """The word k-shingles of ``text`` (lowercased words); a shorter text is one shingle."""
    words = _WORD.findall(text.lower())
    if not words:
        return set()
    if len(words) < k:
        return {" ".join(words)}
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


_permutations: list[Any] = []


def signature(text: str | set[str]) -> Signature | None:
    """The MinHash signature of ``text``'s shingles (or of a set of shingles); None if empty."""
    from datasketch import MinHash

    found = shingles(text) if isinstance(text, str) else text
    if not found:
        return None
    if not _permutations:
        _permutations.append(MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32").permutations)
    minhash = MinHash(
        num_perm=NUM_PERM,
        seed=SEED,
        permutations=_permutations[0],
        scheme="affine32",
        hashfunc=zlib.crc32,  # deterministic, and 32 bits as affine32 wants
    )
    minhash.update_batch([s.encode("utf-8") for s in found])
    return np.asarray(minhash.hashvalues, dtype=np.uint32)


def estimated_jaccard(a: Signature, b: Signature) -> float:
    return float(np.count_nonzero(a == b)) / len(a)


def _to_blob(sig: Signature) -> bytes:
    return sig.astype("<u4").tobytes()


def _from_blob(blob: bytes) -> Signature:
    return np.frombuffer(blob, dtype="<u4").astype(np.uint32)


def _buckets(sig: Signature) -> list[tuple[int, int]]:
    """(band, bucket) for each LSH band of ``sig``."""
    data = sig.astype("<u4")
    out = []
    for band in range(BANDS):
        chunk = data[band * ROWS : (band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8).digest()
        out.append((band, int.from_bytes(digest, "little", signed=True)))
    return out


def body_text(text: str, body: Iterable[Any]) -> str:
    """The body ranges of ``text`` (spans as dicts or (start, end)), joined by blank lines."""
    parts = []
    for span in body:
        start, end = (span["start"], span["end"]) if isinstance(span, dict) else span
        parts.append(text[start:end])
    return "\n\n".join(parts) if parts else text


# --- indexing --------------------------------------------------------------------------------


@dataclass(slots=True)
class IndexRun:
    """What ``index_pending`` did."""

    indexed: int = 0  # documents given a signature
    copies: int = 0  # of which joined a group of two or more
    seconds: float = 0.0


def index_pending(store: Store, *, batch: int = _BATCH) -> IndexRun:
    """Sign and group every document without an up-to-date signature, oldest first.

    Runs in write transactions of ``batch`` documents; an interrupted run leaves
    the documents it did not reach for the next one.
    """
    started = time.perf_counter()
    run = IndexRun()
    try:
        _index_all(store, run, batch)
    except DB_ERRORS as exc:
        raise store_error(exc, store.path) from exc
    run.seconds = time.perf_counter() - started
    return run


def _index_all(store: Store, run: IndexRun, batch: int) -> None:
    conn = store.conn
    while True:
        pending = conn.execute(
            "SELECT d.pk, d.id, d.content_hash, d.updated_at, d.text, d.record FROM documents d"
            " LEFT JOIN syndication s ON s.document_id = d.id"
            " WHERE s.document_id IS NULL OR s.content_hash != d.content_hash"
            " OR s.updated_at IS NOT d.updated_at"
            " ORDER BY d.pk LIMIT ?",
            (batch,),
        ).fetchall()
        if not pending:
            break
        with store._transaction():
            for pk, doc_id, text_hash, updated_at, text, record in pending:
                body = _record_body(text, record)
                if _index_document(conn, pk, doc_id, (text_hash, updated_at), body):
                    run.copies += 1
                run.indexed += 1
    if run.indexed:
        # statistics for the query planner (sqlite_stat1), sampled so that the cost stays
        # small on a large corpus: without them, SQLite sorts every match of a common
        # filter before it returns a page of Corpus.quotes
        conn.execute("PRAGMA analysis_limit = 1000")
        conn.execute("ANALYZE")


def _record_body(text: str, record: str) -> str:
    try:
        body = json.loads(record).get("body") or []
    except (ValueError, AttributeError):
        body = []
    return body_text(text, body)


def _index_document(
    conn: Connection, pk: int, doc_id: str, version: tuple[str, str | None], body: str
) -> bool:
    """Sign one document and put it in its group; True when it joined other documents."""
    old = conn.execute(
        "SELECT group_id FROM syndication WHERE document_id = ?", (doc_id,)
    ).fetchone()
    if old is not None:  # its text or its record changed: out of its old group first
        _remove(conn, doc_id, old[0])
    mine = shingles(body)
    sig = signature(mine)
    n_shingles = len(mine)
    matches: dict[str, float] = {}
    buckets: list[tuple[int, int]] = []
    if sig is not None:
        buckets = _buckets(sig)
        near = [
            cand_id
            for cand_id, blob in _candidates(conn, buckets)
            if estimated_jaccard(sig, _from_blob(blob)) >= THRESHOLD - VERIFY_MARGIN
        ]
        if near:
            for cand_id, text, record in _in_chunks(
                conn,
                "SELECT d.id, d.text, d.record FROM documents d WHERE d.id IN ({})",
                near,
            ):
                theirs = shingles(_record_body(text, record))
                similarity = len(mine & theirs) / len(mine | theirs) if theirs else 0.0
                if similarity >= THRESHOLD:
                    matches[cand_id] = similarity
    groups_found: set[int] = set()
    if matches:
        groups_found = {
            row[0]
            for row in _in_chunks(
                conn,
                "SELECT DISTINCT group_id FROM syndication WHERE document_id IN ({})",
                list(matches),
            )
        }
    group = min(groups_found | {pk})
    for other in groups_found - {group}:
        conn.execute("UPDATE syndication SET group_id = ? WHERE group_id = ?", (group, other))
    conn.execute(
        "INSERT INTO syndication (document_id, content_hash, updated_at, shingles, signature,"
        " group_id, origin, similarity) VALUES (?, ?, ?, ?, ?, ?, 1, 1.0)",
        (doc_id, *version, n_shingles, None if sig is None else _to_blob(sig), group),
    )
    conn.executemany(
        "INSERT OR IGNORE INTO syndication_bands (band, bucket, document_id) VALUES (?, ?, ?)",
        [(band, bucket, doc_id) for band, bucket in buckets],
    )
    if groups_found:
        _elect_origin(conn, group)
    return bool(groups_found)


def _candidates(conn: Connection, buckets: Sequence[tuple[int, int]]) -> list[tuple[str, bytes]]:
    """Stored documents sharing at least one band bucket, with their signatures."""
    values = ", ".join("(?, ?)" for _ in buckets)
    params = [v for pair in buckets for v in pair]
    return [
        (row[0], row[1])
        for row in conn.execute(
            "SELECT s.document_id, s.signature FROM syndication s WHERE s.document_id IN"
            f" (SELECT b.document_id FROM (VALUES {values}) AS v"
            " CROSS JOIN syndication_bands b ON b.band = v.column1 AND b.bucket = v.column2)"
            " AND s.signature IS NOT NULL",
            params,
        )
    ]


def _in_chunks(conn: Connection, sql: str, ids: list[str]) -> Iterator[Any]:
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        yield from conn.execute(sql.format(", ".join("?" for _ in chunk)), chunk)


def _elect_origin(conn: Connection, group: int) -> None:
    """Mark the group's origin, each member's similarity to it, and the quotes that copy
    a quote of an earlier member (``syndication_quotes.copy``)."""
    members = conn.execute(
        "SELECT s.document_id, s.signature FROM syndication s"
        " JOIN documents d ON d.id = s.document_id WHERE s.group_id = ?"
        " ORDER BY d.published IS NULL, d.published, d.pk",
        (group,),
    ).fetchall()
    if not members:
        return
    origin_id, origin_blob = members[0]
    origin_sig = None if origin_blob is None else _from_blob(origin_blob)
    rows = []
    for doc_id, blob in members:
        if doc_id == origin_id:
            similarity = 1.0
        elif blob is None or origin_sig is None:
            similarity = 0.0
        else:
            similarity = estimated_jaccard(origin_sig, _from_blob(blob))
        rows.append((int(doc_id == origin_id), similarity, doc_id))
    conn.executemany(
        "UPDATE syndication SET origin = ?, similarity = ? WHERE document_id = ?", rows
    )
    _mark_copies(conn, [doc_id for doc_id, _ in members])


def _mark_copies(conn: Connection, members: list[str]) -> None:
    """Of the quotes of one group with the same speaker and text, all but the first are
    copies; the first is in the earliest member (``members`` is in origin order)."""
    rank = {doc_id: n for n, doc_id in enumerate(members)}
    quotes = sorted(
        _in_chunks(
            conn,
            "SELECT pk, document_id, speaker_name, content FROM quotes WHERE document_id IN ({})",
            members,
        ),
        key=lambda row: (rank[row[1]], row[0]),
    )
    seen: set[tuple[str | None, str]] = set()
    flags = []
    for pk, _doc_id, speaker, content in quotes:
        key = (speaker, content)
        flags.append((int(key in seen), pk))
        seen.add(key)
    conn.executemany(
        "UPDATE syndication_quotes SET copy = ? WHERE quote_pk = ? AND copy != ?",
        [(flag, pk, flag) for flag, pk in flags],
    )


def _remove(conn: Connection, doc_id: str, group: int) -> None:
    """Take a document out of its group (the rest stays one group, renumbered)."""
    conn.execute("DELETE FROM syndication_bands WHERE document_id = ?", (doc_id,))
    conn.execute(
        "UPDATE syndication_quotes SET copy = 0 WHERE document_pk ="
        " (SELECT pk FROM documents WHERE id = ?)",
        (doc_id,),
    )
    conn.execute("DELETE FROM syndication WHERE document_id = ?", (doc_id,))
    rest = conn.execute(
        "SELECT min(d.pk) FROM syndication s JOIN documents d ON d.id = s.document_id"
        " WHERE s.group_id = ?",
        (group,),
    ).fetchone()[0]
    if rest is not None:
        conn.execute("UPDATE syndication SET group_id = ? WHERE group_id = ?", (rest, group))
        _elect_origin(conn, rest)


# --- reading groups --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GroupRow:
    """A group of copies: its origin, how many copies, which outlets ran it."""

    group_id: int
    origin_id: str
    origin_outlet: str | None
    origin_published: str | None
    title: str | None
    documents: int
    copies: list[str]
    outlets: list[str]
    min_similarity: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def groups(conn: Connection, *, min_size: int = 2, limit: int | None = None) -> list[GroupRow]:
    """Groups of at least ``min_size`` documents, largest first."""
    sql = (
        "SELECT group_id, count(*) FROM syndication GROUP BY group_id HAVING count(*) >= ?"
        " ORDER BY count(*) DESC, group_id"
    )
    params: list[Any] = [max(1, min_size)]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(max(0, limit))
    result = []
    for group_id, _size in conn.execute(sql, params).fetchall():
        members = conn.execute(
            "SELECT d.id, d.outlet, d.published, d.title, s.origin, s.similarity"
            " FROM syndication s JOIN documents d ON d.id = s.document_id"
            " WHERE s.group_id = ? ORDER BY s.origin DESC, d.published IS NULL, d.published, d.pk",
            (group_id,),
        ).fetchall()
        origin = members[0]
        outlets: list[str] = []
        for member in members:
            label = member[1] if member[1] is not None else "(unknown outlet)"
            if label not in outlets:
                outlets.append(label)
        result.append(
            GroupRow(
                group_id=group_id,
                origin_id=origin[0],
                origin_outlet=origin[1],
                origin_published=origin[2],
                title=origin[3],
                documents=len(members),
                copies=[m[0] for m in members[1:]],
                outlets=outlets,
                min_similarity=min(m[5] for m in members),
            )
        )
    return result
