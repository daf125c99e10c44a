"""Syndication: copies and near-copies of one article across outlets."""

from __future__ import annotations

#: Statements of the ``syndication`` migration.
SCHEMA: list[str] = []
