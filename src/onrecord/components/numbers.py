"""Numbers as written in news: digits ("24,448", "1.2bn", "１２３") and words ("two million",
"a dozen", "a third", "two and a half"). Private helper of ``claims.py`` and ``dates.py``.

``parse_number`` turns one number phrase into a float (None when it is not a number or is
absurd: infinite, or beyond 1e15 when written out; scientific notation, "6.02e23", is deliberate
and is kept up to 1e300). ``NUMBER`` is a regex
source matching one number phrase; callers wrap it in their own grammar.
"""

from __future__ import annotations

import math
import re
import unicodedata

__all__ = ["NUMBER", "parse_number", "UNITS_WORDS", "MULTIPLIERS", "finite", "SCI_LIMIT"]

_UNITS_WORDS = {
    "zero": 0, "nought": 0, "naught": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
UNITS_WORDS = _UNITS_WORDS
MULTIPLIERS = {
    "hundred": 100.0, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "k": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "mil": 1e6, "bn": 1e9, "bln": 1e9, "b": 1e9,
    "tn": 1e12, "trn": 1e12, "tln": 1e12, "lakh": 1e5, "crore": 1e7, "mm": 1e6,
}  # fmt: skip
_FRACTIONS: dict[str, float] = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4,
    "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "seventh": 7,
    "sevenths": 7, "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9, "tenth": 10,
    "tenths": 10, "eleventh": 11, "elevenths": 11, "twelfth": 12, "twelfths": 12,
    "twentieth": 20, "twentieths": 20, "thirtieth": 30, "thirtieths": 30, "fortieth": 40,
    "fortieths": 40, "fiftieth": 50, "fiftieths": 50, "sixtieth": 60, "sixtieths": 60,
    "seventieth": 70, "seventieths": 70, "eightieth": 80, "eightieths": 80, "ninetieth": 90,
    "ninetieths": 90, "hundredth": 100, "hundredths": 100, "thousandth": 1e3,
    "thousandths": 1e3, "millionth": 1e6, "millionths": 1e6, "billionth": 1e9,
    "billionths": 1e9, "trillionth": 1e12, "trillionths": 1e12,
}  # fmt: skip
_DOZEN = {"dozen", "dozens", "doz", "dozs", "dz", "dzs"}

_WORD = "|".join(sorted(_UNITS_WORDS, key=len, reverse=True))
_MULT = "hundred|thousand|million|billion|trillion|lakh|crore"
_FRAC = "|".join(sorted(_FRACTIONS, key=len, reverse=True))
# "and" joins a number to the scale word before it ("a hundred and five", "a million and
# two"), not two small numbers ("between ten and fifteen")
_AFTER_SCALE = "(?:" + "|".join(f"(?<={w})" for w in (*_MULT.split("|"), "dozen")) + ")"
# ... or a units word to a tens word: "twenty and four"
_AFTER_TENS = (
    "(?:"
    + "|".join(
        f"(?<={w}ty)" for w in ("twen", "thir", "for", "fif", "six", "seven", "eigh", "nine")
    )
    + ")"
)
# the decimals of a spoken number: "point zero three"
_POINT = rf"(?:\s+point(?:[\s-]+(?:{_WORD}))+)"
# a run of number words: "two hundred and thirty-five thousand", "a dozen", "a third"
_WORDS_TAIL = (
    rf"(?:(?:\s+|-)(?:{_WORD}|{_MULT}|dozens?|dozs?|dzs?|(?:and\s+)?(?:an?\s+|one\s+)?(?:half|quarter))(?!\w)"
    rf"|{_AFTER_SCALE}\s+and\s+(?:{_WORD}|{_MULT})(?!\w)"
    rf"|{_AFTER_TENS}\s+and\s+(?:one|two|three|four|five|six|seven|eight|nine)(?!\w)){{0,15}}"
    rf"{_POINT}?(?:(?:\s+|\s*-\s*)(?:{_FRAC})(?:\s+of\s+an?\s+(?:{_MULT})|\s+(?:{_MULT})(?!\w))?)?(?:\s+and\s+(?:an?|one|{_WORD})\s+(?:{_FRAC})(?:\s+(?:{_MULT}))?)?"
)
_WORDS_NUMBER = (
    rf"(?:half\s+an?\s+dozen"
    rf"|(?:{_WORD})(?:[\s-]+(?:{_WORD}))?{_WORDS_TAIL}"
    rf"|an?(?:\s+|-)(?:{_MULT}|dozen){_WORDS_TAIL}"
    rf"|(?:an?\s+)?(?:half|quarter)\s+(?:an?\s+)?(?:{_MULT})\b"
    rf"|an?(?:\s+|-)(?:{_FRAC})"
    rf"|half(?=\s+(?:of|a|an|the)\b)"
    rf"|(?:(?<=than\s)|(?<=nearly\s)|(?<=almost\s)|(?<=about\s))half(?=\s+\w))"
)
# digits with thousands separators (comma, thin or no-break space; Indian lakh grouping
# "12,34,567"; plain spaces only for two groups, "1 234 567", or " 000", "40 000") or
# decimals; \d also matches full-width digits
_DIGITS = (
    r"(?:\d{1,2}(?:,\d\d){1,3},\d{3}(?:\.\d+)?(?![\d,])|\d{1,3}(?:,\d{3})+(?:\.\d+)?"
    r"|(?<!\d)\d{1,3}(?:(?: \d{3}){2,}| 000)(?![\d,])(?:\.\d+)?"
    r"|\d{1,3}(?:[\u202f\u00a0]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
)
_SCI = r"\d+(?:\.\d+)?[eE][+-]?\d+(?!\w)"
# a power with a caret: "10^6", "1.1^23", "2.5^-1"
_POW = r"(\d+(?:\.\d+)?)\^([+-]*)(\d{1,3}(?:\.\d+)?)(?![\w.^])"
_FRACTION = r"(?<![\d/])\d{1,3}/\d{1,3}(?![\d/])"
_SCALE_SUFFIX = (
    rf"(?:\s*(?:hundred|thousand)\b(?:\s+(?:and\s+)?(?:\d{{1,3}}(?![.,]\d)|{_WORD})(?:\s+hundred\b)?"
    rf"(?:\s+and\s+(?:\d{{1,2}}|{_WORD}))?(?!\w))?"
    rf"|\s*(?:million|billion|trillion|lakh|crore|dozens?|dozs?|dzs?)\b"
    rf"|\s*(?:bn|bln|mn|mln|tn|trn|tln|k)\b|(?:m|b|mil)\b|(?-i:MM)\b)*"
)
# digits are read once, then what follows them: "3 1/2", "2½", "1.2bn", "5 million and a half"
NUMBER = (
    rf"(?:{_SCI}|{_POW}|{_FRACTION}"
    rf"|{_DIGITS}(?:\s+\d/\d{{1,2}}(?![\d/])|\s*½|{_SCALE_SUFFIX}(?:\s+and\s+a\s+half)?)"
    rf"|(?<![\w½])½|(?<!\w)(?:{_WORDS_NUMBER}|dozen)(?!\w))"
)
_GROUP_SPACE = re.compile(r"(?<=\d)[ \u202f\u00a0](?=\d{3}(?!\d))")
_TOKEN = re.compile(r"\d[\d,\u202f\u00a0]*(?:\.\d+)?|\.\d+|[a-z]+|½|/", re.IGNORECASE)


def finite(value: float | None, limit: float = 1e15) -> float | None:
    """The value, or None when it is absurd for a news figure (inf, nan, beyond ``limit``:
    1e15 for a number written out, :data:`SCI_LIMIT` for scientific notation)."""
    if value is None or math.isnan(value) or math.isinf(value) or abs(value) > limit:
        return None
    return value


SCI_LIMIT = 1e300


def _digits(token: str) -> float | None:
    token = unicodedata.normalize("NFKC", token)
    token = token.replace(",", "").replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    if len(token) > 40:
        return None
    try:
        return float(token)
    except ValueError:
        return None


def parse_number(phrase: str) -> float | None:
    """The value of one number phrase, or None."""
    text = _GROUP_SPACE.sub("", phrase.lower().strip())  # "1 234 567", "40\u202f000"
    text = re.sub(r"\s+", " ", text)
    if re.fullmatch(_SCI, text):
        try:
            return finite(float(text), SCI_LIMIT)
        except (ValueError, OverflowError):
            return None
    power = re.fullmatch(_POW, text)
    if power:  # "1.1^23", "2.5^-1": a minus count of the exponent's signs flips it
        exponent = float(power.group(3)) * (-1) ** power.group(2).count("-")
        try:
            return finite(float(power.group(1)) ** exponent, SCI_LIMIT)
        except (ValueError, OverflowError, ZeroDivisionError):
            return None
    if text.startswith("half a dozen") or text.startswith("half an dozen"):
        return 6.0
    slash = re.fullmatch(r"(?:(\S+)\s+)?(\d{1,3})/(\d{1,3})", unicodedata.normalize("NFKC", text))
    if slash:
        whole = _digits(slash.group(1)) if slash.group(1) else 0.0
        den = float(slash.group(3))
        if whole is None or den == 0:
            return None
        return finite(whole + float(slash.group(2)) / den)
    text = text.replace("-", " ").replace("\u2011", " ").replace("1/2", "½")
    if " point " in f" {text} ":
        integer_part, _, decimals = text.partition("point")
        digits = [_UNITS_WORDS.get(w) for w in decimals.split()]
        if not digits or any(d is None for d in digits):
            return None
        if any(d is not None and d > 9 for d in digits):  # "point seventy one": .71
            whole = parse_number(decimals)
            if whole is None or not whole.is_integer():
                return None
            digits = [int(whole)]
        base = parse_number(integer_part) if integer_part.strip() else 0.0
        if base is None:
            return None
        return finite(base + float("0." + "".join(str(d) for d in digits)))
    return _parse_tokens(_TOKEN.findall(text))


def _parse_tokens(tokens: list[str]) -> float | None:
    total = 0.0  # completed groups (thousands, millions ...)
    group = 0.0  # the group being built (below the next multiplier)
    since_and: float | None = None  # the group's value when "and" was read
    last_big = 0.0  # the last multiplier >= 1000, for "two million and a half"
    last_chunk = 0.0  # what the last multiplier added: "three lakh" before "crore"
    fractions = 0.0
    seen = False
    pending_fraction: float | None = None  # "a quarter million", "half a million"
    and_after_big = False
    and_after_mult = False
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok[0].isdigit() or tok[0] == ".":
            value = _digits(tok)
            if value is None:
                return None
            group += value
            seen = True
        elif tok in _UNITS_WORDS:
            if i > 0 and _UNITS_WORDS.get(tokens[i - 1], 20) < 20:
                return None  # "one one hundred", "three-nought-four", "nineteen ninety": read out
            group += _UNITS_WORDS[tok]
            seen = True
        elif tok in ("a", "an"):
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            if nxt in _FRACTIONS or (pending_fraction is not None and nxt in MULTIPLIERS):
                pass  # "a third", "and a half": the fraction reads its numerator as 1
            else:
                group += 1
                seen = True
        elif tok == "½":
            group += 0.5
            seen = True
        elif tok == "and":
            since_and = group
            and_after_big = group == 0 and total > 0
            and_after_mult = i > 0 and tokens[i - 1] in MULTIPLIERS
        elif tok in _DOZEN:
            head = since_and or 0.0
            group = head + ((group - head) or 1) * 12
            seen = True
        elif tok in _FRACTIONS:
            head = since_and or 0.0
            numerator = (group - head) or 1
            if group == head and total > 0 and not and_after_big:
                numerator, total = total, 0.0  # "a hundred thousand trillionths"
            elif (since_and is None or (and_after_mult and numerator >= 20)) and total + head > 0:
                # the whole number over the fraction: "one million two thousand two hundred
                # three fifths", "one hundred and thirty fifths" (130/5); "and" before a small
                # numerator makes a mixed number: "two and three quarters", "one hundred and
                # three quarters", "two million and a half"
                numerator, total, head = total + group, 0.0, 0.0
            if numerator > 1 and not tok.endswith("s") and tok not in ("half", "quarter"):
                return None  # "twenty third" is an ordinal, not 20/3
            value = numerator / _FRACTIONS[tok]
            seen = True
            ahead = [t for t in tokens[i + 1 : i + 4] if t not in ("of", "a", "an")]
            if ahead and ahead[0] in MULTIPLIERS and tokens[i + 1] in ("of", "a", "an"):
                pending_fraction = value  # "half a million", "two thirds of a million"
                group = head
            elif and_after_big and not (i + 1 < len(tokens) and tokens[i + 1] in MULTIPLIERS):
                fractions += value * last_big  # "two million and a half"
                group = head
            elif i + 1 < len(tokens) and tokens[i + 1] in MULTIPLIERS:
                pending_fraction = value
                group = head
            else:
                fractions += value
                group = head
        elif tok == "of":
            pass
        elif tok in MULTIPLIERS:
            mult = MULTIPLIERS[tok]
            if pending_fraction is not None:
                base = pending_fraction + group  # "five and a half million"
                pending_fraction = None
                group = 0.0
                if mult >= 1000:
                    total += base * mult
                    last_big = mult
                else:
                    group += base * mult
            elif mult == 100:
                head = since_and or 0.0
                group = head + ((group - head) or 1) * 100 if head else (group or 1) * 100
            elif group == 0 and i > 0 and tokens[i - 1] in MULTIPLIERS and last_big < mult:
                total += last_chunk * (mult - 1)  # "three lakh crore", "a thousand million"
                last_chunk *= mult
                last_big = mult
            else:
                last_chunk = (group or 1) * mult
                total += last_chunk
                group = 0.0
                last_big = mult
            since_and = None
            seen = True
        else:
            return None
        i += 1
    if not seen:
        return None
    return finite(total + group + fractions)
