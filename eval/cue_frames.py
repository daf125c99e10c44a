"""Count how reliable each cue frame is on PolNeAR train: resources/cue_frames.tsv.

    python -m eval.cue_frames --shared ../shared [--limit N]

A frame is a word with the slot that would hold attributed content (``endorse`` +
``dobj``, ``talk`` + ``prep:about``, ``criticism`` + ``nprep:of``; see
``onrecord.components.quotes.frame_candidates``). For every occurrence outside quote marks,
the candidate content is compared with the gold contents of the document (word-token
Jaccard at least 0.5, as in the evaluation): ``seen`` counts occurrences, ``matched`` those
that a gold attribution confirms. Occurrences inside the content of an attribution the other
rules find are left out: they would be nested attributions, which PolNeAR does not annotate
(and the evaluation does not score). The extractor uses the frames that are seen often enough
and right often enough. Only lemmas, frame names and counts are written, no PolNeAR text.
Counted on train only: dev stays unseen.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from .errors import rules_with, train_counting_inputs
from .metrics import _TokenIndex, jaccard

REPO_ROOT = Path(__file__).resolve().parents[1]
OUT = REPO_ROOT / "src" / "onrecord" / "resources" / "cue_frames.tsv"
#: Frames written to the file: seen at least this often, and right at least this share.
MIN_SEEN = 3
MIN_SHARE = 0.2


def main(argv: Sequence[str] | None = None) -> int:
    from onrecord.components import quotes
    from onrecord.components.quotemarks import find_quoted
    from onrecord.components.quotes import _Index, extract_attributions, frame_candidates

    inputs = train_counting_inputs("eval.cue_frames", OUT, argv)
    if inputs is None:
        return 0
    args, gold, docs = inputs
    seen: Counter[tuple[str, str]] = Counter()
    matched: Counter[tuple[str, str]] = Counter()
    # the attributions the rules find without frames: a frame whose cue lies in one of their
    # contents would be nested in it, and PolNeAR annotates the outermost attribution only
    caches = (quotes.cue_frames.cache_clear, quotes._frame_lemmas.cache_clear)
    with rules_with(quotes, "_FRAME_MIN_SEEN", sys.maxsize, *caches):
        outer = [[a.content for a in extract_attributions(doc)] for doc in docs]
    for g, doc, contents in zip(gold, docs, outer, strict=True):
        index = _Index(doc, find_quoted(doc.text))
        tokens = _TokenIndex(g.text)
        gold_sets = [tokens.token_ids(a.content) for a in g.attributions]
        for tok in doc:
            if tok.pos_ not in {"VERB", "NOUN"} or index.in_quote[tok.i] >= 0:
                continue
            for cand in frame_candidates(doc, tok, index.in_quote):
                if any(s <= cand.cue[0] < e for s, e in contents):
                    continue
                key = (tok.lemma_.lower(), cand.frame)
                seen[key] += 1
                pred = tokens.token_ids(cand.parts or [cand.content])
                if pred and any(jaccard(pred, gs) >= 0.5 for gs in gold_sets):
                    matched[key] += 1
    rows = [
        (lemma, frame, n, matched[(lemma, frame)])
        for (lemma, frame), n in seen.items()
        if n >= MIN_SEEN and matched[(lemma, frame)] / n >= MIN_SHARE and lemma.isalpha()
    ]
    rows.sort()
    lines = [
        "# Cue frames and how often they attribute content, counted by eval/cue_frames.py on the",
        "# PolNeAR train split (seen: occurrences outside quotes; matched: those whose candidate",
        "# content matches a gold attribution's content). Lemmas and counts only.",
        "lemma\tframe\tseen\tmatched",
    ]
    lines += [f"{lemma}\t{frame}\t{n}\t{m}" for lemma, frame, n, m in rows]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(rows)} frames written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
