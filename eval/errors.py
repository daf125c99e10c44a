"""Error analysis of onrecord's attributions on a PolNeAR split (train, for development).

    python -m eval.errors --shared ../shared --split train [--limit N] [--cache DIR]
                          [--report OUT.txt]

The spaCy parses are cached (``--cache``, a DocBin per split and limit) so that a rule
change is re-scored in seconds: the quote component runs on the cached parses, exactly as
``eval.run`` runs it inside the pipeline. Prints the partial-match figures of ``eval.run``
and writes a report: false negatives and false positives by cue lemma, and by error type
(content found but the source or the cue differs, ...), with examples for reading.

The cue frames the extractor learns from train are counted by ``eval.cue_frames``.
Develop on train; dev is for confirming, never for tuning.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .brat import GoldDocument, load_split
from .metrics import PredictedQuote, Scorer, _TokenIndex, jaccard, spans_have_quote_mark
from .run import polnear_dir

if TYPE_CHECKING:
    from spacy.tokens import Doc


def parsed_docs(gold: Sequence[GoldDocument], cache: Path | None, key: str) -> list[Doc]:
    """The bare spaCy parses of the gold texts, from the cache when it holds them."""
    from spacy.tokens import DocBin

    from onrecord.nlp import get_parse_nlp

    nlp = get_parse_nlp()
    path = cache / f"{key}.spacy" if cache is not None else None
    if path is not None and path.is_file():
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
        if len(docs) == len(gold) and all(
            d.text == g.text for d, g in zip(docs, gold, strict=True)
        ):
            return docs
    nlp.max_length = max(nlp.max_length, 2_000_000)
    docs = list(nlp.pipe((g.text for g in gold), batch_size=16))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        DocBin(store_user_data=False, docs=docs).to_disk(path)
    return docs


@contextmanager
def rules_with(module: Any, name: str, value: Any, *caches: Callable[[], None]) -> Iterator[None]:
    """The rules with one module setting changed (a learned table switched off while it is
    counted again): ``caches`` (``cache_clear`` of what reads the setting) are cleared on the
    way in and out, and the setting is restored whatever happens."""
    previous = getattr(module, name)
    setattr(module, name, value)
    for clear in caches:
        clear()
    try:
        yield
    finally:
        setattr(module, name, previous)
        for clear in caches:
            clear()


def train_counting_inputs(
    prog: str, out: Path, argv: Sequence[str] | None
) -> tuple[argparse.Namespace, list[GoldDocument], list[Doc]] | None:
    """The command line of the counters that learn a table from PolNeAR train
    (``eval.cue_frames``, ``eval.cue_precision``): their options, the gold documents and
    their parses (cached). None, after saying so, when train is absent."""
    parser = argparse.ArgumentParser(prog=f"python -m {prog}")
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/onrecord-eval-cache"))
    parser.add_argument("--out", type=Path, default=out)
    args = parser.parse_args(argv)
    gold = load_split(polnear_dir(args.shared), "train")
    if not gold:
        print(f"{prog}: PolNeAR train not found")
        return None
    if args.limit is not None:
        gold = gold[: args.limit]
    return args, list(gold), parsed_docs(gold, args.cache, f"train-0-{args.limit}")


def predict(doc: Doc) -> list[PredictedQuote]:
    from onrecord.components.quotes import extract_attributions

    out = []
    for a in extract_attributions(doc):
        if a.nested_in is not None:
            continue  # not scored: PolNeAR annotates the outermost attribution only
        parts = a.parts or [a.content]
        out.append(
            PredictedQuote(
                content=tuple(parts),
                cue=() if a.cue is None else (a.cue,),
                source=() if a.source is None else (a.source,),
            )
        )
    return out


def _lemma_of(doc: Doc, spans: Sequence[tuple[int, int]]) -> str:
    """The cue's lemma: its last verb or noun, lower-cased (the cue text if none)."""
    if not spans:
        return "<none>"
    toks = [t for s, e in spans for t in doc.char_span(s, e, alignment_mode="expand") or []]
    verbs = [t for t in toks if t.pos_ in {"VERB"}]
    nouns = [t for t in toks if t.pos_ in {"NOUN", "ADP", "ADJ"}]
    pick = verbs[-1] if verbs else (nouns[-1] if nouns else (toks[-1] if toks else None))
    if pick is None:
        return "<none>"
    if pick.lower_ == "to" and len(toks) > 1 and toks[0].lower_ == "according":
        return "according to"
    return pick.lemma_.lower() if pick.is_alpha else pick.text


def _text(text: str, spans: Sequence[tuple[int, int]], width: int = 160) -> str:
    s = " | ".join(text[a:b] for a, b in spans).replace("\n", " ")
    return s if len(s) <= width else s[: width // 2] + " … " + s[-width // 2 :]


def analyse(gold: Sequence[GoldDocument], docs: Sequence[Doc], report: Path | None) -> Scorer:
    scorer = Scorer()
    fn_by_lemma: Counter[str] = Counter()
    fp_by_lemma: Counter[str] = Counter()
    tp_by_lemma: Counter[str] = Counter()
    types: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for g, doc in zip(gold, docs, strict=True):
        preds = predict(doc)
        scorer.add_document(g.text, g.attributions, preds)
        index = _TokenIndex(g.text)
        gtok = [index.token_ids(a.content) for a in g.attributions]
        ptok = [index.token_ids(p.content) for p in preds]
        # content pairing, greedy best first (as in metrics)
        cands = sorted(
            (
                (jaccard(a, b), i, j)
                for i, a in enumerate(gtok)
                for j, b in enumerate(ptok)
                if a & b
            ),
            key=lambda t: (-t[0], t[1], t[2]),
        )
        gm: dict[int, tuple[int, float]] = {}
        pm: dict[int, tuple[int, float]] = {}
        for s, i, j in cands:
            if s < 0.5 or i in gm or j in pm:
                continue
            gm[i] = (j, s)
            pm[j] = (i, s)
        # best overlap, for "boundary" errors
        best_g: dict[int, tuple[int, float]] = {}
        best_p: dict[int, tuple[int, float]] = {}
        for s, i, j in cands:
            best_g.setdefault(i, (j, s))
            best_p.setdefault(j, (i, s))
        for i, a in enumerate(g.attributions):
            side = "D" if spans_have_quote_mark(g.text, a.content) else "I"
            lemma = _lemma_of(doc, a.cue)
            if i not in gm:
                fn_by_lemma[lemma] += 1
                if i in best_g:
                    j, s = best_g[i]
                    pt, gt = ptok[j], gtok[i]
                    how = "pred longer" if pt > gt else "pred shorter" if pt < gt else "shifted"
                    kind = f"{side} FN content overlap<0.5 (boundary, {how})"
                    extra = f"  pred: {_text(g.text, preds[j].content)}"
                else:
                    kind = f"{side} FN content missed"
                    extra = ""
                types[kind] += 1
                examples[kind].append(
                    f"[{lemma}] cue={_text(g.text, a.cue)!r} src={_text(g.text, a.source)!r}"
                    f" @{g.name}:{a.content[0][0]}\n"
                    f"  gold: {_text(g.text, a.content)}\n{extra}"
                )
                continue
            j, _s = gm[i]
            p = preds[j]
            pc_lemma = _lemma_of(doc, p.cue)
            tp_by_lemma[pc_lemma] += 1
            gsrc = index.token_ids(a.source)
            psrc = index.token_ids(p.source)
            if a.source and (not p.source or jaccard(gsrc, psrc) < 0.5):
                kind = f"{side} source wrong" if p.source else f"{side} source missing"
                types[kind] += 1
                examples[kind].append(
                    f"[{lemma}] gold src={_text(g.text, a.source)!r} pred src="
                    f"{_text(g.text, p.source)!r}\n  content: {_text(g.text, a.content, 100)}"
                )
            elif not a.source and p.source:
                types[f"{side} source predicted, gold has none"] += 1
            gcue = index.token_ids(a.cue)
            pcue = index.token_ids(p.cue)
            if a.cue and (not p.cue or (gcue and pcue and jaccard(gcue, pcue) < 0.5)):
                kind = f"{side} cue wrong"
                types[kind] += 1
                examples[kind].append(
                    f"gold cue={_text(g.text, a.cue)!r} pred cue={_text(g.text, p.cue)!r}"
                    f"  content: {_text(g.text, a.content, 100)}"
                )
        for j, p in enumerate(preds):
            if j in pm:
                continue
            side = "D" if spans_have_quote_mark(g.text, p.content, margin=1) else "I"
            lemma = _lemma_of(doc, p.cue)
            fp_by_lemma[lemma] += 1
            if j in best_p:
                i, s = best_p[j]
                kind = f"{side} FP overlaps gold<0.5 (boundary)"
                extra = f"  gold: {_text(g.text, g.attributions[i].content)}"
            else:
                kind = f"{side} FP no gold"
                extra = ""
            types[kind] += 1
            examples[kind].append(
                f"[{lemma}] cue={_text(g.text, p.cue)!r} src={_text(g.text, p.source)!r}"
                f" @{g.name}:{p.content[0][0]}\n"
                f"  pred: {_text(g.text, p.content)}\n{extra}"
            )

    if report is not None:
        lines = ["# error types"]
        lines += [f"{n:6d}  {k}" for k, n in types.most_common()]
        lines.append("\n# by cue lemma: gold missed (FN) / predicted unmatched (FP) / matched (TP)")
        lemmas = set(fn_by_lemma) | set(fp_by_lemma) | set(tp_by_lemma)
        for lem in sorted(lemmas, key=lambda x: -(fn_by_lemma[x] + fp_by_lemma[x]))[:150]:
            lines.append(
                f"{lem:20s} FN {fn_by_lemma[lem]:5d}  FP {fp_by_lemma[lem]:5d}  TP {tp_by_lemma[lem]:5d}"
            )
        for kind, exs in sorted(examples.items()):
            lines.append(f"\n\n######## {kind} ({len(exs)})")
            lines += exs[:400]
        report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return scorer


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.errors")
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--split", default="train", choices=("dev", "train"))
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--offset", type=int, default=0)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/onrecord-eval-cache"))
    parser.add_argument("--report", type=Path, default=None)
    args = parser.parse_args(argv)
    gold = load_split(polnear_dir(args.shared), args.split)
    if not gold:
        print("eval.errors: PolNeAR not found")
        return 0
    gold = gold[args.offset :]
    if args.limit is not None:
        gold = gold[: args.limit]
    key = f"{args.split}-{args.offset}-{args.limit}"
    docs = parsed_docs(gold, args.cache, key)
    scorer = analyse(gold, docs, args.report)
    figs = scorer.figures()
    for role in ("content", "cue", "source", "attribution"):
        cells = []
        for split in ("direct", "indirect", "all"):
            f = figs[(role, split, "partial")]
            cells.append(
                f"{split} P{100 * f['precision']:5.1f} R{100 * f['recall']:5.1f} "
                f"F{100 * f['f1']:5.1f}"
            )
        print(f"{role:12s} " + " | ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
