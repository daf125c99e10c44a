"""Attribution extraction (stub; being written)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

__all__ = ["Attribution", "QuoteExtractor", "make_quote_component"]


@dataclass(slots=True)
class Attribution:
    kind: str
    content: tuple[int, int]
    parts: list[tuple[int, int]] = field(default_factory=list)
    cue: tuple[int, int] | None = None
    source: tuple[int, int] | None = None
    confidence: float = 0.5
    nested_in: int | None = None


if not Doc.has_extension("onrecord_quotes"):
    Doc.set_extension("onrecord_quotes", default=None)


class QuoteExtractor:
    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        doc._.onrecord_quotes = []
        return doc


@Language.factory("onrecord_quotes")
def make_quote_component(nlp: Language, name: str) -> Any:
    return QuoteExtractor(nlp, name)
