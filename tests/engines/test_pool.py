"""The local engine's process pool (``analyze_documents(workers=2)``) against one process.

Workers send each result back as its JSON (``Record.to_json``) and the parent validates
it again; a result that has no JSON form (a lone surrogate) is sent as it is. Either way
the parent must hand out the same records, in input order, as one process does.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from onrecord.ingest import iter_documents
from onrecord.pipeline import analyze_documents
from onrecord.types import Document, ErrorRecord, Record

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "articles"


def _items(tmp_path: Path) -> list[Document | ErrorRecord]:
    rows = []
    for path in sorted(EXAMPLES.glob("*.txt"))[:4]:
        paragraphs = [p for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
        for n in range(0, min(len(paragraphs), 9), 3):
            text = "\n\n".join(paragraphs[n : n + 2]) + "\n"
            rows.append({"id": f"{path.stem}#{n // 3}", "text": text, "outlet": "Example"})
    # a lone surrogate (from a JSON escape): its result has no UTF-8 JSON form
    rows.insert(2, {"id": "lone\ud800", "text": "“It stands \ud800,” said Lena Varga.\n"})
    lines = [json.dumps(row) for row in rows]
    lines.insert(4, '{"id": "broken", "text": ')  # an error record of ingestion
    (tmp_path / "docs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return list(iter_documents([tmp_path / "docs.jsonl"]))


def test_pool_gives_the_records_of_one_process(tmp_path: Path) -> None:
    items = _items(tmp_path)
    one = list(analyze_documents(items, workers=1, batch_size=4))
    two = list(analyze_documents(items, workers=2, batch_size=4))
    assert len(one) == len(two) == len(items)
    assert [type(r) for r in two] == [type(r) for r in one]
    assert any(isinstance(r, ErrorRecord) for r in two)
    assert two == one  # every field, in input order
    lone = next(r for r in two if r.id == "lone\ud800")  # its analysis fails
    with pytest.raises(ValueError):  # and its error record went back pickled
        lone.to_json()
    assert sum(isinstance(r, Record) for r in two) >= 10
    for a, b in zip(one, two, strict=True):
        if a.id != "lone\ud800":
            assert a.to_json() == b.to_json()
