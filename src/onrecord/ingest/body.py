"""Find the article body of a text: paragraphs, minus site chrome, bylines and captions.

The rules are data (``resources/boilerplate.tsv``); this module splits the text
into lines and blocks and decides, line by line, what is boilerplate. It never
changes the text: it returns ranges into it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["boilerplate_kind", "find_body"]

_RESOURCE = "boilerplate.tsv"
_MACRO = re.compile(r"%([A-Z]+)%")
_NEWLINE = re.compile(r"\r\n|\r|\n")

# Navigation menus and breadcrumbs: short items between these separators.
_MENU_SEPARATOR = re.compile(r"\s*[|•·»›]\s*|\s+[/>]\s+")
_MENU_ITEM = re.compile(r"[^\W\d_][^\W\d_&'’.-]*(?:[ &'’.-]+[^\W\d_][^\W\d_'’.-]*){0,3}")
_MENU_MIN_ITEMS = 3
_MENU_MAX_CHARS = 160


@dataclass(frozen=True, slots=True)
class _Rule:
    category: str
    max_chars: int
    pattern: re.Pattern[str]


def _expand(pattern: str, macros: dict[str, str], where: str) -> str:
    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in macros:
            raise ValueError(f"{where}: unknown macro %{name}%")
        return macros[name]

    return _MACRO.sub(substitute, pattern)


def parse_rules(source: str, *, name: str = _RESOURCE) -> tuple[_Rule, ...]:
    """Parse the rule table (see the header of ``resources/boilerplate.tsv``)."""
    macros: dict[str, str] = {}
    rules: list[_Rule] = []
    for number, raw in enumerate(source.splitlines(), 1):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.startswith("#"):
            continue
        where = f"{name}:{number}"
        fields = line.split("\t")
        if line.startswith("@"):
            if len(fields) != 2:
                raise ValueError(f"{where}: a macro row is @NAME<TAB>pattern")
            macros[fields[0][1:]] = _expand(fields[1], macros, where)
            continue
        if len(fields) != 3 or not fields[1].isdigit():
            raise ValueError(f"{where}: a rule row is category<TAB>max_chars<TAB>pattern")
        try:
            pattern = re.compile(_expand(fields[2], macros, where))
        except re.error as exc:
            raise ValueError(f"{where}: bad pattern: {exc}") from exc
        rules.append(_Rule(fields[0], int(fields[1]), pattern))
    return tuple(rules)


@cache
def _rules() -> tuple[_Rule, ...]:
    # Loaded on first use, not at import, and once per process.
    text = resources.files("onrecord").joinpath("resources", _RESOURCE).read_text("utf-8")
    return parse_rules(text)


def _is_menu(line: str) -> bool:
    if len(line) > _MENU_MAX_CHARS:
        return False
    items = [item for item in _MENU_SEPARATOR.split(line) if item]
    # Items that carry digits or end a sentence are data (a table row) or prose, not a menu.
    return len(items) >= _MENU_MIN_ITEMS and all(
        _MENU_ITEM.fullmatch(item) and len(item) <= 30 for item in items
    )


def boilerplate_kind(line: str) -> str | None:
    """The kind of boilerplate a line is (``chrome``, ``menu``, ``byline`` ...), or None for body."""
    stripped = line.strip()
    if not stripped:
        return None
    if _is_menu(stripped):
        return "menu"
    for rule in _rules():
        if len(stripped) <= rule.max_chars and rule.pattern.fullmatch(stripped):
            return rule.category
    return None


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, without its line break."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _NEWLINE.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _blocks(text: str, lines: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    blank = [not text[s:e].strip() for s, e in lines]
    content = [i for i, is_blank in enumerate(blank) if not is_blank]
    if not content:
        return []
    # Blank lines only separate paragraphs when some text lies on both sides of one;
    # otherwise every line is its own paragraph (e.g. one paragraph per line).
    separated = any(blank[content[0] : content[-1] + 1])
    if not separated:
        return [[lines[i]] for i in content]
    blocks: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for span, is_blank in zip(lines, blank, strict=True):
        if is_blank:
            if current:
                blocks.append(current)
                current = []
        else:
            current.append(span)
    if current:
        blocks.append(current)
    return blocks


def find_body(text: str) -> list[tuple[int, int]]:
    """The article-body ranges of ``text``: one per paragraph, boilerplate lines left out.

    Paragraphs are separated by blank lines, or by single line breaks when the
    text has no blank line. Inside a paragraph, boilerplate lines are cut out,
    which may split it in two. Ranges never start or end with whitespace.
    """
    ranges: list[tuple[int, int]] = []
    for block in _blocks(text, _lines(text)):
        run_start: int | None = None
        run_end = 0
        for start, end in block:
            if boilerplate_kind(text[start:end]) is None:
                if run_start is None:
                    run_start = start
                run_end = end
            elif run_start is not None:
                ranges.append(_trim(text, run_start, run_end))
                run_start = None
        if run_start is not None:
            ranges.append(_trim(text, run_start, run_end))
    return [(start, end) for start, end in ranges if end > start]
