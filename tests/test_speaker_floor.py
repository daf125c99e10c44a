"""Canonical speaker accuracy on the hand-annotated invented articles stays above its floors."""

from __future__ import annotations

import pytest
from eval.speakers import evaluate

#: (found share, accuracy over found) floors, just under the figures measured 2026-11-28
#: (sixth session): examples 96.7% / 96.6% (85/88); speaker_cases 93.6% / 96.6% (113/117).
FLOORS = {"examples": (0.95, 0.96), "speaker_cases": (0.93, 0.96)}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_speaker_accuracy(name: str) -> None:
    result = evaluate(name)
    assert result is not None
    found, accuracy = FLOORS[name]
    assert result.found_share >= found, result.found_share
    assert result.accuracy >= accuracy, (result.accuracy, result.wrong)
    assert result.traps_reported == 0


def test_combined_accuracy_meets_the_target() -> None:
    scores = [evaluate(name) for name in FLOORS]
    right = sum(s.right for s in scores if s)
    found = sum(s.found for s in scores if s)
    assert right / found >= 0.90, (right, found)
