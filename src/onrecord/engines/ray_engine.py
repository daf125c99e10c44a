"""The ingest stages as Ray Data: read -> analyse in actors -> Parquet shards -> the store.

1. **Read** (driver): ``iter_documents`` as for the local engine; every ``Document`` and
   every ``ErrorRecord`` of ingestion is one row. Rows are cut into shards of
   ``shard_size`` rows in input order; a shard's name is derived from its rows (ids,
   texts, metadata) and from the onrecord version, the spaCy model and the trained
   attribution model (if any), so the same input gives the same names on every run.
2. **Plan**: a shard whose Parquet file exists with all its rows is done and is not
   analysed again (reruns are idempotent; a killed run resumes); only the others go to
   Ray, one block per shard (``ray.data.from_arrow``).
3. **Analyse** (``map_batches`` with an actor pool, one whole block per call): each
   actor loads the spaCy model once and runs ``analyze_documents`` (the local engine's
   own function) on the shard, then writes the shard to a temporary file in the output
   directory and renames it: a shard file is complete or absent.
4. **Store** (driver, optional): the shards in input order, each result through
   ``Store.put`` / ``Store.put_error``: one writer, as for the local engine.

A shard holds one row per input row: ``id``, ``source``, ``error_code`` and
``error_message`` (set for a document that could not be read or analysed), ``record``
(the full record as JSON: the ``analyze`` output contract), and columns to query
without parsing JSON: ``title``, ``outlet``, ``published``, ``url``, ``pipeline``,
``quotes`` (a list of structs). See docs/SCALE.md.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..attribution_model import AttributionArg, AttributionSetting, as_setting
from ..errors import OnrecordError
from ..types import Document, ErrorInfo, ErrorRecord, Record

if TYPE_CHECKING:
    from ..store import IngestStats

__all__ = [
    "RAY_MISSING",
    "RayRun",
    "Shard",
    "analyze_to_shards",
    "ingest",
    "load_shards",
    "plan_shards",
    "read_shard",
    "require_ray",
]

RAY_MISSING = "the Ray engine needs Ray: install onrecord[ray] (pip install 'onrecord[ray]')"
#: Bumped when the shard layout changes: shards of another format are not reused.
SHARD_FORMAT = "1"
DEFAULT_SHARD_SIZE = 64
SHARD_SUFFIX = ".parquet"
TMP_SUFFIX = ".tmp"


def require_ray() -> Any:
    """The ``ray`` module, or an ``OnrecordError`` saying how to install it."""
    try:
        import pyarrow  # type: ignore[import-not-found,import-untyped,unused-ignore]  # noqa: F401
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise OnrecordError(RAY_MISSING) from exc
    return ray


# --- rows ----------------------------------------------------------------------------------


def item_to_json(item: Document | ErrorRecord) -> str:
    """One input row (lossless: lone surrogates survive as JSON escapes)."""
    if isinstance(item, ErrorRecord):
        return json.dumps({"kind": "error", **item.model_dump()}, sort_keys=True)
    return json.dumps({"kind": "document", **dataclasses.asdict(item)}, sort_keys=True)


def item_from_json(raw: str) -> Document | ErrorRecord:
    data = json.loads(raw)
    kind = data.pop("kind")
    if kind == "error":
        return ErrorRecord.model_validate(data)
    data["body"] = [(int(s), int(e)) for s, e in data.get("body") or []]
    return Document(**data)


@dataclass(frozen=True, slots=True)
class Shard:
    """``rows`` input rows (JSON, in input order) that become the file ``name``."""

    index: int
    name: str
    rows: tuple[str, ...]


def _salt(model: str | None, attribution: AttributionSetting | None = None) -> str:
    from ..settings import get_settings

    salt = f"onrecord {__version__}; model {model or get_settings().spacy_model}; shards {SHARD_FORMAT}"
    if attribution is not None and attribution.enabled:  # none: the names stay as they were
        salt += f"; {attribution.describe()}"
    return salt


def plan_shards(
    items: Iterable[Document | ErrorRecord],
    *,
    shard_size: int = DEFAULT_SHARD_SIZE,
    model: str | None = None,
    attribution: AttributionSetting | None = None,
) -> Iterator[Shard]:
    """Cut the input rows into shards with names derived from their content."""
    if shard_size < 1:
        raise ValueError("shard_size must be at least 1")
    salt = _salt(model, attribution).encode()
    rows: list[str] = []
    index = 0

    def make() -> Shard:
        digest = hashlib.sha256(salt)
        for row in rows:
            digest.update(b"\0")
            digest.update(row.encode("utf-8"))
        return Shard(
            index, f"part-{index:05d}-{digest.hexdigest()[:16]}{SHARD_SUFFIX}", tuple(rows)
        )

    for item in items:
        rows.append(item_to_json(item))
        if len(rows) >= shard_size:
            yield make()
            rows = []
            index += 1
    if rows:
        yield make()


def shard_complete(path: Path, rows: int) -> bool:
    """True when ``path`` is a readable Parquet file with ``rows`` rows."""
    import pyarrow.parquet as pq  # type: ignore[import-not-found,import-untyped,unused-ignore]

    if not path.is_file():
        return False
    try:
        return int(pq.read_metadata(path).num_rows) == rows
    except Exception:  # a truncated or foreign file: written again
        return False


# --- the actors ----------------------------------------------------------------------------


def _schema() -> Any:
    import pyarrow as pa  # type: ignore[import-not-found,import-untyped,unused-ignore]

    quote = pa.struct(
        [
            ("id", pa.string()),
            ("kind", pa.string()),
            ("speaker", pa.string()),
            ("speaker_type", pa.string()),
            ("content", pa.string()),
            ("cue", pa.string()),
            ("confidence", pa.float64()),
        ]
    )
    return pa.schema(
        [
            ("id", pa.string()),
            ("source", pa.string()),
            ("error_code", pa.string()),
            ("error_message", pa.string()),
            ("title", pa.string()),
            ("outlet", pa.string()),
            ("published", pa.string()),
            ("url", pa.string()),
            ("pipeline", pa.string()),
            ("quotes", pa.list_(quote)),
            ("record", pa.string()),
        ]
    )


def _result_row(result: Record | ErrorRecord) -> dict[str, Any]:
    if isinstance(result, ErrorRecord):
        return {
            "id": result.id,
            "source": result.source,
            "error_code": result.error.code,
            "error_message": result.error.message,
            "quotes": [],
        }
    quotes = [
        {
            "id": q.id,
            "kind": q.kind,
            "speaker": q.speaker.name if q.speaker else None,
            "speaker_type": q.speaker.type if q.speaker else None,
            "content": q.content.text,
            "cue": q.cue.text if q.cue else None,
            "confidence": q.confidence,
        }
        for q in result.quotes
    ]
    return {
        "id": result.id,
        "source": result.source,
        "title": result.title,
        "outlet": result.outlet,
        "published": result.published,
        "url": result.url,
        "pipeline": result.pipeline,
        "quotes": quotes,
        "record": result.to_json(),
    }


def write_shard(path: Path, results: Sequence[Record | ErrorRecord]) -> None:
    """Write ``results`` to ``path`` through a temporary file and a rename."""
    import pyarrow as pa  # type: ignore[import-not-found,import-untyped,unused-ignore]
    import pyarrow.parquet as pq  # type: ignore[import-not-found,import-untyped,unused-ignore]

    table = pa.Table.from_pylist([_result_row(r) for r in results], schema=_schema())
    tmp = path.with_name(f".{path.name}.{os.getpid()}{TMP_SUFFIX}")
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


class ShardAnalyzer:
    """A Ray actor: loads the model once, then analyses and writes whole shards."""

    def __init__(
        self,
        output_dir: str,
        model: str | None = None,
        batch_size: int = 8,
        attribution: AttributionSetting | None = None,
    ) -> None:
        from ..nlp import get_nlp

        self.output_dir = Path(output_dir)
        self.model = model
        self.batch_size = batch_size
        # the driver's setting, never the actor's environment (a cluster node's may differ)
        self.attribution = attribution or AttributionSetting()
        get_nlp(model, attribution=self.attribution)  # once per actor

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa  # type: ignore[import-not-found,import-untyped,unused-ignore]

        from ..pipeline import analyze_documents

        shards: dict[str, list[tuple[int, str]]] = {}
        expected: dict[str, int] = {}
        for row in batch.to_pylist():
            shards.setdefault(row["shard"], []).append((row["seq"], row["item"]))
            expected[row["shard"]] = row["shard_rows"]
        out: dict[str, list[Any]] = {"shard": [], "rows": [], "errors": [], "seconds": []}
        for name, rows in shards.items():
            if len(rows) != expected[name]:  # never cut a shard: its file would be partial
                raise RuntimeError(f"shard {name}: {len(rows)} of {expected[name]} rows in a batch")
            started = time.monotonic()
            items = [item_from_json(raw) for _, raw in sorted(rows)]
            results = list(
                analyze_documents(
                    items,
                    workers=1,
                    batch_size=self.batch_size,
                    model=self.model,
                    attribution=self.attribution,
                )
            )
            write_shard(self.output_dir / name, results)
            out["shard"].append(name)
            out["rows"].append(len(results))
            out["errors"].append(sum(isinstance(r, ErrorRecord) for r in results))
            out["seconds"].append(time.monotonic() - started)
        return pa.table(out)


# --- the driver ----------------------------------------------------------------------------


@dataclass(slots=True)
class RayRun:
    """What ``analyze_to_shards`` did."""

    output_dir: Path
    shards: list[Path] = field(default_factory=list)  # every shard of the input, in order
    written: list[Path] = field(default_factory=list)  # analysed in this run
    reused: list[Path] = field(default_factory=list)  # complete already: left alone
    rows: int = 0
    errors: int = 0  # error rows of the shards written in this run
    init_seconds: float = 0.0
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"{len(self.shards)} shards in {self.output_dir} "
            f"({len(self.written)} written, {len(self.reused)} complete already), {self.rows} rows"
        )


def _local_temp_dir() -> str:
    # Ray puts unix sockets under it: the path must stay short (about 100 bytes at most).
    return tempfile.mkdtemp(prefix="orr", dir="/tmp" if os.path.isdir("/tmp") else None)


@dataclass(slots=True)
class _RaySession:
    address: str | None
    workers: int
    object_store_mb: int
    started: bool = False
    temp_dir: str | None = None

    def __enter__(self) -> _RaySession:
        import logging

        ray = require_ray()
        if ray.is_initialized():  # a caller's session (tests, notebooks): use it as it is
            return self
        kwargs: dict[str, Any] = {
            "include_dashboard": False,
            "log_to_driver": False,
            "logging_level": logging.WARNING,
        }
        if self.address:
            kwargs["address"] = self.address
        else:
            self.temp_dir = _local_temp_dir()
            kwargs.update(
                num_cpus=self.workers,
                object_store_memory=self.object_store_mb * 1024**2,
                _temp_dir=self.temp_dir,
            )
        ray.init(**kwargs)
        self.started = True
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.started:
            return
        import ray

        ray.shutdown()
        if self.temp_dir:
            shutil.rmtree(self.temp_dir, ignore_errors=True)


def analyze_to_shards(
    paths: Sequence[str | os.PathLike[str]],
    output_dir: str | os.PathLike[str],
    *,
    workers: int = 1,
    address: str | None = None,
    published: str | None = None,
    max_bytes: int | None = None,
    shard_size: int = DEFAULT_SHARD_SIZE,
    batch_size: int = 8,
    model: str | None = None,
    object_store_mb: int = 512,
    progress: bool = False,
    on_shard: Callable[[Path, int, int], None] | None = None,
    attribution: AttributionArg = None,
) -> RayRun:
    """Analyse ``paths`` with Ray into Parquet shards in ``output_dir``.

    Without ``address`` Ray starts locally with ``workers`` CPUs (and stops at the end);
    with one (``auto``, ``ray://host:10001``) the run joins that cluster and ``workers``
    is the number of actors. A Ray session that is already initialised is used as it is.
    ``on_shard(path, rows, errors)`` is called as each shard is written.
    ``attribution``: the trained attribution model (None: ``ONRECORD_ATTRIBUTION_MODEL``
    of the driver), given to every actor; its path must exist on every node.
    """
    require_ray()
    from ..ingest import iter_documents
    from ..settings import get_settings

    # the driver's model, named to the actors: a cluster's nodes may have other settings
    model = model or get_settings().spacy_model
    setting = as_setting(attribution).check().resolved()
    out = Path(output_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OnrecordError(f"cannot create {out}: {exc.strerror or exc}") from exc
    for stale in out.glob(f".part-*{TMP_SUFFIX}"):  # left by a run that was killed
        stale.unlink(missing_ok=True)
    run = RayRun(out)
    started = time.monotonic()
    items = iter_documents(list(paths), published=published, max_bytes=max_bytes)
    todo: list[Shard] = []
    for shard in plan_shards(items, shard_size=shard_size, model=model, attribution=setting):
        path = out / shard.name
        run.shards.append(path)
        run.rows += len(shard.rows)
        if shard_complete(path, len(shard.rows)):
            run.reused.append(path)
        else:
            todo.append(shard)
    if todo:
        with _RaySession(address, workers, object_store_mb):
            run.init_seconds = time.monotonic() - started
            for name, rows, errors in _run_dataset(
                todo,
                out,
                workers=workers,
                batch_size=batch_size,
                model=model,
                progress=progress,
                attribution=setting,
            ):
                path = out / name
                run.written.append(path)
                run.errors += errors
                if on_shard is not None:
                    on_shard(path, rows, errors)
    run.seconds = time.monotonic() - started
    return run


def _run_dataset(
    todo: Sequence[Shard],
    out: Path,
    *,
    workers: int,
    batch_size: int,
    model: str | None,
    progress: bool,
    attribution: AttributionSetting | None = None,
) -> Iterator[tuple[str, int, int]]:
    import logging

    import pyarrow as pa  # type: ignore[import-not-found,import-untyped,unused-ignore]
    import ray.data

    if not progress:  # Ray Data logs each execution at INFO: keep stderr to onrecord's lines
        logging.getLogger("ray.data").setLevel(logging.WARNING)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = progress
    context.print_on_execution_start = False
    tables = [
        pa.table(
            {
                "shard": [shard.name] * len(shard.rows),
                "seq": list(range(len(shard.rows))),
                "shard_rows": [len(shard.rows)] * len(shard.rows),
                "item": list(shard.rows),
            }
        )
        for shard in todo
    ]
    dataset = ray.data.from_arrow(tables).map_batches(  # one block (= one shard) per call
        ShardAnalyzer,
        fn_constructor_kwargs={
            "output_dir": str(out.resolve()),
            "model": model,
            "batch_size": batch_size,
            "attribution": attribution or AttributionSetting(),
        },
        batch_size=None,
        batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=max(1, min(workers, len(todo)))),
        num_cpus=1,
    )
    for row in dataset.iter_rows():
        yield str(row["shard"]), int(row["rows"]), int(row["errors"])


# --- the store -----------------------------------------------------------------------------


def read_shard(path: Path) -> Iterator[Record | ErrorRecord]:
    """The results in a shard, in input order."""
    import pyarrow.parquet as pq  # type: ignore[import-not-found,import-untyped,unused-ignore]

    table = pq.read_table(path, columns=["id", "source", "error_code", "error_message", "record"])
    for row in table.to_pylist():
        if row["error_code"] is not None:
            yield ErrorRecord(
                id=row["id"],
                source=row["source"],
                error=ErrorInfo(code=row["error_code"], message=row["error_message"] or ""),
            )
        else:
            yield Record.model_validate_json(row["record"])


def load_shards(
    shards: Iterable[Path],
    db: str | os.PathLike[str],
    *,
    update: bool = False,
    on_result: Callable[[Record | ErrorRecord, IngestStats], None] | None = None,
) -> IngestStats:
    """Store the results of ``shards`` (in order) in the corpus ``db``: one writer.

    A record whose document is stored already is counted and left alone (unless
    ``update``), so loading the same shards twice stores nothing twice.
    """
    from ..store import IngestStats, Store
    from ..store.entities import link_pending
    from ..store.loader import store_result
    from ..store.syndication import index_pending

    stats = IngestStats()
    with Store.open(db) as store:
        for path in shards:
            for result in read_shard(path):
                store_result(store, result, stats, update=update)
                if on_result is not None:
                    on_result(result, stats)
        index_pending(store)  # syndication groups of the new documents
        link_pending(store)  # entities across articles
    return stats


def ingest(
    paths: Sequence[str | os.PathLike[str]],
    db: str | os.PathLike[str] | None,
    output_dir: str | os.PathLike[str],
    *,
    workers: int = 1,
    address: str | None = None,
    published: str | None = None,
    update: bool = False,
    max_bytes: int | None = None,
    shard_size: int = DEFAULT_SHARD_SIZE,
    progress: bool = False,
    on_result: Callable[[Record | ErrorRecord, IngestStats], None] | None = None,
    attribution: AttributionArg = None,
) -> tuple[RayRun, IngestStats | None]:
    """``onrecord ingest --engine ray``: shards, then (unless ``db`` is None) the store."""
    run = analyze_to_shards(
        paths,
        output_dir,
        workers=workers,
        address=address,
        published=published,
        max_bytes=max_bytes,
        shard_size=shard_size,
        progress=progress,
        attribution=attribution,
    )
    if db is None:
        return run, None
    return run, load_shards(run.shards, db, update=update, on_result=on_result)


def default_output_dir(db: str | os.PathLike[str] | None) -> Path:
    """``DB.shards`` beside a database file; ``onrecord-shards`` otherwise."""
    where = os.fspath(db) if db is not None else ""
    if not where or "://" in where:
        return Path("onrecord-shards")
    return Path(f"{where}.shards")


def cli_ingest(
    paths: Sequence[str],
    db: str | os.PathLike[str] | None,
    output_dir: str | os.PathLike[str] | None,
    *,
    workers: int = 1,
    address: str | None = None,
    published: str | None = None,
    update: bool = False,
    max_bytes: int | None = None,
    progress: bool = False,
    attribution: AttributionArg = None,
) -> int:
    """``onrecord ingest --engine ray``: one line per failed document and a summary on
    stderr; returns the number of failed documents. ``db`` None: shards only."""
    import sys

    from ..cli_params import error_line

    out = Path(output_dir) if output_dir is not None else default_output_dir(db)
    shard_size = int(os.environ.get("ONRECORD_SHARD_SIZE") or DEFAULT_SHARD_SIZE)

    def echo(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    def on_result(result: Record | ErrorRecord, stats: IngestStats) -> None:
        if isinstance(result, ErrorRecord):
            echo(error_line(result))

    try:
        run = analyze_to_shards(
            paths,
            out,
            workers=workers,
            address=address,
            published=published,
            max_bytes=max_bytes,
            shard_size=shard_size,
            progress=progress,
            attribution=attribution,
        )
    except KeyboardInterrupt:
        echo(
            f"onrecord: interrupted; complete shards stay in {out}; run the same command to continue"
        )
        raise SystemExit(130) from None
    echo(f"onrecord: ray: {run.summary()} in {run.seconds:.1f} s")
    if db is None:
        errors = 0
        for path in run.shards:
            for result in read_shard(path):
                if isinstance(result, ErrorRecord):
                    echo(error_line(result))
                    errors += 1
        return errors
    try:
        stats = load_shards(run.shards, db, update=update, on_result=on_result)
    except KeyboardInterrupt:
        echo("onrecord: interrupted while storing; run the same command to continue")
        raise SystemExit(130) from None
    echo(f"onrecord: {os.fspath(db)}: {stats.summary()}")
    return stats.failed
