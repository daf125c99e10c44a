"""spaCy components of onrecord. Importing this package registers their factories."""

from __future__ import annotations

from . import quotes

__all__ = ["quotes"]
