"""A reader for brat standoff annotations of attributions (PolNeAR's format, PARC-style names).

brat writes one ``.txt`` per document and one ``.ann`` per annotator. In the ``.ann``:

- ``T`` lines are text-bound labels: ``T3<TAB>Content 315 448;463 553<TAB>text``
  (``;`` separates the fragments of a discontinuous span; brat joins their texts
  with one space in the third column);
- ``E`` lines tie an attribution together: ``E1<TAB>Attribution:T4 Content:T3 Cue:T2 Source:T1``
  (the first argument is the trigger; repeated roles get a digit: ``Content2``);
- ``#`` notes, ``A``/``M`` attributes and ``R`` relations carry nothing we use.

A label's text may contain a newline, in which case the ``.ann`` line continues on
the next physical line; such continuation lines are folded back into the label.

Label names are matched without regard to case, and PARC-style names are mapped
(``SOURCE``, ``CUE``, ``CONTENT``, ``Attribution_relation`` ...; see :data:`LABEL_ALIASES`).

The reader never raises on a malformed line. Everything it skips or doubts becomes a
:class:`BratWarning` naming the file and the line (and is counted in ``skipped``), and
reading goes on with the rest.

Folder layouts (:func:`read_brat_dir`):

- PolNeAR: ``DIR/text/NAME.txt`` and ``DIR/attributions/NAME_ANNOTATOR.ann``;
- flat (PARC-style exports, brat's own data folders): ``DIR/NAME.txt`` next to
  ``DIR/NAME.ann`` or ``DIR/NAME_ANNOTATOR.ann``.

When several annotator files exist for one document, the first in sorted file-name
order is used, so the choice is stable and independent of the file system; the others
are listed in ``BratDocument.annotators``.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "AnnReadResult",
    "Attribution",
    "BratCorpus",
    "BratDocument",
    "BratWarning",
    "KNOWN_UNSCORED_LABELS",
    "LABEL_ALIASES",
    "ROLE_LABELS",
    "SpanMismatch",
    "Spans",
    "TRIGGER_LABELS",
    "read_ann",
    "read_brat_dir",
    "read_metadata",
    "read_text",
]

Spans = list[tuple[int, int]]

#: Labels that take part in attributions, and labels we know but do not use.
TRIGGER_LABELS = frozenset({"Attribution", "Attribution-no-source"})
ROLE_LABELS = frozenset({"Content", "Cue", "Source"})
KNOWN_UNSCORED_LABELS = frozenset({"Discard", "Discuss"})

#: Lower-cased label or role name -> the canonical (PolNeAR) name.
LABEL_ALIASES: dict[str, str] = {
    **{name.lower(): name for name in TRIGGER_LABELS | ROLE_LABELS | KNOWN_UNSCORED_LABELS},
    "attribution_relation": "Attribution",
    "attributionrelation": "Attribution",
    "attribution-relation": "Attribution",
    "attribution_no_source": "Attribution-no-source",
    "attr": "Attribution",
    "speaker": "Source",
    "cue-word": "Cue",
    "quote": "Content",
}

_ENTRY_START = re.compile(r"^[A-Z#]\d*\t")
_ROLE_SUFFIX = re.compile(r"\d+$")


def canonical_label(name: str) -> str:
    """``SOURCE`` -> ``Source``; a name we do not know is returned as it is."""
    return LABEL_ALIASES.get(name.lower(), name)


@dataclass(slots=True, frozen=True)
class BratWarning:
    """Something in the input that was skipped or doubted; ``line`` is 1-based, 0 for the file."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


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
    #: One message per problem, naming the file and the line.
    warnings: list[BratWarning] = field(default_factory=list)


@dataclass(slots=True)
class _TextBound:
    label: str
    spans: Spans
    recorded: str
    line: int


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


def _logical_lines(ann_text: str) -> list[tuple[int, str]]:
    """(1-based line number, entry): physical lines folded so that a label text containing
    newlines stays one entry."""
    lines: list[tuple[int, str]] = []
    for number, line in enumerate(ann_text.split("\n"), start=1):
        if lines and not _ENTRY_START.match(line):
            lines[-1] = (lines[-1][0], lines[-1][1] + "\n" + line)
        elif line.strip():
            lines.append((number, line))
    # a trailing newline of the file is not part of the last label's text
    return [(number, line.rstrip("\n")) for number, line in lines]


def _overlaps(a: Spans, b: Spans) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def _short(text: str, limit: int = 40) -> str:
    text = text.replace("\n", " ")
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def read_ann(ann_text: str, text: str, path: str = "<ann>") -> AnnReadResult:
    """Parse one ``.ann`` against its document ``text``; ``path`` names it in warnings."""
    result = AnnReadResult()
    bounds: dict[str, _TextBound] = {}
    events: list[tuple[str, int, list[tuple[str, str]]]] = []

    def warn(line: int, message: str) -> None:
        result.warnings.append(BratWarning(path, line, message))

    for number, line in _logical_lines(ann_text):
        entry_id, _, rest = line.partition("\t")
        kind = entry_id[:1]
        if kind == "T":
            header, _, recorded = rest.partition("\t")
            raw_label, _, raw_spans = header.partition(" ")
            label = canonical_label(raw_label)
            spans = _parse_spans(raw_spans)
            if spans is None:
                result.skipped["bad span"] += 1
                warn(number, f"{entry_id}: bad span {raw_spans!r}; label skipped")
                continue
            if any(end > len(text) for _, end in spans):
                result.skipped["span past end of text"] += 1
                warn(
                    number,
                    f"{entry_id}: span {raw_spans} is past the end of the text "
                    f"({len(text)} characters); label skipped",
                )
                continue
            found = " ".join(text[s:e] for s, e in spans)
            if found != recorded:
                result.mismatches.append(
                    SpanMismatch(entry_id, label, tuple(spans), recorded, found)
                )
                warn(
                    number,
                    f"{entry_id}: the text at {raw_spans} is {_short(found)}, "
                    f"the label says {_short(recorded)}; offsets kept",
                )
            if any(_overlaps([a], [b]) for i, a in enumerate(spans) for b in spans[i + 1 :]):
                warn(number, f"{entry_id}: fragments of one span overlap ({raw_spans})")
            if label not in TRIGGER_LABELS | ROLE_LABELS | KNOWN_UNSCORED_LABELS:
                result.unknown_labels[label] += 1
                warn(number, f"{entry_id}: unknown label {raw_label!r}; not used")
            bounds[entry_id] = _TextBound(label, spans, recorded, number)
        elif kind == "E":
            args: list[tuple[str, str]] = []
            for arg in rest.split():
                role, sep, target = arg.partition(":")
                if not sep:
                    result.skipped["bad event argument"] += 1
                    warn(number, f"{entry_id}: bad event argument {arg!r}; skipped")
                    continue
                args.append((role, target))
            if args:
                events.append((entry_id, number, args))
            else:
                result.skipped["empty event"] += 1
                warn(number, f"{entry_id}: empty event; skipped")
        elif kind == "#":
            result.skipped["note"] += 1
        else:
            result.skipped[f"{kind} line"] += 1

    triggers_used: set[str] = set()
    for event_id, number, args in events:
        trigger_label, trigger_id = args[0]
        trigger_label = canonical_label(trigger_label)
        if trigger_label not in TRIGGER_LABELS:
            result.skipped[f"event with trigger {trigger_label}"] += 1
            warn(number, f"{event_id}: unknown event type {args[0][0]!r}; skipped")
            continue
        triggers_used.add(trigger_id)
        attribution = Attribution(id=event_id, trigger=trigger_label)
        role_spans: list[tuple[str, str, Spans]] = []
        for raw_role, target in args[1:]:
            role = canonical_label(_ROLE_SUFFIX.sub("", raw_role))
            bound = bounds.get(target)
            if bound is None:
                result.skipped["event argument without label"] += 1
                warn(number, f"{event_id}: argument {raw_role}:{target} names no usable label")
                continue
            if role == "Content":
                attribution.content.extend(bound.spans)
            elif role == "Cue":
                attribution.cue.extend(bound.spans)
            elif role == "Source":
                attribution.source.extend(bound.spans)
            else:
                result.skipped[f"event role {role}"] += 1
                warn(number, f"{event_id}: unknown role {raw_role!r}; skipped")
                continue
            role_spans.append((role, target, bound.spans))
        if not attribution.content:
            # the guidelines require content; an event without it is an unfinished annotation
            result.skipped["attribution without content"] += 1
            warn(number, f"{event_id}: attribution without content; skipped")
            continue
        for i, (role_a, id_a, spans_a) in enumerate(role_spans):
            for role_b, id_b, spans_b in role_spans[i + 1 :]:
                if role_a != role_b and _overlaps(spans_a, spans_b):
                    warn(
                        number,
                        f"{event_id}: overlapping spans: {role_a} {id_a} and {role_b} {id_b}",
                    )
        for spans in (attribution.content, attribution.cue, attribution.source):
            spans.sort()
        result.attributions.append(attribution)

    orphans = [
        (b.line, tid)
        for tid, b in bounds.items()
        if b.label in TRIGGER_LABELS and tid not in triggers_used
    ]
    if orphans:
        result.skipped["trigger without event"] += len(orphans)
        for orphan_line, tid in orphans:
            warn(orphan_line, f"{tid}: trigger without event; skipped")
    result.attributions.sort(key=lambda a: (a.content[0], a.id))
    result.warnings.sort(key=lambda w: w.line)
    return result


def read_metadata(path: Path) -> dict[str, dict[str, str]]:
    """``metadata.tsv`` rows keyed by file name (without annotator suffix or extension)."""
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["filename"]: row for row in csv.DictReader(fh, delimiter="\t")}


def read_text(path: Path) -> str:
    """A ``.txt`` or ``.ann`` as it is: brat offsets count every character (also ``\\r``)."""
    with path.open(encoding="utf-8", newline="") as fh:
        return fh.read()


# --- folders -------------------------------------------------------------------------------


@dataclass(slots=True)
class BratDocument:
    name: str
    text_path: Path
    ann_path: Path
    text: str
    attributions: list[Attribution]
    #: Every annotator file's stem for this document, sorted; ``ann_path`` is the first.
    annotators: list[str]


@dataclass(slots=True)
class BratCorpus:
    path: Path
    layout: str  # "polnear" | "flat"
    documents: list[BratDocument] = field(default_factory=list)
    warnings: list[BratWarning] = field(default_factory=list)


def _ann_groups(ann_paths: list[Path], names: set[str]) -> dict[str, list[Path]]:
    """Each ``.ann`` under its document name: ``NAME.ann`` or ``NAME_ANNOTATOR.ann``."""
    groups: dict[str, list[Path]] = {}
    for ann_path in sorted(ann_paths):
        stem = ann_path.stem
        if stem in names:
            name = stem
        else:
            head, sep, _annotator = stem.rpartition("_")
            name = head if sep and head in names else stem
        groups.setdefault(name, []).append(ann_path)
    return groups


def read_brat_dir(path: Path) -> BratCorpus:
    """Every annotated document under ``path`` (PolNeAR or flat layout), with the warnings.

    A ``.ann`` without its ``.txt`` is a warning; a ``.txt`` without any ``.ann`` is
    skipped silently (brat folders often hold unannotated texts).
    """
    if (path / "text").is_dir() and (path / "attributions").is_dir():
        layout, text_dir, ann_dir = "polnear", path / "text", path / "attributions"
    else:
        layout, text_dir, ann_dir = "flat", path, path
    corpus = BratCorpus(path=path, layout=layout)
    texts = {p.stem: p for p in sorted(text_dir.glob("*.txt"))}
    groups = _ann_groups(list(ann_dir.glob("*.ann")), set(texts))
    for name, ann_paths in sorted(groups.items()):
        text_path = texts.get(name)
        if text_path is None:
            for ann_path in ann_paths:
                corpus.warnings.append(
                    BratWarning(
                        str(ann_path),
                        0,
                        f"no text file {name}.txt in {text_dir}; document skipped",
                    )
                )
            continue
        try:
            text = read_text(text_path)
            ann_text = read_text(ann_paths[0])
        except (OSError, UnicodeDecodeError) as exc:
            corpus.warnings.append(
                BratWarning(str(ann_paths[0]), 0, f"cannot be read ({exc}); document skipped")
            )
            continue
        parsed = read_ann(ann_text, text, str(ann_paths[0]))
        corpus.warnings.extend(parsed.warnings)
        corpus.documents.append(
            BratDocument(
                name=name,
                text_path=text_path,
                ann_path=ann_paths[0],
                text=text,
                attributions=parsed.attributions,
                annotators=[p.stem for p in ann_paths],
            )
        )
    return corpus
