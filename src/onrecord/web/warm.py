"""The warm-up of ``onrecord serve``: the costlier answers its first visitors ask for,
worked out in a background thread after start-up, and again after the corpus changes.

The server remembers the costlier answers while the corpus is unchanged
(``queries.memo``); without a warm-up, the first request of each pays for its own:
a figures query over the whole corpus (0.1 to 1 s on 10,000 articles), every outlet's
speaker list, the corpus entities. ``Warmer`` works them out ahead, in one thread, one
after the other, at the lowest CPU priority (Linux), on a connection of the server's
pool:

- the outlets, the speaker names, every outlet's speaker counts (one read of the speaker
  index for all of them) and the speaker lists of the most quoted outlets
  (``WARM_OUTLETS``), the speakers of the home page, the outlets page, the corpus
  entities;
- the figures of the measures the figures page suggests and of the word families it
  knows (``WARM_FIGURES``; a term of the same family, "dead" or "deaths", is answered
  from the same entry), and of the few words the corpus's figures count most often
  (``WARM_COMMON``, ``common_measures``: "people" on the benchmark corpus).

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
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from ..store import Corpus, StoreError
from ..store.figures import normalise_measure, stem, term_key
from . import queries
from .deps import CorpusPool

__all__ = [
    "WARM_COMMON",
    "WARM_FIGURES",
    "WARM_OUTLETS",
    "Warmer",
    "common_measures",
    "warm",
    "warm_steps",
]

logger = logging.getLogger("onrecord.web")

#: Figures worked out ahead: the terms the figures page suggests, and one word of each
#: family of words ``store/figures.py`` knows (the deaths, the injured, the missing, the
#: displaced, the detained).
WARM_FIGURES = ("killed", "missing", "injured", "displaced", "detained")
#: The speaker lists of this many outlets (the most quoted) are worked out ahead; the
#: others are added up from the counts of every outlet when first asked for (milliseconds),
#: and so do not push the other remembered answers out.
WARM_OUTLETS = 16
#: And the figures of this many of the words the corpus's figures count most often (by
#: claims; "people", "sluice" ...), besides those above.
WARM_COMMON = 3

_WORD = re.compile(r"[^\W\d_]+")


def common_measures(
    corpus: Corpus, n: int = WARM_COMMON, *, besides: Sequence[str] = ()
) -> list[str]:
    """The ``n`` words the measures of the corpus's figures hold most often (counted by
    claims, stop words left out), most frequent first: one word for each stem, none that
    looks for the same figures as a term of ``besides`` (``store.figures.term_key``)."""
    if n <= 0:
        return []
    taken = set()
    for term in besides:
        with contextlib.suppress(StoreError):
            taken.add(term_key(term))
    stems: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    for measure, claims in corpus.conn.execute(
        "SELECT measure, count(*) FROM claims WHERE measure IS NOT NULL GROUP BY measure"
    ):
        content = set(normalise_measure(measure).split())
        for word in set(_WORD.findall(str(measure).lower())):
            if stem(word) in content:
                stems[stem(word)] += int(claims)
                forms.setdefault(stem(word), Counter())[word] += int(claims)
    chosen: list[str] = []
    for key, _ in stems.most_common():
        word = min(forms[key].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        try:
            looks_for = term_key(word)
        except StoreError:
            continue
        if looks_for not in taken:
            taken.add(looks_for)
            chosen.append(word)
            if len(chosen) == n:
                break
    return chosen


def warm_steps(
    corpus: Corpus,
    figures: Sequence[str] = WARM_FIGURES,
    common: int = WARM_COMMON,
    stop: threading.Event | None = None,
) -> list[tuple[str, Callable[[], Any]]]:
    """(name, work) of each answer worked out ahead, in order: the quick and common first."""
    from . import api, pages

    def common_figures() -> None:
        for term in common_measures(corpus, common, besides=figures):
            if stop is not None and stop.is_set():
                return
            api.figures_answer(corpus, term)

    def speakers() -> None:
        queries.speaker_list(corpus)
        counts = queries.speaker_counts(corpus)
        quoted = {o: sum(n for _, _, n, _ in rows) for o, rows in counts.items() if o is not None}
        for outlet in sorted(quoted, key=lambda o: (-quoted[o], o))[:WARM_OUTLETS]:
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
    steps.append(("figures of the commonest measures", common_figures))
    return steps


def warm(
    corpus: Corpus,
    *,
    figures: Sequence[str] = WARM_FIGURES,
    common: int = WARM_COMMON,
    stop: threading.Event | None = None,
) -> list[str]:
    """Work out the answers of ``warm_steps`` on ``corpus`` (until ``stop`` is set);
    returns the names of the steps that failed (and logs why)."""
    failed = []
    for name, work in warm_steps(corpus, figures, common, stop):
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
        self,
        pool: CorpusPool,
        *,
        every: float = 10.0,
        figures: Sequence[str] = WARM_FIGURES,
        common: int = WARM_COMMON,
    ) -> None:
        self.pool = pool
        self.every = every
        self.figures = tuple(figures)
        self.common = common
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
                        warm(corpus, figures=self.figures, common=self.common, stop=stop)
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
