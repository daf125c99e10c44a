"""Bytes -> str for article files: UTF-8 first, then the legacy encodings news files use."""

from __future__ import annotations

import codecs
import re

from ..errors import BinaryInput

__all__ = ["decode_bytes", "declared_html_charset"]

# How much of a file the binary check looks at: enough to catch any real binary format.
_SNIFF_BYTES = 64 * 1024
# Control bytes that plain text does carry: tab, line feed, vertical tab, form feed, carriage
# return, and ESC (terminal colour codes in pasted logs).
_TEXT_CONTROLS = frozenset(b"\t\n\x0b\x0c\r\x1b")
_CONTROLS = frozenset(range(0x20)) - _TEXT_CONTROLS | {0x7F}
_MAX_CONTROL_SHARE = 0.05
# charset-normalizer's own threshold for "this decoding looks like text".
_MAX_MESS = 0.2

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Browsers read these labels as windows-1252 (WHATWG Encoding Standard), and so do we.
_WINDOWS_1252_ALIASES = frozenset(
    {"ascii", "us-ascii", "iso-8859-1", "iso8859-1", "latin-1", "latin1"}
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)


def _check_binary(data: bytes, name: str) -> None:
    sample = data[:_SNIFF_BYTES]
    if b"\x00" in sample:
        raise BinaryInput(f"{name}: binary data, not text (NUL bytes)", document=name)
    controls = sum(1 for byte in sample if byte in _CONTROLS)
    if sample and controls / len(sample) > _MAX_CONTROL_SHARE:
        raise BinaryInput(
            f"{name}: binary data, not text ({controls} control bytes in the first {len(sample)})",
            document=name,
        )


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _mess(text: str) -> float:
    from charset_normalizer.md import mess_ratio

    # A sample is enough to tell text from mojibake, and the measure is slow on megabytes.
    return float(mess_ratio(text[:_SNIFF_BYTES], _MAX_MESS + 0.01))


def declared_html_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a ``<meta>`` tag near its start, if any."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def decode_bytes(data: bytes, *, name: str, declared: str | None = None) -> str:
    """Decode a file's bytes, keeping every character (only a byte-order mark is dropped).

    Order: a byte-order mark; strict UTF-8; the ``declared`` charset (an HTML
    ``<meta charset>``); windows-1252 when the result reads as text (it covers
    latin-1 and the curly quotes Word writes); charset-normalizer's best guess.
    Raises ``BinaryInput`` for binary data or bytes no encoding reads as text.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom) :], encoding)
            if text is not None:
                return text
            break
    _check_binary(data, name)
    text = _strict(data, "utf-8")
    if text is not None:
        return text
    if declared:
        label = "cp1252" if declared in _WINDOWS_1252_ALIASES else declared
        text = _strict(data, label)
        if text is not None:
            return text
    text = _strict(data, "cp1252")
    if text is not None and _mess(text) < _MAX_MESS:
        return text
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    raise BinaryInput(f"{name}: not UTF-8 text and not a known encoding", document=name)
