"""Framing by voice: the term packs, the matcher, voice, the scare-quote and title traps,
offsets, and a small mirror check (the full mirror test is eval/framing.py)."""

from __future__ import annotations

import csv
from collections import Counter
from importlib import resources

import pytest
from spacy.tokens import Doc

from onrecord.components.framing import (
    SCARE_QUOTES,
    SO_CALLED,
    find_terms,
    get_matcher,
    load_entries,
    pack_names,
    pattern_words,
    voice_of,
)
from onrecord.nlp import get_nlp
from onrecord.pipeline import analyze_document
from onrecord.types import Document, Quote, Record, Span, Term

COLUMNS = [
    "term",
    "category",
    "counterparts",
    "alternatives",
    "source",
    "variants",
    "dep",
    "not_with",
]
SEMEVAL_TECHNIQUES = {
    # SemEval-2020 Task 11 technique names, lower case (Da San Martino et al. 2020)
    "loaded language",
    "name calling",
    "exaggeration",
    "minimisation",
    "doubt",
    "appeal to fear",
    "flag-waving",
    "slogans",
    "thought-terminating cliches",
    "repetition",
    "causal oversimplification",
    "appeal to authority",
    "black-and-white fallacy",
    "whataboutism",
}


def analyze(text: str, body: list[tuple[int, int]] | None = None) -> Record:
    return analyze_document(Document(id="t", source="t", text=text, body=body or []))


def found(record: Record) -> list[tuple[str, str, str | None]]:
    """(span text, category, speaker name or None for the narrator) of each term."""
    speakers = {q.id: (q.speaker.name if q.speaker else q.id) for q in record.quotes}
    return [
        (t.span.text, t.category, None if t.voice is None else speakers[t.voice])
        for t in record.framing
    ]


# --- packs ------------------------------------------------------------------------------------


def _raw(name: str) -> str:
    return resources.files("onrecord.resources").joinpath(name).read_text(encoding="utf-8")


def test_packs_are_bundled() -> None:
    names = pack_names()
    assert "terms/conflict.tsv" in names
    assert "terms/loaded_language.tsv" in names


@pytest.mark.parametrize("name", pack_names())
def test_pack_has_a_source_header_and_the_stable_columns(name: str) -> None:
    lines = _raw(name).splitlines()
    comments = [line for line in lines if line.startswith("#")]
    assert comments and any("Sources" in c or "SemEval" in c for c in comments)
    header = next(line for line in lines if line.strip() and not line.startswith("#"))
    assert header.split("\t") == COLUMNS
    rows = list(
        csv.reader((ln for ln in lines if ln.strip() and not ln.startswith("#")), delimiter="\t")
    )
    assert all(len(row) == len(COLUMNS) for row in rows), name


def test_every_row_names_its_source_and_category() -> None:
    for entry in load_entries():
        assert entry.term and entry.category, entry
        assert len(entry.source) > 20, entry.term


def test_counterparts_are_rows_and_mutual() -> None:
    by_term = {e.term: e for e in load_entries()}
    for entry in load_entries():
        for other in entry.counterparts:
            assert other in by_term, f"{entry.term}: counterpart {other!r} is not a row"
            assert entry.term in by_term[other].counterparts, f"{entry.term} <-> {other}"


def test_no_phrase_is_listed_twice() -> None:
    seen: dict[str, str] = {}
    for entry in load_entries():
        for phrase in (entry.term, *entry.variants):
            key = phrase.lower()
            assert key not in seen, f"{phrase!r} in {entry.term!r} and {seen[key]!r}"
            seen[key] = entry.term


def test_loaded_language_categories_are_semeval_technique_names() -> None:
    cats = {e.category for e in load_entries() if e.pack == "loaded_language"}
    assert cats <= SEMEVAL_TECHNIQUES, cats - SEMEVAL_TECHNIQUES


def test_every_pack_phrase_matches_itself() -> None:
    """The pattern words agree with spaCy's tokenizer for every row and variant."""
    nlp = get_nlp()
    matcher = get_matcher()
    for entry in load_entries():
        for phrase in (entry.term, *entry.variants):
            assert [t.lower_ for t in nlp.make_doc(phrase)] == list(pattern_words(phrase))
            if entry.dep:
                continue  # needs a parse: see test_sense_guards_let_the_term_through
            doc = nlp.make_doc(f"They spoke of {phrase} today.")
            terms = [m.entry.term for m in matcher.match(doc)]
            assert terms == [entry.term], (phrase, terms)


# --- matching ---------------------------------------------------------------------------------


def test_inflected_forms_match_their_lemma() -> None:
    record = analyze("Terrorists massacred villagers, and the army neutralized two cells.")
    assert [(t.span.text, t.term) for t in record.framing] == [
        ("Terrorists", "terrorist"),
        ("massacred", "massacre"),
        ("neutralized", "neutralize"),
    ]


def test_multi_word_terms_and_case() -> None:
    record = analyze(
        "Troops entered JUDEA AND SAMARIA after reports of Human Shields in the occupied territories."
    )
    assert [t.term for t in record.framing] == [
        "Judea and Samaria",
        "human shield",
        "occupied territory",
    ]


def test_longest_match_wins_without_overlap() -> None:
    record = analyze("Residents described the occupation forces as brutal but not barbaric.")
    assert [t.span.text for t in record.framing] == ["occupation forces", "barbaric"]


def test_a_subject_and_its_verb_are_not_one_term() -> None:
    record = analyze("Terrorists attacked the town at dawn.")
    assert [t.term for t in record.framing] == ["terrorist"]


def test_a_word_inside_a_name_is_not_a_term() -> None:
    record = analyze("Mourners gathered in Martyrs' Square on Friday evening.")
    assert [t.term for t in record.framing] == []


@pytest.mark.parametrize(
    "text",
    [
        "The new tax regime for small businesses takes effect in January.",
        "The regime of the river changes in spring, when snowmelt floods the valley.",
        "Most of the seats in the hall were occupied by journalists.",
        "The workers occupied the factory floor for three days.",
    ],
)
def test_sense_guards_keep_other_senses_out(text: str) -> None:
    assert analyze(text).framing == []


def test_sense_guards_let_the_term_through() -> None:
    record = analyze(
        "The regime jailed critics in the occupied city, and troops liberated two towns."
    )
    assert [t.term for t in record.framing] == ["regime", "occupied", "liberate"]


def test_similar_words_do_not_match() -> None:
    record = analyze("Fighter jets flew over the firefighters, whose occupational risks grew.")
    assert record.framing == []


def test_so_called_covers_the_phrase_it_qualifies() -> None:
    record = analyze("The so-called martyrs were buried on Monday.")
    (term,) = record.framing
    assert (term.span.text, term.term, term.category) == ("so-called martyrs", SO_CALLED, SO_CALLED)
    assert term.alternatives == ["killed", "dead", "the dead"]


# --- voice ------------------------------------------------------------------------------------


def test_voice_narrator_direct_and_indirect() -> None:
    record = analyze(
        "Militants killed four soldiers in a massacre near the border. "
        "“These terrorists will pay,” the minister said. "
        "The group said the raid was aggression."
    )
    assert found(record) == [
        ("massacre", "violent acts", None),
        ("terrorists", "armed actors", "the minister"),
        ("aggression", "violent acts", "The group"),
    ]
    narrator = analyze("Israeli forces raided the camp after a terror attack, officials said.")
    assert [(t.term, t.voice) for t in narrator.framing] == [("terror attack", "q1")]
    plain = analyze("Israeli forces raided the camp after a terror attack on Monday.")
    assert [(t.term, t.voice) for t in plain.framing] == [("terror attack", None)]


def test_mixed_quote_gives_its_fragment_to_the_speaker() -> None:
    record = analyze('Hamas called the strike a "massacre".')
    assert found(record) == [("massacre", "violent acts", "Hamas")]


def _quote(text: str, qid: str, start: int, end: int, nested_in: str | None = None) -> Quote:
    return Quote(
        id=qid,
        kind="direct",
        content=Span.of(text, start, end),
        content_parts=[Span.of(text, start, end)],
        cue=None,
        source=None,
        speaker=None,
        nested_in=nested_in,
        confidence=0.9,
    )


def test_voice_of_a_nested_quote_is_the_inner_speaker() -> None:
    text = "“They told us: ‘you are terrorists’, and then the bombing began,” he said."
    doc = get_nlp()(text)
    outer = _quote(text, "q1", 1, text.index("”"))
    inner_start = text.index("‘") + 1
    inner = _quote(text, "q2", inner_start, text.index("’"), nested_in="q1")
    terms = find_terms(doc, [outer, inner], [(0, len(text))])
    assert [(t.span.text, t.voice) for t in terms] == [("terrorists", "q2")]
    assert voice_of(0, 1, [outer, inner]) is None


def test_voice_follows_content_parts_of_an_interrupted_quote() -> None:
    record = analyze("“The regime,” she said, “is committing genocide.”")
    voices = {t.term: t.voice for t in record.framing}
    assert voices == {"regime": "q1", "genocide": "q1"}
    (quote,) = record.quotes
    assert len(quote.content_parts) == 2


# --- scare quotes and their traps ---------------------------------------------------------------


def test_scare_quotes_in_the_narrator_voice() -> None:
    record = analyze(
        "Saturday’s “controlled release” flooded the valley, and the freed “terrorists” went home."
    )
    assert [(t.span.text, t.term, t.category, t.voice) for t in record.framing] == [
        ("“controlled release”", "controlled release", SCARE_QUOTES, None),
        ("“terrorists”", "terrorist", SCARE_QUOTES, None),
    ]
    assert record.framing[1].alternatives[:2] == ["militant", "gunman"]


@pytest.mark.parametrize(
    "text",
    [
        'The programme "Massacre at Dawn" aired on Monday.',
        'She wrote a book titled "Regime" about the war.',
        'Locals called the checkpoint "the Gate" for years.',
        "The minister, speaking on the broadcaster’s ‘Morning Line’ programme, said nothing new.",
        'Reporters avoided the word "terrorist" in the bulletin.',
    ],
)
def test_titles_and_names_in_quote_marks_are_not_scare_quotes(text: str) -> None:
    assert analyze(text).framing == []


def test_a_short_direct_quote_is_a_quote_not_a_scare_quote() -> None:
    record = analyze("“Never,” said the minister. “Cowardly,” she added.")
    assert all(t.category != SCARE_QUOTES for t in record.framing)
    assert [(t.term, t.voice is not None) for t in record.framing] == [("cowardly", True)]


def test_apostrophes_are_not_quote_marks() -> None:
    record = analyze("Gaza's musicians played rock 'n' roll while the residents' homes stood.")
    assert record.framing == []


# --- body and offsets -------------------------------------------------------------------------


def test_terms_outside_the_body_are_ignored() -> None:
    text = "Photo: a barbaric scene\n\nThe regime denied the report."
    body_start = text.index("The regime")
    record = analyze(text, body=[(body_start, len(text))])
    assert [t.span.text for t in record.framing] == ["regime"]


def test_offsets_are_exact() -> None:
    text = (
        "Ми́ла said: “The so-called ‘peace plan’ is a fraud.” "
        "Critics called it an “isolated incident” amid the Zionist regime’s “self-defence”."
    )
    record = analyze(text)
    assert record.framing
    for term in record.framing:
        assert text[term.span.start : term.span.end] == term.span.text
        assert isinstance(term, Term)


def test_component_leaves_matches_on_the_doc() -> None:
    nlp = get_nlp()
    assert "onrecord_framing" in nlp.pipe_names
    doc = nlp("The regime fell.")
    assert [m.entry.term for m in doc._.onrecord_terms] == ["regime"]
    bare: Doc = nlp.make_doc("The regime fell.")
    assert [t.term for t in find_terms(bare, [], [(0, len(bare.text))])] == ["regime"]


# --- a small mirror check ---------------------------------------------------------------------


def _mirror(text: str, pairs: list[tuple[str, str]]) -> str:
    for i, (a, b) in enumerate(pairs):
        text = text.replace(a, f"\0{i}a").replace(b, f"\0{i}b")
    for i, (a, b) in enumerate(pairs):
        text = text.replace(f"\0{i}a", b).replace(f"\0{i}b", a)
    return text


@pytest.mark.parametrize(
    "text",
    [
        "The Israeli minister said the Palestinian gunmen were terrorists. "
        "The Palestinian spokesman said the Israeli soldiers were an occupation force "
        "and the dead were martyrs.",
        "Israeli officials called the strike self-defence, while Palestinian officials "
        "called it aggression and a massacre. The narrator saw a “massacre” too.",
    ],
)
def test_mirrored_sentences_give_mirrored_framing(text: str) -> None:
    swap = {"Israeli": "Palestinian", "Palestinian": "Israeli"}

    def by_side(record: Record, mirror: bool) -> Counter[tuple[str, str, str | None]]:
        speakers = {q.id: (q.speaker.name if q.speaker else "") for q in record.quotes}
        counts: Counter[tuple[str, str, str | None]] = Counter()
        for term in record.framing:
            name = None if term.voice is None else speakers[term.voice]
            side = None if name is None else next((s for s in swap if s in name), name)
            if mirror and side is not None:
                side = swap.get(side, side)
            counts[(term.term, term.category, side)] += 1
        return counts

    original = analyze(text)
    mirrored = analyze(_mirror(text, [("Israeli", "Palestinian")]))
    assert by_side(mirrored, mirror=True) == by_side(original, mirror=False)
    assert len(original.framing) >= 3


def test_the_object_of_a_framing_cue_is_the_narrators_naming() -> None:
    record = analyze("Tamir rejected the genocide accusation as “a blood libel”.")
    assert [(t.term, t.voice) for t in record.framing] == [
        ("genocide", None),
        ("blood libel", "q1"),
    ]


def test_a_naming_cue_gives_its_speaker_only_the_quoted_fragment() -> None:
    for speaker, other in (("Haddad", "Tamir"), ("Tamir", "Haddad")):
        record = analyze(f"{speaker} dismissed what {other} called “terrorists” as propaganda.")
        assert found(record) == [
            ("terrorists", "armed actors", other),
            ("propaganda", "loaded language", speaker),
        ]


def test_a_verb_and_its_object_can_be_one_term() -> None:
    record = analyze("Protesters chanted that they would take back control of the borders.")
    assert [t.term for t in record.framing] == ["take back control"]
