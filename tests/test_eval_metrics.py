"""The evaluation harness on hand-written brat strings and spans (no corpus needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from eval.brat import load_split, read_ann
from eval.metrics import (
    PredictedQuote,
    Scorer,
    exact_key,
    has_quote_mark,
    jaccard,
    word_tokens,
)
from eval.run import replace_between_markers


def at(text: str, fragment: str, nth: int = 0) -> tuple[int, int]:
    """(start, end) of the nth occurrence of ``fragment`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(fragment, start + 1)
    return start, start + len(fragment)


def t_line(tid: str, label: str, text: str, *fragments: str) -> str:
    spans = [at(text, f) for f in fragments]
    offsets = ";".join(f"{s} {e}" for s, e in spans)
    return f"{tid}\t{label} {offsets}\t{' '.join(text[s:e] for s, e in spans)}"


# --- brat reader --------------------------------------------------------------------------

SIMPLE = "Lowell said that he doesn’t like pickles. It is said that rain is coming."


def test_reads_a_linked_attribution_and_one_without_source() -> None:
    ann = "\n".join(
        [
            t_line("T1", "Source", SIMPLE, "Lowell"),
            t_line("T2", "Cue", SIMPLE, "said"),
            t_line("T3", "Content", SIMPLE, "that he doesn’t like pickles"),
            t_line("T4", "Attribution", SIMPLE, "said"),
            "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
            t_line("T5", "Cue", SIMPLE, "is said"),
            t_line("T6", "Content", SIMPLE, "that rain is coming"),
            t_line("T7", "Attribution-no-source", SIMPLE, "is said"),
            "E2\tAttribution-no-source:T7 Cue:T5 Content:T6",
            "",
        ]
    )
    result = read_ann(ann, SIMPLE)
    assert not result.mismatches and not result.unknown_labels
    first, second = result.attributions
    assert first.source == [at(SIMPLE, "Lowell")]
    assert first.cue == [at(SIMPLE, "said")]
    assert first.content == [at(SIMPLE, "that he doesn’t like pickles")]
    assert second.trigger == "Attribution-no-source"
    assert second.source == []
    assert second.content == [at(SIMPLE, "that rain is coming")]


INTERRUPTED = "“We won,” she said, “and we will win again.” Then she left."


def test_discontinuous_spans_and_numbered_roles() -> None:
    ann = "\n".join(
        [
            t_line("T1", "Content", INTERRUPTED, "“We won,”", "“and we will win again.”"),
            t_line("T2", "Source", INTERRUPTED, "she"),
            t_line("T3", "Cue", INTERRUPTED, "said"),
            t_line("T4", "Attribution", INTERRUPTED, "said"),
            t_line("T5", "Content", INTERRUPTED, "Then"),
            "E1\tAttribution:T4 Cue:T3 Source:T2 Content:T1 Content2:T5",
        ]
    )
    result = read_ann(ann, INTERRUPTED)
    assert not result.mismatches
    (attribution,) = result.attributions
    assert attribution.content == [
        at(INTERRUPTED, "“We won,”"),
        at(INTERRUPTED, "“and we will win again.”"),
        at(INTERRUPTED, "Then"),
    ]


def test_reports_mismatches_unknown_labels_and_skipped_lines() -> None:
    text = "Ann said no.\nBob said yes."
    ann = "\n".join(
        [
            "T1\tSource 0 3\tAnn",
            "T2\tCue 4 8\tsays",  # the recorded text disagrees with the .txt
            "T3\tContent 9 11\tno",
            "T4\tAttribution 4 8\tsaid",
            "E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3",
            "T5\tSentiment 13 16\tBob",
            "T6\tDiscuss 0 16\tAnn said no.",  # a label whose text runs over a newline
            "Bob",
            "T7\tCue 9 oops\tno",
            "T8\tAttribution 17 21\tsaid",  # a trigger nobody links
            "#1\tAnnotatorNotes T1\tfine",
            "A1\tNegated T4",
        ]
    )
    result = read_ann(ann, text)
    assert [(m.label_id, m.expected, m.found) for m in result.mismatches] == [
        ("T2", "says", "said")
    ]
    assert result.unknown_labels == {"Sentiment": 1}
    assert result.skipped["bad span"] == 1
    assert result.skipped["trigger without event"] == 1
    assert result.skipped["note"] == 1
    assert result.skipped["A line"] == 1
    assert len(result.attributions) == 1


def test_load_split_uses_the_first_annotator_file_and_metadata(tmp_path: Path) -> None:
    root = tmp_path / "polnear"
    (root / "dev" / "text").mkdir(parents=True)
    (root / "dev" / "attributions").mkdir(parents=True)
    text = "Ann said no."
    (root / "dev" / "text" / "outlet_doc.txt").write_text(text, encoding="utf-8")
    (root / "dev" / "text" / "unannotated.txt").write_text(text, encoding="utf-8")
    linked = "T1\tContent 9 11\tno\nT2\tAttribution 4 8\tsaid\nE1\tAttribution:T2 Content:T1\n"
    (root / "dev" / "attributions" / "outlet_doc_bbbb.ann").write_text("", encoding="utf-8")
    (root / "dev" / "attributions" / "outlet_doc_aaaa.ann").write_text(linked, encoding="utf-8")
    (root / "metadata.tsv").write_text(
        "compartment\tfilename\tpublisher\tpublication_date\ndev\toutlet_doc\toutlet\t2016-09-12\n",
        encoding="utf-8",
    )
    (doc,) = load_split(root, "dev")
    assert doc.annotator == "aaaa" and doc.annotators == ["aaaa", "bbbb"]
    assert doc.published == "2016-09-12" and doc.publisher == "outlet"
    assert len(doc.attributions) == 1


def test_offsets_count_carriage_returns(tmp_path: Path) -> None:
    root = tmp_path / "polnear"
    (root / "dev" / "text").mkdir(parents=True)
    (root / "dev" / "attributions").mkdir(parents=True)
    (root / "dev" / "text" / "d.txt").write_bytes(b"Hi.\r\nAnn said no.")
    ann = "T1\tContent 14 16\tno\nT2\tAttribution 9 13\tsaid\nE1\tAttribution:T2 Content:T1\n"
    (root / "dev" / "attributions" / "d_x.ann").write_text(ann, encoding="utf-8")
    (doc,) = load_split(root, "dev")
    assert not doc.mismatches


# --- span helpers -------------------------------------------------------------------------


def test_quote_marks_but_not_apostrophes() -> None:
    assert not has_quote_mark("he doesn’t like it")
    assert has_quote_mark("she called it ‘no comment’ twice")
    assert has_quote_mark("« non »")
    assert has_quote_mark('say "yes"')
    assert not has_quote_mark("the voters’ choice in the ’90s")
    assert has_quote_mark("‘we love the voters’ she said")  # the opening mark still counts
    # the apostrophe test looks at neighbours outside the range
    text = "don’t"
    assert not has_quote_mark(text, 3, 4)


def test_exact_key_trims_punctuation_and_quote_marks() -> None:
    text = "He said: “We won, and we will win.” Then"
    assert exact_key(text, [at(text, "“We won, and we will win.”")]) == exact_key(
        text, [at(text, "We won, and we will win")]
    )
    assert exact_key(text, [at(text, ".” ")]) == ()
    # parts separated only by punctuation and spaces are one part
    assert exact_key(text, [at(text, "We won"), at(text, "and we will win")]) == (
        (at(text, "We won")[0], at(text, "and we will win")[1]),
    )


def test_word_tokens_are_positions() -> None:
    text = "he said it. Later he said more."
    first = word_tokens(text, [at(text, "he")])
    second = word_tokens(text, [at(text, "he", 1)])
    assert first and second and jaccard(first, second) == 0.0
    # a span that cuts a word keeps it only when it covers most of it
    assert word_tokens(text, [(0, 7)]) == word_tokens(text, [(0, 6)])
    assert len(word_tokens(text, [(0, 4)])) == 1


# --- scoring ------------------------------------------------------------------------------

STORY = (
    "“We will win,” Smith said. Jones said that the plan would fail. "
    "The mayor warned of delays. It was reported that taxes rose."
)


class Gold:
    def __init__(
        self,
        content: list[tuple[int, int]],
        cue: list[tuple[int, int]],
        source: list[tuple[int, int]],
    ) -> None:
        self.content, self.cue, self.source = content, cue, source


GOLD = [
    Gold([at(STORY, "“We will win,”")], [at(STORY, "said")], [at(STORY, "Smith")]),
    Gold(
        [at(STORY, "that the plan would fail")],
        [at(STORY, "said", 1)],
        [at(STORY, "Jones")],
    ),
    Gold([at(STORY, "of delays")], [at(STORY, "warned")], [at(STORY, "The mayor")]),
    Gold([at(STORY, "that taxes rose")], [at(STORY, "was reported")], []),
]


def score(predicted: list[PredictedQuote]) -> dict[tuple[str, str, str], tuple[int, int, int]]:
    scorer = Scorer()
    scorer.add_document(STORY, GOLD, predicted)
    return {k: (c.tp, c.fp, c.fn) for k, c in scorer.counts.items()}


def test_perfect_predictions_score_one() -> None:
    predicted = [PredictedQuote(tuple(g.content), tuple(g.cue), tuple(g.source)) for g in GOLD]
    scorer = Scorer()
    scorer.add_document(STORY, GOLD, predicted)
    figures = scorer.figures()
    for role in ("content", "cue", "source", "attribution"):
        for mode in ("exact", "partial"):
            assert figures[(role, "all", mode)]["f1"] == 1.0
    assert figures[("content", "direct", "exact")]["gold"] == 1
    assert figures[("content", "indirect", "exact")]["gold"] == 3
    assert figures[("source", "indirect", "exact")]["gold"] == 2


def test_partial_match_threshold_and_exact_trimming() -> None:
    counts = score(
        [
            # inside the quote marks, without the comma: exact after trimming
            PredictedQuote(
                (at(STORY, "We will win"),), (at(STORY, "said"),), (at(STORY, "Smith"),)
            ),
            # 3 of 5 words: partial (0.6) but not exact
            PredictedQuote(
                (at(STORY, "the plan would"),), (at(STORY, "said", 1),), (at(STORY, "Jones"),)
            ),
            # 1 of 2 words plus one more: Jaccard 1/3, no match
            PredictedQuote((at(STORY, "delays. It"),), (), ()),
        ]
    )
    assert counts[("content", "all", "exact")] == (1, 2, 3)
    assert counts[("content", "all", "partial")] == (2, 1, 2)
    assert counts[("cue", "all", "exact")] == (2, 0, 2)
    assert counts[("attribution", "all", "partial")] == (2, 1, 2)


def test_matching_is_one_to_one() -> None:
    twice = PredictedQuote((at(STORY, "We will win"),), (at(STORY, "said"),), (at(STORY, "Smith"),))
    counts = score([twice, twice])
    assert counts[("content", "direct", "partial")] == (1, 1, 0)
    assert counts[("source", "all", "partial")] == (1, 1, 2)


def test_attribution_needs_the_source_unless_gold_has_none() -> None:
    counts = score(
        [
            # right content, wrong source
            PredictedQuote(
                (at(STORY, "that the plan would fail"),),
                (at(STORY, "said", 1),),
                (at(STORY, "Smith"),),
            ),
            # gold has no source: content alone is enough, whatever the source
            PredictedQuote(
                (at(STORY, "taxes rose"),), (at(STORY, "reported"),), (at(STORY, "It"),)
            ),
        ]
    )
    assert counts[("content", "all", "partial")] == (2, 0, 2)
    assert counts[("attribution", "all", "partial")] == (1, 1, 3)
    assert counts[("attribution", "indirect", "partial")] == (1, 1, 2)


def test_split_sides_of_predictions() -> None:
    counts = score(
        [
            # matches the direct gold: counts as direct even without quote marks in its span
            PredictedQuote((at(STORY, "We will win"),)),
            # unmatched and its content is next to no quote mark: an indirect false positive
            PredictedQuote((at(STORY, "Smith said"),)),
        ]
    )
    assert counts[("content", "direct", "partial")] == (1, 0, 0)
    assert counts[("content", "indirect", "partial")] == (0, 1, 3)
    assert counts[("content", "all", "partial")] == (1, 1, 3)

    text = "Ann said “no”. Bob said yes."
    scorer = Scorer()
    # unmatched, the quote mark lies one character outside its content: direct
    scorer.add_document(text, [], [PredictedQuote((at(text, "no"),))])
    assert scorer.counts[("content", "direct", "partial")].fp == 1


def test_spans_without_words_match_on_characters() -> None:
    text = "Her words: stay calm."
    colon = [at(text, ":")]
    gold = [Gold([at(text, "stay calm")], colon, [at(text, "Her")])]
    scorer = Scorer()
    scorer.add_document(text, gold, [PredictedQuote((at(text, "stay calm"),), tuple(colon))])
    assert scorer.counts[("cue", "all", "partial")].tp == 1
    assert scorer.counts[("cue", "all", "exact")].tp == 0  # trimmed to nothing: never exact


def test_replace_between_markers() -> None:
    doc = "# T\n\nintro\n<!-- a -->\nold\n<!-- b -->\noutro\n"
    assert replace_between_markers(doc, "new", "<!-- a -->", "<!-- b -->") == (
        "# T\n\nintro\n<!-- a -->\nnew\n<!-- b -->\noutro\n"
    )
    assert replace_between_markers("# T\n", "new", "<!-- a -->", "<!-- b -->") == (
        "# T\n\n<!-- a -->\nnew\n<!-- b -->\n"
    )


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_documents_score_nothing(text: str) -> None:
    scorer = Scorer()
    scorer.add_document(text, [], [])
    assert all(c.tp == c.fp == c.fn == 0 for c in scorer.counts.values())
