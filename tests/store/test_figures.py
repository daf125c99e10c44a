"""Figures across the corpus (``onrecord figures``, ``Corpus.figures``): grouping, timeline,
qualifier-aware compatibility, spreads, flags, neutrality, and the command line."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from onrecord.cli_figures import register
from onrecord.store import Store, open_corpus
from onrecord.store.figures import (
    OWN_VOICE,
    Figures,
    compatible,
    interval,
    normalise_measure,
    stem,
)
from onrecord.types import AssertedBy, Claim, DateRef, Record, Span

runner = CliRunner()


@dataclass(frozen=True)
class Fig:
    """One figure in an invented article: the sentence holds ``figure`` once."""

    sentence: str
    figure: str
    value: float | None
    qualifier: str = "exact"
    measure: str | None = None
    event: str | None = None
    asserted_by: str | None = None
    low: float | None = None
    high: float | None = None
    unit: str | None = None


def article(
    doc_id: str,
    outlet: str | None,
    published: str | None,
    figures: Sequence[Fig],
    dates: Sequence[tuple[str, str]] = (),
) -> Record:
    """A record whose text is the figures' sentences; ``dates``: (expression, ISO value)."""
    # the last sentence makes each text distinct: the store keeps one copy of a text
    text = " ".join(f.sentence for f in figures) + f"\n\nReference {doc_id}."
    claims: list[Claim] = []
    cursor = 0
    for n, f in enumerate(figures, start=1):
        start = text.index(f.figure, cursor)
        cursor = start + len(f.figure)
        claims.append(
            Claim(
                id=f"c{n}",
                span=Span.of(text, start, start + len(f.figure)),
                value=f.value,
                low=f.low,
                high=f.high,
                qualifier=f.qualifier,  # type: ignore[arg-type]
                unit=f.unit,
                direction=None,
                measure=f.measure,
                event=f.event,
                quote=None,
                asserted_by=AssertedBy(entity="e1", name=f.asserted_by) if f.asserted_by else None,
            )
        )
    date_refs = []
    for expression, value in dates:
        start = text.index(expression)
        date_refs.append(
            DateRef(
                span=Span.of(text, start, start + len(expression)),
                kind="date",
                value=value,
                end=None,
            )
        )
    return Record(
        id=doc_id,
        source=f"/corpus/{doc_id}",
        title=None,
        outlet=outlet,
        url=None,
        published=published,
        language="en",
        text=text,
        body=[Span.of(text, 0, len(text))],
        quotes=[],
        claims=claims,
        entities=[],
        dates=date_refs,
        framing=[],
        consistency=[],
        pipeline="onrecord test",
    )


def store(db: Path, *records: Record) -> Path:
    with Store.open(db) as writer:
        for record in records:
            writer.put(record)
    return db


def killed(value: float, figure: str, qualifier: str = "exact", **kw: object) -> Fig:
    return Fig(
        f"The ministry said {figure} people had been killed in the strikes.",
        figure,
        value,
        qualifier,
        measure=str(kw.pop("measure", "people killed")),
        event="kill",
        asserted_by=str(kw.pop("asserted_by", "Health Ministry")),
    )


def query(db: Path, term: str = "killed", **kw: object) -> Figures:
    with open_corpus(db) as corpus:
        return corpus.figures(term, **kw)  # type: ignore[arg-type]


# --- words ---------------------------------------------------------------------------------


def test_measures_are_normalised_to_what_they_count() -> None:
    assert normalise_measure("the Palestinians killed") == "palestinian kill"
    assert normalise_measure("at least 41 deaths confirmed") == "death confirm"
    assert normalise_measure(None) == ""
    assert {stem(w) for w in ("killed", "kills", "killing", "kill")} == {"kill"}
    assert {stem(w) for w in ("died", "dies", "die", "dying")} == {"di"}
    assert stem("casualties") == stem("casualty")


def test_the_sql_prefilter_keeps_every_written_form() -> None:
    """Each form of a word holds a substring the SQL prefilter looks for (its stem's core)."""
    from onrecord.store.figures import _FAMILIES, _IRREGULAR, _cores

    words = [w for family in _FAMILIES.values() for w in family] + list(_IRREGULAR)
    words += ["casualty", "casualties", "evacuated", "planned", "agreed", "injuries"]
    for word in words:
        assert any(core in word for core in _cores(stem(word))), word


def test_wordings_of_one_measure_form_one_group(tmp_path: Path) -> None:
    db = store(
        tmp_path / "c.db",
        article(
            "a",
            "Alpha News",
            "2024-01-10",
            [killed(24448, "24,448", measure="Palestinians killed")],
        ),
        article("b", "Beta Post", "2024-01-10", [killed(24448, "24,448", measure="killed")]),
        article("c", "Gamma Daily", "2024-01-10", [killed(24448, "24,448")]),
        article(
            "d",
            "Delta Wire",
            "2024-01-10",
            [Fig("Officials said 24,448 had died.", "24,448", 24448, measure=None, event="die")],
        ),
        article(
            "e",
            "Echo Radio",
            "2024-01-10",
            [Fig("It said 24,448 people were dying.", "24,448", 24448, measure="people dying")],
        ),
    )
    found = query(db)
    assert [r.document_id for r in found.rows] == ["a", "b", "c", "d", "e"]
    assert {r.group for r in found.rows} == {"deaths"}
    assert {r.match for r in found.rows} == {"measure", "event"}
    # the same claims, asked for by another word of the measure
    assert len(query(db, "Palestinians killed").rows) == 1
    assert len(query(db, "people killed").rows) == 5  # "people" counts anyone
    # --exact: the word itself, not its family
    assert [r.document_id for r in query(db, "killed", exact=True).rows] == ["a", "b", "c"]
    assert [r.document_id for r in query(db, "died").rows] == ["a", "b", "c", "d", "e"]


def test_different_people_counted_are_different_groups(tmp_path: Path) -> None:
    db = store(
        tmp_path / "c.db",
        article(
            "a",
            "Alpha News",
            "2024-01-10",
            [killed(24448, "24,448", measure="Palestinians killed")],
        ),
        article("b", "Beta Post", "2024-01-10", [killed(1200, "1,200", measure="Israelis killed")]),
        article(
            "c", "Gamma Daily", "2024-01-10", [killed(25000, "25,000", measure="people killed")]
        ),
    )
    found = query(db)
    groups = {r.document_id: r.group for r in found.rows}
    assert groups == {"a": "deaths: palestinians", "b": "deaths: israelis", "c": "deaths"}
    assert found.spreads == [] and found.flags == []


def test_a_change_is_not_a_level(tmp_path: Path) -> None:
    rose = Fig(
        "Inflation rose 2.3 percent in May.",
        "2.3 percent",
        2.3,
        measure="Inflation",
        event="rise",
        unit="percent",
    )
    level = Fig(
        "Inflation stood at 3.1 percent in May.",
        "3.1 percent",
        3.1,
        measure="Inflation",
        event="stand",
        unit="percent",
    )
    change = article("a", "Alpha News", "2024-06-01", [rose])
    db = store(
        tmp_path / "c.db",
        change.model_copy(
            update={"claims": [change.claims[0].model_copy(update={"direction": "up"})]}
        ),
        article("b", "Beta Post", "2024-06-01", [level]),
    )
    found = query(db, "inflation")
    assert {r.document_id: r.group for r in found.rows} == {
        "a": "inflation [percent] (change)",
        "b": "inflation [percent]",
    }
    assert found.flags == [] and found.spreads == []


def test_words_right_after_a_figure_say_what_it_counts(tmp_path: Path) -> None:
    db = store(
        tmp_path / "c.db",
        article(
            "a",
            "Alpha News",
            "2024-01-10",
            [
                Fig(
                    "More than 60 people are now known to have died, officials said.",
                    "More than 60",
                    60,
                    "more_than",
                    measure="people known",
                    event="know",
                ),
                Fig(
                    "It took four days after the dam broke and killed many.",
                    "four days",
                    4,
                    unit="day",
                ),
                Fig(
                    "About 3,000 people moved to shelters after the flood.",
                    "About 3,000",
                    3000,
                    "about",
                    measure="people moved",
                    event="move",
                ),
            ],
        ),
    )
    found = query(db)
    assert [(r.figure, r.match, r.group) for r in found.rows] == [
        ("More than 60", "context", "deaths")
    ]
    assert query(db, exact=True).rows == []


# --- timeline ------------------------------------------------------------------------------


def test_timeline_is_ordered_by_the_day_the_figure_was_given(tmp_path: Path) -> None:
    db = store(
        tmp_path / "c.db",
        article("late", "Alpha News", "2024-01-12", [killed(25105, "25,105")]),
        article(
            "dated",
            "Beta Post",
            "2024-01-12",
            [
                Fig(
                    "The ministry said on Tuesday that 24,448 people had been killed.",
                    "24,448",
                    24448,
                    measure="people killed",
                    event="kill",
                    asserted_by="Health Ministry",
                )
            ],
            dates=[("Tuesday", "2024-01-09")],
        ),
        article(
            "event-day",
            "Gamma Daily",
            "2024-01-11",
            [
                Fig(
                    "At least 24,000 people were killed after the strikes began on Sunday.",
                    "At least 24,000",
                    24000,
                    "at_least",
                    measure="people killed",
                    event="kill",
                )
            ],
            dates=[("Sunday", "2024-01-07")],
        ),
        article("undated", "Delta Wire", None, [killed(25000, "25,000")]),
    )
    rows = query(db).rows
    assert [(r.document_id, r.date, r.date_source) for r in rows] == [
        ("dated", "2024-01-09", "sentence"),  # "said on Tuesday": the day it was said
        ("event-day", "2024-01-11", "published"),  # Sunday is when the strikes began
        ("late", "2024-01-12", "published"),
        ("undated", None, None),
    ]
    first = rows[0]
    assert first.value == 24448 and first.qualifier == "exact" and first.unit is None
    assert first.asserted_by == "Health Ministry" and first.outlet == "Beta Post"
    assert first.sentence == "The ministry said on Tuesday that 24,448 people had been killed."
    assert rows[1].asserted_by == OWN_VOICE
    # --since/--until compare each figure's own date
    assert [r.document_id for r in query(db, since="2024-01-10").rows] == ["event-day", "late"]
    assert [r.document_id for r in query(db, until="2024-01-09").rows] == ["dated"]
    assert [r.document_id for r in query(db, outlet="alpha news").rows] == ["late"]


# --- the context worked out when a document is stored ----------------------------------------


def _timeline_db(db: Path) -> Path:
    return store(
        db,
        article(
            "dated",
            "Beta Post",
            "2024-01-12",
            [
                Fig(
                    "The ministry said on Tuesday that 24,448 people had been killed.",
                    "24,448",
                    24448,
                    measure="people killed",
                    event="kill",
                    asserted_by="Health Ministry",
                ),
                Fig(
                    "More than 60 people are now known to have died, officials said.",
                    "More than 60",
                    60,
                    "more_than",
                    measure="people known",
                    event="know",
                ),
            ],
            dates=[("Tuesday", "2024-01-09")],
        ),
        article("late", "Alpha News", "2024-01-12", [killed(25105, "25,105")]),
        article("none", "Gamma Daily", "2024-01-12", []),
    )


def _contexts(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return [
            tuple(r)
            for r in conn.execute("SELECT * FROM claim_context ORDER BY document_id, claim_id")
        ]


def test_each_claims_context_is_stored_with_it(tmp_path: Path) -> None:
    db = _timeline_db(tmp_path / "c.db")
    assert _contexts(db) == [
        (
            "dated",
            "c1",
            " people had been killed. more than 60 people are now known to have died, officials"
            " said.\n\nreference dated.",
            "people had been killed",
            "The ministry said on Tuesday that 24,448 people had been killed.",
            "2024-01-09",
        ),
        (
            "dated",
            "c2",
            " people are now known to have died, officials said.\n\nreference dated.",
            "people are now known to have died",
            "More than 60 people are now known to have died, officials said.",
            None,
        ),
        (
            "late",
            "c1",
            " people had been killed in the strikes.\n\nreference late.",
            "people had been killed in the strikes",
            "The ministry said 25,105 people had been killed in the strikes.",
            None,
        ),
    ]
    # an update replaces a document's claims and their context
    record = article("late", "Alpha News", "2024-01-13", [killed(25300, "about 25,300")])
    with Store.open(db) as writer:
        writer.put(record, replace=True)
    assert [r for r in _contexts(db) if r[0] == "late"] == [
        (
            "late",
            "c1",
            " people had been killed in the strikes.\n\nreference late.",
            "people had been killed in the strikes",
            "The ministry said about 25,300 people had been killed in the strikes.",
            None,
        )
    ]


def test_the_migration_fills_the_context_of_documents_stored_before(tmp_path: Path) -> None:
    """A database made before ``claim_context`` existed: the migration fills it from the
    stored documents, quotes and records, with the same rows ``Store.put`` writes."""
    from onrecord.store import figures

    db = _timeline_db(tmp_path / "c.db")
    stored, found = _contexts(db), query(db)
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE claim_context")
        conn.execute("DELETE FROM migrations WHERE name = 'claim_context'")
    old_batch = figures._FILL_BATCH
    figures._FILL_BATCH = 1  # several batches
    try:
        Store.open(db).close()
    finally:
        figures._FILL_BATCH = old_batch
    assert _contexts(db) == stored
    assert query(db) == found
    with sqlite3.connect(db) as conn:  # nothing left to fill
        assert figures.fill_claim_context(conn) == 0


def test_a_figures_row_is_made_from_its_fields_in_order() -> None:
    from onrecord.store.figures import FIGURE_COLUMNS, _Row

    assert FIGURE_COLUMNS[0] == "group"
    assert _Row._fields == FIGURE_COLUMNS[1 : 1 + len(_Row._fields)]
    assert FIGURE_COLUMNS[1 + len(_Row._fields) :] == (
        "day_low",
        "day_high",
        "day_ratio",
        "flagged",
    )


def test_a_query_never_reads_the_documents_text(tmp_path: Path) -> None:
    db = _timeline_db(tmp_path / "c.db")
    expected = query(db)
    assert expected.rows
    with open_corpus(db) as corpus:

        def no_text(action: int, table: str | None, column: str | None, *_: object) -> int:
            if action == sqlite3.SQLITE_READ and (table, column) == ("documents", "text"):
                return sqlite3.SQLITE_DENY
            return sqlite3.SQLITE_OK

        assert isinstance(corpus.conn, sqlite3.Connection)
        corpus.conn.set_authorizer(no_text)
        with pytest.raises(sqlite3.DatabaseError, match="documents.text is prohibited"):
            corpus.conn.execute("SELECT text FROM documents").fetchall()
        assert corpus.figures("killed") == expected


# --- compatibility, spreads and flags -------------------------------------------------------


def test_compatibility_respects_qualifiers_and_rounding() -> None:
    exact = interval("exact", 24448)
    assert compatible(interval("at_least", 24000), exact)
    assert compatible(interval("exact", 24000), exact)  # a round figure
    assert compatible(interval("about", 60), interval("exact", 57))
    assert not compatible(interval("more_than", 60), interval("exact", 57))
    assert not compatible(exact, interval("exact", 31000))
    assert not compatible(interval("exact", 63), interval("exact", 60))  # small: not rounded
    assert compatible(interval("range", None, 20000, 25000), exact)
    assert compatible(interval("at_most", 25000), exact)
    assert not compatible(interval("less_than", 20000), exact)
    assert interval("vague", None) is None


def test_at_least_24000_agrees_with_24448(tmp_path: Path) -> None:
    db = store(
        tmp_path / "c.db",
        article("a", "Alpha News", "2024-01-10", [killed(24000, "at least 24,000", "at_least")]),
        article("b", "Beta Post", "2024-01-10", [killed(24448, "24,448")]),
    )
    found = query(db)
    assert found.flags == []
    (spread,) = found.spreads
    assert (spread.date, spread.low, spread.high, spread.sides) == ("2024-01-10", 24000, 24448, 2)
    assert spread.low_by == ["Alpha News"] and spread.high_by == ["Beta Post"]


def test_24448_and_31000_on_the_same_day_are_a_spread(tmp_path: Path) -> None:
    db = store(
        tmp_path / "c.db",
        article("a", "Alpha News", "2024-01-10", [killed(24448, "24,448")]),
        article("b", "Beta Post", "2024-01-10", [killed(31000, "31,000")]),
    )
    found = query(db)
    (spread,) = found.spreads
    assert (spread.low, spread.high, spread.ratio) == (24448, 31000, 1.268)
    assert all(r.day_low == 24448 and r.day_high == 31000 for r in found.rows)
    # two outlets, two figures: each is one no other outlet gives
    assert sorted(f.by for f in found.flags) == ["Alpha News", "Beta Post"]


def test_a_figure_only_one_outlet_gives_is_flagged(tmp_path: Path) -> None:
    db = store(
        tmp_path / "c.db",
        article("a", "Alpha News", "2024-01-10", [killed(24448, "24,448")]),
        article("b", "Beta Post", "2024-01-10", [killed(24448, "24,448", asserted_by="UN")]),
        article("c", "Gamma Daily", "2024-01-10", [killed(31000, "31,000", asserted_by="Army")]),
        article("d", "Gamma Daily", "2024-01-10", [killed(24448, "24,448")]),
        article("e", "Delta Wire", "2024-01-11", [killed(40000, "40,000")]),
    )
    found = query(db)
    (flag,) = found.flags
    assert (flag.document_id, flag.by, flag.figure, flag.asserted_by) == (
        "c",
        "Gamma Daily",
        "31,000",
        "Army",
    )
    assert flag.others == ["24,448 (Alpha News)", "24,448 (Beta Post)"]
    assert [r.document_id for r in found.rows if r.flagged] == ["c"]
    # Delta's figure is alone on its day: nothing to compare within the same day ...
    assert not any(f.document_id == "e" for f in found.flags)
    # ... but the day before is within a window of one day
    wider = query(db, window=1)
    assert {f.document_id for f in wider.flags} == {"c", "e"}
    # by source: the Army's figure is the one no other source gives (Alpha and Gamma quote
    # the ministry, Beta the UN)
    by_source = query(db, by="source")
    assert [(f.document_id, f.by) for f in by_source.flags] == [("c", "Army")]
    # --outlet shows one outlet's figures, compared with everyone's
    only = query(db, outlet="Gamma Daily")
    assert [r.document_id for r in only.rows] == ["c", "d"]
    assert [f.document_id for f in only.flags] == ["c"]


def test_a_syndicated_copy_is_not_another_outlets_word(tmp_path: Path) -> None:
    db = store(
        tmp_path / "c.db",
        article("wire", "Alpha News", "2024-01-10", [killed(31000, "31,000")]),
        article("copy", "Beta Post", "2024-01-10", [killed(31000, "31,000", asserted_by="MoH")]),
        article("own", "Gamma Daily", "2024-01-10", [killed(24448, "24,448")]),
    )
    assert {f.document_id for f in query(db).flags} == {"own"}
    with sqlite3.connect(db) as conn:  # what syndication grouping stores for two copies
        conn.executemany(
            "INSERT INTO syndication (document_id, content_hash, shingles, group_id, origin)"
            " VALUES (?, '', 1, ?, ?)",
            [("wire", 1, 1), ("copy", 1, 0), ("own", 2, 1)],
        )
    found = query(db)
    assert {r.document_id: r.copy_group for r in found.rows} == {
        "wire": 1,
        "copy": 1,
        "own": None,
    }
    assert {f.document_id for f in found.flags} == {"wire", "copy", "own"}


def _canonical(found: Figures, rename: dict[str, str]) -> dict[str, object]:
    def name(value: str | None) -> str | None:
        return rename.get(value, value) if value is not None else None

    def other(said: str) -> str:  # "24,448 (Alpha News)"
        figure, _, who = said.rpartition(" (")
        return f"{figure} ({name(who[:-1])})"

    return {
        "rows": sorted(
            (r.group, r.date, r.figure, name(r.outlet), r.asserted_by, r.flagged, r.day_ratio)
            for r in found.rows
        ),
        "spreads": sorted(
            (
                s.group,
                s.date,
                s.low,
                s.high,
                s.ratio,
                tuple(sorted(map(name, s.low_by))),
                tuple(sorted(map(name, s.high_by))),
            )
            for s in found.spreads
        ),
        "flags": sorted(
            (f.group, f.date, f.figure, name(f.by), tuple(sorted(map(other, f.others))))
            for f in found.flags
        ),
    }


def test_swapping_outlet_names_mirrors_the_output(tmp_path: Path) -> None:
    """Neutrality: the outlets' names decide nothing; swap them and the output is mirrored."""

    def corpus(db: Path, first: str, second: str) -> Path:
        return store(
            db,
            article("a", first, "2024-01-10", [killed(24448, "24,448")]),
            article("b", first, "2024-01-11", [killed(25000, "at least 25,000", "at_least")]),
            article("c", second, "2024-01-10", [killed(31000, "31,000", asserted_by="Army")]),
            article("d", second, "2024-01-11", [killed(25105, "25,105")]),
        )

    one = query(corpus(tmp_path / "one.db", "Alpha News", "Beta Post"))
    two = query(corpus(tmp_path / "two.db", "Beta Post", "Alpha News"))
    swap = {"Alpha News": "Beta Post", "Beta Post": "Alpha News"}
    mirrored = _canonical(two, swap)
    assert _canonical(one, {}) == mirrored
    assert len(one.flags) == 2 and len(one.spreads) == 2


# --- command line --------------------------------------------------------------------------


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @app.callback()
    def _root() -> None:
        """test app"""

    register(app)
    return app


def run(app: typer.Typer, *args: str | os.PathLike[str]) -> tuple[int, str, str]:
    result = runner.invoke(app, [os.fspath(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    return store(
        tmp_path / "c.db",
        article("a", "Alpha News", "2024-01-10", [killed(24448, "24,448")]),
        article("b", "Beta Post", "2024-01-10", [killed(24448, "24,448")]),
        article("c", "Gamma Daily", "2024-01-10", [killed(31000, "31,000", asserted_by="Army")]),
    )


def test_cli_table_shows_timeline_spread_and_flags(app: typer.Typer, small_db: Path) -> None:
    code, out, err = run(app, "figures", "killed", "--db", small_db)
    assert code == 0, err
    assert "Figures for 'killed'" in out
    assert "Health Ministry" in out and "Gamma Daily" in out and "⚑" in out
    assert "2024-01-10  deaths: 24,448 (Alpha News, Beta Post) to 31,000 (Gamma Daily)" in out
    assert "ratio 1.268, 3 outlets" in out
    assert "2024-01-10  deaths: 31,000 (Gamma Daily, Army; c c1); others: 24,448 (Alpha" in out


def test_cli_jsonl_and_csv_write_one_row_per_figure(app: typer.Typer, small_db: Path) -> None:
    code, out, err = run(app, "figures", "died", "--db", small_db, "--format", "jsonl")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["document_id"], r["value"], r["flagged"]) for r in rows] == [
        ("a", 24448, False),
        ("b", 24448, False),
        ("c", 31000, True),
    ]
    assert rows[0]["asserted_by"] == "Health Ministry" and rows[0]["day_ratio"] == 1.268
    code, out, err = run(app, "figures", "killed", "--db", small_db, "-f", "csv", "--by", "source")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("group,date,date_source,figure,value")
    assert len(lines) == 4


def test_cli_no_figures_is_a_message_and_exit_0(app: typer.Typer, small_db: Path) -> None:
    code, out, err = run(app, "figures", "evacuated", "--db", small_db)
    assert code == 0
    assert out == ""
    assert "no figures match 'evacuated'" in err
    code, out, _ = run(
        app, "figures", "killed", "--db", small_db, "--since", "2025-01-01", "-f", "csv"
    )
    assert code == 0 and out.startswith("group,date,")


def test_cli_usage_errors_exit_2(app: typer.Typer, small_db: Path, tmp_path: Path) -> None:
    assert run(app, "figures", "killed", "--db", tmp_path / "missing.db")[0] == 2
    assert run(app, "figures", "killed", "--db", small_db, "--since", "10/01/2024")[0] == 2
    assert run(app, "figures", "the", "--db", small_db)[0] == 2
    assert run(app, "figures", " ", "--db", small_db)[0] == 2
    assert run(app, "figures", "killed", "--db", small_db, "--by", "colour")[0] == 2


# --- the bundled examples --------------------------------------------------------------------


def test_examples_show_the_death_toll_across_outlets(tmp_path: Path) -> None:
    """`onrecord figures killed` on examples/articles: the toll day by day, and the health
    ministry's 57 against the relief service's "more than 60" on 5 March."""
    from onrecord.store import ingest

    examples = Path(__file__).resolve().parents[2] / "examples" / "articles"
    db = tmp_path / "examples.db"
    ingest([str(examples)], db)
    found = query(db)
    assert {r.group for r in found.rows} == {"deaths"}
    days = {r.date for r in found.rows}
    assert {"2024-03-04", "2024-03-05", "2024-03-06"} <= days
    spread = {s.date: s for s in found.spreads}
    assert (spread["2024-03-05"].low, spread["2024-03-05"].high) == (57, 60)
    assert spread["2024-03-06"].low == spread["2024-03-06"].high == 63
    assert any(f.figure == "57" and f.by == "Northgate Daily" for f in found.flags)
    assert not any(f.date == "2024-03-06" for f in found.flags)
