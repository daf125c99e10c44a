"""Attribution extraction: direct, mixed and indirect quotes with their cue and source.

The component ``onrecord_quotes`` finds quoted stretches from quote marks
(``quotemarks.find_quoted``), then uses the dependency parse to decide whether
a speech cue governs each one, and which noun phrase is its source:

- ``“…,” she said`` / ``“…,” said X`` / ``“…,” X told reporters``: cue after the quote;
- ``X said: “…”`` / ``X said, “…”``: cue before the quote, in the same or the previous sentence;
- ``according to X, “…”`` and ``X: “…”``;
- ``“A,” she said, “B.”``: one quote in two parts;
- a quoted fragment inside the reported clause (``X said the plan was “a disaster”``): mixed,
  the content being the whole reported clause;
- a quoted paragraph with no cue, continuing the discourse: a floating quote, given
  to the previous speaker with a lower confidence;
- otherwise quote marks are a title or scare quotes, and no quote is reported.

Indirect speech (``X said (that) …``, ``…, X said.``, ``according to X, …``) is found
from cue verbs with a clausal complement outside any quote.

Results go to ``doc._.onrecord_quotes`` as a list of :class:`Attribution` (character
offsets into ``doc.text``); speaker resolution happens in ``speakers.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..resources import read_tsv
from .quotemarks import QUOTE_CHARS, Quoted, find_quoted

__all__ = ["Attribution", "QuoteExtractor", "make_quote_component", "cue_lexicon"]


@dataclass(slots=True)
class Attribution:
    """One attribution found in a Doc, as character ranges of ``doc.text``."""

    kind: str  # "direct" | "indirect" | "mixed"
    content: tuple[int, int]
    parts: list[tuple[int, int]] = field(default_factory=list)
    cue: tuple[int, int] | None = None
    source: tuple[int, int] | None = None
    confidence: float = 0.5
    nested_in: int | None = None
    # The token index of the source's head, for speaker resolution; -1 when unknown.
    source_head: int = -1
    # For a floating quote: the attribution whose speaker it continues.
    continues: int | None = None


if not Doc.has_extension("onrecord_quotes"):
    Doc.set_extension("onrecord_quotes", default=None)


@lru_cache(maxsize=1)
def cue_lexicon() -> dict[str, str]:
    """Cue verb lemma -> class ("speech" or "attitude"), from resources/cue_verbs.tsv."""
    return {row["lemma"]: row["class"] for row in read_tsv("cue_verbs.tsv")}


_SUBJECT_DEPS = {"nsubj", "nsubjpass"}
_CLAUSE_DEPS = {"ccomp", "parataxis"}
_SENTENCE_END = {".", "!", "?", "…"}


class QuoteExtractor:
    """The ``onrecord_quotes`` spaCy component."""

    def __init__(self, nlp: Language, name: str, *, indirect: bool = True) -> None:
        self.name = name
        self.indirect = indirect

    def __call__(self, doc: Doc) -> Doc:
        doc._.onrecord_quotes = extract_attributions(doc, indirect=self.indirect)
        return doc


@Language.factory("onrecord_quotes", default_config={"indirect": True})
def make_quote_component(nlp: Language, name: str, indirect: bool) -> Any:
    """Factory: ``nlp.add_pipe("onrecord_quotes")`` after a parser."""
    return QuoteExtractor(nlp, name, indirect=indirect)


# --- helpers over tokens -------------------------------------------------------------------


class _Index:
    """Character -> token lookups and quote membership for one Doc."""

    def __init__(self, doc: Doc, quoted: list[Quoted]) -> None:
        self.doc = doc
        self.text = _doc_text(doc)
        self.token_at_char: list[int] = [-1] * (len(self.text) + 1)
        for tok in doc:
            for c in range(tok.idx, tok.idx + len(tok.text)):
                self.token_at_char[c] = tok.i
        # quote id (index into ``quoted``) of each token inside an outermost quote, incl. marks
        self.in_quote: list[int] = [-1] * len(doc)
        for qi, q in enumerate(quoted):
            if q.depth:
                continue
            spans = [(q.open, q.parts[0][1])] + [(s - q.open_width, e) for s, e in q.parts[1:]]
            if q.close is not None:
                spans[-1] = (spans[-1][0], q.close + 1)
            for s, e in spans:
                for t in self.tokens_between(s, e):
                    self.in_quote[t] = qi

    def token_after(self, char: int) -> int:
        """Index of the first token starting at or after ``char`` (len(doc) if none)."""
        for tok_i in range(self.token_index_near(char), len(self.doc)):
            if self.doc[tok_i].idx >= char:
                return tok_i
        return len(self.doc)

    def token_index_near(self, char: int) -> int:
        char = min(max(char, 0), len(self.text))
        while char > 0 and self.token_at_char[char] < 0:
            char -= 1
        return max(self.token_at_char[char], 0)

    def tokens_between(self, start: int, end: int) -> range:
        first = self.token_after(start)
        last = first
        while last < len(self.doc) and self.doc[last].idx < end:
            last += 1
        return range(first, last)


def _kind_of(index: _Index, toks: Iterable[int], *, takes_quote: bool = True) -> str | None:
    """An attribution found without its quote marks is "mixed" when its content holds a
    quoted stretch (a paraphrase with someone's own words in it), "indirect" otherwise.
    None when a cue that ``takes_quote`` (a verb or noun whose object the content is) would
    open its content with the quoted stretch (`spoke of “terrorists”`, `wanted “genocide”`):
    whose words those are, and whether they are words at all or a title or scare quote, is
    for the quote rules to say. ("According to X" and asides only wrap what they report.)"""
    ids = [t for t in toks if not (index.doc[t].is_punct or index.doc[t].is_space)]
    if not ids:
        return "indirect"
    if takes_quote and index.in_quote[min(ids)] >= 0:
        return None
    return "mixed" if any(index.in_quote[t] >= 0 for t in ids) else "indirect"


def _is_cue_verb(tok: Token, classes: Iterable[str] = ("speech",)) -> bool:
    if tok.pos_ not in {"VERB", "AUX"} and tok.tag_ not in {
        "VBD",
        "VBZ",
        "VBP",
        "VBG",
        "VBN",
        "VB",
    }:
        return False
    cls = cue_lexicon().get(tok.lemma_.lower())
    if cls is None and "speech" in tuple(classes) and _retort(tok):
        return True
    return cls is not None and cls in tuple(classes)


#: Verbs that, with "back", make a retort: "Trump shot back", "she fired back", "hit back".
_RETORT_VERBS = frozenset("shoot fire hit snap bite push strike lash fight write text".split())


def _retort(tok: Token) -> bool:
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    return (
        tok.lemma_.lower() in _RETORT_VERBS
        and nxt is not None
        and nxt.lower_ == "back"
        and nxt.head.i == tok.i
    )


def _doc_text(doc: Doc) -> str:
    """``doc.text``, built once per Doc (spaCy joins every token's text on each access)."""
    text = doc.user_data.get("onrecord_text")
    if text is None:
        text = doc.user_data["onrecord_text"] = doc.text
    return str(text)


def _subject(verb: Token, in_quote: list[int] | None = None) -> Token | None:
    """The verb's subject outside any quote (the parser may also hang a quote's subject on it),
    on the verb's own line (see ``_on_the_verb_line``)."""
    subj = _subject_token(verb, in_quote)
    return _on_the_verb_line(subj, verb) if subj is not None else None


def _on_the_verb_line(subj: Token, verb: Token) -> Token | None:
    """A live blog's time stamp ("2:40 p.m." then a blank line) or a headline is sometimes
    parsed as the subject of the first verb below it, with the real subject hung on it: the
    subject is the part of that phrase on the verb's line, or none."""
    text = _doc_text(verb.doc)
    lo, hi = sorted((subj.idx, verb.idx))
    if "\n" not in text[lo:hi]:
        return subj
    line_start = text.rfind("\n", 0, verb.idx) + 1
    line_end = text.find("\n", verb.idx)
    line_end = len(text) if line_end < 0 else line_end
    part = [
        t
        for t in subj.subtree
        if line_start <= t.idx < line_end and not (t.is_space or t.is_punct) and t.i != verb.i
    ]
    ids = {t.i for t in part}
    roots = [t for t in part if t.head.i not in ids]
    if len(roots) == 1 and roots[0].pos_ in {"NOUN", "PROPN", "PRON"}:
        return roots[0]
    return subj


def _subject_token(verb: Token, in_quote: list[int] | None = None, depth: int = 0) -> Token | None:
    def ok(tok: Token) -> bool:
        return (
            tok.dep_ in _SUBJECT_DEPS
            and not tok.is_punct
            and (in_quote is None or in_quote[tok.i] < 0)
        )

    subjects = [child for child in verb.children if ok(child)]
    if subjects:
        # "LONDON (Reuters) - Donald Trump said …": a wire dateline parsed as a second
        # subject; the one nearest the verb on its left is the speaker
        before = [s for s in subjects if s.i < verb.i]
        return before[-1] if len(subjects) > 1 and before else subjects[0]
    # "X was quoted as saying" / conjoined verbs share the first verb's subject
    if verb.dep_ in {"conj", "xcomp", "advcl"} and verb.head.i != verb.i:
        for child in verb.head.children:
            if ok(child):
                return child
        # "X was quick to offer praise for …", "X is eager to say …": the adjective's subject
        adj = verb.head
        if verb.dep_ == "xcomp" and adj.pos_ == "ADJ" and adj.dep_ == "acomp":
            for child in adj.head.children:
                if ok(child):
                    return child
    # "X, who sits on the panel, said …" is sometimes parsed with X as the subject of the
    # relative clause, hung on the cue as a clause of its own: take X back
    for child in verb.lefts:
        if child.dep_ in {"ccomp", "advcl", "parataxis"}:
            for grand in child.children:
                if ok(grand) and grand.i < child.i and grand.lower_ not in {"who", "which", "that"}:
                    return grand
    # "Beruff, a Scott ally, called …" is sometimes parsed as a reduced relative clause of X
    doc = verb.doc
    if (
        verb.dep_ == "acl"
        and verb.head.i < verb.i
        and verb.i > 0
        and doc[verb.i - 1].text == ","
        and (verb.head.pos_ == "PROPN" or verb.head.lemma_.lower() in _HUMAN_NOUNS)
        and (in_quote is None or in_quote[verb.head.i] < 0)
    ):
        return verb.head
    # "…, former president Bill Clinton said his wife …" with the name parsed as an
    # apposition of a noun before it: the finite verb's subject is the name right before it
    if verb.dep_ == "ROOT" and verb.tag_ in {"VBD", "VBZ", "VBP"} and verb.i > verb.sent.start:
        prev = verb.doc[verb.i - 1]
        if (
            prev.pos_ in {"PROPN", "NOUN"}
            and prev.dep_ in {"appos", "conj", "pobj", "dobj", "npadvmod"}
            and prev.right_edge.i == prev.i
            and (in_quote is None or in_quote[prev.i] < 0)
        ):
            return prev
    # "…, a White House official who spoke anonymously said …" is sometimes parsed with the
    # noun hung elsewhere: the noun whose relative clause ends right before the verb
    if verb.dep_ == "ROOT" and verb.i > verb.sent.start:
        node = verb.doc[verb.i - 1]
        while node.i < verb.i and node.head.i != node.i:
            if (
                node.dep_ == "relcl"
                and node.head.pos_ in {"NOUN", "PROPN"}
                and node.right_edge.i == verb.i - 1
                and (in_quote is None or in_quote[node.head.i] < 0)
            ):
                return node.head
            node = node.head
    # "…, her adviser, Jake Sullivan, said: …" with the name parsed as an apposition of the
    # noun before it ("In a statement to the Observer"): the apposition set off by commas
    # right before the verb, from its outermost noun
    if verb.dep_ == "ROOT" and verb.tag_ in {"VBD", "VBZ", "VBP"} and verb.i > verb.sent.start + 1:
        node = doc[verb.i - 2]
        if (
            doc[verb.i - 1].text == ","
            and node.pos_ in {"PROPN", "NOUN"}
            and node.dep_ == "appos"
            and node.right_edge.i == node.i
            and (in_quote is None or in_quote[node.i] < 0)
        ):
            while node.head.dep_ == "appos" and node.head.i < node.i:
                node = node.head
            return node
    # "X denounced the record and said …" with X parsed as the subject of an earlier verb
    # hung on the first: the first verb's subject, by the same rules
    if verb.dep_ == "conj" and verb.head.pos_ in {"VERB", "AUX"} and depth < 3:
        subj = _subject_token(verb.head, in_quote, depth + 1)
        if subj is not None and subj.i < verb.i:
            return subj
    return None


def _subtree_range(tok: Token, exclude: set[int] | None = None) -> tuple[int, int]:
    """Character range of a token's subtree, trimmed of edge punctuation."""
    toks = [t for t in tok.subtree if not exclude or t.i not in exclude]
    toks = _trim_punct(toks)
    if not toks:
        return tok.idx, tok.idx + len(tok.text)
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


#: Trailing elements a content leaves out when a comma or dash sets them off: the author's
#: background (", who has a delegate lead", ", where he trailed"). Appositions, participles
#: and adverbial clauses were tried too: on PolNeAR train they cost as much as they gained.
_TRAILING_DEPS = frozenset({"relcl"})
_SET_OFF = frozenset({",", "—", "–", "-", "--", ";", "("})


def _content_range(comp: Token, last: Token | None = None) -> tuple[int, int]:
    """The content governed by ``comp`` (through ``last``'s subtree, when the parser split
    it in two), kept conservative as the guidelines ask: a trailing relative clause set off
    by a comma is the author's background, not what the source said."""
    doc = comp.doc
    first_i = comp.left_edge.i
    end_i = (last or comp).right_edge.i
    while end_i > first_i and (doc[end_i].is_punct or doc[end_i].is_space):
        end_i -= 1
    cut = end_i + 1
    for t in doc[first_i : end_i + 1]:
        if t.i == comp.i or t.left_edge.i <= first_i or t.i > end_i:
            continue
        reaches_end = t.right_edge.i >= end_i or all(
            x.is_punct or x.is_space for x in doc[t.right_edge.i + 1 : end_i + 1]
        )
        if not reaches_end:
            continue
        before = doc[t.left_edge.i - 1]
        if t.dep_ in _TRAILING_DEPS and before.text in _SET_OFF:
            cut = min(cut, t.left_edge.i - 1)
        elif before.text in _SET_OFF and _says_more(t):
            # "…, adding that …" / "…, who said …": a statement of its own, not this content
            cut = min(cut, t.left_edge.i - 1)
        elif _says_again(comp, t):
            j = t.left_edge.i - 1
            while j > first_i and (doc[j].dep_ == "cc" or doc[j].is_punct):
                j -= 1
            cut = min(cut, j + 1)
        elif _next_attribution(t):
            # "… said A, and three-quarters said B" / "…, while 4 in 10 want B": another
            # source's attribution, coordinated after a comma, is not this content
            j = t.left_edge.i - 1
            while j > first_i and (doc[j].dep_ in {"cc", "mark"} or doc[j].is_punct):
                j -= 1
            if any(x.text in _SET_OFF for x in doc[j + 1 : t.left_edge.i]):
                cut = min(cut, j + 1)
    toks = _trim_punct(list(doc[first_i:cut]))
    if not toks:
        return comp.idx, comp.idx + len(comp.text)
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _says_more(t: Token) -> bool:
    """``t`` is a speech verb in a participle, relative or adverbial clause with its own
    reported clause ("adding that …", "who said he would …")."""
    return (
        t.dep_ in {"advcl", "acl", "relcl"}
        and t.pos_ == "VERB"
        and cue_lexicon().get(t.lemma_.lower()) == "speech"
        and any(c.dep_ == "ccomp" for c in t.children)
    )


def _says_again(comp: Token, t: Token) -> bool:
    """ "He says the response was X and says he introduced Y": the parser may coordinate the
    second cue verb with the reported clause; in the cue verb's own form, with a reported
    clause of its own and no subject, it is the same speaker's next statement."""
    cue = comp.head
    return (
        t.dep_ == "conj"
        and cue.i != comp.i
        and cue.i < comp.i
        and t.tag_ == cue.tag_
        and t.pos_ == "VERB"
        and cue.lemma_.lower() in cue_lexicon()
        and cue_lexicon().get(t.lemma_.lower()) == "speech"
        and any(c.dep_ == "ccomp" for c in t.children)
        and not any(c.dep_ in _SUBJECT_DEPS for c in t.children)
        and any(c.dep_ == "cc" for c in t.head.children)
    )


def _next_attribution(t: Token) -> bool:
    """``t`` heads a coordinated clause of its own that attributes something: a cue verb
    with its own subject ("and more than 4 in 10 said …")."""
    return (
        t.dep_ in {"conj", "advcl"}
        and t.pos_ in {"VERB", "AUX"}
        and t.lemma_.lower() in cue_lexicon()
        and any(c.dep_ in _SUBJECT_DEPS for c in t.children)
    )


_BRACKETS = {"(": ")", "[": "]", "{": "}"}


def _trim_punct(toks: list[Token]) -> list[Token]:
    """Drop punctuation and space at both ends, but keep a bracket that closes one opened
    inside ("Rep. Paul Ryan (R-WI)"); a bracketed lead ("(Reuters) Officials") goes whole."""
    while toks and (toks[0].is_punct or toks[0].is_space):
        closer = _BRACKETS.get(toks[0].text)
        texts = [t.text for t in toks]
        toks = toks[texts.index(closer) + 1 :] if closer in texts else toks[1:]

    def closes_inside(tok: Token) -> bool:
        texts = [t.text for t in toks]
        return any(tok.text == c and texts.count(o) == texts.count(c) for o, c in _BRACKETS.items())

    while toks and (toks[-1].is_space or toks[-1].is_punct and not closes_inside(toks[-1])):
        toks = toks[:-1]
    return toks


#: The verb group the guidelines keep together in a cue: auxiliaries, modals, negation and
#: adverbs ("has repeatedly called for", "is already claiming", "has not yet responded to").
_VERB_GROUP_DEPS = frozenset({"aux", "neg", "auxpass", "advmod"})


def _cue_range(verb: Token) -> tuple[int, int]:
    """The cue verb with its auxiliaries ("has said") and particle ("pointed out")."""
    start_tok = verb
    i = verb.i - 1
    while (
        i >= verb.sent.start
        and verb.doc[i].dep_ in _VERB_GROUP_DEPS
        and verb.doc[i].head.i == verb.i
    ):
        start_tok = verb.doc[i]
        i -= 1
    end_tok = verb
    for child in verb.rights:
        if child.dep_ == "prt" and child.i == end_tok.i + 1:
            end_tok = child
    return start_tok.idx, end_tok.idx + len(end_tok.text)


def _source_range(subj: Token) -> tuple[int, int]:
    """The source's noun phrase with its modifiers and clauses (the guidelines keep those
    that identify the source), bounded by space tokens: the parser runs a live blog's time
    stamp ("9:05 p.m.  Bernie Sanders") or a headline into the next sentence. Asides set off
    by a comma that only tell what the source was doing ("Trump, speaking at a rally,") or
    background on a source the article has already introduced ("Clinton, who held three
    events on Friday,") are incidental: the guidelines leave them out (see
    ``_incidental_aside``)."""
    doc = subj.doc
    # a space token (a line break, or the double space after "9:05 p.m.") bounds the phrase
    first, last = subj.left_edge.i, subj.right_edge.i
    for t in doc[first : subj.i]:
        if t.is_space:
            first = t.i + 1
    for t in doc[subj.i : last + 1]:
        if t.is_space:
            last = t.i - 1
            break
    for child in subj.rights:
        if (
            child.dep_ == "acl"
            and child.lemma_.lower() in cue_lexicon()
            and doc[child.i - 1].text == ","
            and child.left_edge.i <= last
        ):
            last = min(last, child.left_edge.i - 1)  # "X, a Scott ally, called …" (see _subject)
        elif _incidental_aside(subj, child) and child.left_edge.i <= last:
            last = min(last, child.left_edge.i - 1)
    toks = list(doc[first : last + 1])
    toks = _trim_punct(toks)
    if not toks:
        return subj.idx, subj.idx + len(subj.text)
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


#: Verbs of a relative clause that tell the source's position ("who leads the council",
#: "who was chief strategist"): they identify the source, and the guidelines keep them.
_ROLE_VERBS = frozenset(
    "be serve work run lead head chair direct manage oversee represent teach own found".split()
)


def _incidental_aside(subj: Token, child: Token) -> bool:
    """A modifier of the source set off by a comma (or dash, bracket) that the guidelines
    treat as incidental rather than identifying: a participle telling the occasion ("Trump,
    speaking at a rally in Wilmington,"), or a relative clause giving background ("…, who
    has often been on the receiving side of …") on a source the article has named before, or
    on a common noun ("The official, who spoke on the condition of anonymity"). A relative
    clause telling a first-named source's position ("Jason Furman, who leads the Council of
    Economic Advisers,") identifies them and stays. Measured on PolNeAR train."""
    doc = subj.doc
    edge = child.left_edge.i
    if child.dep_ == "prep" and child.lower_ in {"in", "on", "during", "at"}:
        # "Trump on Tuesday", "Jeb Bush in a Medium post", "Trump at the time": the cue's
        # time or occasion, hung on the source by the parser
        obj = next((c for c in child.children if c.dep_ == "pobj"), None)
        if obj is None:
            return child.lower_ == "in" and any(c.pos_ == "ADJ" for c in child.children)
        return (
            obj.ent_type_ in {"DATE", "TIME"}
            or obj.lemma_.lower() in _OCCASION_NOUNS
            or (child.lower_ == "at" and obj.lower_ == "time")
        )
    if child.dep_ in {"relcl", "acl"} and any(
        t.lower_ in {"anonymity", "anonymously"} for t in child.subtree
    ):
        return True  # "an adviser who requested anonymity to speak candidly": why, not who
    if edge == 0 or doc[edge - 1].text not in _SET_OFF:
        return False
    if child.dep_ == "acl":
        return child.tag_ == "VBG"
    if child.dep_ != "relcl" or child.lemma_.lower() in _ROLE_VERBS:
        return False
    if subj.pos_ == "NOUN":
        return True
    return subj.pos_ == "PROPN" and _named_before(subj)


def _named_before(tok: Token) -> bool:
    """The article has used this proper name before the noun phrase ``tok`` heads."""
    doc = tok.doc
    first = tok.i
    while (
        first > tok.left_edge.i
        and doc[first - 1].dep_ == "compound"
        and doc[first - 1].pos_ == "PROPN"
        and not doc[first - 1].text.endswith(".")
    ):
        first -= 1
    name = doc[first : tok.i + 1].text
    return (
        re.search(rf"\b{re.escape(name)}\b", _doc_text(doc)[: doc[tok.left_edge.i].idx]) is not None
    )


def _according_to(doc: Doc, start: int, end: int) -> tuple[Token, Token] | None:
    """An "according to X" in tokens [start, end): (according, head of X)."""
    for i in range(max(start, 0), min(end, len(doc)) - 1):
        if doc[i].lower_ == "according" and doc[i + 1].lower_ == "to":
            for child in doc[i + 1].children:
                if child.dep_ == "pobj":
                    return doc[i], child
            if i + 2 < len(doc):
                return doc[i], doc[i + 2]
    return None


# --- the extraction ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Found:
    quote: Quoted
    verb: Token | None
    cue: tuple[int, int] | None
    source_tok: Token | None
    source: tuple[int, int] | None
    where: str  # "after", "before", "according", "colon", "none"


def extract_attributions(doc: Doc, *, indirect: bool = True) -> list[Attribution]:
    text = _doc_text(doc)
    if not text.strip() or not any(ch in QUOTE_CHARS for ch in text) and not indirect:
        return []
    quoted = find_quoted(text) if any(ch in QUOTE_CHARS for ch in text) else []
    index = _Index(doc, quoted)
    outer = [q for q in quoted if q.depth == 0]
    found = [_find_cue(doc, index, q) for q in outer]
    found = _merge_interrupted(doc, index, found)

    results: list[Attribution] = []
    used_verbs: set[int] = set()
    last_speaker_att: int | None = None
    last_att_paragraph_end = -1
    for f in found:
        q = f.quote
        speechlike = _is_speech(doc, index, q)
        if f.verb is not None or f.where in {"according", "colon"}:
            kind, content = _kind_and_content(doc, index, f, speechlike)
            if kind is None:
                continue
            conf = {
                "after": 0.9,
                "after_trail": 0.8,
                "before": 0.85,
                "governing": 0.7,
                "according": 0.85,
                "colon": 0.75,
            }.get(f.where, 0.6)
            if kind == "mixed":
                conf -= 0.15
            if q.close is None:
                conf -= 0.15
            parts = list(q.parts) if kind != "mixed" else [content]
            att = Attribution(
                kind=kind,
                content=content,
                parts=parts,
                cue=f.cue,
                source=f.source,
                confidence=conf,
                source_head=f.source_tok.i if f.source_tok is not None else -1,
            )
            if f.verb is not None:
                used_verbs.add(f.verb.i)
            if f.cue is not None:  # "according to X" or a noun cue: not a second attribution
                used_verbs.update(index.tokens_between(*f.cue))
            results.append(att)
            last_speaker_att = len(results) - 1
            last_att_paragraph_end = _paragraph_end(text, q.outer_end)
        elif (
            speechlike
            and last_speaker_att is not None
            and (
                _is_own_paragraph(text, q)
                or (_opens_sentence(doc, index, q) and q.open < last_att_paragraph_end)
            )
        ):
            # A floating quote: a quoted paragraph (or a quoted sentence in the speaker's own
            # paragraph) with no cue goes to the current speaker, when it follows that
            # speaker's quote within a couple of paragraphs.
            if _paragraphs_between(text, last_att_paragraph_end, q.open) > 2:
                continue
            results.append(
                Attribution(
                    kind="direct",
                    content=(q.start, q.end),
                    parts=list(q.parts),
                    confidence=0.45 if q.close is not None else 0.35,
                    continues=last_speaker_att,
                )
            )
            last_att_paragraph_end = _paragraph_end(text, q.outer_end)
        elif _orphan_speech(doc, index, q):
            # “Go back where you came from.” opening a sentence, with a clause of its own, and
            # no cue the parse can show: someone's words, speaker unknown
            results.append(
                Attribution(
                    kind="direct",
                    content=(q.start, q.end),
                    parts=list(q.parts),
                    confidence=0.3,
                )
            )

    results = _merge_same_cue(results)
    if indirect:
        results.extend(_indirect(doc, index, used_verbs))
    lines, replaced = _name_colon_lines(doc, index, results)
    results = [a for a in results if not any(a is r for r in replaced)] + lines
    ordered = _sorted(results)
    for att in ordered:
        _document_saying(doc, att)
        _settle_source(doc, att)
        _extend_cue(doc, att)
    _cut_trailing_according(index.text, ordered)
    # a reading through an unreliable cue word never pushes out another reading of its cue
    unsure = _weak_cues(doc, ordered)
    ordered = _without(ordered, _sharing_a_cue(ordered, unsure) | _physical_acts(doc, ordered))
    _mark_nesting(ordered)
    # an indirect attribution with no source inside another's content ("… according to the
    # ministry, 57 deaths had been confirmed") tells a reader nothing the outer one does not
    drop = {
        i
        for i, a in enumerate(ordered)
        if a.kind == "indirect" and a.source is None and a.nested_in is not None
    }
    if drop:
        ordered = _without(ordered, drop)
        _mark_nesting(ordered)
    for att in ordered:
        if att.nested_in is None:
            _extend_cue_left(doc, att, ordered)
    weak = _weak_cues(doc, ordered)
    if weak:
        ordered = _without(ordered, weak)
        _mark_nesting(ordered)
    return ordered


#: A cue word whose attributions (of one kind) were found at least this often on PolNeAR
#: train, and confirmed there less than this share of the time, is dropped: an attribution
#: right a share p of the time adds to F1 only when p is above about half the F1 (~0.37
#: here), and the margin allows for the estimate. Counted by ``python -m eval.cue_precision``.
_CUE_MIN_FOUND = 10
_CUE_MIN_PRECISION = 0.4


@lru_cache(maxsize=1)
def unreliable_cues() -> frozenset[tuple[str, str]]:
    """(kind, cue lemma) pairs the rules find often and PolNeAR's annotators seldom confirm
    ("maintain", "allow", "address" read as reporting verbs), from resources/cue_precision.tsv."""
    out = set()
    for row in read_tsv("cue_precision.tsv"):
        found, confirmed = int(row["found"]), int(row["confirmed"])
        if found >= _CUE_MIN_FOUND and confirmed < _CUE_MIN_PRECISION * found:
            out.add((row["kind"], row["lemma"]))
    return frozenset(out)


def _cue_span(doc: Doc, att: Attribution) -> Span | None:
    """The tokens of an attribution's cue; None without a cue."""
    if att.cue is None:
        return None
    span = doc.char_span(att.cue[0], att.cue[1], alignment_mode="expand")
    return span if span is not None and len(span) else None


def cue_key(doc: Doc, att: Attribution) -> tuple[str, str] | None:
    """An attribution's kind and the lemma of its cue's head word (the participle of "issued
    a statement saying", verb and noun of an idiom: "cast doubt"); None without a cue."""
    span = _cue_span(doc, att)
    if span is None:
        return None
    word = span.root
    if span[-1].tag_ == "VBG" and span[-1].dep_ in {"acl", "advcl"}:
        word = span[-1]  # "issued a statement saying" reports through "saying"
    lemma = word.lemma_.lower()
    # an idiom is its verb and object ("cast doubt on" is not "cast" as in "cast votes")
    obj = next((c for c in word.rights if c.dep_ == "dobj" and c in span), None)
    if obj is not None and (lemma, obj.lemma_.lower()) in cue_idioms():
        lemma = f"{lemma} {obj.lemma_.lower()}"
    return att.kind, lemma


def _weak_cues(doc: Doc, ordered: list[Attribution]) -> set[int]:
    """The outermost attributions (all, before nesting is marked) whose cue word is an
    unreliable one (``unreliable_cues``), unless what they report is a that-clause ("Sanders
    has maintained that …" stays while "Rubio maintains an overwhelming lead" goes)."""
    weak = unreliable_cues()
    if not weak:
        return set()
    text = _doc_text(doc)
    return {
        i
        for i, att in enumerate(ordered)
        if att.nested_in is None
        and cue_key(doc, att) in weak
        and text[att.content[0] : att.content[0] + 5].lower() != "that "
    }


#: Passives whose subject is the one who holds the view ("Clinton is now assured of …", "she
#: was worried", "X is quoted as saying"): the subject is the source, as in the active.
_EXPERIENCER_PASSIVES = frozenset(
    "assure worry concern convince satisfy disappoint surprise shock mystify please alarm "
    "frustrate dismay encourage thrill delight trouble puzzle bother upset anger outrage "
    "offend impress persuade prepare oppose commit determine interest excite quote hear".split()
)
#: Raising verbs: "Trump seemed to suggest …" attributes an impression to no one in particular.
_RAISING_VERBS = frozenset({"seem", "appear"})


#: What a body issues, sends or posts that then says something ("issued a statement saying").
_DOCUMENT_NOUNS = frozenset(
    "statement release email e-mail letter message tweet post memo note video ad "
    "advertisement notice op-ed column".split()
)


def _document_saying(doc: Doc, att: Attribution) -> None:
    """The ministry issued a statement Tuesday saying …: the participle's noun (a time may
    stand between them) is the object of the act of issuing, whose subject is the source;
    the cue runs from that verb ("issued a statement Tuesday saying", as PolNeAR's annotators
    draw it every time on train), not from the participle with the document as its source."""
    span = _cue_span(doc, att)
    if span is None or att.cue is None:  # (the second for the type checker)
        return
    part = span[0]
    if part.tag_ != "VBG" or part.dep_ not in {"acl", "advcl"}:
        return
    # the participle hangs on the document, or (advcl) beside it on the verb issuing it
    noun: Token | None = part.head
    if part.dep_ == "advcl":
        noun = next((c for c in part.head.rights if c.dep_ == "dobj" and c.i < part.i), None)
    if (
        noun is None
        or noun.i >= part.i
        or noun.lemma_.lower() not in _DOCUMENT_NOUNS
        or noun.dep_ != "dobj"
        or noun.head.i >= noun.i
        or any(
            t.dep_ not in {"npadvmod", "compound"} and t.ent_type_ not in {"DATE", "TIME"}
            for t in doc[noun.i + 1 : part.i]
        )
    ):
        return
    verb = noun.head
    subj = _subject_token(verb)
    if subj is None or subj.i > verb.i:
        return
    att.cue = (_cue_range(verb)[0], att.cue[1])
    att.source = _source_range(subj)
    att.source_head = subj.i


def _settle_source(doc: Doc, att: Attribution) -> None:
    """Last checks on an attribution's source, whichever rule found it: a noun cue with no
    possessor may take one from the sentence; a source across a line break from its cue is
    a parse running a time stamp or headline into the text (dropped); a passive's subject
    is no source."""
    if att.cue is None:
        return
    if att.source is None or att.source_head < 0:
        _noun_cue_owner(doc, att)
        return
    lo, hi = sorted((att.source[0], att.cue[0]))
    if "\n" in _doc_text(doc)[lo:hi]:
        att.source, att.source_head = None, -1
        return
    _implicit_source(doc, att)


def _implicit_source(doc: Doc, att: Attribution) -> None:
    """The guidelines give passive constructions no source unless a by-phrase names it
    ("It has been said by many that …"): in "X is expected to …", "X was criticized for …",
    "Asked whether …, X said …" and "X seemed to …" the grammatical subject is part of what
    is attributed, or the one asked, not who holds the view. The source becomes the agent of
    the passive, or none. Stative passives of feeling ("she was worried that …") keep their
    subject."""
    if att.cue is None or att.source_head < 0:
        return
    subj = doc[att.source_head]
    cue_span = doc.char_span(att.cue[0], att.cue[1], alignment_mode="expand")
    cue = [t for t in (cue_span or ()) if t.pos_ in {"VERB", "AUX"}]
    verb = None
    for v in cue:
        passive = v.tag_ == "VBN" and v.lemma_.lower() not in _EXPERIENCER_PASSIVES
        if subj.dep_ == "nsubjpass" and subj.head.i == v.i and passive:
            if not any(c.dep_ == "auxpass" and c.lower_ == "'s" for c in v.children):
                verb = v  # (the parser takes "he's said" for a passive)
        elif (
            v.dep_ == "advcl"
            and passive
            and subj.head.i == v.head.i != v.i
            and not any(c.dep_ == "aux" for c in v.children)  # "Having announced …"
        ):
            verb = v  # "Asked about …, X said": X was asked
        elif subj.head.i == v.i and v.lemma_.lower() in _RAISING_VERBS:
            att.source, att.source_head = None, -1
            return
        if verb is not None:
            break
    if verb is None:
        return
    agent = next(
        (p for c in verb.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"),
        None,
    )
    if agent is None:
        att.source, att.source_head = None, -1
    else:
        att.source, att.source_head = _source_range(agent), agent.i


def _noun_cue_owner(doc: Doc, att: Attribution) -> None:
    """A noun cue with no possessor ("voted in favor of X", "toyed with the idea of X",
    "is a defender of X", "Y, an advocate for X"): the one who votes, toys, is or is
    described holds the view (the guidelines: the source of a noun cue is its possessor, or
    the sentient agent the sentence gives it)."""
    if att.cue is None or att.content[0] < att.cue[0]:
        return
    cue_start, cue_end = att.cue
    toks = list(doc.char_span(cue_start, cue_end, alignment_mode="expand") or [])
    noun = next((t for t in reversed(toks) if t.pos_ == "NOUN"), None)
    if noun is None or any(t.pos_ == "VERB" for t in toks):
        return
    owner: Token | None = None
    if noun.dep_ == "pobj" and noun.head.dep_ == "prep" and noun.head.head.pos_ == "VERB":
        owner = _subject(noun.head.head)
    elif noun.dep_ == "attr" and noun.head.lemma_ == "be":
        owner = _subject(noun.head)
    elif noun.dep_ == "appos":
        owner = noun.head
    if owner is None or owner.i > noun.i or owner.dep_ == "nsubjpass" or not _animate(owner):
        return
    start, end = _source_range(owner)
    if start <= noun.idx < end:  # "Y, an advocate for X": Y without the apposition
        before = _trim_punct([t for t in doc[: noun.left_edge.i] if t.idx >= start])
        if not before:
            return
        start, end = before[0].idx, before[-1].idx + len(before[-1].text)
    att.source, att.source_head = (start, end), owner.i


def _orphan_speech(doc: Doc, index: _Index, q: Quoted) -> bool:
    """A quote standing as a full sentence of its own inside a paragraph, holding a clause
    and closed by a full stop, ! or ?, is someone's words (not a title or scare quote) even
    when no cue is found for it. A whole quoted paragraph with no speaker before it is left
    out: an embedded post, slogan or headline as often as speech."""
    if _is_own_paragraph(index.text, q) or not _opens_sentence(doc, index, q):
        return False
    content = index.text[q.start : q.end].rstrip()
    if not content.endswith((".", "!", "?", "…")):
        return False
    return _has_clause(doc, index, q)


#: NAME: what they said — one line; a transcript quoted paragraph by paragraph opens each
#: line with a quote mark ("WALLACE: …⏎⏎"PENCE: …).
_NAME_COLON = re.compile(
    r"^[^\S\n]*([\"“]?)[^\S\n]*([^\n:\"“”]{2,60}?):[^\S\n]+(\S[^\n]*)$", re.MULTILINE
)
#: Labels that head a line with a colon without being anyone's words.
_LINE_LABELS = frozenset(
    "update updated note editor editors correction watch read related photo photos video "
    "source sources via credit h/t ht disclosure clarification breaking live exclusive "
    "poll polls results q a".split()
)


def _name_colon_lines(
    doc: Doc, index: _Index, found: list[Attribution]
) -> tuple[list[Attribution], list[Attribution]]:
    """Graham: Trump’s ‘Incredibly Hateful Rhetoric’ Destroying GOP — a headline (or a
    transcript line) giving a name, a colon and what the named one said. Returns those
    attributions, and the unattributed quotes of ``found`` that quoted transcript lines
    replace."""
    text = index.text
    out: list[Attribution] = []
    replaced: list[Attribution] = []
    if ":" not in text:
        return out, replaced
    for m in _NAME_COLON.finditer(text):
        name_start, name_end = m.span(2)
        start, end = m.start(3), _trim_end(text, m.start(3), m.end(3))
        if text[start] in QUOTE_CHARS:
            continue  # X: “…” is a direct quote, found with its quote marks
        overlapping = [a for a in found if a.content[0] < end and start < a.content[1]]
        if m.group(1) and all(
            a.cue is None or (start <= a.content[0] and a.content[1] <= end) for a in overlapping
        ):
            # "WALLACE: …: a quoted transcript line is the named one's, not part of an
            # unattributed quote running over the lines (what it reports stays, nested)
            replaced.extend(a for a in overlapping if a.cue is None)
        elif overlapping:
            continue
        name = [doc[t] for t in index.tokens_between(name_start, name_end)]
        words = [t for t in name if not t.is_punct and not t.is_space]
        if not words or len(words) > 5:
            continue
        if words[0].pos_ != "PROPN" or any(
            t.pos_ in {"VERB", "AUX", "NUM"} or t.lower_ in _LINE_LABELS for t in words
        ):
            # a headline's "Sanders:" may be tagged a noun, "Issa:" an adjective
            if not _known_name(doc, words):
                continue
        rest = [t for t in index.tokens_between(start, end) if doc[t].is_alpha]
        if len(rest) < 3:
            continue
        head = next((t for t in reversed(words) if t.pos_ == "PROPN"), words[-1])
        if m.group(1):
            kind = "direct"  # a transcript's line, quoted
        else:
            kind = "mixed" if any(ch in QUOTE_CHARS for ch in text[start:end]) else "indirect"
        colon = name_end
        out.append(
            Attribution(
                kind=kind,
                content=(start, end),
                parts=[(start, end)],
                cue=(colon, colon + 1),
                source=(words[0].idx, words[-1].idx + len(words[-1].text)),
                confidence=0.6,
                source_head=head.i,
            )
        )
    return out, replaced


def _known_name(doc: Doc, words: list[Token]) -> bool:
    """A headline's "Sanders:" tagged as a noun: a name when each word is capitalised and
    its last word is a proper noun or part of a named entity elsewhere in the article."""
    if not all(t.text[:1].isupper() for t in words):
        return False
    last = words[-1].text.lower()
    return any(
        t.i != words[-1].i
        and t.lower_ == last
        and (t.pos_ == "PROPN" or t.ent_type_ in {"PERSON", "ORG", "NORP", "GPE"})
        for t in doc
    )


def _merge_same_cue(results: list[Attribution]) -> list[Attribution]:
    """He said X was “a”, and Y would “b” -> one mixed quote, not two overlapping ones."""
    out: list[Attribution] = []
    new_index: list[int] = []  # position in ``out`` of each attribution of ``results``
    for att in results:
        prev = out[-1] if out else None
        if (
            prev is not None
            and att.kind == "mixed"
            and prev.kind == "mixed"
            and att.cue is not None
            and att.cue == prev.cue
            and att.continues is None
        ):
            start = min(prev.content[0], att.content[0])
            end = max(prev.content[1], att.content[1])
            prev.content = (start, end)
            prev.parts = [(start, end)]
            new_index.append(len(out) - 1)
            continue
        out.append(att)
        new_index.append(len(out) - 1)
    for att in out:
        if att.continues is not None:
            att.continues = new_index[att.continues]
    return out


def _sorted(results: list[Attribution]) -> list[Attribution]:
    """Sort by position, re-pointing ``continues`` (an index into the unsorted list)."""
    ordered = sorted(results, key=lambda a: a.content)
    position = {id(a): i for i, a in enumerate(ordered)}
    for att in ordered:
        if att.continues is not None:
            att.continues = position[id(results[att.continues])]
    return ordered


def _without(ordered: list[Attribution], drop: set[int]) -> list[Attribution]:
    """``ordered`` less the attributions at ``drop``, re-pointing ``continues``."""
    if not drop:
        return ordered
    kept = [a for i, a in enumerate(ordered) if i not in drop]
    position = {id(a): i for i, a in enumerate(kept)}
    for a in kept:
        if a.continues is not None:
            a.continues = position.get(id(ordered[a.continues]))
    return kept


#: Verbs with a physical sense beside the verbal one PolNeAR's politics knows ("attacked the
#: plan", "fired back at critics"). In war news "troops fired at protesters", "fighters attacked
#: the village" and "the army hit the town" are acts, not anyone's words.
_SHOOTING_VERBS = frozenset("fire shoot shell bomb launch pound".split())
_ASSAULT_VERBS = frozenset("attack hit strike target raid storm".split())
#: What such a verb fires or hits when the act is physical.
_MATERIEL_NOUNS = frozenset(
    "rocket rockets missile missiles shot shots bullet bullets round rounds shell shells bomb "
    "bombs drone drones grenade grenades mortar mortars artillery gun guns weapon weapons "
    "tear gas munition munitions projectile projectiles fire salvo salvos volley".split()
)
_PLACE_NOUNS = frozenset(
    "village town city area region camp hospital school base building buildings home homes "
    "house houses border crossing position positions convoy checkpoint post site sites "
    "compound neighbourhood neighborhood district street streets shelter shelters tunnel "
    "tunnels facility facilities port airport station refinery plant bridge territory".split()
)
_CROWD_NOUNS = frozenset(
    "protesters protestors demonstrators crowd crowds troops soldiers civilians police "
    "fighters militants forces gunmen residents people army military rebels insurgents "
    "soldier troop fighter militant gunman rebel insurgent".split()
)


def _physical_acts(doc: Doc, ordered: list[Attribution]) -> set[int]:
    """Attributions whose cue is a shooting or assault verb used in its physical sense: no
    quote mark in the content, and a content headed by materiel, a place, or (for shooting
    verbs) a crowd or force ("fired at protesters", "attacked the village")."""
    text = _doc_text(doc)
    drop: set[int] = set()
    for i, att in enumerate(ordered):
        if att.cue is None or att.kind == "direct":
            continue
        cue = doc.char_span(att.cue[0], att.cue[1], alignment_mode="expand")
        verbs = [t for t in cue or [] if t.pos_ == "VERB"]
        if not verbs:
            continue
        lemma = verbs[-1].lemma_.lower()
        if lemma not in _SHOOTING_VERBS and lemma not in _ASSAULT_VERBS:
            continue
        if any(ch in QUOTE_CHARS for s, e in (att.parts or [att.content]) for ch in text[s:e]):
            continue
        content = doc.char_span(att.content[0], att.content[1], alignment_mode="expand")
        if content is None:
            continue
        head = content.root
        physical = (
            head.lemma_.lower() in _MATERIEL_NOUNS
            or head.lower_ in _MATERIEL_NOUNS
            or head.lemma_.lower() in _PLACE_NOUNS
            or head.ent_type_ in {"LOC", "FAC"}  # not GPE: the tagger gives it to surnames
        )
        if lemma in _SHOOTING_VERBS:
            # "troops fired at protesters", "the army fired back at the rebels"
            shooter = doc[att.source_head] if att.source_head >= 0 else None
            physical = (
                physical
                or head.lower_ in _CROWD_NOUNS
                or head.lemma_.lower() in _CROWD_NOUNS
                or (shooter is not None and shooter.lemma_.lower() in _CROWD_NOUNS)
            )
        if physical:
            drop.add(i)
    return drop


def _sharing_a_cue(ordered: list[Attribution], unsure: set[int] | None = None) -> set[int]:
    """Two rules may read one cue twice: "announced" + [her plan to support …] (the verb's
    object) and "announced her plan" + [to support …] (the noun's frame); "says" + a quote
    and "says" + the clause around the next one. An attribution has a cue of its own, so
    of two whose cues overlap the one with the shorter cue stays (with equal cues a direct
    quote, else the first). On PolNeAR train this lifts the precision of every role."""
    drop: set[int] = set()
    for i, a in enumerate(ordered):
        if a.cue is None or i in drop:
            continue
        for j in range(i + 1, len(ordered)):
            b = ordered[j]
            if j in drop or b.cue is None or not (a.cue[0] < b.cue[1] and b.cue[0] < a.cue[1]):
                continue
            len_a, len_b = a.cue[1] - a.cue[0], b.cue[1] - b.cue[0]
            if unsure and (i in unsure) != (j in unsure):
                loser = i if i in unsure else j
            elif len_a == len_b:
                loser = i if b.kind == "direct" and a.kind != "direct" else j
            else:
                loser = i if len_a > len_b else j
            drop.add(loser)
            if loser == i:
                break
    return drop


def _paragraph_end(text: str, pos: int) -> int:
    nl = text.find("\n", pos)
    return len(text) if nl < 0 else nl


def _paragraphs_between(text: str, start: int, end: int) -> int:
    if start < 0 or end <= start:
        return 0
    return sum(1 for line in text[start:end].split("\n") if line.strip())


def _is_own_paragraph(text: str, q: Quoted) -> bool:
    """The quote opens its paragraph (so the paragraph is the quotation)."""
    line_start = text.rfind("\n", 0, q.open) + 1
    return not text[line_start : q.open].strip()


def _speechlike(text: str, q: Quoted) -> bool:
    """Does the quoted stretch read like an utterance rather than a title or scare quote?"""
    content = " ".join(text[s:e] for s, e in q.parts)
    words = [w for w in content.split() if any(c.isalnum() for c in w)]
    stripped = content.rstrip()
    ends_like_speech = bool(stripped) and stripped[-1] in ".,!?…:;—–-"
    if len(q.parts) > 1:
        return True
    if len(words) >= 8:
        return True
    return ends_like_speech and len(words) >= 2


def _has_clause(doc: Doc, index: _Index, q: Quoted) -> bool:
    """The quote holds a clause (a verb with its own subject): speech, not a title."""
    toks = [doc[i] for s, e in q.parts for i in index.tokens_between(s, e)]
    if len(toks) < 3:
        return False
    inside = {t.i for t in toks}
    return any(
        t.pos_ in {"VERB", "AUX"}
        and any(c.dep_ in _SUBJECT_DEPS and c.i in inside for c in t.children)
        for t in toks
    )


def _find_cue(doc: Doc, index: _Index, q: Quoted) -> _Found:
    """Look for the speech cue governing quote ``q``, after it, before it, or around it."""
    for finder in (_cue_after, _cue_before, _cue_according, _cue_colon, _cue_governing):
        hit = finder(doc, index, q)
        if hit is not None:
            return hit
    return _Found(q, None, None, None, None, "none")


#: Dependents of a verb through which it takes a quoted object or complement.
_GOVERNED_DEPS = frozenset({"dobj", "ccomp", "xcomp", "attr", "oprd", "prep", "pobj", "dative"})


def _cue_governing(doc: Doc, index: _Index, q: Quoted) -> _Found | None:
    """X bemoaned the climate in which people “literally hate each other” / X tweeted “…”: no
    speech verb, but the quote lies in the object or complement of the nearest verb before
    it, a verb seen as a cue (the lexicon or a learned frame) whose subject is a person or a
    body: that verb is the cue (PolNeAR's long tail)."""
    open_tok = index.token_after(q.open)
    if open_tok >= len(doc):
        return None
    words = [w for w in index.text[q.start : q.end].split() if w[:1].isalpha()]
    if len(words) < 8 and all(w[0].isupper() for w in words):
        return None  # a title ("appeared on “Fox & Friends”"), not anyone's words
    node = _first_word_inside(doc, index, q)
    sent_start = doc[open_tok].sent.start
    line_start = index.text.rfind("\n", 0, q.open) + 1
    for _ in range(12):
        head = node.head
        if head.i == node.i or head.i < sent_start or head.idx < line_start:
            return None
        if index.in_quote[head.i] >= 0 and index.in_quote[head.i] == index.in_quote[node.i]:
            node = head
            continue
        if head.pos_ == "VERB" and head.i < open_tok:
            if node.dep_ not in _GOVERNED_DEPS:
                return None
            subj = _subject(head, index.in_quote)
            if subj is None or subj.i > head.i or not _animate(subj):
                return None
            if subj.lower_ in {"who", "which", "that"}:
                return None
            if index.in_quote[subj.i] >= 0 or subj.idx < line_start:
                return None
            known = head.lemma_.lower() in _frame_lemmas() or head.lemma_.lower() in cue_lexicon()
            # a verb seen as a cue (the lexicon or a frame learned on train) and a quote that
            # reads as words said, not a name: "Tweeted" a slogan, "is promoting" a title
            if not known or not (_speechlike(index.text, q) or _has_clause(doc, index, q)):
                return None
            return _Found(q, head, _cue_range(head), subj, _source_range(subj), "governing")
        if head.pos_ in {"VERB", "AUX"}:
            return None
        node = head
    return None


def _cue_after(doc: Doc, index: _Index, q: Quoted) -> _Found | None:
    """“…,” she said / “…,” said X / “…,” X told reporters on Tuesday."""
    first = index.token_after(q.outer_end)
    para_end = _paragraph_end(index.text, q.outer_end)
    limit = min(len(doc), first + 30)
    if _ends_sentence(index.text, q) and first < len(doc) and doc[first].is_title:
        # “… it.” Next sentence. — a quote closed by a full stop has no cue after it
        # unless one follows at once in lower case (“… it.” she said.)
        limit = first
    for i in range(first, limit):
        tok = doc[i]
        if tok.idx >= para_end or index.in_quote[i] >= 0:
            break
        if tok.text in _SENTENCE_END and i > first:
            break
        if _is_cue_verb(tok):
            subj = _subject_after(tok, q.outer_end, index) or _inverted_subject(tok, first)
            if subj is None:
                laid_out = _layout_subject(doc, index, q, tok)
                if laid_out is not None:
                    head, src = laid_out
                    return _Found(q, tok, _cue_range(tok), head, src, "after")
                continue
            # the subject must lie next to the verb, outside the quote, after it
            if subj.idx < q.outer_end:
                continue
            clause_start = min(subj.left_edge.i, tok.i)
            trail = [t for t in doc[first:clause_start] if not t.is_punct and not t.is_space]
            if not trail:
                return _Found(q, tok, _cue_range(tok), subj, _source_range(subj), "after")
            # “…” if she lost, said X. — the quote runs on in paraphrase up to a comma
            # before the cue clause; anything else this far from the quote is not its cue
            if i - first > 10 and doc[clause_start - 1].text not in {",", "—", "–"}:
                break
            if doc[clause_start - 1].text in {",", "—", "–"}:
                if any(c.dep_ == "ccomp" and c.i > tok.i for c in tok.children):
                    break  # “Title” out Thursday, X said she …: the verb reports its own clause
                return _Found(q, tok, _cue_range(tok), subj, _source_range(subj), "after_trail")
            break
        if tok.text == "," and i > first and tok.i > first + 1:
            # ”, the minister said" is fine; ", and then ..." starts a new clause
            nxt = doc[i + 1] if i + 1 < len(doc) else None
            if nxt is not None and nxt.lower_ in {"and", "but", "while", "as", "because"}:
                break
    hit = _cue_according(doc, index, q, after_only=True)
    if hit is None:
        hit = _tight_cue_after(doc, index, q)
    if hit is None:
        hit = _bracketed_source(doc, index, q)
    if hit is None:
        hit = _dash_source(doc, index, q)
    return hit


#: Pronouns that can stand as a speaker's name after a quote ("“…,” she said").
_SUBJECT_PRONOUNS = frozenset({"he", "she", "they", "we", "i"})


def _layout_subject(
    doc: Doc, index: _Index, q: Quoted, verb: Token
) -> tuple[Token, tuple[int, int]] | None:
    """“…,” Ana Ruiz, a city adviser, said on Monday — the parser hung the name on the quote:
    a noun phrase (and an apposition set off by commas) standing between a quote punctuated
    as an utterance and a tensed speech verb is the verb's subject."""
    text = index.text
    content = text[q.start : q.end].rstrip()
    if not (content.endswith((",", "!", "?", "—")) or text[q.outer_end : q.outer_end + 1] == ","):
        return None
    if verb.tag_ not in {"VBD", "VBZ", "VBP"}:
        return None
    words = [w for w in content.split() if w[:1].isalpha()]
    if len(words) < 8 and all(w[0].isupper() for w in words):
        return None  # “Silent Rivers,” the new series, tells …: a title, not anyone's words
    toks = [t for t in doc[index.token_after(q.outer_end) : verb.i] if not t.is_space]
    while toks and toks[0].is_punct:
        toks = toks[1:]
    if not toks or any(index.in_quote[t.i] >= 0 for t in toks):
        return None
    first = toks[0]
    if first.pos_ == "PRON":
        if first.lower_ not in _SUBJECT_PRONOUNS:
            return None
        end = 1
    elif first.pos_ in {"PROPN", "DET", "NOUN", "ADJ"}:
        chunk = next((c for c in doc.noun_chunks if c.start == first.i), None)
        if chunk is not None:
            end = chunk.end - first.i
        elif first.pos_ == "PROPN":
            end = 1
            while end < len(toks) and toks[end].pos_ == "PROPN":
                end += 1
        else:
            return None
    else:
        return None
    phrase = toks[:end]
    rest = toks[end:]
    if any(t.pos_ not in {"PROPN", "NOUN", "ADJ", "DET", "PRON", "NUM", "PART"} for t in phrase):
        return None
    if rest and rest[0].text == ",":
        # an apposition set off by commas: "Ana Ruiz, a city adviser, said"
        if rest[-1].text != "," or len(rest) > 25 or any(t.text in _SENTENCE_END for t in rest):
            return None
        if not all(t.pos_ == "NUM" or t.is_punct for t in rest):
            phrase = phrase + rest[:-1]  # the apposition names the speaker too ("Ramos, 58,": no)
    elif rest and rest[0].pos_ == "ADP" and len(rest) <= 6 and rest[-1].pos_ in {"NOUN", "PROPN"}:
        if any(t.pos_ in {"VERB", "AUX"} or t.is_punct for t in rest):
            return None
        phrase = phrase + rest  # "a staffer in the room wondered"
    elif any(t.pos_ != "ADV" for t in rest):
        return None  # only an adverb may stand between name and verb ("Ana later said")
    head = next((t for t in reversed(toks[:end]) if t.pos_ in {"PROPN", "NOUN", "PRON"}), None)
    if head is None:
        return None
    phrase = _trim_punct(phrase)
    return head, (phrase[0].idx, phrase[-1].idx + len(phrase[-1].text))


def _dash_source(doc: Doc, index: _Index, q: Quoted) -> _Found | None:
    """“…” ― Sonya Herridge — a quotation signed with a dash and a name (epigraphs, reader
    voices, social posts); the space after the dash may be a no-break space."""
    text = index.text
    m = re.match(
        r"[^\S\n]*([―—–]|-{1,2}(?=\s))[^\S\n]*([^\n,;(]{2,80})",
        text[q.outer_end : q.outer_end + 90],
    )
    if m is None:
        # a quoted paragraph signed on a line of its own: “…”⏎⏎- Bernie Sanders.
        m = re.match(
            r"[^\S\n]*\n\s*([―—–]|-{1,2}(?=\s))[^\S\n]*([^\n,;(]{2,60}?)\.?[^\S\n]*(?:\n|$)",
            text[q.outer_end : q.outer_end + 90],
        )
        if m is None or not _is_own_paragraph(text, q):
            return None
    start = q.outer_end + m.start(2)
    end = _trim_end(text, start, q.outer_end + m.end(2))
    toks = [doc[t] for t in index.tokens_between(start, end)]
    if not toks or toks[0].pos_ != "PROPN" or any(t.pos_ in {"VERB", "AUX"} for t in toks):
        return None
    head = next(t for t in reversed(toks) if t.pos_ == "PROPN")
    cue = (q.outer_end + m.start(1), q.outer_end + m.end(1))
    return _Found(q, None, cue, head, (start, end), "according")


def _bracketed_source(doc: Doc, index: _Index, q: Quoted) -> _Found | None:
    """“…” [WaPo.] / “…” (Reuters) — a news digest naming the source in brackets."""
    text = index.text
    m = re.match(
        r"[^\S\n]*([\[(])([^\[\]()\n]{2,40}?)\.?([\])])", text[q.outer_end : q.outer_end + 48]
    )
    if m is None or {"[": "]", "(": ")"}[m.group(1)] != m.group(3):
        return None
    start = q.outer_end + m.start(2)
    end = q.outer_end + m.end(2)
    toks = [doc[t] for t in index.tokens_between(start, end)]
    if not toks or not any(t.pos_ == "PROPN" for t in toks) or any(t.pos_ == "VERB" for t in toks):
        return None
    head = next(t for t in reversed(toks) if t.pos_ == "PROPN")
    cue = (q.outer_end + m.start(1), q.outer_end + m.end(3))
    return _Found(q, None, cue, head, (start, end), "according")


def _set_off_utterance(doc: Doc, index: _Index, verb: Token, q: Quoted) -> bool:
    """X said, “Probably.” / She replied: “Never!” — a quote set off right after its speech
    verb by a comma or colon and closed as a sentence: an answer, however short (“called them
    “terrorists.”” is not set off, so stays a scare quote)."""
    if q.close is None or cue_lexicon().get(verb.lemma_.lower()) != "speech":
        return False
    between = index.text[verb.idx + len(verb.text) : q.open]
    if between.strip() not in {",", ":"}:
        return False
    return index.text[q.start : q.end].rstrip().endswith((".", "!", "?", "…"))


def _punctuated_as_utterance(text: str, q: Quoted) -> bool:
    content = text[q.start : q.end].rstrip()
    after = text[q.outer_end : q.outer_end + 1]
    return content.endswith((",", ".", "!", "?", "…", "—")) or after == ","


def _ends_sentence(text: str, q: Quoted) -> bool:
    content = text[q.start : q.end].rstrip()
    after = text[q.outer_end : q.outer_end + 1]
    return content.endswith((".", "…")) or after == "."


def _subject_after(verb: Token, after: int, index: _Index) -> Token | None:
    """The cue's subject standing after the quote ("“…,” said X" / "“…,” X said")."""
    for child in verb.children:
        if (
            child.dep_ in _SUBJECT_DEPS
            and not child.is_punct
            and child.idx >= after
            and index.in_quote[child.i] < 0
        ):
            return child
    return None


#: Verbs whose reported question the parser may read as a condition ("Asked if …").
_QUESTION_VERBS = frozenset({"ask", "wonder", "inquire", "question"})
#: Adverbs that may follow an inverted cue verb capitalised (a headline's "Said Later").
_TIME_ADVERBS = frozenset(
    "later earlier again too also then now today yesterday tomorrow tonight".split()
)


def _inverted_subject(verb: Token, first: int) -> Token | None:
    """“…,” added another official — the parser sometimes reads the inverted subject as an
    object, or hangs it elsewhere: take the noun phrase right after the verb."""
    if verb.i > first + 1:
        return None
    for child in verb.rights:
        if child.dep_ in {"dobj", "attr", "npadvmod", "oprd"} and child.pos_ in {"PROPN", "NOUN"}:
            return child
    doc = verb.doc
    if verb.i + 1 < len(doc):
        nxt = doc[verb.i + 1]
        if (
            nxt.pos_ == "ADV"
            and nxt.is_title
            and (nxt.i + 1 == len(doc) or doc[nxt.i + 1].is_punct)
            and nxt.lower_ not in _TIME_ADVERBS
        ):
            return nxt  # “…,” said Skelly, explaining …: a surname the tagger read as an adverb
        # "said retired neurosurgeon Ben Carson": a participle may open the noun phrase
        modifier = nxt.dep_ in {"amod", "compound"} and nxt.head.i > nxt.i
        if nxt.pos_ in {"PROPN", "DET", "ADJ", "NOUN"} or modifier:
            for chunk in doc[verb.i + 1 : min(verb.i + 12, len(doc))].noun_chunks:
                if chunk.start == verb.i + 1 or chunk.start == verb.i + 2:
                    return chunk.root
    return None


def _tight_cue_after(doc: Doc, index: _Index, q: Quoted) -> _Found | None:
    """“…,” Trump quipped. — the speech verb is not in the lexicon, but the layout is
    unmistakable: the quote ends in , ! or ? and a subject and verb follow at once."""
    content = index.text[q.start : q.end].rstrip()
    after = index.text[q.outer_end : q.outer_end + 2].lstrip()
    if not (content.endswith((",", "!", "?", "—")) or after.startswith(",")):
        return None
    if _lead_in(doc, index, q) is not None or not _opens_sentence(doc, index, q):
        return None  # the film “Hail, Caesar!” gets … — a title inside a sentence
    first = index.token_after(q.outer_end)
    window = [t for t in doc[first : min(first + 5, len(doc))] if not t.is_punct]
    for tok in window[:4]:
        if (
            tok.pos_ != "VERB"
            or tok.tag_ not in {"VBD", "VBZ", "VBP"}
            or index.in_quote[tok.i] >= 0
        ):
            continue
        subj = _subject(tok, index.in_quote)
        if subj is None or subj.idx < q.outer_end or abs(subj.i - tok.i) > 4:
            continue
        if subj.pos_ not in {"PRON", "PROPN"} and not subj.ent_type_:
            continue
        if any(c.dep_ in {"dobj", "ccomp"} and c.i > tok.i for c in tok.children):
            continue  # “…,” she said it again / X argued that …: a new statement, not a cue
        return _Found(q, tok, _cue_range(tok), subj, _source_range(subj), "after")
    # the parser hung the name on the quote: “…?” a staffer in the room wondered.
    para_end = _paragraph_end(index.text, q.outer_end)
    for tok in doc[first : min(first + 12, len(doc))]:
        if tok.idx >= para_end or index.in_quote[tok.i] >= 0 or tok.text in _SENTENCE_END:
            break
        if tok.pos_ != "VERB" or tok.tag_ not in {"VBD", "VBZ"}:
            continue
        if any(c.dep_ in {"dobj", "ccomp"} and c.i > tok.i for c in tok.children):
            break
        laid_out = _layout_subject(doc, index, q, tok)
        if laid_out is not None:
            head, src = laid_out
            return _Found(q, tok, _cue_range(tok), head, src, "after")
        break
    return None


def _cue_before(doc: Doc, index: _Index, q: Quoted) -> _Found | None:
    """X said: “…” / X said, “…” / X said the plan was “a disaster”."""
    open_tok = index.token_after(q.open)
    if open_tok >= len(doc):
        return None
    first_word = _first_word_inside(doc, index, q)
    sent = doc[open_tok].sent
    start = sent.start
    # a paragraph-initial quote may follow a sentence ending with ":" in the previous paragraph
    prev_end = open_tok - 1
    while prev_end >= 0 and doc[prev_end].is_space:
        prev_end -= 1
    if prev_end >= 0 and doc[prev_end].text == ":" and doc[prev_end].sent.start < start:
        start = doc[prev_end].sent.start
    for i in range(open_tok - 1, start - 1, -1):
        tok = doc[i]
        if index.in_quote[i] >= 0:
            return None  # another quote lies between: that one has the cue
        if not _is_cue_verb(tok, ("speech", "attitude", "framing")) and not _puts_it(tok):
            continue
        subj = _subject(tok, index.in_quote)
        if subj is None:
            continue
        if _puts_it(tok):
            cue = (_cue_range(tok)[0], tok.doc[tok.i + 1].idx + len(tok.doc[tok.i + 1].text))
            return _Found(q, tok, cue, subj, _source_range(subj), "before")
        # The quote belongs to the verb: in its subtree, or right after it ("said on Tuesday:")
        gap = [t for t in doc[tok.i + 1 : open_tok] if not t.is_punct and not t.is_space]
        in_subtree = _governs(tok, first_word)
        if not in_subtree and len(gap) > 4:
            continue
        tok, subj = _outermost_cue(tok, subj, index)
        return _Found(q, tok, _cue_range(tok), subj, _source_range(subj), "before")
    return None


def _puts_it(verb: Token) -> bool:
    """As Holt put it, “…” — "put it" in an as-clause is a speech cue."""
    doc = verb.doc
    return (
        verb.lemma_.lower() == "put"
        and verb.i + 1 < len(doc)
        and doc[verb.i + 1].lower_ == "it"
        and any(t.lower_ == "as" for t in doc[max(verb.i - 8, 0) : verb.i])
    )


def _outermost_cue(verb: Token, subj: Token, index: _Index) -> tuple[Token, Token]:
    """X says he feels “…”: the quote is X's statement, cued by "says" (the guidelines
    annotate the outermost attribution). Climbs from a cue whose subject is a pronoun to a
    speech verb governing its clause."""
    node = verb
    # only a speech verb with a named subject owns a quote nested in another's statement
    climb = subj.pos_ == "PRON" or cue_lexicon().get(verb.lemma_.lower()) != "speech"
    while climb and node.dep_ in {"ccomp", "conj", "xcomp"} and node.head.i != node.i:
        node = node.head
        if index.in_quote[node.i] >= 0:
            break
        if _is_cue_verb(node):
            outer_subj = _subject(node, index.in_quote)
            if outer_subj is not None and outer_subj.i != subj.i:
                verb, subj = node, outer_subj
    return verb, subj


def _first_word_inside(doc: Doc, index: _Index, q: Quoted) -> Token:
    i = index.token_after(q.start)
    while i < len(doc) - 1 and (doc[i].is_punct or doc[i].is_space) and doc[i].idx < q.end:
        i += 1
    return doc[min(i, len(doc) - 1)]


def _governs(verb: Token, tok: Token) -> bool:
    """``tok`` lies in the verb's subtree (a head chain reaching the verb)."""
    node = tok
    for _ in range(len(tok.doc)):
        if node.i == verb.i:
            return True
        if node.head.i == node.i:
            return False
        node = node.head
    return False


def _cue_according(
    doc: Doc, index: _Index, q: Quoted, *, after_only: bool = False
) -> _Found | None:
    open_tok = index.token_after(q.open)
    if open_tok >= len(doc):
        return None
    sent = doc[open_tok].sent
    close_tok = index.token_after(q.outer_end)
    ranges = [(close_tok, min(close_tok + 8, len(doc)))]
    if not after_only:
        ranges.append((sent.start, open_tok))
    for a, b in ranges:
        hit = _according_to(doc, a, b)
        if hit is not None:
            acc, head = hit
            if index.in_quote[head.i] >= 0 or index.in_quote[acc.i] >= 0:
                continue
            cue = (acc.idx, doc[acc.i + 1].idx + len(doc[acc.i + 1].text))
            return _Found(q, None, cue, head, _source_range(head), "according")
    return None


def _cue_colon(doc: Doc, index: _Index, q: Quoted) -> _Found | None:
    """X: “…” — a name and a colon; or a clause ending in a colon (He played up his
    strength: “…”), whose subject is the speaker."""
    text = index.text
    j = q.open - 1
    while j >= 0 and text[j].isspace():
        j -= 1
    if j < 0 or text[j] != ":":
        return None
    colon_tok = index.token_index_near(j)
    sent_start = doc[colon_tok].sent.start
    line_start = text.rfind("\n", 0, j) + 1
    toks = [t for t in doc[sent_start:colon_tok] if t.idx >= line_start and not t.is_space]
    if not toks or any(index.in_quote[t.i] >= 0 for t in toks):
        return None
    verbs = [t for t in toks if t.pos_ in {"VERB", "AUX"}]
    if verbs:
        root = next((t for t in toks if t.dep_ == "ROOT" and t.pos_ in {"VERB", "AUX"}), None)
        if root is None:
            root = _clause_top(toks, verbs)
        subj = _subject(root, index.in_quote) if root is not None else None
        if root is None or subj is None or subj.pos_ not in {"PROPN", "PRON", "NOUN"}:
            return None
        if subj.lower_ in {"it", "this", "that", "there"} or index.in_quote[subj.i] >= 0:
            return None
        # "She went on: “…”": the cue runs from the predicate to the colon (the guidelines'
        # "He said: “…”"); an inverted "Stated Stone: “…”" keeps the verb alone
        cue = (_cue_range(root)[0], j + 1) if subj.i < root.i else _cue_range(root)
        return _Found(q, None, cue, subj, _source_range(subj), "colon")
    if len(toks) > 8 or not any(t.pos_ in {"PROPN", "NOUN", "PRON"} for t in toks):
        return None
    head = next((t for t in reversed(toks) if t.pos_ in {"PROPN", "NOUN", "PRON"}), toks[-1])
    toks = _trim_punct(toks)
    src = (toks[0].idx, toks[-1].idx + len(toks[-1].text))
    return _Found(q, None, (j, j + 1), head, src, "colon")


def _clause_top(toks: list[Token], verbs: list[Token]) -> Token | None:
    """The one verb of a clause ending in a colon that no other word of it governs: the
    parser may have run the clause into the quote after the colon and made a verb of the
    quote the sentence's root ("She went on: “It’s like …”")."""
    inside = {t.i for t in toks}
    tops = [v for v in verbs if v.head.i == v.i or v.head.i not in inside]
    return tops[0] if len(tops) == 1 and tops[0].head.i > tops[0].i else None


def _merge_interrupted(doc: Doc, index: _Index, found: list[_Found]) -> list[_Found]:
    """“A,” she said, “B.” -> one quote with two parts (when B has no cue of its own).

    The same holds for “A,” said X, a long description. “B.”: a quote in the same
    paragraph, right after the cue clause of the previous one, continues it. A title or
    scare quote standing in the cue clause ("… said on ‘New Day.’") is passed over.
    """
    out: list[_Found] = []
    anchor: int | None = None  # index in ``out`` of the last quote with a cue after it
    for f in found:
        prev = out[anchor] if anchor is not None else None
        if (
            prev is not None
            and prev.where == "after"
            and prev.verb is not None
            and f.where in {"none", "before"}
            and (f.where == "none" or (f.verb is not None and f.verb.i == prev.verb.i))
            and prev.quote.close is not None
            and _is_speech(doc, index, f.quote)
            and _gap_is_cue_clause(doc, index, prev, f.quote)
        ):
            merged = Quoted(
                open=prev.quote.open,
                close=f.quote.close,
                mark=prev.quote.mark,
                depth=0,
                parts=list(prev.quote.parts) + list(f.quote.parts),
                open_width=prev.quote.open_width,
                close_width=f.quote.close_width,
            )
            assert anchor is not None
            out[anchor] = _Found(merged, prev.verb, prev.cue, prev.source_tok, prev.source, "after")
            continue
        out.append(f)
        if f.where == "after" or _is_speech(doc, index, f.quote):
            anchor = len(out) - 1 if f.where == "after" else None
    return [f for f in out if not _inside_merged(f, out)]


def _inside_merged(f: _Found, found: list[_Found]) -> bool:
    """A title quote passed over inside a merged quote's span is not reported on its own."""
    return any(
        g is not f and len(g.quote.parts) > 1 and g.quote.open < f.quote.open < g.quote.outer_end
        for g in found
    )


def _is_speech(doc: Doc, index: _Index, q: Quoted) -> bool:
    return _speechlike(index.text, q) or _has_clause(doc, index, q)


def _names_a_programme(doc: Doc, open_tok: int) -> bool:
    """The words before a quote end in a preposition, or a preposition and a possessive
    ("on “Meet the Press”", "on NBC's “Meet the Press”"): the quote is a name, not speech."""
    if open_tok < 1:
        return False
    prev = doc[open_tok - 1]
    if prev.pos_ == "ADP":
        return True
    if not (prev.tag_ == "POS" or prev.dep_ == "case"):
        return False
    for tok in reversed(doc[max(0, open_tok - 6) : open_tok - 1]):
        if tok.pos_ == "ADP":
            return True
        if tok.pos_ not in {"PROPN", "NOUN", "DET", "ADJ"}:
            return False
    return False


def _gap_is_cue_clause(doc: Doc, index: _Index, prev: _Found, q: Quoted) -> bool:
    """Between two quotes of one paragraph stands the first one's cue clause (the cue, its
    source, what hangs on the cue), and no other speech cue."""
    assert prev.verb is not None
    gap = index.text[prev.quote.outer_end : q.open]
    if "\n" in gap:
        return False
    verb = prev.verb
    words = [
        doc[t]
        for t in index.tokens_between(prev.quote.outer_end, q.open)
        if not doc[t].is_punct and not doc[t].is_space and index.in_quote[t] < 0
    ]
    if not words or not any(t.i == verb.i for t in words):
        return False
    if _names_a_programme(doc, index.token_after(q.open)):
        return False  # "“A,” he said on “Meet the Press.”": a programme's name, not more of A
    if all(_governs(verb, t) for t in words):
        return True
    # a new sentence after the cue clause may still be the speaker's: "“A,” said X. “B.”"
    others = [t for t in words if not _governs(verb, t)]
    return (
        not any(_is_cue_verb(t, ("speech", "attitude", "framing")) for t in others)
        and len(others) <= 3
    )


_NOT_CONTENT_DEPS = {
    "conj",
    "cc",
    "punct",
    "nsubj",
    "nsubjpass",
    "aux",
    "auxpass",
    "neg",
    "prt",
    "advmod",
    "npadvmod",
    "agent",
    "dative",
}


def _kind_and_content(
    doc: Doc, index: _Index, f: _Found, speechlike: bool
) -> tuple[str | None, tuple[int, int]]:
    """Direct when the quote is what was said; mixed when it sits inside a reported clause."""
    q = f.quote
    direct = ("direct", (q.start, q.end))
    verb = f.verb
    if verb is None and f.cue is not None and index.text[f.cue[0]] == "[":
        # a digest item "… had “Syrian roots.” [Reuters.]": the whole item is the outlet's
        line_start = index.text.rfind("\n", 0, q.open) + 1
        item_lead = index.text[line_start : q.open]
        if any(ch.isalnum() for ch in item_lead):
            start = line_start + len(item_lead) - len(item_lead.lstrip())
            return "mixed", (start, q.outer_end)
    if (
        verb is None
        and f.cue is not None
        and index.text[f.cue[0] : f.cue[1]].lower() == ("according to")
    ):
        # According to X, the campaign is paying “dozens” of canvassers …: the sentence beyond
        # the quote marks is X's too
        acc = doc[index.token_after(f.cue[0])]
        whole = _according_indirect(doc, index, acc)
        if whole is not None and whole.content[0] <= q.open and q.outer_end <= whole.content[1] + 1:
            beyond = (
                index.text[whole.content[0] : q.open] + index.text[q.outer_end : whole.content[1]]
            )
            if sum(1 for w in beyond.split() if any(c.isalnum() for c in w)) >= 2:
                return "mixed", whole.content
    if verb is None:
        return direct if speechlike else (None, direct[1])
    # attitude and framing verbs attribute a quoted fragment, never a whole direct quote
    attitude = cue_lexicon().get(verb.lemma_.lower()) in {"attitude", "framing"}
    if f.where == "after_trail":
        trail_end = _trim_end(index.text, q.outer_end, _cue_clause_start(doc, f))
        start = _lead_in(doc, index, q) or q.open
        return "mixed", (start, trail_end)
    if f.where == "after":
        lead = _lead_in(doc, index, q) or _subject_lead(doc, index, q)
        if lead is not None:
            # “… could be worse,” said X, after a paraphrased start: the sentence is the content
            return "mixed", (lead, _trim_end(index.text, lead, q.end))
        # “No,” he replied. — a quote opening its sentence, punctuated as an utterance, its
        # cue right after: speech, however short (“Fox and Friends” was asked … is a title)
        if speechlike or _punctuated_as_utterance(index.text, q):
            return direct
        return (None, direct[1])
    # the cue stands before the quote: what the verb governs after it is the content
    reported = [c for c in verb.rights if c.dep_ not in _NOT_CONTENT_DEPS and c.i > verb.i]
    if any(c.dep_ == "ccomp" for c in reported[1:]):
        # "told reporters on Monday that …": the object before the reported clause is the
        # recipient, which the guidelines leave out of the content
        clause = next(c for c in reported if c.dep_ == "ccomp")
        reported = [c for c in reported if c.i >= clause.i or c.dep_ not in {"dobj", "prep"}]
    first_word = _first_word_inside(doc, index, q)
    holding = [c for c in reported if c.left_edge.i <= first_word.i <= c.right_edge.i]
    if not holding:
        lead = _reported_lead(doc, index, verb, q)
        if lead is not None:
            # X says no matter what Obama does, “his word does not trump …”: the reported
            # clause starts before the quote marks
            return "mixed", (lead, _trim_end(index.text, lead, q.end))
        if (speechlike or _set_off_utterance(doc, index, verb, q)) and not attitude:
            return direct
        return (None, direct[1])
    # the reported constituents, from the first through the one holding the quote and any
    # complement right after it ("called the plan “a disaster” and a sham"); adjuncts after a
    # comma (", making air quotes", "on his radio show") are the narrator's, not the content
    first = reported[0]
    last = holding[-1]
    for c in reported[reported.index(last) + 1 :]:
        if c.dep_ not in {"ccomp", "dobj", "xcomp", "attr", "oprd", "acomp"}:
            break
        if any(
            t.text in {",", "—", "–", "-", ";"}
            for t in doc[last.right_edge.i + 1 : c.left_edge.i + 1]
        ):
            break
        last = c
    start_tok = doc[first.left_edge.i]
    end_tok = doc[last.right_edge.i]
    start = min(start_tok.idx, q.open)
    end = max(end_tok.idx + len(end_tok.text), q.outer_end)
    inside = range(index.token_after(q.open), index.token_after(q.outer_end))
    outside = [
        t
        for t in doc[first.left_edge.i : last.right_edge.i + 1]
        if t.i not in inside and not t.is_punct and t.lower_ not in {"that", "if", "whether"}
    ]
    # "She called it “an extraordinary campaign.”": a naming verb's object and its quoted label
    # are read together, however few words the object has
    named = verb.lemma_.lower() in _NAMING_VERBS and any(
        t.dep_ == "dobj" and t.head.i == verb.i for t in outside
    )
    if (
        len(outside) >= 2
        or attitude
        or named
        or not (speechlike or _set_off_utterance(doc, index, verb, q))
    ):
        end = _sentence_bound(doc, index, q, end)
        if end > q.outer_end and _trailing_adjunct(doc, index, q, verb, end):
            end = q.outer_end
        return "mixed", (start, _trim_end(index.text, start, end))
    return direct


#: Words opening what the narrator adds after a quoted fragment ("…,” referring to …).
_TRAIL_OPENERS = frozenset({"which", "who", "whom", "whose", "while", "though", "although"})


def _trailing_adjunct(doc: Doc, index: _Index, q: Quoted, verb: Token, end: int) -> bool:
    """After the quote's closing mark, the reported clause gives way to the narrator's words:
    a participle or relative clause set off by a comma or dash (“…,” referring to the
    convention), or a second verb of the source's own ("… “a disaster” and called for …")."""
    after = [
        doc[t]
        for t in index.tokens_between(q.outer_end, end)
        if not doc[t].is_space and index.in_quote[t] < 0
    ]
    if not after:
        return False
    set_off = after[0].text in {",", "—", "–", "--", ";", "("} or index.text[
        q.start : q.end
    ].rstrip().endswith((",", "—"))
    words = [t for t in after if not t.is_punct]
    if not words:
        return False
    w = words[0]
    if set_off and (w.tag_ == "VBG" or w.lower_ in _TRAIL_OPENERS):
        return True
    if after[0].text in {"—", "–", "--"}:
        # a dash opens the narrator's gloss, unless a second dash closes it mid-sentence
        return not any(t.text == after[0].text for t in after[1:])
    if w.lower_ in {"and", "but"} and len(words) > 1 and words[1].pos_ in {"VERB", "AUX"}:
        # "… “a total opportunist” and said …": a second act of the source, coordinated with
        # the cue verb, not with the reported clause
        return words[1].dep_ == "conj" and words[1].head.i == verb.i
    return False


_VERB_ADJUNCT_DEPS = frozenset({"prep", "npadvmod", "advmod", "dative", "dobj", "prt", "punct"})


def _reported_lead(doc: Doc, index: _Index, verb: Token, q: Quoted) -> int | None:
    """Start of the words between a cue verb and its quote that are not the verb's own
    adjuncts ("said on Tuesday, “…”", "told reporters: “…”"), when there are two or more."""
    open_tok = index.token_after(q.open)
    if open_tok <= verb.i + 1 or doc[open_tok].sent.start > verb.i:
        return None
    own: set[int] = set()
    for child in verb.rights:
        if child.i < open_tok and child.dep_ in _VERB_ADJUNCT_DEPS:
            own.update(range(child.left_edge.i, child.right_edge.i + 1))
    words = [
        t
        for t in doc[verb.i + 1 : open_tok]
        if t.i not in own and not t.is_punct and not t.is_space and index.in_quote[t.i] < 0
    ]
    if len(words) < 2 or any(t.lower_ in {"and", "but"} for t in words[:1]):
        return None
    if "\n" in index.text[words[0].idx : q.open]:
        return None
    return words[0].idx


def _sentence_bound(doc: Doc, index: _Index, q: Quoted, end: int) -> int:
    """A reported clause ends with its sentence, even where the parser ran two together,
    and with its paragraph."""
    text = index.text
    if _ends_sentence(text, q):
        return min(end, q.outer_end)
    nl = text.find("\n", q.outer_end, end)
    if nl >= 0:
        end = nl
    if text[q.start : q.end].rstrip().endswith(("!", "?")):
        # “Stop the cover-up!” Others shouted … — an exclamation closing the quote closes the
        # sentence when a capital or the paragraph's end follows
        rest = text[q.outer_end : end].lstrip(" \t")
        if not rest or rest[:1].isupper():
            return min(end, q.outer_end)
    for t in index.tokens_between(q.outer_end, end):
        if doc[t].text in _SENTENCE_END:
            return min(end, doc[t].idx + 1)
    return end


def _cue_clause_start(doc: Doc, f: _Found) -> int:
    assert f.verb is not None and f.source_tok is not None
    return doc[min(f.source_tok.left_edge.i, f.verb.i)].idx


def _opens_sentence(doc: Doc, index: _Index, q: Quoted) -> bool:
    """Nothing but punctuation stands between the sentence (or line) start and the quote."""
    open_tok = index.token_after(q.open)
    if open_tok >= len(doc):
        return False
    line_start = index.text.rfind("\n", 0, q.open) + 1
    sent_start = max(doc[open_tok].sent.start_char, line_start)
    before = index.text[sent_start : q.open]
    return not any(ch.isalnum() for ch in before)


def _lead_in(doc: Doc, index: _Index, q: Quoted) -> int | None:
    """Start of the paraphrase before a quote that opens mid-sentence, else None."""
    open_tok = index.token_after(q.open)
    if open_tok >= len(doc):
        return None
    sent = doc[open_tok].sent
    line_start = index.text.rfind("\n", 0, q.open) + 1
    toks = [t for t in doc[sent.start : open_tok] if t.idx >= line_start and not t.is_space]
    # the parser may run two sentences together: the lead-in starts after the last full stop
    for k in range(len(toks) - 1, -1, -1):
        if toks[k].text in _SENTENCE_END:
            toks = toks[k + 1 :]
            break
    words = [t for t in toks if not t.is_punct]
    if len(words) < 2 or any(index.in_quote[t.i] >= 0 for t in toks):
        return None
    if toks[-1].text in {":", ",", "—", "–", "-", "(", "[", ";"}:
        return None  # "X said: “…”" or a list: not a paraphrase running into the quote
    return toks[0].idx


def _subject_lead(doc: Doc, index: _Index, q: Quoted) -> int | None:
    """“…,” X said after a subject set off by commas: "The party, held every four years,
    “allows us to get our message out,” she said." — the sentence opens with the subject of
    the quoted verb, so the content starts there."""
    open_tok = index.token_after(q.open)
    if open_tok >= len(doc):
        return None
    line_start = index.text.rfind("\n", 0, q.open) + 1
    sent = doc[open_tok].sent
    toks = [t for t in doc[sent.start : open_tok] if t.idx >= line_start and not t.is_space]
    if not toks or toks[-1].text != "," or any(index.in_quote[t.i] >= 0 for t in toks):
        return None
    inside = range(open_tok, index.token_after(q.outer_end))
    if not any(t.dep_ in _SUBJECT_DEPS and t.head.i in inside for t in toks):
        return None
    if any(_is_cue_verb(t, ("speech", "attitude")) for t in toks):
        return None
    return _trim_punct(toks)[0].idx


def _trim_end(text: str, start: int, end: int) -> int:
    """Trailing space and sentence punctuation off; a bracket opened inside and closed right
    after ("failed (again)") is taken in."""
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".,;:"):
        end -= 1
    for opener, closer in _BRACKETS.items():
        if text[end : end + 1] == closer and text.count(opener, start, end) > text.count(
            closer, start, end
        ):
            end += 1
    return end


# --- indirect speech ----------------------------------------------------------------------------


#: Verbs of wanting and intending whose "to"-complement is the attributed content.
_INTENT_VERBS = frozenset(
    "want plan hope seek intend vow promise threaten pledge refuse decline expect aim wish "
    "agree offer demand urge ask call".split()
)
_HUMAN_NOUNS = frozenset(
    "official spokesman spokeswoman spokesperson leader president minister governor senator "
    "analyst expert economist critic supporter opponent voter resident aide adviser advisor "
    "lawyer attorney candidate campaign government ministry administration agency group "
    "committee council party police military army company officials experts critics "
    "supporters opponents voters residents aides advisers lawyers candidates leaders "
    "democrats republicans people americans lawmakers investigators prosecutors union unions "
    "board court club team firm bank coalition alliance federation association trust mission".split()
)


#: Verbs of stance whose object is the attributed content: "X supports Clinton".
_STANCE_VERBS = frozenset(
    "support endorse oppose back criticize criticise attack accuse praise blame reject welcome "
    "condemn denounce urge demand cite describe deny announce propose favor favour dispute "
    "question challenge applaud hail defend champion tout blast slam fault".split()
)
_OBJECT_PREPS = frozenset({"about", "for", "of", "on", "against", "over", "as"})


def _object_content(doc: Doc, verb: Token) -> tuple[int, int] | None:
    """The object complement of a stance verb: "supports [Clinton]", "accused [Cruz of being
    soft]", "called [for a ceasefire]" — consecutive complements, up to a comma."""
    parts: list[Token] = []
    for child in verb.rights:
        if child.dep_ in {"dobj", "oprd", "xcomp", "ccomp"} or (
            child.dep_ == "prep"
            and (
                child.lower_ in _OBJECT_PREPS
                or (verb.lemma_.lower() == "point" and child.lower_ in {"to", "at"})
            )
        ):
            if parts and any(
                t.text in {",", "—", "–", ";"}
                for t in doc[parts[-1].right_edge.i + 1 : child.left_edge.i]
            ):
                break
            parts.append(child)
        elif parts and child.dep_ not in {"punct", "advmod"}:
            break
    if not parts or not any(p.dep_ in {"dobj", "prep"} for p in parts):
        return None
    first, last = doc[parts[0].left_edge.i], doc[parts[-1].right_edge.i]
    for t in doc[first.i + 1 : last.i + 1]:
        # "praised the engineers, who said …": their statement is not the object's content
        if t.right_edge.i >= last.i and doc[t.left_edge.i - 1].text in _SET_OFF and _says_more(t):
            last = doc[max(t.left_edge.i - 1, first.i)]
            break
    while last.i > first.i and (last.is_punct or last.is_space):
        last = doc[last.i - 1]
    return first.idx, last.idx + len(last.text)


#: Nouns that carry a statement or a view: "X's claim that …", "the ministry's warning that …".
_NOUN_CUES = frozenset(
    "claim statement assertion allegation warning promise belief view argument insistence "
    "suggestion demand fear hope report announcement pledge vow threat accusation charge "
    "contention conclusion prediction estimate assessment admission denial".split()
)


def _noun_cue(doc: Doc, index: _Index, noun: Token) -> Attribution | None:
    """X's claim that … / the ministry's warning that …: the possessor said it."""
    owner = next(
        (
            c
            for c in noun.children
            if c.dep_ == "poss"
            # "Orlov’s claim" parsed with the possessor as a subject of the noun
            or (c.dep_ == "nsubj" and any(k.dep_ == "case" for k in c.children))
        ),
        None,
    )
    clause = next(
        (
            c
            for c in noun.children
            if c.dep_ in {"acl", "ccomp", "relcl"}
            and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
        ),
        None,
    )
    if clause is None:
        # "Haddad’s claim of a “massacre”": the quoted word claimed is the owner's
        clause = next(
            (
                p
                for c in noun.rights
                if c.dep_ == "prep" and c.lower_ == "of"
                for p in c.children
                if p.dep_ == "pobj" and any(index.in_quote[t.i] >= 0 for t in p.subtree)
            ),
            None,
        )
    if owner is None or clause is None or owner.lower_ in {"its", "it"}:
        return None
    toks = list(clause.subtree)
    if len(toks) < 4 and not (clause.dep_ == "pobj" and len(toks) >= 2):
        return None
    # a quoted fragment in the claim ("Orlov's claim that Russia was “liberating” Donbas") is
    # the possessor's word: a mixed quote; a whole quoted sentence is left to the quote rules
    words = [t for t in toks if not t.is_punct]
    quoted = [t for t in words if index.in_quote[t.i] >= 0]
    if quoted and (len(quoted) > 6 or clause.dep_ != "pobj" and len(quoted) * 2 > len(words)):
        return None
    start, end = _content_range(clause)
    content = (start, _trim_end(index.text, start, end))
    while quoted and content[1] < len(index.text) and index.text[content[1]] in QUOTE_CHARS:
        content = (content[0], content[1] + 1)
    return Attribution(
        kind="mixed" if quoted else "indirect",
        content=content,
        parts=[content],
        cue=(noun.idx, noun.idx + len(noun.text)),
        source=_subtree_range(owner),
        confidence=0.5,
        source_head=owner.i,
    )


def _sourceless(index: _Index, verb: Token, comp: Token | None) -> Attribution | None:
    if comp is None:
        return None
    start, end = _content_range(comp)
    content = (start, _trim_end(index.text, start, end))
    kind = _kind_of(index, (t.i for t in comp.subtree))
    if kind is None:
        return None
    return Attribution(
        kind=kind,
        content=content,
        parts=[content],
        cue=_cue_range(verb),
        source=None,
        confidence=0.4,
    )


def _animate(subj: Token) -> bool:
    """Could this subject hold a belief or make a statement? (a person, body, or group)"""
    if subj.pos_ == "PRON":
        return subj.lower_ not in {"it", "there", "this", "that", "which", "what", "something"}
    if subj.pos_ == "PROPN" or subj.ent_type_ in {"PERSON", "ORG", "NORP", "GPE"}:
        return True
    return subj.lemma_.lower() in _HUMAN_NOUNS or subj.lower_ in _HUMAN_NOUNS


# --- learned cue frames ---------------------------------------------------------------------

#: A frame is a cue word with the slot holding its content: ``dobj`` (X endorsed [Y]),
#: ``prep:about`` (X talked about [Y]), ``xcomp`` (X decided [to …]), ``ccomp`` (X hoped
#: [he would …]); for nouns ``nprep:of`` (X's criticism of [Y]) and ``nacl`` (X's decision
#: [to …]). Their reliability is counted on PolNeAR train by eval/cue_frames.py. A frame
#: right a share p of the time adds to F1 when p is above about half of F1 (~0.36 here): the
#: threshold sits there (0.4 before one cue made one attribution; 0.35 gains on train and dev).
_FRAME_MIN_SEEN = 3
_FRAME_MIN_RELIABILITY = 0.35
#: A frame with no source in its sentence (a passive without agent) must be surer.
_SOURCELESS_MIN_RELIABILITY = 0.5
#: Below this, a frame whose subject cannot hold a view needs a content of three words or
#: more, as a lexicon cue does (``_reports_object``: "a survey found 90 percent support").
_INANIMATE_MIN_RELIABILITY = 0.4


@lru_cache(maxsize=1)
def cue_frames() -> dict[tuple[str, str], float]:
    """(lemma, frame) -> share of its occurrences that attribute content, for the reliable
    frames of resources/cue_frames.tsv."""
    out: dict[tuple[str, str], float] = {}
    for row in read_tsv("cue_frames.tsv"):
        seen, matched = int(row["seen"]), int(row["matched"])
        if seen >= _FRAME_MIN_SEEN and matched / seen >= _FRAME_MIN_RELIABILITY:
            out[(row["lemma"], row["frame"])] = matched / seen
    return out


@lru_cache(maxsize=1)
def _frame_lemmas() -> frozenset[str]:
    return frozenset(lemma for lemma, _ in cue_frames())


@dataclass(slots=True)
class FrameCandidate:
    frame: str
    content: tuple[int, int]
    cue: tuple[int, int]
    source_tok: Token | None
    words: int
    #: The content's pieces when it is discontinuous (a passive's subject and complement).
    parts: list[tuple[int, int]] = field(default_factory=list)


#: Nouns naming an act or artefact of expression: "issued a statement", "gave a speech" name
#: the act, not what was said (the guidelines: "John made a statement" is no attribution).
_UTTERANCE_NOUNS = _NOUN_CUES | frozenset(
    "speech remark remarks comment comments question questions interview message letter tweet "
    "post address word words story book article note op-ed memo release conference call "
    "testimony briefing appearance answer response reply".split()
)


def _names_an_utterance(root: Token) -> bool:
    """The slot holds only a noun of expression ("a statement", "his first formal statement
    on the collapse" is still the act), not a content."""
    return root.pos_ == "NOUN" and root.lemma_.lower() in _UTTERANCE_NOUNS


def _span_range(first: Token, last: Token) -> tuple[int, int]:
    return first.idx, last.idx + len(last.text)


def frame_candidates(doc: Doc, tok: Token, in_quote: list[int]) -> list[FrameCandidate]:
    """Every frame ``tok`` opens, with its content, cue and source (the frames of a verb
    need its subject; a noun's source is its possessor, or the subject of the verb it is the
    object of: "X expressed support for Y")."""
    out: list[FrameCandidate] = []
    if tok.pos_ == "VERB":
        subj = _subject(tok, in_quote)
        if subj is None or subj.lower_ in {"it", "there"}:
            return out
        if subj.dep_ == "nsubjpass":
            # "The plan was widely criticized (by X) as sloppy": the passive's subject (with
            # the complement) is the content, the agent if any the source
            cand = _passive_candidate(doc, tok, subj)
            return [cand] if cand is not None else out
        for child in tok.rights:
            frame = None
            content_root: Token | None = None
            cue_end = tok
            if child.dep_ == "dobj":
                frame, content_root = "dobj", child
            elif child.dep_ == "prep":
                pobj = next((c for c in child.children if c.dep_ in {"pobj", "pcomp"}), None)
                if pobj is not None:
                    frame, content_root, cue_end = f"prep:{child.lower_}", pobj, child
            elif child.dep_ == "xcomp" and any(
                a.dep_ == "aux" and a.lower_ == "to" for a in child.children
            ):
                frame, content_root = "xcomp", child
            elif child.dep_ == "ccomp":
                frame, content_root = "ccomp", child
            elif child.dep_ == "advcl":
                # "called for the allies to organize ground forces": the parser makes "for" the
                # clause's marker; it is the frame "called for" + what is called for
                mark = next((c for c in child.children if c.dep_ == "mark"), None)
                after_verb = index_after(tok, _cue_range(tok)[1])
                if mark is not None and mark.lower_ == "for" and mark.i == after_verb:
                    frame, content_root, cue_end = "prep:for", child, mark
            if frame is None or content_root is None or _names_an_utterance(content_root):
                continue
            start, end = _content_range(content_root)
            if frame == "prep:for" and content_root.dep_ == "advcl":
                start = doc[cue_end.i + 1].idx
            if frame == "xcomp":
                start = min(start, content_root.left_edge.idx)
            verb_end = _cue_range(tok)[1]
            if cue_end is not tok and child.i > index_after(tok, verb_end):
                # "sees Cruz as a uniter", "congratulated her for her victory": the object
                # stands between the verb and its preposition; it belongs to the content
                first = doc[index_after(tok, verb_end)]
                if (
                    first.dep_ in {"dobj", "dative"}
                    and first.head.i == tok.i
                    or (first.head.dep_ in {"dobj", "dative"} and first.head.head.i == tok.i)
                ):
                    start, cue_end = first.idx, doc[index_after(tok, verb_end) - 1]
            cue_start = _cue_range(tok)[0]
            out.append(
                FrameCandidate(
                    frame,
                    (start, end),
                    (cue_start, cue_end.idx + len(cue_end.text)),
                    subj,
                    sum(1 for t in content_root.subtree if not t.is_punct),
                )
            )
    elif tok.pos_ == "NOUN":
        source: Token | None = next((c for c in tok.children if c.dep_ == "poss"), None)
        cue_start_tok = tok
        if tok.dep_ == "dobj" and tok.head.pos_ == "VERB":
            verb_subj = _subject(tok.head, in_quote)
            if verb_subj is not None:
                source = verb_subj
                cue_start_tok = doc[_cue_start_i(tok.head)]
        for child in tok.rights:
            if child.dep_ == "prep":
                pobj = next((c for c in child.children if c.dep_ in {"pobj", "pcomp"}), None)
                if pobj is None:
                    continue
                frame, content_root, cue_end = f"nprep:{child.lower_}", pobj, child
            elif child.dep_ == "acl" and any(
                a.dep_ == "aux" and a.lower_ == "to" for a in child.children
            ):
                frame, content_root, cue_end = "nacl", child, tok
            elif child.dep_ in {"acl", "ccomp", "relcl"} and any(
                m.dep_ == "mark" and m.lower_ == "that" for m in child.children
            ):
                frame, content_root, cue_end = "nthat", child, tok  # "the claim that …"
            else:
                continue
            if _names_an_utterance(content_root):
                continue
            start, end = _content_range(content_root)
            if frame == "nacl":
                start = min(start, content_root.left_edge.idx)
            out.append(
                FrameCandidate(
                    frame,
                    (start, end),
                    _span_range(cue_start_tok, cue_end),
                    source,
                    sum(1 for t in content_root.subtree if not t.is_punct),
                )
            )
    return out


def _cue_start_i(verb: Token) -> int:
    i = verb.i
    while (
        i - 1 >= verb.sent.start
        and verb.doc[i - 1].dep_ in {"aux", "neg", "auxpass", "advmod"}
        and verb.doc[i - 1].head.i == verb.i
    ):
        i -= 1
    return i


def _passive_candidate(doc: Doc, verb: Token, subj: Token) -> FrameCandidate | None:
    if subj.i > verb.i or subj.pos_ == "PRON" and subj.lower_ in {"which", "that", "who"}:
        return None
    if subj.head.i != verb.i:
        return None  # "X is expected to announce …": the subject of another verb's passive
    s_start, s_end = _content_range(subj)
    parts = [(s_start, s_end)]
    frame = "pass"
    agent = None
    for child in verb.rights:
        if child.dep_ == "agent":
            agent = next((c for c in child.children if c.dep_ == "pobj"), None)
        elif child.dep_ in {"xcomp", "oprd"} or (child.dep_ == "prep" and child.lower_ == "as"):
            start, end = _content_range(child)
            if child.dep_ == "xcomp":
                start = min(start, child.left_edge.idx)
            parts.append((start, end))
            frame = f"pass+{child.dep_ if child.dep_ != 'prep' else 'as'}"
            break
    cue = _cue_range(verb)
    return FrameCandidate(
        frame,
        (parts[0][0], parts[-1][1]),
        cue,
        agent,
        sum(1 for t in subj.subtree if not t.is_punct),
        parts,
    )


def index_after(verb: Token, char: int) -> int:
    """Index of the first token of the verb's sentence starting at or after ``char``."""
    i = verb.i
    while i < verb.sent.end and verb.doc[i].idx < char:
        i += 1
    return i


def _learned_frame(doc: Doc, index: _Index, tok: Token) -> Attribution | None:
    """The most reliable learned frame ``tok`` opens, as an attribution (or None)."""
    frames = cue_frames()
    lemma = tok.lemma_.lower()
    if lemma not in _frame_lemmas():
        return None
    best: tuple[float, FrameCandidate] | None = None
    for cand in frame_candidates(doc, tok, index.in_quote):
        rel = frames.get((lemma, cand.frame))
        if rel is None or (best is not None and rel <= best[0]):
            continue
        best = (rel, cand)
    if best is None:
        return None
    rel, cand = best
    line_start = index.text.rfind("\n", 0, tok.idx) + 1
    cand.content = (
        max(cand.content[0], line_start),
        min(cand.content[1], _paragraph_end(index.text, tok.idx)),
    )
    if cand.content[0] >= cand.content[1]:
        return None
    toks = index.tokens_between(*cand.content)
    words = [doc[t] for t in toks if not doc[t].is_punct and not doc[t].is_space]
    timed = [t for t in words if t.ent_type_ in {"DATE", "TIME"}]
    if timed and all(t.ent_type_ in {"DATE", "TIME"} or t.is_stop for t in words):
        return None  # "argued for most of Wednesday night": a time, not what was argued
    src = cand.source_tok
    if src is None and rel < _SOURCELESS_MIN_RELIABILITY:
        return None
    if (
        src is not None
        and rel < _INANIMATE_MIN_RELIABILITY
        and not _animate(src)
        and len(words) < 3
    ):
        return None  # "The old bridge showed deep cracks": a thing showing a thing
    parts = [
        (max(a, cand.content[0]), min(b, cand.content[1]))
        for a, b in (cand.parts or [cand.content])
        if min(b, cand.content[1]) > max(a, cand.content[0])
    ]
    kind = _kind_of(index, toks)
    if kind is None:
        return None
    return Attribution(
        kind=kind,
        content=cand.content,
        parts=parts or [cand.content],
        cue=cand.cue,
        source=_source_range(src) if src is not None else None,
        confidence=round(0.3 + 0.3 * rel, 3),
        source_head=src.i if src is not None else -1,
    )


def _indirect(doc: Doc, index: _Index, used_verbs: set[int]) -> list[Attribution]:
    out: list[Attribution] = []
    lexicon = cue_lexicon()
    for tok in doc:
        if tok.i in used_verbs or index.in_quote[tok.i] >= 0:
            continue
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            att = _according_indirect(doc, index, tok)
            if att is not None:
                out.append(att)
            continue
        if tok.lower_ == "in" and tok.dep_ == "prep":
            att = _in_a_survey(doc, index, tok)
            if att is not None:
                out.append(att)
            continue
        att = None
        if tok.pos_ == "NOUN" and tok.lemma_.lower() in _NOUN_CUES:
            att = _noun_cue(doc, index, tok)
        if att is None and tok.pos_ == "NOUN" and tok.lemma_.lower() in _COPULA_NOUNS:
            att = _noun_is_that(doc, index, tok)
        elif tok.pos_ in {"VERB", "AUX"} or tok.tag_.startswith("VB"):
            # an idiom is the surer reading ("cast doubt on", not "cast" + "doubt on …")
            att = _idiom_cue(doc, index, tok) if tok.pos_ == "VERB" else None
            if att is None:
                att = _verb_cue(doc, index, tok, lexicon)
        if att is None and tok.pos_ in {"VERB", "NOUN"}:
            att = _learned_frame(doc, index, tok)
        if att is not None:
            out.append(att)
    return out


@lru_cache(maxsize=1)
def cue_idioms() -> dict[tuple[str, str], frozenset[str]]:
    """(verb lemma, noun lemma) -> the prepositions that introduce the content, from
    resources/cue_idioms.tsv ("took issue with", "cast doubt on")."""
    out: dict[tuple[str, str], set[str]] = {}
    for row in read_tsv("cue_idioms.tsv"):
        out.setdefault((row["verb"], row["noun"]), set()).add(row["prep"])
    return {key: frozenset(preps) for key, preps in out.items()}


#: Idioms of attacking whose literal sense is physical ("took aim at", "took a shot at"), and
#: what they aim at when it is.
_AIMING_NOUNS = frozenset("aim shot swing swipe jab potshot".split())
_PHYSICAL_TARGETS = _PLACE_NOUNS | _MATERIEL_NOUNS | _CROWD_NOUNS


def _a_target_of_words(pobj: Token) -> bool:
    """Whom or what words can attack: a name, a pronoun, or a determined noun that is no
    place, materiel or crowd ("took aim at the plan", not "at goal" or "at the village")."""
    if pobj.pos_ in {"PROPN", "PRON"}:
        return True
    if pobj.lemma_.lower() in _PHYSICAL_TARGETS:
        return False
    return any(c.dep_ in {"det", "poss"} for c in pobj.children)


def _idiom_cue(doc: Doc, index: _Index, verb: Token) -> Attribution | None:
    """X took issue with Y / cast doubt on Y / voiced support for Y: a verb whose object makes
    it a stance; the preposition (on the verb or on the object) introduces the content."""
    idioms = cue_idioms()
    lemma = verb.lemma_.lower()
    for obj in verb.rights:
        if obj.dep_ != "dobj":
            continue
        preps = idioms.get((lemma, obj.lemma_.lower()))
        if preps is None:
            # "pour cold water on": the noun with its modifier
            words = [c.lemma_.lower() for c in obj.lefts if c.dep_ in {"amod", "compound"}]
            preps = idioms.get((lemma, " ".join([*words[-1:], obj.lemma_.lower()])))
        if preps is None:
            continue
        prep = next(
            (
                c
                for c in (*verb.rights, *obj.rights)
                if c.dep_ == "prep" and c.lower_ in preps and c.i > obj.i
            ),
            None,
        )
        pobj = None if prep is None else next((c for c in prep.children if c.dep_ == "pobj"), None)
        if prep is None or pobj is None or any(index.in_quote[t.i] >= 0 for t in (verb, prep)):
            return None
        if obj.lemma_.lower() in _AIMING_NOUNS and not _a_target_of_words(pobj):
            return None  # "took a shot at goal", "took aim at the bridge": not words
        subj = _subject_token(verb)
        content = _subtree_range(pobj)
        cue = (_cue_range(verb)[0], prep.idx + len(prep.text))
        if subj is None or content[0] <= cue[1] - 1:
            return None
        return Attribution(
            kind=_kind_of(index, range(pobj.left_edge.i, pobj.right_edge.i + 1)) or "indirect",
            content=content,
            parts=[content],
            cue=cue,
            source=_source_range(subj),
            confidence=0.6,
            source_head=subj.i,
        )
    return None


#: Verbs of aspect whose "to"-complement carries the cue: "continued to insist that …".
_ASPECT_VERBS = frozenset("continue begin start keep resume stop cease".split())


#: Nouns of saying and thinking that introduce their content with "is that":
#: "Rubio's response was that …", "The concern within the agency is that …".
_COPULA_NOUNS = _NOUN_CUES | frozenset(
    "response concern view message argument point position complaint answer explanation "
    "worry idea reasoning thinking case takeaway theory hope fear belief".split()
)


def _noun_is_that(doc: Doc, index: _Index, noun: Token) -> Attribution | None:
    """X's argument is that …: the "that"-clause after the copula is the content, the
    possessor (if any) the source."""
    be = noun.head
    if noun.dep_ != "nsubj" or be.lemma_ != "be" or be.i < noun.i:
        return None
    clause = next(
        (
            c
            for c in be.rights
            if c.dep_ in {"ccomp", "attr", "advcl"}
            and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
        ),
        None,
    )
    if clause is None or doc[clause.left_edge.i].lower_ != "that":
        return None
    toks = list(clause.subtree)
    if len(toks) < 4:
        return None
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    if owner is not None and owner.lower_ in {"its", "it"}:
        owner = None
    start, end = _content_range(clause)
    content = (start, _trim_end(index.text, start, end))
    kind = _kind_of(index, (t.i for t in toks))
    if kind is None:
        return None
    return Attribution(
        kind=kind,
        content=content,
        parts=[content],
        cue=(noun.idx, noun.idx + len(noun.text)),
        source=_subtree_range(owner) if owner is not None else None,
        confidence=0.5 if owner is not None else 0.4,
        source_head=owner.i if owner is not None else -1,
    )


def _quoted_as(verb: Token) -> Token | None:
    """The one quoted in "X quoted/cited Y as saying …": Y (the verb is "saying")."""
    prep = verb.head
    if verb.dep_ != "pcomp" or prep.lower_ != "as" or prep.dep_ != "prep":
        return None
    if prep.head.lemma_.lower() not in {"quote", "cite"}:
        return None
    return next((c for c in prep.head.children if c.dep_ == "dobj" and c.i < prep.i), None)


def _fronted_clause(dep: Token, verb: Token) -> bool:
    """A dependent before the cue that is a clause (it holds a verb) and ends at a comma just
    before the cue's subject: "<clause>, the agency reported"."""
    last = dep.right_edge
    return (
        last.i + 1 < verb.i
        and verb.doc[last.i + 1].text == ","
        and any(t.pos_ == "VERB" for t in dep.subtree)
        and any(c.dep_ in _SUBJECT_DEPS and c.i > last.i for c in verb.children)
    )


def _semicolon_between(clause: Token, verb: Token) -> bool:
    doc = verb.doc
    return any(t.text == ";" for t in doc[clause.right_edge.i + 1 : verb.i])


#: Verbs that name what they refer to: "X called the operation a raid", "Y labelled them
#: terrorists". The naming (object and what it is called) is what X says.
_NAMING_VERBS = frozenset({"call", "label", "brand", "dub", "term"})


def _naming(doc: Doc, index: _Index, verb: Token) -> Attribution | None:
    """X called Y Z: content "Y Z" (PolNeAR annotates "called him divisive" so)."""
    obj = next((c for c in verb.rights if c.dep_ == "dobj"), None)
    name = next((c for c in verb.rights if c.dep_ == "oprd"), None)
    subj = _subject(verb, index.in_quote)
    if obj is None or name is None or subj is None or name.i < obj.i:
        return None
    if subj.lower_ in {"it", "there"} or subj.dep_ == "nsubjpass":
        return None
    first, last = obj.left_edge, name.right_edge
    toks = list(doc[first.i : last.i + 1])
    if any(index.in_quote[t.i] >= 0 for t in toks) or any(t.text in {";", ":"} for t in toks):
        return None
    content = (first.idx, _trim_end(index.text, first.idx, last.idx + len(last.text)))
    return Attribution(
        kind="indirect",
        content=content,
        parts=[content],
        cue=_cue_range(verb),
        source=_source_range(subj),
        confidence=0.5,
        source_head=subj.i,
    )


def _verb_cue(doc: Doc, index: _Index, tok: Token, lexicon: dict[str, str]) -> Attribution | None:
    """Indirect speech, a stance or an intention with ``tok`` as its cue verb."""
    lemma = tok.lemma_.lower()
    cls = lexicon.get(lemma)
    clauses = [c for c in tok.children if c.dep_ in _CLAUSE_DEPS]
    if tok.dep_ == "parataxis" and not clauses and cls is not None:
        return _parenthetical(doc, index, tok)
    if tok.dep_ == "advcl" and not clauses and cls == "speech":
        att = _as_aside(doc, index, tok)
        if att is not None:
            return att
    if cls == "speech" and not clauses:
        # "The envoy left after two hours, the agency reported.": a parser thrown by the
        # clause (a hyphen, a name) may hang it on the cue as a bare dependent
        clauses = [c for c in tok.lefts if c.dep_ == "dep" and _fronted_clause(c, tok)]
    if not clauses and lemma in _QUESTION_VERBS:
        # "Asked if she believed …, Clinton said …": the question is marked like a condition
        clauses = [
            c
            for c in tok.rights
            if c.dep_ == "advcl"
            and any(m.dep_ == "mark" and m.lower_ in {"if", "whether"} for m in c.children)
        ]
    # a clause before the cue across a semicolon is a sentence of its own ("Moscow calls
    # it X; Kyiv calls it Y"), not what the later cue reports
    clauses = [c for c in clauses if c.i > tok.i or not _semicolon_between(c, tok)]
    if lemma in _NAMING_VERBS and not clauses:
        att = _naming(doc, index, tok)
        if att is not None:
            return att
    # "Few would admit this, but X says he …": the parser may hang the clause before the cue
    # on it too; the reported clause is the one after the cue when there is one
    comp = next((c for c in clauses if c.i > tok.i), clauses[0] if clauses else None)
    cue_range: tuple[int, int] | None = None
    clear = next((c for c in tok.rights if c.lower_ == "clear" and c.pos_ == "ADJ"), None)
    if lemma == "make" and clear is not None:
        # "X made (it) clear that …": a statement
        comp = next(
            (
                c
                for t in (tok, clear)
                for c in t.rights
                if c.i > clear.i and c.dep_ in {"ccomp", "advcl"}
            ),
            None,
        )
        if comp is None or not any(
            m.dep_ == "mark" and m.lower_ in {"that", "whether", "if"} for m in comp.children
        ):
            return None
        cue_range = (_cue_range(tok)[0], clear.idx + len(clear.text))
    if comp is None and cls is not None:
        comp = _clause_after_adjunct(tok)
        if comp is not None and doc[tok.i + 1].lower_ in {"in", "on"}:
            # the adjunct names where it was said: the cue keeps it ("alleged in the suit")
            adj_end = doc[comp.left_edge.i - 1]
            cue_range = (_cue_range(tok)[0], adj_end.idx + len(adj_end.text))
    confidence = 0.7 if cls == "speech" else 0.5
    if comp is None and cls is not None and lemma not in _ASPECT_VERBS:
        # "X said legalizing it could create jobs", "X supports raising the minimum wage":
        # a gerund clause is what was said or backed
        comp = next(
            (
                c
                for c in tok.rights
                if c.dep_ == "xcomp"
                and c.tag_ == "VBG"
                and not any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
            ),
            None,
        )
        if comp is not None:
            confidence = 0.5
    if comp is not None and cls is None:
        # any verb taking a "that"/"whether" clause from an animate subject reports a
        # statement or belief (PolNeAR's long tail: "X argued/insisted/feared that …")
        if not any(
            c.dep_ == "mark" and c.lower_ in {"that", "whether", "if"} for c in comp.children
        ):
            return None
        confidence = 0.45
    obj_range: tuple[int, int] | None = None
    if comp is None and lemma == "be":
        # "X is confident that …", "X was critical of …": a stance held by X
        adj = next((c for c in tok.children if c.dep_ == "acomp" and c.pos_ == "ADJ"), None)
        inner = None
        if adj is not None:
            inner = next(
                (
                    c
                    for c in adj.children
                    if c.dep_ == "ccomp"
                    or (c.dep_ == "prep" and c.lower_ in {"about", "of", "that", "over"})
                ),
                None,
            )
        if adj is not None and inner is not None:
            comp, confidence = inner, 0.45
            cue_range = (tok.idx, adj.idx + len(adj.text))
    if comp is None and (cls is not None or lemma in _STANCE_VERBS):
        obj_range = _object_content(doc, tok)
        if obj_range is not None:
            confidence = 0.4
            first = doc[index.token_after(obj_range[0])]
            if (
                first.dep_ == "prep"
                and first.head.i == tok.i
                and first.i == index_after(tok, _cue_range(tok)[1])
                and first.i + 1 < len(doc)
            ):
                # "pointed to [the crime rate]", "talked about [the plan]": the preposition
                # belongs to the cue, as the guidelines keep a verb's particle
                cue_range = (_cue_range(tok)[0], first.idx + len(first.text))
                obj_range = (doc[first.i + 1].idx, obj_range[1])
    if comp is None and obj_range is None and lemma in _INTENT_VERBS:
        comp = next(
            (
                c
                for c in tok.children
                if c.dep_ == "xcomp"
                and any(a.lower_ == "to" and a.dep_ == "aux" for a in c.children)
            ),
            None,
        )
        confidence = 0.45
    if obj_range is None and (comp is None or (cls is None and confidence != 0.45)):
        return None
    subj = _subject(tok, index.in_quote)
    outer = tok.head.head if tok.dep_ == "conj" and tok.head.dep_ == "ccomp" else None
    if outer is not None and _says_again(tok.head, tok):
        subj = _subject(outer, index.in_quote)  # "X says A was B and says C": X says C
    if subj is not None and subj.lower_ == "it" and tok.tag_ == "VBN" and cls is not None:
        # "it was reported that …", "it is believed that …": an attribution with no source
        return _sourceless(index, tok, comp)
    quoted_as = _quoted_as(tok)
    if quoted_as is not None:
        subj = quoted_as  # "The agency quoted Orlov as saying that …": Orlov says it
        cue_range = (tok.head.idx, tok.idx + len(tok.text))
    if subj is None:
        subj = _controller(tok, index.in_quote)
        if subj is None and comp is not None:
            return _unspoken_source(index, tok, comp, cls)
    if subj is None or subj.lower_ == "there":
        return None
    if subj.lower_ == "it" and not (
        subj.head.i == tok.i
        and tok.tag_ != "VBN"
        and (cls == "speech" and comp is not None or _reports_object(tok, obj_range, cls))
    ):
        # "It said current officials concealed …": a body named before, reporting; "it" is
        # expletive elsewhere ("it seems that …", "it's fair to say …")
        return None
    if confidence < 0.5 and not _animate(subj) and not _reports_object(tok, obj_range, cls):
        return None  # the open-ended rules need a subject that can hold a view
    if obj_range is not None:
        comp_toks = [
            t for t in doc[index.token_after(obj_range[0]) : index.token_after(obj_range[1])]
        ]
        rng = obj_range
    else:
        assert comp is not None
        # the parser may split one reported clause into two ccomps ("say they do n't know")
        last = None
        if comp.dep_ == "ccomp" and comp.i > tok.i:
            more = [c for c in tok.rights if c.dep_ == "ccomp" and c.i > comp.i]
            last = more[-1] if more else None
        rng = _content_range(comp, last)
        comp_toks = list(doc[comp.left_edge.i : (last or comp).right_edge.i + 1])
    # a quote inside the reported clause (its own cue was not this verb: Shoukry said
    # Blinken had promised ‘…’; Trump said he would not get on with Cameron, who had cast him
    # as “divisive”): the clause is a mixed quote, any inner attribution is nested in it
    kind = _kind_of(index, (t.i for t in comp_toks))
    if kind is None:
        return None
    words = [t for t in comp_toks if not t.is_punct]
    if len(words) < 3:
        return None
    end = _trim_end(index.text, rng[0], rng[1])
    while kind == "mixed" and end < len(index.text) and index.text[end] in QUOTE_CHARS:
        end += 1  # the closing mark of the quote the clause ends with
    # the parser may run a sentence over a paragraph break: a content keeps to the cue's
    start = max(rng[0], index.text.rfind("\n", 0, tok.idx) + 1)
    end = min(end, _paragraph_end(index.text, tok.idx))
    if start >= end:
        return None
    content = (start, end)
    cue = cue_range or _cue_range(tok)
    head = tok.head
    if tok.dep_ == "xcomp" and head.lemma_.lower() in _ASPECT_VERBS and head.i < tok.i:
        cue = (min(cue[0], _cue_range(head)[0]), cue[1])  # "has continued to insist"
    return Attribution(
        kind=kind,
        content=content,
        parts=[content],
        cue=cue,
        source=_source_range(subj),
        confidence=confidence,
        source_head=subj.i,
    )


def _as_aside(doc: Doc, index: _Index, verb: Token) -> Attribution | None:
    """As The Atlantic noted, trust is collapsing … / …, as X reported. / As reported by X, …:
    an "as"-clause with a speech verb attributes the clause it is set off from."""
    mark = next((c for c in verb.children if c.dep_ == "mark"), None)
    if mark is None or mark.lower_ != "as" or mark.i != verb.left_edge.i:
        return None
    subj = _subject(verb, index.in_quote)
    if subj is not None and (subj.head.i != verb.i or subj.i > verb.i):
        subj = None  # borrowed from the host clause: that is not who reported it
    if subj is None:
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        subj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
    if subj is None or subj.lower_ in {"it", "there", "we", "you"}:
        return None
    host = verb.head
    aside = list(verb.subtree)
    a_first, a_last = aside[0].i, aside[-1].i
    sent = verb.sent
    h_first, h_last = max(host.left_edge.i, sent.start), min(host.right_edge.i, sent.end - 1)
    line_start = index.text.rfind("\n", 0, verb.idx) + 1
    line_end = _paragraph_end(index.text, verb.idx)
    before = [t for t in doc[h_first:a_first] if not t.is_space and t.idx >= line_start]
    after = [t for t in doc[a_last + 1 : h_last + 1] if not t.is_space and t.idx < line_end]
    # the aside is set off by a comma from the side its content lies on
    if after and after[0].text not in _SET_OFF:
        after = []
    if before and before[-1].text not in _SET_OFF:
        before = []
    before, after = _trim_punct(before), _trim_punct(after)
    toks = after or before
    if not toks or any(index.in_quote[t.i] >= 0 for t in toks):
        return None
    if len([t for t in toks if not t.is_punct]) < 4:
        return None
    content = (toks[0].idx, toks[-1].idx + len(toks[-1].text))
    return Attribution(
        kind="indirect",
        content=content,
        parts=[content],
        cue=_cue_range(verb),
        source=_source_range(subj),
        confidence=0.6,
        source_head=subj.i,
    )


def _clause_after_adjunct(verb: Token) -> Token | None:
    """X said in a statement that …: the parser may hang the reported "that"-clause on the
    noun of the adjunct between the verb and the clause (as a relative clause, or with "that"
    as a pronoun); a clause with a subject of its own, closing the adjunct, is what was said."""
    doc = verb.doc
    prep = None
    for c in verb.rights:
        if c.dep_ == "prep":
            prep = c  # the last of the adjuncts right after the verb
        elif c.dep_ not in {"advmod", "npadvmod", "prt"}:
            break
    if prep is None:
        return None
    for t in prep.subtree:
        if t.dep_ not in {"acl", "relcl", "ccomp"} or t.pos_ not in {"VERB", "AUX"}:
            continue
        first = doc[t.left_edge.i]
        if first.lower_ != "that" or first.i <= prep.i + 1 or t.right_edge.i < prep.right_edge.i:
            continue
        if any(c.dep_ in _SUBJECT_DEPS and c.i != first.i for c in t.children):
            return t
    return None


def _reports_object(verb: Token, obj_range: tuple[int, int] | None, cls: str | None) -> bool:
    """A cue verb heading its sentence with a whole noun phrase as its object: a poll, a
    study or an article reports too ("A recent survey found 90 percent support for …")."""
    return (
        cls is not None
        and obj_range is not None
        and verb.dep_ in {"ROOT", "advcl"}
        and len(_doc_text(verb.doc)[obj_range[0] : obj_range[1]].split()) >= 3
    )


def _controller(verb: Token, in_quote: list[int]) -> Token | None:
    """Who says it when the cue verb has no subject of its own: the subject of the verb a
    gerund hangs on ("after saying that …", "by arguing that …"), or the noun a participle
    describes ("a fundraising email saying that …", "a poll found last week that …")."""
    if verb.dep_ == "pcomp" and verb.head.dep_ == "prep":
        host = verb.head.head
        if host.pos_ in {"VERB", "AUX"}:
            return _subject(host, in_quote)
        return None
    if verb.dep_ == "acl" and verb.head.pos_ in {"NOUN", "PROPN"} and verb.head.i < verb.i:
        return verb.head
    # "X stuck to policy but turned tougher, eventually saying …": up the chain of verbs
    node = verb
    for _ in range(3):
        if node.dep_ not in {"advcl", "conj", "xcomp"} or node.head.i == node.i:
            return None
        node = node.head
        subj = next(
            (c for c in node.children if c.dep_ in _SUBJECT_DEPS and in_quote[c.i] < 0), None
        )
        if subj is not None:
            return subj if subj.lower_ not in {"it", "there", "which", "that"} else None
    return None


def _unspoken_source(
    index: _Index, verb: Token, comp: Token, cls: str | None
) -> Attribution | None:
    """A speech verb reporting a "that"-clause with no source in its sentence."""
    if cls != "speech" or not any(
        c.dep_ == "mark" and c.lower_ in {"that", "whether"} for c in comp.children
    ):
        return None
    if sum(1 for t in comp.subtree if not t.is_punct) < 4:
        return None
    return _sourceless(index, verb, comp)


def _parenthetical(doc: Doc, index: _Index, verb: Token) -> Attribution | None:
    """In the long run, many economists say, this effect could ripple …: a speech verb set
    off by commas inside the clause it reports. The content is the host clause without the
    aside, in two parts when the aside sits in its middle."""
    subj = _subject(verb, index.in_quote)
    if subj is None or subj.lower_ in {"it", "there"} or subj.i > verb.i:
        return None
    host = verb.head
    if host.i == verb.i:
        return None
    aside = list(verb.subtree)
    a_first, a_last = aside[0].i, aside[-1].i
    h_first, h_last = host.left_edge.i, host.right_edge.i
    sent = verb.sent
    h_first, h_last = max(h_first, sent.start), min(h_last, sent.end - 1)
    before = [t for t in doc[h_first:a_first] if not t.is_space]
    after = [t for t in doc[a_last + 1 : h_last + 1] if not t.is_space]
    before, after = _trim_punct(before), _trim_punct(after)
    # "She had struggled her whole life, Cruz explained, recalling …": set off at the end of
    # the clause it reports, with only its own dependents after it
    closes = bool(before) and "," in index.text[before[-1].idx + len(before[-1].text) : subj.idx]
    if not after and not closes:
        return None
    if len([t for t in before + after if not t.is_punct]) < 4:
        return None
    parts: list[tuple[int, int]] = []
    for toks in (before, after):
        if toks:
            parts.append((toks[0].idx, toks[-1].idx + len(toks[-1].text)))
    content = (parts[0][0], parts[-1][1])
    kind = _kind_of(index, (t.i for t in before + after), takes_quote=False)
    if kind is None:
        return None
    return Attribution(
        kind=kind,
        content=content,
        parts=parts,
        cue=_cue_range(verb),
        source=_source_range(subj),
        confidence=0.6,
        source_head=subj.i,
    )


#: Nouns naming the occasion of a statement, kept in the cue with their preposition as the
#: guidelines keep a verb's entourage: "said in a statement", "told reporters in an interview".
_OCCASION_NOUNS = frozenset(
    "statement interview speech tweet post letter release email address remarks conference "
    "call appearance op-ed column briefing".split()
)
#: Dependents to the right of a cue verb that may join it: a preposition (only one naming
#: the occasion), a time ("said Tuesday"), an adverb ("said angrily") or the particle of a
#: phrasal verb the frame rules leave out ("talked up", "laid out").
_CUE_MODIFIER_DEPS = frozenset({"prep", "npadvmod", "advmod", "tmod", "prt"})


def _extend_cue(doc: Doc, att: Attribution) -> None:
    """Grow a verb cue over its entourage to the right ("said in a statement on Tuesday",
    "said Tuesday", "said angrily"), up to the content or the source. Prepositions join only
    when they name the occasion: on PolNeAR train the annotators leave most others out."""
    span = _cue_span(doc, att)
    if span is None or att.cue is None:  # (the second for the type checker)
        return
    # a quote in two parts spans the cue between them: the parts are what is taken
    blocked: list[tuple[int, int]] = list(att.parts) or [att.content]
    if att.source is not None:
        blocked.append(att.source)

    def free(tok: Token) -> bool:
        return not any(s < tok.idx + len(tok.text) and tok.idx < e for s, e in blocked)

    heads = [t for t in span if t.pos_ in {"VERB", "AUX"}] or list(span)
    end = span.end  # the token after the cue
    grown = True
    while grown and end < len(doc) and free(doc[end]) and not doc[end].is_space:
        grown = False
        for c in (c for h in heads for c in h.rights):
            if c.i != end or c.dep_ not in _CUE_MODIFIER_DEPS:
                continue
            if c.dep_ == "prep" and not any(
                t.dep_ == "pobj" and t.lemma_.lower() in _OCCASION_NOUNS for t in c.children
            ):
                continue
            sub = list(c.subtree)
            if sub[0].i != c.i or len(sub) > 8:
                continue
            if not all(free(t) for t in sub) or any(t.text in {",", ";"} for t in sub):
                continue
            end, grown = sub[-1].i + 1, True
            break
    if end > span.end:
        last = doc[end - 1]
        att.cue = (att.cue[0], last.idx + len(last.text))
    # "said: “…”": the colon introducing the speech is part of the cue (the guidelines)
    text = _doc_text(doc)
    if text[att.cue[1] : att.cue[1] + 1] == ":" and att.content[0] > att.cue[1]:
        att.cue = (att.cue[0], att.cue[1] + 1)


def _extend_cue_left(doc: Doc, att: Attribution, results: list[Attribution]) -> None:
    """Grow an infinitive cue over the verb group governing it (``_governing_start``), when
    those words are no part of this or another attribution (nesting is settled by then: the
    grown cue would otherwise lift an attribution out of the one whose content holds it)."""
    span = _cue_span(doc, att)
    if span is None or att.cue is None:  # (the second for the type checker)
        return
    noun = span[0] if span[0].pos_ == "NOUN" and span[0].head.i != span[0].i else None
    if span[0].lower_ not in {"to", "not", "never"} and noun is None:
        return
    blocked: list[tuple[int, int]] = []
    for other in results:
        blocked.extend(other.parts or [other.content])
        if other.source is not None:
            blocked.append(other.source)
        if other is not att and other.cue is not None:
            blocked.append(other.cue)

    def free(tok: Token) -> bool:
        return not any(s < tok.idx + len(tok.text) and tok.idx < e for s, e in blocked)

    if noun is not None:
        _extend_noun_cue(att, span, noun, free)
        return
    start = _governing_start(span, free)
    if start is not None:
        att.cue = (doc[start].idx, att.cue[1])


#: A noun cue's modifiers that the guidelines keep in its span ("A second view", "the
#: controversial proposal", "full embrace of"); a possessor is the source, not the cue.
_NOUN_CUE_MODIFIER_DEPS = frozenset({"det", "amod", "nummod", "compound", "quantmod"})


def _extend_noun_cue(
    att: Attribution, span: Span, noun: Token, free: Callable[[Token], bool]
) -> None:
    """A noun cue takes its determiner and adjectives ("The idea", "his full embrace of")."""
    doc = span.doc
    first = noun.i
    for child in reversed(list(noun.lefts)):
        sub = list(child.subtree)
        if child.dep_ not in _NOUN_CUE_MODIFIER_DEPS or sub[-1].i != first - 1:
            break
        if not all(free(t) and not t.is_punct and not t.is_space for t in sub):
            break
        if child.dep_ == "det" and child.lower_ in {"this", "that", "these", "those"}:
            break
        first = sub[0].i
    if first < noun.i and att.cue is not None:
        att.cue = (doc[first].idx, att.cue[1])


#: Words that may stand between a verb and the "to" of its infinitive complement in one verb
#: group ("went on to say", "decided not to", "are slightly more likely to say").
_GROUP_LINK_DEPS = frozenset({"aux", "auxpass", "neg", "advmod", "prt"})


def _governing_start(span: Span, free: Callable[[Token], bool]) -> int | None:
    """An infinitive cue ("to say", "not to recommend") is the complement of the verb before
    it: the guidelines keep the verb group together, so the cue starts at that verb's group
    ("went on to say", "is trying to show", "decided not to recommend", "were more likely to
    say"). Returns the new first token, or None. Repeats up a chain ("will have to continue
    to emphasize")."""
    doc = span.doc
    first = span[0].i
    grown: int | None = None
    for _ in range(4):
        verb = next(
            (
                t
                for t in doc[first : span.end]
                if t.pos_ in {"VERB", "AUX"} and t.dep_ in {"xcomp", "advcl"} and t.head.i < first
            ),
            None,
        )
        if verb is None:
            break
        to = next((c for c in verb.lefts if c.dep_ == "aux" and c.lower_ == "to"), None)
        if (
            to is None
            or to.i < first
            or any(t.dep_ not in _VERB_GROUP_DEPS or t.head.i != verb.i for t in doc[first : to.i])
        ):
            break
        head = verb.head
        top = head
        if head.pos_ == "ADJ" and head.dep_ == "acomp" and head.head.i < head.i:
            top = head.head  # "were more likely to say": the copula heads the group
        elif head.pos_ not in {"VERB", "AUX"}:
            break
        new_first = _cue_start_i(top)
        between = list(doc[new_first:first])
        if not between or not all(free(t) and not t.is_punct and not t.is_space for t in between):
            break
        group = {top.i, head.i}
        if verb.dep_ == "advcl":
            # "used his speech to call for", "went out of his way to say": the purpose
            # clause's verb joins with the predicate it serves, when short and unbroken
            subj = _subject(top)
            if len(between) > 8 or subj is None or subj.i > top.i:
                break
            first = grown = new_first
            continue
        if not all(
            t.i in group
            or (t.dep_ in _GROUP_LINK_DEPS and t.head.i in group | {t.i for t in between})
            for t in between
        ):
            break
        first = grown = new_first
    return grown


#: What "In a … poll, …" opens: a finding with the poll as its source.
_SURVEY_NOUNS = frozenset("poll survey polling".split())


def _in_a_survey(doc: Doc, index: _Index, prep: Token) -> Attribution | None:
    """In a new Fox News poll, 45 percent backed the plan.: a survey fronted and set off by
    a comma reports the clause after it (left in place or at the end, "led in the polls", it
    is most often not what the annotators call an attribution)."""
    obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
    if obj is None or obj.lemma_.lower() not in _SURVEY_NOUNS or prep.head.i < prep.i:
        return None
    if obj.tag_ == "NNS" and all(c.dep_ == "det" for c in obj.children):
        return None  # "In the polls, as in the streets, …": polls in general, no one's finding
    first, last = prep.left_edge.i, prep.right_edge.i
    if first != prep.i or last + 1 >= len(doc) or doc[last + 1].text != ",":
        return None
    sent = prep.sent
    if any(not (t.is_punct or t.is_space) for t in doc[sent.start : first]):
        return None  # the phrase opens the sentence (after a quote mark or a dash at most)
    rest = _trim_punct([t for t in doc[last + 2 : sent.end] if not t.is_space])
    if len([t for t in rest if not t.is_punct]) < 3:
        return None
    line_end = _paragraph_end(index.text, prep.idx)
    start = rest[0].idx
    end = _trim_end(index.text, start, min(rest[-1].idx + len(rest[-1].text), line_end))
    if end <= start:
        return None
    source = (doc[prep.i + 1].idx, doc[last].idx + len(doc[last].text))
    cue = (prep.idx, prep.idx + len(prep.text))
    return _wrapping(index, rest, (start, end), cue, source, obj, 0.6)


def _wrapping(
    index: _Index,
    rest: list[Token],
    content: tuple[int, int],
    cue: tuple[int, int],
    source: tuple[int, int],
    head: Token,
    confidence: float,
) -> Attribution:
    """The attribution of a phrase that wraps what it reports ("according to X", "In a … poll"):
    mixed when the content holds quote marks, whoever's words they are."""
    return Attribution(
        kind=_kind_of(index, (t.i for t in rest), takes_quote=False) or "indirect",
        content=content,
        parts=[content],
        cue=cue,
        source=source,
        confidence=confidence,
        source_head=head.i,
    )


def _cut_trailing_according(text: str, results: list[Attribution]) -> None:
    """Kasich said he would have fired him, according to press reports: the reports tell
    what Kasich said (the outermost attribution, as the guidelines draw it), so what Kasich
    said ends before ", according to …" and nests in theirs."""
    for outer in results:
        if outer.cue is None or outer.source is None:
            continue
        if not text[outer.cue[0] : outer.cue[1]].lower().startswith("according to"):
            continue
        for att in results:
            if att is outer or att.cue is None:
                continue
            s, e = att.content
            if not (s < outer.cue[0] and outer.source[1] <= e + 1):
                continue
            if text[outer.source[1] : e].strip(" ,.;:\"'”’)") or not (
                outer.content[0] <= att.cue[0] < outer.content[1]
            ):
                continue  # the phrase does not end this content, or does not cover its cue
            end = _trim_end(text, s, outer.cue[0])
            while end > s and text[end - 1] in " ,;—–-":
                end -= 1
            if end - s < 3:
                continue
            att.content = (s, end)
            att.parts = [(a, min(b, end)) for a, b in att.parts if a < end] or [att.content]


def _mark_nesting(results: list[Attribution]) -> None:
    """Point each attribution lying inside another's content at the innermost such one."""
    for i, inner in enumerate(results):
        best: int | None = None
        for j, outer in enumerate(results):
            if i == j or inner.cue is None:
                continue
            if outer.content == inner.content:
                continue
            # inside one piece of the outer content (not in the narrative between two pieces
            # of a quote the cue interrupts), its cue too: said within what was said
            piece = next(
                (
                    (ps, pe)
                    for ps, pe in (outer.parts or [outer.content])
                    if ps <= inner.content[0] and inner.content[1] <= pe
                ),
                None,
            )
            if piece is None or not (piece[0] <= inner.cue[0] < piece[1]):
                continue
            s, e = outer.content
            if best is None or (e - s) < (results[best].content[1] - results[best].content[0]):
                best = j
        inner.nested_in = best


def _according_indirect(doc: Doc, index: _Index, acc: Token) -> Attribution | None:
    """According to X, <content>. / <content>, according to X. (quote marks in the content
    make it a mixed quote)"""
    to = doc[acc.i + 1]
    head = next((c for c in to.children if c.dep_ == "pobj"), None)
    if head is None:
        return None
    phrase = {t.i for t in acc.subtree} | {t.i for t in to.subtree} | {acc.i, to.i}
    sent = acc.sent
    # the sentence as the parser drew it may run on from a title or byline: keep to the line
    line_start = index.text.rfind("\n", 0, acc.idx) + 1
    line_end = _paragraph_end(index.text, acc.idx)
    rest = [
        t for t in sent if t.i not in phrase and not t.is_space and line_start <= t.idx < line_end
    ]
    rest = _trim_punct(rest)
    if len([t for t in rest if not t.is_punct]) < 3:
        return None
    # the content is contiguous on one side of the phrase
    if rest[0].i > acc.i:
        rest = [t for t in rest if t.i > max(phrase)]
    else:
        rest = [t for t in rest if t.i < acc.i]
    rest = _trim_punct(rest)
    if not rest:
        return None
    start, end = rest[0].idx, rest[-1].idx + len(rest[-1].text)
    end = _trim_end(index.text, start, end)
    cue = (acc.idx, to.idx + len(to.text))
    return _wrapping(index, rest, (start, end), cue, _subtree_range(head), head, 0.75)
