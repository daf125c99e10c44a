"""A reader for brat standoff annotations of attributions (PolNeAR's format).

brat writes one ``.txt`` per document and one ``.ann`` per annotator. In the ``.ann``:

- ``T`` lines are text-bound labels: ``T3<TAB>Content 315 448;463 553<TAB>text``
  (``;`` separates the fragments of a discontinuous span; brat joins their texts
  with one space in the third column);
- ``E`` lines tie an attribution together: ``E1<TAB>Attribution:T4 Content:T3 Cue:T2 Source:T1``
  (the first argument is the trigger; repeated roles get a digit: ``Content2``);
- ``#`` notes, ``A``/``M`` attributes and ``R`` relations carry nothing we score.

A label's text may contain a newline, in which case the ``.ann`` line continues on
the next physical line; such continuation lines are folded back into the label.

The reader never raises on a malformed line: it counts and reports what it skipped,
so a corpus quirk shows up in the evaluation report instead of aborting the run.

The line-level reader lives in the package (:mod:`onrecord.train.brat`, which training
shares); this module keeps the evaluation's split loader on top of it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from onrecord.train.brat import (
    KNOWN_UNSCORED_LABELS,
    ROLE_LABELS,
    TRIGGER_LABELS,
    AnnReadResult,
    Attribution,
    SpanMismatch,
    Spans,
    read_ann,
    read_metadata,
)
from onrecord.train.brat import read_text as _read_text

__all__ = [
    "Attribution",
    "AnnReadResult",
    "GoldDocument",
    "KNOWN_UNSCORED_LABELS",
    "ROLE_LABELS",
    "SpanMismatch",
    "Spans",
    "TRIGGER_LABELS",
    "load_split",
    "read_ann",
    "read_metadata",
]


@dataclass(slots=True)
class GoldDocument:
    name: str
    path: Path
    text: str
    attributions: list[Attribution]
    annotator: str
    #: Every annotator file found for this document, sorted; ``annotator`` is the first.
    annotators: list[str]
    published: str | None
    publisher: str | None
    mismatches: list[SpanMismatch]
    unknown_labels: Counter[str]
    skipped: Counter[str]


def load_split(polnear_dir: Path, split: str) -> list[GoldDocument]:
    """Every document of one split that has a text and at least one annotator file.

    When several annotators annotated a document, the first ``.ann`` in sorted
    order is used, so the choice is stable and independent of file-system order.
    """
    text_dir = polnear_dir / split / "text"
    ann_dir = polnear_dir / split / "attributions"
    metadata = read_metadata(polnear_dir / "metadata.tsv")
    ann_by_name: dict[str, list[Path]] = {}
    for ann_path in sorted(ann_dir.glob("*.ann")):
        name, sep, _annotator = ann_path.stem.rpartition("_")
        if sep:
            ann_by_name.setdefault(name, []).append(ann_path)

    documents: list[GoldDocument] = []
    for txt_path in sorted(text_dir.glob("*.txt")):
        name = txt_path.stem
        ann_paths = ann_by_name.get(name)
        if not ann_paths:
            continue
        text = _read_text(txt_path)
        chosen = ann_paths[0]
        parsed = read_ann(_read_text(chosen), text, str(chosen))
        meta = metadata.get(name, {})
        documents.append(
            GoldDocument(
                name=name,
                path=txt_path,
                text=text,
                attributions=parsed.attributions,
                annotator=chosen.stem.rpartition("_")[2],
                annotators=[p.stem.rpartition("_")[2] for p in ann_paths],
                published=meta.get("publication_date") or None,
                publisher=meta.get("publisher") or None,
                mismatches=parsed.mismatches,
                unknown_labels=parsed.unknown_labels,
                skipped=parsed.skipped,
            )
        )
    return documents
