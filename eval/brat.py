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
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "Attribution",
    "AnnReadResult",
    "GoldDocument",
    "SpanMismatch",
    "Spans",
    "load_split",
    "read_ann",
    "read_metadata",
]

Spans = list[tuple[int, int]]

#: Labels that take part in attributions, and labels we know but do not score.
TRIGGER_LABELS = frozenset({"Attribution", "Attribution-no-source"})
ROLE_LABELS = frozenset({"Content", "Cue", "Source"})
KNOWN_UNSCORED_LABELS = frozenset({"Discard", "Discuss"})

_ENTRY_START = re.compile(r"^[A-Z#]\d*\t")
_ROLE_SUFFIX = re.compile(r"\d+$")


@dataclass(slots=True)
class Attribution:
    """One gold attribution: its parts as character spans into the document text."""

    id: str
    content: Spans = field(default_factory=list)
    cue: Spans = field(default_factory=list)
    source: Spans = field(default_factory=list)
    trigger: str = "Attribution"


@dataclass(slots=True, frozen=True)
class SpanMismatch:
    """A label whose recorded text differs from the ``.txt`` at its offsets."""

    label_id: str
    label: str
    spans: tuple[tuple[int, int], ...]
    expected: str
    found: str


@dataclass(slots=True)
class AnnReadResult:
    attributions: list[Attribution] = field(default_factory=list)
    mismatches: list[SpanMismatch] = field(default_factory=list)
    #: T labels outside the known set, by label name.
    unknown_labels: Counter[str] = field(default_factory=Counter)
    #: Everything else that was skipped, by reason ("bad span", "orphan trigger", ...).
    skipped: Counter[str] = field(default_factory=Counter)


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


@dataclass(slots=True)
class _TextBound:
    label: str
    spans: Spans
    recorded: str


def _parse_spans(raw: str) -> Spans | None:
    spans: Spans = []
    for fragment in raw.split(";"):
        bounds = fragment.split()
        if len(bounds) != 2:
            return None
        try:
            start, end = int(bounds[0]), int(bounds[1])
        except ValueError:
            return None
        if start < 0 or end < start:
            return None
        spans.append((start, end))
    return spans or None


def _logical_lines(ann_text: str) -> list[str]:
    """Physical lines folded so that a label text containing newlines stays one entry."""
    lines: list[str] = []
    for line in ann_text.split("\n"):
        if lines and not _ENTRY_START.match(line):
            lines[-1] += "\n" + line
        elif line.strip():
            lines.append(line)
    # a trailing newline of the file is not part of the last label's text
    return [line.rstrip("\n") for line in lines]


def read_ann(ann_text: str, text: str) -> AnnReadResult:
    """Parse one ``.ann`` against its document ``text``."""
    result = AnnReadResult()
    bounds: dict[str, _TextBound] = {}
    events: list[tuple[str, list[tuple[str, str]]]] = []

    for line in _logical_lines(ann_text):
        entry_id, _, rest = line.partition("\t")
        kind = entry_id[:1]
        if kind == "T":
            header, _, recorded = rest.partition("\t")
            label, _, raw_spans = header.partition(" ")
            spans = _parse_spans(raw_spans)
            if spans is None:
                result.skipped["bad span"] += 1
                continue
            if any(end > len(text) for _, end in spans):
                result.skipped["span past end of text"] += 1
                continue
            found = " ".join(text[s:e] for s, e in spans)
            if found != recorded:
                result.mismatches.append(
                    SpanMismatch(entry_id, label, tuple(spans), recorded, found)
                )
            if label not in TRIGGER_LABELS | ROLE_LABELS | KNOWN_UNSCORED_LABELS:
                result.unknown_labels[label] += 1
            bounds[entry_id] = _TextBound(label, spans, recorded)
        elif kind == "E":
            args: list[tuple[str, str]] = []
            for arg in rest.split():
                role, sep, target = arg.partition(":")
                if not sep:
                    result.skipped["bad event argument"] += 1
                    continue
                args.append((role, target))
            if args:
                events.append((entry_id, args))
            else:
                result.skipped["empty event"] += 1
        elif kind == "#":
            result.skipped["note"] += 1
        else:
            result.skipped[f"{kind} line"] += 1

    triggers_used: set[str] = set()
    for event_id, args in events:
        trigger_label, trigger_id = args[0]
        if trigger_label not in TRIGGER_LABELS:
            result.skipped[f"event with trigger {trigger_label}"] += 1
            continue
        triggers_used.add(trigger_id)
        attribution = Attribution(id=event_id, trigger=trigger_label)
        for role, target in args[1:]:
            role = _ROLE_SUFFIX.sub("", role)
            bound = bounds.get(target)
            if bound is None:
                result.skipped["event argument without label"] += 1
                continue
            if role == "Content":
                attribution.content.extend(bound.spans)
            elif role == "Cue":
                attribution.cue.extend(bound.spans)
            elif role == "Source":
                attribution.source.extend(bound.spans)
            else:
                result.skipped[f"event role {role}"] += 1
        if not attribution.content:
            # the guidelines require content; an event without it is an unfinished annotation
            result.skipped["attribution without content"] += 1
            continue
        for spans in (attribution.content, attribution.cue, attribution.source):
            spans.sort()
        result.attributions.append(attribution)

    orphans = sum(
        1 for tid, b in bounds.items() if b.label in TRIGGER_LABELS and tid not in triggers_used
    )
    if orphans:
        result.skipped["trigger without event"] += orphans
    result.attributions.sort(key=lambda a: (a.content[0], a.id))
    return result


def read_metadata(path: Path) -> dict[str, dict[str, str]]:
    """``metadata.tsv`` rows keyed by file name (without annotator suffix or extension)."""
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["filename"]: row for row in csv.DictReader(fh, delimiter="\t")}


def _read_text(path: Path) -> str:
    # newline="" keeps the file's characters as they are: brat offsets count every one
    with path.open(encoding="utf-8", newline="") as fh:
        return fh.read()


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
        parsed = read_ann(_read_text(chosen), text)
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
