"""``--attribution-model DIR`` (and ``ONRECORD_ATTRIBUTION_MODEL``) from the command line to
every process that analyses: the setting, its error path, the CLI commands, the process
pool's workers, the Ray engine's actor, the store, and the record's ``pipeline`` field.

The model is a tiny one trained here on tests/data/brat_tiny (one epoch, a few seconds)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from onrecord.attribution_model import (
    ATTRIBUTION_MODE_ENV,
    ATTRIBUTION_MODEL_ENV,
    META_FILE,
    AttributionSetting,
    as_setting,
    model_info,
)
from onrecord.cli import app, main
from onrecord.errors import OnrecordError
from onrecord.types import Record

TINY = Path(__file__).parent / "data" / "brat_tiny"
FLU = TINY / "flu.txt"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_model_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ATTRIBUTION_MODEL_ENV, raising=False)
    monkeypatch.delenv(ATTRIBUTION_MODE_ENV, raising=False)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from onrecord.train.model import TrainSettings, train_attribution

    path = tmp_path_factory.mktemp("attr") / "tiny-model"
    train_attribution(TINY, path, settings=TrainSettings(max_epochs=1))
    return path


def _not_a_model(tmp_path: Path) -> Path:
    folder = tmp_path / "not-a-model"
    folder.mkdir()
    return folder


def _run_main(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["onrecord", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    code = exit_info.value.code
    return code if isinstance(code, int) else 1


# --- the setting ---------------------------------------------------------------------------


def test_setting_from_arguments_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not AttributionSetting.from_env().enabled
    assert as_setting(None) == AttributionSetting()
    assert as_setting("") == AttributionSetting()
    monkeypatch.setenv(ATTRIBUTION_MODEL_ENV, "models/x")
    assert as_setting(None) == AttributionSetting("models/x")
    assert as_setting("") == AttributionSetting()  # explicit: the rules alone
    assert as_setting(Path("other")) == AttributionSetting("other")
    monkeypatch.setenv(ATTRIBUTION_MODE_ENV, "model-only")
    env = AttributionSetting.from_env()
    assert env.mode == "model-only"
    assert env.component_config() == {"path": "models/x", "mode": "model-only"}
    assert env.env() == {ATTRIBUTION_MODEL_ENV: "models/x", ATTRIBUTION_MODE_ENV: "model-only"}
    setting = AttributionSetting.of("m", {"mode": "hybrid", "threshold": 0.5})
    assert setting.component_config() == {"path": "m", "mode": "hybrid", "threshold": 0.5}
    assert setting.cache_key() != AttributionSetting.of("m").cache_key()
    assert setting.resolved().path == str(Path("m").resolve())
    with pytest.raises(OnrecordError):
        AttributionSetting.of("m", {"path": "n"})


def test_check_says_what_is_wrong_in_one_line(tmp_path: Path) -> None:
    AttributionSetting().check()  # no model: nothing to check
    with pytest.raises(OnrecordError) as missing:
        AttributionSetting.of(tmp_path / "nowhere").check()
    assert missing.value.message == (
        f"{tmp_path / 'nowhere'}: no such attribution model directory; "
        "train one with `onrecord train attribution`"
    )
    folder = _not_a_model(tmp_path)
    with pytest.raises(OnrecordError) as empty:
        AttributionSetting.of(folder).check()
    assert empty.value.message == (
        f"{folder}: not an attribution model directory (no {META_FILE}); "
        "train one with `onrecord train attribution`"
    )
    (folder / META_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(OnrecordError, match="cannot be read"):
        model_info(folder)
    assert "\n" not in str(empty.value)


# --- the CLI -------------------------------------------------------------------------------


def test_help_explains_the_option() -> None:
    for command in ("analyze", "ingest"):
        result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0
        assert "--attribution-model" in result.stdout
        assert "ONRECORD_ATTRIBUTION_MODEL" in result.stdout


def test_analyze_with_a_folder_that_is_not_a_model_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _not_a_model(tmp_path)
    code = _run_main(monkeypatch, "analyze", str(FLU), "--attribution-model", str(folder))
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err == (
        f"onrecord: error: {folder}: not an attribution model directory (no {META_FILE}); "
        "train one with `onrecord train attribution`\n"
    )
    code = _run_main(
        monkeypatch, "analyze", str(FLU), "--attribution-model", str(tmp_path / "nowhere")
    )
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert "no such attribution model directory" in err and "Traceback" not in err


def test_ingest_with_a_folder_that_is_not_a_model_is_one_line(tmp_path: Path) -> None:
    folder = _not_a_model(tmp_path)
    db = tmp_path / "x.db"
    result = runner.invoke(
        app, ["ingest", str(FLU), "--db", str(db), "--attribution-model", str(folder)]
    )
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"onrecord: error: {folder}: not an attribution model directory (no {META_FILE}); "
        "train one with `onrecord train attribution`"
    ]
    assert not db.exists()  # stopped before anything was opened


def test_analyze_flag_reaches_the_pipeline_and_names_the_model(
    tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = runner.invoke(app, ["analyze", str(FLU)])
    assert rules.exit_code == 0, rules.output
    assert "attribution model" not in json.loads(rules.stdout)["pipeline"]

    # the flag wins over the environment (which names no model here)
    monkeypatch.setenv(ATTRIBUTION_MODEL_ENV, str(_not_a_model(tmp_path)))
    result = runner.invoke(app, ["analyze", str(FLU), "--attribution-model", str(tiny_model)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    info = model_info(tiny_model)
    assert record["pipeline"].endswith(
        f"; attribution model tiny-model (onrecord-attribution-tagger, epoch 1 of 1, "
        f"sha256 {info.digest})"
    )
    assert record["quotes"]


def test_environment_alone_reaches_the_pipeline(
    tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ATTRIBUTION_MODEL_ENV, str(tiny_model))
    result = runner.invoke(app, ["analyze", str(FLU)])
    assert result.exit_code == 0, result.output
    assert "; attribution model tiny-model (" in json.loads(result.stdout)["pipeline"]


def test_a_config_key_the_component_refuses_is_one_line(tiny_model: Path) -> None:
    from onrecord.nlp import get_nlp

    setting = AttributionSetting.of(tiny_model, {"no_such_key_for_tests": 1})
    with pytest.raises(OnrecordError) as refused:
        get_nlp(attribution=setting)
    message = refused.value.message
    assert message.startswith(f"{tiny_model}: the attribution model could not be added with")
    assert "no_such_key_for_tests" in message and "\n" not in message


# --- other processes -----------------------------------------------------------------------


def _documents() -> list[object]:
    from onrecord.ingest import document_from_path

    return [document_from_path(str(TINY / f"{name}.txt")) for name in ("flu", "plant", "bridge")]


@pytest.mark.slow
def test_pool_workers_get_the_setting_not_the_environment(tiny_model: Path) -> None:
    from onrecord.pipeline import analyze_documents

    setting = AttributionSetting.of(tiny_model)
    docs = _documents()
    alone = list(analyze_documents(docs, workers=1, attribution=setting))  # type: ignore[arg-type]
    pooled = list(
        analyze_documents(docs, workers=2, batch_size=1, attribution=setting)  # type: ignore[arg-type]
    )
    assert all(isinstance(r, Record) for r in pooled)
    assert [r.model_dump() for r in pooled] == [r.model_dump() for r in alone]
    assert all("attribution model tiny-model (" in r.pipeline for r in pooled)  # type: ignore[union-attr]


def test_worker_init_follows_its_argument_not_the_environment(
    tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What each pool worker runs first (in this process: the fork server's environment is
    the one of the moment it started, so the argument is the only reliable carrier)."""
    from onrecord import pipeline
    from onrecord.attribution_model import COMPONENT

    monkeypatch.setattr(pipeline, "_worker_nlp", None)
    monkeypatch.setattr(pipeline, "_worker_error", None)
    monkeypatch.setenv(ATTRIBUTION_MODEL_ENV, str(tiny_model))
    pipeline._worker_init(None, AttributionSetting())
    assert pipeline._worker_nlp is not None
    assert COMPONENT not in pipeline._worker_nlp.pipe_names
    monkeypatch.delenv(ATTRIBUTION_MODEL_ENV)
    pipeline._worker_init(None, AttributionSetting.of(tiny_model))
    assert COMPONENT in pipeline._worker_nlp.pipe_names
    pipeline._worker_init(None, AttributionSetting.of(tiny_model, {"no_such_key_for_tests": 1}))
    assert pipeline._worker_error is not None
    with pytest.raises(OnrecordError, match="no_such_key_for_tests"):
        pipeline._worker_run([])


@pytest.mark.slow
def test_a_worker_that_cannot_load_the_model_stops_the_run(tmp_path: Path) -> None:
    """It passes the parent's check (it has a metadata file) but no worker can load it:
    one error in the parent, not a pool that starts workers for ever."""
    from onrecord.pipeline import analyze_documents

    folder = tmp_path / "odd-model"
    folder.mkdir()
    (folder / META_FILE).write_text('{"kind": "no-such-kind-for-tests", "format": 999}')
    results = analyze_documents(
        _documents(),  # type: ignore[arg-type]
        workers=2,
        batch_size=1,
        attribution=AttributionSetting.of(folder),
    )
    with pytest.raises(OnrecordError, match="no-such-kind-for-tests"):
        list(results)


def test_ray_actor_gets_the_setting(tiny_model: Path, tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    from onrecord.engines import ray_engine

    setting = AttributionSetting.of(tiny_model).resolved()
    items = _documents()
    rules_names = [s.name for s in ray_engine.plan_shards(items, shard_size=2)]  # type: ignore[arg-type]
    model_names = [
        s.name
        for s in ray_engine.plan_shards(items, shard_size=2, attribution=setting)  # type: ignore[arg-type]
    ]
    none_names = [
        s.name
        for s in ray_engine.plan_shards(items, shard_size=2, attribution=AttributionSetting())  # type: ignore[arg-type]
    ]
    assert rules_names == none_names  # without a model, the names of before
    assert set(rules_names).isdisjoint(model_names)  # a model's shards are its own

    (shard,) = ray_engine.plan_shards(items, shard_size=3, attribution=setting)  # type: ignore[arg-type]
    analyzer = ray_engine.ShardAnalyzer(str(tmp_path), attribution=setting)
    batch = pa.table(
        {
            "shard": [shard.name] * 3,
            "seq": [0, 1, 2],
            "shard_rows": [3, 3, 3],
            "item": list(shard.rows),
        }
    )
    out = analyzer(batch)
    assert out.column("errors").to_pylist() == [0]
    records = list(ray_engine.read_shard(tmp_path / shard.name))
    assert all("attribution model tiny-model (" in r.pipeline for r in records)  # type: ignore[union-attr]


def test_ingest_stores_the_model_and_update_analyses_again(
    tiny_model: Path, tmp_path: Path
) -> None:
    from onrecord.store import open_corpus

    db = tmp_path / "news.db"
    first = runner.invoke(app, ["ingest", str(FLU), "--db", str(db)])
    assert first.exit_code == 0, first.output
    again = runner.invoke(
        app, ["ingest", str(FLU), "--db", str(db), "--attribution-model", str(tiny_model)]
    )
    assert again.exit_code == 0 and "1 already stored" in again.output, again.output
    update = runner.invoke(
        app,
        ["ingest", str(FLU), "--db", str(db), "--update", "--attribution-model", str(tiny_model)],
    )
    assert update.exit_code == 0 and "1 updated" in update.output, update.output
    with open_corpus(str(db)) as corpus:
        (pipeline,) = corpus.conn.execute("SELECT pipeline FROM documents").fetchone()
    assert "; attribution model tiny-model (" in pipeline
    same = runner.invoke(
        app,
        ["ingest", str(FLU), "--db", str(db), "--update", "--attribution-model", str(tiny_model)],
    )
    assert same.exit_code == 0 and "1 already stored" in same.output, same.output
