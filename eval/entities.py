"""Cross-article entity merging: precision and recall on a labelled list of name variants."""

from __future__ import annotations


def main() -> None:
    print("entities: not measured yet")


if __name__ == "__main__":
    main()
