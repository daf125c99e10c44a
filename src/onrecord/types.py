"""The output contract of ``onrecord analyze`` as typed models.

These models are the one source of truth for the record: the JSON Schema in
``docs/record.schema.json`` is generated from them (``onrecord schema``), the
store and exports read them, and a test validates every record the test suite
produces against that schema. Fields are only ever added, never renamed or
dropped (see docs/OUTPUT_CONTRACT.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AssertedBy",
    "Check",
    "Claim",
    "DateRef",
    "Document",
    "Entity",
    "ErrorInfo",
    "ErrorRecord",
    "Quote",
    "Record",
    "Span",
    "Speaker",
    "Term",
    "record_json_schema",
]

QuoteKind = Literal["direct", "indirect", "mixed"]
SpeakerType = Literal["PERSON", "ORG", "GPE", "MEDIA", "ANONYMOUS", "GROUP"]
Qualifier = Literal[
    "exact", "at_least", "more_than", "at_most", "less_than", "about", "range", "vague"
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Span(_Model):
    """A range of the record's ``text``: ``text[start:end] == span.text``."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Span:
        return cls(start=start, end=end, text=text[start:end])


class Speaker(_Model):
    entity: str = Field(description="id of an Entity in this record")
    name: str = Field(description="canonical name within the document")
    type: SpeakerType


class Quote(_Model):
    """One attribution: who said what, with which cue."""

    id: str
    kind: QuoteKind
    content: Span = Field(description="what was said; for a direct quote, inside the quote marks")
    content_parts: list[Span] = Field(
        description="the pieces of the content, in order, when the cue interrupts it; else [content]"
    )
    cue: Span | None
    source: Span | None = Field(description="the local mention of the speaker")
    speaker: Speaker | None
    nested_in: str | None
    confidence: float = Field(ge=0.0, le=1.0)


class AssertedBy(_Model):
    entity: str
    name: str


class Claim(_Model):
    """A figure someone asserts."""

    id: str
    span: Span
    value: float | None
    low: float | None
    high: float | None
    qualifier: Qualifier
    unit: str | None
    direction: Literal["up", "down"] | None
    measure: str | None
    event: str | None
    quote: str | None
    asserted_by: AssertedBy | None


class Entity(_Model):
    id: str
    name: str
    type: str
    mentions: list[Span]
    aliases: list[str]
    roles: list[str]


class DateRef(_Model):
    span: Span
    kind: Literal["date", "range", "duration", "time"]
    value: str | None
    end: str | None


class Term(_Model):
    span: Span
    term: str
    category: str
    voice: str | None
    alternatives: list[str]


class Check(_Model):
    claims: list[str]
    verdict: Literal["consistent", "inconsistent", "part_of"]
    note: str


class Record(_Model):
    """What ``onrecord analyze`` writes for one document."""

    id: str = Field(
        description="stable: from the JSONL id, else the file name, else a content hash"
    )
    source: str = Field(description="path or URL")
    title: str | None
    outlet: str | None
    url: str | None
    published: str | None = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    language: str
    text: str
    body: list[Span]
    quotes: list[Quote]
    claims: list[Claim]
    entities: list[Entity]
    dates: list[DateRef]
    framing: list[Term]
    consistency: list[Check]
    pipeline: str = Field(
        default="",
        description="onrecord version, spaCy model and trained attribution model (if any) that made it",
    )

    def to_json(self) -> str:
        return self.model_dump_json()


class ErrorInfo(_Model):
    code: str
    message: str


class ErrorRecord(_Model):
    """The line written for a document that could not be read or analysed."""

    id: str
    source: str
    error: ErrorInfo

    def to_json(self) -> str:
        return self.model_dump_json()


@dataclass(slots=True)
class Document:
    """What ingestion hands to analysis: the text and what is known about it.

    ``body`` holds (start, end) ranges of ``text`` that are article body;
    boilerplate (site chrome, bylines, captions) lies outside them.
    """

    id: str
    source: str
    text: str
    body: list[tuple[int, int]] = field(default_factory=list)
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    language: str = "en"


def record_json_schema() -> dict[str, Any]:
    """JSON Schema of one output line: a Record or an ErrorRecord."""
    record = Record.model_json_schema()
    error = ErrorRecord.model_json_schema()
    defs: dict[str, Any] = {}
    defs.update(record.pop("$defs", {}))
    defs.update(error.pop("$defs", {}))
    defs["Record"] = record
    defs["ErrorRecord"] = error
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://onrecord.invalid/record.schema.json",
        "title": "onrecord analyze output line",
        "oneOf": [{"$ref": "#/$defs/Record"}, {"$ref": "#/$defs/ErrorRecord"}],
        "$defs": defs,
    }


def dump_schema() -> str:
    return json.dumps(record_json_schema(), indent=2, sort_keys=True) + "\n"
