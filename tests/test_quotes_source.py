"""Source spans and source choice (PolNeAR guidelines, "Close-up on Sources"), on invented text."""

from __future__ import annotations

from onrecord.types import Quote
from tests.test_quotes import quotes


def by_cue(text: str, cue: str) -> Quote:
    found = [q for q in quotes(text) if q.cue and q.cue.text == cue]
    assert len(found) == 1, [(q.cue and q.cue.text, q.content.text) for q in quotes(text)]
    return found[0]


def source(q: Quote) -> str | None:
    return q.source.text if q.source else None


# --- incidental asides are left out of the source ----------------------------------------------


def test_background_on_a_source_named_before_is_left_out() -> None:
    text = (
        "Tomas Holt opened the dam on Monday. Later, Holt, who has often clashed with the "
        "council, said the gates would stay open."
    )
    assert source(by_cue(text, "said")) == "Holt"


def test_a_first_named_source_keeps_the_clause_telling_who_they_are() -> None:
    text = "Tomas Holt, who leads the water board, said the gates would stay open."
    assert source(by_cue(text, "said")) == "Tomas Holt, who leads the water board"


def test_a_position_clause_stays_even_for_a_source_named_before() -> None:
    text = (
        "Tomas Holt opened the dam on Monday. Holt, who is the water commissioner, said the "
        "gates would stay open."
    )
    assert source(by_cue(text, "said")) == "Holt, who is the water commissioner"


def test_the_occasion_hung_on_the_source_is_left_out() -> None:
    q = by_cue("Tomas Holt in a statement said the gates would stay open.", "said")
    assert source(q) == "Tomas Holt"


def test_why_a_source_is_anonymous_is_left_out() -> None:
    text = (
        "A senior council official who requested anonymity to discuss the talks said the "
        "gates would stay open."
    )
    assert source(by_cue(text, "said")) == "A senior council official"


def test_a_prepositional_phrase_identifying_the_source_stays() -> None:
    q = by_cue("The mayor of Dunmore said the gates would stay open.", "said")
    assert source(q) == "The mayor of Dunmore"


# --- passives: the subject is not the source ---------------------------------------------------


def test_expected_to_has_no_source() -> None:
    q = by_cue("Lena Varga is expected to announce the inquiry next week.", "is expected")
    assert source(q) is None
    assert q.speaker is None


def test_asked_clause_has_no_source_but_the_answer_keeps_its_speaker() -> None:
    text = "Asked whether she would resign, Varga said she had no plans to leave."
    assert source(by_cue(text, "Asked")) is None
    assert source(by_cue(text, "said")) == "Varga"


def test_raising_verb_has_no_source() -> None:
    q = by_cue("The mayor seemed to suggest that the budget would be cut.", "seemed")
    assert source(q) is None


def test_active_speech_keeps_its_subject() -> None:
    q = by_cue("The mayor suggested that the budget would be cut.", "suggested")
    assert source(q) == "The mayor"


def test_subject_of_an_adjective_governing_the_cue() -> None:
    q = by_cue("The mayor was quick to say that the dam was safe.", "was quick to say")
    assert source(q) == "The mayor"


# --- noun cues without a possessor ------------------------------------------------------------


def test_noun_cue_in_a_verb_phrase_goes_to_the_verb_subject() -> None:
    q = by_cue("Lena Varga voted in favor of the new dam.", "favor of")
    assert source(q) == "Lena Varga"


def test_noun_cue_in_an_apposition_goes_to_the_noun_it_describes() -> None:
    q = by_cue("Tomas Holt, a fierce critic of the dam, spoke on Monday.", "a fierce critic of")
    assert source(q) == "Tomas Holt"


def test_noun_cue_under_a_passive_gets_no_source() -> None:
    q = by_cue("The report was written in favor of the northern towns.", "favor of")
    assert source(q) is None


# --- time stamps and headlines above the text ------------------------------------------------


def test_live_blog_time_stamp_is_not_the_source() -> None:
    text = "2:40 p.m.\n\nLena Varga’s campaign manager says she is gratified by the decision.\n"
    q = by_cue(text, "says")
    assert source(q) == "Lena Varga’s campaign manager"


# --- brackets at a span's edge -------------------------------------------------------------


def test_a_bracket_closing_the_source_stays() -> None:
    q = by_cue("Senate leader Dana Holt (R-Estovia) said the vote would wait until March.", "said")
    assert source(q) == "Senate leader Dana Holt (R-Estovia)"


def test_a_bracketed_lead_is_not_part_of_the_source() -> None:
    q = by_cue("(Wire) Officials said the talks in Lyon had failed again.", "said")
    assert source(q) == "Officials"


def test_a_bracket_closing_the_content_stays() -> None:
    q = by_cue("Officials said the talks had failed (for the third time).", "said")
    assert q.content.text == "the talks had failed (for the third time)"
