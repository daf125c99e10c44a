"""Build a ``Document`` from text or HTML once its bytes are decoded."""

from __future__ import annotations

import hashlib

from ..errors import EmptyInput
from ..types import Document
from .body import find_body
from .html import extract_page

__all__ = ["content_id", "html_document", "text_document"]


def content_id(text: str) -> str:
    """A stable id for a text that has no other name."""
    return "sha1-" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def text_document(
    text: str,
    /,
    *,
    id: str | None,
    source: str,
    published: str | None = None,
    default_published: str | None = None,
    title: str | None = None,
    outlet: str | None = None,
    url: str | None = None,
    allow_blank: bool = False,
) -> Document:
    """A document whose text is ``text`` exactly; ``published`` wins over ``default_published``.

    Blank text raises ``EmptyInput`` (a blank file is a mistake worth reporting)
    unless ``allow_blank``: a caller handing over a string gets a record for it.
    """
    if not allow_blank and not text.strip():
        raise EmptyInput(f"{source}: empty (no text)", document=source)
    return Document(
        id=id or content_id(text),
        source=source,
        text=text,
        body=find_body(text),
        title=title,
        outlet=outlet,
        url=url,
        published=published or default_published,
    )


def html_document(
    html: str,
    /,
    *,
    id: str | None,
    source: str,
    published: str | None = None,
    default_published: str | None = None,
    title: str | None = None,
    outlet: str | None = None,
    url: str | None = None,
) -> Document:
    """A document whose text is the article body of ``html``.

    Metadata given by the caller (a JSONL line) wins over what the page says.
    The headline, when the extracted text repeats it, stays in the text but not
    in the body: it is the title, not a paragraph of the article.
    """
    page = extract_page(html, url=url)
    if not page.text.strip():
        raise EmptyInput(f"{source}: no article text found in the HTML", document=source)
    document = text_document(
        page.text,
        id=id,
        source=source,
        published=published or page.published,
        default_published=default_published,
        title=title or page.title,
        outlet=outlet or page.outlet,
        url=url or page.url,
    )
    headlines = {headline.casefold() for headline in (title, page.title) if headline}
    if document.body:
        start, end = document.body[0]
        if document.text[start:end].casefold() in headlines:
            del document.body[0]
    return document
