"""JSONL input: one document per line, ``{"id", "text"|"html", "url"?, "published"?, ...}``."""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Protocol

from ..errors import EmptyInput, MalformedInput, OnrecordError, TooLarge
from ..types import Document, ErrorInfo, ErrorRecord
from .dates import normalise_published
from .decode import decode_bytes
from .documents import html_document, text_document
from .files import ensure_exists

__all__ = ["iter_jsonl"]

_OPTIONAL_STRINGS = ("url", "outlet", "title")


class _Build(Protocol):
    def __call__(
        self,
        content: str,
        /,
        *,
        id: str | None,
        source: str,
        published: str | None,
        default_published: str | None,
        title: str | None,
        outlet: str | None,
        url: str | None,
    ) -> Document: ...


def _capped_lines(fh: IO[bytes], max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) per line; None for a line over the cap, which is skipped unread."""
    limit = max_bytes + 1
    number = 0
    while True:
        chunk = fh.readline(limit)
        if not chunk:
            return
        number += 1
        if len(chunk) == limit and not chunk.endswith(b"\n"):
            while chunk and not chunk.endswith(b"\n"):
                chunk = fh.readline(limit)
            yield number, None
        else:
            yield number, chunk


def _error(id: str, source: str, exc: OnrecordError) -> ErrorRecord:
    return ErrorRecord(id=id, source=source, error=ErrorInfo(code=exc.code, message=exc.message))


def _parse(raw: bytes, source: str) -> dict[str, Any]:
    line = decode_bytes(raw, name=source)
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        raise MalformedInput(
            f"{source}: not valid JSON ({exc.msg} at column {exc.colno})", document=source
        ) from None
    if not isinstance(value, dict):
        raise MalformedInput(
            f"{source}: expected a JSON object, got {type(value).__name__}", document=source
        )
    return value


def _identifier(value: dict[str, Any], source: str) -> str | None:
    raw = value.get("id")
    if raw is None or raw == "":
        return None
    # bool is an int subclass, and true/false make poor ids.
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise MalformedInput(f'{source}: "id" must be a string or a number', document=source)
    return str(raw)


def _document(
    value: dict[str, Any], *, id: str | None, source: str, default_published: str | None
) -> Document:
    fields: dict[str, str | None] = {}
    for name in _OPTIONAL_STRINGS:
        field = value.get(name)
        if field is not None and not isinstance(field, str):
            raise MalformedInput(f'{source}: "{name}" must be a string', document=source)
        fields[name] = field or None
    published = value.get("published")
    if published is not None and published != "":
        fields["published"] = normalise_published(published)
        if fields["published"] is None:
            raise MalformedInput(
                f'{source}: "published" must be a date as YYYY-MM-DD, got {published!r}',
                document=source,
            )
    text, html = value.get("text"), value.get("html")
    # "text" wins when a line has both: it is what the producer chose to keep.
    build: _Build
    if isinstance(text, str):
        build = text_document
    elif isinstance(html, str):
        build, text = html_document, html
    else:
        raise MalformedInput(f'{source}: needs a "text" or "html" string', document=source)
    return build(
        text,
        id=id,
        source=source,
        published=fields.get("published"),
        default_published=default_published,
        title=fields["title"],
        outlet=fields["outlet"],
        url=fields["url"],
    )


def iter_jsonl(
    path: Path, *, source: str, name: str, max_bytes: int, default_published: str | None
) -> Iterator[Document | ErrorRecord]:
    """One ``Document`` or ``ErrorRecord`` per non-blank line of a JSONL file.

    A bad line yields an error naming ``source:line`` and the file goes on.
    ``max_bytes`` caps each line (one document), not the file, so big corpora stream.
    """
    ensure_exists(path, source)
    seen = False
    with path.open("rb") as fh:
        for number, raw in _capped_lines(fh, max_bytes):
            line_source, line_id = f"{source}:{number}", f"{name}:{number}"
            if raw is None:
                seen = True
                yield _error(
                    line_id,
                    line_source,
                    TooLarge(f"{line_source}: line over the limit of {max_bytes} bytes"),
                )
                continue
            if number == 1:
                raw = raw.removeprefix(codecs.BOM_UTF8)
            if not raw.strip():
                continue
            seen = True
            doc_id: str | None = None
            item: Document | ErrorRecord
            try:
                value = _parse(raw, line_source)
                doc_id = _identifier(value, line_source)
                item = _document(
                    value, id=doc_id, source=line_source, default_published=default_published
                )
            except OnrecordError as exc:
                item = _error(doc_id or line_id, line_source, exc)
            yield item
    if not seen:
        yield _error(name, source, EmptyInput(f"{source}: empty (no JSON lines)"))
