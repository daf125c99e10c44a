"""The corpus store: records in SQLite, and the queries over them.

- ``ingest(paths, db, ...)``: analyse files and store the records (one writer).
- ``open_corpus(path) -> Corpus``: quotes, speakers, outlets, exports.
- ``Store``: the writer, for records you already have (``Store.open(path).put(record)``).

The schema is described in docs/CORPUS.md; it opens in Datasette as it is.
"""

from __future__ import annotations

from .db import DEFAULT_DB, PutResult, Store, StoreError, connect, content_hash
from .entities import CorpusEntity, Overrides, link_rows
from .figures import DaySpread, FigureFlag, FigureRow, Figures
from .loader import IngestStats, ingest
from .migrations import MIGRATIONS, migrate
from .queries import Corpus, OutletRow, QuoteRow, SpeakerRow, open_corpus

__all__ = [
    "DEFAULT_DB",
    "MIGRATIONS",
    "Corpus",
    "CorpusEntity",
    "DaySpread",
    "FigureFlag",
    "FigureRow",
    "Figures",
    "IngestStats",
    "OutletRow",
    "Overrides",
    "PutResult",
    "QuoteRow",
    "SpeakerRow",
    "Store",
    "StoreError",
    "connect",
    "content_hash",
    "ingest",
    "link_rows",
    "migrate",
    "open_corpus",
]
