"""JSONL input: one document per line, bad lines reported and skipped."""

from __future__ import annotations

import json
from pathlib import Path

from onrecord.ingest import content_id, iter_documents
from onrecord.types import Document, ErrorRecord

HTML = (
    "<html><head><title>Storm</title><meta property='og:site_name' content='Coast News'></head>"
    "<body><nav>Home | World | Sport</nav><article>"
    "<p>The storm flooded the lower town on Tuesday night, the mayor said.</p>"
    "<p>Hundreds of residents spent the night in the sports hall.</p>"
    "</article></body></html>"
)


def write_lines(path: Path, lines: list[str]) -> None:
    path.write_bytes("".join(line + "\n" for line in lines).encode("utf-8"))


def test_lines_become_documents_with_their_metadata(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    text = "  Advertisement\r\n\r\nThe ministry said 40 people had died.  "
    write_lines(
        path,
        [
            json.dumps(
                {
                    "id": 7,
                    "text": text,
                    "url": "https://n.example/7",
                    "published": "2024-03-05T08:00:00Z",
                    "outlet": "Wire",
                    "title": "Deaths",
                }
            ),
            json.dumps({"html": HTML, "url": "https://c.example/storm"}),
        ],
    )
    first, second = list(iter_documents([str(path)], published="2024-01-01"))
    assert isinstance(first, Document) and isinstance(second, Document)
    assert first.id == "7"
    assert first.text == text  # unchanged, whitespace and \r\n included
    assert first.source == f"{path}:1"
    assert (first.url, first.published, first.outlet, first.title) == (
        "https://n.example/7",
        "2024-03-05",
        "Wire",
        "Deaths",
    )
    assert [text[s:e] for s, e in first.body] == ["The ministry said 40 people had died."]
    assert second.source == f"{path}:2"
    assert second.id == content_id(second.text)
    assert "Home" not in second.text and "flooded the lower town" in second.text
    assert (second.outlet, second.url, second.published) == (
        "Coast News",
        "https://c.example/storm",
        "2024-01-01",
    )


def test_a_malformed_line_is_reported_and_the_file_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    write_lines(
        path,
        [
            json.dumps({"id": "a", "text": "First."}),
            '{"id": "b", "text": ',
            "",
            "[1, 2]",
            json.dumps({"id": "c"}),
            json.dumps({"id": "d", "text": "Fourth.", "published": "yesterday"}),
            json.dumps({"id": "e", "text": "Fifth.", "title": 5}),
            json.dumps({"id": "f", "text": " "}),
            json.dumps({"id": "g", "text": "Last."}),
        ],
    )
    items = list(iter_documents([str(path)]))
    assert [(type(i).__name__, i.id) for i in items] == [
        ("Document", "a"),
        ("ErrorRecord", "batch.jsonl:2"),
        ("ErrorRecord", "batch.jsonl:4"),
        ("ErrorRecord", "c"),
        ("ErrorRecord", "d"),
        ("ErrorRecord", "e"),
        ("ErrorRecord", "f"),
        ("Document", "g"),
    ]
    errors = [item for item in items if isinstance(item, ErrorRecord)]
    assert [e.error.code for e in errors] == [
        "malformed",
        "malformed",
        "malformed",
        "malformed",
        "malformed",
        "empty",
    ]
    assert errors[0].source == f"{path}:2"
    assert errors[0].error.message.startswith(f"{path}:2: not valid JSON")
    assert '"text" or "html"' in errors[2].error.message
    assert "YYYY-MM-DD" in errors[3].error.message


def test_a_line_over_the_cap_is_skipped_without_reading_it_whole(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    write_lines(
        path,
        [
            json.dumps({"id": "small", "text": "Short."}),
            json.dumps({"id": "huge", "text": "x" * 500}),
            json.dumps({"id": "after", "text": "Still read."}),
        ],
    )
    items = list(iter_documents([str(path)], max_bytes=100))
    assert [(type(i).__name__, i.id) for i in items] == [
        ("Document", "small"),
        ("ErrorRecord", "big.jsonl:2"),
        ("Document", "after"),
    ]
    assert isinstance(items[1], ErrorRecord) and items[1].error.code == "too_large"


def test_bom_crlf_and_legacy_bytes_in_a_line(tmp_path: Path) -> None:
    path = tmp_path / "win.jsonl"
    line = '{"id": "q", "text": "He said \u201cno\u201d."}\r\n'
    path.write_bytes(b"\xef\xbb\xbf" + line.encode("cp1252"))
    (document,) = list(iter_documents([str(path)]))
    assert isinstance(document, Document)
    assert document.text == "He said \u201cno\u201d."


def test_empty_and_missing_jsonl_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    items = list(iter_documents([str(empty), str(tmp_path / "gone.jsonl")]))
    assert [(i.id, i.error.code) for i in items if isinstance(i, ErrorRecord)] == [
        ("empty.jsonl", "empty"),
        ("gone.jsonl", "missing"),
    ]
    assert len(items) == 2


def test_jsonl_in_a_directory(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    write_lines(tmp_path / "sub" / "b.jsonl", [json.dumps({"text": "From jsonl."})])
    (tmp_path / "a.txt").write_text("From txt.", encoding="utf-8")
    items = list(iter_documents([str(tmp_path)]))
    assert [i.text for i in items if isinstance(i, Document)] == ["From txt.", "From jsonl."]
    assert items[1].source == str(tmp_path / "sub" / "b.jsonl") + ":1"
