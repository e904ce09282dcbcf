"""Small Hub records built in tests, in the GET /api/models/{id} wire shape."""

from __future__ import annotations

import hashlib
from typing import Any

from index.hub import HubOptions
from index.sync import SyncOptions


def record(model_id: str, downloads: int = 1000, **fields: Any) -> dict[str, Any]:
    """A text-generation record; `fields` override or add keys (None removes a key)."""
    author = model_id.split("/", 1)[0]
    base: dict[str, Any] = {
        "_id": hashlib.md5(model_id.encode()).hexdigest()[:24],
        "id": model_id,
        "modelId": model_id,
        "author": author,
        "sha": hashlib.sha1(model_id.encode()).hexdigest(),
        "lastModified": "2026-10-01T10:00:00.000Z",
        "createdAt": "2026-09-01T10:00:00.000Z",
        "private": False,
        "disabled": False,
        "gated": False,
        "pipeline_tag": "text-generation",
        "library_name": "transformers",
        "tags": ["transformers", "safetensors", "text-generation", "license:apache-2.0"],
        "downloads": downloads,
        "likes": downloads // 100,
        "trendingScore": 1,
        "cardData": {"license": "apache-2.0"},
        "config": {"architectures": ["MistralForCausalLM"], "model_type": "mistral"},
        "safetensors": {"parameters": {"BF16": 7_241_732_096}, "total": 7_241_732_096},
        "siblings": [{"rfilename": "config.json"}, {"rfilename": "model.safetensors"}],
    }
    for key, value in fields.items():
        if value is None:
            base.pop(key, None)
        else:
            base[key] = value
    return base


def gguf_record(model_id: str, base_model: str, files: list[str], downloads: int = 500, **fields: Any) -> dict:
    return record(
        model_id,
        downloads,
        library_name="gguf",
        tags=["gguf", "text-generation", f"base_model:quantized:{base_model}", f"base_model:{base_model}"],
        cardData={"base_model": base_model, "quantized_by": model_id.split("/")[0]},
        config=None,
        safetensors=None,
        gguf={"total": 7_241_732_096, "architecture": "llama", "context_length": 32768},
        siblings=[{"rfilename": name} for name in ["README.md", *files]],
        **fields,
    )


def fast_hub_options(url: str, **overrides: Any) -> HubOptions:
    """Hub options for tests: short waits, no real rate limit."""
    values: dict[str, Any] = {
        "endpoint": url,
        "page_size": 50,
        "timeout": 5.0,
        "max_retries": 3,
        "backoff_base": 0.01,
        "backoff_max": 0.05,
        "calls_per_window": 10_000,
        "window_seconds": 1.0,
    }
    values.update(overrides)
    return HubOptions(**values)


def sync_options(**overrides: Any) -> SyncOptions:
    values: dict[str, Any] = {"min_downloads": 1, "stale_days": 365, "stale_min_downloads": 10, "batch_size": 20}
    values.update(overrides)
    return SyncOptions(**values)
