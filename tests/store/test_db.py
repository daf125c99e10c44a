"""The store without spaCy: schema, migrations, idempotent writes, queries, exports, safety."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from onrecord.store import (
    MIGRATIONS,
    PutResult,
    Store,
    StoreError,
    connect,
    content_hash,
    migrate,
    open_corpus,
)
from onrecord.types import Record

from .conftest import integrity, make_record, table_count


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "corpus.db"


def test_new_database_is_wal_with_migrations_recorded(db: Path) -> None:
    Store.open(db).close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        rows = conn.execute("SELECT id, name FROM migrations ORDER BY id").fetchall()
        assert rows == [(n, name) for n, (name, _) in enumerate(MIGRATIONS, 1)]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"documents", "quotes", "entities", "claims", "errors", "migrations"} <= tables
    assert {"documents_fts", "quotes_fts"} <= tables
    conn2 = connect(db)
    try:
        assert migrate(conn2) == []  # nothing pending the second time
    finally:
        conn2.close()


def test_newer_schema_is_refused(db: Path) -> None:
    Store.open(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO migrations VALUES (999, 'future', '2030-01-01')")
    with pytest.raises(Exception, match="newer onrecord"):
        connect(db)


def test_same_document_is_stored_once(db: Path) -> None:
    record = make_record("a.txt", "We will rebuild", "Lena Varga")
    with Store.open(db) as store:
        assert store.put(record) is PutResult.inserted
        assert store.put(record) is PutResult.unchanged
        same_text = record.model_copy(update={"id": "copy-of-a.txt"})
        assert store.put(same_text) is PutResult.duplicate
    assert table_count(db, "documents") == 1
    assert table_count(db, "quotes") == 1
    assert table_count(db, "entities") == 1
    with sqlite3.connect(db) as conn:
        stored_hash, stored_json = conn.execute(
            "SELECT content_hash, record FROM documents"
        ).fetchone()
    assert stored_hash == content_hash(record.text)
    assert Record.model_validate_json(stored_json) == record


def test_replace_rewrites_children_and_search(db: Path) -> None:
    old = make_record("a.txt", "The water was released", "Lena Varga", pipeline="old")
    new = make_record("a.txt", "The dam was unsafe", "Tomas Holt", pipeline="new")
    with Store.open(db) as store:
        store.put(old)
        assert store.put(new, replace=True) is PutResult.updated
    with sqlite3.connect(db) as conn:
        pipeline, updated_at = conn.execute("SELECT pipeline, updated_at FROM documents").fetchone()
        assert (pipeline, updated_at is not None) == ("new", True)
        assert conn.execute("SELECT speaker_name FROM quotes").fetchall() == [("Tomas Holt",)]
        assert conn.execute("SELECT name FROM entities").fetchall() == [("Tomas Holt",)]
        for fts in ("documents_fts", "quotes_fts"):
            conn.execute(f"INSERT INTO {fts} ({fts}) VALUES ('integrity-check')")
    with open_corpus(db) as corpus:
        assert corpus.quotes(contains="released") == []
        assert [q.speaker_name for q in corpus.quotes(contains="unsafe")] == ["Tomas Holt"]


def test_a_failed_write_leaves_nothing_half_stored(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from onrecord.store import db as dbmod

    with Store.open(db) as store:
        store.put(make_record("a.txt", "First", "Ann Lee"))

        def full(*args: object, **kwargs: object) -> None:
            raise sqlite3.OperationalError("database or disk is full")

        monkeypatch.setattr(dbmod, "_insert_children", full)
        with pytest.raises(StoreError, match="disk is full") as caught:
            store.put(make_record("b.txt", "Second", "Bo Chen"))
        assert "\n" not in caught.value.message
    assert table_count(db, "documents") == 1  # b.txt's document row was rolled back
    assert table_count(db, "quotes") == 1
    assert integrity(db) == "ok"


NASTY = "O'Brien\"; DROP TABLE quotes; --"


def test_sql_is_parameterised(db: Path) -> None:
    with Store.open(db) as store:
        store.put(make_record("x'; DROP TABLE documents; --", "It's fine'; DROP TABLE x", NASTY))
        store.put(make_record("b.txt", "Other words", "Ann Lee", outlet="A'; DELETE FROM quotes"))
    with open_corpus(db) as corpus:
        found = corpus.quotes(speaker=NASTY)
        assert [q.speaker_name for q in found] == [NASTY]
        assert [q.document_id for q in corpus.quotes(speaker='"; DROP')] == [
            "x'; DROP TABLE documents; --"
        ]
        assert corpus.quotes(outlet="x' OR '1'='1") == []
        assert len(corpus.quotes(outlet="A'; DELETE FROM quotes")) == 1
        assert len(corpus.quotes(contains="'; DROP TABLE x")) == 1
        assert corpus.quotes(contains='" OR * NEAR(') == []  # FTS syntax is read as words
        assert corpus.quotes(speaker="%") == []  # LIKE wildcards are literal
        assert [s.name for s in corpus.speakers(outlet="A'; DELETE FROM quotes")] == ["Ann Lee"]
    assert table_count(db, "documents") == 2
    assert table_count(db, "quotes") == 2


@pytest.fixture
def filled(db: Path) -> Path:
    with Store.open(db) as store:
        store.put(
            make_record(
                "m1",
                "The releases were routine",
                "Katrin Moll",
                outlet="Meridian Times",
                published="2024-03-04",
            )
        )
        store.put(
            make_record(
                "m2",
                "We were never warned",
                "Lena Varga",
                outlet="Meridian Times",
                published="2024-03-05",
            )
        )
        store.put(
            make_record(
                "v1",
                "Nobody warned the valley",
                "Lena Varga",
                outlet="Valley Wire",
                published="2024-03-06",
                kind="mixed",
            )
        )
        store.put(
            make_record(
                "n1",
                "Talks will begin on Friday",
                "Katrin Moll",
                outlet=None,
                published=None,
                kind="indirect",
            )
        )
    return db


def test_quote_filters(filled: Path) -> None:
    with open_corpus(filled) as corpus:
        assert len(corpus.quotes()) == 4
        assert [q.document_id for q in corpus.quotes(speaker="varga")] == ["v1", "m2"]
        assert [q.document_id for q in corpus.quotes(outlet="meridian times")] == ["m2", "m1"]
        assert [q.document_id for q in corpus.quotes(since="2024-03-05")] == ["v1", "m2"]
        assert [q.document_id for q in corpus.quotes(until="2024-03-04")] == ["m1"]
        assert [q.document_id for q in corpus.quotes(kind="mixed")] == ["v1"]
        assert [q.document_id for q in corpus.quotes(contains="warned")] == ["v1", "m2"]
        assert [q.document_id for q in corpus.quotes(contains='"never warned"')] == ["m2"]
        assert [q.document_id for q in corpus.quotes(contains="WARNED valley")] == ["v1"]
        assert len(corpus.quotes(limit=2)) == 2
        both = corpus.quotes(speaker="Lena", outlet="Valley Wire", since="2024-03-01")
        assert [q.content for q in both] == ["Nobody warned the valley"]
        with pytest.raises(StoreError, match="not a date"):
            corpus.quotes(since="March")


def test_speakers_and_outlets(filled: Path) -> None:
    with open_corpus(filled) as corpus:
        speakers = corpus.speakers()
        assert [(s.name, s.quotes) for s in speakers] == [("Katrin Moll", 2), ("Lena Varga", 2)]
        assert speakers[1].by_outlet == {"Meridian Times": 1, "Valley Wire": 1}
        assert speakers[0].by_outlet == {"(unknown outlet)": 1, "Meridian Times": 1}
        assert [s.name for s in corpus.speakers(outlet="Valley Wire")] == ["Lena Varga"]
        outlets = {o.outlet: o for o in corpus.outlets()}
        assert outlets["Meridian Times"].documents == 2
        assert outlets["Meridian Times"].quotes == 2
        assert outlets["Meridian Times"].first_published == "2024-03-04"
        assert outlets[None].quotes == 1


def test_exports(filled: Path) -> None:
    with open_corpus(filled) as corpus:
        out = io.StringIO()
        assert corpus.export_jsonl(out) == 4
        records = [Record.model_validate_json(line) for line in out.getvalue().splitlines()]
        assert [r.id for r in records] == ["m1", "m2", "v1", "n1"]
        out = io.StringIO()
        assert corpus.export_csv(out) == 4
        rows = list(csv.DictReader(io.StringIO(out.getvalue())))
        assert rows[0]["speaker_name"] == "Katrin Moll"
        assert rows[0]["outlet"] == "Meridian Times"
        out = io.StringIO()
        assert corpus.export_csv(out, "documents") == 4
        with pytest.raises(StoreError):
            corpus.export_csv(io.StringIO(), "sqlite_master")


def test_parquet_export(filled: Path, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    target = tmp_path / "quotes.parquet"
    with open_corpus(filled) as corpus:
        assert corpus.export_parquet(target) == 4
    assert pq.read_table(target).num_rows == 4


def test_open_corpus_needs_a_database(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such database"):
        open_corpus(tmp_path / "missing.db")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not an onrecord database"):
        open_corpus(junk)


def test_locked_database_message(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from onrecord.store import db as dbmod

    Store.open(db).close()
    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT", 0.05)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with Store.open(db) as store, pytest.raises(StoreError, match="locked by another"):
            store.put(make_record("a.txt", "Hello", "Ann Lee"))
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_records_json_is_the_contract(filled: Path) -> None:
    with sqlite3.connect(filled) as conn:
        for (text,) in conn.execute("SELECT record FROM documents"):
            assert set(json.loads(text)) >= {"id", "quotes", "claims", "entities", "pipeline"}


def test_a_new_migration_is_applied_once_to_an_existing_database(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from onrecord.store import migrations

    with Store.open(db) as store:
        store.put(make_record("a.txt", "Kept", "Ann Lee"))

    def add_note_column(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE documents ADD COLUMN note TEXT")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*MIGRATIONS, ("add_note", add_note_column)])
    with pytest.raises(StoreError, match="older onrecord"):
        open_corpus(db)  # read-only: asks for an upgrade rather than failing later
    Store.open(db).close()
    Store.open(db).close()  # applied once: a second ALTER TABLE would fail
    with sqlite3.connect(db) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM migrations ORDER BY id")]
        columns = [r[1] for r in conn.execute("PRAGMA table_info(documents)")]
    assert names == [name for name, _ in MIGRATIONS] + ["add_note"]
    assert "note" in columns
    assert table_count(db, "documents") == 1
