"""The command line: formats, stdin, output files, exit codes, and bad input that never stops a batch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from onrecord.cli import app
from tests.conftest import ROOT, assert_offsets

runner = CliRunner()
QUOTE = "“We will rebuild the dam,” said Lena Varga, the interior minister.\n"


def lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    (tmp_path / "a.txt").write_text(QUOTE, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text(
        "“Nobody warned us,” Tomas Holt said.\n", encoding="utf-8"
    )
    return tmp_path


def test_jsonl_one_record_per_document_in_order(corpus: Path, record_validator: Any) -> None:
    result = runner.invoke(app, ["analyze", str(corpus)])
    assert result.exit_code == 0, result.output
    records = lines(result.stdout)
    assert [r["id"] for r in records] == ["a.txt", "sub/b.txt"]
    for record in records:
        record_validator.validate(record)
        assert_offsets(record)
    assert records[0]["quotes"][0]["speaker"]["name"] == "Lena Varga"


def test_text_is_the_file_unchanged(tmp_path: Path) -> None:
    raw = "Title\r\n\r\n“We stay,” she said.\r\n\tIndented line  \r\n"
    path = tmp_path / "crlf.txt"
    path.write_bytes(raw.encode("utf-8"))
    (record,) = lines(runner.invoke(app, ["analyze", str(path)]).stdout)
    assert record["text"] == raw


def test_published_applies_to_documents_without_a_date(corpus: Path) -> None:
    records = lines(
        runner.invoke(app, ["analyze", str(corpus / "a.txt"), "--published", "2024-03-04"]).stdout
    )
    assert records[0]["published"] == "2024-03-04"


def test_bad_published_is_a_usage_error(corpus: Path) -> None:
    result = runner.invoke(app, ["analyze", str(corpus), "--published", "04/03/2024"])
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output


def test_json_format_is_one_array(corpus: Path) -> None:
    result = runner.invoke(app, ["analyze", str(corpus), "--format", "json"])
    data = json.loads(result.stdout)
    assert isinstance(data, list) and len(data) == 2


def test_table_format_shows_speaker_kind_and_quote(corpus: Path) -> None:
    result = runner.invoke(app, ["analyze", str(corpus / "a.txt"), "--format", "table"])
    assert result.exit_code == 0
    for expected in ("Lena Varga", "direct", "We will rebuild the dam"):
        assert expected in result.stdout


def test_output_file(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["analyze", str(corpus / "a.txt"), "-o", str(out)])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert len(lines(out.read_text(encoding="utf-8"))) == 1


def test_stdin() -> None:
    result = runner.invoke(app, ["analyze", "-"], input=QUOTE.encode("utf-8"))
    assert result.exit_code == 0, result.output
    (record,) = lines(result.stdout)
    assert record["source"] == "<stdin>"
    assert record["text"] == QUOTE


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n ", "empty"),
        ("binary.txt", b"\x00\x01\x02PNG\x00\x00" * 50, "binary"),
        ("huge.txt", b"word " * 400, "too_large"),
    ],
)
def test_bad_input_gives_an_error_record_and_the_batch_goes_on(
    tmp_path: Path, name: str, content: bytes, code: str
) -> None:
    (tmp_path / name).write_bytes(content)
    (tmp_path / "zz_good.txt").write_text(QUOTE, encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(tmp_path), "--max-bytes", "1000"])
    assert result.exit_code == 1
    bad, good = lines(result.stdout)
    assert bad["error"]["code"] == code
    assert bad["id"] == name
    assert "quotes" in good and good["quotes"]
    assert name in result.stderr and "Traceback" not in result.stderr
    assert len([line for line in result.stderr.splitlines() if name in line]) == 1


def test_cp1252_text_is_decoded(tmp_path: Path) -> None:
    (tmp_path / "win.txt").write_bytes(QUOTE.encode("cp1252"))
    result = runner.invoke(app, ["analyze", str(tmp_path / "win.txt")])
    assert result.exit_code == 0
    (record,) = lines(result.stdout)
    assert record["text"].startswith("“We will rebuild")


def test_malformed_jsonl_line_and_missing_path(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(
        json.dumps({"id": "one", "text": QUOTE})
        + "\n{not json\n"
        + json.dumps({"id": "three", "text": QUOTE})
        + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["analyze", str(path), str(tmp_path / "missing.txt")])
    assert result.exit_code == 1
    records = lines(result.stdout)
    assert [r.get("error", {}).get("code") for r in records] == [None, "malformed", None, "missing"]
    assert records[0]["id"] == "one" and records[2]["id"] == "three"
    assert "feed.jsonl:2" in result.stderr


def test_workers_keep_order_and_match_one_process(corpus: Path) -> None:
    for i in range(5):
        (corpus / f"c{i}.txt").write_text(
            f"“Statement number {i} stands,” said Lena Varga.\n", encoding="utf-8"
        )
    one = lines(runner.invoke(app, ["analyze", str(corpus)]).stdout)
    two = lines(runner.invoke(app, ["analyze", str(corpus), "--workers", "2"]).stdout)
    assert [r["id"] for r in one] == [r["id"] for r in two]
    assert [r["quotes"] for r in one] == [r["quotes"] for r in two]


def test_installed_command_prints_no_traceback(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("onrecord")
    (tmp_path / "bin.txt").write_bytes(b"\x00" * 64)
    proc = subprocess.run(
        [str(exe), "analyze", str(tmp_path / "bin.txt"), str(tmp_path / "nope.txt")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert [json.loads(x)["error"]["code"] for x in proc.stdout.splitlines()] == [
        "binary",
        "missing",
    ]


def test_help_explains_every_option() -> None:
    result = runner.invoke(app, ["analyze", "--help"])
    for option in ("--format", "--published", "--output", "--workers", "--max-bytes"):
        assert option in result.stdout
