"""Count how often each cue word's attributions are right on PolNeAR train:
resources/cue_precision.tsv.

    python -m eval.cue_precision --shared ../shared [--limit N]

The rules run on every train document with this table switched off. Each outermost
attribution with a cue is keyed by its kind and the lemma of its cue's head word
(``onrecord.components.quotes.cue_key``): ``found`` counts them, ``confirmed`` those whose cue
matches a gold cue of the document (the evaluation's partial match: word-token Jaccard at
least 0.5). The extractor drops the attributions of keys found often and confirmed seldom
(``quotes._CUE_MIN_FOUND``, ``quotes._CUE_MIN_PRECISION``). Only kinds, lemmas and counts are
written, no PolNeAR text. Counted on train only: dev stays unseen. Run it again after a
change to the rules (then ``make eval``): the counts describe the rules that made them.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from .errors import rules_with, train_counting_inputs
from .metrics import _TokenIndex, item_of, partial_match

REPO_ROOT = Path(__file__).resolve().parents[1]
OUT = REPO_ROOT / "src" / "onrecord" / "resources" / "cue_precision.tsv"
#: Keys written to the file: found at least this often (the rest could never be dropped).
#: Words only: a colon heading a line ("Sanders: …") is layout, which the rules read as such.
MIN_FOUND = 5


def main(argv: Sequence[str] | None = None) -> int:
    from onrecord.components import quotes

    inputs = train_counting_inputs("eval.cue_precision", OUT, argv)
    if inputs is None:
        return 0
    args, gold, docs = inputs
    found: Counter[tuple[str, str]] = Counter()
    confirmed: Counter[tuple[str, str]] = Counter()
    # the rules as they are without the table
    with rules_with(quotes, "_CUE_MIN_FOUND", sys.maxsize, quotes.unreliable_cues.cache_clear):
        for g, doc in zip(gold, docs, strict=True):
            tokens = _TokenIndex(g.text)
            gold_cues = [item_of(g.text, tokens, a.cue) for a in g.attributions if a.cue]
            for att in quotes.extract_attributions(doc):
                key = quotes.cue_key(doc, att)
                if att.nested_in is not None or key is None or att.cue is None:
                    continue
                found[key] += 1
                cue = item_of(g.text, tokens, [att.cue])
                if any(partial_match(cue, gc) for gc in gold_cues):
                    confirmed[key] += 1
    rows = sorted((kind, lemma, n, confirmed[(kind, lemma)]) for (kind, lemma), n in found.items())
    lines = [
        "# Cue words and how often the rules' attributions through them are confirmed, counted",
        "# by eval/cue_precision.py on the PolNeAR train split (found: outermost attributions of",
        "# that kind whose cue has that head lemma; confirmed: those whose cue matches a gold",
        "# cue). Kinds, lemmas and counts only.",
        "kind\tlemma\tfound\tconfirmed",
    ]
    lines += [
        f"{kind}\t{lemma}\t{n}\t{m}"
        for kind, lemma, n, m in rows
        if n >= MIN_FOUND and lemma.replace("-", "").replace(" ", "").isalpha()
    ]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines) - 5} cue words written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
