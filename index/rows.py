"""One raw Hub record → one catalog row (stored fields + derived fields + content hash).

Records come from the internet: every field is checked for its type, and a record that cannot
be stored at all (no usable id) gives None so the caller can log and skip it.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from typing import Any

import orjson

from .derive import Derived, derive
from .schema import COUNTER_COLUMNS, MODEL_COLUMNS
from .weight_bits import weight_bits

MAX_ID_LENGTH = 300
MAX_COUNT = 10**15  # downloads, likes: far beyond any real count, far inside 64 bits
MAX_FILE_SIZE = 2**50  # a petabyte
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# cardData keys that are large and not used for filtering
_CARD_DROP = frozenset({"model-index", "model_index", "widget", "eval_results", "co2_eq_emissions"})
_COLUMN_INDEX = {name: index for index, (name, _) in enumerate(MODEL_COLUMNS)}
_HASHED = tuple(index for name, index in _COLUMN_INDEX.items() if name not in COUNTER_COLUMNS and name != "hash")


_SLOW_DUMPS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode


def _dumps(value: Any) -> str:
    try:
        return orjson.dumps(value, default=str, option=orjson.OPT_NON_STR_KEYS).decode()
    except (orjson.JSONEncodeError, TypeError):  # integers beyond 64 bits, odd keys
        return _SLOW_DUMPS(value)


def _count(value: Any) -> int | None:
    """A counter (downloads, likes) from the Hub: a whole number from 0 to MAX_COUNT, else None
    (10**30 or -1e400 from a broken record would overflow SQLite's 64-bit integers or rank first)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        value = int(value)
    elif isinstance(value, str) and 0 < len(value.strip()) <= 20 and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and 0 <= value <= MAX_COUNT:
        return value
    return None


def _float(value: Any) -> float | None:
    """A finite number no larger than MAX_COUNT in size, else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, int) and abs(value) > MAX_COUNT:
        return None
    number = float(value)
    return number if math.isfinite(number) and abs(number) <= MAX_COUNT else None


def file_size(value: Any) -> int | None:
    """A file size in bytes from a repo tree: a whole number from 0 to MAX_FILE_SIZE, else None."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_FILE_SIZE:
        return value
    return None


def _storable(value: Any) -> Any:
    """None for a number SQLite cannot store as written (an integer beyond 64 bits, NaN, an infinity)."""
    if isinstance(value, int) and not isinstance(value, bool) and not INT64_MIN <= value <= INT64_MAX:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def record_id(record: Mapping[str, Any]) -> str | None:
    """The model id of a record (`id`, or `modelId` in older API shapes), if usable."""
    for key in ("id", "modelId"):
        value = record.get(key)
        if isinstance(value, str):
            value = value.strip()
            if value and len(value) <= MAX_ID_LENGTH and value.isprintable():
                return value
    return None


def _config(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, Mapping):
        return None
    config = {key: item for key, item in value.items() if key != "tokenizer_config"}
    tokenizer = value.get("tokenizer_config")
    if isinstance(tokenizer, Mapping) and tokenizer.get("chat_template"):
        config["has_chat_template"] = True
    return config


def _card(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, Mapping):
        return None
    return {key: item for key, item in value.items() if key not in _CARD_DROP}


def describe(derived: Derived, pipeline_tag: str | None) -> str:
    """A short text of the derived facts, indexed for keyword search next to id, author, tags."""
    parts: list[str] = []
    if derived.family:
        parts.append(derived.family)
    parts.append(derived.kind)
    if derived.params:
        parts.append(f"{derived.params / 1e9:.1f}B parameters")
    if derived.architecture:
        parts.append(derived.architecture)
    parts.extend(derived.tasks)
    parts.extend(derived.formats)
    if derived.base_models:
        parts.append("based on " + " ".join(derived.base_models))
    if derived.license:
        parts.append(derived.license)
    if pipeline_tag:
        parts.append(pipeline_tag)
    if derived.uncensored:
        parts.append("uncensored")
    return " ".join(parts)


_NATIVE_FORMATS = frozenset(("gptq", "awq", "bnb", "exl2", "mlx"))


def _weight_bits(
    model_id: str,
    config: Mapping[str, Any] | None,
    derived: Derived,
    names: list[str],
    siblings: Any,
    safetensors: Any,
) -> str | None:
    """The stored format and bits of a quantized repo that is not GGUF-only (None for the others)."""
    config = config if isinstance(config, Mapping) else None
    quantization = config.get("quantization_config") or config.get("quantization") if config is not None else None
    quantized = isinstance(quantization, Mapping)
    if not quantized and not (_NATIVE_FORMATS & set(derived.formats)) and derived.kind != "quantized":
        return None
    if derived.formats == ("gguf",):
        return None
    sizes: dict[str, int | None] = dict.fromkeys(names)
    for item in siblings if isinstance(siblings, list) else ():
        if isinstance(item, Mapping) and isinstance(item.get("rfilename"), str):
            size = item.get("size")
            if size is None and isinstance(item.get("lfs"), Mapping):
                size = item["lfs"].get("size")
            sizes[item["rfilename"]] = file_size(size)
    found = weight_bits(
        model_id,
        config,
        derived.formats,
        sizes.items(),
        safetensors if isinstance(safetensors, Mapping) else None,
        derived.params,
    )
    return found.to_json() if found is not None else None


def build_row(record: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """The staging row for a record, in MODEL_COLUMNS order; None when it has no usable id."""
    model_id = record_id(record)
    if model_id is None:
        return None
    derived = derive(record)
    author = _str(record.get("author")) or (model_id.split("/", 1)[0] if "/" in model_id else None)
    tags = record.get("tags")
    tags = [tag for tag in tags if isinstance(tag, str)] if isinstance(tags, list) else []
    siblings = record.get("siblings")
    names = (
        [item["rfilename"] for item in siblings if isinstance(item, Mapping) and isinstance(item.get("rfilename"), str)]
        if isinstance(siblings, list)
        else []
    )
    safetensors = record.get("safetensors")
    gguf = record.get("gguf")
    gguf = {key: item for key, item in gguf.items() if key != "chat_template"} if isinstance(gguf, Mapping) else None
    gated = record.get("gated")
    pipeline_tag = _str(record.get("pipeline_tag"))
    card = _card(record.get("cardData"))
    config = _config(record.get("config"))
    row: list[Any] = [
        model_id,
        author,
        _str(record.get("sha")),
        pipeline_tag,
        _str(record.get("library_name")),
        _dumps(tags),
        _str(record.get("createdAt")),
        _str(record.get("lastModified")),
        None if gated is None else int(bool(gated)),
        describe(derived, pipeline_tag),
        _dumps(card) if card is not None else None,
        _dumps(config) if config is not None else None,
        _dumps(safetensors) if isinstance(safetensors, Mapping) else None,
        _dumps(gguf) if gguf is not None else None,
        _dumps(names),
        derived.params,
        derived.params_source,
        derived.active_params,
        derived.architecture,
        derived.family,
        _dumps(list(derived.formats)),
        _dumps([{"path": f.path, "quant": f.quant, "size": f.size} for f in derived.quant_files]),
        derived.context_length,
        derived.n_layers,
        derived.n_kv_heads,
        derived.head_dim,
        derived.sliding_window,
        derived.license,
        derived.license_name,
        derived.commercial,
        _dumps(list(derived.base_models)),
        derived.base_models[0] if derived.base_models else None,
        derived.relation,
        derived.kind,
        _dumps(list(derived.tasks)),
        _dumps(list(derived.languages)),
        int(derived.uncensored),
        _weight_bits(model_id, config, derived, names, record.get("siblings"), safetensors),
        None,  # hash, below
        _count(record.get("downloads")),
        _count(record.get("downloadsAllTime")),
        _count(record.get("likes")),
        _float(record.get("trendingScore")),
    ]
    row = [_storable(value) for value in row]  # the last guard: one bad number never costs the whole page
    row[_COLUMN_INDEX["hash"]] = hashlib.blake2b(
        repr([row[index] for index in _HASHED]).encode(), digest_size=12
    ).hexdigest()
    return tuple(row)
