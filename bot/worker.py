"""The thread that answers requests, with a time budget per request.

Blocking work (parsing, ranking, SQLite) runs in one worker thread so answers never stall the event loop. A
request that overruns its budget is given up on: the caller gets `RequestTooSlow` (and the user a short
message) at the budget, and the worker that is still busy with it is retired — later requests go to a fresh
worker, so one slow request can never hold up the others. Retired workers finish on their own; at most
`max_retired` may be busy at once (past that, requests are refused until one finishes, so a flood of slow
requests cannot pile up threads).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from .error_messages import RequestTooSlow

log = logging.getLogger(__name__)
T = TypeVar("T")


class BudgetedWorker:
    def __init__(self, budget: float, *, max_retired: int = 2, name: str = "sommelier") -> None:
        self.budget = budget
        self.max_retired = max_retired
        self.name = name
        self._lock = threading.Lock()
        self._executor = self._new_executor()
        self._retired: list[Future[Any]] = []

    def _new_executor(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix=self.name)

    @property
    def retired_busy(self) -> int:
        with self._lock:
            self._retired = [future for future in self._retired if not future.done()]
            return len(self._retired)

    async def run(self, call: Callable[..., T], *args: Any, budget: float | None = None, **kwargs: Any) -> T:
        """`call(*args, **kwargs)` in the worker; RequestTooSlow once `budget` seconds have passed."""
        if self.retired_busy > self.max_retired:
            raise RequestTooSlow()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (budget or self.budget)
        while True:
            with self._lock:
                executor = self._executor
            future = executor.submit(call, *args, **kwargs)
            try:
                return await asyncio.wait_for(asyncio.wrap_future(future), timeout=max(0.0, deadline - loop.time()))
            except TimeoutError:
                self._retire(executor, future)
                raise RequestTooSlow() from None
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if future.cancelled() and task is not None and not task.cancelling():
                    continue  # it was queued behind a request that overran: run it in the new worker
                raise

    def _retire(self, executor: ThreadPoolExecutor, future: Future[Any]) -> None:
        with self._lock:
            if self._executor is executor:  # the next request gets a new worker; queued ones move there
                self._executor = self._new_executor()
                self._retired.append(future)
                executor.shutdown(wait=False, cancel_futures=True)
        log.warning("a request overran its %.1f s budget; its worker was retired", self.budget)

    def shutdown(self) -> None:
        with self._lock:
            self._executor.shutdown(wait=False, cancel_futures=True)
