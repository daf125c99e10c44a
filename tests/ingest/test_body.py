"""Body detection: which lines of an article are body, and exact ranges into the text."""

from __future__ import annotations

import time

import pytest

from onrecord.ingest.body import _rules, boilerplate_kind, find_body, parse_rules


def body_texts(text: str) -> list[str]:
    return [text[start:end] for start, end in find_body(text)]


BODY_LINES = [
    "By the end of the day, the ministry said 40 people had died.",
    "By Thursday, the ministry said 40 people had died.",
    "By 2030, Germany plans to phase out coal.",
    "Share prices fell.",
    "Shares in the company rose 5% on Monday.",
    "Reporting by Reuters showed that inflation rose.",
    "Follow the instructions on X.",
    "By Friday staff had left the building.",
    "By then the team had gone.",
    "By the Associated Press count, 40 people died.",
    "Updated figures will be published on Monday.",
    "The EU's cookie policy rules changed this year, the commission said.",
    "The figures were compiled by AFP/Reuters.",
    "KYIV, March 5 (Reuters) - Ukraine said on Tuesday it had shot down 20 drones.",
    "Related talks will resume next week, officials said.",
    "May 5, 2024.",
    "Monday",
    "| Gaza | 24,448 | 60,582 |",
    'He said: "We will not stop."',
]


@pytest.mark.parametrize("line", BODY_LINES)
def test_news_sentences_are_never_boilerplate(line: str) -> None:
    assert boilerplate_kind(line) is None


BOILERPLATE_LINES = [
    ("Exit mobile version", "chrome"),
    ("Skip to content", "chrome"),
    ("Share this article", "chrome"),
    ("Share on Facebook", "chrome"),
    ("Share on X", "chrome"),
    ("Follow us on Twitter", "chrome"),
    ("Follow The Guardian on Facebook and Instagram", "chrome"),
    ("Subscribe to our newsletter", "chrome"),
    ("Sign up for our newsletter", "chrome"),
    ("Advertisement", "chrome"),
    ("ADVERTISEMENT", "chrome"),
    ("Read more: Israel says troops entered Rafah", "chrome"),
    ("Related: Flood kills 40", "chrome"),
    ("We use cookies to improve your experience. By continuing you agree.", "chrome"),
    ("All rights reserved", "chrome"),
    ("© 2024 Daily Planet", "chrome"),
    ("Home | World | Business | Sport", "menu"),
    ("Home • News • Sport", "menu"),
    ("By Jane Doe", "byline"),
    ("By Jane Doe and John Roe, Reuters", "byline"),
    ("BY JANE DOE", "byline"),
    ("By Reuters", "byline"),
    ("By Meridian Times staff", "byline"),
    ("By the Associated Press", "byline"),
    ("Share by email", "chrome"),
    ("By José Álvarez de la Cruz, BBC News, Madrid", "byline"),
    ("Reporting by Jane Doe in Kyiv; Editing by John Roe", "byline"),
    (
        "(Reporting by Jane Doe; Additional reporting by Max Mustermann; Editing by Jo Roe)",
        "byline",
    ),
    ("Updated 12:30 GMT", "dateline"),
    ("Last updated: 2 hours ago", "dateline"),
    ("Tuesday 5 March 2024 11.04 GMT", "dateline"),
    ("March 5, 2024 12:30 PM ET", "dateline"),
    ("Photo: Jane Doe", "caption"),
    ("Image: Reuters", "caption"),
    ("Caption: Rescuers search the rubble", "caption"),
    ("(Photo by Jane Doe/Getty Images)", "caption"),
    ("Rescuers search the rubble in Gaza City / Reuters", "caption"),
    ("Rescuers search the rubble in Gaza City/AFP", "caption"),
    ("Rescuers search the rubble in Gaza City (Getty Images)", "caption"),
    ("Rescuers search the rubble. Photograph: Jane Doe/Reuters", "caption"),
    ("People walk past a building in Kyiv, March 5, 2024. REUTERS/Valentyn Ogirenko", "caption"),
]


@pytest.mark.parametrize(("line", "kind"), BOILERPLATE_LINES)
def test_boilerplate_lines_are_recognised(line: str, kind: str) -> None:
    assert boilerplate_kind(line) == kind


def test_paragraphs_split_on_blank_lines_and_boilerplate_is_cut() -> None:
    text = (
        "Skip to content\n"
        "Home | World | Business | Sport\n"
        "\n"
        "By Jane Doe and John Roe, Reuters\n"
        "Updated 12:30 GMT\n"
        "\n"
        "  At least 40 people died in the floods,\n"
        "officials said on Tuesday.  \n"
        "\n"
        "Photo: Rescuers search the rubble\n"
        "\n"
        "By the end of the day, the ministry said 40 people had died.\n"
        "\n"
        "Share prices fell.\n"
        "\n"
        "Share this article\n"
        "© 2024 Daily Planet. All rights reserved.\n"
    )
    assert body_texts(text) == [
        "At least 40 people died in the floods,\nofficials said on Tuesday.",
        "By the end of the day, the ministry said 40 people had died.",
        "Share prices fell.",
    ]


def test_without_blank_lines_every_line_is_a_paragraph() -> None:
    text = "By Jane Doe\nThe river burst its banks.\nAdvertisement\nThousands fled.\n"
    assert body_texts(text) == ["The river burst its banks.", "Thousands fled."]


def test_a_boilerplate_line_inside_a_paragraph_splits_it() -> None:
    text = "First line of text.\nAdvertisement\nSecond line of text.\n\nNext paragraph."
    assert body_texts(text) == ["First line of text.", "Second line of text.", "Next paragraph."]


def test_ranges_are_offsets_into_crlf_text_without_surrounding_whitespace() -> None:
    text = "\r\n  Para one.\t\r\n\r\nBy Jane Doe\r\nPara two.\r\n\r\n\r\n Para three. "
    ranges = find_body(text)
    assert [text[s:e] for s, e in ranges] == ["Para one.", "Para two.", "Para three."]
    for start, end in ranges:
        assert not text[start].isspace() and not text[end - 1].isspace()


def test_blank_and_all_boilerplate_texts_have_no_body() -> None:
    assert find_body("") == []
    assert find_body(" \n\n \t") == []
    assert find_body("Advertisement\n\nSkip to content") == []


def test_rules_load_and_every_category_is_known() -> None:
    categories = {rule.category for rule in _rules()}
    assert categories == {"chrome", "byline", "dateline", "caption"}


def test_rule_table_errors_name_the_line() -> None:
    with pytest.raises(ValueError, match=r"t\.tsv:2: unknown macro %NOPE%"):
        parse_rules("# header\nchrome\t10\t%NOPE%", name="t.tsv")
    with pytest.raises(ValueError, match=r"t\.tsv:1: a rule row"):
        parse_rules("chrome\tten\tx", name="t.tsv")
    with pytest.raises(ValueError, match=r"t\.tsv:1: bad pattern"):
        parse_rules("chrome\t10\t(", name="t.tsv")


def test_macros_expand_into_later_rules() -> None:
    rules = parse_rules("@WORD\t(?:foo|bar)\nchrome\t20\t%WORD% baz", name="t.tsv")
    assert rules[0].pattern.fullmatch("bar baz")
    assert not rules[0].pattern.fullmatch("qux baz")


def test_pathological_lines_are_fast() -> None:
    lines = [
        "By " + "Aa " * 50,
        "Reporting by " + "Aa, " * 80 + "x",
        "Updated " + "5 " * 55,
        "x" * 399 + "/",
        " / " * 50,
        "Follow " + "A" * 39 + " on" * 20,
    ]
    start = time.perf_counter()
    for line in lines:
        boilerplate_kind(line)
    assert time.perf_counter() - start < 0.5
