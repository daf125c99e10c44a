"""WARC input: HTML responses become documents; the rest is skipped; damage is one error."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from onrecord.cli import app
from onrecord.errors import InputError
from onrecord.ingest import document_from_path, iter_documents
from onrecord.types import Document, ErrorRecord

ARTICLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Dam talks resume | Valley Wire</title>
<meta property="og:site_name" content="Valley Wire">
{date}
</head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/sport">Sport</a></nav>
<article>
<h1>Dam talks resume</h1>
<p>&#8220;We will rebuild the dam,&#8221; said Lena Varga, the interior minister, on Tuesday
   after a meeting with engineers from the valley towns.</p>
<p>At least 40 families have lost their homes since the spring floods, officials said,
   and the repairs are expected to take most of the year.</p>
<p>{extra}</p>
</article>
<footer>&copy; 2024 Valley Wire. All rights reserved.</footer>
</body></html>
"""
DATED = '<meta property="article:published_time" content="2024-02-01T08:00:00Z">'


def article(extra: str = "The talks continue next week.", *, dated: bool = False) -> bytes:
    return ARTICLE.format(date=DATED if dated else "", extra=extra).encode("utf-8")


def _response(
    writer: WARCWriter, uri: str, body: bytes, *, status: str = "200 OK", kind: str = "text/html"
) -> None:
    headers = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        uri,
        "response",
        payload=io.BytesIO(body),
        http_headers=headers,
        warc_headers_dict={"WARC-Date": "2024-03-05T10:00:00Z"},
    )
    writer.write_record(record)


def build_warc(gzip: bool, pages: list[tuple[str, bytes, str, str]] | None = None) -> bytes:
    """A small crawl: a request, two HTML pages, a PDF, a 404 and a metadata record."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip)
    request = writer.create_warc_record(
        "https://valley.example/dam",
        "request",
        payload=io.BytesIO(b""),
        http_headers=StatusAndHeaders(
            "GET /dam HTTP/1.1", [("Host", "valley.example")], is_http_request=True
        ),
    )
    writer.write_record(request)
    default = [
        ("https://valley.example/dam", article(dated=True), "200 OK", "text/html; charset=utf-8"),
        ("https://valley.example/report.pdf", b"%PDF-1.4 \x00\x01", "200 OK", "application/pdf"),
        ("https://valley.example/gone", b"<html>not here</html>", "404 Not Found", "text/html"),
        ("https://valley.example/levee", article("Engineers met again."), "200 OK", "text/html"),
    ]
    for uri, body, status, kind in pages or default:
        _response(writer, uri, body, status=status, kind=kind)
    metadata = writer.create_warc_record(
        "https://valley.example/dam",
        "metadata",
        payload=io.BytesIO(b"via: crawler\n"),
        warc_content_type="application/warc-fields",
    )
    writer.write_record(metadata)
    return out.getvalue()


def only(items: list[Document | ErrorRecord], kind: type[Any]) -> list[Any]:
    return [item for item in items if isinstance(item, kind)]


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc", "CRAWL.WARC.GZ"])
def test_html_responses_become_documents_and_the_rest_is_skipped(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(build_warc(gzip=name.lower().endswith(".gz")))
    items = list(iter_documents([path], published="1999-01-01"))
    assert only(items, ErrorRecord) == []
    dam, levee = only(items, Document)
    assert (dam.id, dam.url) == ("https://valley.example/dam", "https://valley.example/dam")
    assert levee.id == "https://valley.example/levee"
    assert dam.title == "Dam talks resume"
    assert dam.outlet == "Valley Wire"
    assert dam.published == "2024-02-01"  # the page's own date wins
    assert levee.published == "2024-03-05"  # else the capture date, before --published
    assert "said Lena Varga" in dam.text and "Home" not in dam.text
    assert dam.source.startswith(f"{path}@") and levee.source != dam.source


def test_a_response_without_target_uri_is_an_error(tmp_path: Path) -> None:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        "", "response", payload=io.BytesIO(article()), http_headers=headers
    )
    writer.write_record(record)
    path = tmp_path / "nouri.warc.gz"
    path.write_bytes(out.getvalue() + build_warc(gzip=True))
    items = list(iter_documents([path]))
    (error,) = only(items, ErrorRecord)
    assert error.error.message == (
        f"{path}@0: corrupt or truncated WARC record at offset 0 (unreadable record headers)"
    )
    assert len(only(items, Document)) == 2


def test_the_same_page_in_two_archives_has_the_same_id(tmp_path: Path) -> None:
    (tmp_path / "a.warc.gz").write_bytes(build_warc(gzip=True))
    (tmp_path / "b.warc").write_bytes(build_warc(gzip=False))
    ids = [d.id for d in only(list(iter_documents([tmp_path])), Document)]
    assert ids == ["https://valley.example/dam", "https://valley.example/levee"] * 2


def test_a_truncated_warc_gz_gives_one_error_naming_file_and_offset(tmp_path: Path) -> None:
    data = build_warc(gzip=True)
    path = tmp_path / "cut.warc.gz"
    # Cut inside the last page's gzip member (the metadata record after it is small).
    last_page = data.rfind(b"\x1f\x8b\x08", 0, data.rfind(b"\x1f\x8b\x08"))
    path.write_bytes(data[: last_page + 60])
    after = tmp_path / "after.txt"
    after.write_text("“We stay,” she said.\n", encoding="utf-8")
    items = list(iter_documents([path, after]))
    (error,) = only(items, ErrorRecord)
    assert error.error.code == "malformed"
    assert f"{path}@{last_page}" in error.error.message
    assert f"offset {last_page}" in error.error.message
    assert "truncated" in error.error.message
    assert [d.id for d in only(items, Document)] == ["https://valley.example/dam", "after.txt"]


def test_a_truncated_plain_warc_reports_the_missing_bytes(tmp_path: Path) -> None:
    data = build_warc(gzip=False)
    path = tmp_path / "cut.warc"
    path.write_bytes(data[: data.index(b"Engineers met again.")])
    items = list(iter_documents([path]))
    (error,) = only(items, ErrorRecord)
    assert "bytes missing" in error.error.message and "offset" in error.error.message
    assert [d.id for d in only(items, Document)] == ["https://valley.example/dam"]


def test_reading_goes_on_after_a_damaged_record(tmp_path: Path) -> None:
    data = build_warc(gzip=True)
    members = [i for i in range(len(data)) if data.startswith(b"\x1f\x8b\x08", i)]
    damaged = bytearray(data)
    # Scramble the compressed bytes of the first page's record (the second member).
    start = members[1] + 20
    damaged[start : start + 40] = bytes(40)
    path = tmp_path / "damaged.warc.gz"
    path.write_bytes(bytes(damaged))
    items = list(iter_documents([path]))
    (error,) = only(items, ErrorRecord)
    assert f"offset {members[1]}" in error.error.message
    assert [d.id for d in only(items, Document)] == ["https://valley.example/levee"]


def test_a_page_over_the_cap_is_one_error_and_the_file_goes_on(tmp_path: Path) -> None:
    big = article("x " * 5000)
    pages = [
        ("https://valley.example/big", big, "200 OK", "text/html"),
        ("https://valley.example/dam", article(), "200 OK", "text/html"),
    ]
    path = tmp_path / "big.warc.gz"
    path.write_bytes(build_warc(gzip=True, pages=pages))
    items = list(iter_documents([path], max_bytes=len(big) - 1))
    (error,) = only(items, ErrorRecord)
    assert error.error.code == "too_large"
    assert error.id == "https://valley.example/big" and error.source.startswith(f"{path}@")
    assert [d.id for d in only(items, Document)] == ["https://valley.example/dam"]


def test_an_empty_or_non_warc_file_is_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.warc"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.warc.gz"
    junk.write_bytes(b"this is not an archive\n")
    errors = only(list(iter_documents([empty, junk])), ErrorRecord)
    assert [e.error.code for e in errors] == ["empty", "malformed"]
    assert errors[1].error.message.startswith(f"{junk}@0: ")


def test_directories_pick_up_warc_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("“We stay,” she said.\n", encoding="utf-8")
    (tmp_path / "crawl").mkdir()
    (tmp_path / "crawl" / "one.warc.gz").write_bytes(build_warc(gzip=True))
    ids = [d.id for d in only(list(iter_documents([tmp_path])), Document)]
    assert ids == ["a.txt", "https://valley.example/dam", "https://valley.example/levee"]


def test_document_from_path_sends_warc_to_iter_documents(tmp_path: Path) -> None:
    path = tmp_path / "x.warc.gz"
    path.write_bytes(build_warc(gzip=True))
    with pytest.raises(InputError, match="iter_documents"):
        document_from_path(path)


def test_analyze_reads_a_warc_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(build_warc(gzip=True))
    result = CliRunner().invoke(app, ["analyze", str(path), "--no-progress"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [r["id"] for r in records] == [
        "https://valley.example/dam",
        "https://valley.example/levee",
    ]
    speakers = {q["speaker"]["name"] for q in records[0]["quotes"] if q["speaker"]}
    assert "Lena Varga" in speakers
