"""Find quoted stretches of text from quote marks alone (no parse).

A pure, character-level scanner. It tells opening from closing marks by their
context, keeps apostrophes (Gaza’s, won’t, the residents’ homes, ’90s) out,
nests single marks inside double ones, links a quote continued over several
paragraphs (each re-opened, only the last closed), and recovers an unclosed
quote at its paragraph end so it never swallows the rest of the article.

Whether a quoted stretch is speech, a title or a scare quote is decided later,
with the parse (``quotes.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Quoted", "find_quoted", "paragraph_ranges", "QUOTE_CHARS"]

#: Stands for the two-character mark '' (two apostrophes), used as a straight double quote.
_TWO_APOS = "\ue000"

# Opening mark -> the closing marks that may end it.
_CLOSERS: dict[str, str] = {
    "“": '”"' + _TWO_APOS,  # English; a stray straight mark may close a curly one
    '"': '"”',
    _TWO_APOS: _TWO_APOS + "”",
    "„": "“”",  # German/Polish low-high
    "«": "»",
    "‹": "›",
    "「": "」",
    "『": "』",
    "‘": "’'",
    "'": "'’",
    "”": "”",  # Swedish/Finnish style ”…”
}
_DOUBLE = set('“”"„«»「」『』' + _TWO_APOS)
_OPENERS = set(_CLOSERS)
_ANY_CLOSER = set("”\"“»›」』’'" + _TWO_APOS)
QUOTE_CHARS = frozenset(_OPENERS | _ANY_CLOSER)

# Leading elisions written with an apostrophe: ’90s, ’em, ’tis, rock ’n’ roll.
_ELISION = re.compile(r"(?:\d\d|em\b|tis\b|twas\b|n\b|cause\b|til\b|bout\b)", re.IGNORECASE)
_PARAGRAPH_BREAK = re.compile(r"\n")


@dataclass(slots=True)
class Quoted:
    """One quoted stretch. ``parts`` are content ranges (inside the marks), one per paragraph."""

    open: int  # index of the opening mark
    close: int | None  # index of the closing mark; None when recovered unclosed
    mark: str
    depth: int  # 0 for an outermost quote, 1 inside another
    parts: list[tuple[int, int]] = field(default_factory=list)
    open_width: int = 1
    close_width: int = 1

    @property
    def start(self) -> int:
        return self.parts[0][0]

    @property
    def end(self) -> int:
        return self.parts[-1][1]

    @property
    def outer_end(self) -> int:
        """End of the stretch including its closing mark."""
        return (self.close + self.close_width) if self.close is not None else self.end

    @property
    def is_double(self) -> bool:
        return self.mark in _DOUBLE


def paragraph_ranges(text: str) -> list[tuple[int, int]]:
    """Line ranges of ``text`` (a line is a paragraph for quote scanning)."""
    ranges: list[tuple[int, int]] = []
    start = 0
    for m in _PARAGRAPH_BREAK.finditer(text):
        ranges.append((start, m.start()))
        start = m.end()
    ranges.append((start, len(text)))
    return ranges


def _is_space(ch: str) -> bool:
    return ch.isspace() or ch == ""


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def _mark_at(text: str, i: int) -> tuple[str, int]:
    """The quote mark at ``i`` and its width: '' (two apostrophes) is one double mark."""
    ch = text[i]
    if ch == "'" and i + 1 < len(text) and text[i + 1] == "'":
        return _TWO_APOS, 2
    return ch, 1


def _can_open(text: str, i: int, ch: str, width: int = 1) -> bool:
    before = text[i - 1] if i > 0 else ""
    after = text[i + width] if i + width < len(text) else ""
    if _is_space(after):
        return False
    if ch in "'’‘" and _is_word(before):
        return False  # an apostrophe inside or after a word
    if ch in "'‘’" and _ELISION.match(text, i + 1):
        return False
    if (
        ch in "\"”'’" + _TWO_APOS
        and before
        and not (_is_space(before) or before in "([{—–-/:;,…" or before in QUOTE_CHARS)
    ):
        return False
    return True


def _can_close(text: str, i: int, ch: str, width: int = 1) -> bool:
    before = text[i - 1] if i > 0 else ""
    after = text[i + width] if i + width < len(text) else ""
    if _is_space(before) and ch in "'’" + _TWO_APOS:
        return False
    return not (ch in "'’" and _is_word(before) and _is_word(after))


def _misused_opener_closes(text: str, i: int, ch: str, mark: str) -> bool:
    """“It’s unusual,“ he said. — an opening mark typed where the closing one belongs."""
    if ch != "“" or mark != "“":
        return False
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    return (
        bool(before)
        and not before.isspace()
        and (after == "" or after.isspace() or after in ".,;:")
    )


def _weak_closer(text: str, i: int, para_end: int) -> bool:
    """A plural possessive (the residents’ homes) looks like a closing mark; prefer a later one."""
    if i == 0 or text[i - 1] not in "sS" or text[i] not in "’'":
        return False  # only an apostrophe makes a possessive: “excesses” are … closes
    rest = text[i + 1 : min(para_end, i + 3)]
    return len(rest) == 2 and rest[0] == " " and rest[1].islower()


def _scan_paragraph(text: str, start: int, end: int) -> tuple[list[Quoted], list[Quoted]]:
    """Quotes closed in this paragraph, and those still open at its end (outermost first)."""
    closed: list[Quoted] = []
    stack: list[Quoted] = []
    i = start
    while i < end:
        if text[i] not in QUOTE_CHARS:
            i += 1
            continue
        ch, width = _mark_at(text, i)
        top = stack[-1] if stack else None
        if top is not None and (
            (ch in _CLOSERS[top.mark] and _can_close(text, i, ch, width))
            or _misused_opener_closes(text, i, ch, top.mark)
        ):
            if _weak_closer(text, i, end) and _has_later_closer(text, i + 1, end, top.mark):
                i += 1
                continue
            top.close = i
            top.close_width = width
            top.parts.append((top.open + top.open_width, i))
            closed.append(stack.pop())
            i += width
            continue
        if (
            top is not None
            and not top.is_double
            and len(stack) >= 2
            and ch in _CLOSERS[stack[-2].mark]
            and _can_close(text, i, ch, width)
            and not (ch in _OPENERS and _can_open(text, i, ch, width) and ch not in '"' + _TWO_APOS)
        ):
            # The double quote around an open single mark closes: that mark was an apostrophe.
            stack.pop()
            continue
        if ch in _OPENERS and _can_open(text, i, ch, width):
            if top is not None and top.is_double and _same_family(top.mark, ch):
                # A second double opener inside a double quote: the first was never closed.
                stack.pop()
                unclosed = Quoted(
                    open=top.open,
                    close=None,
                    mark=top.mark,
                    depth=top.depth,
                    open_width=top.open_width,
                )
                unclosed.parts.append((top.open + top.open_width, i))
                closed.append(unclosed)
            depth = 1 if stack else 0
            stack.append(Quoted(open=i, close=None, mark=ch, depth=depth, open_width=width))
        i += width
    return closed, stack


def _same_family(a: str, b: str) -> bool:
    english = '“"”' + _TWO_APOS
    return a == b or (a in english and b in english)


def _has_later_closer(text: str, i: int, end: int, mark: str) -> bool:
    for j in range(i, end):
        if text[j] not in QUOTE_CHARS:
            continue
        ch, width = _mark_at(text, j)
        if (
            ch in _CLOSERS[mark]
            and _can_close(text, j, ch, width)
            and not _weak_closer(text, j, end)
        ):
            return True
    return False


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def find_quoted(text: str) -> list[Quoted]:
    """All quoted stretches of ``text`` in order of their opening mark."""
    found: list[Quoted] = []
    pending: Quoted | None = None  # an outermost quote continuing into the next paragraph
    for p_start, p_end in paragraph_ranges(text):
        if p_start == _rstrip(text, p_start, p_end):
            continue  # blank line: a continued quote may still resume after it
        lead = p_start
        while lead < p_end and text[lead].isspace():
            lead += 1
        if pending is not None:
            if lead < p_end and _mark_at(text, lead)[0] == pending.mark:
                # The paragraph re-opens the quote: scan it as the same quote's next part.
                closed, still_open = _scan_paragraph(text, lead, p_end)
                first_open = still_open[0] if still_open and still_open[0].open == lead else None
                first_closed = next((q for q in closed if q.open == lead), None)
                if first_closed is not None:
                    pending.parts.append(first_closed.parts[-1])
                    pending.close = first_closed.close
                    pending.close_width = first_closed.close_width
                    found.append(pending)
                    pending = None
                    found.extend(q for q in closed if q is not first_closed)
                    found.extend(_recover(text, still_open, p_end))
                    continue
                if first_open is not None:
                    pending.parts.append(
                        (
                            lead + first_open.open_width,
                            _rstrip(text, lead + first_open.open_width, p_end),
                        )
                    )
                    found.extend(closed)
                    found.extend(_recover(text, still_open[1:], p_end))
                    continue
            # Not re-opened: the previous paragraph's quote ends where that paragraph did.
            found.append(pending)
            pending = None
        closed, still_open = _scan_paragraph(text, p_start, p_end)
        found.extend(closed)
        if still_open:
            outer = still_open[0]
            if outer.depth == 0 and _continues(text, p_end):
                outer.parts.append(
                    (
                        outer.open + outer.open_width,
                        _rstrip(text, outer.open + outer.open_width, p_end),
                    )
                )
                pending = outer
                found.extend(_recover(text, still_open[1:], p_end))
            else:
                found.extend(_recover(text, still_open, p_end))
    if pending is not None:
        found.append(pending)
    found = [q for q in found if q.parts and q.end > q.start]
    found.sort(key=lambda q: q.open)
    return found


def _continues(text: str, p_end: int) -> bool:
    """True when the next non-blank paragraph opens with a quote mark."""
    j = p_end
    while j < len(text) and text[j].isspace():
        j += 1
    return j < len(text) and _mark_at(text, j)[0] in _OPENERS


def _recover(text: str, still_open: list[Quoted], p_end: int) -> list[Quoted]:
    """Unclosed quotes end at their paragraph end; unclosed single marks were apostrophes."""
    out: list[Quoted] = []
    for q in still_open:
        if not q.is_double:
            continue
        if q.parts:
            out.append(q)
            continue
        end = _rstrip(text, q.open + q.open_width, p_end)
        if end > q.open + q.open_width:
            q.parts.append((q.open + q.open_width, end))
            out.append(q)
    return out
