"""Assemble the contract's Record from a Document and its processed spaCy Doc."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .components.claims import check_consistency, extract_claims
from .components.dates import extract_dates
from .components.framing import find_terms
from .components.quotes import Attribution
from .components.speakers import resolve_speakers
from .types import AssertedBy, Document, Quote, Record, Span, Speaker

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["record_from_doc", "in_body"]


def in_body(body: list[tuple[int, int]], text: str, start: int, end: int) -> bool:
    """True when [start, end) lies in the body: whatever falls outside the body ranges is
    whitespace (a quote over two paragraphs spans two ranges and the blank line between)."""
    pos = start
    for b_start, b_end in sorted(body):
        if b_end <= pos or b_start >= end:
            continue
        if text[pos : max(pos, b_start)].strip():
            return False
        pos = max(pos, b_end)
        if pos >= end:
            return True
    return not text[pos:end].strip()


def record_from_doc(document: Document, doc: Doc, *, pipeline: str = "") -> Record:
    text = document.text
    body = document.body if document.body else [(0, len(text))]
    attributions: list[Attribution] = [
        a for a in (doc._.onrecord_quotes or []) if in_body(body, text, *a.content)
    ]
    resolution = resolve_speakers(doc, attributions)

    def span(rng: tuple[int, int] | None) -> Span | None:
        return None if rng is None else Span.of(text, rng[0], rng[1])

    quotes: list[Quote] = []
    index_to_id = {i: f"q{i + 1}" for i in range(len(attributions))}
    for i, att in enumerate(attributions):
        speaker = resolution.speakers[i]
        content = Span.of(text, *att.content)
        parts = [Span.of(text, s, e) for s, e in att.parts] or [content]
        quotes.append(
            Quote(
                id=index_to_id[i],
                kind=att.kind,  # type: ignore[arg-type]
                content=content,
                content_parts=parts,
                cue=span(att.cue),
                source=span(att.source),
                speaker=None
                if speaker is None
                else Speaker(entity=speaker.id, name=speaker.name, type=speaker.type),  # type: ignore[arg-type]
                nested_in=index_to_id.get(att.nested_in) if att.nested_in is not None else None,
                confidence=round(att.confidence, 3),
            )
        )
    claims = extract_claims(
        doc,
        attributions,
        [None if s is None else AssertedBy(entity=s.id, name=s.name) for s in resolution.speakers],
        [index_to_id[i] for i in range(len(attributions))],
        body,
    )
    return Record(
        id=document.id,
        source=document.source,
        title=document.title,
        outlet=document.outlet,
        url=document.url,
        published=document.published,
        language=document.language,
        text=text,
        body=[Span.of(text, s, e) for s, e in body],
        quotes=quotes,
        claims=claims,
        entities=resolution.entities,
        dates=extract_dates(text, document.published, body),
        framing=find_terms(doc, quotes, body),
        consistency=check_consistency(claims, text),
        pipeline=pipeline,
    )
