"""Ingest into a corpus: read -> skip what is stored -> analyse (worker processes) -> store.

Analysis runs in worker processes (``analyze_documents``); storing happens in
this process only, through one ``Store``: one writer. Documents already stored
(same id, or same text under another id) are not analysed again, so a run that
was interrupted continues where it stopped when it is started again.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass, field

from ..attribution_model import AttributionArg, as_setting
from ..types import Document, ErrorRecord, Record
from .db import PutResult, Store, connect, content_hash, find_document
from .dialect import Connection
from .entities import link_pending
from .syndication import index_pending

__all__ = ["IngestStats", "ingest", "store_result"]


@dataclass(slots=True)
class IngestStats:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0  # stored already: not analysed again
    duplicate: int = 0  # the same text is stored (or was just read) under another id
    failed: int = 0
    errors: list[ErrorRecord] = field(default_factory=list)
    # Counted by the planner, which may run in the pool's feeder thread: each
    # counter has one writing thread.
    skipped_unchanged: int = 0
    skipped_duplicate: int = 0

    @property
    def done(self) -> int:
        return (
            self.inserted
            + self.updated
            + self.unchanged
            + self.duplicate
            + self.skipped_unchanged
            + self.skipped_duplicate
            + self.failed
        )

    def summary(self) -> str:
        parts = [f"{self.inserted} new", f"{self.updated} updated"]
        if unchanged := self.unchanged + self.skipped_unchanged:
            parts.append(f"{unchanged} already stored")
        if duplicate := self.duplicate + self.skipped_duplicate:
            parts.append(f"{duplicate} duplicate")
        parts.append(f"{self.failed} failed")
        return ", ".join(parts)


def store_result(
    store: Store, result: Record | ErrorRecord, stats: IngestStats, *, update: bool
) -> None:
    """Store one analysis result (a record, or an error row) and count what happened."""
    if isinstance(result, ErrorRecord):
        store.put_error(result)
        stats.failed += 1
        stats.errors.append(result)
        return
    outcome = store.put(result, replace=update)
    if outcome is PutResult.inserted:
        stats.inserted += 1
    elif outcome is PutResult.updated:
        stats.updated += 1
    elif outcome is PutResult.unchanged:
        stats.unchanged += 1
    else:
        stats.duplicate += 1


def _plan(
    items: Iterable[Document | ErrorRecord],
    open_reader: Callable[[], Connection],
    stats: IngestStats,
    *,
    update: bool,
    current_pipeline: Callable[[], str],
) -> Generator[Document | ErrorRecord, None, None]:
    """Only the documents that need analysis (and every error record).

    May run in the process pool's feeder thread, so it reads through its own
    connection; the writer checks again before storing (this is only a shortcut).
    """
    reader: Connection | None = None
    seen_ids: set[str] = set()
    seen_hashes: set[str] = set()
    try:
        for item in items:
            if isinstance(item, ErrorRecord):
                yield item
                continue
            document = item
            text_hash = content_hash(document.text)
            if document.id in seen_ids or text_hash in seen_hashes:
                stats.skipped_duplicate += 1
                continue
            seen_ids.add(document.id)
            seen_hashes.add(text_hash)
            if reader is None:
                reader = open_reader()
            stored = find_document(reader, document.id, text_hash)
            if stored is not None:
                if stored.id != document.id:
                    stats.skipped_duplicate += 1
                    continue
                if not update or (
                    stored.content_hash == text_hash and stored.pipeline == current_pipeline()
                ):
                    stats.skipped_unchanged += 1
                    continue
            yield document
    finally:
        if reader is not None:
            reader.close()


def ingest(
    paths: Sequence[str | os.PathLike[str]],
    db: str | os.PathLike[str],
    *,
    workers: int = 1,
    published: str | None = None,
    update: bool = False,
    max_bytes: int | None = None,
    batch_size: int = 8,
    on_result: Callable[[Record | ErrorRecord, IngestStats], None] | None = None,
    attribution: AttributionArg = None,
) -> IngestStats:
    """Analyse and store ``paths`` in the corpus ``db``; returns what happened.

    ``attribution``: the trained attribution model, as for ``analyze_documents`` (None:
    ``ONRECORD_ATTRIBUTION_MODEL``); it is part of the records' ``pipeline``.

    A document that fails becomes a row of the ``errors`` table and the run goes
    on. A database problem (locked, read-only, disk full) raises ``StoreError``;
    every document stored before it stays stored.
    """
    from ..ingest import iter_documents
    from ..pipeline import analyze_documents

    where = os.fspath(db)
    setting = as_setting(attribution).check()
    stats = IngestStats()
    pipeline_cache: list[str] = []

    def current_pipeline() -> str:
        if not pipeline_cache:
            from ..nlp import get_nlp
            from ..pipeline import pipeline_id

            pipeline_cache.append(pipeline_id(get_nlp(attribution=setting)))
        return pipeline_cache[0]

    def open_reader() -> Connection:
        return connect(where, readonly=True)

    with Store.open(where) as store:
        if update:
            current_pipeline()  # load the model here, not in the pool's feeder thread
        items = iter_documents(list(paths), published=published, max_bytes=max_bytes)
        todo = _plan(
            items,
            open_reader,
            stats,
            update=update,
            current_pipeline=current_pipeline,
        )
        first = next(todo, None)
        if first is None:  # nothing new: no model to load, no pool to start
            index_pending(store)  # syndication: documents stored but not grouped yet
            link_pending(store)  # entities across articles, when stale (store/entities.py)
            return stats
        results = analyze_documents(
            itertools.chain([first], todo),
            workers=workers,
            batch_size=batch_size,
            attribution=setting,
        )
        try:
            for result in results:
                store_result(store, result, stats, update=update)
                if on_result is not None:
                    on_result(result, stats)
        finally:
            # stops the worker pool at once when storing fails
            close = getattr(results, "close", None)
            if close is not None:
                close()
            todo.close()
        index_pending(store)  # syndication groups of the new documents (store/syndication.py)
        link_pending(store)  # entities across articles (store/entities.py)
    return stats
