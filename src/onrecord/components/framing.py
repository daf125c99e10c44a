"""Framing by voice: loaded terms in an article, each attributed to the narrator (the
outlet's own voice, ``voice`` null) or to the quote whose content holds it.

Scaffold: the term packs and the matcher are being written (see docs/FRAMING.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..types import Quote, Term

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["find_terms"]


def find_terms(doc: Doc, quotes: list[Quote], body: list[tuple[int, int]]) -> list[Term]:
    """The framing terms of ``doc`` inside ``body``, in text order, with their voice."""
    return []
