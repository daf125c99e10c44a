"""WARC input: the HTML pages a web archive holds, one document per ``response`` record.

Crawlers (wget, Heritrix, browsertrix, Common Crawl) write WARC files, plain or as
``.warc.gz`` with one gzip member per record. Only ``response`` records with status
200 and an HTML payload are articles; every other record (requests, metadata,
revisits, images, PDFs, redirects, 404s) is skipped without an error, since an
archive is full of them. A record that is cut short or does not parse yields one
``ErrorRecord`` naming the file and the record's offset, and reading goes on at the
next record that parses.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..errors import EmptyInput, InputError, OnrecordError, TooLarge
from ..types import Document, ErrorInfo, ErrorRecord
from .dates import normalise_published
from .decode import declared_html_charset, decode_bytes
from .documents import html_document
from .files import WARC_SUFFIXES, ensure_exists
from .html import looks_like_html

__all__ = ["WARC_SUFFIXES", "iter_warc", "is_warc"]

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/"
_CHUNK = 1 << 16


class CorruptRecord(InputError):
    code = "malformed"


@dataclass(frozen=True, slots=True)
class _Where:
    """Names used in ids, sources and messages for one WARC file."""

    source: str
    name: str

    def record_source(self, offset: int) -> str:
        return f"{self.source}@{offset}"

    def error(self, offset: int, exc: OnrecordError, *, id: str | None = None) -> ErrorRecord:
        """An error for the record at ``offset``; ``id`` is the page's URI when it is known."""
        return ErrorRecord(
            id=id or f"{self.name}@{offset}",
            source=self.record_source(offset),
            error=ErrorInfo(code=exc.code, message=exc.message),
        )


def is_warc(path: Path | str) -> bool:
    """True for a ``.warc`` or ``.warc.gz`` file name (any case)."""
    return str(path).lower().endswith(WARC_SUFFIXES)


def media_type(content_type: str | None) -> str:
    """``text/html`` for ``text/html; charset=utf-8``; empty when there is none."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def header_charset(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header, lower case, if any."""
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'").lower()
    return None


def decode_html(data: bytes, *, name: str, content_type: str | None) -> str:
    """Decode an HTML payload: the HTTP charset first, then the page's ``<meta>`` charset."""
    declared = header_charset(content_type) or declared_html_charset(data)
    return decode_bytes(data, name=name, declared=declared)


def _is_html_response(record: Any) -> bool:
    if record.rec_type != "response" or record.http_headers is None:
        return False
    if record.http_headers.get_statuscode() != "200":
        return False
    kind = media_type(record.http_headers.get_header("Content-Type"))
    # A page served without a Content-Type is read when it looks like HTML (checked later).
    return kind in HTML_TYPES or kind == ""


def _read_payload(record: Any, *, where: str, max_bytes: int) -> bytes:
    """The decoded HTTP payload; ``TooLarge`` when it is over the cap."""
    data = bytes(record.content_stream().read(max_bytes + 1))
    if len(data) > max_bytes:
        raise TooLarge(
            f"{where}: payload over the limit of {max_bytes} bytes; "
            "raise it with ONRECORD_MAX_BYTES",
            document=where,
        )
    return data


def _check_complete(record: Any, where: str, offset: int) -> None:
    """Raise ``CorruptRecord`` when the file ends inside the record.

    warcio hands over a short record silently; what gives it away is a record without
    a Content-Length value (its headers were cut) or bytes announced but never delivered.
    """
    declared = record.rec_headers.get_header("Content-Length") or ""
    if record.length is None or not declared.strip().isdigit():
        raise CorruptRecord(
            f"{where}: truncated WARC record at offset {offset} (no Content-Length)",
            document=where,
        )
    raw = record.raw_stream
    while raw.read(_CHUNK):
        pass
    missing = getattr(raw, "limit", 0)
    if isinstance(missing, int) and missing > 0:
        raise CorruptRecord(
            f"{where}: truncated WARC record at offset {offset} ({missing} bytes missing)",
            document=where,
        )


def _target_uri(record: Any) -> str | None:
    return (record.rec_headers.get_header("WARC-Target-URI") or "").strip() or None


def _document(record: Any, data: bytes, *, where: str, default_published: str | None) -> Document:
    headers = record.rec_headers
    uri = _target_uri(record)
    content_type = record.http_headers.get_header("Content-Type")
    html = decode_html(data, name=where, content_type=content_type)
    if not media_type(content_type) and not looks_like_html(html):
        raise InputError(f"{where}: not HTML", document=where)
    # The capture date stands in for the publication date when the page states none.
    captured = headers.get_header("WARC-Date")
    return html_document(
        html,
        # The URI names the page wherever the archive is kept; a capture without one
        # falls back to a hash of the text (html_document's default).
        id=uri,
        source=where,
        default_published=normalise_published(captured) or default_published,
        url=uri,
    )


def _resync(fh: IO[bytes], start: int, gzipped: bool) -> int | None:
    """The offset of the next record that may parse after ``start``, or None at the end.

    A ``.warc.gz`` file holds one gzip member per record, so the next member header is
    the next record; a plain WARC's records start with a ``WARC/`` version line.
    """
    magic = _GZIP_MAGIC if gzipped else b"\n" + _WARC_MAGIC
    skip = 0 if gzipped else 1
    position = start + 1
    fh.seek(position)
    tail = b""
    while True:
        chunk = fh.read(_CHUNK)
        if not chunk:
            return None
        window = tail + chunk
        found = window.find(magic)
        if found >= 0:
            return position - len(tail) + found + skip
        tail = window[-(len(magic) - 1) :]
        position += len(chunk)


def _is_gzipped(fh: IO[bytes]) -> bool:
    fh.seek(0)
    gzipped = fh.read(len(_GZIP_MAGIC)) == _GZIP_MAGIC
    fh.seek(0)
    return gzipped


def _records(
    fh: IO[bytes], where: _Where, *, max_bytes: int, default_published: str | None
) -> Iterator[Document | ErrorRecord]:
    """Documents and errors from the records of an open WARC file, resyncing after a bad one."""
    from warcio.archiveiterator import ArchiveIterator

    gzipped = _is_gzipped(fh)
    end = fh.seek(0, io.SEEK_END)
    start: int | None = 0
    reported = False  # one error per damaged stretch, not one per resync attempt
    while start is not None:
        fh.seek(start)
        records = ArchiveIterator(fh)
        # warcio prints a warning of its own on a bad Content-Length; the error record says it.
        records.INC_RECORD = ""
        try:
            for record in records:
                item = _one(record, where, records.offset, max_bytes, default_published)
                reported = False
                if item is not None:
                    yield item
            if records.offset < end:
                # warcio stops quietly when the file ends inside a record's headers.
                source = where.record_source(records.offset)
                raise CorruptRecord(
                    f"{source}: truncated WARC record at offset {records.offset}",
                    document=source,
                )
            return
        except Exception as exc:
            # The iterator's offset is the start of the record that failed: the one being
            # read, or the next one when its headers did not parse.
            offset = records.offset
            if not reported:
                yield where.error(offset, _corrupt(where, offset, exc))
                reported = True
            start = _resync(fh, offset, gzipped)


def _corrupt(where: _Where, offset: int, exc: Exception) -> OnrecordError:
    from warcio.exceptions import ArchiveLoadFailed

    if isinstance(exc, OnrecordError):
        return exc
    if isinstance(exc, zlib.error | EOFError):
        detail = "damaged gzip data"
    elif isinstance(exc, ArchiveLoadFailed):
        detail = " ".join(str(exc).split())[:120]
    else:
        # warcio fails with AttributeError and the like on headers it cannot read,
        # e.g. a response without a WARC-Target-URI.
        detail = "unreadable record headers"
    source = where.record_source(offset)
    return CorruptRecord(
        f"{source}: corrupt or truncated WARC record at offset {offset} ({detail})",
        document=source,
    )


def _one(
    record: Any, where: _Where, offset: int, max_bytes: int, default_published: str | None
) -> Document | ErrorRecord | None:
    """A document for an HTML page, an error for a page that fails, None for other records.

    Raises ``CorruptRecord`` for a record cut short, whatever its type.
    """
    source = where.record_source(offset)
    page = _is_html_response(record)
    data, too_large = b"", None
    if page:
        try:
            data = _read_payload(record, where=source, max_bytes=max_bytes)
        except TooLarge as exc:
            too_large = exc
    _check_complete(record, source, offset)
    if not page:
        return None
    uri = _target_uri(record)
    if too_large is not None:
        return where.error(offset, too_large, id=uri)
    try:
        return _document(record, data, where=source, default_published=default_published)
    except Exception as exc:
        # The record was read whole: the page fails, the file goes on.
        return where.error(offset, _page_error(source, exc), id=uri)


def _page_error(source: str, exc: Exception) -> OnrecordError:
    if isinstance(exc, OnrecordError):
        return exc
    detail = " ".join(str(exc).split())[:120] or type(exc).__name__
    return InputError(f"{source}: could not be read ({detail})", document=source)


def iter_warc(
    path: Path, *, source: str, name: str, max_bytes: int, default_published: str | None
) -> Iterator[Document | ErrorRecord]:
    """One ``Document`` per HTML page in a WARC file, and an ``ErrorRecord`` per bad record.

    ``max_bytes`` caps each page, not the file: archives are large and stream.
    """
    if ensure_exists(path, source).st_size == 0:
        exc = EmptyInput(f"{source}: empty file", document=source)
        yield ErrorRecord(
            id=name, source=source, error=ErrorInfo(code=exc.code, message=exc.message)
        )
        return
    where = _Where(source=source, name=name)
    with path.open("rb") as raw:
        # Resyncing after a damaged record needs seeking; a pipe is read into memory.
        fh: IO[bytes] = raw if raw.seekable() else io.BytesIO(raw.read())
        yield from _records(fh, where, max_bytes=max_bytes, default_published=default_published)
