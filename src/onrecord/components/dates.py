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
_ORDINAL_DAYS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
# a day as an ordinal word: "the first of May", "February twenty-second"
_DAYW = (
    r"(?:(?:twenty[\s-]+(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
    r"|thirty[\s-]+first|" + "|".join(sorted(_ORDINAL_DAYS, key=len, reverse=True)) + r")(?![-\w]))"
)
_NTH = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)"
_WEEKDAY_SHORT = r"(?:mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)"
_HOLIDAYS = {
    "christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24),
    "boxing day": (12, 26), "new year's day": (1, 1), "new year's eve": (12, 31),
    "valentine's day": (2, 14), "halloween": (10, 31), "may day": (5, 1),
    "international workers' day": (5, 1), "international women's day": (3, 8),
    "bastille day": (7, 14), "st patrick's day": (3, 17), "saint patrick's day": (3, 17),
    "veterans day": (11, 11), "armistice day": (11, 11), "juneteenth": (6, 19),
    "april fools' day": (4, 1), "groundhog day": (2, 2), "guy fawkes night": (11, 5),
}  # fmt: skip
_HOLIDAY_KEYS = {re.sub(r"[^a-z]", "", k).replace("saint", "st"): v for k, v in _HOLIDAYS.items()}
# a national day without a country ("Independence Day": July 4 in the US, August 15 in India,
# September 16 in Mexico): found, value null
_NATIONAL_DAYS = r"independence\s+day|national\s+day"
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11),
            "winter": (12, 2)}  # fmt: skip
_WEEK_REL = {"next": 1, "following": 1, "coming": 1, "last": -1, "previous": -1, "this": 0}
_UNIT_CODES = {
    "year": "Y", "month": "M", "week": "W", "day": "D", "decade": "Y", "hour": "H",
    "minute": "M", "second": "S", "fortnight": "W", "night": "D",
}  # fmt: skip
_UNIT_WORD = (
    r"(?:decades?|years?|months?|weeks?|fortnights?|days?|nights?|hours?|hrs?|h|minutes?|mins?"
    r"|seconds?|secs?)"
)
# "a.m.", "pm", and the spaced "p . m ."
_AMPM = r"(?:[ap]\s?\.\s?m\s?\.|[ap]\.?m\b)"
_UNIT_ALIASES = {"h": "hour", "hr": "hour", "hrs": "hour", "min": "minute", "mins": "minute",
                 "sec": "second", "secs": "second"}  # fmt: skip

_P = re.IGNORECASE
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(rf"\b(?P<y>{_YEAR})-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")),
    ("numeric", re.compile(r"\b\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})\b|\b\d{1,2}-\d{1,2}-\d{4}\b")),
    ("compact", re.compile(rf"\b(?P<y>{_YEAR})(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])\b")),
    (
        # months named between digits: "23/sep/2020", "2019-aug-1", "sep-23-2020"
        "named_numeric",
        re.compile(
            rf"\b(?:(?P<d1>[0-3]?\d)[/-](?P<m1>{_MONTH})[/-](?P<y1>{_YEAR})"
            rf"|(?P<y2>{_YEAR})[/-](?P<m2>{_MONTH})[/-](?P<d2>[0-3]?\d)"
            rf"|(?P<m3>{_MONTH})[/-](?P<d3>[0-3]?\d)[/-](?P<y3>{_YEAR})"
            # the rarer orders: "September-2020-23", "2020/23/Sep", "23-2020-September"
            rf"|(?P<m4>{_MONTH})[/-](?P<y4>{_YEAR})[/-](?P<d4>[0-3]?\d)"
            rf"|(?P<y5>{_YEAR})[/-](?P<d5>[0-3]?\d)[/-](?P<m5>{_MONTH})"
            rf"|(?P<d6>[0-3]?\d)[/-](?P<y6>{_YEAR})[/-](?P<m6>{_MONTH}))\b",
            _P,
        ),
    ),
    (
        # US month/day ranges: "from 10/1 to 11/7", "10/1-11/2/2017", "5/1-5/7, 2020"
        "numeric_range",
        re.compile(
            r"(?:\b(?P<open>from|between)\s+)?\b(?P<m1>1[0-2]|0?[1-9])/(?P<d1>[12]\d|3[01]|0?[1-9])"
            r"\s*(?P<sep>-|–|to|through|until)\s*(?P<m2>1[0-2]|0?[1-9])/(?P<d2>[12]\d|3[01]|0?[1-9])"
            r"(?:/(?P<y>\d{4})|,\s*(?P<y2>\d{4}))?(?![\d/])",
            _P,
        ),
    ),
    (
        "on_numeric",
        # "on 11/20", "Friday 5/12": a month/day without a year only after "on" or a weekday
        re.compile(rf"\b(?:on|{_WEEKDAY}),?\s+(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})(?![\d/])", _P),
    ),
    (
        # a month and a day in cardinal words where the clause ends: "May twenty nine" (spoken;
        # "in May twenty people died" is a count)
        "month_dayword",
        re.compile(
            rf"\b(?P<m>{_MONTH})\s+(?P<dc>(?:twenty|thirty)(?:[\s-]+(?:one|two|three|four|five"
            r"|six|seven|eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|eleven"
            r"|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
            r"(?=\s*(?:\.(?!\d)|[,;!?)]|$))",
            _P,
        ),
    ),
    (
        # "on 5.12" where the clause ends after it ("rose on 5.12 million" is a figure)
        "on_point",
        re.compile(r"\bon\s+(?P<a>\d{1,2})\.(?P<b>\d{1,2})(?=\s*(?:[,;!?)]|\.(?:\s|$)|$))", _P),
    ),
    (
        "day_month",
        re.compile(
            rf"(?:\b(?:{_WEEKDAY}|{_WEEKDAY_SHORT}),?\s+)?(?:the\s+)?(?<![$€£¥]\s)(?<![$€£¥\d.,])\b(?:(?P<d>{_DAY})"
            rf"(?:\s*(?:-|–|to|and)\s*(?P<d2>{_DAY}))?\s+(?:of\s+)?|(?P<dw>{_DAYW})\s+(?:day\s+)?of\s+)"
            rf"(?P<m>{_MONTH})(?!\w)(?:\s*,?\s+(?:in\s+|of\s+)?(?P<y>{_YEAR})\b"
            # a two-digit year after "of" or an apostrophe: "15 April of 87", "April '87"
            r"|\s+(?:of\s+'?|')(?P<yy>\d\d)\b(?![\w%]|\s+[a-z]))?",
            _P,
        ),
    ),
    (
        "month_day",
        re.compile(
            rf"(?P<between>\bbetween\s+)?(?:\b(?:{_WEEKDAY}|{_WEEKDAY_SHORT}),?\s+)?\b(?P<m>{_MONTH})"
            rf"(?:\s*/\s*|\s*,?\s*(?:the\s+)?)(?:(?P<d>{_DAY})(?!\d)|(?P<dw>{_DAYW}))"
            rf"(?!\s*(?:%|percent))(?:\s*(?P<sep>-|–|to|through|and)\s*(?P<d2>{_DAY})(?!\d)(?!\s*{_MONTH}))?"
            rf"(?:\s*,?\s+(?:in\s+|of\s+)?(?P<y>{_YEAR})\b)?",
            _P,
        ),
    ),
    (
        "month_year",
        re.compile(
            rf"\b(?P<m>{_MONTH})(?:\s*[,/-]\s*|\s+(?:of\s+|in\s+)?)(?P<y>{_YEAR})\b"
            rf"|\b(?P<y2>{_YEAR})\s+(?P<m2>{_MONTH})(?!\w)",
            _P,
        ),
    ),
    (
        "month_range",
        re.compile(
            rf"\b(?P<m>{_MONTH})\s*(?:-|–)\s*(?P<m2>{_MONTH})(?!\w)(?:\s*,?\s+(?P<y>{_YEAR})\b)?",
            _P,
        ),
    ),
    (
        "day_of",
        re.compile(
            rf"\b(?:the\s+)?(?P<d>{_NTH}|{_DAYW})\s+day\s+of\s+(?:(?P<rel>this|next|last)\s+month"
            rf"|the\s+month|(?P<m>{_MONTH})(?!\w))",
            _P,
        ),
    ),
    (
        "weekday_day",
        re.compile(
            rf"\b(?P<wd>{_WEEKDAY}|{_WEEKDAY_SHORT})\.?,?\s+(?:the\s+)?(?P<d>{_NTH}|{_DAYW})"
            rf"(?!\s*(?:of\s+)?{_MONTH})(?!\w)",
            _P,
        ),
    ),
    (
        # "on Sunday 31!": a weekday and a bare day where the clause ends ("on Friday 31 people
        # died" is a count)
        "weekday_num",
        re.compile(
            rf"\b(?P<wd>{_WEEKDAY})\s+(?P<d>[12]\d|3[01]|0?[1-9])(?=\s*(?:\.(?!\d)|[;!?)]|,\s*\D|$))",
            _P,
        ),
    ),
    (
        "on_nth",
        re.compile(rf"\bon\s+(?:the\s+)?(?P<d>{_NTH})(?!\s*(?:of\s+)?{_MONTH})(?!\w)", _P),
    ),
    (
        "week_weekday",
        re.compile(
            rf"\b(?P<rel>next|last|previous|following|this|coming)\s+week\s*(?:-|,|on)?\s*"
            rf"(?P<wd>{_WEEKDAY}|{_WEEKDAY_SHORT})\b"
            rf"|\b(?P<wd2>{_WEEKDAY})\s+of\s+(?:the\s+)?(?P<rel2>next|last|previous|following|this|coming)"
            rf"\s+week\b",
            _P,
        ),
    ),
    (
        "week_number",
        re.compile(r"\bweek\s+(?P<n>5[0-3]|[1-4]\d|0?[1-9])\b(?!\s*(?:of\b|[-–.,:/]\s*\d))", _P),
    ),
    (
        "nth_week",
        re.compile(
            rf"\b(?:the\s+)?(?P<ord>first|1st|second|2nd|third|3rd|fourth|4th|last|final)\s+week"
            rf"\s+of\s+(?:(?P<y>{_YEAR})\b|(?P<rel>this|next|last)\s+month\b|(?P<m>{_MONTH})(?!\w))",
            _P,
        ),
    ),
    (
        "weekend",
        re.compile(r"\b(?:(?P<rel>this|next|last|coming|past)\s+)?weekend\b", _P),
    ),
    (
        "holiday",
        re.compile(
            r"\b(?P<h>christmas(?:\s+(?:eve|day))?|boxing\s+day|new\s+year'?s\s+(?:eve|day)"
            r"|valentine'?s\s+day|halloween|may\s+day|international\s+workers'?\s+day"
            r"|international\s+women'?s\s+day|bastille\s+day|(?:st\.?|saint)\s+patrick'?s\s+day"
            r"|veterans'?\s+day|armistice\s+day|juneteenth|april\s+fools'?\s+day|groundhog\s+day"
            rf"|guy\s+fawkes\s+night|(?P<nat>{_NATIONAL_DAYS}))\b",
            _P,
        ),
    ),
    (
        # a season with a year or "this/last/next": "summer 2019", "the winter of 2010",
        # "this summer"; a bare season is generic in news ("each autumn", "in a single summer")
        "season",
        re.compile(
            rf"\b(?:(?P<rel>this|last|next|coming|past|previous|following)\s+"
            rf"|(?:the\s+)?(?:(?P<part>early|late|mid)[\s-]?)?(?=\w+\s+(?:of\s+)?{_YEAR}\b))"
            rf"(?P<s>spring|summer|autumn|fall|winter)(?:\s+(?:of\s+)?(?P<y>{_YEAR})\b)?"
            r"(?!\s+(?:olympics|games|paralympics|solstice|equinox)\b)(?!['’]s\s+(?:olympics|games))",
            _P,
        ),
    ),
    (
        # "(by the) end of the year": the current period, as "by the end of June" is June
        "end_of",
        re.compile(r"\bend\s+of\s+(?:the\s+)?(?P<u>week|month|year)\b", _P),
    ),
    (
        # "the rest of the week", "the remainder of this month": from the publication date
        "rest_of",
        re.compile(
            r"\b(?:the\s+)?(?:rest|remainder|remaining)\s+of\s+(?:the\s+|this\s+)?"
            r"(?P<u>week|month|year)\b",
            _P,
        ),
    ),
    (
        "half",
        re.compile(
            rf"\b(?:(?P<y>{_YEAR})[\s-]?h(?P<h>[12])|h(?P<h2>[12])[\s-]?(?P<y2>{_YEAR}))\b", _P
        ),
    ),
    (
        "to_date",
        re.compile(
            r"\b(?:(?P<ytd>year\s+to\s+date)|this\s+calendar\s+year)\b",
            _P,
        ),
    ),
    (
        "year_range",
        re.compile(
            rf"\b(?:(?P<open>from|between)\s+)?(?P<y>{_YEAR})\s*(?P<sep>-|–|to|and|until)\s*(?P<y2>{_YEAR}|\d\d)\b",
            _P,
        ),
    ),
    (
        # after year_range: "2010-11" is a season, "2015-12" a month
        "iso_month",
        re.compile(
            rf"\b(?P<y2>{_YEAR})-(?P<mm>0?[1-9]|1[0-2])(?![\d-])"
            rf"|(?<![\d/-])(?P<mm2>0?[1-9]|1[0-2])-(?P<y3>{_YEAR})\b"
        ),
    ),
    (
        "year",
        re.compile(
            rf"(?:\b(?:in|since|by|until|of|during|from|before|after|till|year|early|late|for|through)"
            rf"|(?<=\d\d\d\d )and)\s+(?P<y>{_YEAR})\b(?![-–]\d)",
            _P,
        ),
    ),
    (
        # "later than 2018", "year greater than 2012": the bound of an open range
        "than_year",
        re.compile(
            rf"\b(?:(?:later|earlier)\s+than|years?\s+(?:is\s+)?greater\s+than)\s+(?P<y>{_YEAR})\b"
            r"(?![-–]\d)",
            _P,
        ),
    ),
    (
        "year_words",
        re.compile(
            r"\b(?:in|since|by|until|during|from|before|after|of)\s+(?P<yw>(?:nineteen|twenty)[\s-]+"
            r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-]+(?:one|two|three"
            r"|four|five|six|seven|eight|nine))?|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
            r"|seventeen|eighteen|nineteen)|two\s+thousand(?:\s+and)?(?:\s+(?:twenty(?:[\s-]+\w+)?"
            r"|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
            r"|fifteen|sixteen|seventeen|eighteen|nineteen))?)(?![\w-])",
            _P,
        ),
    ),
    (
        "month",
        re.compile(
            rf"(?:\b(?:in|since|by|until|during|early|late|of|to|from|through|after|before|mid-?"
            rf"|(?P<rel>this|last|next))\s*"
            rf"(?P<m>{_MONTH})|\b(?P<bare>january|february|april|june|july|august|september|october"
            rf"|november|december))(?!\w)(?!\s+\d)",
            _P,
        ),
    ),
    (
        "weekday",
        re.compile(
            rf"\b(?:(?P<rel>last|next|this|on|coming|previous|following)\s+)?(?P<wd>{_WEEKDAY})\b",
            _P,
        ),
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
            r"\b(?P<rel>last|next|this|past|coming|following|(?:earlier|later)\s+(?:in\s+)?(?:this|the))"
            r"\s+(?P<u>week|month|year)\b",
            _P,
        ),
    ),
    (
        "ago",
        re.compile(
            rf"\b(?P<n>{NUMBER}|a|an|several|a\s+few)\s+(?P<u>{_UNIT_WORD})"
            rf"(?:\s*(?:,|and)\s*(?P<n2>{NUMBER}|an?)\s+(?P<u2>{_UNIT_WORD}))?"
            rf"\s+(?P<dir>ago|from\s+(?:now|today)|after\s+today|before\s+today)\b",
            _P,
        ),
    ),
    (
        "duration",
        re.compile(
            rf"(?<![\w.,])(?!an?[\s-])(?P<n>{NUMBER})(?:\s*(?:-|–|to)\s*(?P<n2>{NUMBER}))?"
            rf"(?:\s+and\s+a\s+half)?[\s-]*(?P<u>{_UNIT_WORD})\b(?![-\s]+old)"
            rf"(?P<frac>\s+and\s+(?:a\s+)?(?:half|quarter)\b)?",
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
            rf"|(?:(?P<yrel>next|last|this|previous)\s+year['’]s\s+|the\s+)?"
            rf"(?P<ord>first|second|third|fourth|final|1st|2nd|3rd|4th)\s+quarter"
            rf"(?:\s+of\s+(?P<y3>{_YEAR}))?"
            rf"|(?P<rel>last|next|this|previous|past|coming|current|following)\s+quarter)\b",
            _P,
        ),
    ),
    (
        "time",
        re.compile(
            r"\b(?P<h>[01]?\d|2[0-3])(?:[:.](?P<mi>[0-5]\d)(?::(?P<se>[0-5]\d))?)?\.?\s*"
            rf"(?P<ap>{_AMPM})"
            r"|\b(?P<h2>[01]?\d|2[0-3]):(?P<mi2>[0-5]\d)(?::(?P<se2>[0-5]\d))?\b(?!:?\d)"
            r"|\b(?P<h3>1[0-2]|0?[1-9])(?P<mi3>[0-5]\d)\s*(?P<ap3>a\.m\.|p\.m\.)"
            r"|\b(?P<h4>1[0-2]|[1-9])ish\b"
            r"|\b(?P<w>noon|mid\s?night)(?:ish)?\b",
            _P,
        ),
    ),
]
_HOUR_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_HOUR = r"(?:1[0-2]|0?[1-9]|" + "|".join(sorted(_HOUR_WORDS, key=len, reverse=True)) + r")(?!\w)"
_MINUTES = (
    r"(?:[1-5]?\d|half|(?:a\s+)?quarter|(?:twenty|thirty|forty|fifty)(?:[\s-]+(?:one|two|three"
    r"|four|five|six|seven|eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|eleven"
    r"|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
)


def _part(i: int) -> str:
    """ "in the evening" or "pm" after a spoken time (groups part<i>, ap<i>)."""
    return (
        rf"(?:\s+in\s+the\s+(?P<part{i}>morning|afternoon|evening|night)"
        rf"|\s*(?P<ap{i}>a\.m\.|p\.m\.|am\b|pm\b))"
    )


_PATTERNS.append(
    (
        # spoken times: "half past seven", "10 past 9 in the evening", "seven o'clock",
        # "in the morning at 7"
        "spoken_time",
        re.compile(
            rf"\b(?P<mins>{_MINUTES})\s+(?:min(?:ute)?s?\s+)?(?P<dir>past|after)\s+(?P<hr>{_HOUR})"
            rf"(?:\s*o'?\s*clock)?{_part(1)}?"
            rf"|\b(?P<mins2>{_MINUTES})\s+(?:min(?:ute)?s?\s+)?to\s+(?P<hr2>{_HOUR})"
            rf"(?=\s*o'?\s*clock|\s+in\s+the\s+(?:morning|afternoon|evening)|\s*[ap]\.?m\b)"
            rf"(?:\s*o'?\s*clock)?{_part(2)}?"
            rf"|\bin\s+the\s+(?P<part0>morning|afternoon|evening)\s+(?:at\s+)?(?P<hr0>{_HOUR})"
            rf"(?:\s*o'?\s*clock)?"
            rf"|\b(?P<hr1>{_HOUR})\s*o'?\s*clock{_part(3)}?"
            rf"|\b(?P<hr4>{_HOUR})\s*(?P<ap4>{_AMPM})"
            # "(at) one in the morning": after a word that sets a time
            rf"|\b(?:at|until|till|around|about|before|after|since|from|meet)\s+"
            rf"(?P<hr5>{_HOUR})\s+in\s+the\s+(?P<part5>morning|afternoon|evening)\b",
            _P,
        ),
    )
)
_FULL_MONTH_DOT = re.compile(
    r"(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december)\.$",
    re.IGNORECASE,
)
_ON_DAY = re.compile(r"\b(?:on|by|until|till|before|after)\s+$", _P)
_WEEK_OF = re.compile(
    r"(?:\b(?:the\s+)?week\s+(?:of|beginning|commencing|starting)(?:\s+on)?|\bw/c)\s+$", _P
)
_RANGE_JOIN = re.compile(r"^\s*(?:-|–|—|to|until|till|through|and)\s*$", _P)
_BETWEEN = re.compile(r"\bbetween\s+$", _P)
_NOW_BEFORE = re.compile(r"\bbetween\s+now\s+and\s+$", _P)
_NOW_AFTER = re.compile(r"\s+and\s+now\b", _P)
_RANGE_OPEN = re.compile(r"(?:\bfrom|\bbetween)\s+$", _P)


# lower-case month names that are also words: "you may be", "march on", "sat down"
_VERB_MONTHS = {"may", "march", "mar", "sat", "sun"}
# ... which are months after a date preposition: "on may 5", "in may."
_MONTH_CONTEXT = re.compile(
    r"\b(?:on|in|since|until|till|by|from|before|after|during|of|early|late|mid)[\s-]+$", _P
)
_CLAUSE_END = re.compile(r"\s*(?:[.,;:!?)]|$)")


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
    low = re.sub(r"[\s-]+", " ", raw.lower().strip())
    if low in _ORDINAL_DAYS:
        return _ORDINAL_DAYS[low]
    if low[:1].isalpha():
        tens, _, unit = low.partition(" ")
        return {"twenty": 20, "thirty": 30}[tens] + _ORDINAL_DAYS[unit]
    return int(re.sub(r"\D", "", raw))


def _closest_year(month: int, day: int, ref: dt.date | None, future: bool = False) -> int | None:
    """News looks back: the date in the publication year unless that is months ahead."""
    if ref is None:
        return None
    if (month, day) == (2, 29):  # the last leap year (or the next one, in the future)
        step = 1 if future else -1
        year = ref.year
        while not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
            year += step
        return year
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
    if kind in _MORE_KINDS:
        return _more(kind, m, g, ref, future)
    if kind == "numeric":
        return DateFound(s, e, "date", _dateparser(m.group(0), ref))
    if kind in {"day_month", "month_day", "month_year"} and g["m"] in _VERB_MONTHS:
        if kind == "day_month" or not _MONTH_CONTEXT.search(m.string, max(0, s - 12), s):
            return None  # "may", "march" as words; "on may 5" is a date
    if g.get("dw"):
        g = {**g, "d": g["dw"]}
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
    if kind == "day_month" and g["yy"]:
        # the century that puts the year at or before the publication ('87 -> 1987 in 2018;
        # '17 -> 2017); without one, 19yy after '49
        yy = int(g["yy"])
        latest = ref.year if ref else 2049
        year_yy = latest // 100 * 100 + yy
        g = {**g, "y": str(year_yy - 100 if year_yy > latest else year_yy)}
    if kind in {"day_month", "month_day"}:
        month, day = _month(g["m"]), _day(g["d"])
        year = int(g["y"]) if g["y"] else _closest_year(month, day, ref, future)
        value = _iso(year, month, day)
        if not g["y"] and not g.get("d2"):
            return DateFound(s, e, "date", value, year_given=False)
        if g.get("d2"):
            return DateFound(s, e, "range", value, _iso(year, month, _day(g["d2"])))
        return DateFound(s, e, "date", value)
    if kind in {"month_year", "iso_month"}:
        year = int(g.get("y") or g.get("y2") or g["y3"])
        name = g.get("m") or g.get("m2")
        month = _month(name) if name else int(g["mm"] or g["mm2"])
        return DateFound(s, e, "date", f"{year:04d}-{month:02d}")
    if kind == "year_range":
        if (g["sep"] or "").lower() == "and" and (g["open"] or "").lower() != "between":
            return None  # "in 2007 and 2009": two years
        y2 = g["y2"]
        if len(y2) == 2:
            y2 = g["y"][:2] + y2
        if int(y2) <= int(g["y"]):
            return None
        return DateFound(s, e, "range", g["y"], y2)
    if kind in {"year", "than_year"}:
        return DateFound(m.start("y"), e, "date", g["y"])
    if kind == "year_words":
        words = re.sub(r"[\s-]+", " ", g["yw"].lower())
        if words.startswith("two thousand"):
            year_value = parse_number(words)
        else:
            century, _, rest = words.partition(" ")
            tail = parse_number(rest)
            year_value = (
                None if tail is None else {"nineteen": 1900, "twenty": 2000}[century] + tail
            )
        if year_value is None or not 1600 <= year_value <= 2100:
            return None
        return DateFound(m.start("yw"), e, "date", f"{int(year_value):04d}")
    if kind == "month":
        if g["bare"]:
            g = {**g, "m": g["bare"], "rel": None}
        ms = m.start("m") if g["m"] is not g["bare"] else s
        month = _month(g["m"])
        if g["m"] in _VERB_MONTHS and not (
            g["m"] in {"may", "march"}
            and _MONTH_CONTEXT.search(m.string, max(0, ms - 12), ms)
            and _CLAUSE_END.match(m.string, e)
        ):
            return None  # "you may", "march on"; "it may be in may." is a month
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
        value = None if year is None else f"{year:04d}-{month:02d}"
        return DateFound(ms, e, "date", value, year_given=bool(rel))
    if kind == "weekday":
        rel = (g["rel"] or "").lower()
        start = (
            s
            if rel in {"last", "next", "this", "coming", "previous", "following"}
            else m.start("wd")
        )
        if ref is None:
            return DateFound(start, e, "date", None)
        target = _WEEKDAYS.index(_full_weekday(g["wd"]))
        monday = ref - dt.timedelta(days=ref.weekday())
        if rel in {"next", "following", "last", "previous"}:
            # "next Friday": the Friday of next week; "last Wednesday": of last week
            when = monday + dt.timedelta(days=7 * _WEEK_REL[rel] + target)
            return DateFound(start, e, "date", when.isoformat(), weekday=True)
        back = (ref.weekday() - target) % 7
        if rel == "coming" or (future and rel != "last"):
            ahead = (target - ref.weekday()) % 7
            if rel == "coming" and ahead == 0:
                ahead = 7
            return DateFound(
                start, e, "date", (ref + dt.timedelta(days=ahead)).isoformat(), weekday=True
            )
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
        sign = -1 if g["dir"].lower() in {"ago", "before today"} else 1
        value = None if ref is None or n is None else _shift(ref, n, g["u"], sign)
        if value is not None and g["n2"]:  # "2 weeks and 2 days ago"
            n2 = _count(g["n2"])
            base = dt.date.fromisoformat(value) if len(value) == 10 else None
            value = None if n2 is None or base is None else _shift(base, n2, g["u2"], sign)
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
        elif n is not None and g["frac"]:  # "one hour and a half", "a year and a quarter"
            n += 0.25 if "quarter" in g["frac"].lower() else 0.5
        if g.get("n2"):
            return DateFound(
                s, e, "range", _duration(n, g["u"]), _duration(_count(g["n2"]), g["u"])
            )
        return DateFound(s, e, "duration", _duration(n, g["u"]))
    if kind == "quarter":
        return _quarter(g, ref, s, e)
    if kind == "time":
        if g["w"]:
            return DateFound(s, e, "time", "T12:00" if g["w"].lower()[:4] == "noon" else "T00:00")
        hour = int(g["h"] or g["h2"] or g["h3"] or g["h4"])
        minute = int(g["mi"] or g["mi2"] or g["mi3"] or 0)
        second = g["se"] or g["se2"]
        return _clock(s, e, hour, minute, g["ap"] or g["ap3"], None, second)
    return None


_ORDINAL_QUARTER = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
                    "fourth": 4, "4th": 4, "final": 4}  # fmt: skip


def _quarter(g: dict[str, str], ref: dt.date | None, s: int, e: int) -> DateFound:
    """A quarter as an inclusive range of days: "Q1 2019" -> 2019-01-01 .. 2019-03-31."""
    year_raw = g["y1"] or g["y2"] or g["y3"]
    number = int(g["q1"] or g["q2"] or 0) or _ORDINAL_QUARTER.get((g["ord"] or "").lower(), 0)
    year = int(year_raw) if year_raw else (ref.year if ref else None)
    if g["yrel"] and ref is not None:  # "next year's first quarter"
        year = ref.year + {"next": 1, "last": -1, "previous": -1}.get(g["yrel"].lower(), 0)
    elif g["rel"] and ref is not None:
        current = (ref.month - 1) // 3 + ref.year * 4
        rel = g["rel"].lower()
        index = current + (
            -1
            if rel in {"last", "previous", "past"}
            else 1
            if rel in {"next", "coming", "following"}
            else 0
        )
        year, number = index // 4, index % 4 + 1
    elif not year_raw and not g["yrel"] and ref and number and (number - 1) * 3 + 1 > ref.month:
        year = ref.year - 1  # "the fourth quarter", read in March: last year's
    if year is None or not number:
        return DateFound(s, e, "range", None, None)
    first = dt.date(year, (number - 1) * 3 + 1, 1)
    after = dt.date(year + (number == 4), number * 3 % 12 + 1, 1)
    return DateFound(s, e, "range", first.isoformat(), (after - dt.timedelta(days=1)).isoformat())


def _clock(
    s: int, e: int, hour: int, minute: int, ap: str | None, part: str | None, second: str | None
) -> DateFound | None:
    """A time of day as "Thh:mm" (":ss" when given); "pm" or "in the evening" add 12 hours."""
    ap = re.sub(r"[\s.]", "", (ap or "").lower())
    if (ap == "pm" or part in {"afternoon", "evening", "night"}) and hour < 12:
        hour += 12
    if (ap == "am" or part == "morning") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return DateFound(s, e, "time", f"T{hour:02d}:{minute:02d}" + (f":{second}" if second else ""))


def _hour(raw: str) -> int:
    low = raw.lower()
    return _HOUR_WORDS[low] if low in _HOUR_WORDS else int(low)


def _spoken_time(
    m: re.Match[str], g: dict[str, str], ref: dt.date | None, future: bool
) -> DateFound | None:
    s, e = m.span()
    part = next((g[k].lower() for k in ("part1", "part2", "part3", "part0") if g.get(k)), None)
    ap = next((g[k] for k in ("ap1", "ap2", "ap3", "ap4") if g.get(k)), None)
    if g["hr5"]:
        return _clock(m.start("hr5"), e, _hour(g["hr5"]), 0, None, g["part5"].lower(), None)
    if g["hr0"] or g["hr1"] or g["hr4"]:
        return _clock(s, e, _hour(g["hr0"] or g["hr1"] or g["hr4"]), 0, ap, part, None)
    raw = (g["mins"] or g["mins2"]).lower()
    minutes = 30 if raw == "half" else 15 if raw.endswith("quarter") else parse_number(raw)
    if minutes is None or not 0 < minutes < 60:
        return None
    hour = _hour(g["hr"] or g["hr2"])
    if g["mins2"]:  # "ten to nine"
        hour, minutes = (hour - 1) % 12 or 12, 60 - minutes
    return _clock(s, e, hour, int(minutes), ap, part, None)


def _nearest_with_day(
    day: int, ref: dt.date, future: bool, weekday: int | None = None
) -> dt.date | None:
    """The nearest date on day ``day`` of a month (and on ``weekday``, when given): looking
    back from ``ref``, or forward when the sentence speaks of the future."""
    step = 1 if future else -1
    year, month = ref.year, ref.month
    for _ in range(36):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            candidate = None
        if (
            candidate is not None
            and (weekday is None or candidate.weekday() == weekday)
            and ((candidate >= ref) if future else (candidate <= ref))
        ):
            return candidate
        total = year * 12 + month - 1 + step
        year, month = total // 12, total % 12 + 1
    return None


def _week_of(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def _more(
    kind: str, m: re.Match[str], g: dict[str, str], ref: dt.date | None, future: bool
) -> DateFound | None:
    """The patterns added for the Recognizers-Text specs; see _PATTERNS."""
    s, e = m.span()
    if kind == "spoken_time":
        return _spoken_time(m, g, ref, future)
    if kind == "compact":
        return DateFound(s, e, "date", _iso(int(g["y"]), int(g["m"]), int(g["d"])))
    if kind == "named_numeric":
        i = next(i for i in "123456" if g["y" + i])
        year, month, day = int(g["y" + i]), _month(g["m" + i]), int(g["d" + i])
        return DateFound(s, e, "date", _iso(year, month, day))
    if kind == "half":
        year, half = int(g["y"] or g["y2"]), int(g["h"] or g["h2"])
        first = dt.date(year, 1 if half == 1 else 7, 1)
        return DateFound(s, e, "range", first.isoformat(), _last_day(year, half * 6).isoformat())
    if kind == "holiday":
        if g["nat"]:
            return DateFound(s, e, "date", None)  # which country's?
        key = re.sub(r"[^a-z]", "", g["h"].lower()).replace("saint", "st")
        if key == "mayday" and g["h"][:1] == "m":
            return None  # "may day" in lower case: "it may" ...
        if key == "christmas" and not _ON_DAY.search(m.string, max(0, s - 8), s):
            return None  # "over Christmas", "Christmas shopping": the season, not the day
        month, day = _HOLIDAY_KEYS[key]
        return DateFound(s, e, "date", _iso(_closest_year(month, day, ref, future), month, day))
    if kind == "season":
        return _season(m, g, ref)
    if ref is None:
        return DateFound(
            s, e, "range" if kind in {"numeric_range", "month_range"} else "date", None
        )
    if kind == "numeric_range":
        if not (g["open"] or g["y"] or g["y2"] or g["sep"] in {"-", "–"}):
            return None
        m1, d1, m2, d2 = (int(g[k]) for k in ("m1", "d1", "m2", "d2"))
        if g["y"] or g["y2"]:
            end_year = int(g["y"] or g["y2"])
            start_year = end_year - ((m1, d1) > (m2, d2))
        else:
            start_year = _closest_year(m1, d1, ref, future) or ref.year
            end_year = start_year + ((m1, d1) > (m2, d2))
            now = (ref.month, ref.day)
            if (m1, d1) <= now <= (m2, d2):
                start_year = end_year = ref.year  # a range around the publication date
        return DateFound(s, e, "range", _iso(start_year, m1, d1), _iso(end_year, m2, d2))
    if kind == "month_dayword":
        if g["m"] in _VERB_MONTHS:
            return None
        month, day_number = _month(g["m"]), parse_number(g["dc"])
        if day_number is None or not 1 <= day_number <= 31:
            return None
        year_dw = _closest_year(month, int(day_number), ref, future)
        return DateFound(s, e, "date", _iso(year_dw, month, int(day_number)), year_given=False)
    if kind in {"on_numeric", "on_point"}:
        a, b = int(g["a"]), int(g["b"])
        month, dom = (a, b) if a <= 12 else (b, a)  # US order unless the first is a day
        year_on = _closest_year(month, dom, ref, future)
        start = m.start("a") if m.group(0)[:2].lower() == "on" else s  # "Friday 5/12"
        return DateFound(start, e, "date", _iso(year_on, month, dom), year_given=False)
    if kind == "month_range":
        if g["m"] in _VERB_MONTHS or g["m2"] in _VERB_MONTHS:
            return None
        m1, m2 = _month(g["m"]), _month(g["m2"])
        late = m2 > ref.month + 1 and not future  # news looks back
        end_year = int(g["y"]) if g["y"] else ref.year - late
        start_year = end_year - (m1 > m2)
        return DateFound(s, e, "range", f"{start_year:04d}-{m1:02d}", f"{end_year:04d}-{m2:02d}")
    if kind == "day_of":
        day = _day(g["d"])
        if g["m"]:
            month = _month(g["m"])
            return DateFound(s, e, "date", _iso(_closest_year(month, day, ref, future), month, day))
        total = ref.year * 12 + ref.month - 1 + _WEEK_REL.get((g["rel"] or "this").lower(), 0)
        return DateFound(s, e, "date", _iso(total // 12, total % 12 + 1, day))
    if kind in {"weekday_day", "on_nth", "weekday_num"}:
        weekday = _WEEKDAYS.index(_full_weekday(g["wd"])) if g.get("wd") else None
        found = _nearest_with_day(_day(g["d"]), ref, future, weekday)
        if weekday is not None and not future:  # "Tuesday the 11th": the nearer either way
            ahead = _nearest_with_day(_day(g["d"]), ref, True, weekday)
            if ahead is not None and (found is None or (ahead - ref) < (ref - found)):
                found = ahead
        if found is None:
            return None
        start = m.start("d") if kind == "on_nth" else s
        return DateFound(start, e, "date", found.isoformat(), year_given=False)
    if kind == "week_weekday":
        rel = (g["rel"] or g["rel2"]).lower()
        target = _WEEKDAYS.index(_full_weekday(g["wd"] or g["wd2"]))
        monday = ref - dt.timedelta(days=ref.weekday())
        when = monday + dt.timedelta(days=7 * _WEEK_REL[rel] + target)
        return DateFound(s, e, "date", when.isoformat())
    if kind == "week_number":
        try:
            first = dt.date.fromisocalendar(ref.year, int(g["n"]), 1)
        except ValueError:
            return None
        return DateFound(s, e, "date", _week_of(first))
    if kind == "nth_week":
        ordinal = g["ord"].lower()
        last = ordinal in {"last", "final"}
        if g["y"]:
            year = int(g["y"])
            anchor = dt.date(year, 12, 28) if last else dt.date(year, 1, 4)
            return DateFound(s, e, "date", _week_of(anchor))
        if g["m"]:
            month = _month(g["m"])
            year = _closest_year(month, 1, ref, future) or ref.year
        else:
            total = ref.year * 12 + ref.month - 1 + _WEEK_REL[(g["rel"] or "this").lower()]
            year, month = total // 12, total % 12 + 1
        # a week belongs to the month holding its Thursday (as ISO weeks belong to years)
        if last:
            end = _last_day(year, month)
            thursday = end - dt.timedelta(days=(end.weekday() - 3) % 7)
            return DateFound(s, e, "date", _week_of(thursday))
        n = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3}.get(ordinal, 4)
        first = dt.date(year, month, 1)
        thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7, weeks=n - 1)
        return DateFound(s, e, "date", _week_of(thursday))
    if kind == "weekend":
        rel = (g["rel"] or "").lower()
        monday = ref - dt.timedelta(days=ref.weekday())
        if rel in {"next", "coming"}:
            weeks = 1 if rel == "next" or ref.weekday() >= 5 else 0
        elif rel in {"last", "past"}:
            weeks = -1 if ref.weekday() < 5 else 0
        else:  # "the weekend": the coming one in the future or late in the week, else the last
            weeks = 0 if future or ref.weekday() >= 4 else -1
        saturday = monday + dt.timedelta(days=7 * weeks + 5)
        return DateFound(
            s, e, "range", saturday.isoformat(), (saturday + dt.timedelta(days=1)).isoformat()
        )
    if kind == "end_of":
        return DateFound(s, e, "date", _relative_unit("this", g["u"], ref))
    if kind == "rest_of":
        unit = g["u"].lower()
        if unit == "week":
            until = ref + dt.timedelta(days=6 - ref.weekday())
        elif unit == "month":
            until = _last_day(ref.year, ref.month)
        else:
            until = dt.date(ref.year, 12, 31)
        return DateFound(s, e, "range", ref.isoformat(), until.isoformat())
    if kind == "to_date":
        if g["ytd"]:
            return DateFound(s, e, "range", f"{ref.year:04d}-01-01", ref.isoformat())
        return DateFound(s, e, "date", f"{ref.year:04d}")
    return None


_MORE_KINDS = {
    "spoken_time", "compact", "named_numeric", "half", "holiday", "numeric_range", "on_numeric",
    "on_point", "month_dayword",
    "month_range", "day_of", "weekday_day", "on_nth", "week_weekday", "week_number", "nth_week",
    "weekend", "to_date", "season", "rest_of", "end_of", "weekday_num",
}  # fmt: skip


def _season(m: re.Match[str], g: dict[str, str], ref: dt.date | None) -> DateFound | None:
    """A season as a range of months (meteorological, northern hemisphere): "summer 2019" ->
    2019-06..2019-08, "winter 2019" -> 2019-12..2020-02; "this/last/next summer" against the
    publication date ("this": this year's; "last": the last ended; "next": the next to begin)."""
    s, e = m.span()
    name = g["s"].lower()
    rel = (g["rel"] or "").lower()
    if name == "fall" and re.match(r"\s+(?:in|of|from|to|by)\b", m.string[e : e + 6]):
        return None  # "this fall in prices": a drop
    if name == "spring" and not (rel or g["y"]):
        return None
    first, last = _SEASONS[name]
    if g["y"]:
        year = int(g["y"])
    elif ref is None:
        return DateFound(s, e, "range", None, None)
    else:
        # the season that holds the publication date, or the one this year
        year = ref.year - (first == 12 and ref.month <= 2)
        start = dt.date(year, first, 1)
        end = _last_day(year + (last < first), last)
        if rel in {"last", "past", "previous"} and end >= ref:
            year -= 1
        elif rel in {"next", "coming", "following"} and start <= ref:
            year += 1
    end_year = year + (last < first)
    return DateFound(s, e, "range", f"{year:04d}-{first:02d}", f"{end_year:04d}-{last:02d}")


def _ordinal_unit(m: re.Match[str], n: float | None) -> bool:
    """ "twenty second" is an ordinal, not 20 seconds: "second" after a tens word."""
    return m.group("u").lower() == "second" and bool(
        re.search(r"(?:ty|hundred|thousand)$", m.group("n").lower())
    )


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
    sign = {"last": -1, "past": -1, "next": 1, "coming": 1, "following": 1}.get(r, 0)
    if u == "week":
        day = ref + dt.timedelta(weeks=sign)
        year, week, _ = day.isocalendar()
        return f"{year:04d}-W{week:02d}"
    if u == "month":
        total = ref.year * 12 + ref.month - 1 + sign
        return f"{total // 12:04d}-{total % 12 + 1:02d}"
    return f"{ref.year + sign:04d}"


_MONTH_HINT = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", _P)
_WEEK_HINT = re.compile(r"\bweek", _P)

_NTH_HINT = re.compile(r"\d(?:st|nd|rd|th)\b", _P)
_ORDINAL_HINT = re.compile(
    r"\d(?:st|nd|rd|th)\b|\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
    r"|eleventh|twelfth|\w+teenth|\w+tieth)\b",
    _P,
)
# a word every match of the pattern holds: the pattern runs only around it (speed)
_HINTS: dict[str, re.Pattern[str]] = {
    "day_month": _MONTH_HINT,
    "month_day": _MONTH_HINT,
    "month_year": _MONTH_HINT,
    "month_range": _MONTH_HINT,
    "month_dayword": _MONTH_HINT,
    "named_numeric": _MONTH_HINT,
    "month": _MONTH_HINT,
    "day_of": re.compile(r"\bday\s+of\b", _P),
    "week_weekday": _WEEK_HINT,
    "week_number": _WEEK_HINT,
    "nth_week": _WEEK_HINT,
    "weekend": re.compile(r"weekend", _P),
    "weekday_day": _ORDINAL_HINT,
    # case-sensitive literals where they can be: a scan for a literal is far cheaper
    "weekday_num": re.compile(r"day\s+\d"),
    "than_year": re.compile(r"than \d"),
    "on_point": re.compile(r"n \d{1,2}\.\d"),
    "on_nth": _NTH_HINT,
    "iso_month": re.compile(r"\d-\d"),
    "numeric_range": re.compile(r"\d/\d"),
    "on_numeric": re.compile(r"\d/\d"),
    "half": re.compile(r"\d[\s-]?h[12]\b|\bh[12][\s-]?\d", _P),
    "year_words": re.compile(r"\b(?:nineteen|twenty|thousand)\b", _P),
    "holiday": re.compile(
        r"\b(?:christmas|boxing\s+day|new\s+year|valentine|halloween|may\s+day|workers'?\s+day"
        r"|women'?s\s+day|bastille|patrick|veterans|armistice|juneteenth|fools|groundhog|fawkes"
        r"|independence|national\s+day)",
        _P,
    ),
    "season": re.compile(r"pring|ummer|utumn|inter|[Ff]all\b|SPRING|SUMMER|AUTUMN|WINTER|FALL"),
    "rest_of": re.compile(r" of (?:the |this )?(?:week|month|year)\b"),
    "end_of": re.compile(r"nd of"),
    "quarter": re.compile(r"quarter|(?:\b|(?<=\d))q[1-4]\b", _P),
    "time": re.compile(r":[0-5]\d|(?:\b|(?<=\d))[ap](?:\s?\.\s?)?m\b|noon|night|ish\b", _P),
    "ago": re.compile(r"\bago\b|\bfrom\s+(?:now|today)\b|\b(?:after|before)\s+today\b", _P),
    "spoken_time": re.compile(
        r"\b(?:past|after)\b|o'?\s?clock|\bin\s+the\s+(?:morning|afternoon|evening)"
        r"|(?:\b|(?<=\d))[ap](?:\s?\.\s?)?m\b",
        _P,
    ),
}
_WINDOW = 80  # characters searched on either side of a hint


def _windows(hint: re.Pattern[str], text: str) -> list[list[int]]:
    """The stretches of ``text`` around the hint's matches, merged when they overlap."""
    windows: list[list[int]] = []
    for h in hint.finditer(text):
        start, end = max(0, h.start() - _WINDOW), min(len(text), h.end() + _WINDOW)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = end
        else:
            windows.append([start, end])
    return windows


def _matches(
    kind: str, pattern: re.Pattern[str], text: str, cache: dict[str, list[list[int]]]
) -> list[re.Match[str]]:
    hint = _HINTS.get(kind)
    if hint is None:
        return list(pattern.finditer(text))
    if hint.pattern not in cache:
        cache[hint.pattern] = _windows(hint, text)
    return [m for start, end in cache[hint.pattern] for m in pattern.finditer(text, start, end)]


def find_dates(text: str, published: dt.date | None) -> list[DateFound]:
    """Dates, ranges, durations and times in ``text``, left to right, non-overlapping."""
    candidates: list[tuple[int, DateFound]] = []
    windows: dict[str, list[list[int]]] = {}
    for priority, (kind, pattern) in enumerate(_PATTERNS):
        for m in _matches(kind, pattern, text, windows):
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
        week = _WEEK_OF.search(text, max(0, f.start - 40), f.start)
        if week and f.kind == "date" and f.value and len(f.value) == 10:
            # "the week of April 10th", "w/c Feb 4": the week holding that day
            f.start = week.start()
            f.value = _week_of(dt.date.fromisoformat(f.value))
        kept.append(f)
    return _open_ranges(text, _join_ranges(text, _numeric_lists(text, kept, published), published))


_MD_END = re.compile(r"(?<![\d/])(1[0-2]|0?[1-9])/([12]\d|3[01]|0?[1-9])$")
_MD_NEXT = re.compile(
    r"(?:,\s*|,?\s+(?:or|and)\s+)(1[0-2]|0?[1-9])/([12]\d|3[01]|0?[1-9])(?![\d/])"
    r"(?!\s*(?:of\b|%|per\s*cent|percent))",  # "3/4 of voters": a fraction
    _P,
)


def _numeric_lists(text: str, found: list[DateFound], ref: dt.date | None) -> list[DateFound]:
    """ "on 11/20, 11/22 or 11/25": the month/days listed after one read as a date."""
    out: list[DateFound] = []
    for i, f in enumerate(found):
        out.append(f)
        if f.kind != "date" or f.year_given or not _MD_END.search(text, f.start, f.end):
            continue
        stop = found[i + 1].start if i + 1 < len(found) else len(text)
        pos = f.end
        while (m := _MD_NEXT.match(text, pos, stop)) is not None:
            month, day = int(m.group(1)), int(m.group(2))
            value = _iso(_closest_year(month, day, ref), month, day)
            out.append(DateFound(m.start(1), m.end(), "date", value, year_given=False))
            pos = m.end()
    return out


# a date that bounds a period on one side: "since August", "after 2010", "before the end of
# December", "no later than 1 May"
_OPEN_CUE = re.compile(
    r"(?:(?P<since>\bsince|\bstarting(?:\s+(?:on|from|in))?|\bbeginning(?:\s+(?:on|in))?"
    r"|\bas\s+early\s+as)"
    r"|(?P<upto>\bno\s+later\s+than|\bnot\s+later\s+than|\bas\s+late\s+as)"
    r"|(?P<after>\bafter|\blater\s+than|\byears?\s+(?:is\s+)?greater\s+than)"
    r"|(?P<before>\bbefore|\bearlier\s+than|\bprior\s+to))"
    r"\s+(?:the\s+)?(?:(?P<edge>beginning|start|end)\s+of\s+)?(?:(?P<part>early|mid|late)[\s-]*)?$",
    _P,
)
_OPEN_WORDS = (
    "since",
    "start",
    "beginn",
    "early as",
    "late as",
    "after",
    "than",
    "before",
    "prior",
)
# "two days after May 5" is a day, "shortly after 2010" a point near it, "after Friday's vote"
# and "before the 2010 elections" date an event: no open range
_OPEN_NOT = re.compile(
    r"(?:\b(?:days?|weeks?|months?|years?|hours?|decades?|shortly|soon|just|right|immediately"
    r"|long|night|morning|evening)\s+)$",
    _P,
)
_EVENT_AFTER = re.compile(
    r"(?:['’]s\b|\s+(?:elections?|votes?|polls?|attacks?|bombings?|shootings?|massacres?|raids?"
    r"|strikes?|deadline|summit|meetings?|talks|ceasefire|truce|agreement|deal|earthquake|floods?"
    r"|storms?|crash|coup|invasion|referendum|debates?|match|game|final|launch|speech|ruling"
    r"|decision|report|budget|war|uprising|revolution|crisis|protests?|riots?|hearing|trial)\b)",
    _P,
)
# parts of a month: early = days 1-15, mid = 11-20, late = 16-end (as the Recognizers-Text
# specifications read "since late July", "after mid May")
_PARTS = {"early": (1, 15), "mid": (11, 20), "late": (16, 31)}


def _step(value: str, sign: int) -> str | None:
    """The period after (sign 1) or before (-1) a day, ISO week, month or year."""
    if re.fullmatch(r"\d{4}", value):
        return f"{int(value) + sign:04d}"
    if re.fullmatch(r"\d{4}-\d\d", value):
        total = int(value[:4]) * 12 + int(value[5:]) - 1 + sign
        return f"{total // 12:04d}-{total % 12 + 1:02d}"
    if re.fullmatch(r"\d{4}-W\d\d", value):
        monday = dt.date.fromisocalendar(int(value[:4]), int(value[6:]), 1)
        return _week_of(monday + dt.timedelta(weeks=sign))
    if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return (dt.date.fromisoformat(value) + dt.timedelta(days=sign)).isoformat()
    return None


def _open_range(text: str, f: DateFound) -> DateFound | None:
    if f.value is None or not f.value[:1].isdigit():
        return None  # unresolved, a time or a duration
    if f.kind == "range":
        # "as early as next year's first quarter", "since the weekend": from its first day
        if f.end_value is None or not f.end_value[:1].isdigit():
            return None
        ends = (f.value, f.end_value)
    elif f.kind == "date":
        ends = (f.value, f.value)
    else:
        return None
    window = max(0, f.start - 40)
    before = text[window : f.start].lower()
    if not any(w in before for w in _OPEN_WORDS):
        return None  # the cheap test first
    cue = _OPEN_CUE.search(text, window, f.start)
    if cue is None or _OPEN_NOT.search(text, max(0, cue.start() - 20), cue.start()):
        return None
    if _EVENT_AFTER.match(text, f.end):
        return None
    value, edge, part = f.value, (cue["edge"] or "").lower(), (cue["part"] or "").lower()
    if re.match(r"end\s+of\b", text[f.start : f.start + 7], re.IGNORECASE):
        edge = "end"  # "before the end of the year"
    if ends[0] != ends[1]:
        lo, hi = ends
    elif part and re.fullmatch(r"\d{4}-\d\d", value):
        year, month = int(value[:4]), int(value[5:])
        first, last = _PARTS[part]
        start_day = dt.date(year, month, first)
        end_day = min(
            _last_day(year, month), dt.date(year, month, 28) + dt.timedelta(days=last - 28)
        )
        lo, hi = start_day.isoformat(), end_day.isoformat()
    else:
        lo = hi = value
    try:
        # a day is the finest unit resolved: "after 5 May" may still be 5 May (in the evening),
        # so it starts on that day; "after 2010" starts with 2011
        day = len(value) == 10 and not part and ends[0] == ends[1]
        if cue["since"]:
            start, end = (_step(hi, 1) if edge == "end" else lo), None
        elif cue["after"]:
            start, end = (lo if edge in {"beginning", "start"} or day else _step(hi, 1)), None
        elif cue["upto"]:
            start, end = None, hi
        else:
            start, end = None, (hi if edge == "end" or day else _step(lo, -1))
    except ValueError:
        return None
    if start is None and end is None:
        return None
    return DateFound(cue.start(), f.end, "range", start, end, year_given=f.year_given)


def _open_ranges(text: str, found: list[DateFound]) -> list[DateFound]:
    """Open-ended ranges: "since August" is a range from August with ``end`` null, "before
    2018" one up to 2017 with ``value`` null. A range with an impossible end ("2/29-3/1/2019")
    is unresolved at both ends."""
    out: list[DateFound] = []
    for f in found:
        if f.kind == "range" and (f.value is None) != (f.end_value is None):
            f.value = f.end_value = None
        opened = _open_range(text, f)
        if opened is not None and (not out or opened.start >= out[-1].end):
            f = opened
        out.append(f)
    return out


_FUTURE = re.compile(
    r"\b(?:will|'ll|shall|expects?|expected|plans?|planned|is due|are due|scheduled|set to"
    r"|upcoming|to be held|aims? to|wants? to|would like to|hopes? to|intends? to)\b",
    re.IGNORECASE,
)


def _future(text: str, pos: int) -> bool:
    """Does the sentence so far speak of the future? Then "on Friday" is the coming one."""
    start = max(text.rfind(". ", 0, pos), text.rfind("\n", 0, pos), pos - 200, 0)
    return _FUTURE.search(text, start, pos) is not None


def _join_ranges(text: str, found: list[DateFound], ref: dt.date | None = None) -> list[DateFound]:
    """ "from Monday to Wednesday", "between 1 March and 5 April", "between now and May 5":
    one range."""
    out: list[DateFound] = []
    i = 0
    while i < len(found):
        a = found[i]
        now_before = _NOW_BEFORE.search(text, max(0, a.start - 20), a.start)
        now_after = (
            _NOW_AFTER.match(text, a.end)
            if _BETWEEN.search(text, max(0, a.start - 9), a.start)
            else None
        )
        if a.kind == "date" and a.value and (now_before or now_after):
            now = ref.isoformat() if ref else None
            value = a.value
            if now and not a.year_given and len(value) == 10:
                # a yearless date after "between now and" lies ahead; before "and now", behind
                year = int(value[:4]) + (now_before is not None and value < now)
                year -= now_before is None and value > now
                value = _iso(year, int(value[5:7]), int(value[8:])) or value
            if now_before:
                out.append(DateFound(now_before.start(), a.end, "range", now, value))
            else:
                opener = _BETWEEN.search(text, max(0, a.start - 9), a.start)
                start = opener.start() if opener else a.start
                end = now_after.end() if now_after else a.end
                out.append(DateFound(start, end, "range", value, now))
            i += 1
            continue
        if i + 1 < len(found):
            b = found[i + 1]
            if (
                a.kind == "date"
                and b.kind == "date"
                and _RANGE_JOIN.match(text[a.end : b.start])
                and (
                    "and" not in text[a.end : b.start]
                    or _BETWEEN.search(text, max(0, a.start - 9), a.start)
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
