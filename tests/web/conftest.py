"""Fixtures of the web tests (REST API and pages): one small corpus per session, an app on it.

``corpus_db`` ingests examples/articles plus a hostile article (script tags, an attribute
breakout, ``javascript:`` links, a ``javascript:`` URL) once per session. ``app`` is the
read-only app on it; ``client`` a TestClient of that app; ``make_app(**kwargs)`` builds
others (``allow_analyze=True``, a small ``max_body``).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "articles"

HOSTILE_FILE = "2024-03-08_hostile-wire_injection.txt"
HOSTILE_TITLE = '<script>alert("title")</script> Hostile headline "><b>bold</b>'
HOSTILE_URL = "javascript:alert(1)"
HOSTILE_OUTLET = "Hostile Wire"
HOSTILE_SPEAKER = "Mara Quell"
SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
JS_LINK = '<a href="javascript:alert(1)">click here</a>'
HOSTILE_TEXT = f"""{HOSTILE_TITLE}
By Staff Reporter

“{SCRIPT} is what we found in the comment box,” Mara Quell, the site's editor, said on Friday.

“Attackers also tried {BREAKOUT} on the search page,” Quell said.

The page also carried a link, {JS_LINK}, and a bare javascript:alert(document.cookie) address, according to Quell.

“Nobody was harmed by the {SCRIPT} tag,” Quell told reporters.
"""


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus database of the example articles and one hostile article (built once)."""
    from onrecord.store import ingest

    folder = tmp_path_factory.mktemp("web-articles")
    for path in EXAMPLES.iterdir():
        if path.is_file() and path.suffix in {".txt", ".html"}:
            shutil.copy(path, folder / path.name)
    (folder / HOSTILE_FILE).write_text(HOSTILE_TEXT, encoding="utf-8")
    metadata = (EXAMPLES / "metadata.tsv").read_text(encoding="utf-8").rstrip("\n")
    hostile_title = HOSTILE_TITLE.replace("\t", " ")
    metadata += f"\n{HOSTILE_FILE}\t{HOSTILE_OUTLET}\t2024-03-08\t{hostile_title}\t{HOSTILE_URL}\n"
    (folder / "metadata.tsv").write_text(metadata, encoding="utf-8")
    db = tmp_path_factory.mktemp("web-db") / "corpus.db"
    stats = ingest([str(folder)], str(db), workers=1)
    assert stats.failed == 0, stats.errors
    assert stats.inserted == 10, stats.summary()
    return db


@pytest.fixture(scope="session")
def make_app(corpus_db: Path) -> Callable[..., Any]:
    """``make_app(**kwargs)``: ``create_app(corpus_db, **kwargs)``."""
    from onrecord.web.app import create_app

    def make(**kwargs: Any) -> Any:
        return create_app(corpus_db, **kwargs)

    return make


@pytest.fixture(scope="session")
def app(make_app: Callable[..., Any]) -> Any:
    """The read-only app (no --allow-analyze) on ``corpus_db``."""
    return make_app()


@pytest.fixture
def client(app: Any) -> Iterator[Any]:
    """A TestClient of ``app`` (raises no server exceptions: errors come back as responses)."""
    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
