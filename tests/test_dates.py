"""Dates, ranges, durations and times, resolved against the publication date."""

from __future__ import annotations

import datetime as dt

import pytest

import onrecord
from onrecord.components.dates import find_dates

PUBLISHED = dt.date(2023, 12, 21)  # a Thursday


def resolved(
    text: str, ref: dt.date | None = PUBLISHED
) -> list[tuple[str, str, str | None, str | None]]:
    return [(text[f.start : f.end], f.kind, f.value, f.end_value) for f in find_dates(text, ref)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It happened on December 20.", ("December 20", "date", "2023-12-20", None)),
        ("It happened on 20 December 2023.", ("20 December 2023", "date", "2023-12-20", None)),
        ("It happened on Dec. 20th.", ("Dec. 20th", "date", "2023-12-20", None)),
        ("It happened on 2023-12-20.", ("2023-12-20", "date", "2023-12-20", None)),
        ("It happened on Wednesday.", ("Wednesday", "date", "2023-12-20", None)),
        ("It happened yesterday.", ("yesterday", "date", "2023-12-20", None)),
        ("It happened two days ago.", ("two days ago", "date", "2023-12-19", None)),
        ("It happened last week.", ("last week", "date", "2023-W50", None)),
        ("It will happen next month.", ("next month", "date", "2024-01", None)),
        ("It will happen next Tuesday.", ("next Tuesday", "date", "2023-12-26", None)),
        ("It happened in 2019.", ("2019", "date", "2019", None)),
        ("It happened in March 2022.", ("March 2022", "date", "2022-03", None)),
        ("It ran from 2019 to 2021.", ("from 2019 to 2021", "range", "2019", "2021")),
        ("It ran December 1-5.", ("December 1-5", "range", "2023-12-01", "2023-12-05")),
        (
            "It ran between 1 March and 5 April.",
            ("between 1 March and 5 April", "range", "2023-03-01", "2023-04-05"),
        ),
        ("It lasted 75 days.", ("75 days", "duration", "P75D", None)),
        ("It lasted two and a half months.", ("two and a half months", "duration", "P2.5M", None)),
        ("It lasted 48 hours.", ("48 hours", "duration", "PT48H", None)),
        ("It lasted two decades.", ("two decades", "duration", "P20Y", None)),
        ("It lasted an hour and a half.", ("an hour and a half", "duration", "PT1.5H", None)),
        ("Profits rose in Q1 2023.", ("Q1 2023", "range", "2023-01-01", "2023-03-31")),
        ("It happened last quarter.", ("last quarter", "range", "2023-07-01", "2023-09-30")),
        ("It starts at 3 pm.", ("3 pm", "time", "T15:00", None)),
        ("It starts at 8.10 pm.", ("8.10 pm", "time", "T20:10", None)),
        ("It starts at 10:30.", ("10:30", "time", "T10:30", None)),
        ("It starts at noon.", ("noon", "time", "T12:00", None)),
    ],
)
def test_forms(text: str, expected: tuple[str, str, str | None, str | None]) -> None:
    assert resolved(text) == [expected]


def test_future_tense_looks_ahead() -> None:
    assert resolved("The vote will take place on Friday.") == [
        ("Friday", "date", "2023-12-22", None)
    ]
    assert resolved("The referendum will take place on October 12.")[0][2] == "2024-10-12"
    assert resolved("The referendum took place on October 12.")[0][2] == "2023-10-12"


def test_weekday_range_runs_forward() -> None:
    assert resolved("The vote was moved from Thursday to Monday.") == [
        ("from Thursday to Monday", "range", "2023-12-21", "2023-12-25")
    ]


def test_relative_dates_need_a_publication_date() -> None:
    assert resolved("It happened yesterday.", None) == [("yesterday", "date", None, None)]
    assert resolved("It happened on 20 December 2023.", None)[0][2] == "2023-12-20"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It opened on the first of May.", ("the first of May", "date", "2023-05-01", None)),
        (
            "It opened on February twenty-second.",
            ("February twenty-second", "date", "2024-02-22", None),
        ),
        ("It happened last Wednesday.", ("last Wednesday", "date", "2023-12-13", None)),
        ("It will happen next Friday.", ("next Friday", "date", "2023-12-29", None)),
        (
            "It happened on Tuesday of last week.",
            ("Tuesday of last week", "date", "2023-12-12", None),
        ),
        ("It happened on Fri 15th.", ("Fri 15th", "date", "2023-12-15", None)),
        (
            "It happened 3 weeks and 2 days ago.",
            ("3 weeks and 2 days ago", "date", "2023-11-28", None),
        ),
        ("It happened in week 10.", ("week 10", "date", "2023-W10", None)),
        (
            "It happened the week of April 10th.",
            ("the week of April 10th", "date", "2023-W15", None),
        ),
        (
            "It happened in the last week of July.",
            ("the last week of July", "date", "2023-W30", None),
        ),
        ("It happened over the weekend.", ("weekend", "range", "2023-12-16", "2023-12-17")),
        (
            "It ran from January to April 2015.",
            ("from January to April 2015", "range", "2015-01", "2015-04"),
        ),
        ("It ran Jan-Feb 2017.", ("Jan-Feb 2017", "range", "2017-01", "2017-02")),
        ("It ran from 10/1 to 11/7.", ("from 10/1 to 11/7", "range", "2023-10-01", "2023-11-07")),
        ("It happened on 23/sep/2020.", ("23/sep/2020", "date", "2020-09-23", None)),
        ("Sales fell in 2019 H2.", ("2019 H2", "range", "2019-07-01", "2019-12-31")),
        ("It shut on Christmas Eve.", ("Christmas Eve", "date", "2023-12-24", None)),
        ("It starts at half past seven.", ("half past seven", "time", "T07:30", None)),
        (
            "It starts at ten past 9 in the evening.",
            ("ten past 9 in the evening", "time", "T21:10", None),
        ),
        ("It starts at 7:56:30 pm.", ("7:56:30 pm", "time", "T19:56:30", None)),
        ("It cost $12 December 27.", ("December 27", "date", "2023-12-27", None)),
        ("It starts at seven p.m.", ("seven p.m.", "time", "T19:00", None)),
        (
            "They came back in two thousand and fifteen.",
            ("two thousand and fifteen", "date", "2015", None),
        ),
        (
            "It runs between now and May 5.",
            ("between now and May 5", "range", "2023-12-21", "2024-05-05"),
        ),
        ("It ran in 2010-11.", ("2010-11", "range", "2010", "2011")),
        ("It was published in 2015-12.", ("2015-12", "date", "2015-12", None)),
        ("It happened on Friday 5/12.", ("Friday 5/12", "date", "2023-05-12", None)),
        ("They stayed two nights.", ("two nights", "duration", "P2D", None)),
        ("It lasted one hour and a half.", ("one hour and a half", "duration", "PT1.5H", None)),
    ],
)
def test_more_forms(text: str, expected: tuple[str, str, str | None, str | None]) -> None:
    assert resolved(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "You may be right.",
        "Channel 12 at 3",
        "a 34-year-old man",
        "the 1990s",
        "March on!",
        "Sales slumped over Christmas.",
        "The court ruled 5 to 4.",
    ],
)
def test_not_dates(text: str) -> None:
    assert resolved(text) == []


def test_record_dates_use_published() -> None:
    record = onrecord.analyze(
        "The army said on Wednesday that 75 days had passed.", published="2023-12-21"
    )
    assert [(d.span.text, d.kind, d.value) for d in record.dates] == [
        ("Wednesday", "date", "2023-12-20"),
        ("75 days", "duration", "P75D"),
    ]


@pytest.mark.parametrize(
    "text", ["9" * 500 + " days ago", "1e400 days", "１２ December", "31 February 2023"]
)
def test_hostile_dates_never_raise(text: str) -> None:
    for f in find_dates(text, PUBLISHED):
        assert text[f.start : f.end]


def test_two_years_joined_by_and_are_two_dates() -> None:
    assert resolved("Sales in 2007 and 2009.") == [
        ("2007", "date", "2007", None),
        ("2009", "date", "2009", None),
    ]
    assert resolved("Sales between 2007 and 2009.")[0][1] == "range"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # open-ended ranges: the other end is null
        ("Prices have doubled since 2019.", ("since 2019", "range", "2019", None)),
        ("It has rained since late July.", ("since late July", "range", "2023-07-16", None)),
        ("Sales grew after 2010.", ("after 2010", "range", "2011", None)),
        ("It was built before 2018.", ("before 2018", "range", None, "2017")),
        (
            "It must end before the end of March.",
            ("before the end of March", "range", None, "2023-03"),
        ),
        ("No later than 1 May 2024.", ("No later than 1 May 2024", "range", None, "2024-05-01")),
        ("Starting on December 7th.", ("Starting on December 7th", "range", "2023-12-07", None)),
        # seasons: a range of months with a year or "this/last/next"
        (
            "It happened in the summer of 2019.",
            ("the summer of 2019", "range", "2019-06", "2019-08"),
        ),
        ("It happened last summer.", ("last summer", "range", "2023-06", "2023-08")),
        ("It will happen this winter.", ("this winter", "range", "2023-12", "2024-02")),
        ("Talks resume in spring 2024.", ("spring 2024", "range", "2024-03", "2024-05")),
        # lower-case "may" after a date preposition, "on 5.12", spoken hours, holidays
        ("It happened on may 5.", ("may 5", "date", "2023-05-05", None)),
        ("It was done on 5.12.", ("5.12", "date", "2023-05-12", None)),
        ("They met at one in the morning.", ("one in the morning", "time", "T01:00", None)),
        ("It happened on St Patrick's Day.", ("St Patrick's Day", "date", "2023-03-17", None)),
        ("Parades on Independence Day.", ("Independence Day", "date", None, None)),
        ("It is due by the end of the year.", ("end of the year", "date", "2023", None)),
        (
            "Closed for the rest of the week.",
            ("the rest of the week", "range", "2023-12-21", "2023-12-24"),
        ),
        ("It happened on 2020/23/Sep.", ("2020/23/Sep", "date", "2020-09-23", None)),
    ],
)
def test_spec_forms(text: str, expected: tuple[str, str, str | None, str | None]) -> None:
    assert resolved(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "Birds migrate each autumn.",
        "It melted in a single summer.",
        "the Arab Spring",
        "This fall in prices hurt.",
        "Shares rose on 5.12 million trades.",
        "Police arrested five in the morning raid.",
    ],
)
def test_not_spec_dates(text: str) -> None:
    assert resolved(text) == []


def test_open_range_needs_the_date_itself() -> None:
    # "two days after May 5" is a day; "after Friday's vote" dates the vote
    assert [r[1] for r in resolved("Two days after May 5 it rained.")] == ["duration", "date"]
    assert resolved("Protests began after Friday's vote.")[0][1:] == ("date", "2023-12-15", None)
    assert resolved("An impossible 2/29-3/1/2019 range.")[0][1:] == ("range", None, None)


def test_lists_and_open_quarters() -> None:
    assert resolved("We can meet on 11/20, 11/22 or 11/25.") == [
        ("11/20", "date", "2023-11-20", None),
        ("11/22", "date", "2023-11-22", None),
        ("11/25", "date", "2023-11-25", None),
    ]
    assert resolved("It was sold on 11/20, 3/4 of it to banks.") == [
        ("11/20", "date", "2023-11-20", None)
    ]
    assert resolved("It resumes as early as next year's first quarter.") == [
        ("as early as next year's first quarter", "range", "2024-01-01", None)
    ]
    assert resolved("Shipping resumes after Q1 2024.") == [
        ("after Q1 2024", "range", "2024-04-01", None)
    ]


def test_weekday_and_bare_day_only_where_the_clause_ends() -> None:
    assert resolved("Any plans on Sunday 31!", dt.date(2019, 1, 25)) == [
        ("Sunday 31", "date", "2019-03-31", None)
    ]
    assert resolved("On Friday 31 people died.")[0][:2] == ("Friday", "date")
    assert resolved("On Monday 3.5 million voted.")[0][:2] == ("Monday", "date")


def test_two_digit_year_after_of() -> None:
    assert resolved("I was born on 15 April of 87.", dt.date(2018, 1, 7)) == [
        ("15 April of 87", "date", "1987-04-15", None)
    ]
    assert resolved("On 15 April of 87 people tested.", dt.date(2018, 1, 7))[0][0] == "15 April"


def test_month_and_day_in_cardinal_words_where_the_clause_ends() -> None:
    assert resolved("It opened on October twenty-one, officials said.") == [
        ("October twenty-one", "date", "2023-10-21", None)
    ]
    assert resolved("In May twenty people died.") == [("May", "date", "2023-05", None)]
