"""Which trained attribution model the pipeline runs, if any (docs/TRAINING.md).

One setting, :class:`AttributionSetting`, goes from the command line (``--attribution-model``)
or the environment (``ONRECORD_ATTRIBUTION_MODEL``) to every process that analyses text: the
process pool's workers and the Ray engine's actors get it as an argument, not through their
environment. ``path`` empty means the rules alone.

``config`` holds further keys for the spaCy component ``onrecord_attribution_model``
(``{"mode": "hybrid"}``, from ``ONRECORD_ATTRIBUTION_MODEL_MODE`` or ``eval.run --model-mode``);
they are passed to it as they are, beside ``path``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import OnrecordError

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = [
    "ATTRIBUTION_MODEL_ENV",
    "ATTRIBUTION_MODE_ENV",
    "COMPONENT",
    "META_FILE",
    "AttributionArg",
    "AttributionSetting",
    "ModelInfo",
    "as_setting",
    "describe_pipeline_model",
    "model_info",
]

#: A trained attribution model directory: its component runs after the rules'.
ATTRIBUTION_MODEL_ENV = "ONRECORD_ATTRIBUTION_MODEL"
#: Optional: the component's ``mode`` (an ablation hook; the component may not read it yet).
ATTRIBUTION_MODE_ENV = "ONRECORD_ATTRIBUTION_MODEL_MODE"
#: The spaCy factory that runs a model directory (registered by ``onrecord.train.hybrid``).
COMPONENT = "onrecord_attribution_model"
#: The file that makes a folder a model directory (``onrecord.train.model.META_FILE``).
META_FILE = "onrecord-model.json"

_NOT_A_MODEL = (
    "{path}: not an attribution model directory (no {meta}); "
    "train one with `onrecord train attribution`"
)


@dataclass(frozen=True, slots=True)
class AttributionSetting:
    """The attribution model to run: ``path`` ("" = none, the rules alone) and further
    component ``config`` as (key, value) pairs (hashable, picklable)."""

    path: str = ""
    config: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(
        cls, path: str | os.PathLike[str] | None, config: Mapping[str, Any] | None = None
    ) -> AttributionSetting:
        """``path`` None or "": no model. ``config`` is passed to the component."""
        if not path:
            return cls()
        items = tuple(sorted((config or {}).items()))
        if any(key == "path" for key, _ in items):
            raise OnrecordError("attribution model config: 'path' is given by the directory")
        return cls(os.fspath(path), items)

    @classmethod
    def from_env(cls) -> AttributionSetting:
        """``ONRECORD_ATTRIBUTION_MODEL`` (and ``ONRECORD_ATTRIBUTION_MODEL_MODE``)."""
        path = os.environ.get(ATTRIBUTION_MODEL_ENV, "")
        mode = os.environ.get(ATTRIBUTION_MODE_ENV, "")
        return cls.of(path, {"mode": mode} if mode else None)

    @property
    def enabled(self) -> bool:
        return bool(self.path)

    @property
    def mode(self) -> str | None:
        value = dict(self.config).get("mode")
        return None if value is None else str(value)

    def component_config(self) -> dict[str, Any]:
        """The config of ``nlp.add_pipe("onrecord_attribution_model", config=...)``."""
        return {"path": self.path, **dict(self.config)}

    def cache_key(self) -> str:
        return json.dumps([self.path, list(self.config)], sort_keys=True, default=str)

    def check(self) -> AttributionSetting:
        """Raise ``OnrecordError`` (one line) unless ``path`` is empty or a model directory.
        Cheap: reads the metadata file only; the component loads the weights."""
        if self.enabled:
            model_info(self.path)
        return self

    def resolved(self) -> AttributionSetting:
        """The same setting with an absolute path, for processes with another working
        directory (Ray actors)."""
        if not self.enabled:
            return self
        return AttributionSetting(os.path.abspath(self.path), self.config)

    def env(self) -> dict[str, str]:
        """The environment variables that carry this setting (for a subprocess)."""
        env = {ATTRIBUTION_MODEL_ENV: self.path, ATTRIBUTION_MODE_ENV: ""}
        if self.mode is not None:
            env[ATTRIBUTION_MODE_ENV] = self.mode
        return env

    def describe(self) -> str:
        """``attribution model NAME (KIND, epoch E, sha256 HASH)[, mode M]``; "" for none."""
        if not self.enabled:
            return ""
        text = f"attribution model {model_info(self.path).describe()}"
        extra = [f"{key} {value}" for key, value in self.config]
        return ", ".join([text, *extra])


#: What the functions that analyse accept: a setting, a directory, or None (the environment).
AttributionArg = AttributionSetting | str | os.PathLike[str] | None


def as_setting(value: AttributionArg) -> AttributionSetting:
    """None: from the environment; "" : the rules alone; a path: that model directory."""
    if value is None:
        return AttributionSetting.from_env()
    if isinstance(value, AttributionSetting):
        return value
    return AttributionSetting.of(value)


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """What ``onrecord-model.json`` says about a model directory."""

    path: str
    name: str
    kind: str
    best_epoch: int | None
    epochs: int | None
    base_model: str | None
    digest: str  # of the metadata file: it changes with every training run

    def describe(self) -> str:
        parts = [self.kind]
        if self.best_epoch is not None:
            of = f" of {self.epochs}" if self.epochs else ""
            parts.append(f"epoch {self.best_epoch}{of}")
        parts.append(f"sha256 {self.digest}")
        return f"{self.name} ({', '.join(parts)})"


def model_info(path: str | os.PathLike[str]) -> ModelInfo:
    """Read a model directory's metadata; ``OnrecordError`` when it is not one."""
    where = Path(path)
    if not where.exists():
        raise OnrecordError(
            f"{os.fspath(path)}: no such attribution model directory; "
            "train one with `onrecord train attribution`"
        )
    meta_path = where / META_FILE
    if not meta_path.is_file():
        raise OnrecordError(_NOT_A_MODEL.format(path=os.fspath(path), meta=META_FILE))
    stat = meta_path.stat()
    return _read_info(str(meta_path), stat.st_mtime_ns, stat.st_size, os.fspath(path))


@lru_cache(maxsize=32)
def _read_info(meta_path: str, mtime_ns: int, size: int, shown: str) -> ModelInfo:
    try:
        raw = Path(meta_path).read_bytes()
        meta = json.loads(raw)
    except (OSError, ValueError) as exc:
        raise OnrecordError(f"{meta_path}: cannot be read ({exc})") from None
    if not isinstance(meta, dict):
        raise OnrecordError(f"{meta_path}: not a model description (a JSON object)")

    def number(key: str) -> int | None:
        value = meta.get(key)
        return value if isinstance(value, int) else None

    name = Path(os.path.abspath(shown)).name
    return ModelInfo(
        path=shown,
        name=name,
        kind=str(meta.get("kind") or "?"),
        best_epoch=number("best_epoch"),
        epochs=number("epochs"),
        base_model=meta.get("base_model") if isinstance(meta.get("base_model"), str) else None,
        digest=hashlib.sha256(raw).hexdigest()[:12],
    )


def describe_pipeline_model(nlp: Language) -> str:
    """The attribution model ``nlp`` runs, as :meth:`AttributionSetting.describe`; ""
    when it runs none."""
    if COMPONENT not in nlp.pipe_names:
        return ""
    config = dict(nlp.get_pipe_config(COMPONENT))
    config.pop("factory", None)
    path = str(config.pop("path", "") or "")
    if not path:
        return ""
    # name only the options given, not the component's defaults
    defaults = nlp.get_factory_meta(nlp.get_pipe_meta(COMPONENT).factory).default_config or {}
    config = {k: v for k, v in config.items() if k not in defaults or defaults[k] != v}
    try:
        return AttributionSetting.of(path, config).describe()
    except OnrecordError:  # loaded, then moved away: say what was given
        return f"attribution model {path}"
