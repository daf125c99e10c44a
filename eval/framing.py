"""Framing evaluation (scaffold; being written): term detection precision, voice accuracy,
mirror symmetry and per-outlet log-odds recovery."""

from __future__ import annotations

import sys


def main() -> int:
    print("eval.framing: not written yet")
    return 0


if __name__ == "__main__":
    sys.exit(main())
