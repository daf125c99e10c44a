"""Speaker resolution (stub; being written)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..types import Entity

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from .quotes import Attribution


@dataclass(slots=True)
class ResolvedSpeaker:
    id: str
    name: str
    type: str


@dataclass(slots=True)
class Resolution:
    speakers: list[ResolvedSpeaker | None] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)


def resolve_speakers(doc: Doc, attributions: list[Attribution]) -> Resolution:
    return Resolution(speakers=[None] * len(attributions), entities=[])
