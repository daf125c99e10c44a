"""Which systems ``make eval`` and ``make bench`` run, with which attribution model: the
system list, the default model directory, the per-system setting handed to the pipeline
(never the environment's), and the reports. No PolNeAR and no spaCy needed: a PolNeAR-layout
folder is made from tests/data/brat_tiny and the analysis is replaced by a recorder."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from bench import run as bench_run
from eval import run as eval_run

from onrecord.attribution_model import ATTRIBUTION_MODEL_ENV, META_FILE, AttributionSetting
from onrecord.errors import OnrecordError
from onrecord.types import Document, ErrorInfo, ErrorRecord

TINY = Path(__file__).parent / "data" / "brat_tiny"


def _fake_model(folder: Path, epoch: int = 3) -> Path:
    folder.mkdir(parents=True)
    meta = {"kind": "onrecord-attribution-tagger", "best_epoch": epoch, "epochs": 5}
    (folder / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    return folder


def _shared(tmp_path: Path) -> Path:
    """A --shared folder with a one-document PolNeAR dev split."""
    split = tmp_path / "shared" / "data" / "polnear" / "dev"
    (split / "text").mkdir(parents=True)
    (split / "attributions").mkdir()
    shutil.copy(TINY / "flu.txt", split / "text" / "flu.txt")
    shutil.copy(TINY / "flu.ann", split / "attributions" / "flu_d1.ann")
    return tmp_path / "shared"


def test_system_list() -> None:
    names = [s.name for s in eval_run.plan_systems(None)]
    assert names == ["onrecord", "textacy"]
    assert all(not s.attribution.enabled for s in eval_run.plan_systems(None))

    model = Path("models/m")
    systems = eval_run.plan_systems(model)
    assert [s.name for s in systems] == ["onrecord", "onrecord+model", "textacy"]
    assert systems[0].attribution == AttributionSetting()  # the rules alone
    assert systems[1].attribution == AttributionSetting.of(model)
    assert systems[1].kind == "onrecord"

    modes = eval_run.plan_systems(model, ["hybrid", "model-only", "hybrid"], textacy=False)
    assert [s.name for s in modes] == [
        "onrecord",
        "onrecord+model[hybrid]",
        "onrecord+model[model-only]",
    ]
    assert modes[2].attribution.component_config() == {"path": "models/m", "mode": "model-only"}
    with pytest.raises(ValueError, match="needs a model"):
        eval_run.plan_systems(None, ["hybrid"])
    with pytest.raises(ValueError, match="unknown system"):
        eval_run.System.named("onrecord+model")


def test_default_model_dir(tmp_path: Path) -> None:
    default = tmp_path / "models" / "attribution-polnear"
    assert eval_run.default_model_dir(None, default=default) is None  # absent: no model
    default.mkdir(parents=True)
    assert eval_run.default_model_dir(None, default=default) is None  # no metadata: no model
    (default / META_FILE).write_text("{}", encoding="utf-8")
    assert eval_run.default_model_dir(None, default=default) == default
    assert eval_run.default_model_dir(None, no_model=True, default=default) is None
    other = _fake_model(tmp_path / "other")
    assert eval_run.default_model_dir(other, default=default) == other
    with pytest.raises(OnrecordError, match="not an attribution model directory"):
        eval_run.default_model_dir(tmp_path, default=default)


def test_each_system_gets_its_own_setting_whatever_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import onrecord.pipeline

    model = _fake_model(tmp_path / "tagger", epoch=4)
    monkeypatch.setenv(ATTRIBUTION_MODEL_ENV, str(tmp_path / "elsewhere"))
    seen: list[AttributionSetting] = []

    def recorder(
        items: Iterable[Document], *, workers: int = 1, attribution: Any = None, **_: Any
    ) -> Iterator[ErrorRecord]:
        seen.append(attribution)
        for doc in items:
            yield ErrorRecord(id=doc.id, source=doc.source, error=ErrorInfo(code="x", message="y"))

    monkeypatch.setattr(onrecord.pipeline, "analyze_documents", recorder)
    systems = eval_run.plan_systems(model, ["hybrid", "model-only"], textacy=False)
    result = eval_run.evaluate(_shared(tmp_path), systems=systems)
    assert seen == [
        AttributionSetting(),
        AttributionSetting.of(model, {"mode": "hybrid"}),
        AttributionSetting.of(model, {"mode": "model-only"}),
    ]
    assert list(result.systems) == [s.name for s in systems]
    assert set(result.models) == {"onrecord+model[hybrid]", "onrecord+model[model-only]"}

    # the default systems (the floors test's) are the rules alone, not the environment's model
    seen.clear()
    eval_run.evaluate(_shared(tmp_path / "again"), systems=["onrecord"])
    assert seen == [AttributionSetting()]

    summary = eval_run.format_summary(result)
    assert (
        f"onrecord+model[hybrid] = rules + attribution model {model} "
        "(kind onrecord-attribution-tagger, epoch 4 of 5, sha256 "
    ) in summary
    assert summary.splitlines()[-1].endswith(", mode model-only)")
    table = eval_run.format_table(result)
    assert "| onrecord+model[model-only] | attribution | all |" in table
    assert json.loads(json.dumps(result.to_json()))["models"]["onrecord+model[hybrid]"][
        "config"
    ] == {"mode": "hybrid"}

    doc = tmp_path / "EVALUATION.md"
    doc.write_text(
        f"# Evaluation\n\nkept\n\n{eval_run.START_MARKER}\nOLD TABLE\n{eval_run.END_MARKER}\n\nalso kept\n"
    )
    eval_run.write_docs(result, doc)
    written = doc.read_text()
    assert "kept" in written and "also kept" in written and "OLD TABLE" not in written
    assert "`onrecord+model` rows: the same rules with the trained attribution model" in written


def test_eval_main_flags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    absent = tmp_path / "no-shared"
    with pytest.raises(SystemExit) as bad_model:
        eval_run.main(["--shared", str(absent), "--attribution-model", str(tmp_path)])
    assert bad_model.value.code == 2
    assert "not an attribution model directory" in capsys.readouterr().err
    with pytest.raises(SystemExit) as mode_alone:
        eval_run.main(["--shared", str(absent), "--no-model", "--model-mode", "hybrid"])
    assert mode_alone.value.code == 2
    assert "--model-mode needs a model" in capsys.readouterr().err
    assert eval_run.main(["--shared", str(absent)]) == 0  # no PolNeAR: skipped, as before
    assert "skipped" in capsys.readouterr().out


def _timing(label: str, seconds: float) -> bench_run.Timing:
    return bench_run.Timing(label, seconds, 10, 1000)


def test_bench_report_gives_the_model_ratio(tmp_path: Path) -> None:
    from onrecord.attribution_model import model_info

    corpus = bench_run.Corpus("c", ["a"], ["text"])
    memory = {"self_mb": 1.0, "self_before_pool_mb": 1.0, "children_mb": 0.0}
    facts = {"nproc": "2"}
    rules = [
        _timing("bare spaCy parse", 1.0),
        _timing(bench_run.ONE_PROCESS, 2.0),
    ]
    report = bench_run.format_report(corpus, rules, memory, facts, 1)
    assert "attribution model" not in report  # nothing changes without a model

    timings = [*rules, _timing(bench_run.WITH_MODEL, 3.0)]
    assert bench_run.model_throughput_ratio(timings) == pytest.approx(2 / 3)
    info = model_info(_fake_model(tmp_path / "tagger"))
    report = bench_run.format_report(corpus, timings, memory, facts, 1, info)
    assert f"| {bench_run.WITH_MODEL} | 3.00 |" in report
    assert (
        "- onrecord with the attribution model / rules only throughput: **0.67** "
        "(meets the goal of 0.5); model "
    ) in report
    slow = [*rules, _timing(bench_run.WITH_MODEL, 5.0)]
    assert "**0.40** (below the goal" in bench_run.format_report(corpus, slow, memory, facts, 1)


def test_bench_main_rejects_a_folder_that_is_not_a_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as bad:
        bench_run.main(["--shared", str(tmp_path), "--attribution-model", str(tmp_path)])
    assert bad.value.code == 2
    assert capsys.readouterr().err.startswith("bench: error: ")
