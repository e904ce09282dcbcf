"""The fit's Shape of a real config.json in tests/fixtures/configs (sources in its SOURCES.md)."""

from __future__ import annotations

import json
from pathlib import Path

from index.shapes import shape_from_config
from recommender.fit import Shape

CONFIGS = Path(__file__).parent / "fixtures" / "configs"


def config_shape(name: str, params: int | None = None, active: int | None = None) -> Shape:
    """tests/fixtures/configs/NAME.json read as the catalog reads it; `params` and `active` (a MoE's parameters
    used per token) from the model card, as config.json does not state them."""
    found = shape_from_config(json.loads((CONFIGS / f"{name}.json").read_text()))
    return Shape(
        params=params,
        architecture=found.architecture,
        n_layers=found.n_layers,
        n_kv_heads=found.n_kv_heads,
        head_dim=found.head_dim,
        sliding_window=found.sliding_window,
        full_layers=found.full_layers,
        swa_layers=found.swa_layers or 0,
        kv_lora_rank=found.kv_lora_rank,
        qk_rope_head_dim=found.qk_rope_head_dim,
        active_params=active,
        experts=found.experts,
        experts_active=found.experts_active,
        vocab_size=found.vocab_size,
        hidden_size=found.hidden_size,
    )
