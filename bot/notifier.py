"""The watches' outbox sent to Telegram: a queue drained at a bounded rate, never a burst of sends.

At most `per_second` messages a second in all and one a second per chat (Telegram's limits are about 30 a
second and 1 a second per chat); a notice leaves the outbox only once Telegram took it. A user who blocked the
bot (403) or whose chat is gone loses their watches; a flood wait (429) or a network failure pauses the queue
and keeps the notice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from .watches import Outgoing, WatchStore

log = logging.getLogger(__name__)

PER_CHAT_SECONDS = 1.0
BATCH = 50
MAX_PAUSE = 60.0


class Notifier:
    def __init__(self, store: WatchStore, send: Callable[[int, str], Awaitable[object]], per_second: float = 20.0):
        self.store = store
        self.send = send
        self.gap = 1.0 / max(0.1, per_second)
        self.sent = 0
        self.dropped = 0  # users removed (blocked the bot) or notices Telegram refused for good
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._last: dict[int, float] = {}  # chat id → when it last got a notice

    def start(self) -> None:
        """Runs the queue in the current event loop (once); it drains what a previous run left too."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="watch-notices")
        self._wake.set()

    def kick(self) -> None:
        """New notices are in the outbox."""
        self._wake.set()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        pause = 1.0
        while True:
            await self._wake.wait()
            self._wake.clear()
            try:
                finished = await self.drain()
            except Exception as error:  # the queue outlives any one failure; the outbox keeps the notices
                log.error("watch notices failed", exc_info=error)
                finished = False
            if finished:
                pause = 1.0
                continue
            await asyncio.sleep(pause)  # Telegram unreachable or flooding: try again later, a little later each time
            pause = min(MAX_PAUSE, pause * 2)
            self._wake.set()

    async def drain(self) -> bool:
        """Sends the outbox; True when it is empty, False when Telegram asked to wait or could not be reached."""
        while True:
            batch = await asyncio.to_thread(self.store.outbox, BATCH)
            if not batch:
                self._last.clear()
                return True
            waiting = False
            for item in batch:
                since = time.monotonic() - self._last.get(item.chat_id, -PER_CHAT_SECONDS)
                if since < PER_CHAT_SECONDS:  # this chat just got one: later in the round
                    waiting = True
                    continue
                outcome = await self._send(item)
                if outcome == "retry":
                    return False
                await asyncio.sleep(self.gap)
            if waiting:
                await asyncio.sleep(PER_CHAT_SECONDS / 4)

    async def _send(self, item: Outgoing) -> str:
        try:
            await self.send(item.chat_id, item.text)
        except RetryAfter as error:
            wait = error.retry_after
            await asyncio.sleep(min(MAX_PAUSE, wait.total_seconds() if hasattr(wait, "total_seconds") else wait))
            return "retry"
        except Forbidden:  # blocked the bot, or never started a chat with it
            removed = await asyncio.to_thread(self.store.remove_user, item.user_id)
            log.info("user blocked the bot: %d watches removed", removed)
            self.dropped += 1
            return "gone"
        except BadRequest as error:
            if "chat not found" in str(error).lower():
                await asyncio.to_thread(self.store.remove_user, item.user_id)
            else:
                log.warning("watch notice refused: %s", error)
                await asyncio.to_thread(self.store.sent, item.id)
            self.dropped += 1
            return "gone"
        except (NetworkError, TelegramError) as error:
            log.warning("watch notice not sent yet: %s", type(error).__name__)
            return "retry"
        self._last[item.chat_id] = time.monotonic()
        await asyncio.to_thread(self.store.sent, item.id)
        self.sent += 1
        return "sent"
