"""``onrecord framing ARTICLE``: narrator terms vs quoted terms of one article, from a stored
document (hand-built records, no spaCy) or a file analysed on the spot; and the commands'
registration."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from onrecord.cli_framing import FRAMING_COLUMNS, framing_rows, register
from onrecord.store import Store
from onrecord.types import Entity, Quote, Record, Span, Speaker, Term

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @app.callback()
    def _root() -> None:
        """test app"""

    register(app)
    return app


def framed(
    doc_id: str = "story-1",
    *,
    with_terms: bool = True,
    speaker: bool = True,
    day: str = "Monday",
) -> Record:
    narrator = f"The regime shelled Kessbrook on {day}."
    said = "This is treachery"
    text = f"{narrator} “{said},” Ann Lee said."
    start = len(narrator) + 2
    content = Span.of(text, start, start + len(said))
    source_start = text.index("Ann Lee")
    source = Span.of(text, source_start, source_start + 7)
    at_regime = text.index("regime")
    at_treachery = text.index("treachery")
    terms = [
        Term(
            span=Span.of(text, at_treachery, at_treachery + 9),
            term="treachery",
            category="loaded",
            voice="q1",
            alternatives=[],
        ),
        Term(
            span=Span.of(text, at_regime, at_regime + 6),
            term="regime",
            category="government",
            voice=None,
            alternatives=["government", "administration"],
        ),
    ]
    return Record(
        id=doc_id,
        source=f"/corpus/{doc_id}",
        title="Shelling in Kessbrook",
        outlet="Alpha News",
        url=None,
        published="2024-03-05",
        language="en",
        text=text,
        body=[Span.of(text, 0, len(text))],
        quotes=[
            Quote(
                id="q1",
                kind="direct",
                content=content,
                content_parts=[content],
                cue=Span.of(text, source.end + 1, source.end + 5),
                source=source,
                speaker=Speaker(entity="e1", name="Ann Lee", type="PERSON") if speaker else None,
                nested_in=None,
                confidence=0.9,
            )
        ],
        claims=[],
        entities=[
            Entity(id="e1", name="Ann Lee", type="PERSON", mentions=[source], aliases=[], roles=[])
        ],
        dates=[],
        framing=terms if with_terms else [],
        consistency=[],
    )


@pytest.fixture
def db(tmp_path: Path) -> str:
    where = os.fspath(tmp_path / "onrecord.db")
    with Store.open(where) as store:
        store.put(framed())
        store.put(framed("story-2", with_terms=False, day="Tuesday"))
    return where


def test_framing_rows_resolve_the_voice_to_the_speaker() -> None:
    rows = framing_rows(json.loads(framed().to_json()))
    assert [(r.voice, r.term, r.speaker) for r in rows] == [
        ("narrator", "regime", None),
        ("quote", "treachery", "Ann Lee"),
    ]
    assert rows[0].alternatives == ["government", "administration"]
    unnamed = framing_rows(json.loads(framed(speaker=False).to_json()))
    assert unnamed[1].speaker is None and unnamed[1].quote_id == "q1"


def test_framing_of_a_stored_document_as_a_table(db: str) -> None:
    result = runner.invoke(_app(), ["framing", "story-1", "--db", db])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Narrator: the outlet's own words (1)" in out
    assert "Quoted: in the words of the people quoted (1)" in out
    assert "government, administration" in out
    assert "Ann Lee (q1)" in out
    assert out.index("regime") < out.index("Quoted")  # the narrator's term in its own table


def test_framing_jsonl_and_csv(db: str) -> None:
    result = runner.invoke(_app(), ["framing", "story-1", "--db", db, "--format", "jsonl"])
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["term"] for r in rows] == ["regime", "treachery"]
    assert set(rows[0]) == set(FRAMING_COLUMNS)
    assert rows[1]["speaker"] == "Ann Lee" and rows[1]["voice"] == "quote"
    result = runner.invoke(_app(), ["framing", "story-1", "--db", db, "--format", "csv"])
    assert result.exit_code == 0
    assert "government; administration" in result.stdout


def test_framing_empty_and_unknown(db: str, tmp_path: Path) -> None:
    result = runner.invoke(_app(), ["framing", "story-2", "--db", db])
    assert result.exit_code == 0
    assert "no framing terms" in result.stderr and result.stdout == ""
    for args in (["nope", "--db", db], ["nope", "--db", str(tmp_path / "none.db")]):
        result = runner.invoke(_app(), ["framing", *args])
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1 and "nope: no such file" in result.stderr
        assert "Traceback" not in result.output


def test_framing_help_has_examples() -> None:
    result = runner.invoke(_app(), ["framing", "--help"])
    assert result.exit_code == 0 and "onrecord framing" in result.stdout


def test_register_adds_both_commands_once() -> None:
    app = _app()
    register(app)
    names = [c.name for c in app.registered_commands]
    assert sorted(names) == ["framing", "terms"]


@pytest.mark.slow
def test_framing_of_a_file_and_of_stdin(tmp_path: Path) -> None:
    """Analysed on the spot (spaCy): exits 0 with rows or the empty state, never a traceback."""
    article = tmp_path / "story.txt"
    article.write_text(
        "Officials in Sorvik said the dam had failed. “We were never warned,” Lena Varga said.\n"
    )
    for args, stdin in ((["framing", os.fspath(article)], None), (["framing", "-"], None)):
        given = article.read_text() if args[-1] == "-" else stdin
        result = runner.invoke(_app(), [*args, "--format", "jsonl"], input=given)
        assert result.exit_code == 0, result.output
        assert result.stdout or "no framing terms" in result.stderr
        for line in result.stdout.splitlines():
            assert json.loads(line)["document_id"]
