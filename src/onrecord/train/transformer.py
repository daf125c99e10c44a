"""The transformer attribution model: BIO role tags (CUE / SOURCE / CONTENT) from a fine-tuned
MiniLM encoder that also reads the rules' own role tags.

Each spaCy token of a document becomes its word pieces (at most ``pieces_per_word``); the
pieces run through the encoder in windows of ``window`` pieces, and a linear layer over a
word's first piece gives its tag. With ``rule_features`` every piece also carries the role
tag that onrecord's rules gave its word (an added, zero-initialised embedding): the model
learns where the rules are right and where the annotators draw the spans elsewhere, and
the hybrid (:mod:`.hybrid`) combines both. Training windows are laid end to end from a
shifted start each epoch, and end to end from the start at prediction time (with an
``overlap``, each word takes the window where it is furthest from an edge; overlapping by a
quarter cost 1.3x the time for the same dev figures).

A model directory holds ``onrecord-model.json`` (kind ``onrecord-attribution-transformer``,
data, settings, dev figures per epoch), ``weights.pt`` (the fine-tuned encoder layers and
the head, float16) and the encoder's ``config.json`` and ``tokenizer.json``: it loads
without the encoder package. Training is seeded and resumable per epoch
(``MODEL_DIR/.work/last.pt`` holds the weights, the optimiser and the schedule).
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..errors import OnrecordError
from .brat import Attribution as GoldAttribution
from .data import (
    LABELS,
    PredictedAttribution,
    RoleSpan,
    bio_tags,
    decode_roles,
    link_roles,
    mend_tags,
)
from .model import Progress, TrainReport, finish_model, load_corpora, score_tags

if TYPE_CHECKING:
    import torch
    from spacy.tokens import Doc

    from .encoder import BertEncoder

__all__ = [
    "TRANSFORMER_KIND",
    "TransformerModel",
    "TransformerSettings",
    "rule_tags",
    "train_transformer",
]

TRANSFORMER_KIND = "onrecord-attribution-transformer"
TRANSFORMER_FORMAT = 1
_RULES_KEY = "onrecord_rule_roles"
_GOLD_KEY = "onrecord_roles"
_LABEL_ID = {label: i for i, label in enumerate(LABELS)}


@dataclass(slots=True)
class TransformerSettings:
    seed: int = 0
    max_epochs: int = 3
    #: Stop when the dev score has not improved for this many epochs (with --dev only).
    patience: int = 1
    #: Stop starting new epochs after this many minutes (0: no limit).
    max_minutes: float = 0.0
    layers: int = 6
    window: int = 256
    batch: int = 8
    learn_rate: float = 8e-5
    head_learn_rate: float = 1e-3
    warmup: float = 0.06
    weight_decay: float = 0.01
    pieces_per_word: int = 8
    rule_features: bool = True


# --- features ------------------------------------------------------------------------------


def rule_tags(doc: Doc) -> list[str]:
    """BIO role tags of the rules' outermost attributions in ``doc``."""
    from ..components.quotes import extract_attributions

    found = doc._.onrecord_quotes
    if found is None:
        found = extract_attributions(doc)
    as_gold = [
        GoldAttribution(
            id=str(n),
            content=list(a.parts or [a.content]),
            cue=[] if a.cue is None else [a.cue],
            source=[] if a.source is None else [a.source],
        )
        for n, a in enumerate(found)
        if a.nested_in is None
    ]
    return bio_tags(doc, as_gold)


@dataclass(slots=True)
class _Pieces:
    ids: list[int]
    word: list[int]  # the token index of each piece
    first: list[int]  # the first piece of each token, -1 for none (whitespace)
    rules: list[int]  # the rules' label id of each piece


class _Featurizer:
    def __init__(self, tokenizer_path: Path, pieces_per_word: int) -> None:
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.cls = self.tokenizer.token_to_id("[CLS]")
        self.sep = self.tokenizer.token_to_id("[SEP]")
        self.pieces_per_word = pieces_per_word

    def pieces(self, doc: Doc, rules: Sequence[str] | None) -> _Pieces:
        words = [t.text for t in doc]
        result = _Pieces([], [], [-1] * len(words), [])
        if not words:
            return result
        encoding = self.tokenizer.encode(words, is_pretokenized=True, add_special_tokens=False)
        count = [0] * len(words)
        for piece, w in zip(encoding.ids, encoding.word_ids, strict=True):
            if w is None or count[w] >= self.pieces_per_word:
                continue
            if count[w] == 0:
                result.first[w] = len(result.ids)
            count[w] += 1
            result.ids.append(piece)
            result.word.append(w)
            result.rules.append(_LABEL_ID.get(rules[w], 0) if rules else 0)
        return result


def _windows(n: int, size: int, step: int, shift: int = 0) -> list[tuple[int, int]]:
    if n <= size:
        return [(0, n)]
    starts = list(range(-shift, n, step)) if shift else list(range(0, n, step))
    spans: list[tuple[int, int]] = []
    for start in starts:
        s, e = max(start, 0), min(start + size, n)
        if spans and e <= spans[-1][1]:
            continue
        spans.append((s, e))
        if e == n:
            break
    return spans


# --- the network ---------------------------------------------------------------------------


def _network(encoder: BertEncoder) -> torch.nn.Module:
    from torch import nn

    class Tagger(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder
            self.dropout = nn.Dropout(0.1)
            self.head = nn.Linear(encoder.config.hidden_size, len(LABELS))

        def forward(
            self, ids: torch.Tensor, attention: torch.Tensor, rules: torch.Tensor
        ) -> torch.Tensor:
            hidden = self.encoder(ids, attention, rules)
            logits: torch.Tensor = self.head(self.dropout(hidden))
            return logits

    return Tagger()


def _batch(
    featurizer: _Featurizer,
    items: Sequence[tuple[_Pieces, int, int]],
    labels: Sequence[Sequence[str]] | None = None,
) -> tuple[torch.Tensor, ...]:
    """Tensors for windows ``(pieces, start, end)``: ids, mask, rules, gold label ids."""
    import torch

    width = max(e - s for _, s, e in items) + 2
    ids = torch.zeros((len(items), width), dtype=torch.long)
    mask = torch.zeros((len(items), width), dtype=torch.long)
    rules = torch.zeros((len(items), width), dtype=torch.long)
    gold = torch.full((len(items), width), -100, dtype=torch.long)
    for row, (p, s, e) in enumerate(items):
        n = e - s
        ids[row, 0] = int(featurizer.cls or 0)
        ids[row, 1 : n + 1] = torch.tensor(p.ids[s:e])
        ids[row, n + 1] = int(featurizer.sep or 0)
        mask[row, : n + 2] = 1
        rules[row, 1 : n + 1] = torch.tensor(p.rules[s:e])
        if labels is not None:
            tags = labels[row]
            for k in range(s, e):
                w = p.word[k]
                if p.first[w] == k:
                    gold[row, k - s + 1] = _LABEL_ID[tags[w]]
    return ids, mask, rules, gold


def _tag_docs(
    net: torch.nn.Module,
    featurizer: _Featurizer,
    docs: Sequence[Doc],
    rules: Sequence[Sequence[str] | None],
    window: int,
    batch: int = 8,
    overlap: float = 0.0,
) -> list[tuple[list[str], list[float]]]:
    """Predicted BIO tags per token, each with the probability of its role (``B-`` and
    ``I-`` of that role together, or ``O``); each word from the window where it is most
    central (windows overlap by ``overlap`` of their length)."""
    import torch

    size = window - 2
    all_items: list[tuple[int, _Pieces, int, int]] = []
    pieces_of = []
    for n, (doc, r) in enumerate(zip(docs, rules, strict=True)):
        p = featurizer.pieces(doc, r)
        pieces_of.append(p)
        # windows end to end: overlapping them by a quarter (each word from the window where
        # it is most central) cost 1.3x the time for the same figures on PolNeAR dev
        for s, e in _windows(len(p.ids), size, max(size - int(size * overlap), 1)):
            all_items.append((n, p, s, e))
    # a word without pieces (a space token) stays O
    best: list[list[tuple[int, int, float]]] = [[(-1, 0, 1.0)] * len(doc) for doc in docs]
    same_role = torch.tensor(
        [[float(a.partition("-")[2] == b.partition("-")[2]) for b in LABELS] for a in LABELS]
    )
    net.eval()
    with torch.inference_mode():
        for b in range(0, len(all_items), batch):
            chunk = all_items[b : b + batch]
            ids, mask, rule_ids, _ = _batch(featurizer, [(p, s, e) for _, p, s, e in chunk])
            probs = net(ids, mask, rule_ids).softmax(-1)
            guesses = probs.argmax(-1)
            role_probs = (probs @ same_role).gather(-1, guesses.unsqueeze(-1)).squeeze(-1)
            labels, scores = guesses.tolist(), role_probs.tolist()
            for row, (n, p, s, e) in enumerate(chunk):
                for k in range(s, e):
                    w = p.word[k]
                    if p.first[w] != k:
                        continue
                    central = min(k - s, e - 1 - k)
                    if central > best[n][w][0]:
                        best[n][w] = (central, labels[row][k - s + 1], scores[row][k - s + 1])
    return [
        ([LABELS[label] for _, label, _ in words], [score for _, _, score in words])
        for words in best
    ]


# --- training ------------------------------------------------------------------------------


def _prepare(docs: Sequence[Doc], use_rules: bool) -> None:
    for doc in docs:
        if use_rules and _RULES_KEY not in doc.user_data:
            doc.user_data[_RULES_KEY] = rule_tags(doc)


def train_transformer(
    train_dir: Path,
    model_dir: Path,
    *,
    dev_dir: Path | None = None,
    base_model: str | None = None,
    encoder_dir: Path | None = None,
    settings: TransformerSettings | None = None,
    resume: bool = True,
    progress: Progress | None = None,
) -> TrainReport:
    """Fine-tune the encoder as a role tagger on the brat folder ``train_dir``."""
    import torch

    from .encoder import BertEncoder, default_encoder_dir

    settings = settings or TransformerSettings()
    started = time.monotonic()
    encoder_dir = encoder_dir or default_encoder_dir()
    for needed in ("config.json", "model.safetensors", "tokenizer.json"):
        if not (encoder_dir / needed).is_file():
            raise OnrecordError(f"{encoder_dir}: no {needed}; not an encoder folder")
    data = load_corpora(train_dir, dev_dir, model_dir / ".work", base_model, progress, lemmas=True)
    train_docs, dev_docs, train_key, dev_key = (
        data.train_docs,
        data.dev_docs,
        data.train_key,
        data.dev_key,
    )
    work = model_dir / ".work"
    _prepare(train_docs, settings.rule_features)
    _prepare(dev_docs, settings.rule_features)

    torch.manual_seed(settings.seed)
    random.seed(settings.seed)
    featurizer = _Featurizer(encoder_dir / "tokenizer.json", settings.pieces_per_word)
    encoder = BertEncoder.from_pretrained(
        encoder_dir, layers=settings.layers, extra=len(LABELS) if settings.rule_features else 0
    )
    net = _network(encoder)

    def rules_of(doc: Doc) -> list[str] | None:
        return doc.user_data.get(_RULES_KEY) if settings.rule_features else None

    train_pieces = [featurizer.pieces(doc, rules_of(doc)) for doc in train_docs]
    size = settings.window - 2
    windows_per_epoch = sum(len(_windows(len(p.ids), size, size)) + 1 for p in train_pieces)
    steps_per_epoch = windows_per_epoch // settings.batch + 1
    total_steps = steps_per_epoch * settings.max_epochs

    head_params = [p for n, p in net.named_parameters() if not n.startswith("encoder.")]
    extra_params = [p for n, p in net.named_parameters() if n.startswith("encoder.extra")]
    body_params = [
        p
        for n, p in net.named_parameters()
        if n.startswith("encoder.") and not n.startswith("encoder.extra")
    ]
    optimizer = torch.optim.AdamW(
        [
            {"params": body_params, "lr": settings.learn_rate},
            {"params": head_params + extra_params, "lr": settings.head_learn_rate},
        ],
        weight_decay=settings.weight_decay,
    )
    warmup = max(1, int(total_steps * settings.warmup))

    def schedule(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)

    what = {k: v for k, v in asdict(settings).items() if k not in ("patience", "max_minutes")}
    run_key = hashlib.sha256(
        json.dumps([train_key, dev_key, what, __version__, str(encoder_dir)]).encode()
    ).hexdigest()[:16]
    state: dict[str, Any] = {"key": run_key, "epoch": 0, "best": -1.0, "best_epoch": 0}
    state["history"] = []
    last = work / "last.pt"
    resumed_from = 0
    if resume and last.is_file():
        saved = torch.load(last, weights_only=False)
        if saved.get("state", {}).get("key") == run_key:
            net.load_state_dict(saved["net"])
            optimizer.load_state_dict(saved["optimizer"])
            scheduler.load_state_dict(saved["scheduler"])
            state = saved["state"]
            resumed_from = int(state["epoch"])

    patience_left = settings.patience - (resumed_from - int(state["best_epoch"]))
    for epoch in range(resumed_from + 1, settings.max_epochs + 1):
        if settings.max_minutes and (time.monotonic() - started) / 60 > settings.max_minutes:
            break
        rng = random.Random(settings.seed * 1000 + epoch)
        torch.manual_seed(settings.seed * 1000 + epoch)
        items: list[tuple[int, int, int]] = []
        for n, p in enumerate(train_pieces):
            shift = rng.randrange(size) if len(p.ids) > size else 0
            items.extend((n, s, e) for s, e in _windows(len(p.ids), size, size, shift))
        rng.shuffle(items)
        batches = [items[b : b + settings.batch] for b in range(0, len(items), settings.batch)]
        net.train()
        loss_sum = 0.0
        for k, chunk in enumerate(batches, start=1):
            ids, mask, rule_ids, gold = _batch(
                featurizer,
                [(train_pieces[n], s, e) for n, s, e in chunk],
                [train_docs[n].user_data[_GOLD_KEY] for n, _, _ in chunk],
            )
            logits = net(ids, mask, rule_ids)
            loss = torch.nn.functional.cross_entropy(
                logits.reshape(-1, len(LABELS)), gold.reshape(-1), ignore_index=-100
            )
            optimizer.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            loss_sum += float(loss.detach())
            if progress:
                progress(f"epoch {epoch}", k, len(batches))
        entry: dict[str, Any] = {"epoch": epoch, "loss": round(loss_sum / max(1, len(batches)), 4)}
        if dev_docs:
            tagged = _tag_docs(
                net, featurizer, dev_docs, [rules_of(d) for d in dev_docs], settings.window
            )
            predicted = [tags for tags, _ in tagged]
            figures = score_tags(dev_docs, predicted)
            entry["dev"] = figures
            improved = figures["score"] > state["best"]
        else:
            improved = True
        entry["minutes"] = round((time.monotonic() - started) / 60, 1)
        state["history"].append(entry)
        state["epoch"] = epoch
        if improved:
            state["best"] = entry["dev"]["score"] if dev_docs else epoch
            state["best_epoch"] = epoch
            patience_left = settings.patience
            _save_weights(net, model_dir / "weights.pt")
        else:
            patience_left -= 1
        tmp = last.with_suffix(".tmp")
        last.parent.mkdir(parents=True, exist_ok=True)
        torch.save(
            {
                "net": net.state_dict(),
                "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(),
                "state": state,
            },
            tmp,
        )
        tmp.replace(last)
        if dev_docs and patience_left <= 0:
            break

    for name in ("config.json", "tokenizer.json"):
        shutil.copyfile(encoder_dir / name, model_dir / name)
    size_bytes = sum(
        (model_dir / n).stat().st_size for n in ("weights.pt", "config.json", "tokenizer.json")
    )
    head = {
        "kind": TRANSFORMER_KIND,
        "format": TRANSFORMER_FORMAT,
        "encoder": str(encoder_dir),
        "encoder_note": "all-MiniLM-L6-v2 (Apache-2.0), first `layers` layers fine-tuned",
        "labels": list(LABELS),
    }
    report = finish_model(
        model_dir,
        head,
        settings=asdict(settings),
        data=data,
        state=state,
        size=size_bytes,
        started=started,
        resumed_from=resumed_from,
    )
    last.unlink(missing_ok=True)
    return report


def _save_weights(net: torch.nn.Module, path: Path) -> None:
    import torch

    path.parent.mkdir(parents=True, exist_ok=True)
    half = {k: (v.half() if v.is_floating_point() else v) for k, v in net.state_dict().items()}
    tmp = path.with_suffix(".tmp")
    torch.save(half, tmp)
    tmp.replace(path)


# --- use -----------------------------------------------------------------------------------


@dataclass(slots=True)
class TransformerModel:
    """A trained transformer role tagger, loaded from a model directory."""

    path: Path
    meta: dict[str, Any]
    net: Any = field(repr=False)
    featurizer: _Featurizer = field(repr=False)
    settings: TransformerSettings = field(repr=False)

    @classmethod
    def load(cls, path: Path, meta: dict[str, Any], *, quantize: bool = False) -> TransformerModel:
        """The model in ``path``; ``quantize``: int8 weights for the linear layers (dynamic
        quantisation: faster on the CPU, figures in docs/TRAINING.md)."""
        try:
            import torch
        except ImportError:
            raise OnrecordError(
                f"{path}: a transformer model needs PyTorch: pip install 'onrecord[train]'"
            ) from None
        from .encoder import BertConfig, BertEncoder

        known = TransformerSettings.__slots__
        settings = TransformerSettings(
            **{k: v for k, v in meta.get("settings", {}).items() if k in known}
        )
        try:
            config = BertConfig.from_dict(json.loads((path / "config.json").read_text()))
            state = torch.load(path / "weights.pt", weights_only=True)
            featurizer = _Featurizer(path / "tokenizer.json", settings.pieces_per_word)
        except (OSError, ValueError, RuntimeError) as exc:
            raise OnrecordError(f"{path}: the model cannot be loaded ({exc})") from None
        encoder = BertEncoder(
            config, layers=settings.layers, extra=len(LABELS) if settings.rule_features else 0
        )
        net = _network(encoder)
        net.load_state_dict({k: v.float() for k, v in state.items()})
        net.eval()
        if quantize:
            net = torch.ao.quantization.quantize_dynamic(  # type: ignore[no-untyped-call]
                net, {torch.nn.Linear}, dtype=torch.qint8
            )
        return cls(path, meta, net, featurizer, settings)

    def tags(self, docs: Sequence[Doc]) -> list[list[str]]:
        """BIO role tags per token of each Doc (Docs made by the base model; the rules'
        attributions are read from ``doc._.onrecord_quotes`` or found again)."""
        return [tags for tags, _ in self._tagged(docs)]

    def _tagged(self, docs: Sequence[Doc]) -> list[tuple[list[str], list[float]]]:
        rules = [rule_tags(d) if self.settings.rule_features else None for d in docs]
        return _tag_docs(self.net, self.featurizer, docs, rules, self.settings.window)

    def role_spans(self, doc: Doc) -> list[RoleSpan]:
        """The role spans in ``doc``, each scored with its mean role probability."""
        ((tags, scores),) = self._tagged([doc])
        return decode_roles(doc, mend_tags(doc, tags), scores)

    def predict(self, doc: Doc) -> list[PredictedAttribution]:
        return link_roles(doc, self.role_spans(doc))
