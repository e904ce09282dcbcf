"""The filters a request turns into: the parse contract (docs/parse-contract.md) as a typed value.

`Filters` is what the rules, the GGUF model and the recommender exchange. `Filters.from_mapping` is the one
gate for untrusted values (a model's output, a JSON file, saved preferences): anything outside the
vocabularies or of the wrong type is dropped, never passed on.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

from index.derive import TASKS

MemoryKind = Literal["ram", "vram", "unified"]
Sort = Literal["best", "popular", "trending", "newest", "smallest", "fastest"]
Intent = Literal["recommend", "fit", "compare", "alternatives", "derived", "model_info"]

MEMORY_KINDS: tuple[str, ...] = ("ram", "vram", "unified")
SORTS: tuple[str, ...] = ("best", "popular", "trending", "newest", "smallest", "fastest")
INTENTS: tuple[str, ...] = ("recommend", "fit", "compare", "alternatives", "derived", "model_info")
FORMATS: tuple[str, ...] = ("gguf", "gptq", "awq", "exl2", "mlx", "safetensors")
PARSE_TASKS: tuple[str, ...] = TASKS
LIST_KEYS: tuple[str, ...] = ("licenses", "families", "formats", "quants", "tasks", "languages")
KEYS: tuple[str, ...] = (
    "memory_gb",
    "memory_kind",
    "ram_gb",
    "commercial",
    "licenses",
    "families",
    "params_min_b",
    "params_max_b",
    "min_context",
    "formats",
    "quants",
    "tasks",
    "languages",
    "uncensored",
    "base_model",
    "sort",
    "intent",
)

MAX_MEMORY_GB = 16384.0  # 16 TB: anything larger is not a budget
MAX_PARAMS_B = 100_000.0
MAX_CONTEXT = 100_000_000
MAX_BASE_MODEL_CHARS = 120
_QUANT_RE = re.compile(r"^(?:I?Q\d(?:_[A-Z0-9]{1,3}){0,2}|\dBIT|F16|BF16|F32)$")
_LICENSE_RE = re.compile(r"^[a-z0-9][a-z0-9.+-]{0,39}$")
_LANGUAGE_RE = re.compile("[a-z]{2}")
_FAMILY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,23}$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(slots=True)
class Filters:
    memory_gb: float | None = None
    memory_kind: MemoryKind | None = None
    ram_gb: float | None = None  # system RAM stated beside a GPU budget ("8GB VRAM and 32GB RAM")
    commercial: bool | None = None
    licenses: list[str] = field(default_factory=list)
    families: list[str] = field(default_factory=list)
    params_min_b: float | None = None
    params_max_b: float | None = None
    min_context: int | None = None
    formats: list[str] = field(default_factory=list)
    quants: list[str] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    uncensored: bool | None = None
    base_model: str | None = None
    sort: Sort | None = None
    intent: Intent | None = None  # None reads as "recommend"; base_model is the model it is about

    def to_dict(self) -> dict[str, Any]:
        """The contract's JSON object: every key, numbers as the smallest exact JSON type."""
        out = asdict(self)
        for key in ("memory_gb", "ram_gb", "params_min_b", "params_max_b"):
            out[key] = _number(out[key])
        return out

    def is_empty(self) -> bool:
        return self == Filters()

    def stated(self) -> list[str]:
        """The keys with a value."""
        return [spec.name for spec in fields(self) if getattr(self, spec.name) not in (None, [])]

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Filters:
        """Filters from untrusted data: values of the wrong type or outside the vocabularies are dropped."""
        filters = cls(
            memory_gb=_positive(data.get("memory_gb"), MAX_MEMORY_GB),
            memory_kind=_choice(data.get("memory_kind"), MEMORY_KINDS),  # type: ignore[arg-type]
            ram_gb=_positive(data.get("ram_gb"), MAX_MEMORY_GB),
            commercial=True if data.get("commercial") is True else None,
            licenses=_words(data.get("licenses"), _LICENSE_RE, str.lower),
            families=_words(data.get("families"), _FAMILY_RE, str.lower),
            params_min_b=_positive(data.get("params_min_b"), MAX_PARAMS_B),
            params_max_b=_positive(data.get("params_max_b"), MAX_PARAMS_B),
            min_context=_context(data.get("min_context")),
            formats=[value for value in _strings(data.get("formats"), str.lower) if value in FORMATS],
            quants=_words(data.get("quants"), _QUANT_RE, str.upper),
            tasks=[value for value in _strings(data.get("tasks"), str.lower) if value in PARSE_TASKS],
            languages=[value for value in _strings(data.get("languages"), str.lower) if _LANGUAGE_RE.fullmatch(value)],
            uncensored=True if data.get("uncensored") is True else None,
            base_model=_base_model(data.get("base_model")),
            sort=_choice(data.get("sort"), SORTS),  # type: ignore[arg-type]
            intent=_choice(data.get("intent"), INTENTS),  # type: ignore[arg-type]
        )
        if (
            filters.params_min_b is not None
            and filters.params_max_b is not None
            and filters.params_min_b > filters.params_max_b
        ):
            filters.params_min_b, filters.params_max_b = filters.params_max_b, filters.params_min_b
        return filters


def unique(values: Iterable[str]) -> list[str]:
    """Values in first-seen order without repeats."""
    return list(dict.fromkeys(values))


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 3)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _positive(value: object, limit: float) -> float | None:
    if not _is_number(value) or not 0 < float(value) <= limit:  # type: ignore[arg-type]
        return None
    return float(value)  # type: ignore[arg-type]


def _context(value: object) -> int | None:
    if not _is_number(value) or not 0 < float(value) <= MAX_CONTEXT:  # type: ignore[arg-type]
        return None
    return int(value)  # type: ignore[call-overload]


def _choice(value: object, allowed: tuple[str, ...]) -> str | None:
    return value.lower() if isinstance(value, str) and value.lower() in allowed else None


def _strings(value: object, normalise: Any) -> list[str]:
    if not isinstance(value, list | tuple):
        return []
    return unique(normalise(item.strip()) for item in value[:32] if isinstance(item, str) and item.strip())


def _words(value: object, pattern: re.Pattern[str], normalise: Any) -> list[str]:
    return [item for item in _strings(value, normalise) if pattern.fullmatch(item)]


def _base_model(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(_CONTROL_RE.sub(" ", value).split()).strip(" \"'«»“”.,;:!?()[]")
    return text[:MAX_BASE_MODEL_CHARS] or None
