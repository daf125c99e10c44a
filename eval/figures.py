"""Evaluate figures (claims) and dates against the gold set in tests/data/figures_gold.txt.

    python -m eval.figures            # the table: onrecord vs quantulum3 and dateparser
    python -m eval.figures --json     # the numbers as JSON (used by docs and floors)

Matching: a predicted claim matches a gold claim when their spans overlap; it counts for
"value" when the values agree (within 0.1%; ranges by low and high; vague by both being null),
for "value+qualifier" and "value+unit" when those agree too. Measure partial: a matched pair
whose measures share a content word. asserted_by: over matched gold claims, the predicted
asserter (or null) shares a word with the gold one (or both are null). Dates: span overlap
and equal ISO value (and end). Needs no data outside this repository.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GOLD = Path(__file__).resolve().parents[1] / "tests" / "data" / "figures_gold.txt"
HELDOUT = GOLD.with_name("figures_heldout.txt")
_STOP = {"the", "of", "a", "an", "in", "and", "to", "for", "on", "its", "s"}


@dataclass
class GoldClaim:
    text: str
    value: float | None
    low: float | None
    high: float | None
    qualifier: str
    unit: str | None
    measure: str | None
    asserted_by: str | None


@dataclass
class GoldDate:
    text: str
    kind: str
    value: str | None
    end: str | None


@dataclass
class Sentence:
    text: str
    published: str
    domain: str
    claims: list[GoldClaim] = field(default_factory=list)
    dates: list[GoldDate] = field(default_factory=list)


def _none(raw: str) -> str | None:
    raw = raw.strip()
    return None if raw == "-" else raw


def load_gold(path: Path = GOLD) -> list[Sentence]:
    sentences: list[Sentence] = []
    published, domain = "", ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("@"):
            _, published, domain = line.split()
        elif line.startswith("S:"):
            sentences.append(Sentence(line[2:].strip(), published, domain))
        elif line.startswith("C:"):
            span, value, qual, unit, measure, who = (f.strip() for f in line[2:].split("|"))
            low = high = val = None
            if ".." in value:
                low, high = (float(v) for v in value.split(".."))
            elif value != "-":
                val = float(value)
            sentences[-1].claims.append(
                GoldClaim(span, val, low, high, qual, _none(unit), _none(measure), _none(who))
            )
        elif line.startswith("D:"):
            span, kind, value, end = (f.strip() for f in line[2:].split("|"))
            sentences[-1].dates.append(GoldDate(span, kind, _none(value), _none(end)))
    return sentences


# --- predictions as plain dicts: {start, end, value, low, high, qualifier, unit, measure, by}


def _locate(text: str, span: str) -> tuple[int, int]:
    i = text.find(span)
    return (i, i + len(span)) if i >= 0 else (-1, -1)


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-3 * max(1.0, abs(b))


def _value_ok(p: dict[str, Any], g: GoldClaim) -> bool:
    if g.low is not None or g.high is not None:
        return _close(p.get("low"), g.low) and _close(p.get("high"), g.high)
    return _close(p.get("value"), g.value)


def _words(s: str | None) -> set[str]:
    if not s:
        return set()
    return {w.lower().rstrip("s") for w in re.findall(r"[A-Za-z]+", s)} - _STOP


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def f1(self) -> float:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0


def _match(
    text: str,
    preds: list[dict[str, Any]],
    golds: list[Any],
    ok: Callable[[dict[str, Any], Any], bool],
) -> Counts:
    c = Counts()
    used: set[int] = set()
    for g in golds:
        gs, ge = _locate(text, g.text)
        hit = None
        for i, p in enumerate(preds):
            if i in used or p["end"] <= gs or p["start"] >= ge:
                continue
            if ok(p, g):
                hit = i
                break
        if hit is None:
            c.fn += 1
        else:
            used.add(hit)
            c.tp += 1
    c.fp += len(preds) - len(used)
    return c


def _add(a: Counts, b: Counts) -> None:
    a.tp, a.fp, a.fn = a.tp + b.tp, a.fp + b.fp, a.fn + b.fn


def score_claims(
    sentences: list[Sentence], predict: Callable[[Sentence], list[dict[str, Any]]]
) -> dict[str, float]:
    value, vq, vu, measure = Counts(), Counts(), Counts(), Counts()
    asserted_ok = asserted_n = 0
    for s in sentences:
        preds = predict(s)
        _add(value, _match(s.text, preds, s.claims, _value_ok))
        _add(
            vq,
            _match(
                s.text,
                preds,
                s.claims,
                lambda p, g: _value_ok(p, g) and p["qualifier"] == g.qualifier,
            ),
        )
        _add(
            vu,
            _match(s.text, preds, s.claims, lambda p, g: _value_ok(p, g) and p["unit"] == g.unit),
        )
        for g in s.claims:
            gs, ge = _locate(s.text, g.text)
            p = next(
                (p for p in preds if p["end"] > gs and p["start"] < ge and _value_ok(p, g)), None
            )
            pm = _words(p["measure"]) if p else set()
            gm = _words(g.measure)
            if gm and pm and gm & pm:
                measure.tp += 1
            else:
                measure.fn += bool(gm)
                measure.fp += bool(pm)
            if p is not None:
                asserted_n += 1
                pw, gw = _words(p["by"]), _words(g.asserted_by)
                asserted_ok += (not pw and not gw) or bool(pw & gw)
        matched = {
            i
            for i, p in enumerate(preds)
            for g in s.claims
            if p["end"] > _locate(s.text, g.text)[0] and p["start"] < _locate(s.text, g.text)[1]
        }
        measure.fp += sum(1 for i, p in enumerate(preds) if i not in matched and p["measure"])
    return {
        "value_f1": value.f1(),
        "value_qualifier_f1": vq.f1(),
        "value_unit_f1": vu.f1(),
        "measure_partial_f1": measure.f1(),
        "asserted_by_accuracy": asserted_ok / asserted_n if asserted_n else 0.0,
        "gold_claims": float(sum(len(s.claims) for s in sentences)),
    }


# --- systems ----------------------------------------------------------------------------


class Onrecord:
    def __init__(self) -> None:
        from onrecord.nlp import get_nlp

        self.nlp = get_nlp()
        self.records: dict[str, Any] = {}

    def record(self, s: Sentence) -> Any:
        from onrecord.pipeline import analyze_document
        from onrecord.types import Document

        key = s.text
        if key not in self.records:
            doc = Document(id="s", source="gold", text=s.text, published=s.published)
            self.records[key] = analyze_document(doc, self.nlp)
        return self.records[key]

    def claims(self, s: Sentence) -> list[dict[str, Any]]:
        return [
            {
                "start": c.span.start,
                "end": c.span.end,
                "value": c.value,
                "low": c.low,
                "high": c.high,
                "qualifier": c.qualifier,
                "unit": c.unit,
                "measure": c.measure,
                "by": c.asserted_by.name if c.asserted_by else None,
            }
            for c in self.record(s).claims
        ]


_Q3_UNITS = {
    "percentage": "percent", "dollar": "USD", "euro": "EUR", "pound sterling": "GBP",
    "day": "day", "week": "week", "month": "month", "year": "year", "hour": "hour",
    "minute": "minute", "second": "second", "kilometre": "km", "metre": "m", "kilogram": "kg",
    "tonne": "t", "hectare": "ha", "degree Celsius": "degC", "megawatt": "MW",
    "kilometre per hour": "km/h", "yuan": "CNY", "light-year": "ly", "megajoule": "MJ",
}  # fmt: skip


def quantulum_claims(s: Sentence) -> list[dict[str, Any]]:
    from quantulum3 import classifier, parser

    # quantulum3's pickled classifier does not load with current scikit-learn; its
    # dictionary-based disambiguation is used instead.
    classifier.USE_CLF = False
    out = []
    for q in parser.parse(s.text):
        unit = _Q3_UNITS.get(q.unit.name)
        out.append(
            {
                "start": q.span[0],
                "end": q.span[1],
                "value": float(q.value),
                "low": None,
                "high": None,
                "qualifier": "exact",
                "unit": unit,
                "measure": None,
                "by": None,
            }
        )
    return out


def dateparser_dates(s: Sentence) -> list[dict[str, Any]]:
    import datetime as dt

    from dateparser.search import search_dates

    ref = dt.datetime.fromisoformat(s.published)
    found = search_dates(s.text, languages=["en"], settings={"RELATIVE_BASE": ref}) or []
    out, pos = [], 0
    for surface, when in found:
        i = s.text.find(surface, pos)
        if i < 0:
            continue
        pos = i + len(surface)
        out.append({"start": i, "end": pos, "value": when.date().isoformat()})
    return out


def _onrecord_dates(system: Onrecord) -> Callable[[Sentence], list[dict[str, Any]]]:
    def predict(s: Sentence) -> list[dict[str, Any]]:
        rec = system.record(s)
        return [
            {"start": d.span.start, "end": d.span.end, "value": d.value, "end_value": d.end}
            for d in rec.dates
        ]

    return predict


def timing(sentences: Iterable[Sentence], system: Onrecord) -> dict[str, float]:
    """Share of analyze time spent in claims + dates, over the whole gold set as one text."""
    from onrecord.components.claims import check_consistency, extract_claims
    from onrecord.components.dates import extract_dates
    from onrecord.pipeline import analyze_document
    from onrecord.types import Document

    text = "\n\n".join(s.text for s in sentences) * 3
    document = Document(id="t", source="t", text=text, published="2024-03-14")
    analyze_document(document, system.nlp)  # warm-up
    t0 = time.perf_counter()
    analyze_document(document, system.nlp)
    total = time.perf_counter() - t0
    doc = system.nlp(text)
    t0 = time.perf_counter()
    claims = extract_claims(doc, [], [], [])
    check_consistency(claims, text)
    extract_dates(text, "2024-03-14")
    ours = time.perf_counter() - t0
    return {"analyze_s": total, "claims_dates_s": ours, "share": ours / max(total - ours, 1e-9)}


def run(system: Onrecord | None = None) -> dict[str, Any]:
    """Scores on the development set (figures_gold.txt, used while writing the rules) and on
    the held-out set (figures_heldout.txt, never used for tuning), the timing, and the
    Recognizers-Text shares."""
    system = system or Onrecord()
    ours_dates = _onrecord_dates(system)
    result: dict[str, Any] = {}
    for name, path in (("dev", GOLD), ("heldout", HELDOUT)):
        sentences = load_gold(path)
        result[name] = {
            "sentences": len(sentences),
            "onrecord": score_claims(sentences, system.claims)
            | score_dates_full(sentences, ours_dates),
            "baseline": score_claims(sentences, quantulum_claims)
            | score_dates_full(sentences, dateparser_dates),
        }
    result["timing"] = timing(load_gold(GOLD), system)
    result["recognizers"] = spec_shares()
    return result


def score_dates_full(
    sentences: list[Sentence], predict: Callable[[Sentence], list[dict[str, Any]]]
) -> dict[str, float]:
    c = Counts()
    for s in sentences:
        preds = predict(s)
        _add(
            c,
            _match(
                s.text,
                preds,
                s.dates,
                lambda p, g: p["value"] == g.value and p.get("end_value") == g.end,
            ),
        )
    return {"date_value_f1": c.f1(), "gold_dates": float(sum(len(s.dates) for s in sentences))}


TARGETS = {
    "value_f1": 0.93,
    "value_qualifier_f1": 0.90,
    "value_unit_f1": None,
    "measure_partial_f1": 0.80,
    "asserted_by_accuracy": None,
    "date_value_f1": 0.85,
}


def table(result: dict[str, Any]) -> str:
    lines: list[str] = []
    for name, title in (("dev", "development set"), ("heldout", "held-out set")):
        part = result[name]
        lines += [
            f"figures eval, {title}: {part['sentences']} sentences, "
            f"{int(part['onrecord']['gold_claims'])} gold claims, "
            f"{int(part['onrecord']['gold_dates'])} gold dates",
            f"{'metric':<24}{'onrecord':>10}{'baseline':>10}{'target':>8}  baseline system",
        ]
        for key, target in TARGETS.items():
            base = "dateparser.search_dates" if key.startswith("date") else "quantulum3"
            t = "" if target is None else f"{target:.2f}"
            lines.append(
                f"{key:<24}{part['onrecord'][key]:>10.3f}{part['baseline'][key]:>10.3f}{t:>8}  {base}"
            )
        lines.append("")
    tm = result["timing"]
    lines.append(
        f"claims+dates time: {tm['claims_dates_s']:.3f}s over {tm['analyze_s']:.3f}s analyze "
        f"(+{100 * tm['share']:.1f}%)"
    )
    shares = ", ".join(
        f"{kind} {p}/{t} ({p / t:.0%}; all copied cases {a}/{t + x})"
        for kind, (p, t, x, a) in result["recognizers"].items()
    )
    lines.append(f"Recognizers-Text specs passed: {shares}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    result = run()
    print(json.dumps(result, indent=2) if args.json else table(result))


# --- Recognizers-Text specs (tests/data/recognizers, MIT, Microsoft) --------------------

SPECS = Path(__file__).resolve().parents[1] / "tests" / "data" / "recognizers"


def _spec_numbers(text: str) -> list[float]:
    from onrecord.components.numbers import NUMBER, parse_number

    values = []
    for m in re.finditer(NUMBER, text, re.IGNORECASE):
        value = parse_number(m.group(0))
        before, after = text[max(0, m.start() - 9) : m.start()].lower(), text[m.end() : m.end() + 3]
        if value is None or m.group(0).lower() in {"a", "an"}:
            continue
        if m.group(0).lower() == "one" and re.search(r"\b(?:the|this|that|which)\s+$", before):
            continue  # "the one you mentioned": a pronoun
        if re.match(r"[A-Za-z]", after) or re.match(r"(?:st|nd|rd|th)\b", after):
            continue  # "180ml", "4th": a measure or an ordinal, not a bare number
        if re.search(r"(?:^|[^\w])-\s*$", before) or re.search(r"\b(?:minus|negative)\s+$", before):
            value = -value
        values.append(value)
    return values


def _spec_value(raw: str) -> float | None:
    try:
        return float(raw)
    except ValueError:
        return None


def number_case(case: dict[str, Any]) -> bool:
    expected = [_spec_value(r["Resolution"]["value"]) for r in case["Results"]]
    got = _spec_numbers(case["Input"])
    return len(got) == len(expected) and all(
        e is not None and abs(g - e) <= 1e-6 * max(1.0, abs(e))
        for g, e in zip(got, expected, strict=True)
    )


def _bounds(raw: str) -> tuple[float | None, float | None]:
    low, high = raw.strip("[]()").split(",")
    return (_spec_value(low) if low else None, _spec_value(high) if high else None)


_BOUNDED = {"range", "at_least", "more_than", "at_most", "less_than"}


def range_case(case: dict[str, Any]) -> bool:
    from onrecord.components.claims import find_quantities

    # the range model reports ranges only: an exact figure beside them ("200 or greater than
    # 190", "... are two ranges") is not a range and is not compared
    found = [q for q in find_quantities(case["Input"]) if q.qualifier in _BOUNDED]
    if len(found) != len(case["Results"]):
        return False
    for q, r in zip(found, case["Results"], strict=True):
        low, high = _bounds(r["Resolution"]["value"])
        if q.qualifier == "range":
            got: tuple[float | None, float | None] = (q.low, q.high)
        elif q.qualifier in {"at_least", "more_than"}:
            got = (q.value, None)
        elif q.qualifier in {"at_most", "less_than"}:
            got = (None, q.value)
        else:
            return False
        if got != (low, high):
            return False
    return True


def _spec_ref(case: dict[str, Any]) -> Any:
    import datetime as dt

    raw = case.get("Context", {}).get("ReferenceDateTime", "2016-11-07T00:00:00")
    return dt.datetime.fromisoformat(raw).date()


def _iso_days(value: str | None) -> tuple[str, str] | None:
    """An ISO month, year or week as its first day and the day after its last:
    "2018-04" -> ("2018-04-01", "2018-05-01"), the spec's way of writing the same period."""
    import datetime as dt

    if value is None:
        return None
    try:
        if re.fullmatch(r"\d{4}", value):
            return f"{value}-01-01", f"{int(value) + 1:04d}-01-01"
        if re.fullmatch(r"\d{4}-\d\d", value):
            year, month = int(value[:4]), int(value[5:])
            after = f"{year + month // 12:04d}-{month % 12 + 1:02d}-01"
            return f"{value}-01", after
        if re.fullmatch(r"\d{4}-W\d\d", value):
            first = dt.date.fromisocalendar(int(value[:4]), int(value[6:]), 1)
            return first.isoformat(), (first + dt.timedelta(days=7)).isoformat()
    except ValueError:
        return None
    return None


def _range_ok(found: Any, start: str | None, end: str | None) -> bool:
    """A found period (a month, a year, a week, or a range of them) covers the spec's
    [start, end). Ends: the spec's exclusive end, onrecord's inclusive one, or, for a range of
    months, the start of the last month (the spec's "jan-feb 2017" ends on 2017-02-01)."""
    first = _iso_days(found.value)
    if found.end_value is None:
        return first is not None and (start, end) == first
    last = _iso_days(found.end_value)
    begin = first[0] if first else found.value
    ends = {found.end_value, _next_day(found.end_value)} | (set(last) if last else set())
    return begin == start and end in ends


_SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 2)}


def _season_ok(found: Any, timex: str) -> bool:
    """A season timex ("2016-SU", "SU") and a found range of its months (the year, when the
    timex gives one, must agree)."""
    m = re.fullmatch(r"(?:(\d{4})-)?(SP|SU|FA|WI)", timex)
    if m is None or found.kind != "range" or not found.value or not found.end_value:
        return False
    first, last = _SEASON_MONTHS[m.group(2)]
    if not (found.value[4:] == f"-{first:02d}" and found.end_value[4:] == f"-{last:02d}"):
        return False
    return m.group(1) is None or found.value[:4] == m.group(1)


def _open_ok(found: Any, start: str | None, end: str | None) -> bool:
    """An open range: the spec's start (its end null) is the first day of onrecord's ``value``
    (its ``end`` null); or the spec's exclusive end (its start null) follows onrecord's
    inclusive ``end`` (its ``value`` null)."""
    if found.kind != "range":
        return False
    if start and not end and found.value and found.end_value is None:
        days = _iso_days(found.value)
        return start == (days[0] if days else found.value)
    if end and not start and found.value is None and found.end_value:
        days = _iso_days(found.end_value)
        return end in {found.end_value, _next_day(found.end_value), days[1] if days else None}
    return False


def _date_ok(found: Any, result: dict[str, Any]) -> bool:
    values = result["Resolution"]["values"] if "Resolution" in result else []
    for v in values:
        timex = v.get("timex", "")
        if v.get("value") == "not resolved":
            # a season, or an impossible date ("Feb 30") that onrecord leaves unresolved
            if _season_ok(found, timex) or (
                not re.search(r"(?:^|-)(?:SP|SU|FA|WI)$", timex)
                and found.value is None
                and found.end_value is None
            ):
                return True
            continue
        if v.get("type") == "daterange" and bool(v.get("start")) != bool(v.get("end")):
            # an open range; onrecord's anchor date alone ("by end of this month": this month,
            # as the annotated news give "by the end of June") is compared by its timex below
            if _open_ok(found, v.get("start"), v.get("end")):
                return True
            if found.kind == "range":
                continue
        if found.value is not None and found.value in {timex, v.get("value")}:
            return True
        if (
            v.get("type") == "daterange"
            and v.get("start")
            and _range_ok(found, v.get("start"), v.get("end"))
        ):
            return True
        if v.get("type") == "daterange" and found.value == v.get("start") and found.end_value:
            # the specs give an exclusive end ("2019-04-01"); onrecord's ends are inclusive
            if v.get("end") in {found.end_value, _next_day(found.end_value)}:
                return True
        if v.get("type") == "time" and found.value and v.get("value", "")[:5] == found.value[1:6]:
            return True
    return False


def _next_day(iso: str) -> str | None:
    import datetime as dt

    try:
        return (dt.date.fromisoformat(iso) + dt.timedelta(days=1)).isoformat()
    except ValueError:
        return None


def date_case(case: dict[str, Any]) -> bool:
    from onrecord.components.dates import find_dates

    text = case["Input"]
    found = find_dates(text, _spec_ref(case))
    for r in case["Results"]:
        start, end = r["Start"], r["End"] + 1
        hits = [f for f in found if f.start < end and f.end > start]
        if not any(_date_ok(f, r) for f in hits):
            return False
    return True


def duration_case(case: dict[str, Any]) -> bool:
    from onrecord.components.dates import find_dates

    text = case["Input"]
    found = find_dates(text, _spec_ref(case))
    for r in case["Results"]:
        start, end = r["Start"], r["Start"] + r["Length"]
        if not any(
            f.start < end and f.end > start and f.value == r["Value"]["Timex"] for f in found
        ):
            return False
    return True


SPEC_FILES: dict[str, tuple[str, Callable[[dict[str, Any]], bool]]] = {
    "number": ("NumberModel.en.json", number_case),
    "range": ("NumberRangeModel.en.json", range_case),
    "date": ("DateTimeModel.en.json", date_case),
    "duration": ("DurationParser.en.json", duration_case),
}


# Spec cases out of scope for a news tool: the one list of what is not scored, each entry a
# test on the case (its input, or what the spec expects) and the reason. Every other copied
# case counts.
def _input(pattern: str) -> Callable[[dict[str, Any]], bool]:
    rx = re.compile(pattern, re.IGNORECASE)
    return lambda case: rx.search(case["Input"]) is not None


def _values(case: dict[str, Any]) -> list[dict[str, Any]]:
    return [v for r in case["Results"] for v in r.get("Resolution", {}).get("values", [])]


def _bare_season(case: dict[str, Any]) -> bool:
    return any(v.get("timex", "") in {"SU", "WI", "SP", "FA"} for v in _values(case))


def _vague_count(case: dict[str, Any]) -> bool:
    return any(
        r["TypeName"].endswith("duration")
        and re.match(r"(?:a\s+)?(?:few|several|some)\b", r["Text"])
        for r in case["Results"]
    )


def _last_n_units(case: dict[str, Any]) -> bool:
    return any(
        re.match(r"(?:last|next|past)\s+\S+\s+(?:days|weeks|months|years)\b", r["Text"])
        for r in case["Results"]
    )


def _result_text(pattern: str) -> Callable[[dict[str, Any]], bool]:
    rx = re.compile(pattern, re.IGNORECASE)
    return lambda case: any(rx.search(r["Text"]) for r in case["Results"])


OUT_OF_SCOPE: list[tuple[str, Callable[[dict[str, Any]], bool], str]] = [
    (
        "number",
        _input(r"\b(?:over|out\s+of)\s+(?!.*\byears?\b)"),
        "'X over Y' / 'X out of Y' as one fraction: in news 'over' is a qualifier ('over 3') "
        "and '30 out of 50' is a part and its total, two figures (see check_consistency)",
    ),
    (
        "number",
        _input(
            r"(?<!\band\s)\b(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred"
            r"|thousand)[\s-]+(?:first|second|third|fourth|fifth)s?\b"
            r"|\bhundred\s+and\s+(?:first|second|third|fourth|fifth)s?\b"
        ),
        "a fraction over a compound denominator in words ('three twenty-firsts', 'one hundred "
        "thirty fifths', 'one one hundred and fifth'): ambiguous (the spec reads 'one hundred "
        "thirty fifths' as 100/35 but 'one hundred and thirty fifths' as 130/5, and 'one "
        "hundred one thousand fifths' as 100/1005), and in news 'a twenty-first' is a rank ('a "
        "twenty-first-century war')",
    ),
    (
        "number",
        _input(r"(?<![\d,])\d,\d{1,2}\b(?!,)"),
        "decimal comma (5,00; 1,3): continental usage; English news writes a comma between "
        "thousands",
    ),
    (
        "number",
        _input(r"\d\s?G\b|\d\s+M\b"),
        "'10G', '1,674.5 G', '1,674,200.5 M' as giga and million: in news '5G' and '4G' are "
        "network generations, '$10G' is ten grand, '5 M' a concentration; onrecord reads 'bn', "
        "'m', 'mn', 'MM' and 'k'",
    ),
    (
        "number",
        _input(r"^\d{1,3}(?:\.\d{1,3}){3}$"),
        "an IP address ('192.168.1.2'): an identifier, no figure in it",
    ),
    (
        "number",
        _input(r"^1m isn't"),
        "'1m' is one million in news ('£1m'); the spec reads it as not a number",
    ),
    (
        "range",
        _input(r"\b(?:tenth|fifteenth)\b"),
        "ordinal ranks ('between the tenth and the fifteenth'): ordinals are not claims",
    ),
    (
        "date",
        _bare_season,
        "a bare season ('Winter, and ...', 'summer period'): generic in news ('each autumn', 'in "
        "a single summer'); onrecord resolves a season only with a year or 'this/last/next' "
        "('summer 2019' -> 2019-06..2019-08)",
    ),
    (
        "date",
        _input(r"\bindependence\s+day\b"),
        "'Independence Day' without a country: July 4 in the US, August 15 in India, "
        "September 16 in Mexico; onrecord finds it with value null",
    ),
    (
        "date",
        _last_n_units,
        "'the last 3 months', 'the next two days': the spec gives a range ending or starting "
        "today; onrecord's contract gives the duration (P3M), as the annotated news sentences do "
        "('over the next two years')",
    ),
    (
        "date",
        _result_text(r"^the\s+(?:day|week|month|year)(?:\s+(?:after|before))?$"),
        "a bare 'the day', 'the week', 'the year', 'the day after': in news it names a period "
        "of the story as often as the current one ('the year before independence', 'the day "
        "after the vote'); onrecord does not resolve it to the publication date",
    ),
    (
        "date",
        _result_text(r"^\S+\s+(?:days|weeks|months|years)\s+later$"),
        "'3 weeks later' counts from an event of the story, not from the publication date; "
        "onrecord leaves it unresolved (docs/FIGURES.md, known gaps)",
    ),
    (
        "date",
        _result_text(r"^(?:\d+(?:d|w|y|p|ampm)|\d+:\d\da|otd|eoy|[<>]?\s*=\s*\d{4})$"),
        "chat and query shorthand ('10d', '3y', '7p', '9:00a', 'otd', 'eoy', '> = 2019'): not "
        "news register, and ambiguous in it ('7p' is seven pence, '10y' a bond tenor)",
    ),
    (
        "date",
        _vague_count,
        "'a few', 'several', 'some' units: the spec reads them as 3; onrecord leaves a vague "
        "count unresolved (value null)",
    ),
]


def in_scope(kind: str, case: dict[str, Any]) -> bool:
    return not any(k == kind and test(case) for k, test, _ in OUT_OF_SCOPE)


def spec_shares() -> dict[str, tuple[int, int, int, int]]:
    """Per kind of Recognizers-Text case: (passed, cases in scope, cases out of scope, passed
    among all copied cases, out of scope included)."""
    out = {}
    for kind, (name, check) in SPEC_FILES.items():
        cases = json.loads((SPECS / name).read_text(encoding="utf-8"))
        ok = [_safe(check, c) for c in cases]
        scored = [c for c in cases if in_scope(kind, c)]
        passed = sum(1 for c, good in zip(cases, ok, strict=True) if good and in_scope(kind, c))
        out[kind] = (passed, len(scored), len(cases) - len(scored), sum(ok))
    return out


def _safe(check: Callable[[dict[str, Any]], bool], case: dict[str, Any]) -> bool:
    try:
        return check(case)
    except Exception:
        return False


if __name__ == "__main__":
    main()
