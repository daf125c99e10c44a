"""Ingestion: bytes and files -> :class:`onrecord.types.Document`.

Public functions (the rest of onrecord calls only these):

- ``iter_documents(paths, *, published=None, max_bytes=None)``: yields a
  ``Document`` or an ``ErrorRecord`` per input document, in input order.
- ``document_from_text(text, *, id=None, source="<text>", ...)``
- ``document_from_path(path, *, published=None, max_bytes=None)``: one file
  (``.txt``/``.html``); JSONL and directories go through ``iter_documents``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence

from ..types import Document, ErrorRecord

__all__ = ["iter_documents", "document_from_text", "document_from_path", "content_id"]


def content_id(text: str) -> str:
    return "sha1-" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def document_from_text(
    text: str,
    *,
    id: str | None = None,
    source: str = "<text>",
    published: str | None = None,
    title: str | None = None,
    outlet: str | None = None,
    url: str | None = None,
) -> Document:
    return Document(
        id=id or content_id(text),
        source=source,
        text=text,
        body=[(0, len(text))],
        title=title,
        outlet=outlet,
        url=url,
        published=published,
    )


def document_from_path(
    path: str, *, published: str | None = None, max_bytes: int | None = None
) -> Document:
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    return document_from_text(text, id=path.rsplit("/", 1)[-1], source=path, published=published)


def iter_documents(
    paths: Sequence[str], *, published: str | None = None, max_bytes: int | None = None
) -> Iterator[Document | ErrorRecord]:
    for path in paths:
        yield document_from_path(path, published=published, max_bytes=max_bytes)
