"""Helpers for the corpus tests: hand-built records (no spaCy) and small article files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import typer

from onrecord.corpus_cli import register
from onrecord.types import Entity, Quote, Record, Span, Speaker


@pytest.fixture
def corpus_app() -> typer.Typer:
    """A fresh app with the corpus commands (the real one may or may not have them yet)."""
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @app.callback()
    def _root() -> None:
        """test app"""

    register(app)
    return app


def make_record(
    doc_id: str,
    said: str,
    speaker: str,
    *,
    outlet: str | None = "Test Outlet",
    published: str | None = "2024-03-05",
    kind: str = "direct",
    pipeline: str = "onrecord test",
    extra: str = "",
) -> Record:
    """A record of the text '“SAID,” SPEAKER said.' with one quote by SPEAKER."""
    text = f"“{said},” {speaker} said.{extra}"
    content = Span.of(text, 1, 1 + len(said))
    source_start = text.index(speaker, 2 + len(said))
    source = Span.of(text, source_start, source_start + len(speaker))
    cue_start = source.end + 1
    return Record(
        id=doc_id,
        source=f"/corpus/{doc_id}",
        title=f"Title of {doc_id}",
        outlet=outlet,
        url=None,
        published=published,
        language="en",
        text=text,
        body=[Span.of(text, 0, len(text))],
        quotes=[
            Quote(
                id="q1",
                kind=kind,  # type: ignore[arg-type]
                content=content,
                content_parts=[content],
                cue=Span.of(text, cue_start, cue_start + 4),
                source=source,
                speaker=Speaker(entity="e1", name=speaker, type="PERSON"),
                nested_in=None,
                confidence=0.9,
            )
        ],
        claims=[],
        entities=[
            Entity(id="e1", name=speaker, type="PERSON", mentions=[source], aliases=[], roles=[])
        ],
        dates=[],
        framing=[],
        consistency=[],
        pipeline=pipeline,
    )


def write_articles(folder: Path, count: int, *, start: int = 0) -> list[Path]:
    """Short articles, each with one direct quote and a distinct text."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(start, start + count):
        path = folder / f"article-{n:03d}.txt"
        path.write_text(
            f"“The bridge at mile {n} will reopen next week,” Mayor Anna Kowal said on Monday.\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def table_count(db: Path, table: str, where: str = "", params: tuple[object, ...] = ()) -> int:
    with sqlite3.connect(db) as conn:
        sql = f"SELECT count(*) FROM {table}" + (f" WHERE {where}" if where else "")
        return int(conn.execute(sql, params).fetchone()[0])


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
