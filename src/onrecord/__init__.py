"""onrecord: turn news articles into source-attributed records.

The public API is small::

    import onrecord
    record = onrecord.analyze("“We will rebuild,” the mayor said.", published="2024-01-10")
    for quote in record.quotes:
        print(quote.speaker.name if quote.speaker else "?", quote.content.text)
"""

from __future__ import annotations

__version__ = "0.1.0"

from .api import analyze, analyze_many
from .errors import OnrecordError
from .store import open_corpus
from .types import Claim, DateRef, Document, Entity, ErrorRecord, Quote, Record, Span

__all__ = [
    "__version__",
    "analyze",
    "analyze_many",
    "open_corpus",
    "OnrecordError",
    "Claim",
    "DateRef",
    "Document",
    "Entity",
    "ErrorRecord",
    "Quote",
    "Record",
    "Span",
]
