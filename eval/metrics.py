"""Scoring predicted attributions against gold ones, per document, summed over documents.

Everything here is pure and works on character spans into one document text, so
the same code scores onrecord, the textacy baseline, and hand-written test cases.

Roles are scored separately (content, cue, source) and together ("attribution").
Two match modes:

- exact: the spans are equal once whitespace, punctuation and quote marks are
  trimmed from both ends of every part (annotators and systems disagree about
  whether the closing comma or the quote marks belong to a quote; that is not
  what we want to measure);
- partial: the word-token Jaccard of the two spans is at least 0.5. Word tokens
  are runs of letters and digits *at a position in the text*, so "he" in one
  paragraph never matches "he" in another.

Matching is one-to-one and greedy: candidate pairs are taken best score first.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

__all__ = [
    "MODES",
    "ROLES",
    "SPLITS",
    "Counts",
    "GoldLike",
    "Item",
    "PredictedQuote",
    "Scorer",
    "exact_key",
    "has_quote_mark",
    "jaccard",
    "word_tokens",
]

Spans = Sequence[tuple[int, int]]

ROLES = ("content", "cue", "source", "attribution")
SPLITS = ("direct", "indirect", "all")
MODES = ("exact", "partial")

PARTIAL_THRESHOLD = 0.5

#: Characters used as quotation marks. ‘ and ’ double as apostrophes; see ``has_quote_mark``.
QUOTE_MARKS = frozenset('"“”«»„‘’')
_APOSTROPHE_LIKE = frozenset("‘’")
_WORD = re.compile(r"[^\W_]+")


@dataclass(slots=True, frozen=True)
class PredictedQuote:
    """A system's attribution, reduced to what is scored. Spans are (start, end) ranges."""

    content: tuple[tuple[int, int], ...]
    cue: tuple[tuple[int, int], ...] = ()
    source: tuple[tuple[int, int], ...] = ()


def has_quote_mark(text: str, start: int = 0, end: int | None = None) -> bool:
    """True when ``text[start:end]`` holds a quotation mark.

    ‘ and ’ double as apostrophes, so they count only when not between two
    letters ("don’t"), not before a digit ("’90s"), and not a plural possessive:
    after an "s" and before a space and a lower-case word ("voters’ choice").
    The closing ’ of "‘no comment’" counts. Neighbouring characters outside the
    range are consulted for these tests.
    """
    stop = len(text) if end is None else min(end, len(text))
    for i in range(max(start, 0), stop):
        ch = text[i]
        if ch not in QUOTE_MARKS:
            continue
        if ch in _APOSTROPHE_LIKE:
            before = text[i - 1] if i > 0 else ""
            after = text[i + 1] if i + 1 < len(text) else ""
            if (before.isalpha() and after.isalpha()) or after.isdigit():
                continue
            if before == "s" and after == " " and text[i + 2 : i + 3].islower():
                continue
        return True
    return False


def spans_have_quote_mark(text: str, spans: Spans, margin: int = 0) -> bool:
    return any(has_quote_mark(text, s - margin, e + margin) for s, e in spans)


def _is_trimmable(ch: str) -> bool:
    return ch.isspace() or ch in QUOTE_MARKS or unicodedata.category(ch).startswith("P")


def exact_key(text: str, spans: Spans) -> tuple[tuple[int, int], ...]:
    """The spans with trimmable characters removed from both ends of each part.

    Empty parts are dropped and parts separated only by trimmable characters are
    merged, so ``“A,” “B.”`` as two parts equals ``A,” “B`` as one.
    """
    trimmed: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        end = min(end, len(text))
        while start < end and _is_trimmable(text[start]):
            start += 1
        while end > start and _is_trimmable(text[end - 1]):
            end -= 1
        if start < end:
            trimmed.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in trimmed:
        if merged and all(_is_trimmable(c) for c in text[merged[-1][1] : start]):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


class _TokenIndex:
    """Word-token positions of one text, to turn spans into token-id sets quickly."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        self.starts = [s for s, _ in self.tokens]

    def token_ids(self, spans: Spans) -> frozenset[int]:
        ids: set[int] = set()
        for start, end in spans:
            # widen by one token each side: a span may cut into a word
            lo = max(bisect_right(self.starts, start) - 1, 0)
            hi = bisect_left(self.starts, end)
            for i in range(lo, hi):
                tok_start, tok_end = self.tokens[i]
                covered = min(end, tok_end) - max(start, tok_start)
                # a token belongs to a span when the span covers most of it, so an
                # off-by-one boundary neither adds nor drops a word
                if covered * 2 > tok_end - tok_start:
                    ids.add(i)
        return frozenset(ids)


def word_tokens(text: str, spans: Spans) -> frozenset[int]:
    """Indices of the word tokens of ``text`` covered by ``spans``."""
    return _TokenIndex(text).token_ids(spans)


def _char_set(text: str, spans: Spans) -> frozenset[int]:
    return frozenset(
        i for s, e in spans for i in range(s, min(e, len(text))) if not text[i].isspace()
    )


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


class GoldLike(Protocol):
    """What the scorer reads from a gold attribution (``eval.brat.Attribution`` fits)."""

    @property
    def content(self) -> Spans: ...
    @property
    def cue(self) -> Spans: ...
    @property
    def source(self) -> Spans: ...


@dataclass(slots=True)
class Item:
    """One scorable span set (a role of one attribution) with the split it counts in."""

    spans: tuple[tuple[int, int], ...]
    direct: bool
    tokens: frozenset[int] = frozenset()
    chars: frozenset[int] = frozenset()
    key: tuple[tuple[int, int], ...] = ()


def item_of(text: str, index: _TokenIndex, spans: Spans, direct: bool = False) -> Item:
    """The scorable form of one role's spans in ``text`` (``index`` is its word index)."""
    spans = tuple(sorted(spans))
    return Item(
        spans=spans,
        direct=direct,
        tokens=index.token_ids(spans),
        chars=_char_set(text, spans),
        key=exact_key(text, spans),
    )


def partial_match(a: Item, b: Item) -> bool:
    """The two items match in the partial mode (word-token Jaccard at least 0.5)."""
    return _similarity(a, b) >= PARTIAL_THRESHOLD


def _similarity(a: Item, b: Item) -> float:
    # Spans with no word at all (a cue ":" or "—") fall back to non-space characters.
    if a.tokens and b.tokens:
        return jaccard(a.tokens, b.tokens)
    return jaccard(a.chars, b.chars)


def _greedy(scores: Iterable[tuple[float, int, int]]) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    # ties broken by position so the result does not depend on dict or set order
    for _score, g, p in sorted(scores, key=lambda t: (-t[0], t[1], t[2])):
        if g in used_gold or p in used_pred:
            continue
        used_gold.add(g)
        used_pred.add(p)
        pairs.append((g, p))
    return pairs


@dataclass(slots=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def gold(self) -> int:
        return self.tp + self.fn

    @property
    def pred(self) -> int:
        return self.tp + self.fp

    @property
    def precision(self) -> float:
        return self.tp / self.pred if self.pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn


def _tally(
    gold: Sequence[Item], pred: Sequence[Item], pairs: list[tuple[int, int]]
) -> dict[str, Counts]:
    """Counts per split: a matched prediction sides with its gold, an unmatched one with itself."""
    out = {split: Counts() for split in SPLITS}
    matched_gold = {g for g, _ in pairs}
    matched_pred = {p for _, p in pairs}
    for g, _ in pairs:
        side = "direct" if gold[g].direct else "indirect"
        out[side].tp += 1
    for i, item in enumerate(gold):
        if i not in matched_gold:
            out["direct" if item.direct else "indirect"].fn += 1
    for i, item in enumerate(pred):
        if i not in matched_pred:
            out["direct" if item.direct else "indirect"].fp += 1
    for split in ("direct", "indirect"):
        out["all"].add(out[split])
    return out


@dataclass(slots=True)
class Scorer:
    """Accumulates counts over documents: ``counts[(role, split, mode)]``."""

    counts: dict[tuple[str, str, str], Counts] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for role in ROLES:
            for split in SPLITS:
                for mode in MODES:
                    self.counts.setdefault((role, split, mode), Counts())

    def add_document(
        self,
        text: str,
        gold: Sequence[GoldLike],
        predicted: Sequence[PredictedQuote],
    ) -> dict[tuple[str, str, str], Counts]:
        """Score one document and add it to the totals; returns this document's counts."""
        index = _TokenIndex(text)

        def item(spans: Spans, direct: bool) -> Item:
            return item_of(text, index, spans, direct)

        gold_direct = [spans_have_quote_mark(text, g.content) for g in gold]
        # an unmatched prediction is direct when a quote mark is in or right beside its content
        pred_direct = [spans_have_quote_mark(text, p.content, margin=1) for p in predicted]

        doc_counts: dict[tuple[str, str, str], Counts] = {}
        role_items: dict[str, tuple[list[Item], list[int], list[Item], list[int]]] = {}
        for role in ("content", "cue", "source"):
            g_items, g_idx, p_items, p_idx = [], [], [], []
            for i, g in enumerate(gold):
                spans = getattr(g, role)
                if spans:
                    g_items.append(item(spans, gold_direct[i]))
                    g_idx.append(i)
            for j, p in enumerate(predicted):
                spans = getattr(p, role)
                if spans:
                    p_items.append(item(spans, pred_direct[j]))
                    p_idx.append(j)
            role_items[role] = (g_items, g_idx, p_items, p_idx)
            for mode in MODES:
                pairs = _greedy(_role_scores(g_items, p_items, mode))
                for split, c in _tally(g_items, p_items, pairs).items():
                    doc_counts[(role, split, mode)] = c

        for mode in MODES:
            pairs = _greedy(_attribution_scores(role_items, len(gold), len(predicted), mode))
            g_all = [Item((), d) for d in gold_direct]
            p_all = [Item((), d) for d in pred_direct]
            for split, c in _tally(g_all, p_all, pairs).items():
                doc_counts[("attribution", split, mode)] = c

        for key, c in doc_counts.items():
            self.counts[key].add(c)
        return doc_counts

    def figures(self) -> dict[tuple[str, str, str], dict[str, float]]:
        """``{(role, split, mode): {gold, pred, tp, precision, recall, f1}}``."""
        return {
            key: {
                "gold": c.gold,
                "pred": c.pred,
                "tp": c.tp,
                "precision": c.precision,
                "recall": c.recall,
                "f1": c.f1,
            }
            for key, c in self.counts.items()
        }


def _role_scores(gold: list[Item], pred: list[Item], mode: str) -> list[tuple[float, int, int]]:
    scores: list[tuple[float, int, int]] = []
    for g, gi in enumerate(gold):
        for p, pi in enumerate(pred):
            if mode == "exact":
                if gi.key and gi.key == pi.key:
                    scores.append((1.0, g, p))
            else:
                s = _similarity(gi, pi)
                if s >= PARTIAL_THRESHOLD:
                    scores.append((s, g, p))
    return scores


def _attribution_scores(
    role_items: dict[str, tuple[list[Item], list[int], list[Item], list[int]]],
    n_gold: int,
    n_pred: int,
    mode: str,
) -> list[tuple[float, int, int]]:
    """Content must match; so must the source, unless the gold attribution has none."""

    def by_attribution(role: str) -> tuple[dict[int, Item], dict[int, Item]]:
        g_items, g_idx, p_items, p_idx = role_items[role]
        return dict(zip(g_idx, g_items, strict=True)), dict(zip(p_idx, p_items, strict=True))

    g_content, p_content = by_attribution("content")
    g_source, p_source = by_attribution("source")

    def score(a: Item, b: Item) -> float | None:
        if mode == "exact":
            return 1.0 if a.key and a.key == b.key else None
        s = _similarity(a, b)
        return s if s >= PARTIAL_THRESHOLD else None

    scores: list[tuple[float, int, int]] = []
    for g in range(n_gold):
        gc = g_content.get(g)
        if gc is None:
            continue
        for p in range(n_pred):
            pc = p_content.get(p)
            if pc is None:
                continue
            content_score = score(gc, pc)
            if content_score is None:
                continue
            gs = g_source.get(g)
            if gs is None:
                scores.append((content_score, g, p))
                continue
            ps = p_source.get(p)
            source_score = None if ps is None else score(gs, ps)
            if source_score is not None:
                scores.append(((content_score + source_score) / 2, g, p))
    return scores
