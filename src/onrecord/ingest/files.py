"""Paths, directories and stdin: where the bytes come from, within the size cap."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from ..errors import EmptyInput, InputError, MissingPath, TooLarge

__all__ = [
    "DOCUMENT_SUFFIXES",
    "STDIN",
    "SUPPORTED_SUFFIXES",
    "WARC_SUFFIXES",
    "ensure_exists",
    "read_capped",
    "read_stdin",
    "unsupported",
    "walk_directory",
]

STDIN = "-"
DOCUMENT_SUFFIXES = (".txt", ".html", ".htm")
# Web archives: many pages per file, read record by record (see warc.py).
WARC_SUFFIXES = (".warc", ".warc.gz")
SUPPORTED_SUFFIXES = (*DOCUMENT_SUFFIXES, ".jsonl", *WARC_SUFFIXES)


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / (1024 * 1024):.1f} MB"


def _too_large(source: str, size: int | None, max_bytes: int) -> TooLarge:
    what = f"{_size(size)}, " if size is not None else ""
    return TooLarge(
        f"{source}: too large ({what}over the limit of {_size(max_bytes)}; "
        "raise it with ONRECORD_MAX_BYTES)",
        document=source,
    )


def unsupported(path: Path, source: str) -> InputError:
    kind = f"'{path.suffix}'" if path.suffix else "without an extension"
    return InputError(
        f"{source}: unsupported file type {kind} (supported: {', '.join(SUPPORTED_SUFFIXES)})",
        document=source,
    )


def _os_error(source: str, exc: OSError) -> InputError:
    return InputError(f"{source}: cannot read ({exc.strerror or exc})", document=source)


def ensure_exists(path: Path, source: str) -> os.stat_result:
    """The file's status; raises ``MissingPath`` when nothing is there."""
    try:
        return path.stat()
    except FileNotFoundError:
        raise MissingPath(f"{source}: no such file or directory", document=source) from None
    except OSError as exc:
        raise _os_error(source, exc) from None


def read_capped(path: Path, *, source: str, max_bytes: int) -> bytes:
    """The whole file, refusing files over ``max_bytes`` before reading them."""
    info = ensure_exists(path, source)
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{source}: is a directory, not a file", document=source)
    if stat.S_ISREG(info.st_mode) and info.st_size > max_bytes:
        raise _too_large(source, info.st_size, max_bytes)
    try:
        with path.open("rb") as fh:
            # One byte more than the cap tells a file that grew (or a pipe) from one that fits.
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise _os_error(source, exc) from None
    if len(data) > max_bytes:
        raise _too_large(source, None, max_bytes)
    if not data:
        raise EmptyInput(f"{source}: empty file", document=source)
    return data


def read_stdin(*, max_bytes: int, source: str = "<stdin>") -> bytes:
    """Standard input as bytes, within the cap."""
    stream = sys.stdin
    if stream is None:
        raise InputError(f"{source}: no standard input", document=source)
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        data = buffer.read(max_bytes + 1)
        raw = data if isinstance(data, bytes) else bytes(data)
    else:
        # A text-only stream (an io.StringIO in a test harness) has no bytes to decode.
        raw = stream.read(max_bytes + 1).encode("utf-8", "surrogatepass")
    if len(raw) > max_bytes:
        raise _too_large(source, None, max_bytes)
    if not raw:
        raise EmptyInput(f"{source}: empty (no input)", document=source)
    return raw


def walk_directory(root: Path) -> list[Path]:
    """Supported files under ``root``, recursively, in path order; hidden files and folders skipped."""
    found: list[tuple[tuple[str, ...], Path]] = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        for name in names:
            if name.startswith(".") or not name.lower().endswith(SUPPORTED_SUFFIXES):
                continue
            path = Path(folder, name)
            found.append((path.relative_to(root).parts, path))
    # Sorting by components rather than joined strings gives one order on every OS,
    # whatever the separator.
    return [path for _, path in sorted(found)]
