"""``speakers`` by corpus entity: one person under several spellings is one row, people
sharing a surname stay apart, ``by_name`` gives the rows per name, and the CLI shows it."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from onrecord.store import Store, open_corpus
from onrecord.store.entities import link_pending
from onrecord.store.syndication import index_pending

from .conftest import make_record

runner = CliRunner()


def _corpus(db: Path, *, link: bool = True) -> None:
    with Store.open(db) as store:
        store.put(make_record("d1", "We will build the dam", "Donald Trump", outlet="Wire"))
        store.put(make_record("d2", "The talks went well", "Donald J. Trump", outlet="Courier"))
        store.put(make_record("d3", "Prices will fall", "Donald Trump", outlet="Courier"))
        store.put(make_record("d4", "I never said that", "Melania Trump", outlet="Wire"))
        store.put(make_record("d5", "Nothing to add", "Lena Varga", outlet="Wire"))
        if link:
            link_pending(store)


def test_two_spellings_are_one_speaker(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    _corpus(db)
    with open_corpus(db) as corpus:
        rows = corpus.speakers()
    by_name = {r.name: r for r in rows}
    assert set(by_name) == {"Donald J. Trump", "Melania Trump", "Lena Varga"}
    trump = by_name["Donald J. Trump"]  # the most specific spelling is the canonical name
    assert (trump.quotes, trump.documents) == (3, 3)
    assert trump.variants == ["Donald Trump"]
    assert trump.by_outlet == {"Courier": 2, "Wire": 1}
    assert trump.corpus_entity is not None
    assert rows[0] is trump  # most quoted first
    for row in rows:
        assert sum(row.by_outlet.values()) == row.quotes


def test_people_sharing_a_surname_stay_apart(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    _corpus(db)
    with open_corpus(db) as corpus:
        rows = {r.name: r for r in corpus.speakers()}
    melania = rows["Melania Trump"]
    assert (melania.quotes, melania.variants) == (1, [])
    assert melania.corpus_entity != rows["Donald J. Trump"].corpus_entity


def test_by_name_gives_the_old_rows(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    _corpus(db)
    with open_corpus(db) as corpus:
        rows = corpus.speakers(by_name=True)
        limited = corpus.speakers(limit=1)
        in_wire = corpus.speakers(outlet="wire")
    assert [(r.name, r.quotes, r.documents) for r in rows] == [
        ("Donald Trump", 2, 2),
        ("Donald J. Trump", 1, 1),
        ("Lena Varga", 1, 1),
        ("Melania Trump", 1, 1),
    ]
    assert all(r.variants == [] and r.corpus_entity is None for r in rows)
    assert [(r.name, r.quotes, r.documents) for r in limited] == [("Donald J. Trump", 3, 3)]
    assert {r.name: r.quotes for r in in_wire} == {
        "Donald J. Trump": 1,
        "Lena Varga": 1,
        "Melania Trump": 1,
    }


def test_unlinked_quotes_count_by_name(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    _corpus(db, link=False)
    with open_corpus(db) as corpus:
        assert [(r.name, r.quotes) for r in corpus.speakers()] == [
            (r.name, r.quotes) for r in corpus.speakers(by_name=True)
        ]
    with Store.open(db) as store:
        link_pending(store)
        # a quote stored after the linking: its speaker has no link yet
        store.put(make_record("d6", "More to come", "Donald Trump", outlet="Wire"))
    with open_corpus(db) as corpus:
        rows = {(r.name, r.corpus_entity is None): r.quotes for r in corpus.speakers()}
    assert rows[("Donald J. Trump", False)] == 3
    assert rows[("Donald Trump", True)] == 1


def test_copies_count_once(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    extra = " The dam will hold back the river for many years to come, officials said today."
    with Store.open(db) as store:
        store.put(make_record("w1", "We will build it", "Donald Trump", outlet="Wire", extra=extra))
        store.put(
            make_record(
                "c1",
                "We will build it",
                "Donald Trump",
                outlet="Courier",
                published="2024-03-06",
                extra=extra + " Courier staff contributed.",
            )
        )
        store.put(make_record("c2", "Other words", "Donald J. Trump", outlet="Courier"))
        index_pending(store)
        link_pending(store)
    with open_corpus(db) as corpus:
        once = corpus.speakers()
        every = corpus.speakers(all_copies=True)
    assert [(r.name, r.quotes, r.documents, r.by_outlet) for r in once] == [
        ("Donald J. Trump", 2, 2, {"Courier": 1, "Wire": 1})
    ]
    assert [(r.name, r.quotes, r.by_outlet) for r in every] == [
        ("Donald J. Trump", 3, {"Courier": 2, "Wire": 1})
    ]


def test_cli_table_and_jsonl(tmp_path: Path, corpus_app: typer.Typer) -> None:
    db = tmp_path / "c.db"
    _corpus(db)
    result = runner.invoke(corpus_app, ["speakers", "--db", str(db), "-f", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows[0]["name"] == "Donald J. Trump"
    assert rows[0]["variants"] == ["Donald Trump"]
    assert rows[0]["quotes"] == 3
    assert isinstance(rows[0]["corpus_entity"], int)

    result = runner.invoke(corpus_app, ["speakers", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "also" in result.stdout
    line = next(x for x in result.stdout.splitlines() if "Donald J. Trump" in x)
    assert "Donald Trump" in line

    result = runner.invoke(corpus_app, ["speakers", "--db", str(db), "--by-name", "-f", "jsonl"])
    assert result.exit_code == 0, result.output
    names = [json.loads(line)["name"] for line in result.stdout.splitlines()]
    assert names == ["Donald Trump", "Donald J. Trump", "Lena Varga", "Melania Trump"]

    result = runner.invoke(corpus_app, ["speakers", "--db", str(db), "-f", "csv"])
    assert result.exit_code == 0, result.output
    header, first = result.stdout.splitlines()[:2]
    assert header.endswith("variants,corpus_entity")
    assert first.startswith("Donald J. Trump,")
