"""Agreement between annotators (eval/agreement.py), on hand-written brat files.

The two annotators of tests/data/brat_tiny/bridge disagree on purpose: annA marks three
attributions, annB only the third.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from eval import agreement
from eval.metrics import PredictedQuote, _TokenIndex

TINY = Path(__file__).parent / "data" / "brat_tiny"


def _corpus(tmp_path: Path, annotators: dict[str, str]) -> Path:
    """A PolNeAR-layout corpus (dev split) of the bridge document, one .ann per annotator."""
    split = tmp_path / "data" / "polnear" / "dev"
    (split / "text").mkdir(parents=True)
    (split / "attributions").mkdir()
    shutil.copy(TINY / "bridge.txt", split / "text" / "bridge.txt")
    for annotator, source in annotators.items():
        shutil.copy(TINY / source, split / "attributions" / f"bridge_{annotator}.ann")
    return tmp_path / "data" / "polnear"


def test_documents_with_one_annotator_are_left_out(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path, {"a": "bridge_annA.ann"})
    assert agreement.load_multi(corpus) == []
    assert agreement.main(["--shared", str(tmp_path / "nowhere")]) == 0


def test_an_unreadable_annotator_file_is_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = _corpus(tmp_path, {"a": "bridge_annA.ann", "b": "bridge_annB.ann"})
    (corpus / "dev" / "attributions" / "bridge_b.ann").write_bytes(b"T1\tSource 0 3\t\xff\n")
    assert agreement.load_multi(corpus) == []  # one readable annotator: nothing to compare
    assert "bridge_b.ann: cannot be read" in capsys.readouterr().out


def test_identical_annotators_agree_fully(tmp_path: Path) -> None:
    docs = agreement.load_multi(_corpus(tmp_path, {"a": "bridge_annA.ann", "b": "bridge_annA.ann"}))
    assert len(docs) == 1 and sorted(docs[0].annotations) == ["a", "b"]
    counts = agreement.pairwise(docs).counts
    for role in ("content", "cue", "source", "attribution"):
        for mode in ("partial", "exact"):
            assert counts[(role, "all", mode)].f1 == 1.0
    kinds = agreement.disagreement_kinds(docs)
    assert kinds["cue"] == {"matched": 1.0, "boundaries": 0.0, "unmarked": 0.0}


def test_pairwise_pools_both_directions(tmp_path: Path) -> None:
    docs = agreement.load_multi(_corpus(tmp_path, {"a": "bridge_annA.ann", "b": "bridge_annB.ann"}))
    content = agreement.pairwise(docs).counts[("content", "all", "partial")]
    # a as gold: 3 gold, 1 predicted, 1 match; b as gold: 1 gold, 3 predicted, 1 match
    assert (content.gold, content.pred, content.tp) == (4, 4, 2)
    assert content.precision == content.recall == content.f1 == 0.5
    per = agreement.per_annotator(docs)
    b_as_prediction = per["b"].counts[("content", "all", "partial")]
    assert b_as_prediction.precision == 1.0
    assert b_as_prediction.recall == pytest.approx(1 / 3)
    # b left two of a's three cues unmarked; a marked every one of b's
    kinds = agreement.disagreement_kinds(docs)
    assert kinds["cue"]["unmarked"] == pytest.approx(2 / 4)
    assert kinds["cue"]["boundaries"] == 0.0


def test_best_other_and_a_system_against_every_annotator(tmp_path: Path) -> None:
    corpus = _corpus(
        tmp_path, {"a": "bridge_annA.ann", "b": "bridge_annB.ann", "c": "bridge_annA.ann"}
    )
    docs = agreement.load_multi(corpus)
    best = agreement.best_other(docs)
    # a and c are identical, so each finds a perfect partner; b's best is a (or c)
    assert best["cue"].tp == 3 + 3 + 1
    text = docs[0].gold.text
    start = text.index("the repairs")
    critics = PredictedQuote(
        content=((start, start + len("the repairs were rushed")),),
        cue=((text.index("claimed"), text.index("claimed") + 7),),
        source=((text.index("Critics"), text.index("Critics") + 7),),
    )
    scorer = agreement.against_every_annotator(docs, {"bridge": [critics]})
    attribution = scorer.counts[("attribution", "all", "partial")]
    assert (attribution.gold, attribution.pred, attribution.tp) == (7, 3, 3)
    table = agreement.format_table(agreement.rows(docs, scorer))
    assert "annotators, pairwise" in table and "onrecord (rules) vs each annotator" in table


def test_write_docs_replaces_its_block(tmp_path: Path) -> None:
    docs = agreement.load_multi(_corpus(tmp_path, {"a": "bridge_annA.ann", "b": "bridge_annB.ann"}))
    doc = tmp_path / "EVALUATION.md"
    doc.write_text("# Evaluation\n\nkept\n", encoding="utf-8")
    agreement.write_docs(agreement.rows(docs), docs, doc)
    agreement.write_docs(agreement.rows(docs), docs, doc)
    written = doc.read_text(encoding="utf-8")
    assert written.count(agreement.START_MARKER) == 1 and "kept" in written
    assert "| annotators, pairwise | 1 | 2 | 50.0 |" in written


def test_the_majority_keeps_what_at_least_half_the_others_marked(tmp_path: Path) -> None:
    corpus = _corpus(
        tmp_path,
        {
            "a": "bridge_annA.ann",
            "b": "bridge_annB.ann",
            "c": "bridge_annA.ann",
            "d": "bridge_annB.ann",
        },
    )
    docs = agreement.load_multi(corpus)
    doc = docs[0]
    index = _TokenIndex(doc.gold.text)
    # for a: b, c and d; only the critics' attribution has two of three (b and d, with c)
    others = {k: v for k, v in doc.annotations.items() if k != "a"}
    kept = agreement.majority(index, others)
    assert len(kept) == 1
    ((start, end),) = kept[0].content
    assert doc.gold.text[start:end] == "the repairs were rushed"
    # of two annotators, one is half: a's three attributions stay
    assert (
        len(agreement.majority(index, {"b": doc.annotations["b"], "c": doc.annotations["c"]})) == 3
    )
    content = agreement.majority_of_others(docs).counts[("content", "all", "partial")]
    # for a and c the critics' alone (right); for b and d all three of a and c (one right)
    assert (content.gold, content.pred, content.tp) == (8, 1 + 1 + 3 + 3, 4)


def test_the_medoid_is_the_span_most_others_match() -> None:
    text = "Critics said in a statement on Monday: it failed."
    index = _TokenIndex(text)
    said = ((8, 12),)
    said_in_a_statement = ((8, 27),)
    on_monday_too = ((8, 37),)
    assert text[8:27] == "said in a statement" and text[37] == ":"
    # "said" matches neither other (Jaccard 1/4, 1/6); each longer one matches the other
    assert agreement._medoid(index, [said, on_monday_too, said_in_a_statement]) == on_monday_too
    # a span without a word matches only its equal
    colon = ((37, 38),)
    assert agreement._medoid(index, [said, colon, colon]) == colon


def test_weighted_fit_recovers_a_line_and_its_correlation() -> None:
    fit = agreement.weighted_fit([0.2, 0.4, 0.6], [0.5, 0.6, 0.7], [1.0, 5.0, 1.0])
    assert fit.slope == pytest.approx(0.5) and fit.intercept == pytest.approx(0.4)
    assert fit.correlation == pytest.approx(1.0)
    assert fit.at(0.8) == pytest.approx(0.8)
    flat = agreement.weighted_fit([0.5, 0.5], [0.1, 0.9], [1.0, 1.0])
    assert (flat.slope, flat.correlation) == (0.0, 0.0)  # no spread in x: no line


def test_estimates_read_the_rules_figures_of_eval_run(tmp_path: Path) -> None:
    figures = tmp_path / "eval.json"
    rows = [
        {"role": role, "split": split, "mode": mode, "f1": 0.5 if split == "all" else 0.1}
        for role in ("content", "cue", "source", "attribution")
        for split in ("direct", "all")
        for mode in ("exact", "partial")
    ]
    figures.write_text(json.dumps({"systems": {"onrecord": {"figures": rows}}}), "utf-8")
    at = agreement.rules_figures(figures)
    assert at == {"content": 0.5, "cue": 0.5, "source": 0.5, "attribution": 0.5}
    docs = agreement.load_multi(_corpus(tmp_path, {"a": "bridge_annA.ann", "b": "bridge_annB.ann"}))
    fits = agreement.difficulty_fits(docs, {"bridge": []})
    assert set(fits) == {(r, n) for r in at for n in ("pairwise", "majority")}
    table = agreement.format_estimates(fits, at)
    assert "| onrecord (rules), PolNeAR dev | 50.0 | 50.0 | 50.0 | 50.0 |" in table


def test_a_figures_file_that_is_not_eval_runs_stops_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = _corpus(tmp_path, {"a": "bridge_annA.ann", "b": "bridge_annB.ann"})
    bad = tmp_path / "bad.json"
    bad.write_text("{}", "utf-8")
    with pytest.raises(SystemExit) as stop:
        agreement.main(
            ["--shared", str(corpus.parent.parent), "--rules-figures", str(bad), "--no-write-docs"]
        )
    assert stop.value.code == 2
    assert "not eval.run figures" in capsys.readouterr().err
