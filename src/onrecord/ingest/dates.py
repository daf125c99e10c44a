"""The ``published`` date of a document: ``YYYY-MM-DD`` or nothing."""

from __future__ import annotations

import datetime as dt
import re

from ..errors import InputError

__all__ = ["check_published", "normalise_published"]

# A date, optionally followed by a time (ISO 8601 or the space-separated form feeds use).
_LEADING_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")


def normalise_published(value: object) -> str | None:
    """``YYYY-MM-DD`` for a date or an ISO date-time with a real calendar date, else None."""
    if not isinstance(value, str):
        return None
    match = _LEADING_DATE.fullmatch(value.strip())
    if match is None:
        return None
    try:
        dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None
    return match.group(1)


def check_published(value: str | None, *, what: str = "published") -> str | None:
    """Validate a caller's ``published`` argument; raises ``InputError`` with a readable message."""
    if value is None:
        return None
    date = normalise_published(value)
    if date is None:
        raise InputError(f"{what}: expected a date as YYYY-MM-DD, got {value!r}")
    return date
