"""Canonical speaker accuracy on hand-annotated articles (``python -m eval.speakers``).

Gold: JSONL lines ``{"file", "kind", "content", "content_parts"?, "speaker", "speaker_type"}``
(one per quote) and ``{"file", "not_a_quote"}`` (titles and scare quotes). Each gold quote is
matched to onrecord's quote whose content overlaps it best (word-token Jaccard >= 0.5 on the
content parts); for a matched quote, the speaker is right when onrecord's canonical name equals
the gold one (case and a leading article aside) or, for unnamed speakers (anonymous sources,
groups, media, organisations), when their words overlap by half or more.

Reported: found (share of gold quotes matched), speaker accuracy over the matched quotes, and
trap quotes wrongly reported as quotes. The data sets are invented articles in this repository
(``examples/`` and ``eval/data/speaker_cases/``), so the figures need nothing from ../shared.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from onrecord.ingest import iter_documents
from onrecord.pipeline import analyze_documents
from onrecord.types import Quote, Record

ROOT = Path(__file__).resolve().parents[1]
DATASETS = {
    "examples": (ROOT / "examples" / "articles", ROOT / "eval" / "data" / "examples_gold.jsonl"),
    "speaker_cases": (
        ROOT / "eval" / "data" / "speaker_cases",
        ROOT / "eval" / "data" / "speaker_cases" / "gold.jsonl",
    ),
}
_WORD = re.compile(r"\w+")


@dataclass
class Score:
    gold: int = 0
    found: int = 0
    right: int = 0
    traps: int = 0
    traps_reported: int = 0
    wrong: list[str] = field(default_factory=list)

    @property
    def found_share(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def accuracy(self) -> float:
        return self.right / self.found if self.found else 0.0


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def _positions(text: str, spans: Iterable[tuple[int, int]]) -> set[int]:
    return {m.start() for s, e in spans for m in _WORD.finditer(text, s, e)}


def _jaccard(a: set[int] | set[str], b: set[int] | set[str]) -> float:
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def _norm(name: str) -> str:
    words = name.lower().replace("’", "'").split()
    while words and words[0] in {"the", "a", "an"}:
        words = words[1:]
    return " ".join(words)


def _gold_spans(text: str, gold: dict[str, object]) -> list[tuple[int, int]] | None:
    parts = gold.get("content_parts") or [gold["content"]]
    spans: list[tuple[int, int]] = []
    cursor = 0
    for part in parts:  # type: ignore[union-attr]
        start = text.find(str(part), cursor)
        if start < 0:
            start = text.find(str(part))
        if start < 0:
            return None
        spans.append((start, start + len(str(part))))
        cursor = start + len(str(part))
    return spans


def speaker_matches(quote: Quote, gold_name: str, gold_type: str) -> bool:
    if quote.speaker is None:
        return False
    ours, theirs = _norm(quote.speaker.name), _norm(gold_name)
    if ours == theirs:
        return True
    if gold_type != "PERSON" and quote.speaker.type != "PERSON":
        return _jaccard(_words(ours), _words(theirs)) >= 0.5
    return False


def score(records: dict[str, Record], golds: list[dict[str, object]]) -> Score:
    result = Score()
    for gold in golds:
        record = records.get(str(gold["file"]))
        if record is None:
            continue
        if "not_a_quote" in gold:
            result.traps += 1
            trap = str(gold["not_a_quote"])
            if any(
                q.kind == "direct" and q.content.text.strip(" ,.") == trap for q in record.quotes
            ):
                result.traps_reported += 1
            continue
        result.gold += 1
        spans = _gold_spans(record.text, gold)
        if spans is None:
            continue
        gold_pos = _positions(record.text, spans)
        best, best_q = 0.0, None
        for quote in record.quotes:
            pred_pos = _positions(record.text, [(p.start, p.end) for p in quote.content_parts])
            sim = _jaccard(gold_pos, pred_pos)
            if sim > best:
                best, best_q = sim, quote
        if best_q is None or best < 0.5:
            continue
        result.found += 1
        if speaker_matches(best_q, str(gold["speaker"]), str(gold.get("speaker_type", ""))):
            result.right += 1
        else:
            got = best_q.speaker.name if best_q.speaker else None
            result.wrong.append(f"{gold['file']}: {gold['speaker']!r} got {got!r}")
    return result


def evaluate(name: str) -> Score | None:
    folder, gold_path = DATASETS[name]
    if not gold_path.is_file():
        return None
    golds = [
        json.loads(line)
        for line in gold_path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    records: dict[str, Record] = {}
    for result in analyze_documents(iter_documents([str(folder)])):
        if isinstance(result, Record):
            records[result.id] = result
    return score(records, golds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--verbose", "-v", action="store_true", help="list the wrong speakers")
    args = parser.parse_args(argv)
    print("| data | gold quotes | found | speaker accuracy (found) | traps reported |")
    print("|---|---|---|---|---|")
    for name in DATASETS:
        result = evaluate(name)
        if result is None:
            print(f"| {name} | (no gold file) | | | |")
            continue
        print(
            f"| {name} | {result.gold} | {result.found_share:.1%} | {result.accuracy:.1%} "
            f"({result.right}/{result.found}) | {result.traps_reported}/{result.traps} |"
        )
        if args.verbose:
            for line in result.wrong:
                print(f"  wrong: {line}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
