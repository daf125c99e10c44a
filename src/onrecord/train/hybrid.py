"""A first hybrid of rules and trained model: the spaCy component ``onrecord_attribution_model``.

Placed after ``onrecord_quotes``, it runs the role tagger of a model directory and adds each
attribution the model finds where the rules found nothing overlapping (neither its content
nor its cue). The rules' attributions are kept as they are, in their order, so their
``nested_in`` and ``continues`` indexes stay valid; the model's come after them, with a
lower confidence.

    nlp.add_pipe("onrecord_quotes")
    nlp.add_pipe("onrecord_attribution_model", config={"path": "models/attribution-polnear"})
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from ..components.quotes import Attribution
from .data import PredictedAttribution
from .model import AttributionModel

__all__ = ["AttributionModelComponent", "MODEL_CONFIDENCE", "merge_attributions"]

#: The confidence of an attribution only the model found.
MODEL_CONFIDENCE = 0.4
_QUOTE_MARKS = "\"“”«»„‘’'"


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _as_attribution(doc: Doc, predicted: PredictedAttribution) -> Attribution:
    parts = sorted(predicted.content)
    content = (parts[0][0], parts[-1][1])
    direct = doc.text[content[0]] in _QUOTE_MARKS or doc.text[content[1] - 1] in _QUOTE_MARKS
    source = predicted.source[0] if predicted.source else None
    source_head = -1
    if source is not None:
        span = doc.char_span(*source, alignment_mode="expand")
        if span is not None and len(span):
            source_head = span.root.i
    return Attribution(
        kind="direct" if direct else "indirect",
        content=content,
        parts=parts,
        cue=predicted.cue[0] if predicted.cue else None,
        source=source,
        confidence=MODEL_CONFIDENCE,
        source_head=source_head,
    )


def merge_attributions(
    doc: Doc, rules: Sequence[Attribution], predicted: Sequence[PredictedAttribution]
) -> list[Attribution]:
    """The rules' attributions, then the model's that overlap none of them."""
    merged = list(rules)
    taken: list[tuple[int, int]] = []
    for a in rules:
        taken.extend(a.parts or [a.content])
        if a.cue is not None:
            taken.append(a.cue)
    for p in predicted:
        if not p.content:
            continue
        mine = [*p.content, *p.cue]
        if any(_overlap(x, y) for x in mine for y in taken):
            continue
        merged.append(_as_attribution(doc, p))
        taken.extend(mine)
    return merged


class AttributionModelComponent:
    """Adds the trained model's attributions to ``doc._.onrecord_quotes``."""

    def __init__(self, path: str) -> None:
        self.model = AttributionModel.load(Path(path))

    def __call__(self, doc: Doc) -> Doc:
        rules = doc._.onrecord_quotes or []
        doc._.onrecord_quotes = merge_attributions(doc, rules, self.model.predict(doc))
        return doc


@Language.factory("onrecord_attribution_model", default_config={"path": ""})
def make_attribution_model(nlp: Language, name: str, path: str) -> AttributionModelComponent:
    """Factory: ``nlp.add_pipe("onrecord_attribution_model", config={"path": DIR})``
    after ``onrecord_quotes``."""
    return AttributionModelComponent(path)
