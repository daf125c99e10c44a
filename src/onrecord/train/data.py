"""Gold attributions -> BIO role tags over spaCy tokens, and tags -> attributions again.

Only the outermost attributions are tagged: one whose every part lies inside another
attribution's content is nested, and its roles would clash with the outer content's.
A token takes a role when it shares a character with one of the role's spans; where
roles of different attributions or parts collide, CUE wins over SOURCE over CONTENT.
A new span starts (``B-``) at each fragment of a discontinuous span and wherever the
role changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .brat import Attribution, Spans

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = [
    "LABELS",
    "ROLES",
    "PredictedAttribution",
    "RoleSpan",
    "bio_tags",
    "decode_roles",
    "link_roles",
    "mend_tags",
    "outermost",
]

ROLES = ("CUE", "SOURCE", "CONTENT")
LABELS = ("O", *(f"{prefix}-{role}" for role in ROLES for prefix in ("B", "I")))
_PRIORITY = {"CONTENT": 1, "SOURCE": 2, "CUE": 3}


def _inside(spans: Spans, outer: Spans) -> bool:
    return all(any(os <= s and e <= oe for os, oe in outer) for s, e in spans)


def outermost(attributions: Sequence[Attribution]) -> list[Attribution]:
    """The attributions that are not nested in another one's content."""
    kept: list[Attribution] = []
    for i, a in enumerate(attributions):
        parts = a.content + a.cue + a.source
        nested = any(
            j != i and _inside(parts, b.content) and (b.content != a.content or j < i)
            for j, b in enumerate(attributions)
        )
        if not nested:
            kept.append(a)
    return kept


def bio_tags(doc: Doc, attributions: Sequence[Attribution]) -> list[str]:
    """One BIO role tag per token of ``doc`` for the outermost ``attributions``."""
    roles: list[str | None] = [None] * len(doc)
    starts: list[bool] = [False] * len(doc)
    starts_idx = [t.idx for t in doc]
    for attribution in outermost(attributions):
        for role, spans in (
            ("CONTENT", attribution.content),
            ("SOURCE", attribution.source),
            ("CUE", attribution.cue),
        ):
            for start, end in spans:
                first = True
                for i in _tokens_in(doc, starts_idx, start, end):
                    current = roles[i]
                    if current is None or _PRIORITY[role] >= _PRIORITY[current]:
                        roles[i] = role
                        if first:
                            starts[i] = True
                    first = False
    tags: list[str] = []
    for i, tagged in enumerate(roles):
        if tagged is None:
            tags.append("O")
        elif starts[i] or i == 0 or roles[i - 1] != tagged:
            tags.append(f"B-{tagged}")
        else:
            tags.append(f"I-{tagged}")
    return tags


def _tokens_in(doc: Doc, starts_idx: list[int], start: int, end: int) -> range:
    """Indexes of the tokens sharing a character with ``[start, end)`` (whitespace-only
    tokens at the edges excluded)."""
    import bisect

    if end <= start:
        return range(0)
    lo = bisect.bisect_right(starts_idx, start) - 1
    lo = max(lo, 0)
    if lo < len(doc) and doc[lo].idx + len(doc[lo].text) <= start:
        lo += 1
    hi = bisect.bisect_left(starts_idx, end)
    while lo < hi and doc[lo].is_space:
        lo += 1
    while hi > lo and doc[hi - 1].is_space:
        hi -= 1
    return range(lo, hi)


# --- decoding ------------------------------------------------------------------------------


@dataclass(slots=True)
class PredictedAttribution:
    """An attribution put together from tagged role spans (character ranges)."""

    content: Spans = field(default_factory=list)
    cue: Spans = field(default_factory=list)
    source: Spans = field(default_factory=list)
    #: the cue span's score (:class:`RoleSpan`)
    confidence: float = 0.5


@dataclass(slots=True, frozen=True)
class RoleSpan:
    role: str
    start: int  # token index
    end: int  # token index, exclusive
    sentence: int
    #: the tagger's mean probability of this role over the span's words (1.0 when the
    #: tagger gives none: the spaCy tagger)
    score: float = 1.0


def mend_tags(doc: Doc, tags: Sequence[str]) -> list[str]:
    """A tagger's BIO tags mended where the annotation's own conventions are plain.

    - A space token within a line (a no-break space: "suspected\\xa0Crutcher\\xa0was") has no
      word pieces, so a transformer gives it no tag of its own and it reads ``O``; between two
      tokens of one role it takes that role, as the annotated spans do (517 such tokens inside
      content on PolNeAR train, all of them tagged with the content around them).
    - Two content spans abut within a sentence in 72 of PolNeAR train's 23,253 content
      starts, so a ``B-CONTENT`` right after content in the same sentence continues it.
    """
    mended = list(tags)
    for i in range(1, len(mended) - 1):
        token = doc[i]
        if mended[i] != "O" or not token.is_space or "\n" in token.text:
            continue
        before, after = mended[i - 1].partition("-")[2], mended[i + 1].partition("-")[2]
        if before and before == after:
            mended[i] = f"I-{before}"
            mended[i + 1] = f"I-{after}"
    for i in range(1, len(mended)):
        if (
            mended[i] == "B-CONTENT"
            and mended[i - 1].endswith("-CONTENT")
            and not doc[i].is_sent_start
        ):
            mended[i] = "I-CONTENT"
    return mended


def decode_roles(
    doc: Doc, tags: Sequence[str], scores: Sequence[float] | None = None
) -> list[RoleSpan]:
    """Token spans from BIO tags (an ``I-`` without its ``B-`` starts a span too); with
    ``scores`` (each tag's probability), a span's score is their mean over its words."""
    sentence_of = [0] * len(doc)
    if doc.has_annotation("SENT_START"):
        for n, sent in enumerate(doc.sents):
            for i in range(sent.start, sent.end):
                sentence_of[i] = n
    spans: list[RoleSpan] = []
    current: tuple[str, int] | None = None
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, role = tag.partition("-")
        if current is not None and (prefix != "I" or role != current[0]):
            start = current[1]
            score = 1.0
            if scores is not None:
                words = [scores[k] for k in range(start, i) if not doc[k].is_space]
                score = sum(words) / len(words) if words else 1.0
            spans.append(RoleSpan(current[0], start, i, sentence_of[start], score))
            current = None
        if prefix in ("B", "I") and current is None:
            current = (role, i)
    return spans


def _char_span(doc: Doc, span: RoleSpan) -> tuple[int, int]:
    last = doc[span.end - 1]
    return doc[span.start].idx, last.idx + len(last.text)


def link_roles(doc: Doc, spans: Sequence[RoleSpan]) -> list[PredictedAttribution]:
    """A first linker: every cue takes the content spans and the source span nearest to it
    in its own sentence or the next/previous one; content left over joins the nearest cue
    within one sentence, and content with no cue at all is dropped."""
    cues = [s for s in spans if s.role == "CUE"]
    if not cues:
        return []

    def distance(a: RoleSpan, b: RoleSpan) -> int:
        if a.end <= b.start:
            return b.start - a.end
        if b.end <= a.start:
            return a.start - b.end
        return 0

    def nearest_cue(span: RoleSpan, max_sentences: int) -> int | None:
        best: tuple[int, int] | None = None
        for n, cue in enumerate(cues):
            if abs(cue.sentence - span.sentence) > max_sentences:
                continue
            key = (distance(cue, span), n)
            if best is None or key < best:
                best = key
        return None if best is None else best[1]

    contents: dict[int, list[RoleSpan]] = {}
    sources: dict[int, list[RoleSpan]] = {}
    for span in spans:
        if span.role == "CONTENT":
            n = nearest_cue(span, 1)
            if n is not None:
                contents.setdefault(n, []).append(span)
        elif span.role == "SOURCE":
            n = nearest_cue(span, 0)
            if n is not None:
                sources.setdefault(n, []).append(span)
    result: list[PredictedAttribution] = []
    for n, cue in enumerate(cues):
        if n not in contents:
            continue
        source = min(sources.get(n, []), key=lambda s: distance(s, cue), default=None)
        result.append(
            PredictedAttribution(
                content=[_char_span(doc, s) for s in contents[n]],
                cue=[_char_span(doc, cue)],
                source=[] if source is None else [_char_span(doc, source)],
                confidence=cue.score,
            )
        )
    return result
