"""HTML page -> article text and metadata, with trafilatura (and a plain fallback)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .dates import normalise_published

__all__ = ["Page", "extract_page", "looks_like_html"]

_HTML_START = re.compile(r"\s*<(?:!doctype|html)\b", re.IGNORECASE)
_SPACES = re.compile(r"\s+")

# Elements whose text is never article body; the fallback drops them before reading the page.
_CHROME_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "form",
    "nav",
    "header",
    "footer",
    "aside",
    "button",
    "select",
)
# Elements that start a new paragraph in the fallback's plain text.
_BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6",
        "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "table", "tr", "td",
        "th", "figure", "figcaption", "br", "hr", "address",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Page:
    """What an HTML page gives: the article text (paragraphs split by blank lines) and metadata."""

    text: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None


def looks_like_html(text: str) -> bool:
    """True when ``text`` starts, after whitespace, like an HTML document."""
    return _HTML_START.match(text) is not None


def _paragraphs(raw: str) -> str:
    # trafilatura puts one paragraph (or list item, or table row) per line.
    lines = (_SPACES.sub(" ", line).strip() for line in raw.splitlines())
    return "\n\n".join(line for line in lines if line)


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = _SPACES.sub(" ", value).strip()
    return value or None


def _trafilatura(html: str, url: str | None) -> dict[str, Any] | None:
    import trafilatura
    from trafilatura.settings import set_date_params

    try:
        result = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            favor_precision=True,
            include_comments=False,
            # Only dates the page states in its markup: the extensive search guesses from
            # any year on the page (a "© 2024" footer becomes 2024-01-01), and a wrong
            # date is worse than the --published default.
            date_extraction_params=set_date_params(extensive=False),
        )
    except Exception:
        # trafilatura and lxml raise assorted errors on broken markup; the fallback copes.
        return None
    if result is None:
        return None
    return result if isinstance(result, dict) else dict(result.as_dict())


def _metadata(html: str, url: str | None) -> dict[str, Any]:
    from trafilatura import extract_metadata

    try:
        found = extract_metadata(html, default_url=url, extensive=False)
    except Exception:
        return {}
    return dict(found.as_dict()) if found is not None else {}


def _plain_text(html: str) -> str:
    """Text of the page's block elements, without navigation, header, footer and scripts."""
    from trafilatura import load_html

    try:
        tree = load_html(html)
    except Exception:
        return ""
    if tree is None:
        return ""
    for element in tree.xpath("//" + " | //".join(_CHROME_TAGS)):
        parent = element.getparent()
        if parent is not None:
            # Keep the tail: it is text of the parent, not of the removed element.
            tail = element.tail or ""
            previous = element.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + "\n" + tail
            else:
                parent.text = (parent.text or "") + "\n" + tail
            parent.remove(element)
    bodies = tree.xpath("//body")
    root = bodies[0] if bodies else tree
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
            element.text = "\n" + (element.text or "")
    text = "".join(str(piece) for piece in root.itertext())
    return _paragraphs(text)


def extract_page(html: str, *, url: str | None = None) -> Page:
    """The article body of ``html`` and what the page says about itself.

    trafilatura (precision settings, no comments) finds the body; when it
    finds nothing, the text of the page's block elements stands in. ``text``
    is empty when the page has no text at all.
    """
    data = _trafilatura(html, url) or {}
    text = _paragraphs(data.get("text") or "")
    if not text:
        text = _plain_text(html)
        data = data or _metadata(html, url)
    return Page(
        text=text,
        title=_clean(data.get("title")),
        outlet=_clean(data.get("sitename")),
        url=_clean(data.get("url")) or url,
        published=normalise_published(data.get("date")),
    )
