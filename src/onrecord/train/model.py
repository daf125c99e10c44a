"""The trainable part: a BIO role tagger (CUE / SOURCE / CONTENT) over spaCy tokens.

The tagger is spaCy's ``tagger`` component with its own small tok2vec (a hashed embedding
of the token's norm, prefix, suffix and shape plus the base model's tag, dependency label
and entity type, under a CNN window encoder). It never writes ``token.tag_``: predictions
are read from the model's scores, so the base model's annotation is left as it is.

A model directory holds:

- ``onrecord-model.json``: kind, format, onrecord version, base model, training data,
  settings, dev figures per epoch and at the chosen one;
- ``roles/``: the spaCy pipeline with the ``onrecord_roles`` tagger.

Training is seeded (one seed fixes the initial weights, the shuffle and the dropout of
every epoch) and resumable: each finished epoch is checkpointed under ``MODEL_DIR/.work``
and a new run with the same data and settings goes on after the last finished epoch (also
with another ``max_epochs`` or ``patience``; with ``max_epochs`` at or below the epochs done,
it only writes the model directory from the checkpoint). The
optimizer's moment estimates are not checkpointed, so a resumed run is close to, not
bit-identical with, an uninterrupted one. The parsed corpora are cached there too.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..errors import OnrecordError
from .brat import BratCorpus, BratWarning, read_brat_dir
from .data import (
    LABELS,
    ROLES,
    PredictedAttribution,
    RoleSpan,
    bio_tags,
    decode_roles,
    link_roles,
    mend_tags,
)

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.pipeline import Tagger
    from spacy.tokens import Doc
    from spacy.training import Example

__all__ = [
    "AttributionModel",
    "MODEL_KIND",
    "TrainSettings",
    "TrainReport",
    "train_attribution",
]

MODEL_KIND = "onrecord-attribution-tagger"
MODEL_FORMAT = 1
META_FILE = "onrecord-model.json"
PIPE_NAME = "onrecord_roles"
_ROLES_KEY = "onrecord_roles"

#: (stage, done, total): "parse train", "parse dev", "epoch 3" ...
Progress = Callable[[str, int, int], None]


@dataclass(slots=True)
class TrainSettings:
    seed: int = 0
    max_epochs: int = 12
    #: Stop when the dev score has not improved for this many epochs (with --dev only).
    patience: int = 3
    docs_per_batch: int = 4
    dropout: float = 0.1
    learn_rate: float = 0.001
    width: int = 96
    depth: int = 4
    window: int = 1


@dataclass(slots=True)
class TrainReport:
    model_dir: Path
    epochs: int
    best_epoch: int
    dev: dict[str, Any] | None
    warnings: list[BratWarning] = field(default_factory=list)
    seconds: float = 0.0
    resumed_from: int = 0
    size_bytes: int = 0


def _model_config(settings: TrainSettings) -> dict[str, Any]:
    width = settings.width
    return {
        "@architectures": "spacy.Tagger.v2",
        "nO": None,
        "normalize": False,
        "tok2vec": {
            "@architectures": "spacy.Tok2Vec.v2",
            "embed": {
                "@architectures": "spacy.MultiHashEmbed.v2",
                "width": width,
                "attrs": ["NORM", "PREFIX", "SUFFIX", "SHAPE", "TAG", "DEP", "ENT_TYPE"],
                "rows": [5000, 1000, 2500, 1000, 200, 200, 100],
                "include_static_vectors": False,
            },
            "encode": {
                "@architectures": "spacy.MaxoutWindowEncoder.v2",
                "width": width,
                "window_size": settings.window,
                "maxout_pieces": 3,
                "depth": settings.depth,
            },
        },
    }


# --- data ----------------------------------------------------------------------------------


def _corpus_key(corpus: BratCorpus, base: str) -> str:
    digest = hashlib.sha256(base.encode())
    for doc in corpus.documents:
        digest.update(doc.name.encode())
        digest.update(doc.text.encode())
        digest.update(doc.ann_path.read_bytes())
    return digest.hexdigest()[:16]


def _parse_corpus(
    corpus: BratCorpus,
    base_nlp: Language,
    cache: Path,
    stage: str,
    progress: Progress | None,
    *,
    lemmas: bool = False,
) -> list[Doc]:
    """The base model's Docs of the corpus, each with its gold tags in ``user_data``
    (without lemmas unless ``lemmas``: the tagger does not read them)."""
    from spacy.tokens import DocBin

    if cache.is_file():
        return list(DocBin().from_disk(cache).get_docs(base_nlp.vocab))
    docs: list[Doc] = []
    total = len(corpus.documents)
    disable = [] if lemmas else [n for n in ("lemmatizer",) if n in base_nlp.pipe_names]
    texts = (d.text for d in corpus.documents)
    for n, (gold, doc) in enumerate(
        zip(corpus.documents, base_nlp.pipe(texts, batch_size=8, disable=disable), strict=True),
        start=1,
    ):
        doc.user_data[_ROLES_KEY] = bio_tags(doc, gold.attributions)
        docs.append(doc)
        if progress:
            progress(stage, n, total)
    bin_ = DocBin(store_user_data=True, docs=docs)
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp")
    bin_.to_disk(tmp)
    tmp.replace(cache)
    return docs


def _examples(nlp: Language, docs: Sequence[Doc]) -> list[Example]:
    from spacy.tokens import Doc as SpacyDoc
    from spacy.training import Example

    examples = []
    for doc in docs:
        reference = SpacyDoc(
            doc.vocab,
            words=[t.text for t in doc],
            spaces=[bool(t.whitespace_) for t in doc],
            tags=list(doc.user_data[_ROLES_KEY]),
        )
        examples.append(Example(doc, reference))
    return examples


# --- scoring -------------------------------------------------------------------------------


def _prf(tp: int, pred: int, gold: int) -> dict[str, float]:
    p = tp / pred if pred else 0.0
    r = tp / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def score_tags(docs: Sequence[Doc], predicted: Sequence[Sequence[str]]) -> dict[str, Any]:
    """Per role: token-level and exact-span precision, recall, F1; ``score`` is the mean
    token-level F1 over the roles (what early stopping follows)."""
    figures: dict[str, Any] = {}
    for role in ROLES:
        tok = [0, 0, 0]  # tp, pred, gold
        spn = [0, 0, 0]
        for doc, tags in zip(docs, predicted, strict=True):
            gold_tags = doc.user_data[_ROLES_KEY]
            for g, p in zip(gold_tags, tags, strict=True):
                g_in, p_in = g.endswith(role), p.endswith(role)
                tok[0] += g_in and p_in
                tok[1] += p_in
                tok[2] += g_in
            gold_spans = {(s.start, s.end) for s in decode_roles(doc, gold_tags) if s.role == role}
            pred_spans = {(s.start, s.end) for s in decode_roles(doc, tags) if s.role == role}
            spn[0] += len(gold_spans & pred_spans)
            spn[1] += len(pred_spans)
            spn[2] += len(gold_spans)
        figures[role.lower()] = {"tokens": _prf(*tok), "spans": _prf(*spn)}
    figures["score"] = round(sum(figures[r.lower()]["tokens"]["f1"] for r in ROLES) / len(ROLES), 4)
    return figures


def _predict_tags(tagger: Tagger, docs: Sequence[Doc], batch: int = 16) -> list[list[str]]:
    labels = list(tagger.labels)
    result: list[list[str]] = []
    for i in range(0, len(docs), batch):
        guesses = tagger.predict(list(docs[i : i + batch]))
        for doc_guesses in guesses:
            result.append([labels[int(g)] for g in doc_guesses])
    return result


# --- training ------------------------------------------------------------------------------


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _base_name(base_nlp: Language) -> str:
    from ..components import lines

    meta = base_nlp.meta
    name = f"{meta.get('lang', 'xx')}_{meta.get('name', '?')}=={meta.get('version', '?')}"
    # parses made before line breaks started sentences are not reused
    return f"{name}+lines" if lines.COMPONENT in base_nlp.pipe_names else name


@dataclass(slots=True)
class Corpora:
    """The training and dev corpora, read and parsed (see :func:`load_corpora`)."""

    train: BratCorpus
    dev: BratCorpus | None
    warnings: list[BratWarning]
    base: str
    train_key: str
    dev_key: str | None
    train_docs: list[Doc]
    dev_docs: list[Doc]


def load_corpora(
    train_dir: Path,
    dev_dir: Path | None,
    work: Path,
    base_model: str | None,
    progress: Progress | None,
    *,
    lemmas: bool = False,
) -> Corpora:
    """Read the brat folders (one warning list; an empty folder is an error) and parse them
    as onrecord does (the base model, line breaks as sentence starts), through the parse
    caches in ``work``."""
    from ..nlp import get_parse_nlp

    train_corpus = read_brat_dir(train_dir)
    warnings = list(train_corpus.warnings)
    if not train_corpus.documents:
        raise OnrecordError(f"{train_dir}: no annotated documents (.txt with .ann) found")
    dev_corpus = None
    if dev_dir is not None:
        dev_corpus = read_brat_dir(dev_dir)
        # the same folder as train and dev (a smoke test) should not warn twice
        warnings = list(dict.fromkeys([*warnings, *dev_corpus.warnings]))
        if not dev_corpus.documents:
            raise OnrecordError(f"{dev_dir}: no annotated documents (.txt with .ann) found")
    base_nlp = get_parse_nlp(base_model)
    base = _base_name(base_nlp)
    suffix = "-lemmas" if lemmas else ""
    train_key = _corpus_key(train_corpus, base)
    train_docs = _parse_corpus(
        train_corpus,
        base_nlp,
        work / f"train-{train_key}{suffix}.spacy",
        "parse train",
        progress,
        lemmas=lemmas,
    )
    dev_docs: list[Doc] = []
    dev_key = None
    if dev_corpus is not None:
        dev_key = _corpus_key(dev_corpus, base)
        dev_docs = _parse_corpus(
            dev_corpus,
            base_nlp,
            work / f"dev-{dev_key}{suffix}.spacy",
            "parse dev",
            progress,
            lemmas=lemmas,
        )
    return Corpora(
        train_corpus, dev_corpus, warnings, base, train_key, dev_key, train_docs, dev_docs
    )


def read_meta(path: Path) -> dict[str, Any]:
    """The ``onrecord-model.json`` of a model directory (one-line errors)."""
    meta_path = path / META_FILE
    if not meta_path.is_file():
        raise OnrecordError(
            f"{path}: not an attribution model directory (no {META_FILE}); "
            "train one with `onrecord train attribution`"
        )
    try:
        meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OnrecordError(f"{meta_path}: cannot be read ({exc})") from None
    return meta


def train_attribution(
    train_dir: Path,
    model_dir: Path,
    *,
    dev_dir: Path | None = None,
    base_model: str | None = None,
    settings: TrainSettings | None = None,
    resume: bool = True,
    progress: Progress | None = None,
) -> TrainReport:
    """Train a role tagger on the brat folder ``train_dir`` and write ``model_dir``."""
    import spacy
    from thinc.api import Adam, fix_random_seed

    settings = settings or TrainSettings()
    started = time.monotonic()
    data = load_corpora(train_dir, dev_dir, model_dir / ".work", base_model, progress)
    train_docs, dev_docs, train_key, dev_key = (
        data.train_docs,
        data.dev_docs,
        data.train_key,
        data.dev_key,
    )
    work = model_dir / ".work"

    # max_epochs and patience only say when to stop: a stopped run may go on with others
    what = {k: v for k, v in asdict(settings).items() if k not in ("max_epochs", "patience")}
    run_key = hashlib.sha256(
        json.dumps([train_key, dev_key, what, __version__]).encode()
    ).hexdigest()[:16]
    state_path = work / "state.json"
    last_dir = work / "last"
    state: dict[str, Any] = {"key": run_key, "epoch": 0, "best": -1.0, "best_epoch": 0}
    state["history"] = []
    optimizer = Adam(settings.learn_rate)
    nlp: Language
    resumed_from = 0
    if resume and state_path.is_file() and last_dir.is_dir():
        saved = json.loads(state_path.read_text(encoding="utf-8"))
        if saved.get("key") == run_key:
            state = saved
            resumed_from = int(state["epoch"])
    if resumed_from:
        nlp = spacy.load(last_dir)
    else:
        fix_random_seed(settings.seed)
        nlp = spacy.blank("en")
        nlp.add_pipe("tagger", name=PIPE_NAME, config={"model": _model_config(settings)})
    tagger: Tagger = nlp.get_pipe(PIPE_NAME)
    if not resumed_from:
        for label in LABELS:
            tagger.add_label(label)
    # the Docs were made with the base model's vocab; the tagger reads hashes, not strings
    train_examples = _examples(nlp, train_docs)
    if not resumed_from:
        nlp.initialize(lambda: train_examples[:100], sgd=optimizer)

    roles_dir = model_dir / "roles"
    patience_left = settings.patience - (resumed_from - int(state["best_epoch"]))
    for epoch in range(resumed_from + 1, settings.max_epochs + 1):
        fix_random_seed(settings.seed * 1000 + epoch)
        order = list(range(len(train_examples)))
        random.Random(settings.seed * 1000 + epoch).shuffle(order)
        batches = [
            [train_examples[i] for i in order[b : b + settings.docs_per_batch]]
            for b in range(0, len(order), settings.docs_per_batch)
        ]
        losses: dict[str, float] = {}
        for n, batch in enumerate(batches, start=1):
            nlp.update(batch, drop=settings.dropout, sgd=optimizer, losses=losses)
            if progress:
                progress(f"epoch {epoch}", n, len(batches))
        entry: dict[str, Any] = {"epoch": epoch, "loss": round(losses.get(PIPE_NAME, 0.0), 2)}
        if dev_docs:
            figures = score_tags(dev_docs, _predict_tags(tagger, dev_docs))
            entry["dev"] = figures
            improved = figures["score"] > state["best"]
        else:
            improved = True
        state["history"].append(entry)
        state["epoch"] = epoch
        if improved:
            state["best"] = entry["dev"]["score"] if dev_docs else epoch
            state["best_epoch"] = epoch
            patience_left = settings.patience
            tmp = model_dir / "roles.tmp"
            shutil.rmtree(tmp, ignore_errors=True)
            nlp.to_disk(tmp)
            shutil.rmtree(roles_dir, ignore_errors=True)
            tmp.replace(roles_dir)
        else:
            patience_left -= 1
        shutil.rmtree(last_dir, ignore_errors=True)
        nlp.to_disk(last_dir)
        state_path.write_text(json.dumps(state, indent=1), encoding="utf-8")
        if dev_docs and patience_left <= 0:
            break

    report = finish_model(
        model_dir,
        {"kind": MODEL_KIND, "format": MODEL_FORMAT, "labels": list(LABELS)},
        settings=asdict(settings),
        data=data,
        state=state,
        size=_dir_size(roles_dir),
        started=started,
        resumed_from=resumed_from,
    )
    shutil.rmtree(last_dir, ignore_errors=True)
    state_path.unlink(missing_ok=True)
    return report


def finish_model(
    model_dir: Path,
    head: dict[str, Any],
    *,
    settings: dict[str, Any],
    data: Corpora,
    state: dict[str, Any],
    size: int,
    started: float,
    resumed_from: int,
) -> TrainReport:
    """Write ``onrecord-model.json`` (``head``: kind, format ... first) at the end of a run."""
    best_epoch = int(state["best_epoch"])
    dev_figures = next((e.get("dev") for e in state["history"] if e["epoch"] == best_epoch), None)
    meta = {
        **{k: v for k, v in head.items() if k in ("kind", "format")},
        "onrecord_version": __version__,
        "base_model": data.base,
        **{k: v for k, v in head.items() if k not in ("kind", "format")},
        "settings": settings,
        "train": _data_meta(data.train, data.train_docs),
        "dev": None if data.dev is None else _data_meta(data.dev, data.dev_docs),
        "best_epoch": best_epoch,
        "epochs": int(state["epoch"]),
        "dev_figures": dev_figures,
        "dev_figures_note": "token-level and exact-span figures of the role tagger alone; "
        "`make eval` scores whole attributions",
        "history": state["history"],
        "size_bytes": size,
    }
    (model_dir / META_FILE).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return TrainReport(
        model_dir=model_dir,
        epochs=int(state["epoch"]),
        best_epoch=best_epoch,
        dev=dev_figures,
        warnings=data.warnings,
        seconds=time.monotonic() - started,
        resumed_from=resumed_from,
        size_bytes=size,
    )


def _data_meta(corpus: BratCorpus, docs: Sequence[Doc]) -> dict[str, Any]:
    tags = [t for doc in docs for t in doc.user_data[_ROLES_KEY]]
    return {
        "path": str(corpus.path),
        "layout": corpus.layout,
        "documents": len(corpus.documents),
        "attributions": sum(len(d.attributions) for d in corpus.documents),
        "tokens": len(tags),
        "role_tokens": {r.lower(): sum(t.endswith(r) for t in tags) for r in ROLES},
        "warnings": len(corpus.warnings),
    }


# --- use -----------------------------------------------------------------------------------


class AttributionModel:
    """A trained role tagger, loaded from a model directory."""

    def __init__(self, path: Path, nlp: Language, meta: dict[str, Any]) -> None:
        self.path = path
        self.nlp = nlp
        self.meta = meta
        self.tagger: Tagger = nlp.get_pipe(PIPE_NAME)

    @classmethod
    def load(cls, path: Path) -> AttributionModel:
        meta = read_meta(path)
        if meta.get("kind") != MODEL_KIND or meta.get("format") != MODEL_FORMAT:
            raise OnrecordError(
                f"{path}: a model of kind {meta.get('kind')!r} format {meta.get('format')!r}; "
                f"this onrecord reads {MODEL_KIND!r} format {MODEL_FORMAT}"
            )
        import spacy

        try:
            nlp = spacy.load(path / "roles")
        except (OSError, ValueError) as exc:
            raise OnrecordError(f"{path / 'roles'}: cannot be loaded ({exc})") from None
        return cls(path, nlp, meta)

    def tags(self, docs: Sequence[Doc]) -> list[list[str]]:
        """BIO role tags per token of each Doc (Docs made by the base model)."""
        return _predict_tags(self.tagger, docs)

    def role_spans(self, doc: Doc) -> list[RoleSpan]:
        """The role spans the tagger finds in ``doc``."""
        (tags,) = self.tags([doc])
        return decode_roles(doc, mend_tags(doc, tags))

    def predict(self, doc: Doc) -> list[PredictedAttribution]:
        """The attributions the tagger and the first linker find in ``doc``."""
        return link_roles(doc, self.role_spans(doc))
