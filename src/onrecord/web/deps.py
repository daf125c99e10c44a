"""What route handlers depend on: a read-only ``Corpus`` per request, from a small pool.

``get_corpus`` (a FastAPI dependency) yields a ``Corpus`` for the duration of one
request. Connections are opened read-only (``mode=ro``; SQLite in WAL mode, so a running
``onrecord ingest`` never blocks the server) and handed to one request at a time, so a
connection is never used by two threads at once.

The pages router uses the same dependency:

    from onrecord.web.deps import get_corpus
    @router.get("/")
    def home(request: Request, corpus: Corpus = Depends(get_corpus)) -> HTMLResponse: ...

and reads ``request.app.state.corpus_path`` (str), ``request.app.state.allow_analyze``
(bool) and ``request.app.state.max_body`` (int).
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator
from pathlib import Path

from fastapi import Request

from ..store import Corpus, open_corpus

__all__ = ["CorpusPool", "get_corpus", "get_pool"]


class CorpusPool:
    """Read-only corpora on one database: at most ``size`` kept idle, more opened on demand.

    ``open_corpus`` checks that the file is an onrecord database of the current schema;
    the pool does it once at creation (``CorpusPool(path)`` raises ``StoreError``) and
    again for each connection it opens.
    """

    def __init__(self, path: str | os.PathLike[str], *, size: int = 8) -> None:
        self.path = os.fspath(Path(path))
        self.size = max(1, size)
        self._idle: queue.LifoQueue[Corpus] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._closed = False
        self.release(open_corpus(self.path))

    def acquire(self) -> Corpus:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            return open_corpus(self.path)

    def release(self, corpus: Corpus) -> None:
        with self._lock:
            if not self._closed and self._idle.qsize() < self.size:
                self._idle.put(corpus)
                return
        corpus.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return


def get_pool(request: Request) -> CorpusPool:
    pool: CorpusPool = request.app.state.pool
    return pool


def get_corpus(request: Request) -> Iterator[Corpus]:
    """A FastAPI dependency: a read-only ``Corpus`` for this request, returned to the pool."""
    pool = get_pool(request)
    corpus = pool.acquire()
    try:
        yield corpus
    finally:
        pool.release(corpus)
