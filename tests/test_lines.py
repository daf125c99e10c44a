"""Line breaks as sentence starts (src/onrecord/components/lines.py)."""

from __future__ import annotations

from onrecord.api import analyze
from onrecord.components.lines import COMPONENT, hard_wrapped
from onrecord.nlp import get_nlp, get_parse_nlp

ARTICLE = (
    "Sprinter Lind withdraws from Corvania Games with hamstring injury\n"
    "By Paulo Drescher\n\n"
    "Sara Lind, Estovia’s national 100-metre champion, has withdrawn from next month’s "
    "Corvania Games after tearing a hamstring in training, the Estovian Athletics Federation "
    "said on Friday.\n\n"
    "Lind, 19, said she felt the injury on her third start of Wednesday’s session.\n"
)


def _sentences(text: str) -> list[str]:
    return [s.text.strip() for s in get_parse_nlp()(text).sents if s.text.strip()]


def test_the_component_runs_before_the_parser() -> None:
    names = get_nlp().pipe_names
    assert names.index(COMPONENT) < names.index("parser")
    assert COMPONENT in get_parse_nlp().pipe_names


def test_a_headline_and_a_byline_are_sentences_of_their_own() -> None:
    sentences = _sentences(ARTICLE)
    assert sentences[0] == "Sprinter Lind withdraws from Corvania Games with hamstring injury"
    assert sentences[1] == "By Paulo Drescher"
    assert sentences[2].startswith("Sara Lind, Estovia’s")


def test_the_first_speaker_keeps_her_full_name() -> None:
    # parsed as one sentence with the byline, "Sara Lind" was lost and the quote went to
    # "Lind" (the headline's "Sprinter Lind")
    record = analyze(ARTICLE)
    speakers = {q.speaker.name for q in record.quotes if q.speaker is not None}
    assert "Sara Lind" in speakers
    assert "Lind" not in speakers


def test_hard_wrapped_text_breaks_at_blank_lines_only() -> None:
    wrapped = (
        "The water authority said on Monday that the reservoir had passed its safe\n"
        "level before any warning reached the villages downstream, and that the gates\n"
        "had been opened in the order the 2011 agreement sets out for a flood of this\n"
        "size. It said the logs of every call made that night would be published by\n"
        "the end of the week, once the engineers who were on duty had been heard by\n"
        "the inquiry.\n\n"
        "A spokeswoman said the authority would not comment further.\n"
    )
    assert hard_wrapped(wrapped)
    sentences = _sentences(wrapped)
    assert sentences[0].startswith("The water authority said") and sentences[0].endswith("size.")
    assert sentences[-1] == "A spokeswoman said the authority would not comment further."
    assert not hard_wrapped(ARTICLE)


def test_text_and_offsets_are_untouched() -> None:
    doc = get_parse_nlp()(ARTICLE)
    assert doc.text == ARTICLE
    assert all(ARTICLE[t.idx : t.idx + len(t.text)] == t.text for t in doc)


def test_quote_marks_glued_to_words_are_tokens_of_their_own() -> None:
    nlp = get_parse_nlp()
    assert [t.text for t in nlp("Holt said,“Look.”")] == [
        "Holt",
        "said",
        ",",
        "“",
        "Look",
        ".",
        "”",
    ]
    assert [t.text for t in nlp('was taken."Varga to speak')][1:5] == ["taken", ".", '"', "Varga"]
    # words, numbers and abbreviations are untouched
    assert [t.text for t in nlp("At 3:30, the U.S. team’s coach left.")] == [
        "At",
        "3:30",
        ",",
        "the",
        "U.S.",
        "team",
        "’s",
        "coach",
        "left",
        ".",
    ]
