"""Watches kept in SQLite: a user's request with the filters it was read into and the models they were shown,
and the outbox of notices waiting to be sent.

A notice is written to the outbox in the same transaction that marks its models as seen by the watch, and
leaves the outbox only once Telegram took it: a crash or a restart between the two sends it later, never
forgets it, and a model is never announced twice for one watch.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from recommender.filters import Filters
from recommender.fit import KV_CACHE_TYPES, KVCacheType

from .errors import FrontError

MAX_WATCHES = 5  # per user
MAX_TEXT_CHARS = 500  # a watch keeps this much of its request (the filters hold what it means)
MAX_SEEN = 200  # model ids remembered per watch (the oldest forgotten first)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS watches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL,
    chat_id INTEGER NOT NULL,
    text TEXT NOT NULL,
    lang TEXT NOT NULL,
    filters TEXT NOT NULL,
    kv_cache TEXT NOT NULL DEFAULT 'f16',
    ram_gb REAL,
    seen TEXT NOT NULL,
    created REAL NOT NULL,
    notified REAL
);
CREATE INDEX IF NOT EXISTS watches_user ON watches(user_id);
CREATE TABLE IF NOT EXISTS watch_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    watch_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    chat_id INTEGER NOT NULL,
    text TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS watch_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class TooManyWatches(FrontError):
    """A user already has the most watches allowed."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"at most {limit} watches")
        self.limit = limit


@dataclass(frozen=True, slots=True)
class Watch:
    id: int
    user_id: int
    chat_id: int
    text: str
    lang: str
    filters: Filters
    kv_cache: KVCacheType
    ram_gb: float | None
    seen: tuple[str, ...]  # ids shown when it was made, then every one announced since
    created: float
    notified: float | None  # when its last notice was written (one a day at most)


@dataclass(frozen=True, slots=True)
class Outgoing:
    id: int
    watch_id: int
    user_id: int
    chat_id: int
    text: str


class WatchStore:
    """Watches and their outbox in `path` (SQLite, WAL; the bot's own database beside the preferences)."""

    def __init__(self, path: Path, *, limit: int = MAX_WATCHES) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.limit = limit
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30.0)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- watches -----------------------------------------------------------------------------------------
    def add(
        self,
        user_id: int,
        chat_id: int,
        text: str,
        lang: str,
        filters: Filters,
        seen: Sequence[str],
        *,
        kv_cache: KVCacheType = "f16",
        ram_gb: float | None = None,
        now: float | None = None,
    ) -> tuple[Watch, int]:
        """A new watch and its number in the user's list (1-based); TooManyWatches past the limit. The same
        request watched again is the same watch (its number returned, nothing added)."""
        text = " ".join(text.split())[:MAX_TEXT_CHARS]
        with self._transaction() as db:
            rows = db.execute("SELECT id, text FROM watches WHERE user_id = ? ORDER BY id", [user_id]).fetchall()
            for number, (watch_id, known) in enumerate(rows, 1):
                if known == text:
                    found = self._get(db, watch_id)
                    assert found is not None
                    return found, number
            if len(rows) >= self.limit:
                raise TooManyWatches(self.limit)
            cursor = db.execute(
                "INSERT INTO watches (user_id, chat_id, text, lang, filters, kv_cache, ram_gb, seen, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [user_id, chat_id, text, lang, json.dumps(filters.to_dict()), kv_cache, ram_gb,
                 json.dumps(list(dict.fromkeys(seen))[-MAX_SEEN:]), time.time() if now is None else now],
            )  # fmt: skip
            found = self._get(db, int(cursor.lastrowid or 0))
        assert found is not None
        return found, len(rows) + 1

    def of_user(self, user_id: int) -> list[Watch]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM watches WHERE user_id = ? ORDER BY id", [user_id]).fetchall()
        return [_watch(row) for row in rows]

    def all(self) -> list[Watch]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM watches ORDER BY id").fetchall()
        return [_watch(row) for row in rows]

    def get(self, watch_id: int) -> Watch | None:
        with self._lock:
            return self._get(self._db, watch_id)

    @staticmethod
    def _get(db: sqlite3.Connection, watch_id: int) -> Watch | None:
        row = db.execute("SELECT * FROM watches WHERE id = ?", [watch_id]).fetchone()
        return _watch(row) if row else None

    def remove(self, user_id: int, number: int) -> Watch | None:
        """Removes the user's watch number `number` (1-based, as /watches lists them) and its pending notices."""
        with self._transaction() as db:
            rows = db.execute("SELECT id FROM watches WHERE user_id = ? ORDER BY id", [user_id]).fetchall()
            if not 1 <= number <= len(rows):
                return None
            watch = self._get(db, rows[number - 1][0])
            db.execute("DELETE FROM watches WHERE id = ?", [rows[number - 1][0]])
            db.execute("DELETE FROM watch_outbox WHERE watch_id = ?", [rows[number - 1][0]])
        return watch

    def remove_user(self, user_id: int) -> int:
        """Every watch and pending notice of a user (who blocked the bot); how many watches went."""
        with self._transaction() as db:
            count = db.execute("DELETE FROM watches WHERE user_id = ?", [user_id]).rowcount
            db.execute("DELETE FROM watch_outbox WHERE user_id = ?", [user_id])
        return int(count)

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM watches").fetchone()[0])

    # -- notices -----------------------------------------------------------------------------------------
    def record(self, watch: Watch, seen: Sequence[str], text: str | None, now: float | None = None) -> bool:
        """Marks `seen` as known to the watch and, with `text`, queues its notice (dated now), in one
        transaction. False when the watch is gone meanwhile (removed or its user blocked the bot)."""
        now = time.time() if now is None else now
        with self._transaction() as db:
            current = self._get(db, watch.id)
            if current is None:
                return False
            known = list(dict.fromkeys([*current.seen, *seen]))[-MAX_SEEN:]
            notified = now if text is not None else current.notified
            db.execute(
                "UPDATE watches SET seen = ?, notified = ? WHERE id = ?", [json.dumps(known), notified, watch.id]
            )
            if text is not None:
                db.execute(
                    "INSERT INTO watch_outbox (watch_id, user_id, chat_id, text, created) VALUES (?, ?, ?, ?, ?)",
                    [watch.id, current.user_id, current.chat_id, text, now],
                )
        return True

    def outbox(self, limit: int = 100) -> list[Outgoing]:
        """Notices waiting to be sent, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, watch_id, user_id, chat_id, text FROM watch_outbox ORDER BY id LIMIT ?", [limit]
            ).fetchall()
        return [Outgoing(*row) for row in rows]

    def pending(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM watch_outbox").fetchone()[0])

    def sent(self, outgoing_id: int) -> None:
        with self._lock:
            self._db.execute("DELETE FROM watch_outbox WHERE id = ?", [outgoing_id])

    # -- state -------------------------------------------------------------------------------------------
    def checked_sync(self) -> int:
        """The catalog sync whose models the watches were last checked against (0: none yet)."""
        with self._lock:
            row = self._db.execute("SELECT value FROM watch_state WHERE key = 'checked_sync'").fetchone()
        return int(row[0]) if row else 0

    def set_checked_sync(self, sync_id: int) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO watch_state (key, value) VALUES ('checked_sync', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [str(sync_id)],
            )

    def close(self) -> None:
        self._db.close()


def _watch(row: Sequence[object]) -> Watch:
    watch_id, user_id, chat_id, text, lang, filters, kv_cache, ram_gb, seen, created, notified = row
    try:
        read = Filters.from_mapping(json.loads(str(filters)))
    except (ValueError, TypeError, AttributeError):
        read = Filters()
    try:
        known = tuple(str(item) for item in json.loads(str(seen)))
    except (ValueError, TypeError):
        known = ()
    return Watch(
        id=int(watch_id),  # type: ignore[call-overload]
        user_id=int(user_id),  # type: ignore[call-overload]
        chat_id=int(chat_id),  # type: ignore[call-overload]
        text=str(text),
        lang="ru" if lang == "ru" else "en",
        filters=read,
        kv_cache=kv_cache if kv_cache in KV_CACHE_TYPES else "f16",  # type: ignore[arg-type]
        ram_gb=float(ram_gb) if isinstance(ram_gb, int | float) and ram_gb > 0 else None,
        seen=known,
        created=float(created),  # type: ignore[arg-type]
        notified=float(notified) if isinstance(notified, int | float) else None,
    )
