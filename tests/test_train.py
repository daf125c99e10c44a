"""Trainable attribution on hand-written brat documents (tests/data/brat_tiny; no corpus needed):
the reader and its warnings, BIO conversion, a tiny seeded training run, the CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from onrecord.cli import app
from onrecord.errors import OnrecordError
from onrecord.train.brat import read_ann, read_brat_dir
from onrecord.train.data import (
    LABELS,
    bio_tags,
    decode_roles,
    link_roles,
    mend_tags,
    outermost,
)
from onrecord.train.model import AttributionModel, TrainSettings, train_attribution

TINY = Path(__file__).parent / "data" / "brat_tiny"
runner = CliRunner()


def test_reads_flat_layout_with_the_first_annotator_and_parc_names() -> None:
    corpus = read_brat_dir(TINY)
    assert corpus.layout == "flat"
    docs = {d.name: d for d in corpus.documents}
    assert sorted(docs) == ["bad", "bridge", "flu", "plant"]
    bridge = docs["bridge"]
    assert bridge.ann_path.name == "bridge_annA.ann"
    assert bridge.annotators == ["bridge_annA", "bridge_annB"]
    assert len(bridge.attributions) == 3
    plant = docs["plant"]
    # SOURCE / CUE / CONTENT / Attribution_relation are PARC-style names
    assert [a.trigger for a in plant.attributions] == ["Attribution"] * 4
    first = plant.attributions[0]
    assert [plant.text[s:e] for s, e in first.content] == ["“The plant,”", "“will close by 2030.”"]
    assert [plant.text[s:e] for s, e in first.source] == ["the minister"]


def test_bad_input_is_a_warning_naming_file_and_line_and_reading_goes_on() -> None:
    corpus = read_brat_dir(TINY)
    messages = [str(w) for w in corpus.warnings]
    bad = str(TINY / "bad.ann")

    def one(fragment: str) -> str:
        hits = [m for m in messages if fragment in m]
        assert len(hits) == 1, (fragment, messages)
        return hits[0]

    assert one("past the end").startswith(f"{bad}:6: T5:")
    assert one("the label says 'Neighbours'").startswith(f"{bad}:7: T6:")
    assert one("overlapping spans: Cue T7 and Content T8").startswith(f"{bad}:11: E2:")
    assert one("unknown label 'Rumour'").startswith(f"{bad}:12: T10:")
    assert one("no text file orphan.txt").startswith(str(TINY / "orphan.ann"))
    assert len(messages) == 5
    bad_doc = next(d for d in corpus.documents if d.name == "bad")
    assert len(bad_doc.attributions) == 2  # the good one and the doubtful one are kept


def test_reads_polnear_layout(tmp_path: Path) -> None:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    shutil.copy(TINY / "flu.txt", tmp_path / "text" / "flu.txt")
    shutil.copy(TINY / "flu.ann", tmp_path / "attributions" / "flu_d473.ann")
    shutil.copy(TINY / "bridge.txt", tmp_path / "text" / "bridge_2015.txt")
    corpus = read_brat_dir(tmp_path)
    assert corpus.layout == "polnear" and not corpus.warnings
    assert [(d.name, d.annotators) for d in corpus.documents] == [("flu", ["flu_d473"])]


def test_bad_span_syntax_and_event_without_content() -> None:
    text = "Ann said no."
    ann = "T1\tCue 4 x\tsaid\nT2\tCue 4 8\tsaid\nT3\tAttribution 4 8\tsaid\nE1\tAttribution:T3 Cue:T2\n"
    result = read_ann(ann, text, "x.ann")
    assert [str(w) for w in result.warnings] == [
        "x.ann:1: T1: bad span '4 x'; label skipped",
        "x.ann:4: E1: attribution without content; skipped",
    ]


def _blank_doc(text: str):  # type: ignore[no-untyped-def]
    import spacy

    return spacy.blank("en")(text)


def test_bio_tags_outermost_discontinuous_and_back_to_offsets() -> None:
    plant = next(d for d in read_brat_dir(TINY).documents if d.name == "plant")
    outer = outermost(plant.attributions)
    # "had insisted that nothing was decided" is inside the officials' content
    assert len(outer) == 3
    doc = _blank_doc(plant.text)
    tags = bio_tags(doc, plant.attributions)
    assert set(tags) <= set(LABELS)
    spans = decode_roles(doc, tags)

    def chars(role: str) -> list[str]:
        return [
            plant.text[doc[s.start].idx : doc[s.end - 1].idx + len(doc[s.end - 1])]
            for s in spans
            if s.role == role
        ]

    assert chars("CONTENT") == [
        "“The plant,”",
        "“will close by 2030.”",
        "400 jobs are at risk",
        "the minister had insisted that nothing was decided",
    ]
    assert chars("CUE") == ["said", "According to", "said"]
    assert chars("SOURCE") == ["the minister", "the union", "Officials"]
    # the nested attribution's cue stays content of the outer one
    insisted = [t.i for t in doc if t.text == "insisted"][0]
    assert tags[insisted] == "I-CONTENT"


def test_mend_tags_bridges_a_no_break_space_and_joins_abutting_content() -> None:
    import spacy

    doc = spacy.blank("en")("She said she suspected\xa0 Crutcher was late.\n\nHe left.")
    assert doc[4].text == "\xa0 " and doc[9].text == "\n\n"
    tags = ["B-SOURCE", "B-CUE", "B-CONTENT", "I-CONTENT", "O", "B-CONTENT", "I-CONTENT"]
    tags += ["B-CONTENT", "I-CONTENT", "O", "B-CONTENT", "I-CONTENT", "O"]
    mended = mend_tags(doc, tags)
    spans = [(s.role, doc[s.start : s.end].text) for s in decode_roles(doc, mended)]
    # the space joins the content around it and the abutting B- continues it; the
    # paragraph break joins nothing
    assert spans == [
        ("SOURCE", "She"),
        ("CUE", "said"),
        ("CONTENT", "she suspected\xa0 Crutcher was late."),
        ("CONTENT", "He left"),
    ]
    assert mend_tags(doc, mended) == mended
    # a space between two roles stays outside; content abutting across sentences stays two
    other = ["O", "O", "O", "I-CONTENT", "O", "B-CUE", *["O"] * 7]
    assert mend_tags(doc, other) == other
    doc[10].is_sent_start = True
    across = ["O"] * 7 + ["B-CONTENT", "I-CONTENT", "I-CONTENT", "B-CONTENT", "I-CONTENT", "O"]
    assert mend_tags(doc, across) == across


def test_linker_puts_cue_source_and_content_together() -> None:
    flu = next(d for d in read_brat_dir(TINY).documents if d.name == "flu")
    doc = _blank_doc(flu.text)
    predicted = link_roles(doc, decode_roles(doc, bio_tags(doc, flu.attributions)))
    got = [
        (flu.text[slice(*a.source[0])], flu.text[slice(*a.cue[0])], flu.text[slice(*a.content[0])])
        for a in predicted
    ]
    assert got == [
        ("Doctors", "warned", "that the flu season could be severe"),
        ("The hospital", "said", "it had added beds"),
        ("Dr. Lina Moss", "urged", "“Get vaccinated,”"),
    ]


def _weights(model_dir: Path) -> bytes:
    return (model_dir / "roles" / "onrecord_roles" / "model").read_bytes()


def test_tiny_training_is_seeded_resumable_and_loadable(tmp_path: Path) -> None:
    settings = TrainSettings(max_epochs=2, patience=5)
    first = train_attribution(TINY, tmp_path / "a", dev_dir=TINY, settings=settings)
    assert first.epochs == 2 and first.dev is not None and len(first.warnings) == 5
    meta = json.loads((tmp_path / "a" / "onrecord-model.json").read_text(encoding="utf-8"))
    assert meta["kind"] == "onrecord-attribution-tagger"
    assert meta["train"]["documents"] == 4 and meta["train"]["attributions"] == 12
    assert meta["dev_figures"]["cue"]["tokens"]["f1"] >= 0
    assert meta["size_bytes"] > 0 and meta["base_model"].startswith("en_core_web_sm")

    second = train_attribution(TINY, tmp_path / "b", dev_dir=TINY, settings=settings)
    assert second.epochs == 2
    assert _weights(tmp_path / "a") == _weights(tmp_path / "b")

    # a run stopped after epoch 1 goes on from there
    class Stop(Exception):
        pass

    def stop_in_epoch_2(stage: str, done: int, total: int) -> None:
        if stage == "epoch 2":
            raise Stop

    with pytest.raises(Stop):
        train_attribution(
            TINY, tmp_path / "c", dev_dir=TINY, settings=settings, progress=stop_in_epoch_2
        )
    resumed = train_attribution(TINY, tmp_path / "c", dev_dir=TINY, settings=settings)
    assert resumed.resumed_from == 1 and resumed.epochs == 2
    # going on with fewer epochs than were done only writes the model directory
    with pytest.raises(Stop):
        train_attribution(
            TINY, tmp_path / "d", dev_dir=TINY, settings=settings, progress=stop_in_epoch_2
        )
    short = TrainSettings(max_epochs=1, patience=5)
    finished = train_attribution(TINY, tmp_path / "d", dev_dir=TINY, settings=short)
    assert finished.resumed_from == 1 and finished.epochs == 1
    assert (tmp_path / "d" / "onrecord-model.json").is_file()

    model = AttributionModel.load(tmp_path / "a")
    from onrecord.nlp import get_base_nlp

    doc = get_base_nlp()(next(d for d in read_brat_dir(TINY).documents if d.name == "flu").text)
    (tags,) = model.tags([doc])
    assert len(tags) == len(doc) and set(tags) <= set(LABELS)
    for attribution in model.predict(doc):
        assert attribution.cue and attribution.content
        for start, end in attribution.content + attribution.cue + attribution.source:
            assert 0 <= start < end <= len(doc.text)


def test_load_rejects_a_folder_that_is_not_a_model(tmp_path: Path) -> None:
    with pytest.raises(OnrecordError, match="not an attribution model directory"):
        AttributionModel.load(tmp_path)


def test_cli_trains_and_reports_warnings(tmp_path: Path) -> None:
    out = tmp_path / "model"
    result = runner.invoke(
        app,
        ["train", "attribution", "--brat", str(TINY), "-o", str(out), "--max-epochs", "1"],
    )
    assert result.exit_code == 0, result.output
    assert f"{TINY / 'bad.ann'}:12: T10: unknown label 'Rumour'" in result.stderr
    assert "Traceback" not in result.stderr
    assert (out / "onrecord-model.json").is_file() and (out / "warnings.txt").is_file()
    strict = runner.invoke(
        app,
        ["train", "attribution", "--brat", str(TINY), "-o", str(out), "--max-epochs", "1"]
        + ["--strict"],
    )
    assert strict.exit_code == 1


def test_cli_usage_errors_are_one_line(tmp_path: Path) -> None:
    missing = runner.invoke(
        app, ["train", "attribution", "--brat", str(tmp_path / "nope"), "-o", str(tmp_path)]
    )
    words = " ".join(missing.stderr.replace("│", " ").split())
    assert missing.exit_code == 2 and "nope is not a directory" in words
    (tmp_path / "empty").mkdir()
    empty = runner.invoke(
        app, ["train", "attribution", "--brat", str(tmp_path / "empty"), "-o", str(tmp_path / "m")]
    )
    assert empty.exit_code == 2
    assert empty.stderr.strip().splitlines() == [
        f"onrecord: error: {tmp_path / 'empty'}: no annotated documents (.txt with .ann) found"
    ]


def test_hybrid_adds_model_attributions_only_where_the_rules_found_nothing() -> None:
    from onrecord.components.quotes import Attribution
    from onrecord.train.data import PredictedAttribution
    from onrecord.train.hybrid import MODEL_CONFIDENCE, merge_attributions

    text = "Ann said the dam holds. “It is over,” officials warned."
    doc = _blank_doc(text)

    def at(fragment: str) -> tuple[int, int]:
        start = text.index(fragment)
        return start, start + len(fragment)

    rule = Attribution(kind="indirect", content=at("the dam holds"), cue=at("said"))
    same = PredictedAttribution(content=[at("the dam")], cue=[at("said")], source=[at("Ann")])
    new = PredictedAttribution(
        content=[at("“It is over,”")], cue=[at("warned")], source=[at("officials")]
    )
    merged = merge_attributions(doc, [rule], [same, new])
    assert merged[0] is rule and len(merged) == 2
    added = merged[1]
    assert added.kind == "direct" and added.confidence == MODEL_CONFIDENCE
    assert (added.content, added.cue, added.source) == (
        at("“It is over,”"),
        at("warned"),
        at("officials"),
    )
    assert doc[added.source_head].text == "officials"


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tiny") / "model"
    train_attribution(TINY, path, settings=TrainSettings(max_epochs=1))
    return path


def test_hybrid_component_runs_after_the_rules(tiny_model: Path) -> None:
    import spacy

    from onrecord import components  # noqa: F401  (registers onrecord_quotes)
    from onrecord.settings import get_settings
    from onrecord.train import hybrid  # noqa: F401  (registers the factory)

    nlp = spacy.load(get_settings().spacy_model)
    nlp.add_pipe("onrecord_quotes")
    nlp.add_pipe("onrecord_attribution_model", config={"path": str(tiny_model)})
    text = (TINY / "flu.txt").read_text(encoding="utf-8")
    doc = nlp(text)
    for a in doc._.onrecord_quotes:
        assert 0 <= a.content[0] < a.content[1] <= len(text)


def test_analyze_uses_the_model_named_by_the_environment(
    tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from onrecord.nlp import get_nlp

    monkeypatch.setenv("ONRECORD_ATTRIBUTION_MODEL", str(tiny_model))
    assert "onrecord_attribution_model" in get_nlp().pipe_names
    result = runner.invoke(app, ["analyze", str(TINY / "flu.txt")])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["quotes"]
    monkeypatch.delenv("ONRECORD_ATTRIBUTION_MODEL")
    assert "onrecord_attribution_model" not in get_nlp().pipe_names


def test_analyze_with_a_bad_model_directory_is_one_line(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("onrecord")
    proc = subprocess.run(
        [str(exe), "analyze", str(TINY / "flu.txt")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "ONRECORD_ATTRIBUTION_MODEL": str(tmp_path)},
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip() == (
        f"onrecord: error: {tmp_path}: not an attribution model directory "
        "(no onrecord-model.json); train one with `onrecord train attribution`"
    )
