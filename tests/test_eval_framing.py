"""Floors of the framing evaluation (eval/framing.py): the hand-checked sentences and the
mirror test run here in one batch each; the floors sit just under the measured figures
(docs/EVALUATION.md, Framing)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from eval import framing

# Measured 2026-11-28 (after nested noun-cue claims, naming verbs, "quoted X as saying" and
# gendered pronouns resolving one-word names): precision 0.929, voice accuracy 0.956
# (126 sentences, 103 gold terms); the mirror is 100 % symmetric.
PRECISION_FLOOR = 0.92
VOICE_FLOOR = 0.95


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


def test_mirror_fully_symmetric(result: dict[str, Any]) -> None:
    assert result["mirror_templates_with_terms"] >= 40  # the test is not vacuous
    assert not result["mirror_fillers_not_found"]
    assert result["mirror_symmetric_share"] == 1.0, "\n".join(result["asymmetries"])
