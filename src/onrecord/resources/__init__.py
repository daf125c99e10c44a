"""Data files (lexicons) and their loader. Each file names its source in a header line."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

__all__ = ["read_tsv"]


@cache
def read_tsv(name: str) -> tuple[dict[str, str], ...]:
    """Rows of a bundled TSV as dicts; lines starting with ``#`` are comments (source notes)."""
    raw = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    lines = [line for line in raw.splitlines() if line.strip() and not line.startswith("#")]
    return tuple(dict(row) for row in csv.DictReader(lines, delimiter="\t"))
