"""bench.corpus: the generated corpus and its ground truth (no timing, no analysis)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from bench.corpus import (
    COPY_KINDS,
    generate,
    load_sources,
    pair_scores,
    score_syndication,
    sentences,
    store_unanalysed,
)


def test_generator_is_seeded_and_plants_copies() -> None:
    first, again = generate(60, seed=3), generate(60, seed=3)
    assert first.rows == again.rows and first.families == again.families
    assert generate(60, seed=4).rows != first.rows
    assert len(first.rows) == 60
    ids = [row["id"] for row in first.rows]
    assert len(set(ids)) == 60 and len({row["text"] for row in first.rows}) == 60
    copies = [c for cs in first.families.values() for c in cs]
    assert len(copies) == 3 and set(first.kinds) == set(copies)
    assert set(first.kinds.values()) <= set(COPY_KINDS)
    position = {doc: n for n, doc in enumerate(ids)}
    by_id = {row["id"]: row for row in first.rows}
    for original, family in first.families.items():
        for copy in family:
            assert position[copy] > position[original]
            assert by_id[copy]["published"] >= by_id[original]["published"]
            assert by_id[copy]["outlet"] != by_id[original]["outlet"]
    row = first.rows[0]
    assert set(row) == {"id", "text", "outlet", "published", "title"}
    assert row["text"].startswith(row["title"] + "\nBy ")
    # the example people are renamed
    assert not any("Lena Varga" in r["text"] for r in first.rows)


def test_sentences_keep_quotations_whole() -> None:
    text = "“We will rebuild. We always have,” she said. Then she left."
    assert sentences(text) == ["“We will rebuild. We always have,” she said.", "Then she left."]
    assert all(s.paragraphs for s in load_sources())


def test_pair_scores() -> None:
    assert pair_scores([["a", "b", "c"]], [["a", "b"], ["c", "d"]])[:2] == (1 / 3, 1 / 2)
    assert pair_scores([], [])[:2] == (1.0, 1.0)


def test_planted_copies_are_found(tmp_path: Path) -> None:
    generated = generate(80, seed=5)
    jsonl = generated.write_jsonl(tmp_path / "g.jsonl")
    assert len(jsonl.read_text(encoding="utf-8").splitlines()) == 80
    assert json.loads(jsonl.read_text(encoding="utf-8").splitlines()[0])["id"]
    db = tmp_path / "g.db"
    store_unanalysed(generated, db)
    score = score_syndication(db, generated)
    assert score.recall == 1.0 and score.precision == 1.0
    assert score.origins_right == score.families
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM syndication").fetchone()[0] == 80
