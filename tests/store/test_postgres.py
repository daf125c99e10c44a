"""The PostgreSQL store: the same scenario on both backends, with the same results.

Needs a PostgreSQL server: set ONRECORD_TEST_POSTGRES to a URL of a database the tests
may create schemas in (``.ci/run`` starts a throwaway cluster and sets it). Each test
works in a schema of its own, created and dropped around it. Without the variable (or
the server, or psycopg) these tests skip, saying why; the ones that need no server run.
"""

from __future__ import annotations

import csv
import io
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from onrecord.store import Store, StoreError, open_corpus
from onrecord.store.postgres import display_url, translate

from .conftest import make_record, write_articles

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "articles"
HOSTILE = "'; DROP TABLE quotes; --"

runner = CliRunner()


def run(app: typer.Typer, *args: str | os.PathLike[str]) -> tuple[int, str, str]:
    result = runner.invoke(app, [os.fspath(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _app() -> typer.Typer:
    from onrecord.corpus_cli import register

    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @app.callback()
    def _root() -> None:
        """test app"""

    register(app)
    return app


# --- the server and a schema per test ------------------------------------------------------------


@pytest.fixture(scope="module")
def pg_server() -> str:
    url = os.environ.get("ONRECORD_TEST_POSTGRES")
    if not url:
        pytest.skip("ONRECORD_TEST_POSTGRES is not set (a postgresql:// URL of a test server)")
    try:
        import psycopg
    except ImportError:
        pytest.skip("psycopg is not installed: pip install 'onrecord[postgres]'")
    try:
        with psycopg.connect(url, connect_timeout=3, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        pytest.skip(f"ONRECORD_TEST_POSTGRES is not reachable: {display_url(url)} ({exc})")
    return url


def _with_schema(url: str, schema: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture
def schema_factory(pg_server: str) -> Iterator[Any]:
    """Makes fresh schemas (as URLs that use them) and drops them after the test."""
    import psycopg

    made: list[str] = []

    def make() -> str:
        name = f"onrecord_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(pg_server, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {name}")
        made.append(name)
        return _with_schema(pg_server, name)

    yield make
    with psycopg.connect(pg_server, autocommit=True) as conn:
        for name in made:
            conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


@pytest.fixture
def pg_url(schema_factory: Any) -> str:
    return str(schema_factory())


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database of each backend."""
    if request.param == "sqlite":
        return os.fspath(tmp_path / "onrecord.db")
    return str(request.getfixturevalue("pg_url"))


# --- the examples on both backends ---------------------------------------------------------------


@pytest.fixture(scope="module")
def both(pg_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """examples/articles ingested by the CLI into SQLite and into a PostgreSQL schema
    (read only by the tests that use it)."""
    import psycopg

    schema = f"onrecord_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        url = _with_schema(pg_server, schema)
        sqlite_db = os.fspath(tmp_path_factory.mktemp("pg-compare") / "onrecord.db")
        app = _app()
        for where in (sqlite_db, url):
            code, _, err = run(app, "ingest", EXAMPLES, "--db", where)
            assert code == 0, err
            assert "9 new, 0 updated, 0 failed" in err
        yield sqlite_db, url
    finally:
        with psycopg.connect(pg_server, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


QUERIES: list[dict[str, Any]] = [
    {},
    {"speaker": "varga"},
    {"speaker": "VARGA", "kind": "direct"},
    {"outlet": "valley wire"},
    {"since": "2024-03-05", "until": "2024-03-06"},
    {"contains": "dam"},
    {"contains": '"the dam" water'},
    {"contains": "OR -dam"},
    {"kind": "indirect", "limit": 5},
    {"limit": 0},
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: ",".join(f"{k}={v}" for k, v in q.items()))
def test_quotes_are_the_same_on_both(both: tuple[str, str], query: dict[str, Any]) -> None:
    sqlite_db, url = both
    with open_corpus(sqlite_db) as a, open_corpus(url) as b:
        expected = a.quotes(**query)
        assert b.quotes(**query) == expected
    if not query:
        assert len(expected) > 50


def test_speakers_and_outlets_are_the_same_on_both(both: tuple[str, str]) -> None:
    sqlite_db, url = both
    with open_corpus(sqlite_db) as a, open_corpus(url) as b:
        assert b.speakers() == a.speakers()
        assert b.speakers(limit=3) == a.speakers(limit=3)
        assert b.speakers(outlet="meridian times") == a.speakers(outlet="meridian times")
        assert b.speakers(all_copies=True) == a.speakers(all_copies=True)
        assert b.outlets() == a.outlets()
        assert b.outlets(all_copies=True) == a.outlets(all_copies=True)
        assert any(o.copies for o in a.outlets())  # the syndicated copy is found on both


def _csv(corpus: Any, table: str) -> list[dict[str, str]]:
    out = io.StringIO()
    corpus.export_csv(out, table)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    for row in rows:  # when it was stored differs, and pk numbering may
        for column in ("inserted_at", "updated_at", "at", "pk"):
            row.pop(column, None)
    return rows


def test_exports_are_the_same_on_both(both: tuple[str, str]) -> None:
    sqlite_db, url = both
    with open_corpus(sqlite_db) as a, open_corpus(url) as b:
        first, second = io.StringIO(), io.StringIO()
        assert a.export_jsonl(first) == b.export_jsonl(second) == 9
        assert second.getvalue() == first.getvalue()
        for table in ("quotes", "documents", "entities", "claims", "errors"):
            assert _csv(b, table) == _csv(a, table), table
            assert b.count(table) == a.count(table)


def test_entities_figures_and_groups_are_the_same_on_both(both: tuple[str, str]) -> None:
    from onrecord.store.syndication import groups

    sqlite_db, url = both
    with open_corpus(sqlite_db) as a, open_corpus(url) as b:
        assert b.corpus_entities() == a.corpus_entities()
        assert b.corpus_entities(type="PERSON", min_mentions=2) == a.corpus_entities(
            type="PERSON", min_mentions=2
        )
        for term in ("killed", "missing"):
            fa, fb = a.figures(term), b.figures(term)
            assert fb.rows == fa.rows and fb.spreads == fa.spreads and fb.flags == fa.flags
        assert a.figures("killed").rows
        assert groups(b.conn) == groups(a.conn)


def test_cli_queries_read_a_postgres_url(both: tuple[str, str]) -> None:
    sqlite_db, url = both
    app = _app()
    for command in (["quotes", "--speaker", "varga"], ["speakers"], ["outlets"]):
        outputs = []
        for where in (sqlite_db, url):
            code, out, err = run(app, *command, "--db", where, "--format", "jsonl")
            assert code == 0, err
            outputs.append(out)
        assert outputs[0] == outputs[1], command


# --- one scenario, each backend --------------------------------------------------------------------


def test_rerun_is_idempotent(db: str, tmp_path: Path) -> None:
    app = _app()
    folder = tmp_path / "articles"
    write_articles(folder, 3)
    code, _, err = run(app, "ingest", folder, "--db", db)
    assert code == 0, err
    assert "3 new, 0 updated, 0 failed" in err
    code, _, err = run(app, "ingest", folder, "--db", db)
    assert code == 0, err
    assert "0 new, 0 updated, 3 already stored, 0 failed" in err
    with open_corpus(db) as corpus:
        assert corpus.count("documents") == 3
        assert corpus.count("quotes") == 3
        assert [s.name for s in corpus.speakers()] == ["Anna Kowal"]


def test_a_failed_document_is_recorded(db: str, tmp_path: Path) -> None:
    app = _app()
    folder = tmp_path / "articles"
    write_articles(folder, 1)
    (folder / "empty.txt").write_text("", encoding="utf-8")
    code, _, err = run(app, "ingest", folder, "--db", db)
    assert code == 1, err
    assert "1 new, 0 updated, 1 failed" in err
    with open_corpus(db) as corpus:
        _, rows = corpus.rows("errors")
        errors = list(rows)
    assert len(errors) == 1
    assert errors[0][2].endswith("empty.txt")  # source
    assert errors[0][3] == "empty"  # code


def test_hostile_names_are_data(db: str) -> None:
    with Store.open(db) as store:
        store.put(make_record("doc-1", "We did nothing wrong", HOSTILE, outlet=HOSTILE))
        store.put(make_record("doc-2", "It is 100% safe_ly done", "Lena Varga"))
    with open_corpus(db) as corpus:
        assert [q.speaker_name for q in corpus.quotes(speaker=HOSTILE)] == [HOSTILE]
        assert [q.outlet for q in corpus.quotes(outlet=HOSTILE)] == [HOSTILE]
        assert corpus.quotes(contains=HOSTILE) == []
        assert corpus.quotes(speaker="%") == []  # LIKE wildcards are literal
        assert [q.document_id for q in corpus.quotes(speaker="'")] == ["doc-1"]
        assert [q.document_id for q in corpus.quotes(contains="100%")] == ["doc-2"]
        assert corpus.speakers(outlet=HOSTILE)[0].name == HOSTILE
        assert corpus.count("quotes") == 2  # the table is still there


def test_each_document_is_one_transaction(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from onrecord.store import db as dbmod

    def broken(conn: Any, record: Any) -> None:
        conn.execute("INSERT INTO no_such_table VALUES (1)")

    with Store.open(db) as store:
        store.put(make_record("kept", "Stored", "Lena Varga"))
        monkeypatch.setattr(dbmod, "_insert_children", broken)
        with pytest.raises(StoreError, match="no_such_table"):
            store.put(make_record("lost", "Not stored", "Lena Varga"))
        monkeypatch.undo()
        assert store.find("lost") is None
        assert store.put(make_record("after", "Stored too", "Lena Varga")).value == "inserted"
    with open_corpus(db) as corpus:
        assert corpus.count("documents") == 2
        assert corpus.count("quotes") == 2


def test_update_replaces_the_children(db: str) -> None:
    with Store.open(db) as store:
        store.put(make_record("doc", "First words", "Lena Varga"))
        result = store.put(
            make_record("doc", "Second words", "Tomas Ek", pipeline="newer"), replace=True
        )
        assert result.value == "updated"
    with open_corpus(db) as corpus:
        assert [(q.speaker_name, q.content) for q in corpus.quotes()] == [
            ("Tomas Ek", "Second words")
        ]
        assert [s.name for s in corpus.speakers()] == ["Tomas Ek"]


# --- PostgreSQL only -------------------------------------------------------------------------------


def test_migrations_are_recorded_in_postgres(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from onrecord.store import migrations
    from onrecord.store.migrations import MIGRATIONS

    with Store.open(pg_url) as store:
        rows = store.conn.execute("SELECT id, name FROM migrations ORDER BY id").fetchall()
        assert [tuple(r) for r in rows] == [(i + 1, m[0]) for i, m in enumerate(MIGRATIONS)]
        search = store.conn.execute(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema()"
            " AND indexname IN ('quotes_search', 'documents_search')"
        ).fetchone()
        assert search[0] == 2  # the GIN indexes of the full-text search
    with Store.open(pg_url) as store:  # nothing applied twice
        assert store.conn.execute("SELECT count(*) FROM migrations").fetchone()[0] == len(
            MIGRATIONS
        )
    monkeypatch.setattr(migrations, "MIGRATIONS", MIGRATIONS[:1])
    with pytest.raises(StoreError, match="newer onrecord"):
        open_corpus(pg_url)


def test_a_migration_without_postgres_statements_is_refused(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from onrecord.store import migrations
    from onrecord.store.migrations import MIGRATIONS

    Store.open(pg_url).close()
    monkeypatch.setattr(migrations, "MIGRATIONS", [*MIGRATIONS, ("future", lambda conn: None)])
    with pytest.raises(Exception, match="no PostgreSQL statements"):
        Store.open(pg_url)


def test_an_empty_schema_is_no_corpus(pg_url: str) -> None:
    with pytest.raises(StoreError, match="not an onrecord corpus"):
        open_corpus(pg_url)


def test_queries_do_not_write(pg_url: str) -> None:
    from onrecord.store.postgres import PostgresError

    Store.open(pg_url).close()
    with open_corpus(pg_url) as corpus, pytest.raises(PostgresError, match="read-only"):
        corpus.conn.execute(
            "INSERT INTO errors (source, code, message, at) VALUES ('a', 'b', 'c', 'd')"
        )


# --- no server needed ------------------------------------------------------------------------------


def test_an_unreachable_server_is_one_line_without_the_password() -> None:
    url = "postgresql://onrecord:s3cret@127.0.0.1:1/nowhere?connect_timeout=2"
    with pytest.raises(StoreError) as caught:
        Store.open(url)
    message = caught.value.message
    assert "cannot connect" in message
    assert "s3cret" not in message and "onrecord:***@127.0.0.1:1" in message
    code, _, err = run(_app(), "quotes", "--db", url)
    assert code == 2
    assert "cannot connect" in err and "s3cret" not in err


def test_display_url_hides_passwords() -> None:
    assert display_url("postgresql://u:p@ss@h:5/db?password=x&sslmode=require") == (
        "postgresql://u:***@h:5/db?password=***&sslmode=require"
    )
    assert display_url("postgresql://u@h/db?options=-csearch_path%3Dx") == (
        "postgresql://u@h/db?options=-csearch_path%3Dx"
    )


@pytest.mark.parametrize(
    ("sqlite", "postgres"),
    [
        ("SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = %s AND b = %s"),
        ("SELECT :a, :b_2 FROM t", "SELECT %(a)s, %(b_2)s FROM t"),
        (
            "SELECT 'x?:y%' , \"e:nd\" FROM t WHERE c LIKE ?",
            "SELECT 'x?:y%%' , \"e:nd\" FROM t WHERE c LIKE %s",
        ),
        ("SELECT a::text, 5 % 2 FROM t", "SELECT a::text, 5 %% 2 FROM t"),
        (
            "SELECT 1 WHERE a IS NOT b AND c IS NOT NULL",
            "SELECT 1 WHERE a IS DISTINCT FROM b AND c IS NOT NULL",
        ),
        (
            "INSERT OR IGNORE INTO t (a) VALUES (?)",
            "INSERT INTO t (a) VALUES (%s) ON CONFLICT DO NOTHING",
        ),
        ("SELECT 1 FROM a CROSS JOIN b ON b.x = a.x", "SELECT 1 FROM a JOIN b ON b.x = a.x"),
        ("SELECT 1 FROM a CROSS JOIN b", "SELECT 1 FROM a CROSS JOIN b"),
    ],
)
def test_translate(sqlite: str, postgres: str) -> None:
    assert translate(sqlite) == postgres


def test_a_nul_character_is_stored(db: str) -> None:
    record = make_record("nul", "Zero\x00day", "Lena Varga")
    with Store.open(db) as store:
        assert store.put(record).value == "inserted"
    with open_corpus(db) as corpus:
        (quote,) = corpus.quotes()
        out = io.StringIO()
        corpus.export_jsonl(out)
    assert quote.content in ("Zero\x00day", "Zero\ufffdday")  # PostgreSQL text holds no NUL
    assert out.getvalue() == record.to_json() + "\n"


def test_case_is_folded_for_ascii_letters_only_on_both(db: str) -> None:
    with Store.open(db) as store:
        store.put(make_record("doc", "Bonjour", "Émile Zola", outlet="Émile News"))
    with open_corpus(db) as corpus:
        assert len(corpus.quotes(outlet="ÉMILE NEWS")) == 1
        assert corpus.quotes(outlet="émile news") == []
        assert len(corpus.quotes(speaker="ÉMILE")) == 1
        assert corpus.quotes(speaker="émile") == []
        assert len(corpus.speakers(outlet="éMILE news")) == 0
        assert len(corpus.speakers(outlet="ÉMILE news")) == 1


def test_one_writer_at_a_time(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from onrecord.store import postgres

    monkeypatch.setattr(postgres, "LOCK_TIMEOUT_MS", 200)
    with Store.open(pg_url) as first, Store.open(pg_url) as second:
        first.conn.execute("BEGIN IMMEDIATE")
        with pytest.raises(StoreError, match="locked by another process"):
            second.put(make_record("doc", "Waited", "Lena Varga"))
        first.conn.execute("ROLLBACK")
        assert second.put(make_record("doc", "Waited", "Lena Varga")).value == "inserted"
        assert not second.conn.in_transaction


def _grouping(db: str) -> tuple[list[Any], list[Any], list[Any]]:
    from onrecord.store.syndication import groups

    with open_corpus(db) as corpus:
        return groups(corpus.conn), corpus.speakers(), corpus.outlets()


def test_syndication_groups_and_updates_are_the_same_on_both(pg_url: str, tmp_path: Path) -> None:
    from onrecord.store.syndication import index_pending

    from .test_syndication import article, story

    base = story(10)
    first = [
        article("wire", base, headline="Dam gives way", published="2024-03-04"),
        article("copy", base, headline="Flood hits valley", outlet="Meridian Times"),
        article("trimmed", base[:-1], headline="Dam gives way", outlet="Northgate Daily"),
        article("other", story(11), headline="Dam gives way", outlet="Coastline Radio"),
    ]
    # the copy is rewritten into a story of its own, and the other one into a copy
    second = [
        article("copy", story(12), headline="New", outlet="Meridian Times", pipeline="v2"),
        article("other", base, headline="Now a copy", outlet="Coastline Radio", pipeline="v2"),
    ]
    results = []
    for db in (os.fspath(tmp_path / "onrecord.db"), pg_url):
        with Store.open(db) as store:
            for record in first:
                store.put(record)
            index_pending(store)
            before = _grouping(db)
            for record in second:
                assert store.put(record, replace=True).value == "updated"
            index_pending(store)
        results.append((before, _grouping(db)))
    assert results[1] == results[0]
    (before_groups, _, _), (after_groups, _, _) = results[0]
    assert [g.documents for g in before_groups] == [3]
    assert [sorted([g.origin_id, *g.copies]) for g in after_groups] == [
        ["other", "trimmed", "wire"]
    ]


def test_every_postgres_table_and_column_is_documented(pg_url: str) -> None:
    text = (ROOT / "docs" / "CORPUS.md").read_text(encoding="utf-8")
    Store.open(pg_url).close()
    with open_corpus(pg_url) as corpus:
        rows = corpus.conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
        ).fetchall()
    assert rows
    for table, column in rows:
        assert f"`{table}`" in text, table
        assert f"`{column}`" in text or f"`{table}.{column}`" in text, (table, column)


def test_onrecord_db_may_hold_a_url(pg_url: str) -> None:
    with Store.open(pg_url) as store:
        store.put(make_record("doc", "From the environment", "Lena Varga"))
    result = runner.invoke(_app(), ["speakers", "--format", "jsonl"], env={"ONRECORD_DB": pg_url})
    assert result.exit_code == 0, result.stderr
    assert '"name": "Lena Varga"' in result.stdout


def test_parquet_exports_are_the_same_on_both(both: tuple[str, str], tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    for table in ("quotes", "claims"):
        tables = []
        for n, where in enumerate(both):
            target = tmp_path / f"{table}-{n}.parquet"
            with open_corpus(where) as corpus:
                corpus.export_parquet(target, table)
            tables.append(pq.read_table(target))
        assert tables[1].schema == tables[0].schema, table
        assert (
            tables[1]
            .drop_columns(["pk"] if "pk" in tables[0].column_names else [])
            .equals(tables[0].drop_columns(["pk"] if "pk" in tables[0].column_names else []))
        ), table
