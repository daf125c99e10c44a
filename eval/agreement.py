"""Human agreement on PolNeAR: its annotators scored against each other like a system.

Eighteen PolNeAR documents (16 in train, 2 in dev) were annotated by five or six annotators
each; the evaluation uses one annotator's file per document (eval/brat.py). A system's F1
against one annotator means little without knowing how another annotator would score on the
same documents, so ``python -m eval.agreement`` scores every annotator's file against every
other's with the scorer of ``eval.run`` and prints, per role (content, cue, source,
attribution), partial and exact F1:

- **pairwise**: every ordered pair of annotators on a document, one as gold and the other as
  the prediction, counts pooled over pairs and documents (so precision equals recall: this is
  the mean agreement of two annotators);
- **per annotator**: each annotator as the prediction against every other one as gold;
- **best other annotator**: for each document, gold annotator and role, the other annotator
  who agrees best, chosen after seeing the scores (an optimistic bound of what a single
  annotator reaches against another);
- **majority of the other annotators**: the attributions that at least half of the other
  annotators marked, each role's span the one most of them agree with: what a system that
  reproduced the annotators' common judgement would score against one of them;
- **onrecord (rules)** on the same documents, against every annotator in turn.

``--write-docs`` puts the table in docs/EVALUATION.md between the agreement markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import sys
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from eval.brat import Attribution, GoldDocument, load_split, read_ann
from eval.metrics import ROLES, Counts, PredictedQuote, Scorer, _TokenIndex, jaccard
from eval.run import (
    EVALUATION_DOC,
    SystemResult,
    _git_commit,
    _onrecord_predictions,
    polnear_dir,
    write_between_markers,
)
from onrecord.train.brat import read_text

START_MARKER = "<!-- agreement:start -->"
END_MARKER = "<!-- agreement:end -->"

SpanTuple = tuple[tuple[int, int], ...]


@dataclass(slots=True)
class MultiDocument:
    """A document with every annotator's attributions, by annotator id."""

    split: str
    gold: GoldDocument
    annotations: dict[str, list[Attribution]]


def load_multi(corpus: Path, splits: Iterable[str] = ("train", "dev")) -> list[MultiDocument]:
    """Every document of ``splits`` that two or more annotators annotated."""
    out: list[MultiDocument] = []
    for split in splits:
        if not (corpus / split / "text").is_dir():
            continue
        for gold in load_split(corpus, split):
            if len(gold.annotators) < 2:
                continue
            ann_dir = corpus / split / "attributions"
            annotations = {}
            for annotator in gold.annotators:
                path = ann_dir / f"{gold.name}_{annotator}.ann"
                try:
                    ann_text = read_text(path)
                except (OSError, UnicodeDecodeError) as exc:
                    print(f"agreement: {path}: cannot be read ({exc}); annotator left out")
                    continue
                annotations[annotator] = read_ann(ann_text, gold.text, str(path)).attributions
            if len(annotations) >= 2:
                out.append(MultiDocument(split, gold, annotations))
    return out


def as_predictions(attributions: Sequence[Attribution]) -> list[PredictedQuote]:
    return [
        PredictedQuote(content=tuple(a.content), cue=tuple(a.cue), source=tuple(a.source))
        for a in attributions
    ]


DocCounts = dict[tuple[str, str, str], Counts]
#: Per document, every ordered pair of its annotators (gold, prediction) scored once.
PairCounts = list[dict[tuple[str, str], DocCounts]]


def pair_counts(docs: Sequence[MultiDocument]) -> PairCounts:
    return [
        {
            (gold_id, pred_id): Scorer().add_document(
                doc.gold.text, doc.annotations[gold_id], as_predictions(doc.annotations[pred_id])
            )
            for gold_id, pred_id in itertools.permutations(doc.annotations, 2)
        }
        for doc in docs
    ]


def _pooled(counts: Iterable[DocCounts]) -> Scorer:
    scorer = Scorer()
    for doc_counts in counts:
        for key, c in doc_counts.items():
            scorer.counts[key].add(c)
    return scorer


def pairwise(docs: Sequence[MultiDocument], pairs: PairCounts | None = None) -> Scorer:
    """Every ordered pair of annotators, the first as gold, pooled."""
    pairs = pair_counts(docs) if pairs is None else pairs
    return _pooled(c for doc in pairs for c in doc.values())


def per_annotator(
    docs: Sequence[MultiDocument], pairs: PairCounts | None = None
) -> dict[str, Scorer]:
    """Each annotator as the prediction, every other annotator of the same document as gold."""
    pairs = pair_counts(docs) if pairs is None else pairs
    by_prediction: dict[str, list[DocCounts]] = {}
    for doc in pairs:
        for (_, pred_id), c in doc.items():
            by_prediction.setdefault(pred_id, []).append(c)
    return {pred_id: _pooled(c) for pred_id, c in sorted(by_prediction.items())}


def best_other(
    docs: Sequence[MultiDocument], mode: str = "partial", pairs: PairCounts | None = None
) -> dict[str, Counts]:
    """Per document, gold annotator and role, the counts of the other annotator with the
    best F1 (ties: more matches, then the first), summed: an after-the-fact choice, so an
    optimistic figure."""
    pairs = pair_counts(docs) if pairs is None else pairs
    totals = {role: Counts() for role in ROLES}
    for doc in pairs:
        for gold_id in dict.fromkeys(g for g, _ in doc):
            others = [c for (g, _), c in doc.items() if g == gold_id]
            for role in ROLES:
                key = (role, "all", mode)
                totals[role].add(max((c[key] for c in others), key=lambda c: (c.f1, c.tp)))
    return totals


def _medoid(index: _TokenIndex, spans: Sequence[SpanTuple]) -> SpanTuple:
    """The span that partially matches (word Jaccard >= 0.5) most of the others; a span with
    no word (a cue ":") matches only an equal one; ties go to the first."""
    tokens = [index.token_ids(s) for s in spans]

    def support(i: int) -> int:
        return sum(
            (jaccard(tokens[i], t) >= 0.5) if tokens[i] and t else spans[i] == spans[j]
            for j, t in enumerate(tokens)
        )

    return spans[max(range(len(spans)), key=support)]


def majority(
    index: _TokenIndex, annotations: Mapping[str, Sequence[Attribution]]
) -> list[PredictedQuote]:
    """The attributions that at least half of ``annotations``' annotators marked.

    Attributions are grouped by content: each joins the first group whose first content it
    partially matches and that has none of its annotator's yet. Each role of a kept group
    is the medoid of its members' spans for that role (an empty role counts as a span)."""
    groups: list[tuple[frozenset[int], dict[str, Attribution]]] = []
    for annotator, attributions in annotations.items():
        for attribution in attributions:
            tokens = index.token_ids(tuple(attribution.content))
            for seed, members in groups:
                if annotator not in members and jaccard(tokens, seed) >= 0.5:
                    members[annotator] = attribution
                    break
            else:
                groups.append((tokens, {annotator: attribution}))
    need = (len(annotations) + 1) // 2
    out = []
    for _, members in groups:
        if len(members) < need:
            continue
        content, cue, source = (
            _medoid(index, [tuple(getattr(a, role)) for a in members.values()])
            for role in ("content", "cue", "source")
        )
        out.append(PredictedQuote(content=content, cue=cue, source=source))
    return out


def majority_of_others(docs: Sequence[MultiDocument]) -> Scorer:
    """Each annotator as gold against the majority of the document's other annotators."""
    scorer = Scorer()
    for doc in docs:
        index = _TokenIndex(doc.gold.text)
        for gold_id, gold in doc.annotations.items():
            others = {k: v for k, v in doc.annotations.items() if k != gold_id}
            scorer.add_document(doc.gold.text, gold, majority(index, others))
    return scorer


def against_every_annotator(
    docs: Sequence[MultiDocument], predictions: Mapping[str, Sequence[PredictedQuote]]
) -> Scorer:
    """A system's predictions (by document name) scored against each annotator in turn."""
    scorer = Scorer()
    for doc in docs:
        for gold in doc.annotations.values():
            scorer.add_document(doc.gold.text, gold, predictions.get(doc.gold.name, []))
    return scorer


@dataclass(slots=True, frozen=True)
class Fit:
    """A weighted least-squares line ``y = intercept + slope * x`` over documents."""

    slope: float
    intercept: float
    correlation: float

    def at(self, x: float) -> float:
        return self.intercept + self.slope * x


def weighted_fit(xs: Sequence[float], ys: Sequence[float], weights: Sequence[float]) -> Fit:
    total = sum(weights)
    mx = sum(w * x for w, x in zip(weights, xs, strict=True)) / total
    my = sum(w * y for w, y in zip(weights, ys, strict=True)) / total
    sxx = sum(w * (x - mx) ** 2 for w, x in zip(weights, xs, strict=True))
    syy = sum(w * (y - my) ** 2 for w, y in zip(weights, ys, strict=True))
    sxy = sum(w * (x - mx) * (y - my) for w, x, y in zip(weights, xs, ys, strict=True))
    slope = sxy / sxx if sxx else 0.0
    correlation = sxy / (sxx * syy) ** 0.5 if sxx and syy else 0.0
    return Fit(slope, my - slope * mx, correlation)


def difficulty_fits(
    docs: Sequence[MultiDocument],
    predictions: Mapping[str, Sequence[PredictedQuote]],
    pairs: PairCounts | None = None,
) -> dict[tuple[str, str], Fit]:
    """Per role, the annotators' agreement on a document (``pairwise`` and ``majority``)
    as a line in the rules' F1 on that document, weighted by the document's gold count.

    Documents that are hard for the rules are hard for the annotators too; evaluated at the
    rules' F1 on another set of documents, the line estimates the annotators' agreement on
    documents as hard as those."""
    pairs = pair_counts(docs) if pairs is None else pairs
    rules = [against_every_annotator([d], predictions).counts for d in docs]
    humans = {
        "pairwise": [_pooled(doc.values()).counts for doc in pairs],
        "majority": [majority_of_others([d]).counts for d in docs],
    }
    fits: dict[tuple[str, str], Fit] = {}
    for role in ROLES:
        key = (role, "all", "partial")
        xs = [r[key].f1 for r in rules]
        weights = [float(max(r[key].gold, 1)) for r in rules]
        for name, per_doc in humans.items():
            fits[(role, name)] = weighted_fit(xs, [h[key].f1 for h in per_doc], weights)
    return fits


def format_estimates(fits: Mapping[tuple[str, str], Fit], at: Mapping[str, float]) -> str:
    lines = [
        "| estimate for documents as hard as the rules' F1 below | content | cue | source "
        "| attribution |",
        "|---|---|---|---|---|",
        "| onrecord (rules), PolNeAR dev | " + " | ".join(_pct(at[r]) for r in ROLES) + " |",
    ]
    for name, label in (
        ("pairwise", "annotators, pairwise"),
        ("majority", "majority of the others"),
    ):
        cells = [_pct(fits[(r, name)].at(at[r])) for r in ROLES]
        lines.append(f"| {label} (estimated) | " + " | ".join(cells) + " |")
    cells = [f"{fits[(r, 'pairwise')].correlation:.2f}" for r in ROLES]
    lines.append("| correlation over documents: rules vs pairwise | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def rules_figures(path: Path, split: str = "all") -> dict[str, float]:
    """The rules' partial F1 per role from the ``--json`` file of ``python -m eval.run``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = data["systems"]["onrecord"]["figures"]
    return {
        r["role"]: float(r["f1"])
        for r in rows
        if r["split"] == split and r["mode"] == "partial" and r["role"] in ROLES
    }


def _role_tokens(
    index: _TokenIndex, attributions: Sequence[Attribution], role: str
) -> list[frozenset[int]]:
    return [index.token_ids(tuple(getattr(a, role))) for a in attributions if getattr(a, role)]


def disagreement_kinds(docs: Sequence[MultiDocument]) -> dict[str, dict[str, float]]:
    """Per role, the share of gold spans (over ordered annotator pairs) that the other
    annotator ``matched`` (word Jaccard >= 0.5 with one of theirs), drew with other
    ``boundaries`` (an overlapping span, Jaccard below 0.5), or left ``unmarked`` (no span of
    that role overlaps). Matching is not one-to-one here: it says what kind the misses are."""
    kinds = ("matched", "boundaries", "unmarked")
    counts = {role: dict.fromkeys(kinds, 0) for role in ("content", "cue", "source")}
    for doc in docs:
        index = _TokenIndex(doc.gold.text)
        for gold_id, pred_id in itertools.permutations(doc.annotations, 2):
            for role, tally in counts.items():
                predicted = _role_tokens(index, doc.annotations[pred_id], role)
                for gold in _role_tokens(index, doc.annotations[gold_id], role):
                    best = max((jaccard(gold, p) for p in predicted), default=0.0)
                    tally[kinds[0] if best >= 0.5 else kinds[1] if best > 0 else kinds[2]] += 1
    return {
        role: {k: v / max(sum(tally.values()), 1) for k, v in tally.items()}
        for role, tally in counts.items()
    }


@dataclass(slots=True)
class Row:
    who: str
    documents: int
    comparisons: int
    partial: dict[str, Counts]
    exact: dict[str, Counts] | None


def _row(who: str, documents: int, comparisons: int, scorer: Scorer) -> Row:
    return Row(
        who,
        documents,
        comparisons,
        {role: scorer.counts[(role, "all", "partial")] for role in ROLES},
        {role: scorer.counts[(role, "all", "exact")] for role in ROLES},
    )


def rows(
    docs: Sequence[MultiDocument], rules: Scorer | None = None, pairs: PairCounts | None = None
) -> list[Row]:
    pairs = pair_counts(docs) if pairs is None else pairs
    n_pairs = sum(len(doc) for doc in pairs)
    out = [_row("annotators, pairwise", len(docs), n_pairs, pairwise(docs, pairs))]
    for annotator, scorer in per_annotator(docs, pairs).items():
        n_docs = sum(annotator in d.annotations for d in docs)
        n_pairs = sum(len(d.annotations) - 1 for d in docs if annotator in d.annotations)
        out.append(_row(f"annotator {annotator} vs the others", n_docs, n_pairs, scorer))
    n_gold = sum(len(d.annotations) for d in docs)
    out.append(Row("best other annotator (chosen after the fact)", len(docs), n_gold,
                   best_other(docs, pairs=pairs), None))  # fmt: skip
    out.append(
        _row("majority of the other annotators", len(docs), n_gold, majority_of_others(docs))
    )
    if rules is not None:
        out.append(_row("onrecord (rules) vs each annotator", len(docs), n_gold, rules))
    return out


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def format_table(table: Sequence[Row]) -> str:
    lines = [
        "| who | documents | comparisons | content | cue | source | attribution "
        "| exact: content | cue | source | attribution |",
        "|" + "---|" * 11,
    ]
    for row in table:
        cells = [row.who, str(row.documents), str(row.comparisons)]
        cells += [_pct(row.partial[role].f1) for role in ROLES]
        cells += [_pct(row.exact[role].f1) if row.exact else "—" for role in ROLES]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def format_kinds(kinds: Mapping[str, Mapping[str, float]]) -> str:
    return "; ".join(
        f"{role}: " + ", ".join(f"{_pct(share)} % {kind}" for kind, share in shares.items())
        for role, shares in kinds.items()
    )


ESTIMATE_NOTE = (
    "These documents are not typical: documents that are hard for the rules are hard for the "
    "annotators too (the correlation over documents below), and the rules score lower on "
    "these than on PolNeAR dev. A line through the documents' figures (the annotators' "
    "agreement against the rules' F1, weighted by gold count), read at the rules' F1 on "
    "dev, estimates how far the annotators would agree on documents as hard as dev's. It is "
    "an extrapolation from 18 documents, not a measurement."
)


def write_docs(
    table: Sequence[Row],
    docs: Sequence[MultiDocument],
    path: Path,
    estimates: str | None = None,
) -> None:
    splits = ", ".join(
        f"{sum(d.split == s for d in docs)} {s}" for s in sorted({d.split for d in docs})
    )
    intro = (
        f"PolNeAR's annotators scored against each other with the scorer above (partial F1, "
        f"all attributions; then exact F1), on the {len(docs)} documents ({splits}) that five "
        "or six of them annotated. A comparison is one annotator's file scored against "
        "another's (for the best-other row: against one gold annotator). Pairwise counts "
        "are pooled over both directions, so precision equals recall there."
    )
    note = (
        "How to read it: a system is scored against one annotator per document, and another "
        "trained annotator following the same guidelines reaches the pairwise row on average; "
        "the best other annotator, picked per document and role after seeing the scores, is "
        "an optimistic bound for a single annotator. A system can exceed the pairwise figure "
        "(one annotator's slips are not another's): the majority of the other annotators is "
        "what a system reproducing the annotators' common judgement would score against one "
        "of them. What the annotators disagree on, per "
        "gold span of one annotator, in the other's file: "
        + format_kinds(disagreement_kinds(docs))
        + ". So most disagreement is whether a stretch is an attribution at all; the "
        "boundary cases are mostly a cue with or without what follows it (`said` against "
        "`said in a statement`, `said in an interview`, `said on the same call`)."
    )
    block = "\n".join(
        [
            "## Agreement between PolNeAR's annotators",
            "",
            f"Run on {dt.date.today().isoformat()} at commit `{_git_commit()}` with "
            "`python -m eval.agreement` (part of `make eval`).",
            "",
            textwrap.fill(intro, 92),
            "",
            format_table(table),
            "",
            textwrap.fill(note, 92),
        ]
    )
    if estimates:
        block += "\n\n" + textwrap.fill(ESTIMATE_NOTE, 92) + "\n\n" + estimates
    write_between_markers(path, block, START_MARKER, END_MARKER)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eval.agreement", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument(
        "--rules",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also score onrecord's rules on the same documents (default; about 20 s)",
    )
    parser.add_argument(
        "--rules-figures",
        type=Path,
        default=None,
        metavar="JSON",
        help="the --json output of python -m eval.run: estimate the annotators' agreement on "
        "documents as hard (for the rules) as that run's",
    )
    parser.add_argument(
        "--write-docs",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="rewrite the agreement table in docs/EVALUATION.md (default)",
    )
    args = parser.parse_args(argv)
    corpus = polnear_dir(args.shared)
    docs = load_multi(corpus)
    if not docs:
        print(f"agreement: skipped, no PolNeAR documents with several annotators at {corpus}")
        return 0
    at = None
    if args.rules_figures is not None:
        try:
            at = rules_figures(args.rules_figures)
        except (OSError, ValueError, KeyError) as exc:
            parser.exit(
                2, f"agreement: error: {args.rules_figures}: not eval.run figures ({exc})\n"
            )
    pairs = pair_counts(docs)
    rules = None
    estimates = None
    if args.rules or at is not None:
        result = SystemResult("onrecord")
        predictions = _onrecord_predictions([d.gold for d in docs], 1, result)
        rules = against_every_annotator(docs, predictions)
        if at is not None:
            estimates = format_estimates(difficulty_fits(docs, predictions, pairs), at)
    table = rows(docs, rules, pairs)
    print(f"agreement: {len(docs)} PolNeAR documents with several annotators")
    print(format_table(table))
    if estimates:
        print()
        print(estimates)
    if args.write_docs:
        write_docs(table, docs, EVALUATION_DOC, estimates)
        print(f"table written to {EVALUATION_DOC.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
