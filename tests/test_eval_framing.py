"""Floors of the framing evaluation (eval/framing.py): the hand-checked sentences and the
mirror test run here in one batch each; the floors sit just under the measured figures
(docs/EVALUATION.md, Framing)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from eval import framing

# Measured 2026-11-28: precision 0.929, voice accuracy 0.901 (126 sentences, 103 gold terms).
PRECISION_FLOOR = 0.92
VOICE_FLOOR = 0.89
#: Templates whose mirror differed when the floors were set: the quote and speaker
#: components treat the sides' names differently (a pronoun resolved for one name and not
#: the other, a continued quote found after one name only, "described ... as" read as a
#: quote after one name only, a nested quote's content running on after one name order
#: only). The framing matcher itself counted the same words.
KNOWN_ASYMMETRIC = {"t28", "t37", "t39", "t50"}


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return framing.run(with_mirror=True)


def test_gold_is_well_formed() -> None:
    sentences = framing.load_sentences()
    assert len(sentences) >= 120
    assert len({s.id for s in sentences}) == len(sentences)
    assert sum(1 for s in sentences if not s.terms) >= 20  # negatives and traps
    for s in sentences:
        for g in s.terms:
            assert s.text[g.start : g.end] == g.surface
    voices = {g.voice for s in sentences for g in s.terms}
    assert None in voices and len(voices) > 30  # narrator and many speakers


def test_mirror_data_is_well_formed() -> None:
    templates = framing.load_templates()
    sides = framing.load_sides()
    assert len(templates) >= 50 and len(sides) >= 3
    slots = {m.group(1) for t in templates for m in re.finditer(r"\{[AB]_(\w+)\}", t.text)}
    for first, second in sides.values():
        assert slots <= set(first.slots) and slots <= set(second.slots)
        assert first.ids and second.ids
    for t in templates:  # every template names at least one side
        assert re.search(r"\{[AB]_\w+\}", t.text), t.id


def test_precision_floor(result: dict[str, Any]) -> None:
    assert result["precision"] >= PRECISION_FLOOR


def test_voice_accuracy_floor(result: dict[str, Any]) -> None:
    assert result["voice_accuracy"] >= VOICE_FLOOR


def test_no_new_mirror_asymmetry(result: dict[str, Any]) -> None:
    asymmetric = {line.split()[0] for line in result["asymmetries"]}
    assert asymmetric <= KNOWN_ASYMMETRIC, "\n".join(result["asymmetries"])
    assert result["mirror_templates_with_terms"] >= 40  # the test is not vacuous
    assert not result["mirror_fillers_not_found"]


@pytest.mark.xfail(
    reason="target 100 %: t28, t37, t39, t50 differ by quote attribution (KNOWN_ASYMMETRIC)",
    strict=False,
)
def test_mirror_fully_symmetric(result: dict[str, Any]) -> None:
    assert result["mirror_symmetric_share"] == 1.0, "\n".join(result["asymmetries"])
