"""URLs and feeds, against a local HTTP server on 127.0.0.1 only (no other address is contacted)."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.robotparser
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from onrecord import __version__
from onrecord.cli import app
from onrecord.ingest import iter_documents
from onrecord.ingest.web import Fetcher, FetchOptions, current_options, fetch_options, is_url
from onrecord.types import Document, ErrorRecord

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | Valley Wire</title>
<meta property="og:site_name" content="Valley Wire">
{date}
</head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/sport">Sport</a></nav>
<article>
<h1>{title}</h1>
<p>&#8220;We will rebuild the dam,&#8221; said Lena Varga, the interior minister, on Tuesday
   after a meeting with engineers from the valley towns.</p>
<p>At least 40 families have lost their homes since the spring floods, officials said,
   and the repairs are expected to take most of the year.</p>
</article></body></html>
"""
DATED = '<meta property="article:published_time" content="2024-02-01T08:00:00Z">'
ROBOTS = "User-agent: *\nDisallow: /private/\n"
SLOW_SECONDS = 3.0


def page(title: str, *, dated: bool = False) -> bytes:
    return PAGE.format(title=title, date=DATED if dated else "").encode("utf-8")


def rss(base: str, paths: list[str]) -> bytes:
    items = "".join(
        f"<item><title>{p}</title><link>{base}{p}</link>"
        "<pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate></item>"
        for p in paths
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Valley Wire</title>'
        f"<link>{base}/</link>{items}</channel></rss>"
    ).encode()


def atom(base: str, paths: list[str]) -> bytes:
    entries = "".join(
        f'<entry><title>{p}</title><id>{base}{p}</id><link href="{p}"/>'
        "<updated>2024-03-06T09:00:00Z</updated></entry>"
        for p in paths
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Valley Wire</title><id>{base}/</id><updated>2024-03-06T09:00:00Z</updated>"
        f"{entries}</feed>"
    ).encode()


@dataclass
class Site:
    """The local server: its base URL and every request it saw (path, User-Agent, time)."""

    base: str
    log: list[tuple[str, str, float]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path

    def paths(self) -> list[str]:
        return [path for path, _, _ in self.log]


def _routes(base: str) -> dict[str, tuple[int, str, bytes]]:
    html = "text/html; charset=utf-8"
    return {
        "/robots.txt": (200, "text/plain", ROBOTS.encode()),
        "/article": (200, html, page("Dam talks resume", dated=True)),
        "/levee": (200, html, page("Levee holds")),
        "/private/page": (200, html, page("Secret")),
        "/report.pdf": (200, "application/pdf", b"%PDF-1.4\n" + bytes(range(256)) * 40),
        "/broken": (500, html, b"<html>oops</html>"),
        "/feed.rss": (200, "application/rss+xml", rss(base, ["/article", "/missing", "/levee"])),
        "/clean.rss": (200, "application/rss+xml", rss(base, ["/article", "/levee"])),
        "/feed.atom": (200, "application/atom+xml", atom(base, ["/levee", "/private/page"])),
        "/empty.rss": (200, "text/xml", rss(base, [])),
        "/untyped": (200, "", page("No type")),
    }


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    routes = _routes(site.base)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            pass

        def do_GET(self) -> None:
            site.log.append((self.path, self.headers.get("User-Agent", ""), time.monotonic()))
            if self.path == "/slow":
                time.sleep(SLOW_SECONDS)
            if self.path in ("/redirect", "/loop", "/to-private"):
                target = {"/redirect": "/article", "/loop": "/loop"}.get(self.path, "/private/page")
                self._send(302, "text/html", b"", location=target)
                return
            status, kind, body = routes.get(self.path, (404, "text/html", b"<html>nope</html>"))
            self._send(status, kind, body)

        def _send(self, status: int, kind: str, body: bytes, location: str = "") -> None:
            try:
                self.send_response(status)
                if kind:
                    self.send_header("Content-Type", kind)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (the timeout test)

    return Handler


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ONRECORD_FETCH_DELAY", "0")
    monkeypatch.setenv("ONRECORD_FETCH_TIMEOUT", "1")
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    server.daemon_threads = True
    server.block_on_close = False
    site = Site(base=f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(site)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def read(*urls: str, **options: Any) -> list[Document | ErrorRecord]:
    return list(iter_documents(list(urls), **options))


def error_of(item: Document | ErrorRecord) -> tuple[str, str]:
    assert isinstance(item, ErrorRecord), item
    return item.error.code, item.error.message


def test_a_page_becomes_a_document_named_by_its_url(site: Site) -> None:
    (document,) = read(site.url("/article#comments"), published="1999-01-01")
    assert isinstance(document, Document)
    assert document.id == document.source == site.url("/article")
    assert document.url == site.url("/article")
    assert (document.title, document.outlet) == ("Dam talks resume", "Valley Wire")
    assert document.published == "2024-02-01"
    assert "said Lena Varga" in document.text and "Home" not in document.text


def test_requests_name_onrecord_and_robots_txt_is_read_once_per_host(site: Site) -> None:
    read(site.url("/article"), site.url("/levee"))
    assert site.paths() == ["/robots.txt", "/article", "/levee"]
    agents = {agent for _, agent, _ in site.log}
    assert agents == {
        f"onrecord/{__version__} (news quote attribution; +https://pypi.org/project/onrecord/)"
    }


def test_a_url_robots_txt_disallows_is_an_error_and_never_fetched(site: Site) -> None:
    (item,) = read(site.url("/private/page"))
    assert error_of(item) == (
        "robots",
        f"{site.url('/private/page')}: disallowed by {site.base}/robots.txt",
    )
    assert "/private/page" not in site.paths()


def test_http_errors_timeouts_and_unreachable_hosts_are_one_error_each(site: Site) -> None:
    with socket.socket() as probe:  # a port nobody listens on, on this machine
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/story"
    started = time.monotonic()
    items = read(
        site.url("/missing"),
        site.url("/broken"),
        site.url("/slow"),
        closed,
        site.url("/report.pdf"),
        site.url("/article"),
        closed + "-again",
    )
    assert time.monotonic() - started < SLOW_SECONDS
    codes = [error_of(item) for item in items[:5]]
    assert codes[0] == ("http", f"{site.url('/missing')}: HTTP 404 Not Found")
    assert codes[1] == ("http", f"{site.url('/broken')}: HTTP 500 Internal Server Error")
    assert codes[2] == ("timeout", f"{site.url('/slow')}: no response within 1 s")
    assert codes[3][0] == "unreachable" and codes[3][1].startswith(f"{closed}: cannot connect")
    assert codes[4] == (
        "content_type",
        f"{site.url('/report.pdf')}: not an HTML page or a feed (application/pdf)",
    )
    assert isinstance(items[5], Document)  # the batch went on
    host = closed.rsplit("/", 1)[0]
    assert error_of(items[6]) == (
        "unreachable",
        f"{closed}-again: {host} did not answer earlier in this run",
    )
    for item in items[:5]:
        assert "\n" not in error_of(item)[1]


def test_an_rss_feed_expands_to_its_items_in_order(site: Site) -> None:
    items = read(site.url("/feed.rss"), published="1999-01-01")
    article, missing, levee = items
    assert isinstance(article, Document) and isinstance(levee, Document)
    assert [article.id, levee.id] == [site.url("/article"), site.url("/levee")]
    assert error_of(missing) == ("http", f"{site.url('/missing')}: HTTP 404 Not Found")
    assert article.published == "2024-02-01"  # the page's date wins
    assert levee.published == "2024-03-05"  # else the feed's, before --published


def test_an_atom_feed_expands_with_relative_links_and_robots_still_apply(site: Site) -> None:
    levee, private = read(site.url("/feed.atom"))
    assert isinstance(levee, Document) and levee.id == site.url("/levee")
    assert levee.published == "2024-03-06"
    assert error_of(private)[0] == "robots"


def test_an_empty_feed_is_an_error(site: Site) -> None:
    (item,) = read(site.url("/empty.rss"))
    assert error_of(item) == (
        "empty",
        f"{site.url('/empty.rss')}: the feed lists no items with a link",
    )


def test_redirects_are_followed_within_a_limit_and_checked_against_robots(site: Site) -> None:
    followed, loop, private = read(
        site.url("/redirect"), site.url("/loop"), site.url("/to-private")
    )
    assert isinstance(followed, Document)
    assert (followed.id, followed.url) == (site.url("/redirect"), site.url("/article"))
    assert error_of(loop) == ("fetch", f"{site.url('/loop')}: more than 5 redirects")
    assert error_of(private)[0] == "robots"


def test_a_page_without_content_type_is_read_when_it_is_html(site: Site) -> None:
    (document,) = read(site.url("/untyped"))
    assert isinstance(document, Document) and document.title == "No type"


def test_responses_over_the_size_cap_are_refused(site: Site) -> None:
    (item,) = read(site.url("/article"), max_bytes=100)
    assert error_of(item)[0] == "too_large"
    assert site.url("/article") in error_of(item)[1]


def test_requests_to_one_host_are_spaced_by_the_delay(site: Site) -> None:
    with fetch_options(delay=0.3):
        read(site.url("/article"), site.url("/levee"))
    times = [at for _, _, at in site.log]  # robots.txt, /article, /levee
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    assert len(gaps) == 2 and min(gaps) >= 0.28, gaps


def test_the_rate_limit_waits_only_for_the_same_host() -> None:
    waits: list[float] = []
    now = [100.0]
    fetcher = Fetcher(FetchOptions(delay=2.0), sleep=waits.append, clock=lambda: now[0])
    fetcher._last["http://a.example"] = 99.5
    fetcher._wait("http://a.example", 2.0)
    fetcher._wait("http://b.example", 2.0)
    assert waits == [1.5]


def test_options_come_from_the_environment_and_the_command_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ONRECORD_FETCH_DELAY", raising=False)
    monkeypatch.delenv("ONRECORD_FETCH_TIMEOUT", raising=False)
    default = current_options()
    assert default.delay >= 1.0 and default.connect_timeout > 0 and default.read_timeout > 0
    monkeypatch.setenv("ONRECORD_FETCH_DELAY", "2.5")
    monkeypatch.setenv("ONRECORD_FETCH_TIMEOUT", "nonsense")
    assert (current_options().delay, current_options().read_timeout) == (2.5, default.read_timeout)
    with fetch_options(delay=0, timeout=3):
        assert (current_options().delay, current_options().read_timeout) == (0, 3)
    assert current_options().delay == 2.5


def test_is_url() -> None:
    assert is_url("https://example.org/a") and is_url("HTTP://example.org")
    assert not is_url("http.txt") and not is_url("-") and not is_url("ftp://example.org")


def test_ingest_command_reads_a_feed_into_the_corpus(site: Site, tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    args = ["ingest", site.url("/clean.rss"), "--db", str(db), "--no-progress"]
    result = CliRunner().invoke(app, [*args, "--delay", "0", "--timeout", "1"])
    assert result.exit_code == 0, result.output
    assert "2 new" in result.stderr
    from onrecord.store import open_corpus

    with open_corpus(db) as corpus:
        quotes = corpus.quotes(speaker="varga")
    assert {q.document_id for q in quotes} == {site.url("/article"), site.url("/levee")}


def test_ingest_command_reports_a_url_that_fails(site: Site, tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    args = ["ingest", site.url("/private/page"), "--db", str(db), "--no-progress"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    line = f"onrecord: error: {site.url('/private/page')}: disallowed by {site.base}/robots.txt [robots]"
    assert line in result.stderr


def test_analyze_command_reads_a_url_paced_by_the_environment(site: Site) -> None:
    result = CliRunner().invoke(app, ["analyze", site.url("/article"), "--no-progress"])
    assert result.exit_code == 0, result.output
    (line,) = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert line["id"] == site.url("/article")
    assert any(q["speaker"] and q["speaker"]["name"] == "Lena Varga" for q in line["quotes"])


@pytest.mark.parametrize(
    ("status", "allowed"), [(404, True), (410, True), (401, False), (403, False), (503, False)]
)
def test_robots_txt_errors_follow_rfc_9309(
    monkeypatch: pytest.MonkeyPatch, status: int, allowed: bool
) -> None:
    def answer(self: Fetcher, host: str, *, origin: str) -> tuple[int, None, None]:
        return status, None, None

    monkeypatch.setattr(Fetcher, "_robots_response", answer)
    robots = Fetcher(FetchOptions(delay=0))._load_robots("http://a.example", origin="x")
    assert robots.can_fetch("onrecord", "http://a.example/story") is allowed


def test_crawl_delay_in_robots_txt_slows_down_to_at_most_a_minute(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fetcher = Fetcher(FetchOptions(delay=1.0))
    for rules, expected in (("Crawl-delay: 5", 5.0), ("Crawl-delay: 3600", 60.0), ("", 1.0)):
        robots = urllib.robotparser.RobotFileParser()
        robots.parse(["User-agent: onrecord", rules, "Disallow: /x"])
        fetcher._robots["http://a.example"] = robots
        assert fetcher._delay("http://a.example") == expected
