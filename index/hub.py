"""Talking to the Hub: model listings page by page, GGUF file trees, dataset files.

Everything goes through huggingface_hub's own HTTP session, headers and error types, with an
`HfApi(endpoint=..., token=...)` passed in. The listing is walked here rather than with
`HfApi.list_models` because that generator builds a `ModelInfo` for every record and dies on the
first malformed one (a bad date, a `safetensors` without `total`); the catalog wants the raw
records, its own retry policy (truncated JSON is retried too) and a rate limiter shared by all calls.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from queue import Full, Queue
from typing import Any
from urllib.parse import quote

import orjson

from .errors import HubBadResponse, HubError, HubRateLimited, HubUnavailable

log = logging.getLogger(__name__)

LISTING_FIELDS: tuple[str, ...] = (
    "author",
    "sha",
    "cardData",
    "config",
    "safetensors",
    "gguf",
    "tags",
    "siblings",
    "downloads",
    "downloadsAllTime",
    "likes",
    "trendingScore",
    "createdAt",
    "lastModified",
    "library_name",
    "pipeline_tag",
    "gated",
)

RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class HubOptions:
    endpoint: str = "https://huggingface.co"
    token: str | None = field(default=None, repr=False)  # never in a log or a traceback
    page_size: int = 1000
    timeout: float = 30.0
    max_retries: int = 5
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    calls_per_window: int = 500
    window_seconds: float = 300.0


@dataclass(frozen=True, slots=True)
class TreeFile:
    path: str
    size: int | None


class RateLimiter:
    """At most `calls` calls in any `window` seconds (a sliding window of call times)."""

    def __init__(
        self,
        calls: int,
        window: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.calls = max(1, calls)
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._times: deque[float] = deque()
        self.waited = 0.0

    def acquire(self) -> None:
        now = self._clock()
        while self._times and now - self._times[0] >= self.window:
            self._times.popleft()
        if len(self._times) >= self.calls:
            pause = self.window - (now - self._times[0])
            if pause > 0:
                self.waited += pause
                self._sleep(pause)
            now = self._clock()
            self._times.popleft()
        self._times.append(now)


def _loads(content: bytes) -> Any:
    """Parse a JSON body fast; fall back to the standard parser for what orjson refuses (NaN)."""
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        return json.loads(content)


def _retry_after(headers: Any) -> float | None:
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


class Hub:
    """The Hub as the catalog sees it. `api` is a `huggingface_hub.HfApi`."""

    def __init__(
        self,
        options: HubOptions,
        api: Any = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        from huggingface_hub import HfApi

        self.options = options
        self.api = api or HfApi(endpoint=options.endpoint.rstrip("/"), token=options.token)
        self.limiter = RateLimiter(options.calls_per_window, options.window_seconds, clock=clock, sleep=sleep)
        self._sleep = sleep
        self.calls = 0

    # -- listing -----------------------------------------------------------------------------
    def list_pages(
        self,
        *,
        pipeline_tag: str | None = None,
        filter: str | None = None,
        sort: str = "downloads",
        expand: Sequence[str] = LISTING_FIELDS,
    ) -> Iterator[list[dict[str, Any]]]:
        """The listing one page (a list of raw records) at a time, following `Link: rel="next"`."""
        params: list[tuple[str, str]] = [("sort", sort), ("direction", "-1")]
        params.append(("limit", str(self.options.page_size)))
        if pipeline_tag:
            params.append(("pipeline_tag", pipeline_tag))
        if filter:
            params.append(("filter", filter))
        params.extend(("expand", field) for field in expand)
        return self._prefetched(self._walk(f"{self.api.endpoint}/api/models", params))

    def _walk(self, url: str, params: list[tuple[str, str]]) -> Iterator[list[dict[str, Any]]]:
        next_url: str | None = url
        first = True
        while next_url is not None:
            page, next_url = self._get_page(next_url, params if first else None)
            first = False
            yield page

    @staticmethod
    def _prefetched(pages: Iterator[list[dict[str, Any]]], depth: int = 2) -> Iterator[list[dict[str, Any]]]:
        """Fetch the next pages in a thread while the caller works on this one (the Hub's latency and
        the caller's parsing overlap). Errors reach the caller in order; closing the generator early
        stops the fetching."""
        queue: Queue[tuple[str, Any]] = Queue(maxsize=depth)
        stop = threading.Event()

        def put(item: tuple[str, Any]) -> bool:
            while not stop.is_set():
                try:
                    queue.put(item, timeout=0.1)
                    return True
                except Full:
                    continue
            return False

        def work() -> None:
            try:
                for page in pages:
                    if not put(("page", page)):
                        return
            except BaseException as error:  # handed to the consumer, raised there
                put(("error", error))
                return
            put(("end", None))

        worker = threading.Thread(target=work, name="hub-listing", daemon=True)
        worker.start()
        try:
            while True:
                kind, value = queue.get()
                if kind == "page":
                    yield value
                elif kind == "error":
                    raise value
                else:
                    return
        finally:
            stop.set()
            worker.join(timeout=5)

    def _get_page(self, url: str, params: list[tuple[str, str]] | None) -> tuple[list[dict[str, Any]], str | None]:
        """One listing page; a body that is not a JSON array (truncated, garbled) is fetched again."""
        for attempt in range(self.options.max_retries + 1):
            if attempt:
                self._backoff(attempt, None)
            response = self._get(url, params)
            try:
                body = _loads(response.content)
            except ValueError:
                log.warning("Hub sent an unreadable page; attempt %d", attempt + 1)
                continue
            if isinstance(body, list):
                next_link = response.links.get("next", {}).get("url")
                return [record for record in body if isinstance(record, dict)], next_link
            log.warning("Hub sent a %s instead of a page; attempt %d", type(body).__name__, attempt + 1)
        raise HubBadResponse()

    def _get(
        self,
        url: str,
        params: list[tuple[str, str]] | None,
        extra_headers: dict[str, str] | None = None,
        attempts: int | None = None,
    ) -> Any:
        """GET with the rate limiter, retries on transient faults, and Retry-After honoured; at most
        `attempts` requests (default: 1 + max_retries)."""
        import httpx2
        from huggingface_hub.errors import HfHubHTTPError
        from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status

        headers = build_hf_headers(token=self.options.token or False)
        if extra_headers:
            headers.update(extra_headers)
        last_status: int | None = None
        wait: float | None = None
        for attempt in range(attempts if attempts is not None else self.options.max_retries + 1):
            if attempt:
                self._backoff(attempt, wait)
            wait = None
            self.limiter.acquire()
            self.calls += 1
            try:
                query = tuple(params) if params else None
                response = get_session().get(url, params=query, headers=headers, timeout=self.options.timeout)
            except (httpx2.TimeoutException, httpx2.NetworkError, httpx2.RemoteProtocolError) as error:
                log.warning("Hub request failed (%s); attempt %d", type(error).__name__, attempt + 1)
                last_status = None
                continue
            if response.status_code in RETRY_STATUSES:
                last_status = response.status_code
                wait = _retry_after(response.headers)
                log.warning("Hub answered %d; attempt %d", response.status_code, attempt + 1)
                continue
            try:
                hf_raise_for_status(response)
            except HfHubHTTPError as error:
                raise HubError(f"The Hub refused the request ({response.status_code}): {url}") from error
            return response
        if last_status == 429:
            raise HubRateLimited()
        raise HubUnavailable()

    def _backoff(self, attempt: int, retry_after: float | None) -> None:
        if retry_after is not None:  # as the Hub asks, but never longer than one rate-limit window
            pause = min(retry_after, max(self.options.backoff_max, self.options.window_seconds))
        else:
            pause = min(self.options.backoff_max, self.options.backoff_base * 2 ** (attempt - 1))
        if pause > 0:
            self._sleep(pause)

    # -- trees and files -----------------------------------------------------------------------
    def repo_files(self, repo_id: str, revision: str | None = None) -> list[TreeFile]:
        """Every file of a model repo with its size (recursive tree)."""
        from huggingface_hub.hf_api import RepoFile

        self.limiter.acquire()
        self.calls += 1
        entries = self.api.list_repo_tree(repo_id, revision=revision, recursive=True)
        return [TreeFile(entry.path, entry.size) for entry in entries if isinstance(entry, RepoFile)]

    def file_bytes(
        self,
        repo_id: str,
        filename: str,
        revision: str | None = None,
        byte_range: tuple[int, int] | None = None,
        attempts: int | None = None,
    ) -> bytes:
        """A model repo file's bytes through the resolve URL (the way hf_hub_download fetches it), or
        bytes first..last of it with a Range request; rate-limited and retried like every call.
        A file the repo does not have raises HubError; a Hub that stays down HubUnavailable."""
        url = f"{self.api.endpoint}/{repo_id}/resolve/{quote(revision or 'main', safe='')}/{quote(filename)}"
        headers = {"Range": f"bytes={byte_range[0]}-{byte_range[1]}"} if byte_range else None
        response = self._get(url, None, headers, attempts)
        content: bytes = response.content
        if byte_range and response.status_code == 200:  # a server that ignores Range: keep the part asked
            content = content[byte_range[0] : byte_range[1] + 1]
        return content

    def dataset_file(self, repo_id: str, filename: str, cache_dir: Path) -> Path:
        """Download (or reuse from the cache) one file of a dataset repo."""
        from huggingface_hub import hf_hub_download

        self.limiter.acquire()
        self.calls += 1
        path = hf_hub_download(
            repo_id,
            filename,
            repo_type="dataset",
            endpoint=self.api.endpoint,
            token=self.options.token or False,
            cache_dir=cache_dir,
        )
        return Path(path)
