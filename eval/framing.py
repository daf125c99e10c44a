"""Framing by voice: term detection, voice accuracy and mirror symmetry (``python -m eval.framing``).

    python -m eval.framing            # the table
    python -m eval.framing --errors   # and every error, grouped
    python -m eval.framing --json     # the numbers as JSON (used by the floors in tests)

Sentences: ``eval/data/framing/sentences.tsv``, short news passages written by hand, before
any prediction was seen (``heldout.tsv``: more, written later, scored apart), with their gold terms (surface, category, voice: ``narrator`` or the
speaker's name as written). A predicted term matches a gold one when the spans overlap and the
categories agree (the gold's category names are mapped onto the packs' by ``GOLD_CATEGORY_MAP``);
span-only figures ignore the category. Gold terms marked ``optional`` are the neutral members of
a term set (militant, strike, killed, government...): reporting one is a match, leaving it out is
not a miss. Precision = matched predicted / predicted; recall = matched required gold / required
gold; voice accuracy over matched terms: a narrator term must have ``voice`` null, a quoted term
the id of a quote whose speaker name or local mention shares a word with the gold speaker.

Mirror: ``eval/data/framing/mirror.tsv`` holds templates with slots for two sides (``{A_name}``,
``{B_forces}``, ``{A_label}``...), ``sides.tsv`` the fillers of each side of each conflict.
Each template is filled once with the sides as they are and once swapped; each predicted term
is counted by the role of its voice (narrator, side A, side B, another voice). A template is
symmetric when, for every conflict, the counts of the original equal those of the mirror
(roles kept: the mirror's side-A speaker is the other side). The sides use different words
(terrorists / occupation forces, martyrs / innocent civilians), so categories are not compared.
Needs no data outside this repository.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from onrecord.pipeline import analyze_documents
from onrecord.types import Document, Quote, Record, Term

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "eval" / "data" / "framing"
SENTENCES = DATA / "sentences.tsv"
HELDOUT = DATA / "heldout.tsv"
MIRROR = DATA / "mirror.tsv"
SIDES = DATA / "sides.tsv"

#: The gold's category names (written before the packs existed) onto the packs' names, name for
#: name: a whole gold category maps to one pack category, never one term at a time. A gold
#: category the packs do not have (euphemism) stays as it is. Both sides are compared
#: lower-cased with spaces and hyphens as '_'.
GOLD_CATEGORY_MAP: dict[str, str] = {
    "combatant_label": "armed actors",
    "attack_label": "violent acts",
    "death_label": "deaths",
    "regime": "names of states and governments",
    "state_name": "names of states and governments",
    "occupation": "places",
    "place_name": "places",
    "genocide": "accusations",
    "human_shields": "accusations",
    "so_called": "so-called",
    "scare_quotes": "scare quotes",
    "name_calling": "name calling",
    "loaded_language": "loaded language",
    "slogan": "slogans",
}

TARGETS: dict[str, float | None] = {
    "precision": 0.90,
    "span_precision": None,
    "recall": None,
    "span_recall": None,
    "voice_accuracy": 0.95,
    "mirror_symmetric_share": 1.0,
}

_WORD = re.compile(r"\w+")
_NAME_STOP = {"the", "a", "an", "of", "in", "and", "its", "s", "his", "her", "their"}


# --- gold ---------------------------------------------------------------------------------


@dataclass
class GoldTerm:
    surface: str
    start: int
    end: int
    category: str
    voice: str | None  # None: the narrator
    optional: bool = False


@dataclass
class Sentence:
    id: str
    group: str
    text: str
    terms: list[GoldTerm] = field(default_factory=list)
    note: str = ""


def norm_category(name: str) -> str:
    """A category name in the form both sides are compared in."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def gold_category(name: str) -> str:
    key = norm_category(name)
    return norm_category(GOLD_CATEGORY_MAP.get(key, key))


def _locate(text: str, surface: str) -> tuple[int, int]:
    nth = 1
    if "#" in surface:
        surface, n = surface.rsplit("#", 1)
        nth = int(n)
    pos = -1
    for _ in range(nth):
        pos = text.find(surface, pos + 1)
        if pos < 0:
            raise ValueError(f"gold surface {surface!r} (#{nth}) not in {text!r}")
    return pos, pos + len(surface)


def load_sentences(path: Path = SENTENCES) -> list[Sentence]:
    out: list[Sentence] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("id\t"):
            continue
        cols = line.split("\t")
        sid, group, text, gold = cols[:4]
        sentence = Sentence(sid, group, text, note=cols[4] if len(cols) > 4 else "")
        if gold.strip() != "-":
            for entry in gold.split(" ; "):
                fields = [f.strip() for f in entry.split("|")]
                surface, category, voice = fields[:3]
                start, end = _locate(text, surface)
                sentence.terms.append(
                    GoldTerm(
                        text[start:end],
                        start,
                        end,
                        gold_category(category),
                        None if voice == "narrator" else voice,
                        optional=len(fields) > 3 and fields[3] == "optional",
                    )
                )
        out.append(sentence)
    return out


# --- analysis -----------------------------------------------------------------------------


def analyze_texts(texts: Sequence[str]) -> list[Record]:
    """One record per text, through ``nlp.pipe`` in one process."""
    docs = [
        Document(id=f"f{i}", source="eval.framing", text=t, published="2024-05-01")
        for i, t in enumerate(texts)
    ]
    records: list[Record] = []
    for result in analyze_documents(docs, workers=1, batch_size=64):
        if not isinstance(result, Record):
            raise RuntimeError(f"analysis failed: {result}")
        records.append(result)
    return records


def _words(text: str | None) -> set[str]:
    return {w.lower() for w in _WORD.findall(text or "")} - _NAME_STOP


def _quote_names(quote: Quote) -> set[str]:
    names = _words(quote.speaker.name) if quote.speaker else set()
    return names | _words(quote.source.text if quote.source else None)


def voice_ok(record: Record, term: Term, gold: GoldTerm) -> bool:
    if gold.voice is None:
        return term.voice is None
    if term.voice is None:
        return False
    quote = next((q for q in record.quotes if q.id == term.voice), None)
    return quote is not None and bool(_quote_names(quote) & _words(gold.voice))


def _overlap(term: Term, gold: GoldTerm) -> bool:
    return term.span.start < gold.end and gold.start < term.span.end


# --- sentence scoring ---------------------------------------------------------------------


@dataclass
class Scores:
    predicted: int = 0
    matched: int = 0
    span_matched: int = 0
    gold: int = 0
    gold_found: int = 0
    gold_span_found: int = 0
    optional_matched: int = 0
    voice_right: int = 0
    narrator_matched: int = 0
    narrator_right: int = 0
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add_error(self, group: str, line: str) -> None:
        self.errors.setdefault(group, []).append(line)

    def figures(self) -> dict[str, float]:
        def ratio(a: int, b: int) -> float:
            return a / b if b else 0.0

        return {
            "precision": ratio(self.matched, self.predicted),
            "span_precision": ratio(self.span_matched, self.predicted),
            "recall": ratio(self.gold_found, self.gold),
            "span_recall": ratio(self.gold_span_found, self.gold),
            "voice_accuracy": ratio(self.voice_right, self.matched),
            "voice_accuracy_narrator": ratio(self.narrator_right, self.narrator_matched),
            "voice_accuracy_quoted": ratio(
                self.voice_right - self.narrator_right, self.matched - self.narrator_matched
            ),
            "predicted": float(self.predicted),
            "matched": float(self.matched),
            "gold_required": float(self.gold),
            "optional_matched": float(self.optional_matched),
        }


def _describe_voice(record: Record, voice: str | None) -> str:
    if voice is None:
        return "narrator"
    quote = next((q for q in record.quotes if q.id == voice), None)
    if quote is None:
        return f"{voice}(missing)"
    who = quote.speaker.name if quote.speaker else (quote.source.text if quote.source else "?")
    return f"{voice}:{who}"


def _match(terms: list[Term], golds: list[GoldTerm], same_category: bool) -> dict[int, GoldTerm]:
    """Predicted index -> gold term; required gold first, then optional, text order."""
    used: dict[int, GoldTerm] = {}
    for gold in sorted(golds, key=lambda g: (g.optional, g.start)):
        for i, term in enumerate(terms):
            if i in used or not _overlap(term, gold):
                continue
            if same_category and norm_category(term.category) != gold.category:
                continue
            used[i] = gold
            break
    return used


def score_sentences(sentences: list[Sentence], records: list[Record]) -> Scores:
    s = Scores()
    for sentence, record in zip(sentences, records, strict=True):
        terms = record.framing
        s.predicted += len(terms)
        strict = _match(terms, sentence.terms, True)
        loose = _match(terms, sentence.terms, False)
        s.matched += len(strict)
        s.span_matched += len(loose)
        required = [g for g in sentence.terms if not g.optional]
        s.gold += len(required)
        s.gold_found += sum(1 for g in required if any(g is m for m in strict.values()))
        s.gold_span_found += sum(1 for g in required if any(g is m for m in loose.values()))
        s.optional_matched += sum(1 for g in strict.values() if g.optional)
        tag = f"{sentence.id} [{sentence.group}]"
        for i, term in enumerate(terms):
            said = f"{term.span.text!r} {term.category} voice={_describe_voice(record, term.voice)}"
            if i in strict:
                gold = strict[i]
                right = voice_ok(record, term, gold)
                s.narrator_matched += gold.voice is None
                s.narrator_right += right and gold.voice is None
                if right:
                    s.voice_right += 1
                else:
                    kind = (
                        "voice: narrator term given to a quote"
                        if gold.voice is None
                        else "voice: quoted term given to the narrator"
                        if term.voice is None
                        else "voice: quoted term given to another quote"
                    )
                    s.add_error(kind, f"{tag} {said}, gold voice {gold.voice or 'narrator'}")
            elif i in loose:
                gold = loose[i]
                s.add_error(
                    f"category: gold {gold.category}, predicted {norm_category(term.category)}",
                    f"{tag} {said}",
                )
            else:
                trap = " (trap/negative)" if not sentence.terms else ""
                s.add_error(
                    f"false positive: {norm_category(term.category)}",
                    f"{tag}{trap} {said} in {sentence.text!r}",
                )
        found = set(map(id, strict.values())) | set(map(id, loose.values()))
        for g in required:
            if id(g) not in found:
                s.add_error(
                    f"missed: {g.category}",
                    f"{tag} {g.surface!r} voice={g.voice or 'narrator'} in {sentence.text!r}",
                )
    return s


# --- mirror -------------------------------------------------------------------------------


@dataclass
class Side:
    conflict: str
    key: str
    slots: dict[str, str]
    ids: list[str]  # strings that name this side's speakers


@dataclass
class Template:
    id: str
    text: str
    note: str = ""


def load_sides(path: Path = SIDES) -> dict[str, tuple[Side, Side]]:
    """conflict -> (first side, second side), from rows ``conflict, side, slot, value``;
    the slot ``ids`` lists, separated by ``;``, the strings naming the side's speakers."""
    sides: dict[str, dict[str, Side]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("conflict\t"):
            continue
        conflict, side, slot, value = line.split("\t")[:4]
        entry = sides.setdefault(conflict, {}).setdefault(side, Side(conflict, side, {}, []))
        if slot == "ids":
            entry.ids = [v.strip() for v in value.split(";") if v.strip()]
        else:
            entry.slots[slot] = value
    out: dict[str, tuple[Side, Side]] = {}
    for conflict, pair in sides.items():
        first, second = list(pair.values())
        if set(first.slots) != set(second.slots):
            raise ValueError(f"{conflict}: the two sides fill different slots")
        out[conflict] = (first, second)
    return out


def load_templates(path: Path = MIRROR) -> list[Template]:
    out: list[Template] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("id\t"):
            continue
        cols = line.split("\t")
        out.append(Template(cols[0], cols[1], cols[2] if len(cols) > 2 else ""))
    return out


_SLOT = re.compile(r"\{([AB])_(\w+)\}")


def fill(template: str, a: Side, b: Side) -> str:
    def sub(m: re.Match[str]) -> str:
        side = a if m.group(1) == "A" else b
        return side.slots[m.group(2)]

    return _SLOT.sub(sub, template)


def _role(record: Record, voice: str | None, a: Side, b: Side) -> str:
    if voice is None:
        return "narrator"
    quote = next((q for q in record.quotes if q.id == voice), None)
    if quote is None:
        return "other"
    who = " ".join(
        t for t in (quote.speaker.name if quote.speaker else None,
                    quote.source.text if quote.source else None) if t
    )  # fmt: skip
    in_a = any(i in who for i in a.ids)
    in_b = any(i in who for i in b.ids)
    return "A+B" if in_a and in_b else "A" if in_a else "B" if in_b else "other"


def role_counts(record: Record, a: Side, b: Side) -> Counter[str]:
    return Counter(_role(record, term.voice, a, b) for term in record.framing)


@dataclass
class MirrorResult:
    templates: int
    conflicts: int
    symmetric: int
    with_terms: int
    terms_counted: int
    asymmetries: list[str]
    fillers_not_found: list[str]

    def figures(self) -> dict[str, float]:
        n = self.templates or 1
        return {
            "mirror_symmetric_share": self.symmetric / n,
            "mirror_templates": float(self.templates),
            "mirror_conflicts": float(self.conflicts),
            "mirror_templates_with_terms": float(self.with_terms),
            "mirror_terms_counted": float(self.terms_counted),
        }


def _fmt(c: Counter[str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(c.items())) or "none"


TERM_SLOTS = ("label", "attack", "dead", "gov", "accuse")


def run_mirror(
    templates: list[Template] | None = None, sides: dict[str, tuple[Side, Side]] | None = None
) -> MirrorResult:
    """Fill every template with each conflict's sides as they are and swapped, analyse all
    the texts in one batch, compare the counts per voice role.

    The term fillers are also checked on their own ("The statement spoke of {filler}."): a
    filler the packs do not find would make its slot say nothing about symmetry."""
    templates = templates if templates is not None else load_templates()
    sides = sides if sides is not None else load_sides()
    jobs: list[tuple[Template, str, Side, Side]] = []
    texts: list[str] = []
    for t in templates:
        for conflict, (x, y) in sides.items():
            jobs.append((t, conflict, x, y))
            texts.append(fill(t.text, x, y))
            texts.append(fill(t.text, y, x))
    fillers = sorted(
        {side.slots[k] for pair in sides.values() for side in pair for k in TERM_SLOTS}
    )
    records = analyze_texts(texts + [f"The statement spoke of {f}." for f in fillers])
    filler_records = records[len(texts) :]
    ok: dict[str, bool] = {t.id: True for t in templates}
    found: dict[str, bool] = {t.id: False for t in templates}
    counted = 0
    asym: list[str] = []
    for n, (t, conflict, x, y) in enumerate(jobs):
        orig, mirr = records[2 * n], records[2 * n + 1]
        counted += len(orig.framing) + len(mirr.framing)
        found[t.id] = found[t.id] or bool(orig.framing or mirr.framing)
        co, cm = role_counts(orig, x, y), role_counts(mirr, y, x)
        if co != cm:
            ok[t.id] = False
            asym.append(
                f"{t.id} [{conflict}]: original {_fmt(co)} | mirror {_fmt(cm)}\n"
                f"    {orig.text}\n    {mirr.text}"
            )
    return MirrorResult(
        templates=len(templates),
        conflicts=len(sides),
        symmetric=sum(ok.values()),
        with_terms=sum(found.values()),
        terms_counted=counted,
        asymmetries=asym,
        fillers_not_found=[
            f for f, r in zip(fillers, filler_records, strict=True) if not r.framing
        ],
    )


# --- outlets (eval/framing_outlets.py, another engineer's file) ----------------------------


def outlets_figure() -> dict[str, Any] | None:
    """``eval.framing_outlets.recovery()``: planted distinctive terms per outlet found in the
    top 10 by log-odds; None when that module is not there."""
    try:
        from eval.framing_outlets import recovery
    except ImportError:
        return None
    try:
        value: dict[str, Any] = recovery()
    except Exception as exc:  # their figure must not stop ours
        return {"error": f"{type(exc).__name__}: {exc}"}
    return value


# --- run ----------------------------------------------------------------------------------


def run(with_mirror: bool = True) -> dict[str, Any]:
    t0 = time.perf_counter()
    sentences = load_sentences()
    heldout = load_sentences(HELDOUT) if HELDOUT.exists() else []
    everything = analyze_texts([s.text for s in sentences + heldout])
    records, heldout_records = everything[: len(sentences)], everything[len(sentences) :]
    scores = score_sentences(sentences, records)
    result: dict[str, Any] = {
        "sentences": len(sentences),
        "sentences_without_terms": sum(1 for s in sentences if not s.terms),
        **scores.figures(),
        "errors": scores.errors,
        "by_group": {},
    }
    for group in sorted({s.group for s in sentences}):
        pairs = [(s, r) for s, r in zip(sentences, records, strict=True) if s.group == group]
        part = score_sentences([p[0] for p in pairs], [p[1] for p in pairs]).figures()
        result["by_group"][group] = {
            k: part[k] for k in ("precision", "recall", "voice_accuracy", "predicted")
        } | {"sentences": len(pairs)}
    if heldout:
        held = score_sentences(heldout, heldout_records)
        result["heldout"] = held.figures() | {
            "sentences": len(heldout),
            "sentences_without_terms": sum(1 for s in heldout if not s.terms),
            "errors": held.errors,
        }
    if with_mirror:
        mirror = run_mirror()
        result.update(mirror.figures())
        result["asymmetries"] = mirror.asymmetries
        result["mirror_fillers_not_found"] = mirror.fillers_not_found
    result["seconds"] = time.perf_counter() - t0
    return result


def table(result: dict[str, Any]) -> str:
    lines = [
        f"framing eval: {result['sentences']} sentences "
        f"({result['sentences_without_terms']} without a term), "
        f"{int(result['gold_required'])} required gold terms, "
        f"{int(result['predicted'])} predicted, "
        f"{int(result.get('mirror_templates', 0))} mirror templates x "
        f"{int(result.get('mirror_conflicts', 0))} conflicts",
        f"{'metric':<32}{'onrecord':>10}{'target':>8}  pass{'held-out':>10}",
    ]
    held = result.get("heldout", {})
    for key, target in TARGETS.items():
        if key not in result:
            continue
        value = result[key]
        t = "" if target is None else f"{target:.2f}"
        verdict = "" if target is None else ("yes" if value >= target else "NO")
        h = f"{held[key]:.3f}" if key in held else ""
        lines.append(f"{key:<32}{value:>10.3f}{t:>8}  {verdict:<4}{h:>10}")
    if held:
        lines.append(
            f"held-out: {held['sentences']} sentences ({held['sentences_without_terms']} without "
            f"a term), {int(held['gold_required'])} required gold terms, "
            f"{int(held['predicted'])} predicted"
        )
    lines.append(
        f"voice accuracy: narrator terms {result['voice_accuracy_narrator']:.3f}, "
        f"quoted terms {result['voice_accuracy_quoted']:.3f}"
    )
    for group, g in result.get("by_group", {}).items():
        lines.append(
            f"  {group:<18} {g['sentences']:>3} sentences  precision {g['precision']:.3f}  "
            f"recall {g['recall']:.3f}  voice {g['voice_accuracy']:.3f}"
        )
    if "mirror_templates" in result:
        lines.append(
            f"mirror: {int(result['mirror_templates_with_terms'])} of "
            f"{int(result['mirror_templates'])} templates produced terms; "
            f"{int(result['mirror_terms_counted'])} terms counted; filler words the packs "
            f"do not find: {', '.join(result['mirror_fillers_not_found']) or 'none'}"
        )
    lines.append(f"optional (neutral) gold terms reported: {int(result['optional_matched'])}")
    outlets = result.get("outlets")
    if outlets is not None:
        if "error" in outlets:
            lines.append(f"per-outlet log-odds (eval.framing_outlets): {outlets['error']}")
        else:
            per = ", ".join(
                f"{name} {o.get('recovered', 0):.1f}"
                for name, o in sorted(outlets.get("outlets", {}).items())
            )
            lines.append(
                "per-outlet log-odds, planted terms in the top "
                f"{outlets.get('top', 10)} (eval.framing_outlets): mean "
                f"{outlets.get('mean_recovery', 0):.2f}, min {outlets.get('min_recovery', 0):.2f} ({per})"
            )
    lines.append(f"time: {result['seconds']:.1f} s")
    return "\n".join(lines)


def error_report(result: dict[str, Any]) -> str:
    lines: list[str] = []
    parts = [("", result["errors"])]
    if "heldout" in result:
        parts.append(("held-out ", result["heldout"]["errors"]))
    for prefix, errors in parts:
        for group, items in sorted(errors.items(), key=lambda kv: -len(kv[1])):
            lines.append(f"{prefix}{group}: {len(items)}")
            lines += [f"  {item}" for item in items]
    for item in result.get("asymmetries", []):
        lines.append(f"asymmetric: {item}")
    return "\n".join(lines)


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.framing")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--errors", action="store_true", help="list every error, grouped")
    parser.add_argument("--no-mirror", action="store_true")
    args = parser.parse_args(list(argv) if argv is not None else None)
    result = run(with_mirror=not args.no_mirror)
    outlets = outlets_figure()
    if outlets is not None:
        result["outlets"] = outlets
    if args.json:
        print(json.dumps(result, indent=2, default=str))
        return 0
    print(table(result))
    if args.errors:
        print(error_report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
