"""Line breaks as sentence boundaries: ``onrecord_lines``, run before the parser.

News text keeps its layout: a headline, a byline, a dateline and paragraphs, one per line.
A headline or a byline has no full stop, and the parser, which sees one stream of tokens,
then runs it into the first sentence of the article: "By Paulo Drescher\\n\\nSara Lind, the
champion, has withdrawn" is parsed as one noun phrase ("Paulo Drescher Sara Lind"), and the
article's first speaker is lost. This component marks the first word after a line break as
the start of a sentence; the parser keeps boundaries set before it.

Hard-wrapped text (e-mail, plain-text archives: most lines of one width, broken in
mid-sentence) is recognised by its line lengths; there only blank lines (paragraph breaks)
start sentences.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.language import Language

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["COMPONENT", "hard_wrapped", "mark_line_starts"]

COMPONENT = "onrecord_lines"

#: A text is hard-wrapped when it has at least this many lines ...
_WRAP_MIN_LINES = 5
#: ... and this share of them (the last line of each paragraph aside) fill most of one width.
_WRAP_SHARE = 0.8
_WRAP_MIN_WIDTH, _WRAP_MAX_WIDTH = 40, 100


def hard_wrapped(text: str) -> bool:
    """True when most lines that continue into another line are of one width (40–100
    characters, within 15 of each other): text wrapped at a fixed width, not one paragraph
    per line."""
    lines = text.split("\n")
    # a paragraph's last line is short in wrapped text too: look at lines followed by a line
    inner = [
        len(line.rstrip())
        for line, nxt in zip(lines, lines[1:], strict=False)
        if line.strip() and nxt.strip()
    ]
    if len(inner) < _WRAP_MIN_LINES:
        return False
    inner.sort()
    mid = inner[len(inner) // 2]
    if not _WRAP_MIN_WIDTH <= mid <= _WRAP_MAX_WIDTH:
        return False
    near = sum(1 for n in inner if abs(n - mid) <= 15)
    return near >= _WRAP_SHARE * len(inner)


def mark_line_starts(doc: Doc) -> Doc:
    """Mark the first token after each line break (each blank line, in hard-wrapped text)
    as a sentence start. Tokens already marked by an earlier component keep their mark.

    spaCy keeps any whitespace but a single space as a token of its own, so every line
    break is in a whitespace token: only those are looked at (about 1 ms for a PolNeAR
    article of ~900 words)."""
    text = doc.text
    if "\n" not in text:
        return doc
    from spacy.attrs import IS_SPACE

    breaks = 2 if hard_wrapped(text) else 1
    spaces = doc.to_array([IS_SPACE]).nonzero()[0]
    n = len(doc)
    for i in spaces.tolist():
        if i + 1 >= n or doc[i].text.count("\n") < breaks:
            continue
        nxt = doc[i + 1]
        if not nxt.is_space and nxt.is_sent_start is None:
            nxt.is_sent_start = True
    return doc


@Language.component(COMPONENT)
def onrecord_lines(doc: Doc) -> Doc:
    return mark_line_starts(doc)
