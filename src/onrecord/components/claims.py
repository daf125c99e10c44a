"""Figures as claims: every quantity in the body, with who asserted it.

``find_quantities(text)`` is the surface grammar (regexes, no parse): a quantity is an optional
qualifier ("at least", "more than", "about", "between"), an optional currency, a number in digits
or words, an optional second number (a range), an optional unit. Numbers that are dates, times,
years, names ("Resolution 2720", "F-16"), pages or phone numbers are rejected by small named
rules. ``extract_claims(doc, ...)`` adds what needs the parse: the counted noun phrase
(``measure``), the governing predicate (``event``), the direction of a change, and the quote or
attribution the figure sits in (``quote``, ``asserted_by``).

``check_consistency(claims)`` relates figures on the same measure and event.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Token

from ..resources import read_tsv
from ..types import AssertedBy, Check, Claim, Span
from .numbers import NUMBER, SCI_LIMIT, finite, parse_number
from .quotes import Attribution

__all__ = ["Quantity", "find_quantities", "extract_claims", "check_consistency", "out_of"]


@dataclass(slots=True)
class Quantity:
    """A quantity found in text (character offsets) before the parse is consulted."""

    start: int
    end: int
    value: float | None
    low: float | None
    high: float | None
    qualifier: str
    unit: str | None
    number_start: int
    number_end: int
    age: bool = False


@lru_cache(maxsize=1)
def _units() -> dict[str, str]:
    return {row["surface"].lower(): row["unit"] for row in read_tsv("units.tsv")}


@lru_cache(maxsize=1)
def _currencies() -> dict[str, str]:
    return {row["symbol"]: row["code"] for row in read_tsv("currency_symbols.tsv")}


_QUALIFIERS = {
    "at least": "at_least", "no fewer than": "at_least", "not less than": "at_least",
    "a minimum of": "at_least", "no less than": "at_least",
    "more than": "more_than", "over": "more_than", "upwards of": "more_than",
    "in excess of": "more_than", "above": "more_than", "exceeding": "more_than",
    "just over": "more_than", "well over": "more_than", "greater than": "more_than",
    "larger than": "more_than", "bigger than": "more_than", "higher than": "more_than",
    "at most": "at_most", "up to": "at_most", "no more than": "at_most",
    "as many as": "at_most", "a maximum of": "at_most", "not more than": "at_most",
    "less than": "less_than", "fewer than": "less_than", "under": "less_than",
    "below": "less_than", "just under": "less_than", "smaller than": "less_than",
    "lower than": "less_than",
    "about": "about", "around": "about", "approximately": "about", "nearly": "about",
    "almost": "about", "roughly": "about", "some": "about", "an estimated": "about",
    "estimated": "about", "close to": "about", "approx.": "about", "an approximate": "about",
    "between": "range", "from": "range",
}  # fmt: skip
_VAGUE = {
    "tens of thousands": 20_000, "hundreds of thousands": 200_000, "tens of millions": 2e7,
    "hundreds of millions": 2e8, "dozens": 24, "scores": 40, "hundreds": 200,
    "thousands": 2_000, "millions": 2e6, "billions": 2e9,
}  # fmt: skip


def _alt(words: Sequence[str]) -> str:
    return "|".join(
        re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True)
    )


@lru_cache(maxsize=2)
def _grammar(ratio: bool = True) -> re.Pattern[str]:
    units = _alt([u for u in _units() if u not in {"%", "°c"}])
    currencies = _alt(list(_currencies()))
    quals = _alt(list(_QUALIFIERS))
    vague = _alt([v for v in _VAGUE if v != "scores"]) + r"|scores(?=\s+of\b)"
    unit = rf"(?:\s*(?:%|°C)|(?<=\d)C\b|\s*-?\s*(?:{units})\b(?![-\s]+old\b))"
    return re.compile(
        rf"(?<![\w$€£¥₹.])(?:(?P<qual>{quals})\s+)?"
        rf"(?:(?P<vague>{vague})(?!\w)"
        rf"|(?P<sci>\d+(?:\.\d+)?[eE][+-]?\d+)(?!\w)"
        + (rf"|(?P<ratio_a>one|\d+)\s+in\s+(?P<ratio_b>{NUMBER})(?!\w)" if ratio else "")
        + rf"|(?P<neg>(?:minus|negative)\s+)?(?P<cur>{currencies})?\s?(?P<num>{NUMBER})"
        rf"(?P<unit1>{unit})?"
        rf"(?:(?P<sep>\s*(?:-|–|—|to|and)\s*)(?P<neg2>(?:minus|negative)\s+)?"
        rf"(?P<cur2>{currencies})?\s?(?P<num2>{NUMBER})"
        rf"(?P<unit2>{unit})?)?)"
        rf"(?P<age>-year-old|\s+years?\s+old)?",
        re.IGNORECASE,
    )


_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTHS})\.?\s*$", re.IGNORECASE)
# a two-digit year: "15 April of 87", "May '17" (not "March of 87 cases")
_MONTH_OF_YY = re.compile(rf"\b(?:{_MONTHS})\.?\s+(?:of\s+'?|')$", re.IGNORECASE)
_MONTH_AFTER = re.compile(rf"^(?:st|nd|rd|th)?\s*(?:of\s+)?(?:{_MONTHS})\b", re.IGNORECASE)
_TIME_AFTER = re.compile(
    r"^(?::\d\d|\s*(?:a\.m\.|p\.m\.|am\b|pm\b|gmt\b|utc\b|hrs\b|h\b|o'clock|local time))",
    re.IGNORECASE,
)
_CLOCK_HOUR = r"(?:1[0-2]|[1-9]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b"
_CLOCK_BEFORE = re.compile(
    r"\b(?:half|quarter|[1-5]?\d|one|two|three|four|five|six|seven|eight|nine|ten|eleven"
    r"|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty"
    r"|twenty[\s-]five)\s+(?:minutes\s+)?past\s+$",
    re.IGNORECASE,
)
_CLOCK_AFTER = re.compile(rf"^\s+(?:minutes\s+)?past\s+{_CLOCK_HOUR}", re.IGNORECASE)
_ORDINAL_AFTER = re.compile(r"^(?:st|nd|rd|th)\b", re.IGNORECASE)
_NAME_WORDS = {
    "resolution", "channel", "route", "article", "flight", "page", "pages", "p.", "pp.",
    "room", "highway", "section", "chapter", "gate", "platform", "bus", "no.", "number",
    "apollo", "boeing", "airbus", "model", "version", "level", "category", "phase", "stage",
    "game", "round", "act", "bill", "amendment", "building", "block", "unit", "ward",
    "district", "zone", "sector", "terminal", "line", "paragraph", "clause", "item",
    "hall", "road", "street", "avenue", "floor", "division", "brigade", "squadron", "cop",
    "windows", "iphone", "galaxy", "psalm", "psalms", "vol.", "volume", "figure", "table",
    "tel", "tel.", "phone", "fax", "ext.", "su", "mig", "tu", "mark", "week", "day", "year",
    "matchday", "grade", "class", "type", "series", "league", "formula", "interstate",
}  # fmt: skip
_PHONE = re.compile(
    r"(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)\s?|\d{2,4}[\s.-])\d{3,4}[\s.-]\d{3,4}(?:[\s.-]\d{2,4})?"
    r"|\b\d{3}-\d{4}\b"
)
_WORDY_SINGLETONS = {"a", "an", "one"}
_TIME_UNITS = {"year", "month", "week", "day", "hour", "minute", "second", "decade"}
_CHANGE_BEFORE = re.compile(
    r"\b(?:by|rose|fell|grew|dropped|climbed|jumped|increased|decreased|declined|rising|falling"
    r"|up|down|cut|raised|lowered|slipped|soared|plunged|surged)\s+$",
    re.IGNORECASE,
)


def _prev_word(text: str, start: int) -> str:
    m = re.search(r"([\w.]+)[\s-]*$", text[max(0, start - 30) : start])
    return m.group(1) if m else ""


def _is_year(q: Quantity, raw: str) -> bool:
    return (
        q.unit is None
        and q.qualifier in {"exact", "range"}
        and re.fullmatch(
            r"(1[5-9]\d\d|20\d\d)(?:\s*(?:-|–|to|and)\s*(?:1[5-9]\d\d|20\d\d|\d\d))?", raw
        )
        is not None
    )


def _rejected(text: str, q: Quantity, raw_number: str, cur: str | None) -> bool:
    """Dates, times, years, names, pages, ordinals: not claims."""
    before = text[max(0, q.number_start - 12) : q.number_start]
    after = text[q.number_end : q.number_end + 14]
    if raw_number.lower() in _WORDY_SINGLETONS and (q.unit is None or raw_number.lower() != "one"):
        return True  # "a", "an", "one" alone; "a day" is a rate, not a figure
    if _ORDINAL_AFTER.match(after) or _TIME_AFTER.match(after):
        return True
    before_clock = text[max(0, q.number_start - 30) : q.number_start]
    if q.unit is None and (_CLOCK_BEFORE.search(before_clock) or _CLOCK_AFTER.match(after)):
        return True  # "half past eleven", "ten past nine": a time
    if re.search(r"\d:$|\d[./]$", before):
        return True
    if not cur and (_MONTH_BEFORE.search(before) or _MONTH_AFTER.match(after)):
        return True
    if (
        not cur
        and re.fullmatch(r"\d\d", raw_number)
        and _MONTH_OF_YY.search(text, max(0, q.number_start - 20), q.number_start)
        and not re.match(r"[\w%]|\s+[a-z]", after)
    ):
        return True
    if re.match(
        r"^\s*(?:years?|days?|weeks?|months?|hours?)\s+(?:ago|earlier|later)\b",
        text[q.number_end : q.number_end + 25],
        re.IGNORECASE,
    ):
        return True
    if not cur and re.search(r"[A-Za-z][-‑]?$", before):  # F-16, COVID-19, G7, A320
        return True
    if not cur and re.match(r"^[-‑]?[A-Za-z]", after) and not q.unit and not q.age:
        # glued to letters: "4x4", "3D", "5G"; units and multipliers are part of the match
        if not re.match(
            r"^-(?:year|day|week|month|hour|minute|strong|member|seat|page)", after, re.I
        ):
            return True
    prev = _prev_word(text, q.number_start)
    if not cur and q.qualifier == "exact" and prev.lower() in _NAME_WORDS:
        return True
    if (
        not cur
        and q.qualifier == "exact"
        and prev[:1].isupper()
        and "," not in raw_number
        and raw_number[:1].isdigit()
        and prev.lower() not in _QUALIFIERS
        and not re.search(
            r"[.!?:;,\"“”]\s*\S*\s*$", text[max(0, q.number_start - 40) : q.number_start]
        )
        and re.search(
            r"\S\s+" + re.escape(prev) + r"[\s-]*$",
            text[max(0, q.number_start - 60) : q.number_start],
        )
    ):
        return True  # "Channel 12", "Route 6" mid-sentence
    return _is_year(q, text[q.number_start : q.end if q.qualifier == "range" else q.number_end])


def _is_range(text: str, m: re.Match[str], qual_raw: str, cur: str | None) -> bool:
    """Is "N sep M" one range? "30-40", "between 30 and 40", "$3bn to $5bn" are; "rose by 150
    to 3,450", "4 percent to $78", "45 and 15" are not."""
    sep = (m.group("sep") or "").strip().lower()
    qual = re.sub(r"\s+", " ", qual_raw)
    if sep == "and":
        return qual == "between"
    if qual == "from" and sep not in {"to", "-", "–"}:
        return False
    if (
        m.group("unit1")
        and not m.group("cur2")
        and _unit(m.group("unit1")) != _unit(m.group("unit2"))
    ):
        return False
    if bool(m.group("cur2")) != bool(cur) and m.group("cur2"):
        return False
    if sep == "to" and _CHANGE_BEFORE.search(text[max(0, m.start() - 20) : m.start()]):
        return False
    return True


def _unit(raw: str | None) -> str | None:
    if not raw:
        return None
    key = re.sub(r"\s+", " ", raw.strip(" -").lower())
    if key == "°c":
        return "degC"
    return _units().get(key)


def find_quantities(text: str) -> list[Quantity]:
    """All quantities in ``text`` (no parse needed), left to right, non-overlapping."""
    masked = _PHONE.sub(lambda m: "#" * len(m.group(0)), text)
    found: list[Quantity] = []
    pos = 0
    grammar = _grammar()
    while (m := grammar.search(masked, pos)) is not None:
        try:
            q = _quantity(masked, m)
            if q is None and m.groupdict().get("ratio_a"):
                # not a ratio ("more than 30000 in 2009"): read it again without one
                again = _grammar(ratio=False).match(masked, m.start())
                q = _quantity(masked, again) if again else None
        except (ValueError, OverflowError, ArithmeticError):
            q = None
        if q is not None:
            found.append(q)
        # what a quantity did not keep ("two hours" of "two hours and five minutes") is
        # scanned again
        pos = max(q.end if q is not None else m.end(), m.start() + 1)
    return found


def _quantity(text: str, m: re.Match[str]) -> Quantity | None:
    qual_raw = (m.group("qual") or "").lower()
    qualifier = _QUALIFIERS.get(re.sub(r"\s+", " ", qual_raw), "exact")
    if m.group("vague"):
        vs = m.start("vague")
        start = m.start() if m.group("qual") else vs
        base = _VAGUE[re.sub(r"\s+", " ", m.group("vague").lower())]
        return Quantity(start, m.end("vague"), None, base, None, "vague", None, vs, m.end("vague"))
    if m.groupdict().get("ratio_a"):
        a, b = parse_number(m.group("ratio_a")), parse_number(m.group("ratio_b"))
        if a is None or not b or b > 1000 or a >= b:
            return None
        qs = m.start() if m.group("qual") else m.start("ratio_a")
        return Quantity(qs, m.end(), a / b, None, None, qualifier, None, qs, m.end())
    if m.group("sci"):
        s, e = m.span("sci")
        value = None
        try:
            value = finite(float(m.group("sci")), SCI_LIMIT)
        except (ValueError, OverflowError):
            value = None
        return Quantity(s, e, value, None, None, "exact", None, s, e)
    num = m.group("num")
    if num is None:
        return None
    cur = m.group("cur")
    if num.endswith("MM") and not cur:
        return None  # "$5MM" is five million; "a 9MM pistol" a name
    value = parse_number(num)
    if m.group("neg") and value is not None:
        value = -value  # "minus 5C", "negative ten"
    first = m.start("neg") if m.group("neg") else m.start("cur") if cur else m.start("num")
    start = m.start("qual") if m.group("qual") else first
    end = m.end()
    unit = _currencies().get(cur.strip()) if cur else None
    unit = unit or _unit(m.group("unit1")) or _unit(m.group("unit2"))
    low = high = None
    if qualifier == "range":
        qualifier = "exact"  # "between"/"from" make a range only with a second number
    if m.group("num2"):
        if not _is_range(text, m, qual_raw, cur):
            end = m.end("unit1") if m.group("unit1") else m.end("num")
        else:
            low, high = value, parse_number(m.group("num2"))
            if m.group("neg2") and high is not None:
                high = -high
            if low is not None and high is not None and high < low:
                if (m.group("sep") or "").strip() in {"-", "–"}:
                    return None  # "24-7", a score "3-1": not a figure
                low = high = None
                end = m.end("unit1") if m.group("unit1") else m.end("num")
            else:
                qualifier, value = "range", None
    if qual_raw in {"over", "under"} and unit in _TIME_UNITS:
        qualifier = "exact"  # "over three weeks" is a period, not "more than"
        start = m.start("num")
    if qual_raw in {"between", "from"} and qualifier != "range":
        qualifier = "exact"
        start = first
    # trim trailing whitespace captured by optional groups
    while end > start and text[end - 1].isspace():
        end -= 1
    q = Quantity(
        start=start,
        end=end,
        value=value,
        low=low,
        high=high,
        qualifier=qualifier,
        unit=unit,
        number_start=m.start("num"),
        number_end=m.end("num"),
        age=bool(m.group("age")) and end >= m.end("age"),
    )
    if re.search(r"\b(?:aged|age|ages)\s+$", text[max(0, q.start - 8) : q.start], re.I):
        q.age = True
    if (
        re.search(r"[A-Za-z],\s*$", text[max(0, q.start - 4) : q.start])
        and re.match(r"^\s*,", text[q.end : q.end + 2])
        and value is not None
        and value.is_integer()
        and 0 < value < 120
        and q.unit is None
        and re.fullmatch(r"\d{1,3}", num)
    ):
        q.age = True  # "The mayor, 52, said"
    if q.age:
        q.unit = "year"
    if q.unit == "decade":
        q.unit = "year"
        q.value, q.low, q.high = (None if v is None else v * 10 for v in (q.value, q.low, q.high))
    if (m.group("unit1") or "").strip().lower() == "second" and not num[:1].isdigit():
        return None  # "twenty second" is an ordinal, not 20 seconds
    if _rejected(text, q, num, cur):
        return None
    return q


# --- the parse: measure, event, direction ----------------------------------------------------

_UP = {
    "rise", "increase", "grow", "climb", "jump", "surge", "soar", "gain", "up", "raise",
    "boost", "expand", "rally", "advance", "double", "spike", "hike", "add",
}  # fmt: skip
_DOWN = {
    "fall", "drop", "decline", "decrease", "shrink", "slump", "plunge", "down", "cut", "lose",
    "tumble", "slide", "sink", "dip", "reduce", "contract", "slip", "plummet", "ease", "shed",
}  # fmt: skip
_UNIT_LEMMAS = {
    "percent", "%", "cent", "dollar", "euro", "pound", "point", "bn", "m", "k", "million",
    "billion", "trillion", "thousand", "hundred", "dozen", "mn", "tn", "$", "€", "£",
}  # fmt: skip
_GENERIC_MEASURE_MODS = {"amod", "compound", "nmod", "poss"}


def _tokens_in(doc: Doc, start: int, end: int) -> list[Token]:
    span = doc.char_span(start, end, alignment_mode="expand")
    return [] if span is None else list(span)


def _phrase(noun: Token, span_tokens: set[int]) -> str:
    left = [
        t
        for t in noun.lefts
        if t.dep_ in _GENERIC_MEASURE_MODS and t.i not in span_tokens and t.like_num is False
    ]
    words = [t.text for t in left] + [noun.text]
    for child in noun.rights:
        if child.dep_ == "acl" and child.tag_ == "VBN":
            words.append(child.text)
            break
    else:
        # "3 people were killed": the passive verb says what was counted; an active perfect
        # ("the two sides had argued") does not
        if noun.dep_ == "nsubjpass" and noun.head.tag_ == "VBN":
            words.append(noun.head.text)
    return " ".join(words)


def _of_object(tok: Token) -> Token | None:
    for child in tok.rights:
        if child.dep_ == "prep" and child.lower_ in {"of", "in"}:
            for obj in child.children:
                if obj.dep_ == "pobj":
                    return obj
    return None


def _measure_and_event(
    doc: Doc, text: str, q: Quantity
) -> tuple[str | None, str | None, str | None]:
    """The counted phrase, the governing predicate's lemma and the direction of a change."""
    toks = _tokens_in(doc, q.start, q.end)
    if not toks:
        return None, None, None
    inside = {t.i for t in toks}
    # the token of the quantity whose head lies outside it
    anchor = next((t for t in toks if t.head.i not in inside or t.head == t), toks[-1])
    if q.age:
        return "age", _event(anchor), None
    noun, direction = _counted_noun(anchor, inside, q)
    if direction is None:
        before = text[max(0, q.start - 12) : q.start].lower()
        if re.search(r"\b(?:up|higher)\s+(?:by\s+)?$", before):
            direction = "up"
        elif re.search(r"\b(?:down|lower)\s+(?:by\s+)?$", before):
            direction = "down"
    if isinstance(noun, str):
        return noun, _event(anchor), direction
    if noun is None or noun.lower_ in {"%", "percent", "cent"} or noun.pos_ == "PRON":
        return None, _event(anchor), direction
    return _phrase(noun, inside), _event(noun if noun.i not in inside else anchor), direction


def _change(lemma: str) -> str | None:
    return "up" if lemma in _UP else "down" if lemma in _DOWN else None


def _counted_noun(
    anchor: Token, inside: set[int], q: Quantity
) -> tuple[Token | str | None, str | None]:
    """What the figure counts, by the parse: "24,448 Palestinians", "dozens of captives",
    "a crowd of 75,000", "inflation rose 2.3 percent", "killed 300" (the verb)."""
    head = anchor.head
    of_obj = _of_object(anchor)
    if of_obj is not None and of_obj.i not in inside and (q.unit is None or q.unit == "percent"):
        return of_obj, None
    if anchor.dep_ in {"nummod", "quantmod", "amod", "compound", "nmod"} and head.pos_ in {
        "NOUN",
        "PROPN",
    }:
        direction = _change(head.lemma_.lower())
        if direction is None:
            return head, None
        obj = _of_object(head)
        return (obj if obj is not None else _subject_of(head.head)), direction
    verb = head
    if anchor.dep_ == "pobj":
        prep = head
        if prep.lower_ == "of" and prep.head.pos_ in {"NOUN", "PROPN"}:
            return prep.head, None  # "a crowd of 75,000", "growth of 2 percent"
        verb = prep.head
    if anchor.dep_ == "nsubj" and verb.lemma_ == "be":
        return next((c for c in verb.rights if c.dep_ in {"attr", "acomp"}), None), None
    if verb.pos_ not in {"VERB", "AUX"}:
        return None, None
    direction = _change(verb.lemma_.lower())
    if direction is not None:
        obj = next((c for c in verb.children if c.dep_ == "dobj" and c.i not in inside), None)
        return (obj if obj is not None else _subject_of(verb)), direction
    if q.unit is not None:
        return _subject_of(verb), None  # "the merger is valued at €4.5 billion"
    if anchor.dep_ in {"nsubj", "nsubjpass", "dobj"}:
        return (verb.text if verb.tag_ in {"VBN", "VBD"} else None), None
    return None, None


def _subject_of(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in {"nsubj", "nsubjpass"}:
            return child
    return None


def _event(tok: Token) -> str | None:
    for child in tok.rights:
        if child.dep_ == "acl" and child.pos_ == "VERB":
            return child.lemma_.lower()
    cur = tok
    for _ in range(6):
        if cur.pos_ == "VERB" and cur.lemma_ != "be":
            return cur.lemma_.lower()
        if cur.head == cur:
            break
        cur = cur.head
    return None


# --- attribution --------------------------------------------------------------------------


def _inside(att: Attribution, start: int, end: int) -> bool:
    ranges = att.parts or [att.content]
    return any(s <= start and end <= e for s, e in ranges) or (
        att.content[0] <= start and end <= att.content[1]
    )


def extract_claims(
    doc: Doc,
    attributions: Sequence[Attribution],
    speakers: Sequence[AssertedBy | None],
    quote_ids: Sequence[str],
    body: Sequence[tuple[int, int]] | None = None,
) -> list[Claim]:
    """Claims for every quantity in ``doc`` (within ``body`` ranges when given)."""
    text = doc.text
    claims: list[Claim] = []
    for q in find_quantities(text):
        if body and not any(s <= q.start and q.end <= e for s, e in body):
            continue
        try:
            measure, event, direction = _measure_and_event(doc, text, q)
        except (IndexError, ValueError):
            measure, event, direction = None, None, None
        quote_id: str | None = None
        asserted: AssertedBy | None = None
        holders = [i for i, a in enumerate(attributions) if _inside(a, q.start, q.end)]
        if holders:
            best = min(
                holders, key=lambda i: attributions[i].content[1] - attributions[i].content[0]
            )
            quote_id = quote_ids[best]
            asserted = speakers[best]
        else:
            sent = _sentence_range(doc, text, q.start)
            for i, att in enumerate(attributions):
                if att.source is not None and att.source[0] <= q.start < att.source[1]:
                    continue  # "The mayor, 52, said": a figure about the speaker
                if att.cue is not None and sent[0] <= att.cue[0] < sent[1]:
                    asserted = speakers[i]
                    break
        claims.append(
            Claim(
                id=f"c{len(claims) + 1}",
                span=Span.of(text, q.start, q.end),
                # values were capped when read (1e15 written out, 1e300 in scientific notation)
                value=finite(q.value, SCI_LIMIT),
                low=finite(q.low, SCI_LIMIT),
                high=finite(q.high, SCI_LIMIT),
                qualifier=q.qualifier,  # type: ignore[arg-type]
                unit=q.unit,
                direction=direction,  # type: ignore[arg-type]
                measure=measure,
                event=event,
                quote=quote_id,
                asserted_by=asserted,
            )
        )
    return claims


def _sentence_range(doc: Doc, text: str, char: int) -> tuple[int, int]:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    if (
        span is None
        or not len(span)
        or not doc.has_annotation("SENT_START")
        and not doc.has_annotation("DEP")
    ):
        return char, char
    sent = span[0].sent
    # the parser may run a headline into the first sentence: a sentence ends at a blank line
    previous_blank = text.rfind("\n\n", 0, char)
    start = max(sent.start_char, previous_blank + 2 if previous_blank >= 0 else 0)
    blank = text.find("\n\n", char, sent.end_char)
    return start, (blank if blank >= 0 else sent.end_char)


# --- consistency --------------------------------------------------------------------------


def _interval(c: Claim) -> tuple[float, float] | None:
    v = c.value
    if c.qualifier == "range" and c.low is not None and c.high is not None:
        return c.low, c.high
    if v is None:
        return None
    return {
        "exact": (v, v),
        "at_least": (v, float("inf")),
        "more_than": (v, float("inf")),
        "at_most": (float("-inf"), v),
        "less_than": (float("-inf"), v),
        "about": (v * 0.9, v * 1.1),
    }.get(c.qualifier)


def _key(c: Claim) -> tuple[str, str, str] | None:
    if not c.measure:
        return None
    words = [w.lower().rstrip("s") for w in re.findall(r"[A-Za-z]+", c.measure)]
    return (words[0] if words else "", c.event or "", c.unit or "")


def check_consistency(claims: Sequence[Claim], text: str = "") -> list[Check]:
    """Pairs of claims on the same measure and event, and sums that make a total."""
    checks: list[Check] = []
    groups: dict[tuple[str, str, str], list[Claim]] = {}
    for c in claims:
        key = _key(c)
        if key is not None:
            groups.setdefault(key, []).append(c)
    pairs = [p for group in groups.values() for p in itertools.combinations(group[:50], 2)]
    for a, b in sorted(pairs, key=lambda p: (p[0].span.start, p[1].span.start)):
        if a.span.text == b.span.text:
            continue
        ia, ib = _interval(a), _interval(b)
        if ia is None or ib is None:
            continue
        overlap = ia[0] <= ib[1] and ib[0] <= ia[1]
        verdict = "consistent" if overlap else "inconsistent"
        checks.append(
            Check(
                claims=[a.id, b.id],
                verdict=verdict,  # type: ignore[arg-type]
                note=f"{a.span.text!r} vs {b.span.text!r} on {a.measure!r}",
            )
        )
    checks.extend(_sums(claims, text))
    if text:
        checks.extend(out_of(text, claims))
    return checks


_TOTAL_AFTER = re.compile(r"\b(?:total|in all|altogether|overall|combined)\b", re.IGNORECASE)


def _sums(claims: Sequence[Claim], text: str) -> list[Check]:
    """A run of consecutive figures whose sum is a nearby total: "60 women, 45 children and 15
    elderly" of "the 120 freed"; and "X out of Y"."""
    exact = [c for c in claims if c.qualifier == "exact" and c.value is not None and c.value > 0]
    checks: list[Check] = []
    used: set[tuple[str, ...]] = set()
    runs: list[set[str]] = []
    for t_index, total in enumerate(exact):
        for start in range(max(0, t_index - 8), min(len(exact), t_index + 9)):
            if start < t_index and not _TOTAL_AFTER.search(
                text[exact[start].span.end : total.span.start]
            ):
                continue  # a total comes first, or is announced as one: "..., 120 in total"
            run_total = 0.0
            for stop in range(start, min(len(exact), start + 8)):
                part = exact[stop]
                if stop == t_index or part.unit != total.unit:
                    break
                if abs(part.span.start - total.span.start) > 300:
                    break
                run_total += part.value or 0.0
                if stop > start and abs(run_total - (total.value or 0.0)) < 1e-9:
                    ids = tuple(c.id for c in exact[start : stop + 1])
                    if t_index in range(start, stop + 1) or ids in used:
                        break
                    if any({total.id, *ids} <= run for run in runs):
                        break
                    used.add(ids)
                    runs.append({total.id, *ids})
                    checks.append(
                        Check(
                            claims=[*ids, total.id],
                            verdict="part_of",
                            note=" + ".join(c.span.text for c in exact[start : stop + 1])
                            + f" = {total.span.text}",
                        )
                    )
                    break
                if run_total > (total.value or 0.0):
                    break
    return checks


def out_of(text: str, claims: Sequence[Claim]) -> list[Check]:
    """ "X out of Y", "X of the Y": X is part of Y."""
    checks: list[Check] = []
    for a, b in itertools.pairwise(claims):
        gap = text[a.span.end : b.span.start]
        if re.fullmatch(r"\s+(?:\w+\s+)?(?:out\s+of|of\s+the|of\s+an?\s+estimated)\s+", gap) and (
            a.value is not None and b.value is not None and a.value <= b.value
        ):
            checks.append(
                Check(
                    claims=[a.id, b.id],
                    verdict="part_of",
                    note=f"{a.span.text} out of {b.span.text}",
                )
            )
    return checks
