"""Neutrality: an article with the sides swapped gives the mirrored record, nothing else."""

from __future__ import annotations

import re

import onrecord

ARTICLE = """Talks on the river dispute ended without agreement on Tuesday.

Estovia's Interior Minister Lena Varga said the upstream releases had been reckless. "We were never warned," she said. "Families lost everything in one night."

Marrenland's water commissioner Tomas Holt rejected the claim. "Every release followed the treaty," Holt told reporters, "and the logs are public."

A senior Estovian official said at least 41 people had died. Marrenland state television reported that the gates had been closed on Sunday.

According to the Estovian health ministry, 57 deaths had been confirmed. Holt said Marrenland would share its records.
"""

SWAPS = [
    ("Estovian", "Marrenish"),
    ("Estovia", "Marrenland"),
    ("Lena Varga", "Tomas Holt"),
    ("Varga", "Holt"),
    (" she ", " he "),
]


_PAIRS = {a: b for a, b in SWAPS} | {b: a for a, b in SWAPS}
_PATTERN = re.compile("|".join(re.escape(k) for k in sorted(_PAIRS, key=len, reverse=True)))


def mirror(text: str) -> str:
    """Swap the two sides' names in one pass."""
    return _PATTERN.sub(lambda m: _PAIRS[m.group(0)], text)


def summary(text: str) -> list[tuple[str, str | None, str]]:
    record = onrecord.analyze(text)
    return [(q.kind, q.speaker.name if q.speaker else None, q.content.text) for q in record.quotes]


def test_mirror_swaps_speakers_and_keeps_everything_else() -> None:
    original = summary(ARTICLE)
    mirrored = summary(mirror(ARTICLE))
    assert len(original) == len(mirrored)
    assert sorted(k for k, _, _ in original) == sorted(k for k, _, _ in mirrored)
    expected = sorted((k, mirror(s) if s else None, mirror(c)) for k, s, c in original)
    assert sorted(mirrored) == expected


def test_each_side_is_quoted_and_attributed() -> None:
    speakers = {s for _, s, _ in summary(ARTICLE)}
    assert {"Lena Varga", "Tomas Holt"} <= speakers


def test_figures_keep_their_asserters_under_the_mirror() -> None:
    def claims(text: str) -> list[tuple[float | None, str | None]]:
        record = onrecord.analyze(text)
        return sorted(
            (c.value, c.asserted_by.name if c.asserted_by else None) for c in record.claims
        )

    original = claims(ARTICLE)
    assert original, "the article's figures are found"
    assert claims(mirror(ARTICLE)) == sorted((v, mirror(a) if a else None) for v, a in original)
