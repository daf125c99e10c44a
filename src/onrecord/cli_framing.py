"""The framing commands: ``onrecord framing ARTICLE`` (narrator terms vs quoted terms of one
article) and ``onrecord terms`` (per-outlet distinctive narrator-voice terms, weighted
log-odds with an informative Dirichlet prior). ``register(app)`` adds them.

Scaffold: being written.
"""

from __future__ import annotations

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the framing commands to ``app`` (none yet)."""
    return None
