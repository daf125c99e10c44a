"""docs/CORPUS.md stays true to the code: every command, option and table is described."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import typer

from onrecord.store import Store

DOC = Path(__file__).resolve().parents[2] / "docs" / "CORPUS.md"


def test_every_command_and_option_is_documented(corpus_app: typer.Typer) -> None:
    text = DOC.read_text(encoding="utf-8")
    group = typer.main.get_command(corpus_app)
    commands = group.commands  # type: ignore[attr-defined]
    for name in ("ingest", "quotes", "speakers", "outlets", "export"):
        assert f"onrecord {name}" in text, name
        for param in commands[name].params:
            if param.param_type_name == "option":
                assert any(opt in text for opt in param.opts), (name, param.opts)


def test_every_table_and_column_is_documented(tmp_path: Path) -> None:
    text = DOC.read_text(encoding="utf-8")
    db = tmp_path / "c.db"
    Store.open(db).close()
    with sqlite3.connect(db) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%'"
            )
        ]
        for table in tables:
            assert f"`{table}`" in text, table
            for column in conn.execute(f"PRAGMA table_info({table})"):
                assert f"`{column[1]}`" in text, (table, column[1])
