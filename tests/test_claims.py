"""Figures as claims: values, qualifiers, units, measures, asserters, traps, hostile input."""

from __future__ import annotations

import pytest

import onrecord
from onrecord.components.claims import find_quantities
from onrecord.components.numbers import parse_number
from onrecord.types import Claim, Record


def claims(text: str) -> list[Claim]:
    return onrecord.analyze(text, published="2024-03-14").claims


def one(text: str) -> Claim:
    found = claims(text)
    assert len(found) == 1, [c.span.text for c in found]
    return found[0]


def surfaces(text: str) -> list[str]:
    return [text[q.start : q.end] for q in find_quantities(text)]


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("24,448", 24448),
        ("two million", 2_000_000),
        ("a dozen", 12),
        ("a third", 1 / 3),
        ("two-thirds", 2 / 3),
        ("2.3", 2.3),
        ("1.2bn", 1.2e9),
        ("two and a half", 2.5),
        ("one hundred and sixteen", 116),
        ("two hundred and thirty-five thousand", 235_000),
        ("five and a half million", 5_500_000),
        ("3 1/2", 3.5),
        ("１２３", 123),
        ("half a dozen", 6),
        ("nine point nought four", 9.04),
        ("two hundred point seventy-one", 200.71),
        ("two thirds of a million", 2e6 / 3),
        ("three lakh crore", 3e12),
        ("a thousand million", 1e9),
        ("12,34,567.89", 1_234_567.89),
        ("1 234 567", 1_234_567),
        ("40 000", 40_000),
        ("a hundredth", 0.01),
        ("twenty and four", 24),
        ("1.1^23", 1.1**23),
        ("2.5^-1", 0.4),
        ("6.02e23", 6.02e23),
        ("one hundred and thirty fifths", 26),
        ("one hundred and three quarters", 100.75),
        ("one million two thousand two hundred three fifths", 1_002_203 / 5),
        ("two million and three fifths", 2_600_000),
    ],
)
def test_parse_number(phrase: str, value: float) -> None:
    got = parse_number(phrase)
    assert got is not None and got == pytest.approx(value)


def test_at_least_killed() -> None:
    c = one("At least 24,448 Palestinians have been killed in Gaza.")
    assert (c.value, c.qualifier, c.unit) == (24448, "at_least", None)
    assert c.span.text == "At least 24,448"
    assert c.measure and ("killed" in c.measure or "Palestinians" in c.measure)
    assert c.event == "kill"
    assert c.asserted_by is None  # the article's own voice


@pytest.mark.parametrize(
    ("text", "span", "value", "low", "high", "qualifier", "unit"),
    [
        (
            "More than 60,000 people were hurt.",
            "More than 60,000",
            60000,
            None,
            None,
            "more_than",
            None,
        ),
        ("Some 1.9 million people fled.", "Some 1.9 million", 1.9e6, None, None, "about", None),
        ("Between 30 and 40 trucks entered.", "Between 30 and 40", None, 30, 40, "range", None),
        ("The camp shelters 30-40 families.", "30-40", None, 30, 40, "range", None),
        ("Up to 500 fighters crossed.", "Up to 500", 500, None, None, "at_most", None),
        ("Fewer than 100 fighters remain.", "Fewer than 100", 100, None, None, "less_than", None),
        ("Inflation rose 2.3 percent.", "2.3 percent", 2.3, None, None, "exact", "percent"),
        ("The firm made $1.2bn in profit.", "$1.2bn", 1.2e9, None, None, "exact", "USD"),
        ("The deal is worth €4.5 billion.", "€4.5 billion", 4.5e9, None, None, "exact", "EUR"),
        ("The truce lasted 75 days.", "75 days", 75, None, None, "exact", "day"),
        ("The front stretches for 1,000 km.", "1,000 km", 1000, None, None, "exact", "km"),
        ("Dozens of people were killed.", "Dozens", None, 24, None, "vague", None),
        ("Hundreds of trucks are waiting.", "Hundreds", None, 200, None, "vague", None),
    ],
)
def test_quantity_forms(
    text: str,
    span: str,
    value: float | None,
    low: float | None,
    high: float | None,
    qualifier: str,
    unit: str | None,
) -> None:
    c = one(text)
    assert c.span.text == span
    assert c.value == (None if value is None else pytest.approx(value))
    assert (c.low, c.high) == (low, high)
    assert (c.qualifier, c.unit) == (qualifier, unit)


@pytest.mark.parametrize(
    "text",
    [
        "The Security Council adopted Resolution 2720.",
        "Channel 12 reported the news.",
        "An F-16 crashed near the base.",
        "The law was passed in 2023.",
        "The meeting starts at 3 pm.",
        "The figures are on page 4.",
        "Call 555-0143 or +44 20 7946 0958 for details.",
        "The talks resumed on December 20.",
        "The strike hit Route 6 at dawn.",
        "The United States lost a Boeing 737 and won 3-1.",
        "He carried a 9MM pistol on a 5G network.",
    ],
)
def test_not_claims(text: str) -> None:
    assert claims(text) == [], [c.span.text for c in claims(text)]


def test_ages_are_claims_with_measure_age() -> None:
    c = one("A 34-year-old paramedic was among the dead.")
    assert (c.value, c.measure, c.unit) == (34, "age", "year")
    c = one("The victim, aged 81, lived alone.")
    assert (c.value, c.measure) == (81, "age")


def test_direction_of_a_change() -> None:
    up = one("Exports rose 5 percent last year.")
    assert (up.direction, up.measure) == ("up", "Exports")
    down = one("Sales fell by a third.")
    assert down.direction == "down" and down.value == pytest.approx(1 / 3)
    assert one("There are 40 tanks.").direction is None


def test_measure_and_event() -> None:
    c = one("Hamas released 24 captives on Friday.")
    assert (c.measure, c.event) == ("captives", "release")
    c = one("Dozens of prisoners were released.")
    assert c.measure and "prisoners" in c.measure


def test_quote_and_asserted_by() -> None:
    record = onrecord.analyze(
        '"We counted 112 bodies in the rubble," said Amal Haddad. '
        "About 400 new cases were recorded, according to the health ministry. "
        "The city has 3 hospitals."
    )
    by_value = {c.value: c for c in record.claims}
    direct = by_value[112]
    assert direct.quote == record.quotes[0].id
    assert direct.asserted_by and direct.asserted_by.name == "Amal Haddad"
    according = by_value[400]
    assert according.asserted_by and "ministry" in according.asserted_by.name
    assert by_value[3].asserted_by is None and by_value[3].quote is None


def test_consistency_pairs_and_parts() -> None:
    record: Record = onrecord.analyze(
        "At least 24,448 Palestinians have been killed, the ministry said. "
        "A UN report said more than 24,000 Palestinians have been killed. "
        "Of the 120 freed, 60 were women, 45 were children and 15 were elderly."
    )
    ids = {c.span.text: c.id for c in record.claims}
    verdicts = {(tuple(k.claims), k.verdict) for k in record.consistency}
    assert ((ids["At least 24,448"], ids["more than 24,000"]), "consistent") in verdicts
    assert ((ids["60"], ids["45"], ids["15"], ids["120"]), "part_of") in verdicts


def test_inconsistent_figures() -> None:
    record = onrecord.analyze(
        "Officials said 300 soldiers were killed. Rebels said fewer than 100 soldiers were killed."
    )
    assert [k.verdict for k in record.consistency] == ["inconsistent"]


@pytest.mark.parametrize(
    "text", ["1e400 people", "9" * 500 + " people", "１２３ people", "∞ 10^999 ½½ 1,,,000 ..5.5.5"]
)
def test_absurd_numbers_never_raise(text: str) -> None:
    for c in claims(text):
        assert c.value is None or abs(c.value) < 1e16
        if c.span.text.startswith("１２３"):
            assert c.value == 123


def test_offsets_exact_on_hostile_text() -> None:
    text = (
        "\u200b“At least\u00a024,448” — said\tX; ＄5bn, 5 %% ½ 1e400 "
        + "9" * 300
        + " \U0001f600 12"
    )
    record = onrecord.analyze(text)
    for c in record.claims:
        assert text[c.span.start : c.span.end] == c.span.text


def test_surface_grammar_without_parse() -> None:
    assert surfaces("two hours and five minutes") == ["two hours", "five minutes"]
    assert surfaces("rose by 150 to 3,450") == ["150", "3,450"]
    assert surfaces("one in five patients") == ["one in five"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("between negative ten and fifteen", ("range", None, -10.0, 15.0)),
        ("between ten and fifteen people", ("range", None, 10.0, 15.0)),
        ("no less than thirty", ("at_least", 30.0, None, None)),
        ("greater than 4,565", ("more_than", 4565.0, None, None)),
        ("lower than 3 percent", ("less_than", 3.0, None, None)),
        ("more than 30000 in 2009", ("more_than", 30000.0, None, None)),
        ("temperatures of minus 5 degrees", ("exact", -5.0, None, None)),
    ],
)
def test_bounds_and_signs(
    text: str, expected: tuple[str, float | None, float | None, float | None]
) -> None:
    q = find_quantities(text)[0]
    assert (q.qualifier, q.value, q.low, q.high) == expected


@pytest.mark.parametrize("text", ["two " * 3000, "nineteen ninety " * 1000, "12,34," * 2000])
def test_long_runs_of_number_words_stay_fast(text: str) -> None:
    """A number in words has at most 16 words: a long run is read in linear time (the
    unbounded grammar took 40 s on 3,000 "two"s)."""
    import datetime as dt
    import time

    from onrecord.components.dates import find_dates

    started = time.perf_counter()
    find_quantities(text)
    find_dates(text, dt.date(2024, 1, 1))
    assert time.perf_counter() - started < 10


def test_spoken_times_are_not_figures() -> None:
    text = "At half past eleven, ten past 9 and a quarter past seven, 40 000 had gathered."
    assert surfaces(text) == ["40 000"]
    assert surfaces("Over the past 12 months 300 died.") == ["12 months", "300"]


def test_spec_number_forms() -> None:
    assert [(c.span.text, c.value, c.unit) for c in claims("It raised $5MM.")] == [
        ("$5MM", 5e6, "USD")
    ]
    assert [c.value for c in claims("It weighs 2e30 kg.")] == [2e30]
    assert parse_number("one one hundred") is None  # digits read out, not 200
    assert parse_number("three-nought-four") is None


def test_an_active_perfect_verb_is_not_part_of_the_measure() -> None:
    # "3 people were killed" keeps its passive verb; "the two sides had argued" is no count
    # of arguing sides
    record = onrecord.analyze("A diplomat said the two sides had argued for most of the night.")
    assert [(c.span.text, c.measure) for c in record.claims] == [("two", "sides")]
