"""Syndication groups: copies and near-copies of one article, counted once in statistics."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from onrecord.store import Store, open_corpus
from onrecord.store.syndication import (
    THRESHOLD,
    estimated_jaccard,
    groups,
    index_pending,
    shingles,
    signature,
)
from onrecord.types import Record

from .conftest import make_record

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "articles"

_WORDS = (
    "the council minister river flood bridge said on monday officials water relief convoy "
    "village road border talks inquiry report dam collapse engineers rescue teams families "
    "homes valley north south week month people government agency statement release record "
    "evidence question answer public budget school hospital power line station market"
).split()


def story(seed: int, paragraphs: int = 8) -> list[str]:
    """Paragraphs of word salad, different for each seed."""
    rng = random.Random(seed)
    return [
        " ".join(rng.choice(_WORDS) for _ in range(rng.randint(35, 60))).capitalize() + "."
        for _ in range(paragraphs)
    ]


def article(
    doc_id: str,
    paragraphs: list[str],
    *,
    headline: str,
    outlet: str = "Valley Wire",
    published: str | None = "2024-03-05",
    said: str = "We will rebuild the bridge before the winter",
    speaker: str = "Lena Varga",
    pipeline: str = "onrecord test",
) -> Record:
    return make_record(
        doc_id,
        said,
        speaker,
        outlet=outlet,
        published=published,
        pipeline=pipeline,
        extra="\n\n" + headline + "\n\n" + "\n\n".join(paragraphs),
    )


def group_of(db: Path) -> dict[str, tuple[int, int, float]]:
    with sqlite3.connect(db) as conn:
        return {
            row[0]: (row[1], row[2], row[3])
            for row in conn.execute(
                "SELECT document_id, group_id, origin, similarity FROM syndication"
            )
        }


def store_all(db: Path, *records: Record) -> None:
    with Store.open(db) as store:
        for record in records:
            store.put(record)
        index_pending(store)


def test_shingles_and_signature_are_deterministic() -> None:
    assert shingles("One two three four five six") == {
        "one two three four five",
        "two three four five six",
    }
    assert shingles("Too short") == {"too short"}
    assert shingles("  ") == set()
    assert signature("") is None
    text = " ".join(story(1))
    a, b = signature(text), signature(text)
    assert a is not None and b is not None and (a == b).all()
    other = signature(" ".join(story(2)))
    assert other is not None and estimated_jaccard(a, other) < 0.2


def test_copies_and_near_copies_are_grouped(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    base = story(10)
    edited = list(base)
    edited[3] = edited[3].replace("the", "a", 2)
    edited[5] = "Officials " + edited[5]
    records = [
        article("wire", base, headline="Dam gives way", published="2024-03-04"),
        # exact copy of the story under a new headline in another outlet
        article("copy", base, headline="Flood hits valley", outlet="Meridian Times"),
        # trimmed: the last paragraph cut
        article("trimmed", base[:-1], headline="Dam gives way", outlet="Northgate Daily"),
        # lightly edited words
        article("edited", edited, headline="Dam collapse", outlet="Coastline Radio"),
        article("other", story(11), headline="Dam gives way"),
    ]
    store_all(db, *records)
    found = group_of(db)
    wire_group = found["wire"][0]
    assert {d for d, g in found.items() if g[0] == wire_group} == {
        "wire",
        "copy",
        "trimmed",
        "edited",
    }
    assert found["other"][0] != wire_group
    assert found["wire"][1] == 1 and found["wire"][2] == 1.0
    for copy in ("copy", "trimmed", "edited"):
        origin, similarity = found[copy][1], found[copy][2]
        assert origin == 0 and THRESHOLD <= similarity < 1.0 or similarity == 1.0
    with sqlite3.connect(db) as conn:
        [row] = groups(conn)
    assert row.origin_id == "wire" and row.documents == 4
    assert row.copies == ["copy", "trimmed", "edited"]
    assert row.outlets == ["Valley Wire", "Meridian Times", "Northgate Daily", "Coastline Radio"]


def test_different_articles_on_the_same_event_are_not_grouped(tmp_path: Path) -> None:
    """The example articles: two are a planted near-copy, the rest only share the event."""
    db = tmp_path / "c.db"
    records = []
    for n, path in enumerate(sorted(EXAMPLES.glob("*.txt"))):
        records.append(
            make_record(
                path.stem,
                "We will rebuild",
                "Lena Varga",
                outlet=path.stem.split("_")[1],
                published=path.stem.split("_")[0],
                extra=f"\n\n{n}\n\n" + path.read_text(encoding="utf-8"),
            )
        )
    store_all(db, *records)
    with sqlite3.connect(db) as conn:
        found = groups(conn)
    assert len(found) == 1
    assert {found[0].origin_id, *found[0].copies} == {
        "2024-03-05_valley-wire_toll-passes-60",
        "2024-03-05_meridian-times_toll-tops-60",
    }


def test_origin_is_the_earliest_published_then_the_earliest_inserted(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    base = story(20)
    store_all(
        db,
        article("late", base, headline="A", published="2024-03-07"),
        article("undated", base, headline="B", published=None),
        article("early-2", base, headline="C", published="2024-03-05"),
        article("early-1", base, headline="D", published="2024-03-05", outlet="Other"),
    )
    found = group_of(db)
    assert {d for d, g in found.items() if g[1] == 1} == {"early-2"}
    assert len({g[0] for g in found.values()}) == 1


def test_incremental_ingest_adds_to_an_existing_group(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    base = story(30)
    store_all(db, article("first", base, headline="A", published="2024-03-06"))
    store_all(db, article("unrelated", story(31), headline="A"))
    before = group_of(db)
    assert before["first"][0] != before["unrelated"][0]
    # a later run brings an earlier-published copy: it joins and becomes the origin
    store_all(db, article("earlier", base[:-1], headline="B", published="2024-03-04"))
    after = group_of(db)
    assert after["earlier"][0] == after["first"][0] == before["first"][0]
    assert after["earlier"][1] == 1 and after["first"][1] == 0
    assert after["first"][2] >= THRESHOLD
    # nothing is signed twice
    with Store.open(db) as store:
        assert index_pending(store).indexed == 0


def test_a_document_bridging_two_groups_merges_them(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    core = story(40, 12)
    # a and b share a third of their text (Jaccard ~0.3): not copies of each other
    store_all(
        db,
        article("a", core[0:8], headline="A"),
        article("b", core[4:12], headline="B"),
    )
    assert group_of(db)["a"][0] != group_of(db)["b"][0]
    # c shares ~0.6 with each: one story, told in a, b and c
    store_all(db, article("c", core[2:10], headline="C", published="2024-03-01"))
    found = group_of(db)
    assert found["c"][0] == found["a"][0] == found["b"][0]
    assert found["c"][1] == 1 and found["a"][1] == found["b"][1] == 0


def test_changed_text_leaves_its_group(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    base = story(50)
    store_all(
        db,
        article("one", base, headline="A", published="2024-03-01"),
        article("two", base, headline="B"),
    )
    assert group_of(db)["one"][0] == group_of(db)["two"][0]
    with Store.open(db) as store:
        store.put(article("one", story(51), headline="A", published="2024-03-01"), replace=True)
        index_pending(store)
    found = group_of(db)
    assert found["one"][0] != found["two"][0]
    assert found["two"][1] == 1 and found["one"][1] == 1


def test_statistics_count_a_quote_once_per_group(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    base = story(60)
    store_all(
        db,
        article("wire", base, headline="A", published="2024-03-04", outlet="Valley Wire"),
        article("copy-1", base, headline="B", outlet="Meridian Times"),
        article("copy-2", base[:-1], headline="C", outlet="Meridian Times"),
        article("own", story(61), headline="D", outlet="Meridian Times"),
    )
    with open_corpus(db) as corpus:
        [varga] = corpus.speakers()
        assert varga.quotes == 2 and varga.documents == 2
        assert varga.by_outlet == {"Meridian Times": 1, "Valley Wire": 1}
        [raw] = corpus.speakers(all_copies=True)
        assert raw.quotes == 4 and raw.documents == 4
        assert raw.by_outlet == {"Meridian Times": 3, "Valley Wire": 1}
        # the copies in Meridian Times count for Valley Wire, which ran the story first
        [meridian] = corpus.speakers(outlet="meridian times")
        assert meridian.quotes == 1 and meridian.by_outlet == {"Meridian Times": 1}
        [meridian] = corpus.speakers(outlet="meridian times", all_copies=True)
        assert meridian.quotes == 3
        outlets = {o.outlet: o for o in corpus.outlets()}
        assert outlets["Meridian Times"].documents == 3
        assert outlets["Meridian Times"].copies == 2
        assert outlets["Meridian Times"].quotes == 1
        assert outlets["Valley Wire"].quotes == 1 and outlets["Valley Wire"].copies == 0
        raw_outlets = {o.outlet: o for o in corpus.outlets(all_copies=True)}
        assert raw_outlets["Meridian Times"].quotes == 3


@pytest.mark.parametrize("all_copies", [False, True])
def test_statistics_before_grouping_count_each_document(tmp_path: Path, all_copies: bool) -> None:
    """Documents stored with Store.put and not grouped yet count as stories of their own."""
    db = tmp_path / "c.db"
    base = story(70)
    with Store.open(db) as store:
        store.put(article("one", base, headline="A"))
        store.put(article("two", base, headline="B"))
    with open_corpus(db) as corpus:
        [varga] = corpus.speakers(all_copies=all_copies)
        assert varga.quotes == 2


def test_syndication_command_lists_groups(corpus_app: typer.Typer, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    base = story(80)
    store_all(
        db,
        article("wire", base, headline="A", published="2024-03-04"),
        article("copy", base, headline="B", outlet="Meridian Times"),
        article("own", story(81), headline="C"),
    )
    runner = CliRunner()
    result = runner.invoke(corpus_app, ["syndication", "--db", str(db), "-f", "jsonl"])
    assert result.exit_code == 0, result.output
    [group] = [json.loads(line) for line in result.stdout.splitlines()]
    assert group["origin_id"] == "wire" and group["copies"] == ["copy"]
    assert group["outlets"] == ["Valley Wire", "Meridian Times"]
    result = runner.invoke(corpus_app, ["syndication", "--db", str(db)])
    assert result.exit_code == 0 and "Meridian Times" in result.stdout
    result = runner.invoke(corpus_app, ["speakers", "--db", str(db), "--all-copies", "-f", "jsonl"])
    assert json.loads(result.stdout.splitlines()[0])["quotes"] == 3
    result = runner.invoke(corpus_app, ["outlets", "--db", str(db), "-f", "csv"])
    assert result.exit_code == 0 and result.stdout.startswith("outlet,documents,copies,quotes")


def test_replaced_quotes_are_marked_again(tmp_path: Path) -> None:
    """--update replaces a document's quotes (same text): its copies are worked out again."""
    db = tmp_path / "c.db"
    base = story(90)
    store_all(
        db,
        article("wire", base, headline="A", published="2024-03-04"),
        article("copy", base, headline="B", outlet="Meridian Times"),
    )
    with Store.open(db) as store:
        store.put(
            article("copy", base, headline="B", outlet="Meridian Times", pipeline="v2"),
            replace=True,
        )
        index_pending(store)
    with open_corpus(db) as corpus:
        [varga] = corpus.speakers()
        assert varga.quotes == 1 and varga.by_outlet == {"Valley Wire": 1}
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT sum(copy) FROM syndication_quotes").fetchone()[0] == 1
        # the narrow copy of quotes follows quotes
        assert conn.execute("SELECT count(*) FROM syndication_quotes").fetchone()[0] == 2


def test_syndication_quotes_follow_quotes_and_outlets(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    store_all(db, article("one", story(95), headline="A"))
    with Store.open(db) as store:
        store.put(article("one", story(95), headline="A", outlet="Renamed"), replace=True)
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT sq.outlet, sq.speaker_name FROM syndication_quotes sq"
            " JOIN quotes q ON q.pk = sq.quote_pk"
        ).fetchall()
        assert rows == [("Renamed", "Lena Varga")]
        assert conn.execute("SELECT count(*) FROM syndication_quotes").fetchone()[0] == 1
