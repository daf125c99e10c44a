"""The Python API: ``analyze`` one text or file, ``analyze_many`` a batch."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from .attribution_model import AttributionArg
from .errors import OnrecordError
from .types import Document, ErrorRecord, Record

__all__ = ["analyze", "analyze_many"]


def analyze(
    text_or_path: str | os.PathLike[str] | Document,
    published: str | None = None,
    *,
    attribution_model: AttributionArg = None,
) -> Record:
    """Analyse one article.

    ``text_or_path`` is the article text, a path to a ``.txt``/``.html`` file
    (a ``Path``, or a string naming an existing file), or a ``Document``.
    ``published`` (``YYYY-MM-DD``) is the reference date when the document carries none.
    ``attribution_model``: a trained attribution model directory to run after the rules
    (docs/TRAINING.md); None reads ``ONRECORD_ATTRIBUTION_MODEL``, "" means the rules alone.
    Raises ``OnrecordError`` with a readable message when the input cannot be used.
    """
    from .ingest import document_from_path, document_from_text
    from .pipeline import analyze_document

    if isinstance(text_or_path, Document):
        document = text_or_path
        if published and not document.published:
            document.published = published
    elif isinstance(text_or_path, Path) or (
        isinstance(text_or_path, str)
        and "\n" not in text_or_path
        and len(text_or_path) < 4096
        and _is_file(text_or_path)
    ):
        document = document_from_path(os.fspath(text_or_path), published=published)
    elif isinstance(text_or_path, str):
        document = document_from_text(text_or_path, published=published)
    else:
        raise OnrecordError(f"cannot analyse an object of type {type(text_or_path).__name__}")
    return analyze_document(document, attribution=attribution_model)


def _is_file(candidate: str) -> bool:
    try:
        return Path(candidate).is_file()
    except (OSError, ValueError):
        return False


def analyze_many(
    paths: Iterable[str],
    *,
    published: str | None = None,
    workers: int = 1,
    attribution_model: AttributionArg = None,
) -> Iterator[Record | ErrorRecord]:
    """Analyse files, directories and JSONL files; yields one result per document, in order.
    ``attribution_model`` as for ``analyze``."""
    from .ingest import iter_documents
    from .pipeline import analyze_documents

    yield from analyze_documents(
        iter_documents(list(paths), published=published),
        workers=workers,
        attribution=attribution_model,
    )
