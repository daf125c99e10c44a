"""Entities across articles: one person or body across spellings and transliterations."""

from __future__ import annotations

#: Statements of the ``corpus_entities`` migration.
SCHEMA: list[str] = []
