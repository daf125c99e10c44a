"""Ingestion: bytes and files -> :class:`onrecord.types.Document`.

Public functions (the rest of onrecord calls only these):

- ``iter_documents(paths, *, published=None, max_bytes=None)``: yields a
  ``Document`` or an ``ErrorRecord`` per input document, in input order. A path
  is a ``.txt``, ``.html``/``.htm``, ``.jsonl`` or ``.warc``/``.warc.gz`` file,
  a directory of those (recursive, in path order), ``-`` for standard input, or an
  ``http(s)://`` URL of a page or an RSS/Atom feed (see ``web.py``).
- ``document_from_text(text, *, id=None, source="<text>", ...)``
- ``document_from_html(html, *, id=None, source="<html>", ...)``
- ``document_from_path(path, *, published=None, max_bytes=None)``: one file
  (``.txt``/``.html``) or ``-``; JSONL and directories go through ``iter_documents``.
- ``content_id(text)``: the id of a text that has no other name.

Text from ``.txt`` files and JSONL ``text`` fields is kept character for
character (only a byte-order mark is dropped), so offsets are offsets into the
file. ``Document.body`` holds the article paragraphs (see ``body.find_body``).
``published`` arguments are the date for documents that carry none.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..errors import InputError, OnrecordError
from ..settings import get_settings
from ..types import Document, ErrorInfo, ErrorRecord
from .body import find_body
from .dates import check_published
from .decode import declared_html_charset, decode_bytes
from .documents import content_id, html_document, text_document
from .files import (
    DOCUMENT_SUFFIXES,
    STDIN,
    ensure_exists,
    read_capped,
    read_stdin,
    unsupported,
    walk_directory,
)
from .html import looks_like_html
from .jsonl import iter_jsonl
from .sidecar import apply_sidecar
from .warc import is_warc, iter_warc
from .web import Fetcher, is_url, iter_url

__all__ = [
    "content_id",
    "document_from_html",
    "document_from_path",
    "document_from_text",
    "find_body",
    "iter_documents",
]

_STDIN_SOURCE = "<stdin>"
PathArg = str | os.PathLike[str]


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
    """A document of ``text`` exactly as given (blank text gives a document with no body)."""
    return text_document(
        text,
        id=id,
        source=source,
        published=check_published(published),
        title=title,
        outlet=outlet,
        url=url,
        allow_blank=True,
    )


def document_from_html(
    html: str,
    *,
    id: str | None = None,
    source: str = "<html>",
    published: str | None = None,
    title: str | None = None,
    outlet: str | None = None,
    url: str | None = None,
) -> Document:
    """A document of the article in ``html``; the arguments win over the page's metadata."""
    return html_document(
        html,
        id=id,
        source=source,
        published=check_published(published),
        title=title,
        outlet=outlet,
        url=url,
    )


def _max_bytes(max_bytes: int | None) -> int:
    return get_settings().max_bytes if max_bytes is None else max_bytes


def _stdin_document(default_published: str | None, max_bytes: int) -> Document:
    data = read_stdin(max_bytes=max_bytes, source=_STDIN_SOURCE)
    text = decode_bytes(data, name=_STDIN_SOURCE, declared=declared_html_charset(data))
    build = html_document if looks_like_html(text) else text_document
    return build(text, id=None, source=_STDIN_SOURCE, default_published=default_published)


def _file_document(
    path: Path, *, source: str, name: str, default_published: str | None, max_bytes: int
) -> Document:
    ensure_exists(path, source)
    suffix = path.suffix.lower()
    if suffix not in DOCUMENT_SUFFIXES:
        raise unsupported(path, source)
    data = read_capped(path, source=source, max_bytes=max_bytes)
    if suffix == ".txt":
        text = decode_bytes(data, name=source)
        return text_document(text, id=name, source=source, default_published=default_published)
    html = decode_bytes(data, name=source, declared=declared_html_charset(data))
    return html_document(html, id=name, source=source, default_published=default_published)


def document_from_path(
    path: PathArg, *, published: str | None = None, max_bytes: int | None = None
) -> Document:
    """One ``.txt``/``.html``/``.htm`` file, or ``-`` for standard input.

    ``published`` is the date when the document carries none; files over
    ``max_bytes`` (default: settings) are refused. Raises an ``OnrecordError``
    subclass (``MissingPath``, ``EmptyInput``, ``BinaryInput``, ``TooLarge``,
    ``InputError``) with a one-line message naming the file.
    """
    given = os.fspath(path)
    default_published = check_published(published)
    limit = _max_bytes(max_bytes)
    if given == STDIN:
        return _stdin_document(default_published, limit)
    if is_url(given):
        raise InputError(f"{given}: URLs are fetched by iter_documents")
    file = Path(given)
    if file.is_dir():
        raise InputError(f"{given}: is a directory; read directories with iter_documents")
    if file.suffix.lower() == ".jsonl" or is_warc(file):
        raise InputError(f"{given}: the file holds many documents; read it with iter_documents")
    return _file_document(
        file, source=given, name=file.name, default_published=default_published, max_bytes=limit
    )


def _error_record(id: str, source: str, exc: Exception) -> ErrorRecord:
    if isinstance(exc, OnrecordError):
        code, message = exc.code, exc.message
    elif isinstance(exc, OSError):
        code, message = InputError.code, f"{source}: cannot read ({exc.strerror or exc})"
    else:
        # Whatever went wrong, one document must not stop the batch or print a traceback.
        detail = " ".join(str(exc).split()) or type(exc).__name__
        code, message = InputError.code, f"{source}: could not be read ({detail})"
    return ErrorRecord(id=id, source=source, error=ErrorInfo(code=code, message=message))


def _iter_file(
    path: Path,
    *,
    source: str,
    name: str,
    default_published: str | None,
    max_bytes: int,
    folder: Path | None = None,
) -> Iterator[Document | ErrorRecord]:
    if path.suffix.lower() == ".jsonl" or is_warc(path):
        read = iter_warc if is_warc(path) else iter_jsonl
        try:
            yield from read(
                path,
                source=source,
                name=name,
                max_bytes=max_bytes,
                default_published=default_published,
            )
        except Exception as exc:
            yield _error_record(name, source, exc)
        return
    item: Document | ErrorRecord
    try:
        document = _file_document(
            path, source=source, name=name, default_published=None, max_bytes=max_bytes
        )
        item = apply_sidecar(
            document, folder or path.parent, name if folder else path.name, default_published
        )
    except Exception as exc:
        item = _error_record(name, source, exc)
    yield item


def _iter_path(
    given: str, default_published: str | None, max_bytes: int, fetcher: Fetcher
) -> Iterator[Document | ErrorRecord]:
    if is_url(given):
        yield from iter_url(
            given, fetcher, max_bytes=max_bytes, default_published=default_published
        )
        return
    if given == STDIN:
        item: Document | ErrorRecord
        try:
            item = _stdin_document(default_published, max_bytes)
        except Exception as exc:
            item = _error_record(_STDIN_SOURCE, _STDIN_SOURCE, exc)
        yield item
        return
    if not given:
        yield ErrorRecord(
            id="<empty path>",
            source=given,
            error=ErrorInfo(code="missing", message="an empty path names no file"),
        )
        return
    root = Path(given)
    if not root.is_dir():
        yield from _iter_file(
            root,
            source=given,
            name=root.name or given,
            default_published=default_published,
            max_bytes=max_bytes,
        )
        return
    try:
        files = walk_directory(root)
    except OSError as exc:
        yield _error_record(root.name or given, given, exc)
        return
    if not files:
        yield ErrorRecord(
            id=root.name or given,
            source=given,
            error=ErrorInfo(
                code="empty", message=f"{given}: no .txt, .html, .htm, .jsonl or .warc files"
            ),
        )
    for file in files:
        relative = file.relative_to(root)
        # Ids are relative to the directory given, so files of the same name in
        # different folders stay apart.
        yield from _iter_file(
            file,
            source=os.path.join(given, *relative.parts),
            name=relative.as_posix(),
            default_published=default_published,
            max_bytes=max_bytes,
            folder=root,
        )


def iter_documents(
    paths: Sequence[PathArg] | PathArg,
    *,
    published: str | None = None,
    max_bytes: int | None = None,
) -> Iterator[Document | ErrorRecord]:
    """A ``Document`` or an ``ErrorRecord`` per input document, in input order.

    A document that cannot be read yields an ``ErrorRecord`` and the batch goes
    on; only an invalid ``published`` argument raises ``InputError``.
    """
    default_published = check_published(published, what="--published")
    limit = _max_bytes(max_bytes)
    items = [paths] if isinstance(paths, str | os.PathLike) else paths
    # One client for the whole batch, so robots.txt and the per-host pace carry over.
    with Fetcher() as fetcher:
        for path in items:
            yield from _iter_path(os.fspath(path), default_published, limit, fetcher)
