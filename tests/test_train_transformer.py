"""The transformer attribution model and the hybrid on hand-written brat documents
(tests/data/brat_tiny; no corpus needed): features, windows, a tiny seeded training run,
resuming, loading, and how the hybrid combines the rules' attributions with role spans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest.importorskip("torch")

from onrecord.cli import app  # noqa: E402
from onrecord.components.quotes import Attribution  # noqa: E402
from onrecord.errors import OnrecordError  # noqa: E402
from onrecord.nlp import get_nlp  # noqa: E402
from onrecord.train.data import LABELS, RoleSpan, decode_roles, link_roles  # noqa: E402
from onrecord.train.hybrid import combine, load_attribution_model  # noqa: E402
from onrecord.train.transformer import (  # noqa: E402
    TRANSFORMER_KIND,
    TransformerModel,
    TransformerSettings,
    _Featurizer,
    _windows,
    rule_tags,
    train_transformer,
)

TINY = Path(__file__).parent / "data" / "brat_tiny"
runner = CliRunner()
# a very small, quick configuration: one encoder layer, short windows
SMALL = {"layers": 1, "window": 32, "batch": 4, "learn_rate": 1e-3, "head_learn_rate": 1e-2}


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("transformer")
    train_transformer(
        TINY, out, dev_dir=TINY, settings=TransformerSettings(max_epochs=2, patience=5, **SMALL)
    )
    return out


def test_windows_cover_every_piece_and_overlap_when_asked() -> None:
    assert _windows(10, 30, 30) == [(0, 10)]
    laid = _windows(100, 30, 30)
    assert laid == [(0, 30), (30, 60), (60, 90), (90, 100)]
    shifted = _windows(100, 30, 30, shift=7)
    assert shifted[0] == (0, 23) and shifted[-1][1] == 100
    assert all(a[1] == b[0] for a, b in zip(shifted, shifted[1:], strict=False))
    half = _windows(100, 30, 15)
    covered = {k for s, e in half for k in range(s, e)}
    assert covered == set(range(100))
    assert all(b[0] < a[1] for a, b in zip(half, half[1:], strict=False))


def test_pieces_skip_whitespace_and_cap_long_words(trained: Path) -> None:
    featurizer = _Featurizer(trained / "tokenizer.json", pieces_per_word=3)
    doc = get_nlp().make_doc("Ann said\n\nsupercalifragilisticexpialidocious things.")
    tags = ["O"] * len(doc)
    tags[1] = "B-CUE"
    pieces = featurizer.pieces(doc, tags)
    newline = next(t.i for t in doc if t.is_space)
    assert pieces.first[newline] == -1
    long = next(t.i for t in doc if t.text.startswith("super"))
    assert pieces.word.count(long) == 3
    assert pieces.rules[pieces.first[1]] == LABELS.index("B-CUE")
    assert len(pieces.ids) == len(pieces.word) == len(pieces.rules)


def test_rule_tags_mark_the_rules_roles() -> None:
    doc = get_nlp()("The minister said the plant will close by 2030.")
    tags = rule_tags(doc)
    words = {t.text: tag for t, tag in zip(doc, tags, strict=True)}
    assert words["said"] == "B-CUE"
    assert words["minister"].endswith("SOURCE")
    assert words["plant"].endswith("CONTENT")


def test_tiny_training_writes_a_loadable_model(trained: Path) -> None:
    meta = json.loads((trained / "onrecord-model.json").read_text())
    assert meta["kind"] == TRANSFORMER_KIND
    assert meta["epochs"] == 2 and meta["dev_figures"] is not None
    assert meta["settings"]["layers"] == 1 and meta["size_bytes"] > 0
    assert not (trained / ".work" / "last.pt").exists()
    model = load_attribution_model(trained)
    assert isinstance(model, TransformerModel)
    doc = get_nlp()("The minister said the plant will close by 2030. “It is over,” she added.")
    (tags,) = model.tags([doc])
    assert len(tags) == len(doc) and set(tags) <= set(LABELS)
    for span in model.role_spans(doc):
        assert 0 <= span.start < span.end <= len(doc)


def test_training_is_seeded_and_resumes(tmp_path: Path) -> None:
    import torch

    first = tmp_path / "a"
    settings = TransformerSettings(max_epochs=1, **SMALL)
    train_transformer(TINY, first, settings=settings)
    again = tmp_path / "b"
    train_transformer(TINY, again, settings=settings)
    one = torch.load(first / "weights.pt")
    two = torch.load(again / "weights.pt")
    assert all(torch.equal(one[k], two[k]) for k in one)


class _Stop(Exception):
    pass


def test_a_stopped_run_resumes_after_its_last_finished_epoch(tmp_path: Path) -> None:
    settings = TransformerSettings(max_epochs=2, **SMALL)

    def stop_in_epoch_2(stage: str, done: int, total: int) -> None:
        if stage == "epoch 2":
            raise _Stop

    with pytest.raises(_Stop):
        train_transformer(TINY, tmp_path, settings=settings, progress=stop_in_epoch_2)
    assert (tmp_path / ".work" / "last.pt").is_file()
    report = train_transformer(TINY, tmp_path, settings=settings)
    assert report.resumed_from == 1 and report.epochs == 2


def test_not_a_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(OnrecordError, match="not an attribution model directory"):
        load_attribution_model(tmp_path)
    (tmp_path / "onrecord-model.json").write_text('{"kind": "other", "format": 9}')
    with pytest.raises(OnrecordError, match="a model of kind 'other'"):
        load_attribution_model(tmp_path)


def test_cli_trains_a_transformer_and_rejects_an_unknown_arch(tmp_path: Path) -> None:
    out = tmp_path / "m"
    result = runner.invoke(
        app,
        ["train", "attribution", "--brat", str(TINY), "-o", str(out), "--max-epochs", "1"]
        + ["--layers", "1", "--no-progress"],
    )
    assert result.exit_code == 0, result.output
    assert "trained" in result.output
    assert json.loads((out / "onrecord-model.json").read_text())["kind"] == TRANSFORMER_KIND
    bad = runner.invoke(
        app, ["train", "attribution", "--brat", str(TINY), "-o", str(out), "--arch", "lstm"]
    )
    assert bad.exit_code == 2 and "one of transformer, tagger" in bad.output


# --- combining rules and role spans -------------------------------------------------------

TEXT = (
    "The mayor said the bridge would reopen in May, officials added. "
    "The “renewal” plan, critics argue, costs too much."
)


def _span(doc, role: str, text: str) -> RoleSpan:  # type: ignore[no-untyped-def]
    start = doc.text.index(text)
    span = doc.char_span(start, start + len(text))
    assert span is not None
    return RoleSpan(role, span.start, span.end, 0)


def test_combine_modes() -> None:
    doc = get_nlp()(TEXT)
    text = doc.text
    start = text.index("the bridge")
    end = text.index(" in May") + len(" in May")
    rule = Attribution(
        kind="indirect",
        content=(start, text.index(", officials")),
        parts=[(start, text.index(", officials"))],
        cue=(text.index("said"), text.index("said") + 4),
        source=(0, text.index(" said")),
        source_head=1,
    )
    nested = Attribution(kind="indirect", content=(start, end), parts=[(start, end)], nested_in=0)
    scare = Attribution(
        kind="direct",
        content=(text.index("“renewal”"), text.index("“renewal”") + 9),
        parts=[(text.index("“renewal”"), text.index("“renewal”") + 9)],
    )
    rules = [rule, nested, scare]
    spans = [
        _span(doc, "SOURCE", "The mayor"),
        _span(doc, "CUE", "said"),
        _span(doc, "CONTENT", "the bridge would reopen in May"),
        _span(doc, "CONTENT", "The “renewal” plan"),
        _span(doc, "CONTENT", "costs too much"),
        _span(doc, "SOURCE", "critics"),
        _span(doc, "CUE", "argue"),
    ]
    # add: every rule attribution stays; the model's "critics argue" overlaps the scare
    # quote's content, so nothing is added
    added = combine(doc, rules, spans, "add")
    assert len(added) == 3
    # veto: the model tags content over the scare quote, so it stays; an attribution with
    # no model support at all goes, with what is nested in it
    unsupported = Attribution(kind="indirect", content=(0, 3), parts=[(0, 3)], cue=None)
    vetoed = combine(doc, [*rules, unsupported], spans, "veto")
    assert unsupported not in vetoed and len(vetoed) == 3
    # hybrid: the indirect content takes the model's boundary, the direct one keeps its marks
    hybrid = combine(doc, rules, spans, "hybrid")
    first = hybrid[0]
    assert text[first.content[0] : first.content[1]] == "the bridge would reopen in May"
    assert hybrid[1].nested_in == 0
    assert text[hybrid[2].content[0] : hybrid[2].content[1]] == "“renewal”"
    for a in hybrid:
        for s, e in [a.content, *a.parts]:
            assert 0 <= s < e <= len(text)
    # model: the model's own attributions only
    alone = combine(doc, rules, spans, "model")
    assert {text[a.cue[0] : a.cue[1]] for a in alone if a.cue} == {"said", "argue"}
    assert all(a.confidence < 0.5 for a in alone)
    with pytest.raises(ValueError, match="unknown mode"):
        combine(doc, rules, spans, "both")


def test_veto_drops_the_nested_with_the_outer_and_repoints_indexes() -> None:
    doc = get_nlp()(TEXT)
    text = doc.text
    outer = Attribution(kind="indirect", content=(0, 20), parts=[(0, 20)])
    inner = Attribution(kind="indirect", content=(4, 9), parts=[(4, 9)], nested_in=0)
    later = Attribution(
        kind="direct", content=(text.index("costs"), len(text)), parts=[], continues=None
    )
    floating = Attribution(
        kind="direct", content=(text.index("costs"), len(text)), parts=[], continues=2
    )
    spans = [_span(doc, "CONTENT", "costs too much")]
    kept = combine(doc, [outer, inner, later, floating], spans, "veto")
    assert [(a.content, a.continues) for a in kept] == [(later.content, None), (later.content, 0)]
    assert floating.continues == 2  # the rules' own attributions are not changed


def test_hybrid_gives_an_added_attribution_the_cue_subject_and_drops_short_ones() -> None:
    text = "Officials in Cairo stressed repeatedly that the talks had stalled. Critics cited power."
    doc = get_nlp()(text)
    spans = [
        _span(doc, "CUE", "stressed"),
        _span(doc, "CONTENT", "that the talks had stalled"),
        _span(doc, "CUE", "cited"),
        _span(doc, "CONTENT", "power"),
    ]
    combined = combine(doc, [], spans, "hybrid")
    assert len(combined) == 1  # "power": too short to add on the model's word alone
    (added,) = combined
    assert added.source is not None
    assert text[added.source[0] : added.source[1]] == "Officials in Cairo"
    assert added.source_head == next(t.i for t in doc if t.text == "Officials")
    # the raw additions keep both, without a source
    assert len(combine(doc, [], spans, "add")) == 2


def test_hybrid_adds_only_what_the_model_tags_surely(monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from onrecord.train import hybrid

    text = "Officials in Cairo stressed repeatedly that the talks had stalled."
    doc = get_nlp()(text)
    cue = _span(doc, "CUE", "stressed")
    content = _span(doc, "CONTENT", "that the talks had stalled")
    monkeypatch.setattr(hybrid, "MIN_ADDED_CUE_SCORE", 0.6)
    assert len(combine(doc, [], [replace(cue, score=0.9), content], "hybrid")) == 1
    assert combine(doc, [], [replace(cue, score=0.4), content], "hybrid") == []
    # the unfiltered modes keep it
    assert len(combine(doc, [], [replace(cue, score=0.4), content], "veto")) == 1


def test_decoded_spans_carry_the_mean_probability_of_their_role() -> None:
    doc = get_nlp()("Officials said the talks had stalled.")
    tags = ["B-SOURCE", "B-CUE", "B-CONTENT", "I-CONTENT", "I-CONTENT", "I-CONTENT", "O"]
    scores = [0.9, 0.5, 0.8, 0.6, 1.0, 0.6, 0.99]
    spans = decode_roles(doc, tags, scores)
    assert [(s.role, round(s.score, 3)) for s in spans] == [
        ("SOURCE", 0.9),
        ("CUE", 0.5),
        ("CONTENT", 0.75),
    ]
    assert all(s.score == 1.0 for s in decode_roles(doc, tags))
    (linked,) = link_roles(doc, spans)
    assert linked.confidence == 0.5  # the cue's


def test_hybrid_drops_an_indirect_attribution_whose_cue_the_model_does_not_tag() -> None:
    text = "Rubio maintains a lead in the polls. “It is over,” Rubio said."
    doc = get_nlp()(text)

    def at(part: str) -> tuple[int, int]:
        return text.index(part), text.index(part) + len(part)

    lead = Attribution(
        kind="indirect", content=at("a lead in the polls"), parts=[], cue=at("maintains")
    )
    quote = Attribution(kind="direct", content=at("“It is over,”"), parts=[], cue=at("said"))
    # the model tags both contents but neither cue
    spans = [_span(doc, "CONTENT", "a lead in the polls"), _span(doc, "CONTENT", "It is over")]
    hybrid = combine(doc, [lead, quote], spans, "hybrid")
    assert [a.kind for a in hybrid] == ["direct"]  # the quote marks keep the direct one
    assert len(combine(doc, [lead, quote], spans, "veto")) == 2
