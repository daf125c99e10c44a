"""What makes the first requests fast: the speaker lists added up from one read of every
outlet's counts, one figures entry for the terms that look for the same, and the
warm-up thread (web/warm.py)."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from onrecord.store import Corpus, open_corpus
from onrecord.web import queries, warm
from onrecord.web.app import create_app


@pytest.fixture
def fresh_db(corpus_db: Path, tmp_path: Path) -> Path:
    """A copy of the corpus: answers remembered for ``corpus_db`` are not its own."""
    copy = tmp_path / "copy.db"
    shutil.copy(corpus_db, copy)
    return copy


@pytest.fixture
def corpus(fresh_db: Path) -> Iterator[Corpus]:
    opened = open_corpus(fresh_db)
    try:
        yield opened
    finally:
        opened.close()


def _dicts(rows: Any) -> list[dict[str, Any]]:
    return [row.as_dict() for row in rows]


def test_speaker_list_is_corpus_speakers_by_name(corpus: Corpus) -> None:
    outlets = [o.outlet for o in corpus.outlets() if o.outlet]
    assert len(outlets) > 2
    for all_copies in (False, True):
        for outlet in [None, *outlets, *(o.upper() for o in outlets), "No Such Outlet"]:
            listed = queries.speaker_list(corpus, outlet=outlet, all_copies=all_copies)
            expected = corpus.speakers(outlet=outlet, all_copies=all_copies, by_name=True)
            assert _dicts(listed) == _dicts(expected), (outlet, all_copies)
            top = corpus.speakers(outlet=outlet, all_copies=all_copies, by_name=True, limit=3)
            assert _dicts(listed[:3]) == _dicts(top)
            total = queries.speaker_total(corpus, outlet=outlet, all_copies=all_copies)
            assert total == len(expected)


def test_speakers_api_pages_are_slices_of_the_list(fresh_db: Path, corpus: Corpus) -> None:
    outlet = max(corpus.outlets(), key=lambda o: o.quotes).outlet
    assert outlet is not None
    expected = corpus.speakers(outlet=outlet, by_name=True)
    assert len(expected) > 3
    with TestClient(create_app(fresh_db, warm_up=False)) as client:
        data = client.get(
            "/api/speakers", params={"outlet": outlet.lower(), "limit": 2, "offset": 1}
        ).json()
    assert data["total"] == len(expected)
    assert data["items"] == [
        {**row.as_dict(), "variants": [], "corpus_entity": None} for row in expected[1:3]
    ]


def test_one_figures_entry_for_the_terms_of_one_family(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    original = Corpus.figures

    def counted(self: Corpus, term: str, **kwargs: Any) -> Any:
        calls.append(term)
        return original(self, term, **kwargs)

    monkeypatch.setattr(Corpus, "figures", counted)
    killed = queries.figures(corpus, "killed")
    dead = queries.figures(corpus, "dead")
    deaths = queries.figures(corpus, "Deaths")
    assert calls == ["killed"]
    assert (killed.term, dead.term, deaths.term) == ("killed", "dead", "Deaths")
    assert killed.rows and dead.rows == killed.rows and deaths.flags == killed.flags
    assert _dicts(original(corpus, "dead").rows) == _dicts(dead.rows)
    # other terms, other options: their own entries
    queries.figures(corpus, "missing")
    queries.figures(corpus, "killed", exact=True)
    queries.figures(corpus, "dead", by="source")
    assert calls == ["killed", "missing", "killed", "dead"]
    assert queries.figure_key("killed") == queries.figure_key("died")
    assert queries.figure_key("killed") != queries.figure_key("killed", exact=True)
    assert queries.figure_key("the a") == queries.figure_key("the a")  # stop words only


def test_figures_api_answers_with_the_term_asked(fresh_db: Path) -> None:
    with TestClient(create_app(fresh_db, warm_up=False)) as client:
        killed = client.get("/api/figures", params={"term": "killed"}).json()
        dead = client.get("/api/figures", params={"term": "dead"}).json()
    assert killed["total"] >= 3 and dead["term"] == "dead" and killed["term"] == "killed"
    assert {k: v for k, v in dead.items() if k != "term"} == {
        k: v for k, v in killed.items() if k != "term"
    }


def test_warm_up_works_out_the_answers_ahead(
    fresh_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(fresh_db)
    with TestClient(app) as client:
        warmer = app.state.warmer
        assert warmer.warmed.wait(60), "the warm-up did not finish"
        assert warmer.passes == 1 and warmer.seconds > 0

        def fail(*args: Any, **kwargs: Any) -> Any:
            raise AssertionError("worked out again")

        # answered from what the warm-up worked out: nothing is worked out again
        for method in ("figures", "speakers", "outlets", "corpus_entities"):
            monkeypatch.setattr(Corpus, method, fail)
        monkeypatch.setattr(queries, "speaker_counts", fail)
        opened = open_corpus(fresh_db)
        try:
            common = warm.common_measures(opened, besides=warm.WARM_FIGURES)
        finally:
            opened.close()
        assert common
        for term in (*warm.WARM_FIGURES, "dead", "deaths", "died", "wounded", *common):
            assert client.get("/api/figures", params={"term": term}).status_code == 200, term
        for url in ("/api/speakers", "/api/speakers?outlet=meridian+times", "/api/outlets"):
            assert client.get(url).status_code == 200, url

        for url in ("/", "/outlets", "/api/entities?q=varga", "/figures?term=dead"):
            assert client.get(url).status_code == 200, url
    assert not any(t.name == "onrecord-warm-up" and t.is_alive() for t in threading.enumerate())


def test_warm_up_again_once_a_change_has_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    versions = iter([(1, 1), (1, 1), (2, 2), (3, 3), (3, 3), (3, 3)])
    seen: list[tuple[int, int]] = []
    current: list[tuple[int, int]] = []
    done = threading.Event()

    def version(corpus: Any) -> tuple[int, int]:
        try:
            current[:] = [next(versions)]
        except StopIteration:
            done.set()
        return current[0]

    def warm_now(corpus: Any, **kwargs: Any) -> list[str]:
        seen.append(current[0])
        return []

    class Pool:
        def acquire(self) -> object:
            return object()

        def release(self, corpus: object) -> None:
            pass

    monkeypatch.setattr(queries, "corpus_version", version)
    monkeypatch.setattr(warm, "warm", warm_now)
    warmer = warm.Warmer(Pool(), every=0.01)  # type: ignore[arg-type]
    warmer.start()
    try:
        assert done.wait(10)
    finally:
        warmer.stop()
    # at start; not while the corpus changes (2, then 3); once it stays the same (3)
    assert seen == [(1, 1), (3, 3)] and warmer.passes == 2


def test_warm_up_failures_are_logged_not_raised(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("broken")

    monkeypatch.setattr(queries, "speaker_counts", broken)
    failed = warm.warm(corpus, figures=["killed"])
    assert failed == ["speakers"]
    assert "warm-up: speakers failed" in caplog.text
    assert queries.figures(corpus, "killed").rows  # the other steps went on


@pytest.mark.parametrize("words", ["dam", "water", "flood"])
def test_quote_search_pages_walked_or_sorted_are_the_same(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch, words: str
) -> None:
    """A page of a full-text search read in date order (dense matches, near the start) is
    the page of the order of every match; with a part of a speaker's name too."""
    monkeypatch.setattr(queries, "_DATE_ORDER_FROM", 1)  # the small corpus: walk or sort
    for speaker in (None, "a", "Varga"):
        pages = []
        for walk in (10**9, 0):
            monkeypatch.setattr(queries, "_WALK_QUOTES", walk)
            queries._orders.clear()
            pages.append(
                [
                    queries.quote_page(
                        corpus, contains=words, speaker=speaker, limit=3, offset=offset
                    )
                    for offset in (0, 2, 5)
                ]
            )
        assert pages[0] == pages[1], speaker
    everything = queries.quote_page(corpus, contains=words, limit=500)[1]
    assert everything, words
    by_a = queries.quote_page(corpus, contains=words, speaker="a", limit=500)[1]
    assert by_a == [q for q in everything if "a" in (q.speaker_name or "").casefold()]


def test_common_measures(corpus: Corpus) -> None:
    common = warm.common_measures(corpus, 4)
    assert len(common) == 4 and len(set(common)) == 4
    keys = [queries.figure_key(term) for term in common]
    assert len(set(keys)) == 4  # no two look for the same figures
    besides = warm.common_measures(corpus, 4, besides=common[:2])
    assert besides[:2] == common[2:]
    assert warm.common_measures(corpus, 0) == []
    for term in common:
        assert queries.figures(corpus, term).rows, term  # a word that finds figures


@pytest.mark.parametrize(
    "params",
    [
        {"term": "killed"},
        {"term": "dead", "by": "source", "window": 3, "limit": 2, "offset": 1},
        {"term": "killed", "outlet": "valley wire", "since": "2024-03-05"},
        {"term": "giraffes"},
        {"term": "the a"},
    ],
)
def test_figures_json_is_what_fastapi_would_send(fresh_db: Path, params: dict[str, Any]) -> None:
    """The answer joins the JSON of its page to the remembered JSON of its spreads and
    flags: the same bytes as the whole ``FiguresOut``, serialised as FastAPI does."""
    from pydantic import TypeAdapter

    from onrecord.web.api import FiguresOut

    with TestClient(create_app(fresh_db, warm_up=False)) as client:
        for _ in range(2):  # worked out, then remembered
            response = client.get("/api/figures", params=params)
            assert response.status_code == 200
            assert response.headers["content-type"] == "application/json"
            model = FiguresOut.model_validate_json(response.content)
            assert TypeAdapter(FiguresOut).dump_json(model, by_alias=True) == response.content
    if params["term"] == "killed" and len(params) == 1:
        assert model.spreads and model.flags is not None and model.items


@pytest.mark.parametrize("words", ["dam", "water", '"death toll"', "giraffes"])
def test_article_search_pages_walked_or_sorted_are_the_same(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch, words: str
) -> None:
    """A page of a full-text search of articles read along the date index is the page of
    the order of every match, with or without other filters."""
    for filters in ({}, {"outlet": "meridian times"}, {"since": "2024-03-05"}):
        pages = []
        for walk in (10**9, 0):
            monkeypatch.setattr(queries, "_WALK_DOCUMENTS", walk)
            queries._orders.clear()
            pages.append(
                [
                    queries.article_page(corpus, q=words, limit=2, offset=offset, **filters)
                    for offset in (0, 1, 3)
                ]
            )
        assert pages[0] == pages[1], filters


def test_warm_up_lists_the_speakers_of_the_most_quoted_outlets(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(warm, "WARM_OUTLETS", 2)
    assert warm.warm(corpus, figures=[], common=0) == []
    listed = {
        key[3][0] for key in queries._memo if key[0] == corpus.path and key[2] == "speaker-list"
    }
    counts = queries.speaker_counts(corpus)
    quoted = {o: sum(row[2] for row in rows) for o, rows in counts.items() if o is not None}
    assert len(quoted) > 2
    top = sorted(quoted, key=lambda o: (-quoted[o], o))[:2]
    assert listed == {None, *(o.encode().lower() for o in top)}
