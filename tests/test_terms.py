"""Per-outlet narrator-voice terms (store/terms.py and ``onrecord terms``): the log-odds
maths on a hand-computed example, quotes excluded, --vs, empty and unknown cases, and the
same answers on PostgreSQL (skipped unless ONRECORD_TEST_POSTGRES is set)."""

from __future__ import annotations

import math
import os
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from onrecord.cli_framing import register
from onrecord.store import Store, StoreError, open_corpus
from onrecord.store.terms import (
    distinctive_terms,
    log_odds,
    narrator_counts,
    narrator_spans,
    tokens,
)
from onrecord.types import Entity, Quote, Record, Span, Speaker

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @app.callback()
    def _root() -> None:
        """test app"""

    register(app)
    return app


def record(doc_id: str, outlet: str | None, narrator: str, said: str, speaker: str) -> Record:
    """'NARRATOR “SAID,” SPEAKER said.' with one direct quote (the SAID part)."""
    text = f"{narrator} “{said},” {speaker} said."
    start = len(narrator) + 2
    content = Span.of(text, start, start + len(said))
    source_start = text.index(speaker, content.end)
    source = Span.of(text, source_start, source_start + len(speaker))
    return Record(
        id=doc_id,
        source=f"/corpus/{doc_id}",
        title=None,
        outlet=outlet,
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
    )


#: Outlet A's narrator says "regime", B's "government"; A's quotes say "treachery" a lot.
DOCS = [
    record("a1", "Alpha News", "The regime shelled Kessbrook.", "Treachery, treachery", "Ann Lee"),
    record("a2", "Alpha News", "The regime closed the border.", "Treachery again", "Ann Lee"),
    record("a3", "Alpha News", "The regime blamed Haldra.", "Pure treachery", "Bo Kim"),
    record("b1", "Beta Daily", "The government shelled Kessbrook.", "Calm down", "Cy Moe"),
    record("b2", "Beta Daily", "The government closed the border.", "Calm please", "Cy Moe"),
    record("c1", "Gamma Wire", "The government blamed Haldra.", "Wait and see", "Di Fox"),
    record("n1", None, "The government closed the border.", "No comment", "Ed Roe"),
]


def fill(db: str) -> None:
    with Store.open(db) as store:
        for doc in DOCS:
            store.put(doc)


@pytest.fixture
def db(tmp_path: Path) -> str:
    where = os.fspath(tmp_path / "onrecord.db")
    fill(where)
    return where


# --- the maths ---------------------------------------------------------------------------------


def test_log_odds_matches_a_hand_computed_example() -> None:
    # A: x 3, y 1; B: x 1, y 3; prior = A + B (x 4, y 4) scaled to alpha0 = 8: alpha = 4 each.
    # x: delta = log((3+4)/(4+8-3-4)) - log((1+4)/(4+8-1-4)) = log(7/5) - log(5/7) = 2 log 1.4
    #    var = 1/7 + 1/5 = 12/35; z = 2 log 1.4 / sqrt(12/35) = 1.14927...
    scores = log_odds({"x": 3, "y": 1}, {"x": 1, "y": 3}, {"x": 4, "y": 4}, alpha0=8)
    delta, z = scores["x"]
    assert delta == pytest.approx(2 * math.log(1.4))
    assert z == pytest.approx(2 * math.log(1.4) / math.sqrt(12 / 35))
    assert z == pytest.approx(1.14927, abs=1e-5)
    # symmetric: y is B's word by the same amount
    assert scores["y"][0] == pytest.approx(-delta)
    assert scores["y"][1] == pytest.approx(-z)


def test_log_odds_min_count_and_prior_weight() -> None:
    assert set(log_odds({"x": 3, "y": 1}, {"x": 1}, {"x": 4, "y": 1}, min_count=2)) == {"x"}
    # a larger prior pulls the same counts towards the corpus rate: a smaller |delta|
    weak = log_odds({"x": 5}, {"x": 1, "y": 4}, {"x": 6, "y": 4}, alpha0=1)["x"][0]
    strong = log_odds({"x": 5}, {"x": 1, "y": 4}, {"x": 6, "y": 4}, alpha0=100)["x"][0]
    assert 0 < strong < weak


def test_tokens_drop_stop_words_numbers_and_possessives() -> None:
    assert tokens("The regime's 24 forces shelled Kessbrook on 5 March.") == [
        "regime",
        "forces",
        "shelled",
        "kessbrook",
        "march",
    ]
    # bigrams only between words that stand next to each other (not across a full stop)
    assert tokens("Controlled release. Dam collapse", bigrams=True)[-2:] == [
        "controlled release",
        "dam collapse",
    ]
    assert "release dam" not in tokens("Controlled release. Dam collapse", bigrams=True)


def test_narrator_spans_are_the_body_without_the_quotes() -> None:
    assert narrator_spans(20, [(0, 10), (12, 20)], [(3, 5), (4, 13)]) == [(0, 3), (13, 20)]
    assert narrator_spans(10, [], []) == [(0, 10)]
    assert narrator_spans(10, [], [(0, 10)]) == []


# --- the corpus --------------------------------------------------------------------------------


def test_quotes_are_excluded(db: str) -> None:
    with open_corpus(db) as corpus:
        counts = narrator_counts(corpus.conn, corpus.path)
        with_quotes = narrator_counts(corpus.conn, corpus.path, include_quotes=True)
        found = distinctive_terms(corpus.conn, corpus.path, "Alpha News", min_count=1)
    assert counts.counts["Alpha News"]["regime"] == 3
    assert "treachery" not in counts.counts["Alpha News"]
    assert with_quotes.counts["Alpha News"]["treachery"] == 4  # the control does see them
    assert counts.documents == {"Alpha News": 3, "Beta Daily": 2, "Gamma Wire": 1, None: 1}
    assert found.rows[0].term == "regime"
    assert found.rows[0].count_a == 3 and found.rows[0].count_b == 0
    assert all(r.term != "treachery" for r in found.rows)
    # side B: every other document, also the one without an outlet
    assert found.documents_b == 4
    assert found.vs is None and found.vs_label == "all other outlets"


def test_vs_compares_with_one_outlet(db: str) -> None:
    with open_corpus(db) as corpus:
        found = distinctive_terms(
            corpus.conn, corpus.path, "beta daily", vs="Alpha News", min_count=1
        )
    assert (found.outlet, found.vs) == ("Beta Daily", "Alpha News")
    assert found.documents_a == 2 and found.documents_b == 3
    top = {r.term: r for r in found.rows}
    assert top["government"].count_a == 2 and top["government"].count_b == 0
    assert "haldra" not in top  # only Alpha News (side B) blames Haldra among the two
    # hand check of one z with the corpus prior (alpha0 = 1000)
    counts = Counter[str]()
    for doc in DOCS:
        narrator = doc.text[: doc.quotes[0].content.start]
        counts.update(tokens(narrator) + tokens(doc.text[doc.quotes[0].content.end :]))
    n = sum(counts.values())
    alpha = 1000 * counts["government"] / n
    n_a, n_b = found.tokens_a, found.tokens_b
    a, b = 2 + alpha, 0 + alpha
    delta = math.log(a / (n_a + 1000 - a)) - math.log(b / (n_b + 1000 - b))
    assert top["government"].z == pytest.approx(delta / math.sqrt(1 / a + 1 / b), abs=1e-3)


def test_cache_sees_new_documents(db: str) -> None:
    with open_corpus(db) as corpus:
        before = narrator_counts(corpus.conn, corpus.path)
    with Store.open(db) as store:
        store.put(record("a4", "Alpha News", "The regime again.", "Fine", "Fi Go"))
    with open_corpus(db) as corpus:
        after = narrator_counts(corpus.conn, corpus.path)
        again = narrator_counts(corpus.conn, corpus.path)
    assert before.counts["Alpha News"]["regime"] == 3
    assert after.counts["Alpha News"]["regime"] == 4
    assert again is after


def test_since_and_until_choose_the_documents(db: str) -> None:
    later = record("a9", "Alpha News", "The junta spoke.", "Fine", "Fi Go")
    later.published = "2024-03-09"
    with Store.open(db) as store:
        store.put(later)
    with open_corpus(db) as corpus:
        found = distinctive_terms(corpus.conn, corpus.path, "Alpha News", since="2024-03-06")
        assert (found.documents_a, found.documents_b) == (1, 0)
        until = narrator_counts(corpus.conn, corpus.path, until="2024-03-05")
        assert (
            until.counts["Alpha News"]["regime"] == 3 and "junta" not in until.counts["Alpha News"]
        )
        with pytest.raises(StoreError, match="between the dates given"):
            distinctive_terms(corpus.conn, corpus.path, "Beta Daily", since="2024-03-06")
    result = runner.invoke(
        _app(), ["terms", "--outlet", "Alpha News", "--since", "2025-01-01", "--db", db]
    )
    assert result.exit_code == 0 and "between those dates" in result.stderr
    result = runner.invoke(_app(), ["terms", "--outlet", "Alpha News", "--since", "5 March"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.stderr


# --- the command -------------------------------------------------------------------------------


def test_terms_command_table_and_csv(db: str) -> None:
    app = _app()
    result = runner.invoke(app, ["terms", "--outlet", "alpha news", "--db", db, "--min-count", "1"])
    assert result.exit_code == 0, result.output
    assert "Alpha News vs all other outlets" in result.stdout
    assert "regime" in result.stdout and "treachery" not in result.stdout
    result = runner.invoke(
        app,
        ["terms", "--outlet", "Alpha News", "--vs", "Beta Daily", "--db", db]
        + ["--min-count", "1", "--format", "csv"],
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "term,z,log_odds_ratio,count_a,count_b,per_10k_a,per_10k_b"
    assert lines[1].startswith("regime,")


def test_terms_unknown_outlet_is_one_line_exit_2(db: str) -> None:
    app = _app()
    for args in (["--outlet", "Nope"], ["--outlet", "Alpha News", "--vs", "Nope"]):
        result = runner.invoke(app, ["terms", *args, "--db", db])
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1, result.stderr
        assert "no such outlet" in result.stderr and "Alpha News" in result.stderr
        assert "Traceback" not in result.output
    result = runner.invoke(
        app, ["terms", "--outlet", "Alpha News", "--vs", "ALPHA NEWS", "--db", db]
    )
    assert result.exit_code == 2 and "the outlet itself" in result.stderr


def test_terms_empty_database_says_so(tmp_path: Path) -> None:
    where = os.fspath(tmp_path / "empty.db")
    Store.open(where).close()
    result = runner.invoke(_app(), ["terms", "--outlet", "Alpha News", "--db", where])
    assert result.exit_code == 0
    assert "no documents" in result.stderr
    assert result.stdout == ""
    missing = runner.invoke(_app(), ["terms", "--outlet", "A", "--db", str(tmp_path / "no.db")])
    assert missing.exit_code == 2 and missing.stderr.count("\n") == 1


def test_terms_nothing_stands_out_says_so(db: str) -> None:
    result = runner.invoke(_app(), ["terms", "--outlet", "Gamma Wire", "--db", db])
    assert result.exit_code == 0
    assert "stands out" in result.stderr and result.stdout == ""


def test_terms_help_has_examples() -> None:
    result = runner.invoke(_app(), ["terms", "--help"])
    assert result.exit_code == 0
    assert "onrecord terms --outlet" in result.stdout and "--vs" in result.stdout


def test_eval_generator_plants_each_word_evenly(tmp_path: Path) -> None:
    from eval import framing_outlets as fo

    assert fo.generate(tmp_path / "a") == 4 * fo.ARTICLES_PER_OUTLET
    fo.generate(tmp_path / "b")
    texts = sorted(p.name for p in (tmp_path / "a").glob("*.txt"))
    for name in texts:  # seeded: the same corpus every time
        assert (tmp_path / "a" / name).read_text() == (tmp_path / "b" / name).read_text()
    assert (tmp_path / "a" / "metadata.tsv").read_text().count("Dunlin Bay Herald") == 10
    for o, (_outlet, (planted, quoted)) in enumerate(fo.OUTLETS.items()):
        own = " ".join((tmp_path / "a" / n).read_text() for n in texts if n.startswith(f"gen-{o}-"))
        words = Counter(tokens(own))
        assert all(words[w] >= 6 for w in planted)  # 6 own uses, and maybe a borrowed one
        assert sum(words[w] for w in quoted) == 3 * fo.ARTICLES_PER_OUTLET
        for line in own.splitlines():  # a quoted-only word stands only in a quote's sentence
            for sentence in line.split(". "):
                if any(w in tokens(sentence) for w in quoted):
                    assert "“" in sentence or " said " in sentence or " told " in sentence


# --- PostgreSQL ----------------------------------------------------------------------------------


@pytest.fixture
def pg_db() -> Iterator[str]:
    url = os.environ.get("ONRECORD_TEST_POSTGRES")
    if not url:
        pytest.skip("ONRECORD_TEST_POSTGRES is not set (a postgresql:// URL of a test server)")
    try:
        import psycopg
    except ImportError:
        pytest.skip("psycopg is not installed: pip install 'onrecord[postgres]'")
    schema = f"onrecord_test_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(url, connect_timeout=3, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
    except psycopg.Error as exc:
        pytest.skip(f"ONRECORD_TEST_POSTGRES is not reachable ({exc})")
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def test_postgres_gives_the_same_terms(pg_db: str, db: str) -> None:
    fill(pg_db)
    answers = []
    for where in (db, pg_db):
        with open_corpus(where) as corpus:
            found = distinctive_terms(corpus.conn, corpus.path, "Alpha News", min_count=1)
            versus = distinctive_terms(
                corpus.conn, corpus.path, "Beta Daily", vs="alpha news", min_count=1
            )
        answers.append((found.rows, found.tokens_a, found.tokens_b, versus.rows))
    assert answers[0] == answers[1]
    result = runner.invoke(_app(), ["terms", "--outlet", "Nope", "--db", pg_db])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
