"""Strict readers of command arguments (/fit, /prefs): ASCII digits only, bounded, finite. A word that is not
exactly a valid value gives None (or `BadArgument` with the text key that explains it), never an exception
from deep inside (a superscript digit, 10^400, NaN, a 4,000-digit number)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from recommender.fit import KV_CACHE_TYPES, KVCacheType

from .errors import FrontError

MIN_MEMORY_GB = 0.1
MAX_MEMORY_GB = 4096.0
MIN_CONTEXT = 256
MAX_CONTEXT = 10_000_000
MEMORY_KINDS = ("ram", "vram", "unified")

_MEMORY_RE = re.compile(r"([0-9]{1,5}(?:[.,][0-9]{1,3})?)\s?(gb|gib|g|гб)?", re.ASCII | re.IGNORECASE)
_CONTEXT_RE = re.compile(r"([0-9]{1,8})(k|к)?", re.IGNORECASE)


class BadArgument(FrontError):
    """A command argument that is not a valid value; `key` names its text in bot/texts.py."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def memory_gb(word: str) -> float | None:
    """ "16", "16GB", "16gb", "12.5G", "16 гб" → GB; None for anything else or out of 0.1-4096."""
    match = _MEMORY_RE.fullmatch(word.strip())
    if match is None:
        return None
    value = float(match.group(1).replace(",", "."))
    return value if MIN_MEMORY_GB <= value <= MAX_MEMORY_GB else None


def context_tokens(word: str) -> int | None:
    """ "8192", "32k" → tokens; None for anything else or out of 256-10M."""
    match = _CONTEXT_RE.fullmatch(word.strip())
    if match is None:
        return None
    value = int(match.group(1)) * (1024 if match.group(2) else 1)
    return value if MIN_CONTEXT <= value <= MAX_CONTEXT else None


def _has_memory_unit(word: str) -> bool:
    """A word that meant to be a memory size ("1e400GB", "16²gb"): a unit at the end, a digit before it."""
    lowered = word.lower()
    for unit in ("gb", "гб", "g"):
        if lowered.endswith(unit):
            return any(char.isdigit() for char in lowered[: -len(unit)])
    return False


@dataclass(frozen=True, slots=True)
class FitArguments:
    model: str
    memory_gb: float
    kind: Literal["ram", "vram", "unified"]
    context: int | None
    kv_cache: KVCacheType | None = None  # None: the user's /prefs choice
    vision: bool = False


def fit_arguments(words: list[str]) -> FitArguments | None:
    """`/fit MODEL 16GB [vram|ram|unified] [CONTEXT] [kv q8_0|q4_0|f16] [vision]`: None when there is no model
    or no memory (the usage is shown); BadArgument for a word after the memory that is none of those."""
    amounts = [index for index, word in enumerate(words) if index > 0 and memory_gb(word) is not None]
    with_unit = [index for index in amounts if not words[index].strip()[-1:].isdigit()]
    if not amounts:
        if any(index > 0 and _has_memory_unit(word) for index, word in enumerate(words)):
            raise BadArgument("err_fit_memory")
        return None
    at = (with_unit or amounts)[0]
    kind: Literal["ram", "vram", "unified"] = "ram"
    context = None
    kv_cache: KVCacheType | None = None
    vision = False
    for word in words[at + 1 :]:
        lowered = word.lower().removeprefix("kv=").removeprefix("kv:")
        if lowered in MEMORY_KINDS:
            kind = lowered  # type: ignore[assignment]
        elif lowered in KV_CACHE_TYPES:
            kv_cache = lowered  # type: ignore[assignment]
        elif lowered in ("kv", "kv-cache"):
            continue
        elif lowered in ("vision", "images", "mmproj"):
            vision = True
        else:
            tokens = context_tokens(word)
            if tokens is None or context is not None:
                raise BadArgument("err_fit_context")
            context = tokens
    return FitArguments(" ".join(words[:at]), memory_gb(words[at]) or 0.0, kind, context, kv_cache, vision)
