"""The ``figures``-related corpus commands. ``register(app)`` adds them to the ``onrecord`` app."""

from __future__ import annotations

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    del app
