"""Indirect attributions: cue verbs in non-root positions, sources to look for, and traps."""

from __future__ import annotations

from onrecord.types import Quote
from tests.test_quotes import quotes


def by_cue(text: str, cue: str) -> Quote | None:
    return next((q for q in quotes(text) if q.cue and q.cue.text == cue), None)


def test_it_reports_for_a_body_named_before() -> None:
    q = by_cue(
        "The ministry published its trade figures on Monday. It said that exports had "
        "fallen for a third month in a row.",
        "said",
    )
    assert q is not None and q.source is not None and q.source.text == "It"
    assert q.content.text == "that exports had fallen for a third month in a row"


def test_expletive_it_is_no_source() -> None:
    assert quotes("It seems that the harbour plan has failed completely.") == []
    assert quotes("It is fair to say that the harbour plan has failed completely.") == []


def test_gerund_after_a_preposition_takes_the_main_subject() -> None:
    q = by_cue(
        "Mayor Dana Ortiz closed the meeting after saying that the harbour budget would be "
        "cut next year.",
        "saying",
    )
    assert q is not None and q.source is not None and q.source.text == "Mayor Dana Ortiz"
    assert q.content.text == "that the harbour budget would be cut next year"


def test_inanimate_reporter_with_a_whole_object() -> None:
    q = by_cue("A recent survey of farmers found strong support for the water tax.", "found")
    assert q is not None and q.content.text == "strong support for the water tax"


def test_inanimate_subject_trap_short_object() -> None:
    assert quotes("The old bridge showed deep cracks.") == []


def test_that_clause_after_the_occasion() -> None:
    q = by_cue(
        "Ms. Reyes wrote in a letter that the firm had hidden its losses for years.",
        "wrote in a letter",
    )
    assert q is not None and q.content.text == "that the firm had hidden its losses for years"


def test_relative_clause_after_the_occasion_is_no_content() -> None:
    found = quotes("The mayor spoke in the hall that was built in 1900.")
    assert found == []


def test_as_x_reported_attributes_the_host_clause() -> None:
    q = by_cue("As the county auditor reported, the road fund was spent twice over.", "reported")
    assert q is not None and q.source is not None and q.source.text == "the county auditor"
    assert q.content.text == "the road fund was spent twice over"
    q = by_cue("The road fund was spent twice over, as the county auditor noted.", "noted")
    assert q is not None and q.content.text == "The road fund was spent twice over"


def test_as_clause_not_set_off_is_no_aside() -> None:
    assert quotes("The road fund was spent as the council had promised.") == []


def test_a_relative_clause_that_says_more_is_its_own_attribution() -> None:
    found = quotes(
        "The mayor praised the engineers, who said the repairs had cost less than planned."
    )
    said = next(q for q in found if q.cue and q.cue.text == "said")
    assert said.content.text == "the repairs had cost less than planned"
    praised = next(q for q in found if q.cue and q.cue.text == "praised")
    assert "said" not in praised.content.text


def test_a_relative_clause_without_speech_stays_in_the_content() -> None:
    q = by_cue("The mayor said the bridge, which was built in 1900, would reopen in May.", "said")
    assert (
        q is not None
        and q.content.text == "the bridge, which was built in 1900, would reopen in May"
    )


def test_gerund_clause_is_what_is_backed() -> None:
    q = by_cue("The governor supports raising the minimum wage to fifteen dollars.", "supports")
    assert q is not None and q.content.text == "raising the minimum wage to fifteen dollars"


def test_aspect_verb_gerund_is_no_content() -> None:
    assert quotes("The governor continued campaigning in the north on Friday.") == []


def test_aspect_verb_joins_the_cue() -> None:
    q = by_cue(
        "The union has continued to insist that the contract was broken.",
        "has continued to insist",
    )
    assert q is not None and q.content.text == "that the contract was broken"


def test_point_to_names_the_evidence() -> None:
    q = by_cue("The senator pointed to the falling crime rate in the capital.", "pointed to")
    assert q is not None and q.content.text == "the falling crime rate in the capital"


def test_stance_preposition_joins_the_cue() -> None:
    q = by_cue("The senator argued against the new tax on fishing boats.", "argued against")
    assert q is not None and q.content.text == "the new tax on fishing boats"


def test_made_it_clear_that() -> None:
    q = by_cue("The minister made it clear that she would not resign.", "made it clear")
    assert q is not None and q.content.text == "that she would not resign"
    assert quotes("The minister made the rules clear to everyone.") == []


def test_second_statement_coordinated_into_the_first() -> None:
    found = quotes(
        "The mayor says the old plan was too costly and says she has asked for a new one."
    )
    says = [q for q in found if q.cue and q.cue.text == "says"]
    assert [q.content.text for q in says] == [
        "the old plan was too costly",
        "she has asked for a new one",
    ]
    assert all(q.source is not None and q.source.text == "The mayor" for q in says)


def test_coordinated_verb_in_another_form_stays_in_the_content() -> None:
    q = by_cue(
        "Ms. Lind said the mayor called her twice and that she had her staff answer and tell "
        "him she was away.",
        "said",
    )
    assert q is not None and q.content.text.endswith("tell him she was away")


def test_sourceless_passive_frame_needs_a_reliable_frame() -> None:
    # "released" as a passive without agent attributes content less than half the time
    assert quotes("The new budget figures were released on Monday morning.") == []
    # "expected to": most of the time an attribution with no source named
    q = by_cue("The new tax is expected to raise two billion dollars.", "is expected")
    assert q is not None and q.source is None


def test_noun_is_that() -> None:
    q = by_cue("The mayor's response was that the harbour had never been safer.", "response")
    assert q is not None and q.content.text == "that the harbour had never been safer"
    assert q.source is not None and q.source.text.startswith("The mayor")


def test_noun_of_no_saying_is_that_is_no_attribution() -> None:
    assert quotes("The problem is that the harbour had never been safer.") == []


def test_participle_takes_the_subject_up_the_chain_of_verbs() -> None:
    q = by_cue(
        "Senator Ruiz stuck to the budget at first but later turned tougher, eventually "
        "saying the harbour plan would fail.",
        "eventually saying",
    )
    assert q is not None and q.source is not None and q.source.text == "Senator Ruiz"
    assert q.content.text == "the harbour plan would fail"


def test_infinitive_cue_keeps_the_verb_group_governing_it() -> None:
    # the guidelines keep the verb group together: "went on to say", "were more likely to say"
    q = by_cue("The senator went on to say that the tax was unfair to farmers.", "went on to say")
    assert q is not None and q.source and q.source.text == "The senator"
    assert q.content.text == "that the tax was unfair to farmers"
    q = by_cue(
        "Voters in the county were slightly more likely to say that the economy was improving.",
        "were slightly more likely to say",
    )
    assert q is not None and q.source and q.source.text == "Voters in the county"
    # a purpose clause joins the predicate it serves
    q = by_cue(
        "The mayor met with farmers to discuss the new tax on water.", "met with farmers to discuss"
    )
    assert q is not None and q.content.text == "the new tax on water"


def test_infinitive_content_of_another_cue_is_not_grown_into() -> None:
    # "hopes" is the cue and "to become …" its content: nothing joins across
    q = by_cue("She hopes to become the first mayor of the port city.", "hopes")
    assert q is not None and q.content.text == "to become the first mayor of the port city"
    # a fronted purpose clause, or one set off by a comma, is not part of the verb group
    found = quotes("The mayor met with farmers on Monday, to discuss the new tax on water.")
    assert not any(q.cue and q.cue.text.startswith("met") for q in found)


def test_noun_cue_keeps_its_determiner_and_adjectives() -> None:
    # the guidelines keep determiners and adjectives in the span; the possessor is the source
    q = by_cue(
        "The senator's stern warning that the harbour would flood within a decade went unheeded.",
        "stern warning",
    )
    assert q is not None and q.source and q.source.text == "The senator's"
    assert q.content.text == "that the harbour would flood within a decade"
    q = by_cue("A second view is that the harbour will flood within a decade.", "A second view")
    assert q is not None and q.content.text == "that the harbour will flood within a decade"


def test_noun_cue_leaves_a_demonstrative_out() -> None:
    # "this view" points back to a view stated before: "this" is no part of the cue
    q = by_cue("This view is that the harbour will flood within a decade.", "view")
    assert q is not None


def test_phrasal_verb_cue_keeps_its_particle() -> None:
    q = by_cue("The senator talked up the new water tax at the rally.", "talked up")
    assert q is not None and q.content.text == "the new water tax"
    q = by_cue("The senator laid out her plan for the harbour on Monday.", "laid out")
    assert q is not None and q.content.text == "her plan for the harbour"
    # "up to" before a number is no particle of the cue
    q = by_cue("The senator said up to ten towns along the coast would flood.", "said")
    assert q is not None and q.content.text == "up to ten towns along the coast would flood"


def test_a_reported_clause_holding_someone_elses_scare_quote_is_mixed() -> None:
    # the quoted words are the minister's (cue "cast"), inside what the mayor said: the
    # mayor's clause is still an attribution, a mixed one, the minister's nested in it
    text = (
        "Mayor Dana Ortiz said she was unlikely to work with the minister because he had "
        "cast her as “reckless and naive” over the harbour plan."
    )
    q = by_cue(text, "said")
    assert q is not None and q.kind == "mixed"
    assert q.source is not None and q.source.text == "Mayor Dana Ortiz"
    assert q.content.text.startswith("she was unlikely to work with the minister")
    assert "“reckless and naive”" in q.content.text
    inner = [x for x in quotes(text) if x.nested_in == q.id]
    assert all(x.content.start >= q.content.start for x in inner)


def test_a_title_in_quote_marks_does_not_hide_the_attribution() -> None:
    q = by_cue(
        "Councillor Ana Ruiz said the council would fund a second season of “Harbour Lights” "
        "next year.",
        "said",
    )
    assert q is not None and q.source is not None and q.source.text == "Councillor Ana Ruiz"
    assert q.content.text.startswith("the council would fund a second season")


def test_according_to_a_direct_quote_is_reported_once() -> None:
    found = quotes("According to Lena Varga, “the gates were never inspected.”")
    assert len(found) == 1 and found[0].cue is not None


def test_a_wire_dateline_is_not_the_speaker() -> None:
    q = by_cue(
        "LONDON (Reuters) - Dana Ortiz said she was unlikely to meet the minister before the "
        "summit.",
        "said",
    )
    assert q is not None and q.source is not None and q.source.text == "Dana Ortiz"


def test_according_to_after_a_reported_clause_is_the_outer_attribution() -> None:
    found = quotes(
        "Mayor Dana Ortiz said she would have fired the manager over the harbour contract, "
        "according to press reports."
    )
    outer = next(q for q in found if q.cue is not None and q.cue.text == "according to")
    inner = next(q for q in found if q.cue is not None and q.cue.text == "said")
    assert outer.source is not None and outer.source.text == "press reports"
    assert inner.content.text == "she would have fired the manager over the harbour contract"
    assert inner.nested_in == outer.id and outer.nested_in is None


def test_according_to_after_a_direct_quote_nests_the_quote() -> None:
    found = quotes(
        "“There has been a constant drip of declarations,” the judge said, according to the "
        "Courier."
    )
    outer = next(q for q in found if q.cue is not None and q.cue.text == "according to")
    inner = next(q for q in found if q.kind == "direct")
    assert outer.kind == "mixed" and inner.nested_in == outer.id
    assert inner.source is not None and inner.source.text == "the judge"


def test_a_fronted_survey_reports_the_clause_after_it() -> None:
    q = by_cue("In a new Harbour Herald poll, 45 percent of voters backed the plan.", "In")
    assert q is not None and q.source is not None
    assert q.source.text == "a new Harbour Herald poll"
    assert q.content.text == "45 percent of voters backed the plan"


def test_a_lead_in_the_polls_is_no_attribution() -> None:
    assert quotes("Dana Ortiz led comfortably in the polls in March.") == []
    assert quotes("In the polls, as in the streets, the mood had changed by March.") == []


def test_a_statement_between_two_pieces_of_a_quote_is_not_nested_in_it() -> None:
    found = quotes(
        "“We will rebuild the harbour,” Ortiz said, adding that the council would vote on the "
        "plan on Monday. “Nobody will be left behind.”"
    )
    quote = next(q for q in found if q.kind == "direct")
    assert len(quote.content_parts) == 2
    adding = next(q for q in found if q.cue is not None and q.cue.text == "adding")
    assert adding.content.text == "that the council would vote on the plan on Monday"
    assert adding.nested_in is None


def test_a_name_parsed_as_an_apposition_before_the_verb_is_its_subject() -> None:
    # the parse spaCy gave a PolNeAR sentence ("…, while on the campaign trail for his wife
    # Hillary Clinton, former president Bill Clinton said his wife was …"), built by hand:
    # the speaker hangs as an apposition and the verb has no subject
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    from onrecord.components.quotes import _subject

    words = "for his wife Ana Ruiz , former mayor Luis Ruiz said his wife was qualified .".split()
    heads = [10, 2, 0, 4, 2, 4, 7, 9, 9, 4, 10, 12, 13, 10, 13, 10]
    deps = "prep poss pobj compound appos punct amod compound compound appos ROOT poss nsubj ccomp acomp punct".split()
    pos = (
        "ADP PRON NOUN PROPN PROPN PUNCT ADJ NOUN PROPN PROPN VERB PRON NOUN AUX ADJ PUNCT".split()
    )
    tags = "IN PRP$ NN NNP NNP , JJ NN NNP NNP VBD PRP$ NN VBD JJ .".split()
    doc = Doc(Vocab(), words=words, heads=heads, deps=deps, pos=pos, tags=tags)
    subj = _subject(doc[10])
    assert subj is not None and subj.text == "Ruiz" and subj.i == 9


def test_a_content_opening_with_quote_marks_is_left_to_the_quote_rules() -> None:
    # "wanted “genocide”": the quoted word is the speaker's, not the regime's; the learned
    # frame must not hand it to the regime (nor, in a mirrored sentence, fail to)
    for text in (
        "Harbour spokesman Ana Ruiz told a news conference in Ossen that the Valdorian regime "
        "wanted “genocide”.",
        "Valdorian minister Luis Brel told a news conference in Lemmick that the Harbour regime "
        "wanted “genocide”.",
    ):
        found = quotes(text)
        assert [q.cue.text for q in found if q.cue is not None] == ["told"], text
    found = quotes(
        "Orlov and Ruiz traded accusations: Orlov spoke of “terrorists”, Ruiz of “occupiers”."
    )
    assert all(not q.content.text.startswith("terrorists") for q in found)


# --- a speaker the parser hangs elsewhere ----------------------------------------------------


def test_a_name_set_off_after_a_fronted_statement_is_the_source() -> None:
    # the parser makes the name an apposition of "the Observer"
    text = (
        "In a statement to the Observer, her senior policy adviser, Tomas Varga, said: "
        "“The minister believes that cooperation with Lyon is essential.”"
    )
    q = by_cue(text, "said:")
    assert q is not None and q.kind == "direct"
    assert q.source is not None and q.source.text.endswith("Tomas Varga")
    assert q.speaker is not None and q.speaker.name == "Tomas Varga"


def test_a_conjoined_cue_takes_the_subject_of_the_first_verb() -> None:
    text = (
        "Holt further summed up the mayor as “weak,” denounced her record on housing and "
        "said she should not be allowed to run for office again."
    )
    q = by_cue(text, "said")
    assert q is not None and q.source is not None and q.source.text == "Holt"
    assert q.content.text == "she should not be allowed to run for office again"


# --- one cue, one attribution ----------------------------------------------------------------


def test_a_cue_is_read_once() -> None:
    # the verb's object ("her plan to …") and the noun's frame ("to …" of "plan") would
    # both make an attribution of "announced"
    found = quotes("Varga announced her plan to support families across the region.")
    assert [(q.cue and q.cue.text, q.content.text) for q in found] == [
        ("announced", "her plan to support families across the region")
    ]


def test_a_speech_verb_set_off_at_the_end_of_the_clause_it_reports() -> None:
    q = by_cue(
        "She had struggled with the debt for years, Varga explained, recalling the loan.",
        "explained",
    )
    assert q is not None and q.source is not None and q.source.text == "Varga"
    assert q.content.text == "She had struggled with the debt for years"


# --- physical acts are not attributions (war news), on either side ----------------------------

PHYSICAL_ACTS = [
    "{a} troops fired at protesters near the border fence.",
    "{a} fighters fired rockets at the city overnight.",
    "{a} soldiers attacked the village at dawn.",
    "The {a} army fired back at the gunmen.",
    "{a} forces struck a school used as a shelter.",
]


def test_shooting_and_assault_are_acts_not_words_for_both_sides() -> None:
    for template in PHYSICAL_ACTS:
        for side in ("Estovian", "Corvanian"):
            text = template.format(a=side)
            assert quotes(text) == [], text


def test_the_verbal_sense_of_attack_and_fire_back_stays() -> None:
    q = by_cue("Holt attacked the budget plan as reckless.", "attacked")
    assert q is not None and q.content.text == "the budget plan as reckless"
    q = by_cue("Varga fired back at critics of the housing law.", "fired back at")
    assert q is not None and q.content.text == "critics of the housing law"
    q = by_cue("“That is simply false,” Holt shot back.", "shot back")
    assert q is not None and q.kind == "direct" and q.content.text == "That is simply false,"


def test_a_cue_word_seldom_right_on_train_reports_only_a_that_clause() -> None:
    from onrecord.components.quotes import unreliable_cues

    # "maintain" is in the table (found often on PolNeAR train, confirmed seldom): a lead
    # kept is no statement, a claim kept up is
    assert ("indirect", "maintain") in unreliable_cues()
    assert quotes("Rubio still maintains an overwhelming lead in the endorsements.") == []
    q = by_cue(
        "Sanders has maintained that the guest-worker provision amounted to slavery.",
        "has maintained",
    )
    assert q is not None and q.source is not None and q.source.text == "Sanders"
    # the speech verbs are never in it
    assert not {lemma for _, lemma in unreliable_cues()} & {"say", "tell", "accord", "claim"}


def test_a_question_asked_is_the_content_of_asked_however_it_is_parsed() -> None:
    q = by_cue(
        "Asked if she believed the envoy wanted the talks to fail, Lena Varga said she did "
        "not know.",
        "Asked",
    )
    assert q is not None and q.content.text == "if she believed the envoy wanted the talks to fail"
    # a condition inside a statement is part of what was said, not a question
    q = by_cue("Varga said if the dam fails, the valley will flood.", "said")
    assert q is not None and q.content.text == "if the dam fails, the valley will flood"


def test_a_statement_issued_saying_is_its_issuers_word() -> None:
    # the participle hangs on the document; the source is who issued it, never the document
    for text, cue, source in (
        (
            "The ministry issued a statement Tuesday saying the talks had failed.",
            "issued a statement Tuesday saying",
            "The ministry",
        ),
        (
            "The rebel council also sent an email saying that the ceasefire was over.",
            "also sent an email saying",
            "The rebel council",
        ),
    ):
        q = next(q for q in quotes(text) if q.cue and q.cue.text.endswith("saying"))
        assert q.cue is not None and q.cue.text == cue
        assert q.source is not None and q.source.text == source


def test_stance_idioms_for_both_sides() -> None:
    for a, b in (("Estovian", "Corvanian"), ("Corvanian", "Estovian")):
        for text, cue, content in (
            (f"The {a} envoy took issue with the {b} peace plan.", "took issue with", "plan"),
            (
                f"The {a} minister cast doubt on the {b} casualty figures.",
                "cast doubt on",
                "figures",
            ),
            (f"{a} leaders took aim at the {b} proposal.", "took aim at", "proposal"),
            (f"The {a} president voiced support for the {b} truce.", "voiced support for", "truce"),
        ):
            q = by_cue(text, cue)
            assert q is not None, text
            assert q.source is not None and a in q.source.text
            assert q.content.text.endswith(content) and b in q.content.text


def test_stance_idioms_in_their_physical_sense_are_no_attributions() -> None:
    assert quotes("The striker took a shot at goal.") == []
    assert quotes("Rebel gunners took aim at the village.") == []
