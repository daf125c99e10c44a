"""Shared fixtures. Every Record the suite builds in-process is validated against the schema."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SCHEMA_PATH = ROOT / "docs" / "record.schema.json"


@pytest.fixture(scope="session")
def record_validator() -> Any:
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def assert_offsets(record: dict[str, Any]) -> None:
    """Every span in the record satisfies text[start:end] == span.text."""
    text = record["text"]

    def check(span: dict[str, Any] | None) -> None:
        if span is None:
            return
        assert 0 <= span["start"] <= span["end"] <= len(text), span
        assert text[span["start"] : span["end"]] == span["text"], span

    for span in record["body"]:
        check(span)
    for quote in record["quotes"]:
        for key in ("content", "cue", "source"):
            check(quote[key])
        for part in quote["content_parts"]:
            check(part)
    for entity in record["entities"]:
        for mention in entity["mentions"]:
            check(mention)
    for claim in record["claims"]:
        check(claim["span"])
    for date in record["dates"]:
        check(date["span"])
    for term in record["framing"]:
        check(term["span"])


@pytest.fixture(autouse=True)
def _validate_every_record(
    monkeypatch: pytest.MonkeyPatch, record_validator: Any
) -> Iterator[None]:
    """Wrap record building so each record made during a test is schema-checked at teardown."""
    from onrecord import pipeline

    built: list[Any] = []
    original = pipeline.build_record

    def recording(*args: Any, **kwargs: Any) -> Any:
        record = original(*args, **kwargs)
        built.append(record)
        return record

    monkeypatch.setattr(pipeline, "build_record", recording)
    yield
    for record in built:
        data = json.loads(record.to_json())
        errors = sorted(record_validator.iter_errors(data), key=lambda e: list(e.path))
        assert not errors, f"record {record.id} violates the schema: {errors[0].message}"
        assert_offsets(data)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "data" / "polnear").is_dir():
        pytest.skip("../shared/data/polnear is absent: PolNeAR-based tests skip")
    return SHARED
