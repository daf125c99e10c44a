"""Files, directories and stdin through the public ingest functions."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from onrecord.errors import (
    BinaryInput,
    EmptyInput,
    InputError,
    MissingPath,
    OnrecordError,
    TooLarge,
)
from onrecord.ingest import (
    content_id,
    document_from_path,
    document_from_text,
    iter_documents,
)
from onrecord.types import Document, ErrorRecord

ARTICLE = (
    "Flood kills 40\r\n"
    "\r\n"
    "By Jane Doe\r\n"
    "At least 40 people died, officials said.\r\n"
    "\r\n"
    "Share this article\r\n"
)


def only_documents(items: list[Document | ErrorRecord]) -> list[Document]:
    assert all(isinstance(item, Document) for item in items), items
    return [item for item in items if isinstance(item, Document)]


def only_errors(items: list[Document | ErrorRecord]) -> list[ErrorRecord]:
    assert all(isinstance(item, ErrorRecord) for item in items), items
    return [item for item in items if isinstance(item, ErrorRecord)]


def test_txt_text_is_the_file_character_for_character(tmp_path: Path) -> None:
    path = tmp_path / "article1.txt"
    path.write_bytes(ARTICLE.encode("utf-8"))
    document = document_from_path(str(path))
    assert document.text == ARTICLE
    assert document.text.encode("utf-8") == path.read_bytes()
    assert document.id == "article1.txt"
    assert document.source == str(path)
    assert [document.text[s:e] for s, e in document.body] == [
        "Flood kills 40",
        "At least 40 people died, officials said.",
    ]


def test_txt_in_cp1252_decodes(tmp_path: Path) -> None:
    text = "He said \u201cwe will rebuild\u201d \u2014 and meant it.\r\n"
    path = tmp_path / "smart.txt"
    path.write_bytes(text.encode("cp1252"))
    assert document_from_path(path).text == text


def test_txt_in_latin1_decodes(tmp_path: Path) -> None:
    text = "Le maire de Genève a déclaré que le café était fermé."
    path = tmp_path / "latin.txt"
    path.write_bytes(text.encode("latin-1"))
    assert document_from_path(path).text == text


def test_published_fills_in_a_missing_date_and_is_validated(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Text.", encoding="utf-8")
    assert document_from_path(path, published="2024-03-05").published == "2024-03-05"
    assert document_from_path(path).published is None
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        document_from_path(path, published="5 March")


@pytest.mark.parametrize(
    ("content", "error", "code"),
    [
        (b"", EmptyInput, "empty"),
        (b"  \r\n\t\n", EmptyInput, "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", BinaryInput, "binary"),
    ],
)
def test_bad_files_raise_typed_errors_naming_the_file(
    tmp_path: Path, content: bytes, error: type[OnrecordError], code: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(error) as caught:
        document_from_path(str(path))
    assert caught.value.code == code
    assert caught.value.message.startswith(f"{path}: ")
    assert "\n" not in caught.value.message


def test_over_the_cap_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("x" * 100, encoding="utf-8")
    with pytest.raises(TooLarge, match="too large"):
        document_from_path(str(path), max_bytes=10)
    assert document_from_path(str(path), max_bytes=100).text == "x" * 100


def test_the_cap_defaults_to_the_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONRECORD_MAX_BYTES", "5")
    path = tmp_path / "big.txt"
    path.write_text("123456", encoding="utf-8")
    with pytest.raises(TooLarge):
        document_from_path(path)


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(MissingPath, match="no such file"):
        document_from_path(str(tmp_path / "nope.txt"))


def test_unknown_extension_lists_the_supported_ones(tmp_path: Path) -> None:
    path = tmp_path / "notes.pdf"
    path.write_text("text", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        document_from_path(path)
    assert caught.value.code == "input"
    assert ".txt, .html, .htm, .jsonl" in caught.value.message


def test_document_from_path_sends_jsonl_and_directories_to_iter_documents(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"text": "x"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="iter_documents"):
        document_from_path(tmp_path / "a.jsonl")
    with pytest.raises(InputError, match="iter_documents"):
        document_from_path(tmp_path)


def test_document_from_text_keeps_the_text_and_finds_the_body() -> None:
    text = "Advertisement\n\nThe ministry said 40 people had died."
    document = document_from_text(text, published="2024-01-02", title="T")
    assert document.text == text
    assert document.id == content_id(text)
    assert document.source == "<text>"
    assert [text[s:e] for s, e in document.body] == ["The ministry said 40 people had died."]
    assert (document.published, document.title) == ("2024-01-02", "T")
    blank = document_from_text(" \n ")
    assert (blank.text, blank.body) == (" \n ", [])


def test_directory_is_recursive_sorted_and_ids_are_relative(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    (root / "b" / "deep").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "z.txt").write_text("Zed.", encoding="utf-8")
    (root / "a.txt").write_text("Ay.", encoding="utf-8")
    (root / "b" / "a.txt").write_text("Bee ay.", encoding="utf-8")
    (root / "b" / "deep" / "c.TXT").write_text("Sea.", encoding="utf-8")
    (root / "b" / "notes.md").write_text("skipped", encoding="utf-8")
    (root / ".git" / "x.txt").write_text("hidden", encoding="utf-8")
    documents = only_documents(list(iter_documents([str(root)], published="2024-05-05")))
    assert [d.id for d in documents] == ["a.txt", "b/a.txt", "b/deep/c.TXT", "z.txt"]
    assert [d.text for d in documents] == ["Ay.", "Bee ay.", "Sea.", "Zed."]
    assert documents[1].source == str(root / "b" / "a.txt")
    assert {d.published for d in documents} == {"2024-05-05"}


def test_an_empty_directory_is_reported(tmp_path: Path) -> None:
    (error,) = only_errors(list(iter_documents([str(tmp_path)])))
    assert error.error.code == "empty"
    assert error.error.message == f"{tmp_path}: no .txt, .html, .htm, .jsonl or .warc files"


def test_iter_documents_reports_each_bad_input_and_goes_on(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Fine text.", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\x00\x01\x02abc")
    big = tmp_path / "big.txt"
    big.write_text("y" * 50, encoding="utf-8")
    odd = tmp_path / "x.docx"
    odd.write_text("z", encoding="utf-8")
    missing = tmp_path / "missing.txt"
    paths = [str(p) for p in (empty, good, binary, big, odd, missing)]
    items = list(iter_documents(paths, max_bytes=20))
    assert [type(item).__name__ for item in items] == [
        "ErrorRecord",
        "Document",
        "ErrorRecord",
        "ErrorRecord",
        "ErrorRecord",
        "ErrorRecord",
    ]
    errors = [item for item in items if isinstance(item, ErrorRecord)]
    assert [e.error.code for e in errors] == ["empty", "binary", "too_large", "input", "missing"]
    assert [e.id for e in errors] == ["empty.txt", "bin.txt", "big.txt", "x.docx", "missing.txt"]
    for error, path in zip(errors, [empty, binary, big, odd, missing], strict=True):
        assert error.source == str(path)
        assert error.error.message.startswith(f"{path}: ")
        assert "\n" not in error.error.message and "Traceback" not in error.error.message


def test_iter_documents_accepts_a_single_path(tmp_path: Path) -> None:
    path = tmp_path / "one.txt"
    path.write_text("One.", encoding="utf-8")
    assert [d.id for d in only_documents(list(iter_documents(str(path))))] == ["one.txt"]


def test_iter_documents_rejects_a_bad_published_argument(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--published"):
        list(iter_documents([str(tmp_path)], published="2024-13-45"))


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def test_stdin_text(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Skip to content\r\n\r\nThe ministry said 40 people had died.\r\n"
    monkeypatch.setattr("sys.stdin", _Stdin(text.encode("utf-8")))
    (document,) = only_documents(list(iter_documents(["-"], published="2024-02-03")))
    assert document.text == text
    assert document.source == "<stdin>"
    assert document.id == content_id(text)
    assert document.published == "2024-02-03"
    assert [text[s:e] for s, e in document.body] == ["The ministry said 40 people had died."]


def test_stdin_that_looks_like_html_is_extracted(monkeypatch: pytest.MonkeyPatch) -> None:
    html = (
        "  \n<!DOCTYPE html><html><head><title>Storm</title></head><body><article>"
        "<p>The storm flooded the lower town on Tuesday night, the mayor said.</p>"
        "<p>Hundreds of residents spent the night in the sports hall.</p>"
        "</article></body></html>"
    )
    monkeypatch.setattr("sys.stdin", _Stdin(html.encode("utf-8")))
    document = document_from_path("-")
    assert "<p>" not in document.text
    assert "flooded the lower town" in document.text
    assert document.source == "<stdin>"


def test_stdin_empty_and_over_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", _Stdin(b""))
    (empty,) = only_errors(list(iter_documents(["-"])))
    assert (empty.error.code, empty.source) == ("empty", "<stdin>")
    monkeypatch.setattr("sys.stdin", _Stdin(b"x" * 30))
    (big,) = only_errors(list(iter_documents(["-"], max_bytes=10)))
    assert big.error.code == "too_large"
