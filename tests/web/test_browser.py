"""The pages in a real browser: Playwright (sync API) driving the Debian chromium, headless,
against the app served by uvicorn in a daemon thread on a free port of 127.0.0.1.

Screenshots go to tests/web/artifacts/ (git-ignored). Skipped when playwright or
/usr/bin/chromium is missing.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
)
CHROMIUM = os.environ.get("ONRECORD_CHROMIUM", "/usr/bin/chromium")
if not os.path.exists(CHROMIUM):
    pytest.skip(
        f"no chromium at {CHROMIUM} (apt-get install chromium, or set ONRECORD_CHROMIUM)",
        allow_module_level=True,
    )

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
ARTICLE = "2024-03-04_coastline-radio_upstream-releases.txt"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def live_server(make_app: Callable[..., Any]) -> Iterator[str]:
    """The app (its own instance, with analysis off) served by uvicorn on 127.0.0.1."""
    import uvicorn

    port = _free_port()
    config = uvicorn.Config(
        make_app(), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="onrecord-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


class Page:
    """A page of a fresh browser context that records console errors and failed requests."""

    def __init__(self, browser: Any, base: str, width: int, height: int) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.context.set_default_timeout(8000)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on(
            "response",
            lambda r: self.errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )

    def goto(self, path: str) -> Any:
        response = self.page.goto(self.base + path)
        assert response is not None and response.ok, (path, response and response.status)
        return self.page

    def shot(self, name: str, *, full_page: bool = True) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


@pytest.fixture
def web(browser: Any, live_server: str) -> Iterator[Callable[..., Page]]:
    opened: list[Page] = []

    def make(width: int = 1280, height: int = 900) -> Page:
        page = Page(browser, live_server, width, height)
        opened.append(page)
        return page

    yield make
    for page in opened:
        page.context.close()


def _active(page: Any) -> dict[str, Any]:
    return dict(
        page.evaluate(
            """() => { const el = document.activeElement; const style = getComputedStyle(el);
            return {tag: el.tagName.toLowerCase(), cls: el.className || "", id: el.id || "",
                    quote: el.getAttribute("data-quote"), outline: style.outlineStyle,
                    outlineWidth: style.outlineWidth}; }"""
        )
    )


def test_search_then_article_with_highlighted_quotes(web: Callable[..., Page]) -> None:
    tab = web()
    page = tab.goto("/")
    page.fill("#q", "spillway")
    page.press("#q", "Enter")
    page.wait_for_url("**/?q=spillway**")
    results = page.locator("ol.results.quotes > li")
    assert results.count() >= 2
    assert page.locator(".result mark", has_text="spillway").count() >= 2
    tab.shot("search")
    page.locator("ol.results.quotes > li a", has_text="in the article").first.click()
    page.wait_for_url("**/articles/**")
    marks = page.locator("article mark.q")
    assert marks.count() >= 8
    assert marks.first.is_visible()
    # a colour per speaker: the first two speakers' marks have different backgrounds
    colours = page.evaluate(
        """() => [...new Set([...document.querySelectorAll('article mark.q[id]')]
            .map(m => getComputedStyle(m).backgroundColor))]"""
    )
    assert len(colours) >= 3, colours
    assert page.locator("span.claim").count() >= 3 and page.locator("span.date").count() >= 3
    tab.shot("article")
    assert not tab.errors, tab.errors


def test_quote_details_by_keyboard(web: Callable[..., Page]) -> None:
    tab = web()
    page = tab.goto(f"/articles/{quote(ARTICLE)}")
    page.keyboard.press("Tab")
    first = _active(page)
    assert first["cls"] == "skip-link"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # shown when focused
    for _ in range(60):
        page.keyboard.press("Tab")
        if _active(page)["quote"]:
            break
    focused = _active(page)
    assert focused["tag"] == "mark" and focused["quote"] == "q1", focused
    assert focused["outline"] != "none" and focused["outlineWidth"] != "0px"  # visible focus
    assert page.locator("#quote-panel .quote-card").count() == 0
    page.keyboard.press("Enter")
    panel = page.locator("#quote-panel")
    panel.locator(".quote-card").wait_for()
    text = panel.inner_text()
    for expected in ("Speaker", "Lena Varga", "Cue", "told", "Kind", "indirect", "Confidence"):
        assert expected in text, text
    assert page.locator("mark#mark-q1").get_attribute("aria-pressed") == "true"
    # the next quote: Tab, then Space
    page.keyboard.press("Tab")
    assert _active(page)["quote"] == "q2"
    page.keyboard.press(" ")
    page.wait_for_function(
        "() => document.querySelector('#quote-panel').textContent.includes('Quote q2')"
    )
    assert "direct" in panel.inner_text() and "said" in panel.inner_text()
    tab.shot("article-quote-panel", full_page=False)
    # a click works too
    page.locator("mark#mark-q4").click()
    page.wait_for_function(
        "() => document.querySelector('#quote-panel').textContent.includes('Jonas Petrik')"
    )
    assert not tab.errors, tab.errors


def test_speaker_page(web: Callable[..., Page]) -> None:
    tab = web()
    page = tab.goto(f"/articles/{quote(ARTICLE)}")
    page.locator(".legend a", has_text="Lena Varga").click()
    page.wait_for_url("**/speakers/Lena%20Varga")
    assert page.locator("h1").inner_text() == "Lena Varga"
    rows = page.locator("table.quotes-table tbody tr")
    assert rows.count() >= 10
    assert "Interior Minister" in page.locator(".facts").inner_text()
    tab.shot("speaker")
    page = tab.goto("/outlets")
    assert "after the framing issue" in page.locator("table.outlets-table").inner_text()
    tab.shot("outlets")
    assert not tab.errors, tab.errors


def test_figure_chart_renders(web: Callable[..., Page]) -> None:
    tab = web()
    page = tab.goto("/figures?term=killed")
    page.wait_for_selector("#figure-chart[data-state]")
    assert page.get_attribute("#figure-chart", "data-state") == "ready"
    canvas = page.locator("#figure-chart canvas").first
    box = canvas.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 100, box
    legend = page.locator("#figure-chart .u-legend").first.inner_text()
    assert "Meridian Times" in legend and "Northgate Daily" in legend
    assert page.locator("table.figures-table tbody tr").count() >= 5
    tab.shot("figures")
    page.locator(".chart-section").screenshot(path=str(ARTIFACTS / "figures-chart.png"))
    assert not tab.errors, tab.errors


def test_figure_chart_shows_an_error_when_the_fetch_fails(web: Callable[..., Page]) -> None:
    tab = web()
    tab.page.route(
        "**/api/figures**",
        lambda route: route.fulfill(
            status=503,
            content_type="application/json",
            body='{"error": {"code": "unavailable", "message": "database is locked"}}',
        ),
    )
    page = tab.goto("/figures?term=killed")
    page.wait_for_selector("#figure-chart[data-state=error]")
    alert = page.locator("#figure-chart .error-box[role=alert]")
    assert alert.is_visible()
    assert "503" in alert.inner_text() and "database is locked" in alert.inner_text()
    assert page.locator("table.figures-table tbody tr").count() >= 5  # the fallback stays
    tab.shot("figures-error", full_page=False)
    tab.page.unroute("**/api/figures**")
    tab.page.route("**/api/figures**", lambda route: route.abort())
    page.reload()
    page.wait_for_selector("#figure-chart[data-state=error]")
    assert "Could not load the chart data" in alert.inner_text()


def test_hostile_article_runs_nothing(web: Callable[..., Page]) -> None:
    from .conftest import BREAKOUT, HOSTILE_FILE

    tab = web()
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    tab.page.on("dialog", on_dialog)
    page = tab.goto(f"/articles/{quote(HOSTILE_FILE)}")
    assert page.locator("article img, article script, article a[href^='javascript']").count() == 0
    assert "<script>alert(1)</script>" in page.locator(".article-text").inner_text()
    page.locator("mark.q").first.click()
    page.locator("#quote-panel .quote-card").wait_for()
    tab.shot("hostile-article", full_page=False)
    tab.goto("/?q=script")
    tab.goto(f"/?q={quote(BREAKOUT)}&speaker={quote(BREAKOUT)}")
    assert not dialogs, dialogs
    assert page.locator("img").count() == 0
    assert not tab.errors, tab.errors


def test_narrow_screen(web: Callable[..., Page]) -> None:
    tab = web(width=375, height=740)
    for name, path in (
        ("narrow-article", f"/articles/{quote(ARTICLE)}"),
        ("narrow-search", "/?q=dam"),
        ("narrow-outlets", "/outlets"),
        ("narrow-figures", "/figures?term=killed"),
    ):
        page = tab.goto(path)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, (path, overflow)  # nothing wider than the screen
        tab.shot(name)
        if name == "narrow-figures":
            page.wait_for_selector("#figure-chart[data-state=ready] canvas")
            page.locator(".chart-section").screenshot(path=str(ARTIFACTS / f"{name}-chart.png"))
    # the selected quote opens as a sheet at the bottom of the screen, beside the text
    page = tab.goto(f"/articles/{quote(ARTICLE)}")
    tab.shot("narrow-article-top", full_page=False)
    page.locator("mark#mark-q2").scroll_into_view_if_needed()
    page.locator("mark#mark-q2").click()
    sheet = page.locator("#selected-quote.open")
    sheet.wait_for()
    box = sheet.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 740 + 1 and box["y"] > 200, box
    assert "Lena Varga" in sheet.inner_text()
    tab.shot("narrow-quote-sheet", full_page=False)
    page.keyboard.press("Escape")
    page.wait_for_selector("#selected-quote.open", state="detached")
    assert _active(page)["quote"] == "q2"  # focus back on the quote
    assert not tab.errors, tab.errors
