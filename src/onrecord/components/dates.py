"""Dates, ranges, durations and times in text, resolved against the publication date.

A small grammar of named patterns (explicit dates, month-years, years after a preposition,
weekdays, relative words, "N days ago", durations, clock times) finds candidates; ranges are
two dates joined by "to", "until", "-" or "between ... and"; values are ISO 8601:
"2023-12-20", "2023-12", "2023-W50", "P75D", "T15:00". Relative expressions need the
publication date and give ``None`` without it. ``dateparser`` resolves the numeric forms
("20/12/2023") the grammar leaves ambiguous; it runs only on those candidate strings, cached.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from ..types import DateRef, Span
from .numbers import NUMBER, parse_number

__all__ = ["DateFound", "find_dates", "extract_dates", "parse_published"]

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)day"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[6-9]\d\d|20\d\d|2100)"
_UNIT_CODES = {
    "year": "Y", "month": "M", "week": "W", "day": "D", "decade": "Y", "hour": "H",
    "minute": "M", "second": "S", "fortnight": "W",
}  # fmt: skip
_UNIT_WORD = (
    r"(?:decades?|years?|months?|weeks?|fortnights?|days?|hours?|hrs?|h|minutes?|mins?"
    r"|seconds?|secs?)"
)
_UNIT_ALIASES = {"h": "hour", "hr": "hour", "hrs": "hour", "min": "minute", "mins": "minute",
                 "sec": "second", "secs": "second"}  # fmt: skip

_P = re.IGNORECASE
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(rf"\b(?P<y>{_YEAR})-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")),
    ("numeric", re.compile(r"\b\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})\b")),
    (
        "day_month",
        re.compile(
            rf"(?:\b{_WEEKDAY},?\s+)?(?:the\s+)?\b(?P<d>{_DAY})(?:\s*(?:-|–|to|and)\s*(?P<d2>{_DAY}))?"
            rf"\s+(?:of\s+)?(?P<m>{_MONTH})(?!\w)(?:\s*,?\s+(?P<y>{_YEAR})\b)?",
            _P,
        ),
    ),
    (
        "month_day",
        re.compile(
            rf"(?P<between>\bbetween\s+)?(?:\b{_WEEKDAY},?\s+)?\b(?P<m>{_MONTH})\s+(?P<d>{_DAY})(?!\d)"
            rf"(?!\s*(?:%|percent))(?:\s*(?P<sep>-|–|to|through|and)\s*(?P<d2>{_DAY})(?!\d)(?!\s*{_MONTH}))?"
            rf"(?:\s*,?\s+(?P<y>{_YEAR})\b)?",
            _P,
        ),
    ),
    ("month_year", re.compile(rf"\b(?P<m>{_MONTH})\s+(?:of\s+)?(?P<y>{_YEAR})\b", _P)),
    (
        "year_range",
        re.compile(
            rf"\b(?:(?:from|between)\s+)?(?P<y>{_YEAR})\s*(?:-|–|to|and|until)\s*(?P<y2>{_YEAR}|\d\d)\b",
            _P,
        ),
    ),
    (
        "year",
        re.compile(
            rf"\b(?:in|since|by|until|of|during|from|before|after|till|year|early|late|for|through)\s+(?P<y>{_YEAR})\b(?![-–]\d)",
            _P,
        ),
    ),
    (
        "month",
        re.compile(
            rf"(?:\b(?:in|since|by|until|during|early|late|of|to|from|through|mid-?|(?P<rel>this|last|next))\s*"
            rf"(?P<m>{_MONTH})|\b(?P<bare>january|february|april|june|july|august|september|october"
            rf"|november|december))(?!\w)(?!\s+\d)",
            _P,
        ),
    ),
    (
        "weekday",
        re.compile(rf"\b(?:(?P<rel>last|next|this|on|coming)\s+)?(?P<wd>{_WEEKDAY})\b", _P),
    ),
    (
        "in_unit",
        re.compile(
            rf"\bin\s+(?P<n>{NUMBER}|an?)\s+(?P<u>days?|weeks?|months?|years?)\b(?!\s+(?:time|ago))",
            _P,
        ),
    ),
    ("word", re.compile(r"\b(?P<w>yesterday|today|tomorrow|tonight)\b", _P)),
    (
        "relative_unit",
        re.compile(
            r"\b(?P<rel>last|next|this|past|coming|earlier\s+this|later\s+this)\s+(?P<u>week|month|year)\b",
            _P,
        ),
    ),
    (
        "ago",
        re.compile(
            rf"\b(?P<n>{NUMBER}|a|an|several|a\s+few)\s+(?P<u>{_UNIT_WORD})\s+(?P<dir>ago|from\s+now)\b",
            _P,
        ),
    ),
    (
        "duration",
        re.compile(
            rf"(?<![\w.,])(?!an?[\s-])(?P<n>{NUMBER})(?:\s*(?:-|–|to)\s*(?P<n2>{NUMBER}))?"
            rf"(?:\s+and\s+a\s+half)?[\s-]*(?P<u>{_UNIT_WORD})\b(?![-\s]+old)",
            _P,
        ),
    ),
    (
        "duration_a",
        re.compile(
            rf"\b(?:(?:for|over|within|after|than|about|nearly|almost|past|last|lasted|lasting|took|spent|waited)\s+(?P<n>an?)"
            rf"|(?P<n2>half(?:\s+an?)?|another|all|full|whole))[\s-]+(?P<u>{_UNIT_WORD})\b"
            rf"(?P<half>\s+and\s+(?:a\s+)?half)?",
            _P,
        ),
    ),
    (
        "quarter",
        re.compile(
            rf"\b(?:(?P<y1>{_YEAR})[\s-]?q(?P<q1>[1-4])|q(?P<q2>[1-4])[\s-]?(?P<y2>{_YEAR})"
            rf"|(?:the\s+)?(?P<ord>first|second|third|fourth|final|1st|2nd|3rd|4th)\s+quarter"
            rf"(?:\s+of\s+(?P<y3>{_YEAR}))?|(?P<rel>last|next|this|previous|past)\s+quarter)\b",
            _P,
        ),
    ),
    (
        "time",
        re.compile(
            r"\b(?P<h>[01]?\d|2[0-3])(?:[:.](?P<mi>[0-5]\d))?\s*(?P<ap>a\.m\.|p\.m\.|am\b|pm\b)"
            r"|\b(?P<h2>[01]?\d|2[0-3]):(?P<mi2>[0-5]\d)\b(?!:?\d)|\b(?P<w>noon|midnight)\b",
            _P,
        ),
    ),
]
_FULL_MONTH_DOT = re.compile(
    r"(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december)\.$",
    re.IGNORECASE,
)
_RANGE_JOIN = re.compile(r"^\s*(?:-|–|—|to|until|till|through|and)\s*$", _P)
_RANGE_OPEN = re.compile(r"(?:\bfrom|\bbetween)\s+$", _P)


# lower-case month names that are also words: "you may be", "march on", "sat down"
_VERB_MONTHS = {"may", "march", "mar", "jan", "sat", "sun", "dec"}


@dataclass(slots=True)
class DateFound:
    start: int
    end: int
    kind: str
    value: str | None
    end_value: str | None = None
    weekday: bool = False
    year_given: bool = True


def parse_published(published: str | None) -> dt.date | None:
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published[:10])
    except ValueError:
        return None


def _month(raw: str) -> int:
    return _MONTHS[raw.lower()[:3]]


def _day(raw: str) -> int:
    return int(re.sub(r"\D", "", raw))


def _closest_year(month: int, day: int, ref: dt.date | None, future: bool = False) -> int | None:
    """News looks back: the date in the publication year unless that is months ahead."""
    if ref is None:
        return None
    try:
        candidate = dt.date(ref.year, month, day)
    except ValueError:
        return ref.year
    if future:
        return ref.year if (ref - candidate).days <= 7 else ref.year + 1
    if (candidate - ref).days > 90:
        return ref.year - 1
    if (ref - candidate).days > 300:
        return ref.year + 1
    return ref.year


def _iso(year: int | None, month: int, day: int) -> str | None:
    if year is None:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _unit_name(unit: str) -> str:
    low = unit.lower()
    return _UNIT_ALIASES.get(low, low.rstrip("s"))


def _duration(n: float | None, unit: str) -> str | None:
    if n is None:
        return None
    u = _unit_name(unit)
    code = _UNIT_CODES.get(u)
    if code is None:
        return None
    if u == "decade":
        n *= 10
    if u == "fortnight":
        n *= 2
    number = f"{int(n)}" if float(n).is_integer() else f"{n:g}"
    return f"PT{number}{code}" if u in {"hour", "minute", "second"} else f"P{number}{code}"


def _shift(ref: dt.date, n: float, unit: str, sign: int, exact: bool = True) -> str:
    """The day ``n`` units before (sign -1) or after (+1) ``ref``: "two months ago"."""
    u = _unit_name(unit)
    if u in {"month", "year", "decade"} and exact and float(n).is_integer():
        months = int(n) * {"month": 1, "year": 12, "decade": 120}[u]
        total = ref.year * 12 + ref.month - 1 + sign * months
        year, month = total // 12, total % 12 + 1
        for day in (ref.day, 30, 29, 28):
            try:
                return dt.date(year, month, day).isoformat()
            except ValueError:
                continue
    if u == "day":
        return (ref + dt.timedelta(days=sign * n)).isoformat()
    if u in {"week", "fortnight"}:
        days = 7 * n * (2 if u == "fortnight" else 1)
        return (ref + dt.timedelta(days=sign * days)).isoformat()
    if u == "month":
        total = ref.year * 12 + ref.month - 1 + sign * int(n)
        return f"{total // 12:04d}-{total % 12 + 1:02d}"
    if u in {"year", "decade"}:
        return f"{ref.year + sign * int(n) * (10 if u == 'decade' else 1):04d}"
    return ref.isoformat()


@lru_cache(maxsize=512)
def _dateparser(text: str, ref: dt.date | None) -> str | None:
    try:
        import dateparser  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - dateparser is a dependency of the dev extra
        return None
    settings: dict[str, object] = {"PREFER_DATES_FROM": "past"}
    if ref is not None:
        settings["RELATIVE_BASE"] = dt.datetime(ref.year, ref.month, ref.day)
    try:
        parsed = dateparser.parse(text, languages=["en"], settings=settings)
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    return None if parsed is None else parsed.date().isoformat()


def _resolve(
    kind: str, m: re.Match[str], ref: dt.date | None, future: bool = False
) -> DateFound | None:
    s, e = m.span()
    g = m.groupdict()
    if kind == "iso":
        return DateFound(s, e, "date", _iso(int(g["y"]), int(g["m"]), int(g["d"])))
    if kind == "numeric":
        return DateFound(s, e, "date", _dateparser(m.group(0), ref))
    if kind in {"day_month", "month_day", "month_year"} and g["m"] in _VERB_MONTHS:
        return None  # "may", "march" as words
    if kind == "month_day" and g["d2"] and (g["sep"] or "").lower() == "and" and not g["between"]:
        month, day = _month(g["m"]), _day(g["d"])
        return DateFound(
            m.start("m"),
            m.end("d"),
            "date",
            _iso(_closest_year(month, day, ref, future), month, day),
        )
    if kind == "month_day" and g["between"] and not g["d2"]:
        s = m.start("m")
    if kind in {"day_month", "month_day"}:
        month, day = _month(g["m"]), _day(g["d"])
        year = int(g["y"]) if g["y"] else _closest_year(month, day, ref, future)
        value = _iso(year, month, day)
        if not g["y"] and not g.get("d2"):
            return DateFound(s, e, "date", value, year_given=False)
        if g.get("d2"):
            return DateFound(s, e, "range", value, _iso(year, month, _day(g["d2"])))
        return DateFound(s, e, "date", value)
    if kind == "month_year":
        return DateFound(s, e, "date", f"{int(g['y']):04d}-{_month(g['m']):02d}")
    if kind == "year_range":
        y2 = g["y2"]
        if len(y2) == 2:
            y2 = g["y"][:2] + y2
        if int(y2) <= int(g["y"]):
            return None
        return DateFound(s, e, "range", g["y"], y2)
    if kind == "year":
        return DateFound(m.start("y"), e, "date", g["y"])
    if kind == "month":
        if g["bare"]:
            g = {**g, "m": g["bare"], "rel": None}
        ms = m.start("m") if g["m"] is not g["bare"] else s
        month = _month(g["m"])
        if g["m"] in _VERB_MONTHS:
            return None
        year = ref.year if ref else None
        rel = (g["rel"] or "").lower()
        if rel:
            ms = s
        if ref is not None and rel == "last":
            year = ref.year if month < ref.month else ref.year - 1
        elif ref is not None and rel == "next":
            year = ref.year if month > ref.month else ref.year + 1
        elif ref is not None and rel != "this" and month > ref.month + 1 and not future:
            year = ref.year - 1
        return DateFound(ms, e, "date", None if year is None else f"{year:04d}-{month:02d}")
    if kind == "weekday":
        rel = (g["rel"] or "").lower()
        start = s if rel in {"last", "next", "this", "coming"} else m.start("wd")
        if ref is None:
            return DateFound(start, e, "date", None)
        target = _WEEKDAYS.index(_full_weekday(g["wd"]))
        back = (ref.weekday() - target) % 7
        if rel in {"next", "coming"} or (future and rel != "last"):
            ahead = (target - ref.weekday()) % 7
            if rel == "next" and ahead == 0:
                ahead = 7
            return DateFound(
                start, e, "date", (ref + dt.timedelta(days=ahead)).isoformat(), weekday=True
            )
        if rel == "last" and back == 0:
            back = 7
        return DateFound(
            start, e, "date", (ref - dt.timedelta(days=back)).isoformat(), weekday=True
        )
    if kind == "word":
        offset = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}[g["w"].lower()]
        value = None if ref is None else (ref + dt.timedelta(days=offset)).isoformat()
        return DateFound(s, e, "date", value)
    if kind == "relative_unit":
        return DateFound(s, e, "date", _relative_unit(g["rel"], g["u"], ref))
    if kind == "ago":
        n = _count(g["n"])
        sign = -1 if g["dir"].lower() == "ago" else 1
        value = None if ref is None or n is None else _shift(ref, n, g["u"], sign)
        return DateFound(s, e, "date", value)
    if kind == "duration_a":
        s = m.start("n") if g["n"] else m.start("n2")
        n = 1.0 if g["n"] or (g["n2"] or "").lower() in {"another", "all", "full", "whole"} else 0.5
        return DateFound(s, e, "duration", _duration(n + (0.5 if g["half"] else 0.0), g["u"]))
    if kind == "in_unit":
        if not future:
            return None  # "sequenced 600 samples in six weeks": a duration
        n = _count(g["n"])
        value = None if ref is None or n is None else _shift(ref, n, g["u"], 1, exact=True)
        return DateFound(s, e, "date", value)
    if kind == "duration":
        s = m.start("n")
        n = _count(g["n"])
        if _ordinal_unit(m, n):
            return None
        if n is not None and "half" not in g["n"].lower() and "and a half" in m.group(0).lower():
            n += 0.5
        if g.get("n2"):
            return DateFound(
                s, e, "range", _duration(n, g["u"]), _duration(_count(g["n2"]), g["u"])
            )
        return DateFound(s, e, "duration", _duration(n, g["u"]))
    if kind == "quarter":
        return _quarter(g, ref, s, e)
    if kind == "time":
        if g["w"]:
            return DateFound(s, e, "time", "T12:00" if g["w"].lower() == "noon" else "T00:00")
        hour = int(g["h"] if g["h"] is not None else g["h2"])
        minute = int(g["mi"] or g["mi2"] or 0)
        ap = (g["ap"] or "").lower().replace(".", "")
        if ap == "pm" and hour < 12:
            hour += 12
        if ap == "am" and hour == 12:
            hour = 0
        if hour > 23:
            return None
        return DateFound(s, e, "time", f"T{hour:02d}:{minute:02d}")
    return None


_ORDINAL_QUARTER = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
                    "fourth": 4, "4th": 4, "final": 4}  # fmt: skip


def _quarter(g: dict[str, str], ref: dt.date | None, s: int, e: int) -> DateFound:
    """A quarter as an inclusive range of days: "Q1 2019" -> 2019-01-01 .. 2019-03-31."""
    year_raw = g["y1"] or g["y2"] or g["y3"]
    number = int(g["q1"] or g["q2"] or 0) or _ORDINAL_QUARTER.get((g["ord"] or "").lower(), 0)
    year = int(year_raw) if year_raw else (ref.year if ref else None)
    if g["rel"] and ref is not None:
        current = (ref.month - 1) // 3 + ref.year * 4
        rel = g["rel"].lower()
        index = current + (-1 if rel in {"last", "previous", "past"} else 1 if rel == "next" else 0)
        year, number = index // 4, index % 4 + 1
    elif not year_raw and ref is not None and number and (number - 1) * 3 + 1 > ref.month:
        year = ref.year - 1  # "the fourth quarter", read in March: last year's
    if year is None or not number:
        return DateFound(s, e, "range", None, None)
    first = dt.date(year, (number - 1) * 3 + 1, 1)
    after = dt.date(year + (number == 4), number * 3 % 12 + 1, 1)
    return DateFound(s, e, "range", first.isoformat(), (after - dt.timedelta(days=1)).isoformat())


def _ordinal_unit(m: re.Match[str], n: float | None) -> bool:
    """ "twenty second" is an ordinal, not 20 seconds: "second" after a number in words."""
    return m.group("u").lower() == "second" and not m.group("n")[:1].isdigit()


def _full_weekday(raw: str) -> str:
    low = raw.lower()
    return next(w for w in _WEEKDAYS if w[:3] == low[:3])


def _count(raw: str) -> float | None:
    low = raw.lower().strip()
    if low in {"a", "an"}:
        return 1.0
    if low in {"a half", "half a", "half an"}:
        return 0.5
    if low == "several":
        return None
    if low == "a few":
        return None
    return parse_number(raw)


def _relative_unit(rel: str, unit: str, ref: dt.date | None) -> str | None:
    if ref is None:
        return None
    r = re.sub(r"\s+", " ", rel.lower())
    u = unit.lower()
    sign = {"last": -1, "past": -1, "next": 1, "coming": 1}.get(r, 0)
    if u == "week":
        day = ref + dt.timedelta(weeks=sign)
        year, week, _ = day.isocalendar()
        return f"{year:04d}-W{week:02d}"
    if u == "month":
        total = ref.year * 12 + ref.month - 1 + sign
        return f"{total // 12:04d}-{total % 12 + 1:02d}"
    return f"{ref.year + sign:04d}"


def find_dates(text: str, published: dt.date | None) -> list[DateFound]:
    """Dates, ranges, durations and times in ``text``, left to right, non-overlapping."""
    candidates: list[tuple[int, DateFound]] = []
    for priority, (kind, pattern) in enumerate(_PATTERNS):
        for m in pattern.finditer(text):
            try:
                found = _resolve(kind, m, published, _future(text, m.start()))
            except (ValueError, OverflowError, KeyError, StopIteration):
                found = None
            if found is not None and found.end > found.start:
                candidates.append((priority, found))
    candidates.sort(key=lambda pf: (pf[1].start, -(pf[1].end - pf[1].start), pf[0]))
    kept: list[DateFound] = []
    for _, f in candidates:
        if kept and f.start < kept[-1].end:
            continue
        if _FULL_MONTH_DOT.search(text, f.start, f.end):
            f.end -= 1  # "5 April." ends a sentence; "Dec." keeps its point
        kept.append(f)
    return _join_ranges(text, kept)


_FUTURE = re.compile(
    r"\b(?:will|'ll|shall|expects?|expected|plans?|planned|is due|are due|scheduled|set to"
    r"|upcoming|to be held|aims? to)\b",
    re.IGNORECASE,
)


def _future(text: str, pos: int) -> bool:
    """Does the sentence so far speak of the future? Then "on Friday" is the coming one."""
    start = max(text.rfind(". ", 0, pos), text.rfind("\n", 0, pos), pos - 200, 0)
    return _FUTURE.search(text, start, pos) is not None


def _join_ranges(text: str, found: list[DateFound]) -> list[DateFound]:
    """ "from Monday to Wednesday", "between 1 March and 5 April": one range."""
    out: list[DateFound] = []
    i = 0
    while i < len(found):
        a = found[i]
        if i + 1 < len(found):
            b = found[i + 1]
            if (
                a.kind == "date"
                and b.kind == "date"
                and _RANGE_JOIN.match(text[a.end : b.start])
                and (
                    _RANGE_OPEN.search(text[max(0, a.start - 9) : a.start])
                    or "and" not in text[a.end : b.start]
                )
            ):
                opener = _RANGE_OPEN.search(text[max(0, a.start - 9) : a.start])
                start = a.start - (len(opener.group(0)) if opener else 0)
                end_value = b.value
                if not a.year_given and b.year_given and a.value and b.value:
                    a.value = b.value[:4] + a.value[4:]  # "Nov 18 - Dec 19, 2015"
                    if a.value > b.value:
                        a.value = f"{int(b.value[:4]) - 1:04d}{a.value[4:]}"
                if b.weekday and a.value and b.value and b.value < a.value:
                    end_value = (dt.date.fromisoformat(b.value) + dt.timedelta(days=7)).isoformat()
                out.append(DateFound(start, b.end, "range", a.value, end_value))
                i += 2
                continue
        out.append(a)
        i += 1
    return out


def extract_dates(
    text: str, published: str | None, body: list[tuple[int, int]] | None = None
) -> list[DateRef]:
    """The record's ``dates``: every date expression in the body, resolved where possible."""
    ref = parse_published(published)
    refs: list[DateRef] = []
    for f in find_dates(text, ref):
        if body and not any(s <= f.start and f.end <= e for s, e in body):
            continue
        refs.append(
            DateRef(
                span=Span.of(text, f.start, f.end),
                kind=f.kind,  # type: ignore[arg-type]
                value=f.value,
                end=f.end_value,
            )
        )
    return refs
