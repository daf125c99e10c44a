"""The HTML pages (src/onrecord/web/pages.py): every page answers, hostile text stays text.

Uses the fixtures of tests/web/conftest.py: a corpus of the example articles plus a hostile
article (``<script>``, an attribute breakout, ``javascript:`` links and URL).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from onrecord.types import Record
from onrecord.web.pages import (
    article_href,
    highlight,
    paragraphs,
    safe_url,
    snippet,
    speaker_href,
)

from .conftest import (
    BREAKOUT,
    HOSTILE_FILE,
    HOSTILE_OUTLET,
    HOSTILE_SPEAKER,
    HOSTILE_TITLE,
    HOSTILE_URL,
    SCRIPT,
)

ARTICLE = "2024-03-04_coastline-radio_upstream-releases.txt"


class Audit(HTMLParser):
    """Collects what would run or navigate: script elements, on* attributes, hrefs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict[str, str | None]] = []
        self.handlers: list[tuple[str, str]] = []
        self.urls: list[str] = []
        self.tags: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        if tag == "script":
            self.scripts.append(values)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name))
            if name in {"href", "src", "action", "formaction"} and value is not None:
                self.urls.append(value)
            if name == "id" and value:
                self.ids.append(value)


def audit(html: str) -> Audit:
    parser = Audit()
    parser.feed(html)
    parser.close()
    return parser


def assert_safe(html: str) -> Audit:
    found = audit(html)
    assert not found.handlers, found.handlers
    for script in found.scripts:  # only our own files, never inline code
        assert script.get("src", "") and str(script["src"]).startswith("/static/"), script
    for url in found.urls:
        assert not url.strip().lower().startswith(("javascript:", "data:", "vbscript:")), url
    assert "img" not in found.tags
    assert "<script>alert" not in html
    unquoted = re.sub(r'"[^"]*"', '""', html)  # attribute values (text has no raw '"')
    assert not re.search(r"<[^<>]*\bon[a-z]+\s*=", unquoted)  # "onerror=" only as text
    assert not re.search(r"<img\b", html)
    return found


@pytest.fixture
def get(client: Any) -> Callable[..., Any]:
    def fetch(url: str, status: int = 200) -> str:
        response = client.get(url)
        assert response.status_code == status, (url, response.status_code, response.text[:500])
        assert response.headers["content-type"].startswith("text/html")
        return str(response.text)

    return fetch


# --- every page ----------------------------------------------------------------------------

PAGES = [
    "/",
    "/?q=spillway",
    "/?q=spillway&kind=articles",
    "/?speaker=varga&kind=direct&outlet=Meridian+Times",
    "/?since=2024-03-05&until=2024-03-06",
    "/?page=2",
    f"/articles/{ARTICLE}",
    "/articles/2024-03-06_northgate-daily_relief-convoys.html",
    "/speakers/Lena%20Varga",
    "/speakers/Valley%20Relief%20Service",
    "/figures",
    "/figures?term=killed",
    "/figures?term=killed&by=source&window=1",
    "/outlets",
    "/analyze",
]


@pytest.mark.parametrize("url", PAGES)
def test_page_answers(get: Callable[..., str], url: str) -> None:
    html = get(url)
    assert html.startswith("<!doctype html>")
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert '<meta name="viewport"' in html
    assert_safe(html)


def test_search_finds_quotes_and_articles(get: Callable[..., str]) -> None:
    html = get("/?q=spillway")
    assert "<mark>spillway</mark>" in html
    assert "Matching quotes" in html
    assert article_href(ARTICLE, "mark-q4") in html.replace("&amp;", "&")
    html = get("/?q=spillway&kind=articles")
    assert "Articles" in html and article_href(ARTICLE) in html


def test_search_filters_and_paging(get: Callable[..., str]) -> None:
    html = get("/?speaker=varga&kind=direct")
    assert "Lena Varga" in html
    assert 'badge">indirect<' not in html
    first = get("/")
    assert 'rel="next"' in first  # more than one page of quotes
    second = get("/?page=2")
    assert 'rel="prev"' in second and "page 2" in second


def test_bad_dates_are_a_visible_error(get: Callable[..., str]) -> None:
    html = get("/?since=2024-13-45", status=400)
    assert 'class="error-box" role="alert"' in html
    assert "is not a date" in html


def test_empty_states(get: Callable[..., str]) -> None:
    assert "No quote matches" in get("/?q=zzyzzx")
    assert "No article holds all of these words" in get("/?q=zzyzzx&kind=articles")
    assert "Type some words" in get("/?kind=articles")
    assert "Try <a" in get("/figures")
    assert "No figure in the corpus counts" in get("/figures?term=zzyzzx")
    assert "No more quotes" in get("/?page=500")


def test_not_found_pages(get: Callable[..., str]) -> None:
    html = get("/articles/no-such-article.txt", status=404)
    assert "<h1>Not found</h1>" in html and "no article with this id" in html
    html = get("/speakers/Nobody%20Atall", status=404)
    assert "<h1>Not found</h1>" in html


# --- the article view ----------------------------------------------------------------------


def test_article_highlights_quotes(get: Callable[..., str]) -> None:
    html = get(f"/articles/{ARTICLE}")
    found = audit(html)
    assert "mark-q1" in found.ids and "quote-q1" in found.ids
    assert html.count('tabindex="0" role="button"') >= 5
    assert re.search(r'<mark class="q spk-0 kind-(direct|indirect|mixed)" data-quote="q1"', html)
    assert '<span class="claim"' in html and 'id="claim-c4"' in html
    assert '<span class="date" title="date 2024-03-04">Monday</span>' in html
    assert html.count("<p") >= 10  # paragraphs kept
    assert '<script src="/static/article.js" defer></script>' in html
    assert "Lena Varga" in html and 'class="swatch spk-0"' in html


def test_article_ids_with_slashes_and_urls_round_trip() -> None:
    href = article_href("https://example.org/a b?x=1#y")
    assert href == "/articles/" + quote("https://example.org/a b?x=1#y", safe="")
    assert "/" not in href[len("/articles/") :]


def test_safe_url() -> None:
    assert safe_url("https://example.org/x") == "https://example.org/x"
    assert safe_url("http://example.org") == "http://example.org"
    for bad in (
        HOSTILE_URL,
        " JavaScript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,x",
        "//evil",
        "",
        None,
    ):
        assert safe_url(bad) is None, bad


# --- hostile text --------------------------------------------------------------------------


def hostile_pages() -> Iterator[str]:
    yield f"/articles/{quote(HOSTILE_FILE)}"
    yield "/?q=script"
    yield "/?q=onerror&kind=articles"
    yield "/?q=script&kind=articles"
    yield f"/?outlet={quote(HOSTILE_OUTLET)}"
    yield f"/speakers/{quote(HOSTILE_SPEAKER)}"
    yield f"/?speaker={quote(BREAKOUT)}"
    yield f"/?q={quote(SCRIPT)}"
    yield f"/figures?term={quote(SCRIPT)}"
    yield f"/speakers/{quote(BREAKOUT, safe='')}"
    yield "/outlets"


@pytest.mark.parametrize("url", list(hostile_pages()))
def test_hostile_text_is_escaped_everywhere(client: Any, url: str) -> None:
    response = client.get(url)
    assert response.status_code in (200, 400, 404), (url, response.status_code)
    assert response.headers["content-type"].startswith("text/html")
    assert_safe(response.text)


def test_hostile_article_shows_its_text_escaped(get: Callable[..., str]) -> None:
    html = get(f"/articles/{quote(HOSTILE_FILE)}")
    plain = re.sub(r"<[^<>]+>", "", html)  # the text, with the marks taken out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in plain
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in plain
    assert "&lt;a href=&#34;javascript:alert(1)&#34;&gt;click here&lt;/a&gt;" in plain
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; Hostile headline" in plain
    assert HOSTILE_TITLE not in html
    # the article's javascript: URL is shown as text, never as a link
    assert f'href="{HOSTILE_URL}"' not in html
    assert "not a web address" in html
    found = assert_safe(html)
    assert "mark-q1" in found.ids  # its quotes are still highlighted
    assert HOSTILE_SPEAKER in html


# --- building blocks -----------------------------------------------------------------------


def _record(text: str, **fields: Any) -> Record:
    base: dict[str, Any] = {
        "id": "t",
        "source": "<text>",
        "title": None,
        "outlet": None,
        "url": None,
        "published": None,
        "language": "en",
        "text": text,
        "body": [{"start": 0, "end": len(text), "text": text}],
        "quotes": [],
        "claims": [],
        "entities": [],
        "dates": [],
        "framing": [],
        "consistency": [],
    }
    base.update(fields)
    return Record.model_validate(base)


def _span(text: str, piece: str, start: int = 0) -> dict[str, Any]:
    at = text.index(piece, start)
    return {"start": at, "end": at + len(piece), "text": piece}


def test_highlight_nests_overlapping_marks_and_escapes() -> None:
    text = 'First <b>para</b>.\n\n“A <i> & 41 dead "x",” she said.\n\nLast'
    inner = _span(text, 'A <i> & 41 dead "x",')
    quote_ = {
        "id": "q1",
        "kind": "direct",
        "content": inner,
        "content_parts": [inner],
        "cue": _span(text, "said"),
        "source": _span(text, "she"),
        "speaker": {"entity": "e1", "name": "Ann <Lee>", "type": "PERSON"},
        "nested_in": None,
        "confidence": 0.9,
    }
    # a claim that runs past the end of the quote: cut, so the tags stay nested
    claim = {
        "id": "c1",
        "span": _span(text, '41 dead "x",” she'),
        "value": 41,
        "low": None,
        "high": None,
        "qualifier": "exact",
        "unit": None,
        "direction": None,
        "measure": "dead",
        "event": None,
        "quote": "q1",
        "asserted_by": None,
    }
    view = highlight(_record(text, quotes=[quote_], claims=[claim]))
    html = str(view.html)
    assert html.count("<p>") == 3
    assert "&lt;b&gt;para&lt;/b&gt;" in html and "A &lt;i&gt; &amp; <span" in html
    assert "<b>" not in html and "<i>" not in html
    # well nested: a stack of open tags always closes in order
    stack: list[str] = []
    for closing, tag in re.findall(r"<(/?)(mark|span|p)\b", html):
        if closing:
            assert stack.pop() == tag
        else:
            stack.append(tag)
    assert not stack
    assert html.count('id="claim-c1"') == 1 and html.count('class="claim"') == 2
    assert view.speakers[0]["name"] == "Ann <Lee>"


def test_paragraphs_and_snippet() -> None:
    assert paragraphs("a\n\n  b c \n \n\nd") == [(0, 1), (5, 8), (13, 14)]
    assert paragraphs("\n\n") == []
    assert str(snippet("x <y> spillway z", ["spillway"])) == "x &lt;y&gt; <mark>spillway</mark> z"


def test_ids_and_names_with_any_character(tmp_path: Path) -> None:
    """Ids are URLs or paths (``/``, ``?``, ``#``, spaces); names may hold ``/`` too."""
    from fastapi.testclient import TestClient

    from onrecord.store import Store
    from onrecord.web.app import create_app

    text = "“We rebuild,” said Ann/Lee Smith.\n\nShe said more."
    content = _span(text, "We rebuild,")
    quote_ = {
        "id": "q1",
        "kind": "direct",
        "content": content,
        "content_parts": [content],
        "cue": _span(text, "said"),
        "source": _span(text, "Ann/Lee Smith"),
        "speaker": {"entity": "e1", "name": "Ann/Lee Smith", "type": "PERSON"},
        "nested_in": None,
        "confidence": 0.9,
    }
    # (a "%" in an id works through uvicorn; the TestClient decodes the path twice)
    odd = "https://example.org/news/a b?x=1&y=é#frag"
    db = tmp_path / "odd.db"
    with Store.open(db) as store:
        store.put(
            _record(text, id=odd, outlet="Odd/Outlet", published="2024-01-02", quotes=[quote_])
        )
    with TestClient(create_app(db), raise_server_exceptions=False) as client:
        html = client.get(article_href(odd)).text
        assert 'data-quote="q1"' in html and "Ann/Lee Smith" in html
        speaker = client.get(speaker_href("Ann/Lee Smith"))
        assert speaker.status_code == 200 and "We rebuild," in speaker.text
        listing = client.get("/").text
        assert article_href(odd, "mark-q1") in listing


def test_empty_corpus(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from onrecord.store import Store
    from onrecord.web.app import create_app

    db = tmp_path / "empty.db"
    Store.open(db).close()
    with TestClient(create_app(db), raise_server_exceptions=False) as client:
        html = client.get("/").text
        assert "The corpus is empty" in html
        assert "No outlets yet" in client.get("/outlets").text
        assert "No figure in the corpus counts" in client.get("/figures?term=killed").text


# --- analyze -------------------------------------------------------------------------------


def test_analyze_is_explained_when_off(client: Any) -> None:
    html = client.get("/analyze").text
    assert "Analysis is switched off" in html and "--allow-analyze" in html
    assert client.post("/analyze", data={"text": "x"}).status_code == 403


def test_analyze_renders_like_an_article(make_app: Callable[..., Any]) -> None:
    from fastapi.testclient import TestClient

    app = make_app(allow_analyze=True)
    with TestClient(app, raise_server_exceptions=False) as client:
        form = client.get("/analyze").text
        assert '<textarea id="text" name="text"' in form
        text = f"“We will rebuild {SCRIPT},” said Lena Varga on Monday."
        response = client.post("/analyze", data={"text": text, "published": "2024-03-04"})
        assert response.status_code == 200, response.text[:500]
        html = response.text
        assert 'data-quote="q1"' in html and "Lena Varga" in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert_safe(html)
        empty = client.post("/analyze", data={"text": "  "})
        assert empty.status_code == 400 and "Paste a text" in empty.text
        page = b"<html><body><article><p>\xe2\x80\x9cHi,\xe2\x80\x9d said Ann Lee.</p></article></body></html>"
        upload = client.post(
            "/analyze", data={"text": ""}, files={"upload": ("a.html", page, "text/html")}
        )
        assert upload.status_code in (200, 400), upload.text[:300]
        assert_safe(upload.text)
        story = "“We will rebuild,” said Ann Lee.".encode("cp1252")  # not UTF-8
        as_text = client.post("/analyze", files={"upload": ("story.txt", story, "text/plain")})
        assert as_text.status_code == 200 and "Ann Lee" in as_text.text
        binary = client.post(
            "/analyze", files={"upload": ("x.html", bytes(range(256)) * 4, "text/html")}
        )
        assert binary.status_code == 400 and 'role="alert"' in binary.text


def test_analyze_is_size_capped(
    make_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from onrecord.web import pages

    with TestClient(make_app(allow_analyze=True, max_body=4000)) as client:
        assert "At most 4,000 bytes" in client.get("/analyze").text
        # the app refuses a larger body before the page reads it
        assert client.post("/analyze", data={"text": "word " * 900}).status_code == 413
    monkeypatch.setattr(pages, "ANALYZE_MAX_BYTES", 1000)
    with TestClient(make_app(allow_analyze=True)) as client:
        response = client.post("/analyze", data={"text": "word " * 300})
        assert response.status_code == 400
        assert "larger than 1,000 bytes" in response.text and 'role="alert"' in response.text
        upload = client.post(
            "/analyze", files={"upload": ("a.html", b"<p>x</p>" * 200, "text/html")}
        )
        assert upload.status_code == 400 and "larger than 1,000 bytes" in upload.text


def test_figures_table_is_paged(get: Callable[..., str], monkeypatch: pytest.MonkeyPatch) -> None:
    from onrecord.web import pages

    everything = get("/figures?term=killed")
    rows = everything.count("<tr", everything.index("figures-table"), everything.index("</table>"))
    assert rows > 3 and 'rel="next"' not in everything  # one page: every figure
    monkeypatch.setattr(pages, "FIGURES_PAGE_SIZE", 2)
    monkeypatch.setattr(pages, "FIGURES_LIST_LIMIT", 1)
    first = get("/figures?term=killed")
    table = first[first.index("figures-table") : first.index("</table>")]
    assert table.count("<tr") == 3  # the header and two figures
    assert 'rel="next" href="/figures?term=killed&amp;by=outlet&amp;window=0&amp;page=2"' in first
    assert f"Figures 1–2 of {rows - 1}" in first
    second = get("/figures?term=killed&page=2")
    assert 'rel="prev"' in second and "Figures 3–4 of" in second
    last = get(f"/figures?term=killed&page={rows}")  # past the end: an empty table
    assert 'rel="next"' not in last


def test_speaker_pages_split_the_quotes(
    get: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from onrecord.web import pages

    whole = get("/speakers/Lena%20Varga")
    monkeypatch.setattr(pages, "SPEAKER_PAGE_SIZE", 2)
    first, second = get("/speakers/Lena%20Varga"), get("/speakers/Lena%20Varga?page=2")
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert first != second and 'rel="next"' not in whole
