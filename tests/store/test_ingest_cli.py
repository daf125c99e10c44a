"""`onrecord ingest` and the query commands, end to end (spaCy analysis of short texts)."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from onrecord.types import Record

from .conftest import integrity, table_count, write_articles

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "articles"

runner = CliRunner()


def run(app: typer.Typer, *args: str | os.PathLike[str]) -> tuple[int, str, str]:
    result = runner.invoke(app, [os.fspath(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def examples_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example articles, ingested once for the query tests."""
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """test app"""

    from onrecord.corpus_cli import register

    register(app)
    db = tmp_path_factory.mktemp("examples") / "onrecord.db"
    code, _, err = run(app, "ingest", EXAMPLES, "--db", db)
    assert code == 0, err
    return db


def test_ingest_twice_stores_each_document_once(corpus_app: typer.Typer, examples_db: Path) -> None:
    before = table_count(examples_db, "quotes")
    assert table_count(examples_db, "documents") == 9
    assert before > 50
    code, _, err = run(corpus_app, "ingest", EXAMPLES, "--db", examples_db)
    assert code == 0, err
    assert "0 new, 0 updated, 9 already stored, 0 failed" in err
    assert table_count(examples_db, "documents") == 9
    assert table_count(examples_db, "quotes") == before
    with sqlite3.connect(examples_db) as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM documents")]
        outlets = {r[0] for r in conn.execute("SELECT outlet FROM documents")}
    assert len(ids) == len(set(ids)) == 9
    assert "Valley Wire" in outlets and None not in outlets  # from the sidecar metadata.tsv


def test_update_reanalyses_only_other_pipeline_versions(
    corpus_app: typer.Typer, tmp_path: Path
) -> None:
    db = tmp_path / "c.db"
    folder = tmp_path / "articles"
    write_articles(folder, 3)
    assert run(corpus_app, "ingest", folder, "--db", db)[0] == 0
    with sqlite3.connect(db) as conn:
        current = conn.execute("SELECT DISTINCT pipeline FROM documents").fetchall()
        assert len(current) == 1 and current[0][0].startswith("onrecord ")
        conn.execute(
            "UPDATE documents SET pipeline = 'onrecord 0.0.1; old' WHERE id = 'article-001.txt'"
        )
        conn.execute("DELETE FROM quotes WHERE document_id = 'article-001.txt'")
    code, _, err = run(corpus_app, "ingest", folder, "--db", db)  # no --update: left alone
    assert "0 updated, 3 already stored" in err
    code, _, err = run(corpus_app, "ingest", folder, "--db", db, "--update")
    assert code == 0, err
    assert "0 new, 1 updated, 2 already stored" in err
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT id, pipeline, updated_at FROM documents ORDER BY id").fetchall()
    assert {pipeline for _, pipeline, _ in rows} == {current[0][0]}
    assert [doc_id for doc_id, _, updated in rows if updated] == ["article-001.txt"]
    assert table_count(db, "quotes", "document_id = ?", ("article-001.txt",)) >= 1


def test_bad_documents_go_to_the_errors_table_and_the_run_goes_on(
    corpus_app: typer.Typer, tmp_path: Path
) -> None:
    folder = tmp_path / "mixed"
    write_articles(folder, 2)
    (folder / "empty.txt").write_text("  \n", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    (folder / "lines.jsonl").write_text(
        json.dumps({"id": "j1", "text": "“Fine,” said Ann Lee.", "outlet": "Wire"})
        + "\n{not json\n",
        encoding="utf-8",
    )
    db = tmp_path / "c.db"
    code, _, err = run(corpus_app, "ingest", folder, tmp_path / "missing.txt", "--db", db)
    assert code == 1
    assert table_count(db, "documents") == 3  # two articles and j1
    with sqlite3.connect(db) as conn:
        errors = conn.execute("SELECT source, code, message, at FROM errors").fetchall()
    assert len(errors) == 4
    assert {code for _, code, _, _ in errors} >= {"empty", "binary", "missing"}
    lines = [line for line in err.splitlines() if line.startswith("onrecord: error:")]
    assert len(lines) == 4
    assert "4 failed" in err


def _fresh_cli_command() -> list[str]:
    """The ingest command in a new interpreter, whether or not cli.py registers it yet."""
    code = (
        "import sys; from onrecord.cli import app, main; from onrecord.corpus_cli import register;"
        " register(app); sys.argv = ['onrecord', *sys.argv[1:]]; main()"
    )
    return [sys.executable, "-c", code]


def test_killed_ingest_resumes_without_duplicates(corpus_app: typer.Typer, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    write_articles(folder, 40)
    db = tmp_path / "c.db"
    process = subprocess.Popen(
        [*_fresh_cli_command(), "ingest", str(folder), "--db", str(db), "--no-progress"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    stored = 0
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if db.exists():
                try:
                    stored = table_count(db, "documents")
                except sqlite3.OperationalError:
                    stored = 0  # schema not created yet
                if stored:
                    break
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
        assert process.stderr is not None
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL, "the ingest finished before it was killed"
    assert 0 < table_count(db, "documents") < 40
    assert integrity(db) == "ok"
    code, _, err = run(corpus_app, "ingest", folder, "--db", db)
    assert code == 0, err
    assert table_count(db, "documents") == 40
    with sqlite3.connect(db) as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM documents")]
        orphans = conn.execute(
            "SELECT count(*) FROM quotes WHERE document_id NOT IN (SELECT id FROM documents)"
        ).fetchone()[0]
        in_records = sum(
            len(json.loads(r)["quotes"]) for (r,) in conn.execute("SELECT record FROM documents")
        )
        conn.execute("INSERT INTO quotes_fts (quotes_fts) VALUES ('integrity-check')")
    assert sorted(ids) == sorted({f"article-{n:03d}.txt" for n in range(40)})
    assert orphans == 0
    assert in_records == table_count(db, "quotes") > 0  # no quote stored twice
    assert integrity(db) == "ok"


def test_read_only_database(
    corpus_app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from onrecord.store import db as dbmod

    folder = tmp_path / "a"
    write_articles(folder, 1)
    db = tmp_path / "c.db"
    assert run(corpus_app, "ingest", folder, "--db", db)[0] == 0
    write_articles(folder, 1, start=1)
    if os.geteuid() == 0:  # root writes through file modes: open it read-only instead
        original = dbmod._open
        monkeypatch.setattr(dbmod, "_open", lambda path, *, readonly: original(path, readonly=True))
    else:
        db.chmod(0o444)
    code, _, err = run(corpus_app, "ingest", folder, "--db", db)
    assert code == 2
    assert err.strip().splitlines()[-1].startswith("onrecord: error: ")
    assert "read-only" in err and "Traceback" not in err
    monkeypatch.undo()
    db.chmod(0o644)
    assert table_count(db, "documents") == 1
    assert integrity(db) == "ok"


def test_disk_full_keeps_what_was_stored(
    corpus_app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from onrecord.store import db as dbmod

    folder = tmp_path / "a"
    write_articles(folder, 5)
    db = tmp_path / "c.db"
    original = dbmod._insert_children
    calls: list[str] = []

    def fill_up(conn: sqlite3.Connection, record: Record) -> None:
        calls.append(record.id)
        if len(calls) == 3:
            raise sqlite3.OperationalError("database or disk is full")
        original(conn, record)

    monkeypatch.setattr(dbmod, "_insert_children", fill_up)
    code, _, err = run(corpus_app, "ingest", folder, "--db", db)
    assert code == 2
    assert err.strip().splitlines() == [
        f"onrecord: error: {db}: the disk is full; documents stored before are kept: "
        "free some space and run the same ingest again to continue"
    ]
    assert table_count(db, "documents") == 2
    assert integrity(db) == "ok"
    monkeypatch.undo()
    assert run(corpus_app, "ingest", folder, "--db", db)[0] == 0
    assert table_count(db, "documents") == 5


def test_workers_and_progress(corpus_app: typer.Typer, tmp_path: Path) -> None:
    folder = tmp_path / "a"
    write_articles(folder, 6)
    db = tmp_path / "c.db"
    code, _, err = run(corpus_app, "ingest", folder, "--db", db, "--workers", "2", "--progress")
    assert code == 0, err
    assert table_count(db, "documents") == 6
    with sqlite3.connect(db) as conn:
        in_records = sum(
            len(json.loads(r)["quotes"]) for (r,) in conn.execute("SELECT record FROM documents")
        )
    assert in_records == table_count(db, "quotes") > 0


def test_query_commands(corpus_app: typer.Typer, examples_db: Path) -> None:
    code, out, _ = run(
        corpus_app, "quotes", "--db", examples_db, "--speaker", "varga", "-f", "jsonl"
    )
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows and all("Varga" in r["speaker_name"] for r in rows)
    assert all(r["outlet"] for r in rows)
    code, out, _ = run(
        corpus_app, "quotes", "--db", examples_db, "--outlet", "valley wire",
        "--since", "2024-03-05", "--until", "2024-03-05", "--format", "csv",
    )  # fmt: skip
    table = list(csv.DictReader(io.StringIO(out)))
    assert table and {r["outlet"] for r in table} == {"Valley Wire"}
    code, out, _ = run(
        corpus_app, "quotes", "--db", examples_db, "--contains", "dam", "-f", "jsonl"
    )
    assert all("dam" in json.loads(line)["content"].lower() for line in out.splitlines())
    code, out, _ = run(corpus_app, "quotes", "--db", examples_db, "--limit", "3")
    assert code == 0 and "speaker_name" in out
    code, out, _ = run(corpus_app, "speakers", "--db", examples_db, "-f", "jsonl")
    speakers = [json.loads(line) for line in out.splitlines()]
    assert speakers[0]["quotes"] >= speakers[-1]["quotes"]
    assert sum(speakers[0]["by_outlet"].values()) == speakers[0]["quotes"]
    code, out, _ = run(corpus_app, "outlets", "--db", examples_db, "-f", "csv")
    outlets = list(csv.DictReader(io.StringIO(out)))
    assert len(outlets) == 5 and sum(int(o["documents"]) for o in outlets) == 9
    code, _, err = run(corpus_app, "quotes", "--db", examples_db, "--since", "yesterday")
    assert code == 2
    code, _, err = run(corpus_app, "outlets", "--db", examples_db.parent / "nothing.db")
    assert code == 2 and err.startswith("onrecord: error: ") and "no such database" in err


def test_export_commands(corpus_app: typer.Typer, examples_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "records.jsonl"
    code, _, err = run(corpus_app, "export", "--db", examples_db, "-o", target)
    assert code == 0, err
    records = [Record.model_validate_json(line) for line in target.read_text().splitlines()]
    assert len(records) == 9 and all(r.pipeline for r in records)
    target = tmp_path / "quotes.csv"
    code, _, _ = run(corpus_app, "export", "--db", examples_db, "--format", "csv", "-o", target)
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == table_count(examples_db, "quotes")
    target = tmp_path / "quotes.parquet"
    code, _, err = run(corpus_app, "export", "--db", examples_db, "-f", "parquet", "-o", target)
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        assert code == 2
        assert "pip install 'onrecord[parquet]'" in err and len(err.strip().splitlines()) == 1
    else:
        assert code == 0 and target.exists()


def test_locked_database(
    corpus_app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from onrecord.store import db as dbmod

    folder = tmp_path / "a"
    write_articles(folder, 1)
    db = tmp_path / "c.db"
    assert run(corpus_app, "ingest", folder, "--db", db)[0] == 0
    write_articles(folder, 1, start=1)
    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT", 0.05)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        code, _, err = run(corpus_app, "ingest", folder, "--db", db)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert code == 2
    assert err.strip().splitlines()[-1] == (
        f"onrecord: error: {db}: the database is locked by another process (another ingest?); "
        "try again when it has finished"
    )
    assert table_count(db, "documents") == 1


def test_same_text_twice_and_changed_text(corpus_app: typer.Typer, tmp_path: Path) -> None:
    folder = tmp_path / "a"
    first, second = write_articles(folder, 2)
    (folder / "copy.txt").write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    db = tmp_path / "c.db"
    code, _, err = run(corpus_app, "ingest", folder, "--db", db)
    assert code == 0 and "2 new, 0 updated, 1 duplicate, 0 failed" in err
    second.write_text("“The ferry runs again,” Captain Ole Berg said.\n", encoding="utf-8")
    code, _, err = run(corpus_app, "ingest", folder, "--db", db)
    assert "0 new, 0 updated, 2 already stored, 1 duplicate" in err
    code, _, err = run(corpus_app, "ingest", folder, "--db", db, "--update")
    assert "0 new, 1 updated, 1 already stored, 1 duplicate" in err
    with sqlite3.connect(db) as conn:
        speakers = conn.execute(
            "SELECT speaker_name FROM quotes WHERE document_id = ?", (second.name,)
        ).fetchall()
    assert len(speakers) == 1 and "Berg" in (speakers[0][0] or "")
    assert table_count(db, "documents") == 2
