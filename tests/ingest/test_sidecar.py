"""A metadata.tsv beside plain-text files gives their outlet, date, title and URL."""

from __future__ import annotations

from pathlib import Path

from onrecord.ingest import iter_documents
from onrecord.types import Document


def _docs(*args: str, **kwargs: str) -> list[Document]:
    out = [d for d in iter_documents(list(args), **kwargs)]
    assert all(isinstance(d, Document) for d in out)
    return out  # type: ignore[return-value]


def test_sidecar_fills_metadata_and_wins_over_the_default_date(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("“We stay,” she said.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("No metadata row.", encoding="utf-8")
    (tmp_path / "metadata.tsv").write_text(
        "file\toutlet\tpublished\ttitle\turl\na.txt\tValley Wire\t2024-03-05\tDam talks\thttps://x.invalid/a\n",
        encoding="utf-8",
    )
    a, b = _docs(str(tmp_path), published="2024-01-01")
    assert (a.outlet, a.published, a.title, a.url) == (
        "Valley Wire",
        "2024-03-05",
        "Dam talks",
        "https://x.invalid/a",
    )
    assert (b.outlet, b.published) == (None, "2024-01-01")
    (single,) = _docs(str(tmp_path / "a.txt"))
    assert single.outlet == "Valley Wire"


def test_a_broken_sidecar_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Text.", encoding="utf-8")
    (tmp_path / "metadata.tsv").write_bytes(b"\xff\xfe\x00garbage")
    (doc,) = _docs(str(tmp_path))
    assert doc.outlet is None and doc.text == "Text."
