"""Canonical speaker accuracy on the hand-annotated example articles stays above its floor."""

from __future__ import annotations

from eval.speakers import evaluate

#: Measured 2026-11-28: 95.2% of matched quotes (79/83), 91.2% of gold quotes found.
FLOOR_ACCURACY = 0.93
FLOOR_FOUND = 0.90


def test_examples_speaker_accuracy() -> None:
    result = evaluate("examples")
    assert result is not None
    assert result.found_share >= FLOOR_FOUND, result.found_share
    assert result.accuracy >= FLOOR_ACCURACY, (result.accuracy, result.wrong)
    assert result.traps_reported == 0
