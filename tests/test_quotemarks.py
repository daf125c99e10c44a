"""The quote-mark scanner: opening from closing marks, apostrophes, paragraphs, recovery."""

from __future__ import annotations

import pytest

from onrecord.components.quotemarks import find_quoted


def contents(text: str, depth: int | None = 0) -> list[list[str]]:
    return [
        [text[s:e] for s, e in q.parts]
        for q in find_quoted(text)
        if depth is None or q.depth == depth
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('He said "we will stay" and left.', [["we will stay"]]),
        ("“We will stay,” she said.", [["We will stay,"]]),
        ("«Nous restons», a-t-il dit.", [["Nous restons"]]),
        ("„Wir bleiben“, sagte er.", [["Wir bleiben"]]),
        ("‘We will stay,’ she said.", [["We will stay,"]]),
        ("'We will stay,' she said.", [["We will stay,"]]),
    ],
)
def test_every_quote_style(text: str, expected: list[list[str]]) -> None:
    assert contents(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The valley’s farms won’t recover.",
        "The residents’ homes were flooded in the ’90s too.",
        "Rock ’n’ roll and the ’80s; 'tis the season.",
        "It's the farmers' market, isn't it?",
    ],
)
def test_apostrophes_are_not_quote_marks(text: str) -> None:
    assert find_quoted(text) == []


def test_closing_single_mark_told_apart_from_plural_possessive() -> None:
    text = "‘We saw the residents’ homes go under,’ said a volunteer."
    assert contents(text) == [["We saw the residents’ homes go under,"]]


def test_apostrophe_inside_a_british_quote() -> None:
    text = "‘It’s the valley’s worst day,’ she said."
    assert contents(text) == [["It’s the valley’s worst day,"]]


def test_single_quote_nested_in_double() -> None:
    text = "She said: “He told me ‘never again’ and I believed him.”"
    assert contents(text) == [["He told me ‘never again’ and I believed him."]]
    assert contents(text, depth=1) == [["never again"]]


def test_multi_paragraph_quote_is_one_quote_with_a_part_per_paragraph() -> None:
    text = (
        "“The first paragraph of the statement.\n\n“The second paragraph, which closes,” he said."
    )
    (quote,) = find_quoted(text)
    assert [text[s:e] for s, e in quote.parts] == [
        "The first paragraph of the statement.",
        "The second paragraph, which closes,",
    ]
    assert quote.close == text.index("”")


def test_unclosed_quote_recovers_at_paragraph_end() -> None:
    text = "“This never closes and goes on.\n\nThe next paragraph is narration.\n\n“A real quote,” she said."
    found = contents(text)
    assert found[0] == ["This never closes and goes on."]
    assert found[1] == ["A real quote,"]
    assert all("narration" not in part for parts in found for part in parts)


def test_unclosed_quote_never_swallows_the_article() -> None:
    text = "He said “this is open\n" + "Narration line.\n" * 50
    (quote,) = find_quoted(text)
    assert quote.close is None
    assert quote.end == text.index("\n")


def test_stray_straight_quote_in_measurement_is_ignored() -> None:
    assert contents('The wall is 6\' 2" tall and "safe," he said.') == [["safe,"]]


def test_two_apostrophes_as_double_quotes() -> None:
    text = "''It's anti-reform,'' Mr. Burman said. The campaign was ''taking a close look'' at it."
    assert contents(text) == [["It's anti-reform,"], ["taking a close look"]]
    first = find_quoted(text)[0]
    assert first.outer_end == text.index("''", 2) + 2


def test_a_double_closing_mark_after_an_s_is_no_possessive() -> None:
    # the plural-possessive guard (the residents’ homes) is for apostrophes only
    text = "Trump’s “excesses” are sickening, he said, noting the nominee “makes you retch.”"
    assert contents(text) == [["excesses"], ["makes you retch."]]
