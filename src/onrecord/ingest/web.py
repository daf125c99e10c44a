"""URLs and RSS/Atom feeds: fetch a page (or a feed's pages) politely and read it as HTML.

Politeness is not optional: every request names onrecord and its version in its
User-Agent, honours the site's ``robots.txt`` (fetched once per host), waits between
two requests to one host (1 s by default, longer when ``robots.txt`` asks with
``Crawl-delay``), gives up after explicit connect and read timeouts, and reads no
more than the size cap. Redirects are followed by hand, a few at most, so that each
hop is checked against its own host's ``robots.txt`` and rate limit.

Whatever goes wrong with one URL (unreachable host, timeout, 404, a PDF) is one
``ErrorRecord`` with a one-line message naming the URL; the batch goes on.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import urllib.robotparser
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urljoin, urlsplit

from .. import __version__
from ..errors import BinaryInput, EmptyInput, InputError, OnrecordError, TooLarge
from ..types import Document, ErrorInfo, ErrorRecord
from .documents import html_document
from .html import looks_like_html
from .warc import HTML_TYPES, decode_html, media_type

if TYPE_CHECKING:
    import httpx

__all__ = [
    "FetchError",
    "FetchOptions",
    "Fetcher",
    "USER_AGENT",
    "fetch_options",
    "is_url",
    "iter_url",
]

USER_AGENT = f"onrecord/{__version__} (news quote attribution; +https://pypi.org/project/onrecord/)"
# The token robots.txt rules name ("User-agent: onrecord").
ROBOTS_AGENT = "onrecord"
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/x-rss+xml",
        "application/xml",
        "text/xml",
    }
)
_ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/xml;q=0.9,*/*;q=0.1"
)
# What a URL may answer: a page, a feed, or no Content-Type at all (then the bytes tell).
_PAGE_TYPES = HTML_TYPES | FEED_TYPES | {""}
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 asks crawlers to read at least 500 KiB
_MAX_CRAWL_DELAY = 60.0  # a robots.txt asking for more would stall a batch for hours
_CHUNK = 1 << 16


class FetchError(InputError):
    """A URL that could not be fetched; ``code`` says how (robots, http, timeout ...)."""

    def __init__(self, code: str, message: str, *, document: str | None = None) -> None:
        super().__init__(message, document=document)
        self.code = code


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """How politely and how long to fetch. Defaults suit crawling someone else's site."""

    delay: float = 1.0  # seconds between two requests to one host
    connect_timeout: float = 10.0
    read_timeout: float = 30.0  # per read; a whole download gets at most ``total_timeout``
    total_timeout: float = 120.0
    max_redirects: int = 5
    user_agent: str = USER_AGENT

    @classmethod
    def from_env(cls) -> FetchOptions:
        """Defaults, with ``ONRECORD_FETCH_DELAY`` and ``ONRECORD_FETCH_TIMEOUT`` (seconds) applied."""
        options = cls()
        delay = _float_env("ONRECORD_FETCH_DELAY")
        if delay is not None:
            options = replace(options, delay=delay)
        timeout = _float_env("ONRECORD_FETCH_TIMEOUT")
        if timeout is not None:
            options = replace(options, connect_timeout=timeout, read_timeout=timeout)
        return options


def _float_env(name: str) -> float | None:
    raw = os.environ.get(name)
    try:
        value = float(raw) if raw else None
    except ValueError:
        return None
    return value if value is not None and value >= 0 else None


_override: FetchOptions | None = None


@contextmanager
def fetch_options(
    *, delay: float | None = None, timeout: float | None = None
) -> Iterator[FetchOptions]:
    """Use these options for fetches started inside the block (the command line's options).

    A module setting rather than an argument: ``store.ingest`` calls ``iter_documents``
    without fetch options, and the pool's feeder thread must see them too.
    """
    global _override
    previous = _override
    options = current_options()
    if delay is not None:
        options = replace(options, delay=delay)
    if timeout is not None:
        options = replace(options, connect_timeout=timeout, read_timeout=timeout)
    _override = options
    try:
        yield options
    finally:
        _override = previous


def current_options() -> FetchOptions:
    """The options in force: those of an enclosing ``fetch_options`` block, else the environment's."""
    return _override or FetchOptions.from_env()


def is_url(given: str) -> bool:
    """True for an ``http://`` or ``https://`` argument."""
    return given[:8].lower().startswith(("http://", "https://"))


def canonical(url: str) -> str:
    """The URL without its fragment: ``page#comments`` and ``page`` are one document."""
    return urldefrag(url.strip())[0]


@dataclass(frozen=True, slots=True)
class Fetched:
    """A 200 response: where it ended up (after redirects), its type and its bytes."""

    url: str
    content_type: str | None
    data: bytes

    @property
    def media_type(self) -> str:
        return media_type(self.content_type)


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


@dataclass(slots=True)
class Fetcher:
    """One HTTP client for a batch: robots.txt cached and requests spaced per host."""

    options: FetchOptions = field(default_factory=current_options)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    _client: httpx.Client | None = None
    _robots: dict[str, urllib.robotparser.RobotFileParser] = field(default_factory=dict)
    _last: dict[str, float] = field(default_factory=dict)
    _down: dict[str, FetchError] = field(default_factory=dict)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            import httpx

            timeout = httpx.Timeout(self.options.read_timeout, connect=self.options.connect_timeout)
            self._client = httpx.Client(
                timeout=timeout,
                follow_redirects=False,  # by hand: each hop is checked against robots.txt
                headers={"User-Agent": self.options.user_agent, "Accept": _ACCEPT},
            )
        return self._client

    def fetch(self, url: str, *, max_bytes: int) -> Fetched:
        """The 200 response for ``url``; raises ``FetchError``/``TooLarge`` naming ``url``."""
        current = url
        for _ in range(self.options.max_redirects + 1):
            self._check_robots(current, origin=url)
            status, location, fetched = self._get(
                current, origin=url, max_bytes=max_bytes, accept=_PAGE_TYPES
            )
            if fetched is not None:
                return fetched
            if status in _REDIRECTS and location:
                current = urljoin(current, location)
                if urlsplit(current).scheme.lower() not in ("http", "https"):
                    raise FetchError(
                        "fetch", f"{url}: redirected to a non-web URL {current}", document=url
                    )
                continue
            raise FetchError("http", f"{url}: HTTP {status}{_reason(status)}", document=url)
        raise FetchError(
            "fetch", f"{url}: more than {self.options.max_redirects} redirects", document=url
        )

    def _wait(self, host: str, delay: float) -> None:
        last = self._last.get(host)
        if last is not None:
            remaining = last + delay - self.clock()
            if remaining > 0:
                self.sleep(remaining)

    def _delay(self, host: str) -> float:
        robots = self._robots.get(host)
        asked = robots.crawl_delay(ROBOTS_AGENT) if robots is not None else None
        crawl_delay = min(float(asked), _MAX_CRAWL_DELAY) if asked else 0.0
        return max(self.options.delay, crawl_delay)

    def _get(
        self, url: str, *, origin: str, max_bytes: int, accept: frozenset[str] | None = None
    ) -> tuple[int, str | None, Fetched | None]:
        """(status, Location, the response when it is a 200), spaced from the last request.

        A 200 whose media type is not in ``accept`` is refused before its body is read.
        """
        import httpx

        host = _host(url)
        self._wait(host, self._delay(host))
        started = self.clock()
        try:
            with self.client.stream("GET", url) as response:
                if response.status_code != 200:
                    return response.status_code, response.headers.get("Location"), None
                kind = response.headers.get("Content-Type")
                if accept is not None and media_type(kind) not in accept:
                    raise FetchError(
                        "content_type",
                        f"{origin}: not an HTML page or a feed ({media_type(kind)})",
                        document=origin,
                    )
                data = self._read(response, origin=origin, max_bytes=max_bytes, started=started)
                return 200, None, Fetched(url=str(response.url), content_type=kind, data=data)
        except httpx.HTTPError as exc:
            raise _http_error(origin, exc, self.options) from None
        finally:
            self._last[host] = self.clock()

    def _read(
        self, response: httpx.Response, *, origin: str, max_bytes: int, started: float
    ) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise _too_large(origin, max_bytes)
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes(_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise _too_large(origin, max_bytes)
            if self.clock() - started > self.options.total_timeout:
                raise FetchError(
                    "timeout",
                    f"{origin}: download took longer than {self.options.total_timeout:g} s",
                    document=origin,
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def _check_robots(self, url: str, *, origin: str) -> None:
        host = _host(url)
        if host in self._down:
            # A host that did not answer once is not asked again in this run: a feed of
            # fifty items on a dead host is fifty quick errors, not fifty timeouts.
            first = self._down[host]
            raise FetchError(
                first.code, f"{origin}: {host} did not answer earlier in this run", document=origin
            )
        robots = self._robots.get(host)
        if robots is None:
            try:
                robots = self._robots[host] = self._load_robots(host, origin=origin)
            except FetchError as exc:
                if exc.code in ("unreachable", "timeout"):
                    self._down[host] = exc
                raise
        if not robots.can_fetch(ROBOTS_AGENT, url):
            raise FetchError(
                "robots", f"{origin}: disallowed by {host}/robots.txt", document=origin
            )

    def _load_robots(self, host: str, *, origin: str) -> urllib.robotparser.RobotFileParser:
        """The host's rules. Missing (4xx) allows all; 401/403 and 5xx disallow all (RFC 9309)."""
        robots = urllib.robotparser.RobotFileParser(f"{host}/robots.txt")
        status, _, fetched = self._robots_response(host, origin=origin)
        if fetched is not None:
            lines = fetched.data.decode("utf-8", "replace").splitlines()
        elif status in (401, 403) or status >= 500:
            lines = ["User-agent: *", "Disallow: /"]
        else:
            lines = []
        robots.parse(lines)  # also marks the rules as read, which can_fetch requires
        return robots

    def _robots_response(self, host: str, *, origin: str) -> tuple[int, str | None, Fetched | None]:
        url = f"{host}/robots.txt"
        for _ in range(self.options.max_redirects + 1):
            try:
                status, location, fetched = self._get(
                    url, origin=origin, max_bytes=_ROBOTS_MAX_BYTES
                )
            except TooLarge:
                return 200, None, None  # an absurd robots.txt: read as no rules
            if status in _REDIRECTS and location:
                url = urljoin(url, location)
                continue
            return status, location, fetched
        return 404, None, None  # a redirect loop: as if there were no robots.txt


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return f" {HTTPStatus(status).phrase}"
    except ValueError:
        return ""


def _too_large(url: str, max_bytes: int) -> TooLarge:
    return TooLarge(
        f"{url}: response over the limit of {max_bytes} bytes; raise it with ONRECORD_MAX_BYTES",
        document=url,
    )


def _http_error(url: str, exc: Exception, options: FetchOptions) -> FetchError:
    """One readable line for what httpx raised."""
    import httpx

    if isinstance(exc, httpx.ConnectTimeout):
        return FetchError(
            "timeout",
            f"{url}: no connection within {options.connect_timeout:g} s",
            document=url,
        )
    if isinstance(exc, httpx.TimeoutException):
        return FetchError(
            "timeout", f"{url}: no response within {options.read_timeout:g} s", document=url
        )
    detail = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, httpx.ConnectError):
        return FetchError("unreachable", f"{url}: cannot connect ({detail})", document=url)
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return FetchError("input", f"{url}: not a valid web address ({detail})", document=url)
    return FetchError("fetch", f"{url}: the request failed ({detail})", document=url)


# --- pages and feeds -----------------------------------------------------------------------


def _is_feed(fetched: Fetched) -> bool:
    kind = fetched.media_type
    if kind in FEED_TYPES:
        return True
    if kind:
        return False
    start = fetched.data[:512].lstrip().lower()
    return start.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf:rdf"))


def _feed_items(fetched: Fetched) -> list[tuple[str, str | None]] | None:
    """(link, date) per item of an RSS/Atom feed, or None when the bytes are no feed."""
    import feedparser

    # Bytes, never a URL string: feedparser would fetch a URL itself, impolitely.
    parsed = feedparser.parse(
        fetched.data,
        response_headers={
            "content-location": fetched.url,
            "content-type": fetched.content_type or "application/xml",
        },
    )
    if not parsed.get("version"):
        return None
    items: list[tuple[str, str | None]] = []
    seen: set[str] = set()
    for entry in parsed.entries:
        link = entry.get("link")
        if not isinstance(link, str) or not link.strip():
            continue
        link = canonical(urljoin(fetched.url, link))
        if link not in seen:
            seen.add(link)
            items.append((link, _entry_date(entry)))
    return items


def _entry_date(entry: Any) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if parsed is None:
        return None
    try:
        return dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday).isoformat()
    except (AttributeError, ValueError):
        return None


def _page(fetched: Fetched, *, id: str, default_published: str | None) -> Document:
    try:
        html = decode_html(fetched.data, name=id, content_type=fetched.content_type)
    except BinaryInput:
        html = ""
    if fetched.media_type not in HTML_TYPES and not looks_like_html(html):
        kind = fetched.media_type or "no Content-Type"
        raise FetchError("content_type", f"{id}: not an HTML page ({kind})", document=id)
    return html_document(
        html, id=id, source=id, default_published=default_published, url=fetched.url
    )


def _error(url: str, exc: Exception) -> ErrorRecord:
    if isinstance(exc, OnrecordError):
        code, message = exc.code, exc.message
    else:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        code, message = "input", f"{url}: could not be read ({detail})"
    return ErrorRecord(id=url, source=url, error=ErrorInfo(code=code, message=message))


def _fetch_page(
    fetcher: Fetcher, url: str, *, max_bytes: int, default_published: str | None
) -> Document | ErrorRecord:
    """A feed's item: a page, never another feed."""
    try:
        fetched = fetcher.fetch(url, max_bytes=max_bytes)
        if fetched.media_type not in HTML_TYPES and _is_feed(fetched):
            raise FetchError(
                "content_type", f"{url}: a feed inside a feed is not followed", document=url
            )
        return _page(fetched, id=url, default_published=default_published)
    except Exception as exc:
        return _error(url, exc)


def iter_url(
    given: str, fetcher: Fetcher, *, max_bytes: int, default_published: str | None
) -> Iterator[Document | ErrorRecord]:
    """The page at ``given``, or one document per item when it is an RSS/Atom feed.

    An item's date in the feed stands in when its page states none; ``default_published``
    when neither does.
    """
    url = canonical(given)
    try:
        fetched = fetcher.fetch(url, max_bytes=max_bytes)
        items = _feed_items(fetched) if _is_feed(fetched) else None
        if items is None:
            yield _page(fetched, id=url, default_published=default_published)
            return
    except Exception as exc:
        yield _error(url, exc)
        return
    if not items:
        yield _error(url, EmptyInput(f"{url}: the feed lists no items with a link", document=url))
    for link, date in items:
        yield _fetch_page(
            fetcher, link, max_bytes=max_bytes, default_published=date or default_published
        )
