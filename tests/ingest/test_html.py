"""HTML pages: the article body and the page's metadata, without the site chrome."""

from __future__ import annotations

from pathlib import Path

import pytest

from onrecord.errors import EmptyInput
from onrecord.ingest import document_from_html, document_from_path
from onrecord.ingest.html import extract_page, looks_like_html

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Flood kills 40 in river valley | Daily Planet</title>
  <meta property="og:site_name" content="Daily Planet">
  <meta property="og:title" content="Flood kills 40 in river valley">
  <meta property="article:published_time" content="2024-03-05T10:00:00Z">
  <link rel="canonical" href="https://dailyplanet.example/world/flood">
</head>
<body>
  <nav><ul>
    <li><a href="/">Home</a></li><li><a href="/world">World</a></li>
    <li><a href="/sport">Sport</a></li><li><a href="/opinion">Opinion</a></li>
  </ul></nav>
  <header><a href="#main">Skip to content</a></header>
  <article id="main">
    <h1>Flood kills 40 in river valley</h1>
    <p>At least 40 people have died after heavy rain caused the river to burst its banks
       on Tuesday, officials said.</p>
    <p>&#8220;We have never seen anything like this,&#8221; said the regional governor,
       Maria Lopez, speaking to reporters at the scene.</p>
    <p>Rescue teams were still searching for survivors late on Tuesday evening, according
       to the ministry of the interior.</p>
    <p>The government has promised aid to the thousands of families who lost their homes
       in the disaster.</p>
  </article>
  <footer>
    <p>Newsletter signup and privacy policy links for the Daily Planet network.</p>
    <p>&copy; 2024 Daily Planet. All rights reserved.</p>
  </footer>
</body>
</html>
"""


def test_html_file_gives_body_title_outlet_date_and_drops_chrome(tmp_path: Path) -> None:
    path = tmp_path / "flood.html"
    path.write_text(PAGE, encoding="utf-8")
    document = document_from_path(str(path), published="1999-01-01")
    assert document.id == "flood.html"
    assert document.title == "Flood kills 40 in river valley"
    assert document.outlet == "Daily Planet"
    assert document.published == "2024-03-05"  # the page's own date wins over the default
    assert document.url == "https://dailyplanet.example/world/flood"
    for chrome in ("Home", "Sport", "Skip to content", "All rights reserved", "Newsletter"):
        assert chrome not in document.text
    assert "\u201cWe have never seen anything like this,\u201d" in document.text
    paragraphs = document.text.split("\n\n")
    assert paragraphs[1].startswith("At least 40 people have died")
    assert "banks on Tuesday" in paragraphs[1]  # the line break inside <p> is a space
    body = [document.text[s:e] for s, e in document.body]
    assert len(body) == 4
    assert body[0].startswith("At least 40 people")
    # The headline is the title, not a body paragraph.
    assert "Flood kills 40 in river valley" not in body


def test_htm_extension_and_page_without_a_date_get_the_default(tmp_path: Path) -> None:
    page = PAGE.replace(
        '<meta property="article:published_time" content="2024-03-05T10:00:00Z">', ""
    )
    path = tmp_path / "flood.htm"
    path.write_text(page, encoding="utf-8")
    assert document_from_path(path, published="2024-06-01").published == "2024-06-01"


def test_html_declared_in_windows_1252_decodes(tmp_path: Path) -> None:
    page = PAGE.replace('charset="utf-8"', 'charset="windows-1252"').replace(
        "&#8220;We", "\u201cWe"
    )
    path = tmp_path / "cp.html"
    path.write_bytes(page.encode("cp1252"))
    assert "\u201cWe have never" in document_from_path(path).text


def test_a_page_trafilatura_finds_nothing_in_falls_back_to_plain_text() -> None:
    page = (
        "<html><head><title>Note</title></head><body><nav>Home | World | Sport</nav>"
        "<div>Short note.</div><footer>© 2024 Planet</footer></body></html>"
    )
    result = extract_page(page)
    assert "Short note." in result.text
    assert "Home" not in result.text and "Planet" not in result.text


def test_a_page_without_text_is_empty() -> None:
    with pytest.raises(EmptyInput, match="no article text"):
        document_from_html("<html><head><title>x</title></head><body> </body></html>")


def test_metadata_arguments_win_over_the_page() -> None:
    document = document_from_html(PAGE, title="Given", outlet="Wire", url="https://w.example/1")
    assert (document.title, document.outlet, document.url) == (
        "Given",
        "Wire",
        "https://w.example/1",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<!doctype html><p>x", True),
        ("\n  <HTML lang=en>", True),
        ("<html>", True),
        ("<p>not a page</p>", False),
        ("The <html> tag is old.", False),
        ("<htmlish>", False),
    ],
)
def test_looks_like_html(text: str, expected: bool) -> None:
    assert looks_like_html(text) is expected
