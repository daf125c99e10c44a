"""The warm-up of ``onrecord serve``: the costlier answers its first visitors ask for,
worked out in a background thread after start-up, and again after the corpus changes.

The server remembers the costlier answers while the corpus is unchanged
(``queries.memo``); without a warm-up, the first request of each pays for its own:
a figures query over the whole corpus (0.1 to 1 s on 10,000 articles), every outlet's
speaker list, the corpus entities. ``Warmer`` works them out ahead, in one thread, one
after the other, at the lowest CPU priority (Linux), on a connection of the server's
pool:

- the outlets, the speaker names, the speakers of every outlet (one read of the
  speaker index for all of them), the speakers of the home page, the outlets page, the
  corpus entities;
- the figures of the measures the figures page suggests and of the word families it
  knows (``WARM_FIGURES``); a term of the same family ("dead", "deaths") is answered
  from the same entry.

It checks the corpus every ``every`` seconds (the largest document and quote pks, as
the memo does) and warms again once a change has stopped (two checks in a row see the
same corpus): a running ``onrecord ingest`` does not make it work after every article.
A request that asks for an answer being worked out waits for it rather than working it
out twice. Failures are logged, never raised: a request works the answer out itself.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from ..store import Corpus
from . import queries
from .deps import CorpusPool

__all__ = ["WARM_FIGURES", "Warmer", "warm"]

logger = logging.getLogger("onrecord.web")

#: Figures worked out ahead: the terms the figures page suggests, and one word of each
#: family of words ``store/figures.py`` knows (the deaths, the injured, the missing, the
#: displaced, the detained).
WARM_FIGURES = ("killed", "missing", "injured", "displaced", "detained")


def warm_steps(
    corpus: Corpus, figures: Sequence[str] = WARM_FIGURES
) -> list[tuple[str, Callable[[], Any]]]:
    """(name, work) of each answer worked out ahead, in order: the quick and common first."""
    from . import api, pages

    def speakers() -> None:
        queries.speaker_list(corpus)
        for outlet in queries.speaker_counts(corpus):
            if outlet is not None:
                queries.speaker_list(corpus, outlet=outlet)

    steps: list[tuple[str, Callable[[], Any]]] = [
        ("outlets", lambda: queries.memo(corpus, "outlets", (False,), corpus.outlets)),
        ("speaker names", lambda: queries.speaker_spellings(corpus)),
        ("speakers", speakers),
        ("home page", lambda: pages.home_speakers(corpus)),
        ("outlets page", lambda: pages.outlets_page_view(corpus)),
        ("corpus entities", lambda: api.corpus_entities(corpus)),
    ]
    for term in figures:
        steps.append((f"figures {term!r}", functools.partial(api.figures_answer, corpus, term)))
    return steps


def warm(
    corpus: Corpus,
    *,
    figures: Sequence[str] = WARM_FIGURES,
    stop: threading.Event | None = None,
) -> list[str]:
    """Work out the answers of ``warm_steps`` on ``corpus`` (until ``stop`` is set);
    returns the names of the steps that failed (and logs why)."""
    failed = []
    for name, work in warm_steps(corpus, figures):
        if stop is not None and stop.is_set():
            break
        try:
            work()
        except Exception:
            logger.warning("warm-up: %s failed", name, exc_info=True)
            failed.append(name)
    return failed


class Warmer:
    """``warm`` in a daemon thread on a connection of ``pool``: at start, then whenever
    the corpus has changed and stayed unchanged for ``every`` seconds.
    ``start()``, ``stop()``; ``warmed`` is set after each complete pass (``passes``,
    ``seconds``: how long the last took)."""

    def __init__(
        self, pool: CorpusPool, *, every: float = 10.0, figures: Sequence[str] = WARM_FIGURES
    ) -> None:
        self.pool = pool
        self.every = every
        self.figures = tuple(figures)
        self.passes = 0
        self.seconds = 0.0  # how long the last complete pass took
        self.warmed = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread (again after ``stop``: an app may start more than once)."""
        self.stop()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(self._stop,), name="onrecord-warm-up", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self, stop: threading.Event) -> None:
        # Linux: this thread only, at the lowest priority (requests come first)
        with contextlib.suppress(AttributeError, OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        warmed: tuple[int, int] | None = None
        seen: tuple[int, int] | None = None
        while not stop.is_set():
            try:
                corpus = self.pool.acquire()
            except Exception:
                logger.warning("warm-up: cannot open the corpus", exc_info=True)
            else:
                try:
                    version = queries.corpus_version(corpus)
                    if version != warmed and (warmed is None or version == seen):
                        self.warmed.clear()
                        started = time.perf_counter()
                        warm(corpus, figures=self.figures, stop=stop)
                        if not stop.is_set():
                            warmed = version
                            self.seconds = time.perf_counter() - started
                            self.passes += 1
                            self.warmed.set()
                    seen = version
                except Exception:
                    logger.warning("warm-up failed", exc_info=True)
                finally:
                    self.pool.release(corpus)
            stop.wait(self.every)
