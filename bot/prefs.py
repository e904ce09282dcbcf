"""Per-user preferences (memory budget and kind, commercial only, formats, reply language), saved in SQLite,
and a per-user sliding-window rate limit."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections import OrderedDict, deque
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Literal

from recommender.filters import FORMATS, MEMORY_KINDS, Filters
from recommender.fit import KV_CACHE_TYPES, KVCacheType

from .arguments import memory_gb
from .errors import FrontError

MAX_MEMORY_GB = 4096.0


@dataclass(frozen=True, slots=True)
class Prefs:
    memory_gb: float | None = None
    memory_kind: Literal["ram", "vram", "unified"] | None = None
    commercial: bool = False
    formats: tuple[str, ...] = ()
    lang: Literal["en", "ru"] | None = None
    kv_cache: KVCacheType = "f16"  # llama.cpp's --cache-type-k/-v: f16, q8_0 or q4_0
    ram_gb: float | None = None  # system RAM beside the GPU: only then is CPU offload offered

    def filters(self) -> Filters:
        return Filters(
            memory_gb=self.memory_gb,
            memory_kind=self.memory_kind,
            commercial=True if self.commercial else None,
            formats=list(self.formats),
        )

    def is_empty(self) -> bool:
        return self == Prefs()

    def describe(self) -> str:
        parts = []
        if self.memory_gb:
            parts.append(f"{self.memory_gb:g} GB {self.memory_kind or 'RAM'}")
        if self.commercial:
            parts.append("commercial only")
        if self.formats:
            parts.append(", ".join(self.formats))
        if self.ram_gb:
            parts.append(f"{self.ram_gb:g} GB RAM for offload")
        if self.kv_cache != "f16":
            parts.append(f"KV cache {self.kv_cache}")
        return "; ".join(parts)


class PrefsError(FrontError):
    """A /prefs argument that makes no sense; `key` names its text in bot/texts.py."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def updated(prefs: Prefs, words: list[str]) -> Prefs:
    """`/prefs memory 16 vram`, `/prefs ram 64` (RAM beside the GPU: offload allowed), `/prefs commercial on|off`,
    `/prefs formats gguf,mlx`, `/prefs kv q8_0|q4_0|f16`, `/prefs lang ru|en|auto`, `/prefs reset`."""
    if not words:
        return prefs
    key, values = words[0].lower(), [word.lower() for word in words[1:]]
    if key == "reset":
        return Prefs()
    if key == "memory":
        if not values:
            return replace(prefs, memory_gb=None, memory_kind=None)  # "/prefs memory": forget it
        amount = memory_gb(values[0])
        if amount is None:
            raise PrefsError("err_prefs_memory")
        kind = values[1] if len(values) > 1 else None
        if kind is not None and kind not in MEMORY_KINDS:
            raise PrefsError("err_prefs_kind")
        return replace(prefs, memory_gb=amount, memory_kind=kind)  # type: ignore[arg-type]
    if key == "commercial":
        return replace(prefs, commercial=bool(values) and values[0] in ("on", "yes", "1", "true"))
    if key == "formats":
        chosen = tuple(dict.fromkeys(part for value in values for part in value.split(",") if part))
        if any(name not in FORMATS for name in chosen):
            raise PrefsError("err_prefs_formats", formats=", ".join(FORMATS))
        return replace(prefs, formats=chosen)
    if key == "ram":
        if not values:
            return replace(prefs, ram_gb=None)
        amount = memory_gb(values[0])
        if amount is None:
            raise PrefsError("err_prefs_memory")
        return replace(prefs, ram_gb=amount)
    if key in ("kv", "kv_cache"):
        kv_cache = values[0] if values else "f16"
        if kv_cache not in KV_CACHE_TYPES:
            raise PrefsError("err_prefs_kv", types=", ".join(KV_CACHE_TYPES))
        return replace(prefs, kv_cache=kv_cache)  # type: ignore[arg-type]
    if key == "lang":
        lang = values[0] if values else "auto"
        if lang not in ("en", "ru", "auto"):
            raise PrefsError("err_prefs_lang")
        return replace(prefs, lang=None if lang == "auto" else lang)  # type: ignore[arg-type]
    raise PrefsError("err_prefs_key")


class PrefsStore:
    """Preferences by Telegram user id (or 0 for the terminal chat), in `path` (SQLite)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS prefs (user_id INTEGER PRIMARY KEY, data TEXT NOT NULL)")
        self._lock = threading.Lock()

    def get(self, user_id: int) -> Prefs:
        with self._lock:
            row = self._db.execute("SELECT data FROM prefs WHERE user_id = ?", [user_id]).fetchone()
        if not row:
            return Prefs()
        try:
            data = json.loads(row[0])
            return Prefs(
                memory_gb=data.get("memory_gb"),
                memory_kind=data.get("memory_kind"),
                commercial=bool(data.get("commercial")),
                formats=tuple(data.get("formats") or ()),
                lang=data.get("lang"),
                kv_cache=data.get("kv_cache") if data.get("kv_cache") in KV_CACHE_TYPES else "f16",
                ram_gb=memory_gb(str(data.get("ram_gb"))) if data.get("ram_gb") else None,
            )
        except (ValueError, TypeError, AttributeError):
            return Prefs()

    def put(self, user_id: int, prefs: Prefs) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO prefs (user_id, data) VALUES (?, ?) "
                "ON CONFLICT(user_id) DO UPDATE SET data = excluded.data",
                [user_id, json.dumps(asdict(prefs))],
            )

    def close(self) -> None:
        self._db.close()


class UserLimiter:
    """At most `calls` requests per user in `window` seconds. Memory is bounded: a user idle for a whole window
    is forgotten (nothing of them is left to count), and at most `max_users` are tracked at once."""

    def __init__(self, calls: int = 10, window: float = 60.0, max_users: int = 100_000) -> None:
        self.calls = calls
        self.window = window
        self.max_users = max_users
        self._seen: OrderedDict[int, deque[float]] = OrderedDict()  # least recently active first
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._seen)

    def wait(self, user_id: int, now: float | None = None) -> float:
        """0 when the request may go ahead (and counts it), else seconds to wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._forget_idle(now)
            seen = self._seen.get(user_id)
            if seen is None:
                seen = self._seen[user_id] = deque()
            self._seen.move_to_end(user_id)
            while seen and seen[0] <= now - self.window:
                seen.popleft()
            if len(seen) >= self.calls:
                return max(0.1, seen[0] + self.window - now)
            seen.append(now)
            return 0.0

    def _forget_idle(self, now: float) -> None:
        while self._seen:
            user_id, seen = next(iter(self._seen.items()))
            if len(self._seen) < self.max_users and seen and seen[-1] > now - self.window:
                return
            del self._seen[user_id]
