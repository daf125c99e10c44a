"""Framing by voice: loaded terms in an article, each attributed to the narrator (the
outlet's own voice, ``voice`` null) or to the quote whose content holds it.

Three kinds of finding, all reported the same way whichever side a word describes:

- **pack terms**: the rows of the term packs (``resources/terms/*.tsv``), matched on
  lemmas, case-insensitively, multi-word and inflected (``terrorists``, ``massacred``,
  ``human shields``, ``Judea and Samaria``); the longest match wins and spans never overlap;
- **so-called X**: the pack row ``so-called`` grows over the noun phrase it qualifies;
- **scare quotes**: a short quoted phrase (1-3 words) in the narrator's voice that is no
  quote's content and no title (``the programme "…"``, ``a book titled "…"``).

Words inside quote marks that are neither a quote's content nor scare quotes (a title, a
word mentioned as a word, an unattributed quotation) are nobody's voice and are not
reported. The ``voice`` of a finding is the id of the innermost quote whose
``content_parts`` hold it (so a term in a nested quote goes to the inner speaker), else
null. Its ``alternatives`` are the neutral wording of the pack row (for a device, of the
pack term it wraps).

The spaCy component ``onrecord_framing`` runs the pack matcher (built once per process)
and leaves its matches on ``doc._.onrecord_terms``; :func:`find_terms` reads them (or runs
the matcher itself on a Doc made without the component) and adds the rest. See
docs/FRAMING.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from ..resources import read_tsv
from ..types import Quote, Span, Term
from .quotemarks import QUOTE_CHARS, Quoted, find_quoted

__all__ = [
    "PackEntry",
    "PackMatch",
    "TermMatcher",
    "FramingComponent",
    "SCARE_QUOTES",
    "SO_CALLED",
    "find_terms",
    "get_matcher",
    "load_entries",
    "make_framing_component",
    "naming_fragments",
    "narrator_holes",
    "pack_names",
    "pattern_words",
    "voice_of",
]

SCARE_QUOTES = "scare quotes"
SO_CALLED = "so-called"
_TERMS_DIR = "terms"

if not Doc.has_extension("onrecord_terms"):
    Doc.set_extension("onrecord_terms", default=None)


@dataclass(frozen=True, slots=True)
class PackEntry:
    """One row of a term pack."""

    term: str
    category: str
    counterparts: tuple[str, ...]
    alternatives: tuple[str, ...]
    source: str
    variants: tuple[str, ...]
    pack: str
    #: Dependency labels the term's head must have (``amod``: ``the occupied city``, not
    #: ``the seats were occupied``); empty: any.
    dep: tuple[str, ...] = ()
    #: Lemmas that, in the term's phrase (its syntactic subtree), mark another sense
    #: (``tax regime``, ``the regime of the river``).
    not_with: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class PackMatch:
    """A pack term found in a Doc: character and token ranges and its row."""

    start: int
    end: int
    token_start: int
    token_end: int
    entry: PackEntry


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (cell or "").split("|") if part.strip())


def pack_names() -> list[str]:
    """The bundled term packs, as names for ``read_tsv`` (``terms/conflict.tsv``, …)."""
    folder = resources.files("onrecord.resources").joinpath(_TERMS_DIR)
    return sorted(
        f"{_TERMS_DIR}/{item.name}" for item in folder.iterdir() if item.name.endswith(".tsv")
    )


@lru_cache(maxsize=1)
def load_entries() -> tuple[PackEntry, ...]:
    """Every row of every term pack, in file order."""
    entries: list[PackEntry] = []
    for name in pack_names():
        for row in read_tsv(name):
            entries.append(
                PackEntry(
                    term=row["term"].strip(),
                    category=row["category"].strip(),
                    counterparts=_split(row.get("counterparts")),
                    alternatives=_split(row.get("alternatives")),
                    source=(row.get("source") or "").strip(),
                    variants=_split(row.get("variants")),
                    pack=name.rsplit("/", 1)[-1].removesuffix(".tsv"),
                    dep=_split(row.get("dep")),
                    not_with=frozenset(w.lower() for w in _split(row.get("not_with"))),
                )
            )
    return tuple(entries)


_WORD_PIECES = re.compile(r"\w+|[^\w\s]")


def pattern_words(phrase: str) -> tuple[str, ...]:
    """A pack phrase as the lower-case token keys spaCy's English tokenizer would give
    (``so-called`` -> ``so``, ``-``, ``called``)."""
    return tuple(_WORD_PIECES.findall(phrase.lower()))


def _token_keys(token: Token) -> set[str]:
    """The keys a token may match: its lower-case form and lemma, and, as a fallback for a
    mis-tagged word (a capitalised common noun taken for a proper noun keeps its form as
    lemma), its form without a plural or past ending."""
    lower = token.lower_
    keys = {lower, token.lemma_.lower()}
    if len(lower) > 3 and lower[-1] == "s":
        keys.add(lower[:-1])
        if lower.endswith("ies"):
            keys.add(lower[:-3] + "y")
        elif lower.endswith("es"):
            keys.add(lower[:-2])
    if len(lower) > 4 and lower.endswith("ed"):
        keys.update((lower[:-1], lower[:-2]))
    if len(lower) > 5 and lower.endswith("ing"):
        keys.update((lower[:-3], lower[:-3] + "e"))
    return keys


# A one-word term inside a name (Martyrs' Square, Michael Savage) is a name, not a word choice.
_NAME_ENTS = frozenset({"PERSON", "ORG", "GPE", "FAC", "LOC", "WORK_OF_ART", "EVENT", "PRODUCT"})


_CLAUSE_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})


def _is_phrase(doc: Doc, start: int, end: int) -> bool:
    """False for a word inside a name, and for words of a clause rather than one phrase
    (``Terrorists attacked`` is a subject and its verb, not ``terrorist attack``)."""
    if end - start == 1:
        token = doc[start]
        return not (
            token.ent_type_ in _NAME_ENTS and token.text[:1].isupper() and not token.is_sent_start
        )
    return not any(
        t.dep_ in _CLAUSE_DEPS and start <= t.head.i < end and t.head.i != t.i
        for t in doc[start:end]
    )


@dataclass(slots=True)
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    entries: list[PackEntry] = field(default_factory=list)


class TermMatcher:
    """Leftmost-longest matching of pack phrases over token keys (form or lemma, lower case).

    A trie rather than spaCy's PhraseMatcher on LEMMA: lemmas keep the case of proper nouns
    and a pattern must then be lemmatised in context; here each token offers its form and
    its lemma, lower-cased, so ``Terrorists``, ``terrorists`` and ``TERRORIST`` all match
    the row ``terrorist`` and a fixed participle (``occupied``) matches as written.
    """

    def __init__(self, entries: Iterable[PackEntry]) -> None:
        self._root = _Node()
        for entry in entries:
            for phrase in (entry.term, *entry.variants):
                self._add(pattern_words(phrase), entry)

    def _add(self, words: Sequence[str], entry: PackEntry) -> None:
        node = self._root
        for word in words:
            node = node.children.setdefault(word, _Node())
        if entry not in node.entries:
            node.entries.append(entry)

    def _ends_from(
        self, doc: Doc, start: int, keys: list[set[str] | None]
    ) -> list[tuple[int, list[PackEntry]]]:
        """Every pack phrase starting at token ``start``: (token end, rows), shortest first."""
        found: list[tuple[int, list[PackEntry]]] = []
        states = [self._root]
        i = start
        while states and i < len(doc):
            token_keys = keys[i]
            if token_keys is None:
                token_keys = keys[i] = _token_keys(doc[i])
            states = list(
                {
                    id(child): child
                    for node in states
                    for k in token_keys
                    if (child := node.children.get(k))
                }.values()
            )
            i += 1
            entries = [e for node in states for e in node.entries]
            if entries:
                found.append((i, entries))
        return found

    def match(self, doc: Doc) -> list[PackMatch]:
        """The pack terms of ``doc`` in text order, none overlapping (the longest wins; of
        rows with the same words, the one written as the text's form, then the first)."""
        keys: list[set[str] | None] = [None] * len(doc)
        matches: list[PackMatch] = []
        i = 0
        while i < len(doc):
            ends = [] if doc[i].is_space else self._ends_from(doc, i, keys)
            chosen = next(
                (
                    (end, entry)
                    for end, entries in reversed(ends)
                    if _is_phrase(doc, i, end)
                    for entry in sorted(entries, key=lambda e: -_as_written(doc, i, end, e))
                    if _guards_pass(doc[i:end], entry)
                ),
                None,
            )
            if chosen is None:
                i += 1
                continue
            end, entry = chosen
            span = doc[i:end]
            matches.append(PackMatch(span.start_char, span.end_char, i, end, entry))
            i = end
        return matches


def _as_written(doc: Doc, start: int, end: int, entry: PackEntry) -> int:
    """How many words of ``entry`` (or a variant) the text has in exactly that form."""
    forms = [t.lower_ for t in doc[start:end]]
    return max(
        sum(a == b for a, b in zip(pattern_words(p), forms, strict=False))
        for p in (entry.term, *entry.variants)
    )


def _guards_pass(span: SpacySpan, entry: PackEntry) -> bool:
    """The row's sense guards: the dependency its head must have, the words that must not
    be in its phrase."""
    if not entry.dep and not entry.not_with:
        return True
    parsed = span.doc.has_annotation("DEP")
    head = span.root
    if entry.dep and (not parsed or head.dep_ not in entry.dep):
        return False  # without a parse the sense cannot be told: not reported
    if entry.not_with:
        if parsed:
            sentence = head.sent
            phrase = [t for t in head.subtree if sentence.start <= t.i < sentence.end]
        else:
            phrase = list(span.doc[max(0, span.start - 4) : span.end + 4])
        if any(t.lemma_.lower() in entry.not_with or t.lower_ in entry.not_with for t in phrase):
            return False
    return True


@lru_cache(maxsize=1)
def get_matcher() -> TermMatcher:
    """The matcher over all bundled packs, built once per process."""
    return TermMatcher(load_entries())


class FramingComponent:
    """The ``onrecord_framing`` spaCy component: pack matches on ``doc._.onrecord_terms``."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        doc._.onrecord_terms = get_matcher().match(doc)
        return doc


@Language.factory("onrecord_framing")
def make_framing_component(nlp: Language, name: str) -> FramingComponent:
    return FramingComponent(nlp, name)


# --- voice -------------------------------------------------------------------------------


def _depth(quote: Quote, by_id: dict[str, Quote]) -> int:
    depth, seen = 0, {quote.id}
    while quote.nested_in is not None and quote.nested_in in by_id and quote.nested_in not in seen:
        quote = by_id[quote.nested_in]
        seen.add(quote.id)
        depth += 1
    return depth


def voice_of(
    start: int,
    end: int,
    quotes: Sequence[Quote],
    narrator_holes: dict[str, list[tuple[int, int]]] | None = None,
    fragments: dict[str, list[tuple[int, int]]] | None = None,
) -> str | None:
    """The id of the innermost quote whose content parts hold [start, end), else None.

    Innermost: the smallest part that holds the span, then the deepest nesting. A span that
    only overlaps a part (a term cut by a content boundary) goes to the quote it overlaps most.
    ``narrator_holes``: per quote id, ranges of its content that are the narrator's words
    (see :func:`narrator_holes`); a span inside one is not that quote's. ``fragments``: per
    quote id, the only ranges that are the speaker's words (see :func:`naming_fragments`).
    """
    by_id = {q.id: q for q in quotes}
    holding: list[tuple[int, int, str]] = []
    overlapping: list[tuple[int, str]] = []
    holes = narrator_holes or {}
    only = fragments or {}
    for quote in quotes:
        if any(h_start <= start and end <= h_end for h_start, h_end in holes.get(quote.id, ())):
            continue
        parts = [(p.start, p.end) for p in quote.content_parts]
        for p_start, p_end in only.get(quote.id, parts):
            if p_start <= start and end <= p_end:
                holding.append((p_end - p_start, -_depth(quote, by_id), quote.id))
            elif p_start < end and start < p_end:
                overlapping.append((min(end, p_end) - max(start, p_start), quote.id))
    if holding:
        return min(holding)[2]
    if overlapping:
        return max(overlapping)[1]
    return None


def narrator_holes(doc: Doc, quotes: Sequence[Quote]) -> dict[str, list[tuple[int, int]]]:
    """The narrator's words inside mixed quotes: the object of the cue verb when the quoted
    fragment lies outside it. In ``Hamas called the strike a "massacre"`` or ``Tamir rejected
    the genocide accusation as "a blood libel"`` the object (``the strike``, ``the genocide
    accusation``) is how the narrator names the thing; only the fragment is the speaker's."""
    holes: dict[str, list[tuple[int, int]]] = {}
    if not doc.has_annotation("DEP"):
        return holes
    text = doc.text
    for quote in quotes:
        if quote.kind != "mixed" or quote.cue is None:
            continue
        cue = doc.char_span(quote.cue.start, quote.cue.end, alignment_mode="expand")
        if cue is None:
            continue
        for child in cue.root.children:
            if child.dep_ != "dobj":
                continue
            start = child.left_edge.idx
            last = child.right_edge
            end = last.idx + len(last.text)
            inside = quote.content.start <= start and end <= quote.content.end
            if inside and not any(ch in QUOTE_CHARS for ch in text[start:end]):
                holes.setdefault(quote.id, []).append((start, end))
    return holes


# Cues that name or describe something (``X called Y “Z”``): only the quoted fragment is the
# speaker's; what the quote finder's content holds around it is the narrator's or the enclosing
# speaker's.
_NAMING_CUES = frozenset(
    "call name dub label brand term describe characterize characterise portray depict cast".split()
)


def naming_fragments(
    doc: Doc, quotes: Sequence[Quote], quoted: Sequence[Quoted]
) -> dict[str, list[tuple[int, int]]]:
    """For each mixed quote cued by a naming verb, the quoted fragments inside its content."""
    found: dict[str, list[tuple[int, int]]] = {}
    for quote in quotes:
        if quote.kind != "mixed" or quote.cue is None:
            continue
        cue = doc.char_span(quote.cue.start, quote.cue.end, alignment_mode="expand")
        if cue is None or cue.root.lemma_.lower() not in _NAMING_CUES:
            continue
        inside = [
            (start, end)
            for q in quoted
            for start, end in q.parts
            if quote.content.start <= start and end <= quote.content.end
        ]
        if inside:
            found[quote.id] = inside
    return found


# --- quoted stretches: scare quotes, titles --------------------------------------------------

# Words before a quoted phrase that make it a name or a title, or a word mentioned as a word.
_TITLE_CUES = frozenset(
    """titled entitled called named dubbed nicknamed codenamed code-named headlined
    programme program show series film movie documentary book novel memoir song album play
    ballet opera musical poem painting exhibition installation sculpture single track episode
    podcast column article report headline magazine newspaper journal festival band game app
    operation campaign slogan hashtag motto
    term word words phrase label""".split()
)
_SPEECH_END = frozenset(",.!?;:…")
_WORD = re.compile(r"\w[\w'’-]*")
_MAX_SCARE_WORDS = 3


def _words_before(text: str, pos: int, n: int = 3) -> list[str]:
    line_start = text.rfind("\n", 0, pos) + 1
    return [w.lower() for w in _WORD.findall(text[line_start:pos])][-n:]


def _word_after(text: str, pos: int) -> str:
    found = _WORD.match(text, pos + len(text[pos:]) - len(text[pos:].lstrip(" ")))
    return found.group().lower() if found else ""


def _is_title(text: str, quoted: Quoted) -> bool:
    """A title or a name: ``a book titled "…"``, ``the ‘Morning Line’ programme``,
    ``known as "…"``, or a word mentioned as a word (``the word "…"``)."""
    before = _words_before(text, quoted.open)
    if _TITLE_CUES.intersection(before) or before[-2:] == ["known", "as"]:
        return True
    return _word_after(text, quoted.outer_end) in _TITLE_CUES


def _looks_like_speech(text: str, quoted: Quoted, content: str) -> bool:
    """A quoted sentence the quote finder left unattributed: not a scare quote."""
    if content.rstrip()[-1:] in _SPEECH_END:
        return True
    line_start = text.rfind("\n", 0, quoted.open) + 1
    return not text[line_start : quoted.open].strip()


def _overlaps(start: int, end: int, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in ranges)


@dataclass(slots=True)
class _Finding:
    start: int
    end: int
    term: str
    category: str
    alternatives: tuple[str, ...]


def _quoted_stretches(
    text: str, quote_parts: list[tuple[int, int]], quoted_stretches: Sequence[Quoted]
) -> tuple[list[Quoted], list[tuple[int, int]]]:
    """Quoted stretches that are nobody's quote: (scare quotes, other ranges: titles, mentions,
    unattributed quotations)."""
    scare: list[Quoted] = []
    other: list[tuple[int, int]] = []
    for quoted in quoted_stretches:
        if quoted.close is None or len(quoted.parts) != 1:
            if not _overlaps(quoted.start, quoted.end, quote_parts):
                other.append((quoted.open, quoted.outer_end))
            continue
        start, end = quoted.parts[0]
        if _overlaps(start, end, quote_parts):
            continue
        content = text[start:end]
        n_words = len(_WORD.findall(content))
        if (
            1 <= n_words <= _MAX_SCARE_WORDS
            and not _is_title(text, quoted)
            and not _looks_like_speech(text, quoted, content)
        ):
            scare.append(quoted)
        else:
            other.append((quoted.open, quoted.outer_end))
    return scare, other


def _inner_entry(matches: Sequence[PackMatch], start: int, end: int) -> PackEntry | None:
    for m in matches:
        if start <= m.start and m.end <= end and m.entry.term != SO_CALLED:
            return m.entry
    return None


def _scare_finding(text: str, quoted: Quoted, matches: Sequence[PackMatch]) -> _Finding:
    start, end = quoted.parts[0]
    content = text[start:end].strip()
    inner = _inner_entry(matches, start, end)
    whole = inner is not None and len(_WORD.findall(content)) == len(pattern_words(inner.term))
    return _Finding(
        start=quoted.open,
        end=quoted.outer_end,
        term=inner.term if (whole and inner is not None) else content.lower(),
        category=SCARE_QUOTES,
        alternatives=inner.alternatives if inner is not None else (),
    )


_NP_POS = frozenset({"ADJ", "NOUN", "PROPN"})
_MAX_SO_CALLED_TOKENS = 5


def _so_called_end(doc: Doc, match: PackMatch) -> int:
    """The character end of ``so-called X``: through the noun phrase after the words (and
    its quote marks when X is quoted), else the end of ``so-called`` itself."""
    i = match.token_end
    end = match.end
    opened = i < len(doc) and doc[i].text in QUOTE_CHARS
    if opened:
        i += 1
    last = i + _MAX_SO_CALLED_TOKENS
    while i < min(last, len(doc)):
        token = doc[i]
        if token.pos_ in {"NOUN", "PROPN"}:
            end = token.idx + len(token.text)
        elif not (token.pos_ in _NP_POS or token.text == "-"):
            break
        i += 1
    if opened and end > match.end and i < len(doc) and doc[i].text in QUOTE_CHARS:
        end = doc[i].idx + len(doc[i].text)
    return end


def _so_called_finding(doc: Doc, match: PackMatch, matches: Sequence[PackMatch]) -> _Finding:
    end = _so_called_end(doc, match)
    inner = _inner_entry(matches, match.end, end)
    return _Finding(
        start=match.start,
        end=end,
        term=SO_CALLED,
        category=match.entry.category,
        alternatives=inner.alternatives if inner is not None else match.entry.alternatives,
    )


def _leftmost_longest(findings: list[_Finding]) -> list[_Finding]:
    kept: list[_Finding] = []
    for f in sorted(findings, key=lambda f: (f.start, -(f.end - f.start))):
        if not kept or f.start >= kept[-1].end:
            kept.append(f)
    return kept


def _in_body(body: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return any(b_start <= start and end <= b_end for b_start, b_end in body)


def find_terms(doc: Doc, quotes: list[Quote], body: list[tuple[int, int]]) -> list[Term]:
    """The framing terms of ``doc`` inside ``body``, in text order, with their voice."""
    text = doc.text
    matches: list[PackMatch] = doc._.onrecord_terms
    if matches is None:
        matches = get_matcher().match(doc)
    quote_parts = [(p.start, p.end) for q in quotes for p in q.content_parts]
    quoted = find_quoted(text)
    scare, other_quoted = _quoted_stretches(text, quote_parts, quoted)

    findings = [_scare_finding(text, q, matches) for q in scare]
    for m in matches:
        if _overlaps(m.start, m.end, other_quoted):
            continue  # a title or a mention: nobody's word choice
        if m.entry.term == SO_CALLED:
            findings.append(_so_called_finding(doc, m, matches))
        else:
            findings.append(
                _Finding(m.start, m.end, m.entry.term, m.entry.category, m.entry.alternatives)
            )
    holes = narrator_holes(doc, quotes)
    fragments = naming_fragments(doc, quotes, quoted)
    return [
        Term(
            span=Span.of(text, f.start, f.end),
            term=f.term,
            category=f.category,
            voice=voice_of(f.start, f.end, quotes, holes, fragments),
            alternatives=list(f.alternatives),
        )
        for f in _leftmost_longest(findings)
        if _in_body(body, f.start, f.end)
    ]
