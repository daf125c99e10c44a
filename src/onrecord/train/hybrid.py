"""Rules and a trained model together: the spaCy component ``onrecord_attribution_model``.

Placed after ``onrecord_quotes``, it runs the role tagger of a model directory (either kind:
the spaCy tagger of :mod:`.model` or the transformer of :mod:`.transformer`) and combines
its role spans with the rules' attributions. What the combination does is the ``mode``:

- ``add``: the rules' attributions as they are, plus each one the model finds (cue, content
  and source linked by :func:`.data.link_roles`) where the rules found nothing overlapping;
- ``veto``: ``add``, and a rules' attribution (with what is nested in it) is dropped when
  the model tags neither content over its content nor a cue over its cue;
- ``hybrid`` (the default): ``veto``, and an indirect or mixed attribution goes when the
  model tags no cue over its cue; the boundaries of an indirect or mixed attribution's
  content and of its cue are the model's where the model's span overlaps the rules' (a
  direct quote keeps the span its quote marks give; sources stay the rules'); of the
  attributions only the model found, those with fewer than :data:`MIN_ADDED_WORDS` words
  of content or a cue scored below :data:`MIN_ADDED_CUE_SCORE` are left out, and the
  source of the rest is the subject of the cue's verb (the model's source span there when
  it has one) where the linker found none or another;
- ``model``: the model's attributions alone (the ablation baseline).

The rules still give what the model does not: the kind (direct, indirect, mixed), speaker
resolution (from the source's head), nesting and floating quotes. Attributions only the
model found get confidence :data:`MODEL_CONFIDENCE`.

    nlp.add_pipe("onrecord_quotes")
    nlp.add_pipe("onrecord_attribution_model", config={"path": "models/attribution-polnear"})
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from spacy.language import Language
from spacy.tokens import Doc

from ..components.quotes import Attribution, _doc_text
from ..errors import OnrecordError
from .data import PredictedAttribution, RoleSpan, _char_span, link_roles

__all__ = [
    "AttributionModelComponent",
    "MODEL_CONFIDENCE",
    "MODES",
    "combine",
    "load_attribution_model",
    "merge_attributions",
]

#: The confidence of an attribution only the model found.
MODEL_CONFIDENCE = 0.4
MODES = ("hybrid", "veto", "add", "model")
_QUOTE_MARKS = "\"“”«»„‘’'"

Span = tuple[int, int]


class RoleModel(Protocol):
    def role_spans(self, doc: Doc) -> list[RoleSpan]: ...


def load_attribution_model(path: Path, *, quantize: bool = False) -> RoleModel:
    """The model in ``path``, whichever kind its ``onrecord-model.json`` names
    (``quantize``: int8 linear layers for a transformer model)."""
    from .model import MODEL_KIND, AttributionModel, read_meta

    meta = read_meta(path)
    if meta.get("kind") == MODEL_KIND:
        return AttributionModel.load(path)
    from .transformer import TRANSFORMER_FORMAT, TRANSFORMER_KIND, TransformerModel

    if meta.get("kind") == TRANSFORMER_KIND and meta.get("format") == TRANSFORMER_FORMAT:
        return TransformerModel.load(path, meta, quantize=quantize)
    raise OnrecordError(
        f"{path}: a model of kind {meta.get('kind')!r} format {meta.get('format')!r}; "
        f"this onrecord reads {MODEL_KIND!r} and {TRANSFORMER_KIND!r}"
    )


def _overlap(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _head(doc: Doc, span: Span | None) -> int:
    if span is None:
        return -1
    found = doc.char_span(*span, alignment_mode="expand")
    return found.root.i if found is not None and len(found) else -1


def _as_attribution(doc: Doc, predicted: PredictedAttribution) -> Attribution:
    parts = sorted(predicted.content)
    content = (parts[0][0], parts[-1][1])
    text = _doc_text(doc)  # built once per Doc (the rules cached it)
    direct = text[content[0]] in _QUOTE_MARKS or text[content[1] - 1] in _QUOTE_MARKS
    source = predicted.source[0] if predicted.source else None
    return Attribution(
        kind="direct" if direct else "indirect",
        content=content,
        parts=parts,
        cue=predicted.cue[0] if predicted.cue else None,
        source=source,
        confidence=MODEL_CONFIDENCE,
        source_head=_head(doc, source),
    )


def merge_attributions(
    doc: Doc, rules: Sequence[Attribution], predicted: Sequence[PredictedAttribution]
) -> list[Attribution]:
    """The rules' attributions, then the model's that overlap none of them (mode ``add``)."""
    merged = list(rules)
    taken: list[Span] = []
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


def _drop(rules: Sequence[Attribution], dropped: set[int]) -> list[Attribution]:
    """``rules`` without ``dropped`` (and what is nested in a dropped one), indexes re-pointed."""
    changed = True
    while changed:
        changed = False
        for n, a in enumerate(rules):
            if n not in dropped and a.nested_in is not None and a.nested_in in dropped:
                dropped.add(n)
                changed = True
    new_index: dict[int, int] = {}
    kept: list[Attribution] = []
    for n, a in enumerate(rules):
        if n not in dropped:
            new_index[n] = len(kept)
            kept.append(a)
    for a in kept:
        if a.nested_in is not None:
            a.nested_in = new_index.get(a.nested_in)
        if a.continues is not None:
            a.continues = new_index.get(a.continues)
    return kept


def combine(
    doc: Doc, rules: Sequence[Attribution], spans: Sequence[RoleSpan], mode: str = "hybrid"
) -> list[Attribution]:
    """The rules' attributions and the model's role spans combined as ``mode`` says."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; one of {', '.join(MODES)}")
    predicted = link_roles(doc, spans)
    if mode == "model":
        return [_as_attribution(doc, p) for p in predicted if p.content]
    if mode == "add":
        return merge_attributions(doc, rules, predicted)
    by_role: dict[str, list[Span]] = {"CUE": [], "SOURCE": [], "CONTENT": []}
    for span in spans:
        by_role[span.role].append(_char_span(doc, span))
    adjusted: list[Attribution] = []
    dropped: set[int] = set()
    for n, a in enumerate(rules):
        a = replace(a, parts=list(a.parts))
        adjusted.append(a)
        if a.nested_in is not None:
            continue
        contents = [c for c in by_role["CONTENT"] if _overlap(c, a.content)]
        cues = [c for c in by_role["CUE"] if a.cue is not None and _overlap(c, a.cue)]
        # hybrid: an indirect or mixed attribution stands on its cue, so a cue the model
        # does not tag takes it away; a direct quote has its quote marks besides
        cue_vetoed = mode == "hybrid" and a.kind != "direct" and a.cue is not None
        if not cues and (cue_vetoed or not contents):
            dropped.add(n)
            continue
        if mode != "hybrid":
            continue
        if contents and a.kind != "direct":
            parts = sorted(contents)
            a.parts = parts
            a.content = (parts[0][0], parts[-1][1])
        if cues:
            a.cue = cues[0]
    kept = _drop(adjusted, dropped)
    if mode == "veto":
        return merge_attributions(doc, kept, predicted)
    sure = [p for p in predicted if p.confidence >= MIN_ADDED_CUE_SCORE]
    merged = merge_attributions(doc, kept, sure)
    sources = by_role["SOURCE"]
    result = list(kept)
    for a in merged[len(kept) :]:
        if _words(doc, a.content) < MIN_ADDED_WORDS:
            continue
        found = _subject_of_cue(doc, a.cue)
        if found is not None and (a.source is None or not _overlap(a.source, found)):
            # the model's own source span where it overlaps the cue's subject
            a.source = next((x for x in sources if _overlap(x, found)), found)
            a.source_head = _head(doc, a.source)
        result.append(a)
    return result


#: An attribution only the model found needs this many words of content (hybrid mode):
#: one-word ones ("power") were mostly wrong.
MIN_ADDED_WORDS = 2
#: An attribution only the model found needs its cue tagged this surely: the mean
#: probability of the cue role over the cue's words (hybrid mode).
#: Both chosen on PolNeAR train with models trained on the other half of it (each
#: document scored by a model that never saw it), docs/TRAINING.md.
MIN_ADDED_CUE_SCORE = 0.6
_SUBJECTS = {"nsubj", "nsubjpass"}
#: A cue that is an open complement or a conjunct takes the subject of its head
#: ("needed to mention", "said and repeated").
_CLIMB = {"xcomp", "conj", "advcl", "acl", "pcomp"}


def _words(doc: Doc, span: Span) -> int:
    found = doc.char_span(*span, alignment_mode="expand")
    return sum(1 for t in found or () if not (t.is_punct or t.is_space))


def _subject_of_cue(doc: Doc, cue: Span | None) -> Span | None:
    """The subject of the cue's verb (or the possessor of a noun cue: "Stumpf's repeated
    emphasis"), cut before a relative clause or apposition; None when there is none."""
    if cue is None:
        return None
    found = doc.char_span(*cue, alignment_mode="expand")
    if found is None or not len(found):
        return None
    token = found.root
    for _ in range(4):
        for child in token.children:
            noun_cue = token.pos_ in ("NOUN", "PROPN") and child.dep_ == "poss"
            if child.dep_ not in _SUBJECTS and not noun_cue:
                continue
            end = child.i + 1
            for t in child.subtree:
                if t.i > child.i and t.head == child and t.dep_ in ("relcl", "acl", "punct"):
                    break
                end = max(end, t.i + 1)
            if noun_cue and doc[end - 1].dep_ == "case":
                end -= 1
            first, last = doc[child.left_edge.i], doc[end - 1]
            return first.idx, last.idx + len(last.text)
        if token.dep_ in _CLIMB and token.head is not token:
            token = token.head
            continue
        break
    return None


class AttributionModelComponent:
    """Combines the trained model's role spans with ``doc._.onrecord_quotes``."""

    def __init__(self, path: str, mode: str = "hybrid", quantize: bool = False) -> None:
        if mode not in MODES:
            raise OnrecordError(
                f"unknown attribution model mode {mode!r}; one of {', '.join(MODES)}"
            )
        self.model = load_attribution_model(Path(path), quantize=quantize)
        self.mode = mode

    def __call__(self, doc: Doc) -> Doc:
        rules = doc._.onrecord_quotes or []
        doc._.onrecord_quotes = combine(doc, rules, self.model.role_spans(doc), self.mode)
        return doc


@Language.factory(
    "onrecord_attribution_model",
    default_config={"path": "", "mode": "hybrid", "quantize": False},
)
def make_attribution_model(
    nlp: Language, name: str, path: str, mode: str, quantize: bool
) -> AttributionModelComponent:
    """Factory: ``nlp.add_pipe("onrecord_attribution_model", config={"path": DIR})``
    after ``onrecord_quotes``."""
    return AttributionModelComponent(path, mode, quantize)
