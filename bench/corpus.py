"""Corpus benchmark (``make bench-corpus``)."""

from __future__ import annotations


def main() -> None:
    print("bench-corpus: not written yet")


if __name__ == "__main__":
    main()
