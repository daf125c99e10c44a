"""The Ray engine (src/onrecord/engines/ray_engine.py) against the local engine.

One local Ray session (2 CPUs) for the module; ~35 small documents cut from the example
articles, plus inputs that cannot be read. Skipped when Ray is not installed.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("ray")
pytest.importorskip("pyarrow")

from onrecord.engines import ray_engine  # noqa: E402
from onrecord.errors import OnrecordError  # noqa: E402
from onrecord.types import ErrorRecord, Record  # noqa: E402

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "articles"
SHARD_SIZE = 8
#: Error rows expected from the bad inputs: code per source file name.
BAD = {"binary.txt": "binary", "empty.txt": "empty"}


def _small_docs() -> list[dict[str, str]]:
    """The first two of every three paragraphs of the example articles (each a document)."""
    meta = {}
    for line in (EXAMPLES / "metadata.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        name, outlet, published, *_ = line.split("\t")
        meta[name] = (outlet, published)
    rows = []
    for path in sorted(EXAMPLES.glob("*.txt")):
        outlet, published = meta[path.name]
        paragraphs = [p for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
        for n in range(0, len(paragraphs), 3):
            rows.append(
                {
                    "id": f"{path.stem}#{n // 3}",
                    "text": "\n\n".join(paragraphs[n : n + 2]) + "\n",
                    "outlet": outlet,
                    "published": published,
                }
            )
    return rows


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    rows = _small_docs()
    assert 30 <= len(rows) <= 50
    lines = [json.dumps(row) for row in rows]
    lines.insert(5, '{"id": "broken", "text": ')  # a malformed JSONL line
    lines.insert(9, json.dumps({"id": "blank", "text": "   "}))  # an empty document
    (folder / "docs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 64)
    (folder / "empty.txt").write_bytes(b"")
    return folder


@pytest.fixture(scope="module")
def ray_session() -> Iterator[None]:
    import ray

    temp = tempfile.mkdtemp(prefix="ort", dir="/tmp")
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        object_store_memory=256 * 1024**2,
        _temp_dir=temp,
        log_to_driver=False,
    )
    yield
    ray.shutdown()
    shutil.rmtree(temp, ignore_errors=True)


@pytest.fixture(scope="module")
def first_run(
    corpus: Path, ray_session: None, tmp_path_factory: pytest.TempPathFactory
) -> ray_engine.RayRun:
    out = tmp_path_factory.mktemp("shards")
    return ray_engine.analyze_to_shards([corpus], out, workers=2, shard_size=SHARD_SIZE)


def _json_by_id(results: list[Record | ErrorRecord]) -> list[str]:
    return [r.to_json() for r in sorted(results, key=lambda r: (r.id, r.source))]


def _all_results(run: ray_engine.RayRun) -> list[Record | ErrorRecord]:
    return [r for path in run.shards for r in ray_engine.read_shard(path)]


def _state(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


def test_same_records_as_the_local_engine(corpus: Path, first_run: ray_engine.RayRun) -> None:
    from onrecord.ingest import iter_documents
    from onrecord.pipeline import analyze_documents

    local = list(analyze_documents(iter_documents([corpus]), workers=1, batch_size=8))
    ray_results = _all_results(first_run)
    # Nothing is left out of the comparison: every field, the pipeline id included.
    assert _json_by_id(ray_results) == _json_by_id(local)
    # and in input order, shard after shard
    assert [r.id for r in ray_results] == [r.id for r in local]
    assert len(first_run.shards) == -(-len(local) // SHARD_SIZE)
    assert len(first_run.written) == len(first_run.shards) and not first_run.reused


def test_bad_inputs_are_error_rows(first_run: ray_engine.RayRun) -> None:
    results = _all_results(first_run)
    errors = [r for r in results if isinstance(r, ErrorRecord)]
    records = [r for r in results if isinstance(r, Record)]
    by_file = {Path(e.source.split(":")[0]).name: e.error.code for e in errors}
    for name, code in BAD.items():
        assert by_file.get(name) == code, by_file
    assert {e.error.code for e in errors} >= {"malformed", "empty", "binary"}
    assert first_run.errors == len(errors) == 4
    assert len(records) == len(_small_docs())  # the run went on after each bad input
    assert sum(len(r.quotes) for r in records) > 20


def test_rerun_writes_nothing(corpus: Path, first_run: ray_engine.RayRun) -> None:
    before = _state(first_run.output_dir)
    again = ray_engine.analyze_to_shards([corpus], first_run.output_dir, workers=2, shard_size=8)
    assert again.written == [] and again.reused == first_run.shards
    assert _state(first_run.output_dir) == before


def test_a_killed_run_resumes(corpus: Path, first_run: ray_engine.RayRun) -> None:
    out = first_run.output_dir
    expected = _json_by_id(_all_results(first_run))
    lost, cut = first_run.shards[1], first_run.shards[-1]
    lost.unlink()  # killed before this shard was renamed into place ...
    (out / f".{lost.name}.4242.tmp").write_bytes(b"PAR1 half written")  # ... its temp file
    cut.write_bytes(cut.read_bytes()[:100])  # a shard cut short (not by onrecord: it renames)
    untouched = {p.name: p.stat().st_mtime_ns for p in first_run.shards if p not in (lost, cut)}
    resumed = ray_engine.analyze_to_shards([corpus], out, workers=1, shard_size=SHARD_SIZE)
    assert sorted(resumed.written) == sorted([lost, cut])
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in first_run.shards)
    assert {p.name: p.stat().st_mtime_ns for p in resumed.reused} == untouched
    assert _json_by_id(_all_results(resumed)) == expected


def _ingest_command(corpus: Path, out: Path) -> list[str]:
    return [
        sys.executable,
        "-c",
        "from onrecord.cli import main; main()",
        *["ingest", str(corpus), "--engine", "ray", "--workers", "1"],
        *["--output-dir", str(out), "--no-store", "--no-progress"],
    ]


def _session_members(sid: int) -> list[int]:
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[3]) == sid and fields[0] != "Z":  # session id; zombies are dead already
            members.append(int(stat.parent.name))
    return members


def _kill_session(sid: int) -> None:
    """SIGKILL to every process of the session at once, as a power cut would: the driver and
    the Ray processes it started, which put their workers in process groups of their own
    (killing the driver's group alone leaves a worker a moment to finish its shard)."""
    deadline = time.monotonic() + 30
    while (members := _session_members(sid)) and time.monotonic() < deadline:
        for pid in members:  # again until none is left: one may have been starting
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.05)


def test_a_run_killed_midway_resumes_without_duplicates(
    corpus: Path, first_run: ray_engine.RayRun, tmp_path: Path
) -> None:
    """The command itself killed (SIGKILL to the driver and every Ray process it started)
    once some shards are written; the same command again writes
    the missing shards only, and no shard twice."""
    out = tmp_path / "shards"
    env = {**os.environ, "ONRECORD_SHARD_SIZE": "4"}
    expected = _json_by_id(_all_results(first_run))
    process = subprocess.Popen(
        _ingest_command(corpus, out),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    done: dict[str, int] = {}
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if out.is_dir() and len(list(out.glob("part-*.parquet"))) >= 2:
                break
            time.sleep(0.01)
        _kill_session(process.pid)
        process.wait(timeout=30)
        done = {p.name: p.stat().st_mtime_ns for p in out.glob("part-*.parquet")}
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the run finished before it was killed"
    rerun = subprocess.run(
        _ingest_command(corpus, out), env=env, capture_output=True, text=True, timeout=300
    )
    assert rerun.returncode == 1, rerun.stderr  # the unreadable inputs: error rows, exit 1
    shards = sorted(out.glob("part-*.parquet"))
    assert 2 <= len(done) < len(shards), "killed before the second shard or after the last"
    assert sorted(p.name for p in out.iterdir()) == [p.name for p in shards]  # no temp files
    assert {n: t for n, t in ((p.name, p.stat().st_mtime_ns) for p in shards) if n in done} == done
    said = [
        line for line in (rerun.stdout + rerun.stderr).splitlines() if "complete already" in line
    ]
    assert said and f"{len(done)} complete already" in said[0], said
    results = [r for p in shards for r in ray_engine.read_shard(p)]
    assert len(results) == len({(r.id, r.source) for r in results})  # nothing twice
    assert _json_by_id(results) == expected


def test_store_and_cli(
    corpus: Path, first_run: ray_engine.RayRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from onrecord.cli import app
    from onrecord.store import open_corpus

    db = tmp_path / "news.db"
    stats = ray_engine.load_shards(first_run.shards, db)
    assert stats.inserted == len(_small_docs()) and stats.failed == 4
    again = ray_engine.load_shards(first_run.shards, db)
    assert again.inserted == 0 and again.unchanged == len(_small_docs())
    with open_corpus(db) as stored:
        assert len(stored.quotes(limit=None)) == sum(
            len(r.quotes) for r in _all_results(first_run) if isinstance(r, Record)
        )
    # the command line: every shard is complete, so Ray is not even needed here
    monkeypatch.setenv("ONRECORD_SHARD_SIZE", str(SHARD_SIZE))
    result = CliRunner().invoke(
        app,
        ["ingest", str(corpus), "--engine", "ray", "--output-dir", str(first_run.output_dir)]
        + ["--db", str(tmp_path / "cli.db"), "--no-progress"],
    )
    assert result.exit_code == 1, result.output  # 4 documents failed
    assert "[binary]" in result.output and "0 written" in result.output
    assert f"{len(_small_docs())} new" in result.output


def test_without_ray_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(OnrecordError, match=r"install onrecord\[ray\]"):
        ray_engine.require_ray()


def test_shard_names_follow_the_input() -> None:
    from onrecord.ingest import document_from_text

    docs = [document_from_text(f"Text {n}.", id=f"d{n}") for n in range(5)]
    names = [s.name for s in ray_engine.plan_shards(docs, shard_size=2)]
    assert names == [s.name for s in ray_engine.plan_shards(docs, shard_size=2)]
    assert len(set(names)) == 3 and names[0].startswith("part-00000-")
    docs[4].text = "Another text."
    changed = [s.name for s in ray_engine.plan_shards(docs, shard_size=2)]
    assert changed[:2] == names[:2] and changed[2] != names[2]
    assert os.path.splitext(names[0])[1] == ".parquet"
