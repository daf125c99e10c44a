"""The REST API on a small corpus (tests/web/conftest.py): every endpoint, pages, filters,
errors, limits and security headers."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import BREAKOUT, HOSTILE_SPEAKER, SCRIPT


def test_articles_lists_every_article(client: Any) -> None:
    response = client.get("/api/articles")
    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 10
    assert data["next"] is None
    dates = [a["published"] for a in data["items"]]
    assert dates == sorted(dates, reverse=True)
