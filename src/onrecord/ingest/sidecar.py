"""Sidecar metadata: a ``metadata.tsv`` beside text files gives their outlet, date, title, URL.

Plain ``.txt`` files carry no metadata, so a folder of them may hold a tab-separated
``metadata.tsv`` with a header naming the columns: ``file`` (the file name, or its path
relative to the folder) and any of ``outlet``, ``published`` (YYYY-MM-DD), ``title``, ``url``.
What a document carries itself (JSONL fields, HTML metadata) wins over the sidecar.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

from ..types import Document

__all__ = ["SIDECAR_NAME", "apply_sidecar", "read_sidecar"]

SIDECAR_NAME = "metadata.tsv"
_FIELDS = ("outlet", "published", "title", "url")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@lru_cache(maxsize=64)
def read_sidecar(folder: Path) -> dict[str, dict[str, str]]:
    """Rows of ``folder/metadata.tsv`` keyed by file name; empty when absent or unreadable."""
    path = folder / SIDECAR_NAME
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
    except (OSError, UnicodeDecodeError, csv.Error):
        return {}
    table: dict[str, dict[str, str]] = {}
    for row in rows:
        name = (row.get("file") or "").strip()
        if name:
            table[name] = {k: (row.get(k) or "").strip() for k in _FIELDS}
    return table


def apply_sidecar(
    document: Document, folder: Path, relative_name: str, default_published: str | None
) -> Document:
    """Fill the fields the document lacks from the folder's sidecar row for it; then the
    default publication date (``--published``) if it still has none."""
    table = read_sidecar(folder)
    row = table.get(relative_name) or table.get(Path(relative_name).name)
    if not row:
        document.published = document.published or default_published
        return document
    if document.outlet is None and row["outlet"]:
        document.outlet = row["outlet"]
    if document.title is None and row["title"]:
        document.title = row["title"]
    if document.url is None and row["url"]:
        document.url = row["url"]
    if document.published is None and _DATE.match(row["published"]):
        document.published = row["published"]
    document.published = document.published or default_published
    return document
