"""Recognizers-Text specification cases (English subset, MIT, Microsoft; see
tests/data/recognizers/README.md): the share onrecord passes, pinned as floors.

The floors are what the current rules reach, so a regression fails loudly; the shares are
printed (``pytest -s``) and reported in docs/FIGURES.md.
"""

from __future__ import annotations

import pytest
from eval.figures import spec_shares

FLOORS = {"number": 0.67, "range": 0.58, "date": 0.33, "duration": 0.97}


@pytest.fixture(scope="module")
def shares() -> dict[str, tuple[int, int]]:
    return spec_shares()


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_share_at_least_floor(kind: str, shares: dict[str, tuple[int, int]]) -> None:
    passed, total = shares[kind]
    print(f"recognizers {kind}: {passed}/{total} = {passed / total:.1%}")
    assert total > 0
    assert passed / total >= FLOORS[kind]
