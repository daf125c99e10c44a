"""Recognizers-Text specification cases (English subset, MIT, Microsoft; see
tests/data/recognizers/README.md): the share onrecord passes, pinned as floors.

Cases out of scope for a news tool are listed once, with their reasons, in
``eval.figures.OUT_OF_SCOPE`` and are not scored; every other copied case counts. The floors
are just under what the current rules reach, so a regression fails loudly; the shares are
printed (``pytest -s``) and reported in docs/FIGURES.md.
"""

from __future__ import annotations

import pytest
from eval.figures import spec_shares

FLOORS = {"number": 0.93, "range": 0.96, "date": 0.90, "duration": 0.97}


@pytest.fixture(scope="module")
def shares() -> dict[str, tuple[int, int, int, int]]:
    return spec_shares()


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_share_at_least_floor(kind: str, shares: dict[str, tuple[int, int, int, int]]) -> None:
    passed, total, excluded, passed_all = shares[kind]
    print(
        f"recognizers {kind}: {passed}/{total} = {passed / total:.1%} in scope; "
        f"all copied cases {passed_all}/{total + excluded}"
    )
    assert total > 0
    assert passed / total >= FLOORS[kind]
