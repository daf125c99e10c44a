"""Direct quotes: cues the parser hides (a name hung on the quote, a clause run into it),
and the traps those rules must not fall into (titles, scare quotes, apostrophes)."""

from __future__ import annotations

from tests.test_quotes import only, quotes, speaker

# --- a name and its apposition between the quote and the verb ------------------------------


def test_name_with_long_apposition_before_the_verb() -> None:
    text = (
        "“Very good engineer, very good engineer this woman,” Holt, the favourite in the "
        "district by a wide margin, said when she asked him a question."
    )
    q = only(text)
    assert (q.kind, q.content.text, q.cue and q.cue.text) == (
        "direct",
        "Very good engineer, very good engineer this woman,",
        "said",
    )
    assert q.source and q.source.text.startswith("Holt, the favourite")
    assert speaker(q) == "Holt"


def test_a_title_before_an_apposition_and_a_verb_is_no_quote() -> None:
    found = quotes("“Silent Rivers,” the new series, tells the story of the valley’s farms.")
    assert not [q for q in found if q.kind == "direct"]


# --- a clause ending in a colon, run into the quote by the parser ---------------------------


def test_clause_with_colon_cues_the_quote() -> None:
    text = (
        "When Holt suggested that the city would sue the company, Varga fired back "
        "forcefully: “If they sue us in a court in Lyon, they are going to lose,” referring "
        "to the contract."
    )
    direct = [q for q in quotes(text) if q.kind == "direct"]
    assert len(direct) == 1
    q = direct[0]
    assert q.content.text == "If they sue us in a court in Lyon, they are going to lose,"
    assert q.cue and q.cue.text == "fired back forcefully:"
    assert speaker(q) == "Varga"


def test_colon_clause_cue_runs_from_the_predicate_to_the_colon() -> None:
    q = only(
        "In an interview later that day, Varga went even further: “If the council votes no, it is the end of the project.”"
    )
    assert q.cue and q.cue.text == "went even further:"
    assert speaker(q) == "Varga"


def test_a_colon_before_single_words_in_quotes_is_no_quote() -> None:
    assert quotes("Two words dominated the debate: “tax” and “wall”.") == []


# --- the reported clause's bounds ---------------------------------------------------------


def test_the_recipient_before_the_reported_clause_is_not_content() -> None:
    q = only(
        "Varga told reporters at the dam on Monday that the repairs were “months behind schedule.”"
    )
    assert q.kind == "mixed"
    assert q.content.text.startswith("that the repairs were")
    assert "reporters" not in q.content.text


def test_a_participle_after_the_quoted_fragment_is_the_narrators() -> None:
    found = quotes(
        "Holt said the council had been “asleep at the wheel,” referring to the spring floods."
    )
    q = next(q for q in found if q.kind == "mixed")
    assert q.content.text == "the council had been “asleep at the wheel,”"
    assert speaker(q) == "Holt"


def test_a_verb_coordinated_inside_the_reported_clause_stays() -> None:
    q = only("Holt said the gates were “worn out” and needed replacing.")
    assert q.content.text == "the gates were “worn out” and needed replacing"


def test_a_subject_set_off_by_commas_opens_the_content() -> None:
    q = only("The new bridge, which opened in May, “has cut my commute in half,” said Holt.")
    assert q.kind == "mixed"
    assert q.content.text.startswith("The new bridge, which opened in May, “has cut")
    assert speaker(q) == "Holt"


def test_an_adverbial_lead_in_is_not_content() -> None:
    q = only("In a statement, “we regret the delay,” the company said.")
    assert (q.kind, q.content.text) == ("direct", "we regret the delay,")


def test_apostrophes_do_not_make_a_lead_in() -> None:
    q = only("The valley’s farmers, the residents’ union said, “will not be moved.”")
    assert "will not be moved" in q.content.text


def test_question_then_a_noun_phrase_with_its_place_and_a_verb() -> None:
    q = only("“Will the bridge reopen by winter?” a resident in the hall wondered.")
    assert (q.kind, q.content.text) == ("direct", "Will the bridge reopen by winter?")
    assert q.cue and q.cue.text == "wondered"
    assert q.source and q.source.text == "a resident in the hall"


def test_an_exclamation_quote_ends_with_its_paragraph() -> None:
    text = (
        "The crowd chanted “Stop the cover-up!”\n\n"
        "Emma Holt, who ran the water board for a decade, said she would not resign."
    )
    q = next(q for q in quotes(text) if q.cue and q.cue.text == "chanted")
    assert q.content.text == "Stop the cover-up!"
    assert "Emma Holt" not in q.content.text


# --- cues by layout: a signature line, "as X put it" -----------------------------------------


def test_a_quoted_paragraph_signed_on_the_next_line() -> None:
    text = (
        "Here are some of the claims made at the debate.\n\n"
        "“Almost all new income is going to the top one percent of the valley’s families.”\n\n"
        "- Lena Varga.\n\n"
        "The figure is out of date."
    )
    q = only(text)
    assert q.kind == "direct"
    assert q.cue and q.cue.text == "-"
    assert q.source and q.source.text == "Lena Varga"


def test_a_dash_line_that_is_a_sentence_signs_nothing() -> None:
    text = (
        "“Almost all new income is going to the top one percent of the valley’s families.”\n\n"
        "- The figure has been out of date since the summer, when the tables were revised.\n"
    )
    assert not [q for q in quotes(text) if q.cue and q.cue.text == "-"]


def test_as_x_put_it() -> None:
    q = only("As the mayor put it, “the river does not read our maps.”")
    assert (q.kind, q.cue and q.cue.text, q.source and q.source.text) == (
        "direct",
        "put it",
        "the mayor",
    )


def test_put_it_outside_an_as_clause_is_no_cue() -> None:
    assert quotes("They put it to a vote, and the “usual suspects” won.") == []


# --- a quoted sentence with no cue found ----------------------------------------------------


def test_a_quoted_sentence_with_no_cue_is_speech_of_unknown_source() -> None:
    text = (
        "The council met on Tuesday. “We will not reopen the bridge before the spring.” "
        "The vote was close."
    )
    q = only(text)
    assert (q.kind, q.content.text) == (
        "direct",
        "We will not reopen the bridge before the spring.",
    )
    assert q.cue is None and q.source is None
    assert q.confidence < 0.5


def test_a_quoted_title_standing_as_a_sentence_is_no_quote() -> None:
    assert (
        quotes("The council met on Tuesday. “Silent Rivers.” The film was shown after the vote.")
        == []
    )


def test_a_quoted_paragraph_with_no_speaker_anywhere_is_not_given_out() -> None:
    text = "The banner over the square was hard to miss.\n\n“Rebuild the bridge before the winter comes.”"
    assert quotes(text) == []


# --- short answers: a quote set off after its speech verb ---------------------------------


def test_a_one_word_answer_after_said_comma_is_a_direct_quote() -> None:
    text = "Asked whether she would resign, Varga said, “Probably.”"
    direct = [q for q in quotes(text) if q.kind == "direct"]
    assert [(q.content.text, q.cue and q.cue.text, speaker(q)) for q in direct] == [
        ("Probably.", "said", "Varga")
    ]


def test_a_one_word_answer_after_a_colon_is_a_direct_quote() -> None:
    q = only("The minister replied: “Never!”")
    assert (q.kind, q.content.text, q.cue and q.cue.text) == ("direct", "Never!", "replied:")


def test_a_one_word_scare_quote_after_a_verb_is_still_no_direct_quote() -> None:
    # not set off by a comma or colon: a label, not an answer
    found = quotes("Holt called the protesters “extremists.”")
    assert not [q for q in found if q.kind == "direct"]


def test_a_word_in_quotes_after_said_with_no_sentence_end_is_no_quote() -> None:
    found = quotes("Varga said, “frankly”, that the plan had failed.")
    assert not [q for q in found if q.kind == "direct"]


# --- quote marks glued to the words around them ---------------------------------------------


def test_an_opening_mark_glued_to_the_comma_after_said() -> None:
    text = "Holt said,“Look, the tweet has been deleted. We have to move on.”"
    q = only(text)
    assert (q.kind, q.content.text, q.cue and q.cue.text, speaker(q)) == (
        "direct",
        "Look, the tweet has been deleted. We have to move on.",
        "said",
        "Holt",
    )


def test_a_programme_named_after_the_cue_is_not_more_of_the_quote() -> None:
    for text in (
        "“I have always said that I expect to be vetted,” Holt said on “Morning Line.”",
        "“The plan is a fraud,” Varga said Sunday on Estovia Radio’s “Morning Line.”",
    ):
        q = next(q for q in quotes(text) if q.kind == "direct")
        assert len(q.content_parts) == 1, [p.text for p in q.content_parts]
        assert "Morning Line" not in q.content.text


def test_an_interrupted_quote_still_joins_its_second_part() -> None:
    q = only("“A plan,” Varga said, “is not a promise.”")
    assert [p.text for p in q.content_parts] == ["A plan,", "is not a promise."]


def test_a_quoted_label_after_a_naming_verb_is_mixed_with_its_object() -> None:
    q = only("Varga called it “an extraordinary campaign.”")
    assert (q.kind, q.content.text, q.cue and q.cue.text) == (
        "mixed",
        "it “an extraordinary campaign.”",
        "called",
    )


def test_a_quote_in_two_parts_lets_its_cue_take_the_occasion() -> None:
    # the content spans the cue between its parts; the parts are what is taken, so the cue
    # grows over "in a statement" as it does for a quote in one piece
    found = quotes("“Our numbers are strong,” Palmieri said in a statement. “Both sides know it.”")
    assert len(found) == 1 and found[0].cue is not None
    assert found[0].cue.text == "said in a statement"
    assert [p.text for p in found[0].content_parts] == [
        "Our numbers are strong,",
        "Both sides know it.",
    ]


def test_an_inverted_subject_opened_by_a_participle_or_tagged_as_an_adverb() -> None:
    for text, source in (
        (
            '"I am not going to say it is a mistake, so forget about it," said retired '
            "neurosurgeon Ben Carson, asked about his claims.",
            "retired neurosurgeon Ben Carson",
        ),
        (
            "“Having access to the file and two people who understand it is valuable,” said "
            "Skelly, explaining he worked more closely with Chrabaszcz.",
            "Skelly",
        ),
    ):
        q = next(q for q in quotes(text) if q.cue and q.cue.text == "said")
        assert q.kind == "direct" and q.source is not None and q.source.text == source


def test_a_transcript_quoted_line_by_line_gives_each_speaker_their_turn() -> None:
    text = (
        "Partial transcript as follows:\n\n"
        '"WALLACE: Let us start with the breaking news on the debate story tonight.\n\n'
        '"PENCE: Well, look, she apparently thinks this is an episode of “Shark Tank.” But '
        "this is serious business, Chris.\n\n"
        '"WALLACE: If I may, sir, will she be there?'
    )
    turns = [(q.source.text, q.content.text) for q in quotes(text) if q.source and q.cue]
    assert [s for s, _ in turns if s.isupper()] == ["WALLACE", "PENCE", "WALLACE"]
    assert turns[0][1] == "Let us start with the breaking news on the debate story tonight"
    assert all(q.kind == "direct" for q in quotes(text) if q.cue and q.cue.text == ":")
    # no quote left without a speaker: the lines are the turns, not one unattributed quote
    assert all(q.source is not None for q in quotes(text))


def test_a_signature_after_a_dash_and_a_no_break_space() -> None:
    text = "“Maybe we can build a wall around the whole border.” ―\xa0Steve Quinlan.\n\nPhoto."
    q = only(text)
    assert q.source is not None and q.source.text == "Steve Quinlan"
    assert q.cue is not None and q.cue.text == "―"
    assert q.content.text == "Maybe we can build a wall around the whole border."


def test_a_quote_opening_with_a_colon_phrase_is_no_transcript_line() -> None:
    for text in (
        '"Clinton: the real story is the economy," Maria Lopez said on Tuesday.',
        '"Our problem: nobody in Washington listens to farmers," Maria Lopez said.',
    ):
        q = only(text)
        assert q.source is not None and q.source.text == "Maria Lopez"
        assert q.cue is not None and q.cue.text.startswith("said")
