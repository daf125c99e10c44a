"""The JSON Schema in docs/ is generated from the types and matches the contract's fields."""

from __future__ import annotations

import json

from onrecord.types import dump_schema
from tests.conftest import ROOT, SCHEMA_PATH

CONTRACT_FIELDS = {
    "Record": {"id", "source", "title", "outlet", "url", "published", "language", "text", "body",
               "quotes", "claims", "entities", "dates", "framing", "consistency"},
    "Quote": {"id", "kind", "content", "content_parts", "cue", "source", "speaker", "nested_in", "confidence"},
    "Claim": {"id", "span", "value", "low", "high", "qualifier", "unit", "direction", "measure",
              "event", "quote", "asserted_by"},
    "Entity": {"id", "name", "type", "mentions", "aliases", "roles"},
    "DateRef": {"span", "kind", "value", "end"},
    "Term": {"span", "term", "category", "voice", "alternatives"},
    "Check": {"claims", "verdict", "note"},
    "Span": {"start", "end", "text"},
    "ErrorRecord": {"id", "source", "error"},
}  # fmt: skip


def test_schema_file_is_up_to_date() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == dump_schema(), (
        "docs/record.schema.json is stale: run `make schema`"
    )


def test_schema_requires_every_contract_field() -> None:
    defs = json.loads(dump_schema())["$defs"]
    for name, fields in CONTRACT_FIELDS.items():
        props = set(defs[name]["properties"])
        assert fields <= props, (name, fields - props)
        assert fields <= set(defs[name].get("required", [])), name


def test_contract_doc_lists_the_schema() -> None:
    assert (ROOT / "docs" / "OUTPUT_CONTRACT.md").is_file()
