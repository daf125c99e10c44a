"""The ``serve`` command: the web UI and REST API. ``register(app)`` adds it to the ``onrecord`` app."""

from __future__ import annotations

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    del app
