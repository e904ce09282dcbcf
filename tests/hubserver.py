"""A loopback HTTP server that speaks the Hugging Face Hub API, for tests.

`FakeHub` serves a model catalog (records in the wire shape of ``GET /api/models/{id}``), file trees
and file bytes to the real ``huggingface_hub`` client: point ``HfApi(endpoint=hub.url)`` or
``hf_hub_download(..., endpoint=hub.url)`` at it; nothing in the client is patched. Standard library only.

    with FakeHub(load_fixture_models(), load_fixture_trees(), page_size=7) as hub:
        ids = [m.id for m in HfApi(endpoint=hub.url).list_models(pipeline_tag="text-generation")]

Endpoints (GET; HEAD on every route too):

- ``/api/models`` -- the listing. Query parameters:
  ``search`` (case-insensitive substring of the id), ``author`` (namespace, case-insensitive),
  ``filter`` (repeatable, and comma-separated values; every value must match a tag, the library_name or
  the pipeline_tag; ``language:xx`` also matches the tag ``xx``), ``pipeline_tag``, ``library``,
  ``language``, ``gated`` (true/false), ``num_parameters`` (``min:6B,max:128B``; counts from
  ``safetensors.total`` or ``gguf.total``; models with no count are left out when a bound is given),
  ``sort`` (``downloads``, ``likes``, ``lastModified``, ``createdAt``, ``trendingScore``,
  ``downloadsAllTime``, ``id``; anything else is a 400), ``direction`` (``-1`` descending, the default
  for every sort but ``id``; ``1`` ascending), ``limit`` (the page size, capped at the server's
  ``page_size``), ``expand`` and ``expand[]`` (repeatable: return ``_id``, ``id`` and exactly the
  expanded fields present in the record; an unknown field is a 400), ``full``, ``config``, ``cardData``
  (booleans adding author/sha/lastModified/gated/disabled/siblings, config, cardData to the default
  shape), ``cursor`` (opaque; from the ``Link`` header). Without ``sort`` the order is trendingScore
  descending. Ties are always broken by id ascending, and the cursor is a keyset (last sort value + id), so
  paging never skips or repeats a model, even when the catalog changes between pages. Without ``expand``
  a record comes in the default listing shape (``LISTING_FIELDS``). Pages carry
  ``Link: <http://127.0.0.1:PORT/api/models?...&cursor=...>; rel="next"`` with every other query
  parameter preserved, as the Hub does. Unknown parameters are ignored.
- ``/api/models/{repo_id}`` and ``/api/models/{repo_id}/revision/{revision}`` -- the whole record.
  ``blobs=true`` adds ``size``, ``blobId`` and ``lfs`` (``{sha256, size, pointerSize}``) to the siblings
  found in the repo's tree; ``expand`` works as in the listing; ``securityStatus=true`` adds
  ``securityRepoStatus``. Revisions: ``main`` or the record's ``sha``; others are
  404 ``X-Error-Code: RevisionNotFound``. Unknown repos are 404 ``X-Error-Code: RepoNotFound`` with a JSON
  ``{"error": ...}`` body. Repo ids with and without an owner (``gpt2``) both work.
- ``/api/models/{repo_id}/tree/{revision}[/{path}]`` with ``recursive`` and ``expand`` -- the file tree:
  ``{"type": "file", "oid", "size", "path"[, "lfs": {"oid", "size", "pointerSize": 134}]}`` and
  ``{"type": "directory", "oid", "size": 0, "path"}``, sorted by path, ``tree_page_size`` entries a page
  (50 when ``expand=true``, as the Hub) with a ``Link`` next header. Files of 10 MiB and more, and weights
  (.gguf, .safetensors, .bin, ...), are LFS files. A missing folder is 404 ``EntryNotFound``.
- ``/{repo_id}/resolve/{revision}/{filename}`` and ``/datasets/{repo_id}/resolve/...`` -- file bytes with
  the headers ``hf_hub_download`` reads: ``X-Repo-Commit``, ``ETag`` (git blob sha1, or the sha256 for LFS
  files), ``X-Linked-Etag`` and ``X-Linked-Size`` (LFS files), ``Content-Length``; ``Range`` requests get a
  206. A model's ``config.json`` is generated from the record's ``config`` unless its bytes are given. A
  file known only by its size answers HEAD but GET is a 501 (the fake holds no bytes for it).
  A missing file is 404 ``EntryNotFound`` (with ``X-Repo-Commit``).
- ``/api/datasets/{repo_id}`` (and ``/revision/{rev}``, ``/tree/{rev}``) -- minimal dataset info.

Trees: an explicit tree (``trees=`` / ``set_tree``) plus the files whose bytes are known (``files=``,
``datasets=``); otherwise ``tree_factory(record)`` when given (see ``synthetic_tree``); otherwise the
record's siblings with size 0.

Faults (``hub.faults``, a ``FaultPlan``): ``status``, ``delay``, ``truncate``, ``reset``, ``down``/``up``,
``clear``; see ``FaultPlan``. Every request is logged in ``hub.requests`` (``RequestLog``), before its answer
is sent, so a test that got an answer always finds its request there.

What huggingface_hub (2.x, over httpx2) needs, found in its source:
- ``list_models``/``list_repo_tree`` follow ``Link: <url>; rel="next"`` (parsed by httpx's ``response.links``)
  and send no parameters on the next pages: the next URL must carry them all. ``expand`` goes out as
  ``expand=a&expand=b`` (a list param), booleans as ``true``/``false``; ``list_models`` sends no ``direction``
  (so descending must be the default) and passes ``limit`` as the page size, then stops with ``islice``.
- ``list_repo_tree`` quotes the folder with ``safe=""`` (``Q8_0%2Ffile``) and the revision likewise.
- ``hf_hub_download`` makes a ``HEAD`` (no retries) and requires ``X-Repo-Commit`` and an ``ETag``
  (``X-Linked-Etag`` wins); the size comes from ``X-Linked-Size`` or ``Content-Length``. No ``X-Xet-Hash`` is sent,
  so the plain HTTP download path is used. ``RepoFile`` needs ``oid``/``size``; ``lfs`` is ``{oid, size,
  pointerSize}`` in trees but ``{sha256, size, pointerSize}`` in ``model_info(files_metadata=True)`` siblings.
- ``hf_raise_for_status`` maps ``X-Error-Code`` RepoNotFound / RevisionNotFound / EntryNotFound to its errors.
- ``http_backoff`` (listing pages) retries 408/429/5xx and transport errors, sleeping ``Retry-After + 1`` s
  (or the ``RateLimit`` header's ``t + 1`` when ``r=0``), else 1, 2, 4, 8, 8 s; ``model_info`` does not retry.

Catalog control: ``set_models``, ``upsert_model``, ``remove_model``, ``set_tree``, ``set_file``, ``set_dataset``,
``models`` (a snapshot), ``requests``, ``count(path_prefix)``, ``clear_requests``.

Data helpers: ``load_fixture_models``, ``load_fixture_trees``, ``shared_data_dir``, ``load_shared_records``,
``synthetic_models``, ``synthetic_tree``.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import contextlib
import hashlib
import http.server
import itertools
import json
import math
import random
import re
import socket
import struct
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, NamedTuple
from urllib.parse import parse_qs, parse_qsl, quote, unquote, urlencode, urlsplit

FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"

#: Fields of a record in the default listing shape (GET /api/models without expand), in wire order.
LISTING_FIELDS: tuple[str, ...] = (
    "_id",
    "id",
    "likes",
    "trendingScore",
    "private",
    "downloads",
    "tags",
    "pipeline_tag",
    "library_name",
    "createdAt",
    "modelId",
)
#: Fields that ``full=true`` adds to the default listing shape.
FULL_FIELDS: tuple[str, ...] = ("author", "sha", "lastModified", "gated", "disabled", "siblings")
#: Values accepted by ``expand`` (huggingface_hub's ExpandModelProperty_T).
EXPANDABLE_FIELDS: frozenset[str] = frozenset(
    {
        "author",
        "baseModels",
        "cardData",
        "childrenModelCount",
        "config",
        "createdAt",
        "disabled",
        "downloads",
        "downloadsAllTime",
        "evalResults",
        "gated",
        "gguf",
        "inference",
        "inferenceProviderMapping",
        "lastModified",
        "library_name",
        "likes",
        "mask_token",
        "model-index",
        "pipeline_tag",
        "private",
        "resourceGroup",
        "safetensors",
        "sha",
        "siblings",
        "spaces",
        "tags",
        "transformersInfo",
        "trendingScore",
        "usedStorage",
        "widgetData",
    }
)
SORT_FIELDS: frozenset[str] = frozenset(
    {"downloads", "likes", "lastModified", "createdAt", "trendingScore", "downloadsAllTime", "id"}
)
_DATE_FIELDS = frozenset({"lastModified", "createdAt"})
_LFS_SUFFIXES = (
    ".gguf",
    ".safetensors",
    ".bin",
    ".pt",
    ".pth",
    ".ckpt",
    ".h5",
    ".msgpack",
    ".onnx",
    ".model",
    ".parquet",
    ".arrow",
    ".npy",
    ".npz",
    ".tflite",
    ".pkl",
    ".zip",
    ".gz",
)
_LFS_MIN_SIZE = 10 * 1024 * 1024
_POINTER_SIZE = 134
_REPO_SUBPATHS = frozenset({"tree", "revision", "resolve", "paths-info", "refs", "commits", "treesize"})
_FIXED_DATE = "2024-01-01T00:00:00.000Z"

Record = dict[str, Any]
TreeFile = dict[str, Any]


# --------------------------------------------------------------------------------------------------------
# Request log and faults


@dataclass(frozen=True)
class RequestLog:
    """One request the server received. ``status`` is 0 when the connection was dropped without an answer."""

    method: str
    path: str  # percent-decoded, without the query string
    query: dict[str, list[str]]
    status: int
    time: float  # time.time() when the request arrived
    duration: float  # seconds from arrival to the answer (delays included; logged just before it is sent)
    fault: str | None = None  # kind of the fault that shaped the answer, if any


FaultKind = Literal["status", "delay", "truncate", "reset"]
TruncateMode = Literal["bad_json", "short"]
Times = int | Literal["always"]


@dataclass
class Fault:
    """One planned fault; ``fired`` counts how often it acted, ``passed`` how many matches it let through."""

    kind: FaultKind
    path: str = "/"
    query: str | None = None
    exact: bool = False
    method: str | None = None
    times: int | None = 1  # None: always
    after: int = 0
    code: int = 503
    retry_after: int | None = None
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    mode: TruncateMode = "bad_json"
    fired: int = 0
    passed: int = 0

    def matches(self, method: str, path: str, query: str) -> bool:
        if self.method is not None and self.method.upper() != method:
            return False
        if self.exact and path != self.path:
            return False
        if not self.exact and not path.startswith(self.path):
            return False
        return self.query is None or self.query in query

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.fired >= self.times


class FaultPlan:
    """Faults the server injects, matched in the order they were added. Thread-safe.

    Every fault is matched by ``path`` (a prefix of the percent-decoded request path, or the whole path
    with ``exact=True``), optionally by ``query`` (a substring of the percent-decoded query string) and
    ``method``. It acts ``times`` times (an int, or ``"always"``), and only after ``after`` matching requests
    went through untouched (``after=2`` on the listing fails page 3). ``delay`` faults add up and let the
    request go on; the first matching status/truncate/reset fault shapes the answer.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._down: Literal["status", "reset"] | None = None

    def _add(self, fault: Fault, times: Times) -> Fault:
        if times != "always" and (not isinstance(times, int) or times < 1):
            raise ValueError(f"times must be a positive int or 'always', not {times!r}")
        fault.times = None if times == "always" else times
        with self._lock:
            self._faults.append(fault)
        return fault

    def status(
        self,
        code: int,
        *,
        path: str = "/",
        query: str | None = None,
        exact: bool = False,
        method: str | None = None,
        times: Times = 1,
        after: int = 0,
        retry_after: int | None = None,
        body: bytes | str | dict[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Fault:
        """Answer ``code`` instead. A 429 also carries the Hub's ``RateLimit``/``RateLimit-Policy`` headers
        (``"api";r=0;t=<retry_after>``), and ``Retry-After`` when ``retry_after`` is given. huggingface_hub's
        http_backoff then sleeps ``retry_after + 1`` seconds. ``body`` defaults to ``{"error": ...}``."""
        if isinstance(body, dict):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        fault = Fault(
            "status",
            path=path,
            query=query,
            exact=exact,
            method=method,
            after=after,
            code=code,
            retry_after=retry_after,
            body=body,
            headers=dict(headers or {}),
        )
        return self._add(fault, times)

    def delay(
        self,
        seconds: float,
        *,
        path: str = "/",
        query: str | None = None,
        exact: bool = False,
        method: str | None = None,
        times: Times = 1,
        after: int = 0,
    ) -> Fault:
        """Sleep ``seconds`` before answering (to trigger client timeouts); stopping the hub cuts it short."""
        fault = Fault("delay", path=path, query=query, exact=exact, method=method, after=after, seconds=seconds)
        return self._add(fault, times)

    def truncate(
        self,
        *,
        mode: TruncateMode = "bad_json",
        path: str = "/",
        query: str | None = None,
        exact: bool = False,
        method: str | None = None,
        times: Times = 1,
        after: int = 0,
    ) -> Fault:
        """Send only the first half of the body. ``bad_json``: a valid HTTP answer whose Content-Length is
        that of the half sent (the client gets invalid JSON). ``short``: Content-Length of the whole body,
        then the connection closes mid-body (the client gets a protocol error, as on a dropped connection;
        http_backoff retries that)."""
        if mode not in ("bad_json", "short"):
            raise ValueError(f"unknown truncate mode {mode!r}")
        fault = Fault("truncate", path=path, query=query, exact=exact, method=method, after=after, mode=mode)
        return self._add(fault, times)

    def reset(
        self,
        *,
        path: str = "/",
        query: str | None = None,
        exact: bool = False,
        method: str | None = None,
        times: Times = 1,
        after: int = 0,
    ) -> Fault:
        """Drop the connection (TCP reset) without answering."""
        fault = Fault("reset", path=path, query=query, exact=exact, method=method, after=after)
        return self._add(fault, times)

    def down(self, *, reset: bool = False) -> None:
        """Every request gets a 503 (or, with ``reset=True``, a dropped connection) until ``up()``."""
        with self._lock:
            self._down = "reset" if reset else "status"

    def up(self) -> None:
        with self._lock:
            self._down = None

    @property
    def is_down(self) -> bool:
        with self._lock:
            return self._down is not None

    def clear(self) -> None:
        """Remove every fault and bring the hub up."""
        with self._lock:
            self._faults.clear()
            self._down = None

    @property
    def faults(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def plan(self, method: str, path: str, query: str) -> tuple[float, Fault | None]:
        """The delay to apply and the fault (if any) shaping the answer to this request."""
        with self._lock:
            if self._down == "status":
                return 0.0, Fault("status", code=503, times=None, body=b'{"error":"Service Unavailable"}')
            if self._down == "reset":
                return 0.0, Fault("reset", times=None)
            delay = 0.0
            for fault in self._faults:
                if fault.exhausted or not fault.matches(method, path, query):
                    continue
                if fault.passed < fault.after:
                    fault.passed += 1
                    continue
                fault.fired += 1
                if fault.kind == "delay":
                    delay += fault.seconds
                    continue
                return delay, fault
            return delay, None


# --------------------------------------------------------------------------------------------------------
# Responses


@dataclass
class _Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    content_type: str = "application/json; charset=utf-8"
    length: int | None = None  # Content-Length when it differs from len(body) (HEAD of a bodiless file)


def _json_response(data: Any, status: int = 200, headers: list[tuple[str, str]] | None = None) -> _Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return _Response(status, body, list(headers or []))


def _error(
    status: int, message: str, code: str | None = None, headers: list[tuple[str, str]] | None = None
) -> _Response:
    extra = list(headers or [])
    if code is not None:
        extra.append(("X-Error-Code", code))
    extra.append(("X-Error-Message", message))
    return _json_response({"error": message}, status, extra)


def _phrase(code: int) -> str:
    try:
        return http.HTTPStatus(code).phrase
    except ValueError:
        return "Error"


class _BadRequest(Exception):
    """A query parameter the Hub would refuse"""


# --------------------------------------------------------------------------------------------------------
# Hashes and trees


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def git_blob_sha1(content: bytes) -> str:
    """The git object id of a blob with this content (what the Hub reports as a file's oid)."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def _is_lfs(path: str, size: int) -> bool:
    return size >= _LFS_MIN_SIZE or path.lower().endswith(_LFS_SUFFIXES) or ".gguf.part" in path.lower()


@dataclass
class _Tree:
    entries: list[dict[str, Any]]  # sorted by path
    paths: list[str]
    by_path: dict[str, dict[str, Any]]
    content: dict[str, bytes]


def _build_tree(repo_key: str, files: Iterable[TreeFile], content: Mapping[str, bytes]) -> _Tree:
    sized: dict[str, TreeFile] = {}
    for item in files:
        sized[str(item["path"]).strip("/")] = dict(item)
    for path, data in content.items():
        explicit = sized.get(path.strip("/"), {})
        sized[path.strip("/")] = {**explicit, "path": path.strip("/"), "size": len(data)}
    by_path: dict[str, dict[str, Any]] = {}
    for path, item in sized.items():
        size = int(item.get("size") or 0)
        blob = content.get(path)
        if blob is not None:
            oid, sha = git_blob_sha1(blob), hashlib.sha256(blob).hexdigest()
        else:
            oid, sha = _sha1(f"{repo_key}\0{path}\0{size}"), _sha256(f"{repo_key}\0{path}\0{size}")
        entry: dict[str, Any] = {"type": "file", "oid": oid, "size": size, "path": path}
        lfs = item.get("lfs")
        if isinstance(lfs, dict):
            entry["lfs"] = {
                "oid": lfs.get("oid") or lfs.get("sha256") or sha,
                "size": int(lfs.get("size", size)),
                "pointerSize": int(lfs.get("pointerSize", _POINTER_SIZE)),
            }
        elif lfs is True or (lfs is None and _is_lfs(path, size)):
            entry["lfs"] = {"oid": sha, "size": size, "pointerSize": _POINTER_SIZE}
        by_path[path] = entry
        parts = path.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder not in by_path:
                by_path[folder] = {
                    "type": "directory",
                    "oid": _sha1(f"tree\0{repo_key}\0{folder}"),
                    "size": 0,
                    "path": folder,
                }
    paths = sorted(by_path)
    return _Tree([by_path[p] for p in paths], paths, by_path, dict(content))


# --------------------------------------------------------------------------------------------------------
# Listing helpers


def _to_epoch(value: Any) -> float:
    if not value or not isinstance(value, str):
        return 0.0
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0


def _to_number(value: Any) -> float:
    if isinstance(value, bool) or value is None:
        return 0.0
    if isinstance(value, int | float):
        return float(value)
    return 0.0


class _Desc(str):
    """A string that sorts in reverse (for ``sort=id&direction=-1``)."""

    __slots__ = ()

    def __lt__(self, other: object) -> bool:
        return str.__gt__(self, other)  # type: ignore[operator]

    def __gt__(self, other: object) -> bool:
        return str.__lt__(self, other)  # type: ignore[operator]

    def __le__(self, other: object) -> bool:
        return str.__ge__(self, other)  # type: ignore[operator]

    def __ge__(self, other: object) -> bool:
        return str.__le__(self, other)  # type: ignore[operator]


_PARAMS_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMBT]?)\s*$", re.IGNORECASE)
_PARAM_UNITS = {"": 1, "K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}


def _parse_count(text: str) -> float:
    match = _PARAMS_RE.match(text)
    if not match:
        raise _BadRequest(f"Invalid num_parameters value {text!r}")
    return float(match.group(1)) * _PARAM_UNITS[match.group(2).upper()]


def _param_count(record: Mapping[str, Any]) -> int | None:
    for key in ("safetensors", "gguf"):
        value = record.get(key)
        if isinstance(value, dict) and isinstance(value.get("total"), int):
            return int(value["total"])
    return None


def _truthy(values: list[str] | None) -> bool:
    return values is not None and len(values) > 0 and values[-1].lower() in ("1", "true", "yes")


def _encode_cursor(data: Any) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(text: str) -> Any:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        return json.loads(raw)
    except (ValueError, binascii.Error) as exc:
        raise _BadRequest("Invalid cursor") from exc


@dataclass
class _Ordering:
    keys: list[tuple[Any, str]]
    ids: list[str]


# --------------------------------------------------------------------------------------------------------
# The server


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    hub: FakeHub


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    server_version = "FakeHub/1.0"
    sys_version = ""

    def setup(self) -> None:
        super().setup()
        self.server.hub._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.hub._track(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    def _handle(self, method: str) -> None:
        hub = self.server.hub
        started, clock = time.time(), time.monotonic()
        split = urlsplit(self.path)
        path = unquote(split.path)

        def log(status: int, fault_kind: str | None) -> None:
            # logged before the answer leaves, so a client that got its answer always finds it in the log
            query = parse_qs(split.query, keep_blank_values=True)
            duration = time.monotonic() - clock
            hub._log(RequestLog(method, path, query, status, started, duration, fault_kind))

        try:
            delay, fault = hub.faults.plan(method, path, unquote(split.query))
            fault_kind = "delay" if delay > 0 else None
            if delay > 0 and hub._stopping.wait(delay):
                log(0, fault_kind)
                self.close_connection = True
                return
            if fault is not None and fault.kind == "reset":
                log(0, "reset")
                self._reset()
                return
            if fault is not None and fault.kind == "status":
                fault_kind = "status"
                response = self._status_fault(fault)
            else:
                response = hub._answer(method, split.path, split.query, self.headers.get("Range"))
            if fault is not None and fault.kind == "truncate":
                log(response.status, "truncate")
                self._send_truncated(method, response, fault.mode)
                return
            log(response.status, fault_kind)
            self._send(method, response)
        except OSError:
            self.close_connection = True

    def _status_fault(self, fault: Fault) -> _Response:
        headers = list(fault.headers.items())
        if fault.retry_after is not None:
            headers.append(("Retry-After", str(fault.retry_after)))
        if fault.code == 429:
            reset = fault.retry_after if fault.retry_after is not None else 60
            headers.append(("RateLimit", f'"api";r=0;t={reset}'))
            headers.append(("RateLimit-Policy", '"fixed window";"api";q=1000;w=300'))
        message = {
            429: "Too Many Requests: you have reached your 'api' rate limit.",
            500: "Internal Server Error",
            502: "Bad Gateway",
            503: "Service Unavailable",
            504: "Gateway Timeout",
        }.get(fault.code, _phrase(fault.code))
        body = fault.body if fault.body is not None else json.dumps({"error": message}).encode()
        return _Response(fault.code, body, headers)

    def _write_head(self, response: _Response, length: int) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(length))
        self.send_header("X-Request-Id", f"Root={uuid.uuid4()}")
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()

    def _send(self, method: str, response: _Response) -> None:
        length = response.length if response.length is not None else len(response.body)
        self._write_head(response, length)
        if method != "HEAD":
            self.wfile.write(response.body)
        self.wfile.flush()

    def _send_truncated(self, method: str, response: _Response, mode: TruncateMode) -> None:
        half = response.body[: len(response.body) // 2]
        if mode == "bad_json":
            self._write_head(response, len(half))
            if method != "HEAD":
                self.wfile.write(half)
            self.wfile.flush()
            return
        self._write_head(response, len(response.body))
        if method != "HEAD":
            self.wfile.write(half)
        self.wfile.flush()
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _reset(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()


class FakeHub:
    """A Hugging Face Hub on 127.0.0.1 serving ``models`` (wire-shape records), file ``trees`` and files.

    ``models``: records as from ``GET /api/models/{id}`` (records with only ``modelId`` get ``id`` from it).
    ``trees``: ``{repo_id: [{"path", "size"[, "lfs"]}]}`` for model repos. ``datasets``: ``{repo_id:
    {filename: bytes}}``. ``files``: ``{repo_id: {filename: bytes}}`` for model repos. ``page_size``: the
    listing's page size (and the cap on ``limit``). ``tree_page_size``: entries per tree page.
    ``tree_factory``: builds a tree for a model with no explicit tree (e.g. ``synthetic_tree``).
    """

    def __init__(
        self,
        models: Iterable[Record] = (),
        trees: Mapping[str, list[TreeFile]] | None = None,
        datasets: Mapping[str, Mapping[str, bytes]] | None = None,
        page_size: int = 1000,
        *,
        files: Mapping[str, Mapping[str, bytes]] | None = None,
        tree_page_size: int = 1000,
        tree_factory: Callable[[Record], list[TreeFile]] | None = None,
    ) -> None:
        if page_size < 1 or tree_page_size < 1:
            raise ValueError("page sizes must be positive")
        self.page_size = page_size
        self.tree_page_size = tree_page_size
        self.tree_factory = tree_factory
        self.faults = FaultPlan()
        self._lock = threading.RLock()
        self._log_lock = threading.Lock()
        self._requests: list[RequestLog] = []
        self._models: dict[str, Record] = {}
        self._lower: dict[str, str] = {}
        self._version = 0
        self._orderings: dict[tuple[Any, ...], _Ordering] = {}
        self._trees: dict[str, list[TreeFile]] = {k: list(v) for k, v in (trees or {}).items()}
        self._files: dict[str, dict[str, bytes]] = {k: dict(v) for k, v in (files or {}).items()}
        self._datasets: dict[str, dict[str, bytes]] = {k: dict(v) for k, v in (datasets or {}).items()}
        self._tree_cache: dict[tuple[str, str], _Tree] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self.url = ""
        self.set_models(models)

    # -- lifecycle

    def start(self) -> FakeHub:
        if self._server is not None:
            return self
        self._stopping.clear()
        server = _Server(("127.0.0.1", 0), _Handler)
        server.hub = self
        self._server = server
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="FakeHub", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeHub:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    # -- catalog

    def set_models(self, models: Iterable[Record]) -> None:
        """Replace the whole catalog (e.g. between two syncs)."""
        catalog: dict[str, Record] = {}
        for record in models:
            prepared = self._prepare(record)
            catalog[prepared["id"]] = prepared
        with self._lock:
            self._models = catalog
            self._lower = {key.lower(): key for key in catalog}
            self._changed()

    def upsert_model(self, record: Record) -> None:
        """Add a model, or replace the one with the same id."""
        prepared = self._prepare(record)
        with self._lock:
            # copy-on-write: a listing in progress keeps iterating over the catalog it started with
            self._models = {**self._models, prepared["id"]: prepared}
            self._lower = {**self._lower, prepared["id"].lower(): prepared["id"]}
            self._changed()

    def remove_model(self, model_id: str) -> None:
        with self._lock:
            if model_id not in self._models:
                raise KeyError(model_id)
            self._models = {k: v for k, v in self._models.items() if k != model_id}
            self._lower = {k: v for k, v in self._lower.items() if v != model_id}
            self._changed()

    @property
    def models(self) -> dict[str, Record]:
        """A snapshot of the catalog, by id."""
        with self._lock:
            return dict(self._models)

    def set_tree(self, repo_id: str, files: list[TreeFile]) -> None:
        """Set a model repo's file tree: ``[{"path": ..., "size": ...}]`` (+ optional ``"lfs"``)."""
        with self._lock:
            self._trees[repo_id] = [dict(f) for f in files]
            self._tree_cache.pop(("model", repo_id), None)

    def set_file(self, repo_id: str, path: str, content: bytes) -> None:
        """Give a model repo file its bytes (served by /resolve, listed in the tree)."""
        with self._lock:
            self._files.setdefault(repo_id, {})[path] = content
            self._tree_cache.pop(("model", repo_id), None)

    def set_dataset(self, repo_id: str, files: Mapping[str, bytes]) -> None:
        with self._lock:
            self._datasets[repo_id] = dict(files)
            self._tree_cache.pop(("dataset", repo_id), None)

    @staticmethod
    def _prepare(record: Mapping[str, Any]) -> Record:
        prepared = dict(record)
        if not prepared.get("id"):
            if not prepared.get("modelId"):
                raise ValueError(f"a model record needs an id or a modelId: {str(record)[:200]}")
            prepared["id"] = prepared["modelId"]
        if not isinstance(prepared["id"], str):
            raise ValueError(f"a model id must be a string: {prepared['id']!r}")
        return prepared

    def _changed(self) -> None:
        self._version += 1
        self._orderings.clear()
        self._tree_cache = {k: v for k, v in self._tree_cache.items() if k[0] != "model"}

    # -- request log

    @property
    def requests(self) -> list[RequestLog]:
        """Every request so far (a copy)."""
        with self._log_lock:
            return list(self._requests)

    def count(self, path_prefix: str) -> int:
        """How many requests had a (percent-decoded) path starting with ``path_prefix``."""
        with self._log_lock:
            return sum(1 for r in self._requests if r.path.startswith(path_prefix))

    def clear_requests(self) -> None:
        with self._log_lock:
            self._requests.clear()

    def _log(self, entry: RequestLog) -> None:
        with self._log_lock:
            self._requests.append(entry)

    # -- routing

    def _answer(self, method: str, raw_path: str, raw_query: str, range_header: str | None) -> _Response:
        segments = [unquote(s) for s in raw_path.strip("/").split("/")] if raw_path.strip("/") else []
        query = parse_qs(raw_query, keep_blank_values=True)
        try:
            if segments[:2] == ["api", "models"]:
                if len(segments) == 2:
                    return self._listing(raw_path, raw_query, query)
                return self._repo_api("model", segments[2:], raw_path, raw_query, query)
            if segments[:2] == ["api", "datasets"] and len(segments) > 2:
                return self._repo_api("dataset", segments[2:], raw_path, raw_query, query)
            if segments[:1] == ["datasets"] and "resolve" in segments[2:4]:
                return self._resolve("dataset", segments[1:], method, range_header)
            if "resolve" in segments[1:3]:
                return self._resolve("model", segments, method, range_header)
        except _BadRequest as exc:
            return _error(400, str(exc))
        except Exception as exc:  # a bug in the fake: answer loudly rather than drop the connection
            return _error(500, f"FakeHub failed: {exc!r}")
        return _error(404, "Sorry, we can't find the page you are looking for.")

    # -- listing

    def _listing(self, raw_path: str, raw_query: str, query: dict[str, list[str]]) -> _Response:
        expand = self._expand(query)
        sort = (query.get("sort") or [""])[-1] or None
        if sort is not None and sort not in SORT_FIELDS:
            raise _BadRequest(f"Invalid sort parameter {sort!r}")
        direction = (query.get("direction") or [""])[-1]
        descending = direction in ("-1", "desc") or (direction == "" and sort != "id")
        limit_text = (query.get("limit") or [""])[-1]
        page = self.page_size
        if limit_text:
            try:
                limit = int(limit_text)
            except ValueError as exc:
                raise _BadRequest(f"Invalid limit {limit_text!r}") from exc
            if limit < 1:
                raise _BadRequest(f"Invalid limit {limit_text!r}")
            page = min(limit, self.page_size)
        ordering, models = self._ordering(query, sort or "trendingScore", descending)
        start = 0
        cursor_text = (query.get("cursor") or [""])[-1]
        if cursor_text:
            cursor = _decode_cursor(cursor_text)
            if not isinstance(cursor, list) or len(cursor) != 2:
                raise _BadRequest("Invalid cursor")
            value, last_id = cursor
            if sort == "id" and isinstance(value, str):
                key: tuple[Any, str] = (_Desc(value) if descending else value, str(last_id))
            elif sort != "id" and isinstance(value, int | float) and not isinstance(value, bool):
                key = (float(value), str(last_id))
            else:
                raise _BadRequest("Invalid cursor")
            start = bisect.bisect_right(ordering.keys, key)
        chunk = ordering.ids[start : start + page]
        full = _truthy(query.get("full"))
        with_config = _truthy(query.get("config"))
        with_card = _truthy(query.get("cardData"))
        body = [
            self._listing_shape(models[model_id], expand, full=full, config=with_config, card=with_card)
            for model_id in chunk
        ]
        headers: list[tuple[str, str]] = []
        if start + page < len(ordering.ids):
            last_key = ordering.keys[start + page - 1]
            next_cursor = _encode_cursor([str(last_key[0]) if sort == "id" else last_key[0], last_key[1]])
            pairs = [(k, v) for k, v in parse_qsl(raw_query, keep_blank_values=True) if k != "cursor"]
            pairs.append(("cursor", next_cursor))
            headers.append(("Link", f'<{self.url}{raw_path}?{urlencode(pairs)}>; rel="next"'))
        return _json_response(body, headers=headers)

    @staticmethod
    def _expand(query: dict[str, list[str]]) -> list[str] | None:
        values = [v for key in ("expand", "expand[]") for v in query.get(key, [])]
        if not values:
            return None
        fields = [f for value in values for f in value.split(",") if f]
        unknown = [f for f in fields if f not in EXPANDABLE_FIELDS]
        if unknown:
            raise _BadRequest(f"Invalid expand value(s): {', '.join(unknown)}")
        return fields

    def _ordering(
        self, query: dict[str, list[str]], sort: str, descending: bool
    ) -> tuple[_Ordering, dict[str, Record]]:
        filters = tuple(
            (key, tuple(query.get(key, ())))
            for key in ("search", "author", "filter", "pipeline_tag", "library", "language", "gated", "num_parameters")
        )
        cache_key = (filters, sort, descending)
        with self._lock:
            models, version = self._models, self._version
            cached = self._orderings.get(cache_key)
        if cached is not None:
            return cached, models
        predicate = self._predicate(query)
        rows: list[tuple[Any, str]] = []
        for model_id, record in models.items():
            if not predicate(record):
                continue
            if sort == "id":
                primary: Any = _Desc(model_id) if descending else model_id
            else:
                raw = record.get(sort)
                value = _to_epoch(raw) if sort in _DATE_FIELDS else _to_number(raw)
                primary = -value if descending else value
            rows.append((primary, model_id))
        rows.sort()
        ordering = _Ordering(rows, [row[1] for row in rows])
        with self._lock:
            if version == self._version:
                if len(self._orderings) > 32:
                    self._orderings.clear()
                self._orderings[cache_key] = ordering
        return ordering, models

    @staticmethod
    def _predicate(query: dict[str, list[str]]) -> Callable[[Record], bool]:
        search = [s.lower() for s in query.get("search", []) if s]
        authors = {a.lower() for a in query.get("author", []) if a}
        filters = [part for value in query.get("filter", []) for part in value.split(",") if part]
        pipelines = set(query.get("pipeline_tag", [])) - {""}
        libraries = set(query.get("library", [])) - {""}
        languages = set(query.get("language", [])) - {""}
        gated_values = query.get("gated")
        gated = None if not gated_values else gated_values[-1].lower() in ("1", "true", "yes")
        low, high = -math.inf, math.inf
        bounded = False
        for value in query.get("num_parameters", []):
            for part in value.split(","):
                name, _, amount = part.partition(":")
                if name.strip() == "min":
                    low, bounded = _parse_count(amount), True
                elif name.strip() == "max":
                    high, bounded = _parse_count(amount), True
                elif part.strip():
                    raise _BadRequest(f"Invalid num_parameters value {value!r}")

        def matches_filter(record: Record, tags: set[str], value: str) -> bool:
            if value in tags or value == record.get("library_name") or value == record.get("pipeline_tag"):
                return True
            prefix, _, rest = value.partition(":")
            return prefix == "language" and rest in tags

        def predicate(record: Record) -> bool:
            model_id: str = record["id"]
            if search and not all(s in model_id.lower() for s in search):
                return False
            if authors:
                owner = record.get("author") or (model_id.split("/", 1)[0] if "/" in model_id else "")
                if owner.lower() not in authors:
                    return False
            if pipelines and record.get("pipeline_tag") not in pipelines:
                return False
            if libraries and record.get("library_name") not in libraries:
                tags_for_library = set(record.get("tags") or ())
                if not libraries & tags_for_library:
                    return False
            if filters or languages:
                tags = set(record.get("tags") or ())
                if any(not matches_filter(record, tags, value) for value in filters):
                    return False
                if languages and not languages & tags:
                    return False
            if gated is not None and bool(record.get("gated")) != gated:
                return False
            if bounded:
                count = _param_count(record)
                if count is None or not low <= count <= high:
                    return False
            return True

        return predicate

    @staticmethod
    def _listing_shape(record: Record, expand: list[str] | None, *, full: bool, config: bool, card: bool) -> Record:
        if expand is not None:
            return FakeHub._expanded(record, expand)
        out: Record = {}
        for key in LISTING_FIELDS:
            if key == "modelId":
                out[key] = record.get("modelId", record["id"])
            elif record.get(key) is not None:
                out[key] = record[key]
        if full:
            for key in FULL_FIELDS:
                if key in record:
                    out[key] = (
                        [{"rfilename": s["rfilename"]} for s in record[key]] if key == "siblings" else record[key]
                    )
        if config and "config" in record:
            out["config"] = record["config"]
        if card and "cardData" in record:
            out["cardData"] = record["cardData"]
        return out

    @staticmethod
    def _expanded(record: Record, expand: list[str]) -> Record:
        out: Record = {}
        if "_id" in record:
            out["_id"] = record["_id"]
        out["id"] = record["id"]
        for key in expand:
            if key in record:
                value = record[key]
                out[key] = [{"rfilename": s["rfilename"]} for s in value] if key == "siblings" and value else value
        return out

    # -- repo API (info, revision, tree)

    def _find_model(self, repo_id: str) -> Record | None:
        with self._lock:
            record = self._models.get(repo_id)
            if record is None and repo_id.lower() in self._lower:
                record = self._models.get(self._lower[repo_id.lower()])
            return record

    def _find_dataset(self, repo_id: str) -> str | None:
        with self._lock:
            if repo_id in self._datasets:
                return repo_id
            lowered = {k.lower(): k for k in self._datasets}
            return lowered.get(repo_id.lower())

    def _known(self, repo_type: str, repo_id: str) -> bool:
        if repo_type == "model":
            return self._find_model(repo_id) is not None
        return self._find_dataset(repo_id) is not None

    def _split_repo(self, repo_type: str, segments: list[str]) -> tuple[str, list[str]]:
        if len(segments) >= 2 and self._known(repo_type, f"{segments[0]}/{segments[1]}"):
            return f"{segments[0]}/{segments[1]}", segments[2:]
        if self._known(repo_type, segments[0]):
            return segments[0], segments[1:]
        if len(segments) >= 2 and segments[1] not in _REPO_SUBPATHS:
            return f"{segments[0]}/{segments[1]}", segments[2:]
        return segments[0], segments[1:]

    def _repo_sha(self, repo_type: str, repo_id: str) -> str:
        if repo_type == "model":
            record = self._find_model(repo_id)
            if record is not None and record.get("sha"):
                return str(record["sha"])
            return _sha1(f"model\0{repo_id}")
        with self._lock:
            files = self._datasets.get(repo_id, {})
            digest = hashlib.sha1(f"dataset\0{repo_id}".encode())
            for name in sorted(files):
                digest.update(name.encode() + b"\0" + hashlib.sha1(files[name]).digest())
        return digest.hexdigest()

    def _repo_api(
        self, repo_type: str, segments: list[str], raw_path: str, raw_query: str, query: dict[str, list[str]]
    ) -> _Response:
        repo_id, rest = self._split_repo(repo_type, segments)
        canonical = self._canonical(repo_type, repo_id)
        if canonical is None:
            return _error(404, "Repository not found", "RepoNotFound")
        revision = "main"
        if rest[:1] == ["revision"] and len(rest) == 2:
            revision, rest = rest[1], []
        elif rest[:1] == ["tree"] and len(rest) >= 2:
            revision = rest[1]
        elif rest:
            return _error(404, "Sorry, we can't find the page you are looking for.")
        sha = self._repo_sha(repo_type, canonical)
        if revision not in ("main", sha):
            return _error(404, f"Invalid rev id: {revision}", "RevisionNotFound")
        if rest[:1] == ["tree"]:
            return self._tree_page(repo_type, canonical, "/".join(rest[2:]), raw_path, raw_query, query)
        if repo_type == "dataset":
            return _json_response(self._dataset_info(canonical, blobs=_truthy(query.get("blobs"))))
        return self._model_info(canonical, query)

    def _canonical(self, repo_type: str, repo_id: str) -> str | None:
        if repo_type == "model":
            record = self._find_model(repo_id)
            return None if record is None else str(record["id"])
        return self._find_dataset(repo_id)

    def _model_info(self, repo_id: str, query: dict[str, list[str]]) -> _Response:
        record = self._find_model(repo_id)
        assert record is not None
        expand = self._expand(query)
        if expand is not None:
            return _json_response(self._expanded(record, expand))
        out = dict(record)
        if "siblings" not in out:
            tree = self._tree("model", repo_id)
            out["siblings"] = [{"rfilename": e["path"]} for e in tree.entries if e["type"] == "file"]
        if _truthy(query.get("blobs")) or _truthy(query.get("files_metadata")):
            tree = self._tree("model", repo_id)
            out["siblings"] = [self._blob(s["rfilename"], tree) for s in out.get("siblings") or []]
        if _truthy(query.get("securityStatus")):
            out["securityRepoStatus"] = {"scansDone": True, "filesWithIssues": []}
        return _json_response(out)

    @staticmethod
    def _blob(name: str, tree: _Tree) -> dict[str, Any]:
        entry = tree.by_path.get(name)
        if entry is None or entry["type"] != "file":
            return {"rfilename": name}
        blob: dict[str, Any] = {"rfilename": name, "blobId": entry["oid"], "size": entry["size"]}
        if "lfs" in entry:
            lfs = entry["lfs"]
            blob["lfs"] = {"sha256": lfs["oid"], "size": lfs["size"], "pointerSize": lfs["pointerSize"]}
        return blob

    def _dataset_info(self, repo_id: str, *, blobs: bool) -> Record:
        tree = self._tree("dataset", repo_id)
        files = [e for e in tree.entries if e["type"] == "file"]
        siblings = [self._blob(e["path"], tree) if blobs else {"rfilename": e["path"]} for e in files]
        return {
            "_id": _sha1(f"dataset-id\0{repo_id}")[:24],
            "id": repo_id,
            "author": repo_id.split("/", 1)[0] if "/" in repo_id else None,
            "sha": self._repo_sha("dataset", repo_id),
            "lastModified": _FIXED_DATE,
            "private": False,
            "gated": False,
            "disabled": False,
            "downloads": 0,
            "likes": 0,
            "tags": [],
            "siblings": siblings,
            "createdAt": _FIXED_DATE,
            "usedStorage": sum(e["size"] for e in files),
        }

    def _tree(self, repo_type: str, repo_id: str) -> _Tree:
        key = (repo_type, repo_id)
        with self._lock:
            cached = self._tree_cache.get(key)
            if cached is not None:
                return cached
            if repo_type == "dataset":
                explicit: list[TreeFile] = []
                content: dict[str, bytes] = dict(self._datasets.get(repo_id, {}))
            else:
                record = self._models.get(repo_id) or {}
                content = dict(self._files.get(repo_id, {}))
                if repo_id in self._trees:
                    explicit = self._trees[repo_id]
                elif self.tree_factory is not None and record:
                    explicit = self.tree_factory(record)
                else:
                    explicit = [{"path": s["rfilename"], "size": 0} for s in record.get("siblings") or []]
                config_bytes = config_json_bytes(record)
                names = {f["path"] for f in explicit} | {s.get("rfilename") for s in record.get("siblings") or []}
                if config_bytes is not None and "config.json" not in content and "config.json" in names:
                    content["config.json"] = config_bytes
            tree = _build_tree(f"{repo_type}\0{repo_id}", explicit, content)
            self._tree_cache[key] = tree
            return tree

    def _tree_page(
        self,
        repo_type: str,
        repo_id: str,
        folder: str,
        raw_path: str,
        raw_query: str,
        query: dict[str, list[str]],
    ) -> _Response:
        tree = self._tree(repo_type, repo_id)
        folder = folder.strip("/")
        if folder and tree.by_path.get(folder, {}).get("type") != "directory":
            return _error(404, f"Entry not found: {folder}", "EntryNotFound")
        recursive = _truthy(query.get("recursive"))
        expand = _truthy(query.get("expand"))
        prefix = f"{folder}/" if folder else ""
        lo = bisect.bisect_left(tree.paths, prefix) if prefix else 0
        cursor_text = (query.get("cursor") or [""])[-1]
        if cursor_text:
            last = _decode_cursor(cursor_text)
            if not isinstance(last, str):
                raise _BadRequest("Invalid cursor")
            lo = max(lo, bisect.bisect_right(tree.paths, last))
        page = min(self.tree_page_size, 50) if expand else self.tree_page_size
        chunk: list[dict[str, Any]] = []
        more = False
        sha = self._repo_sha(repo_type, repo_id)
        record = self._find_model(repo_id) if repo_type == "model" else None
        date = (record or {}).get("lastModified") or _FIXED_DATE
        for index in range(lo, len(tree.paths)):
            path = tree.paths[index]
            if prefix and not path.startswith(prefix):
                break
            if not recursive and "/" in path[len(prefix) :]:
                continue
            if len(chunk) == page:
                more = True
                break
            entry = dict(tree.entries[index])
            if expand:
                entry["lastCommit"] = {"id": sha, "title": "Upload folder using huggingface_hub", "date": date}
            chunk.append(entry)
        headers: list[tuple[str, str]] = []
        if more:
            pairs = [(k, v) for k, v in parse_qsl(raw_query, keep_blank_values=True) if k != "cursor"]
            pairs.append(("cursor", _encode_cursor(chunk[-1]["path"])))
            headers.append(("Link", f'<{self.url}{raw_path}?{urlencode(pairs)}>; rel="next"'))
        return _json_response(chunk, headers=headers)

    # -- files

    def _resolve(self, repo_type: str, segments: list[str], method: str, range_header: str | None) -> _Response:
        index = segments.index("resolve", 1)
        canonical = self._canonical(repo_type, "/".join(segments[:index]))
        if canonical is None:
            return _error(404, "Repository not found", "RepoNotFound")
        if len(segments) < index + 3:
            return _error(404, "Entry not found", "EntryNotFound")
        revision, filename = segments[index + 1], "/".join(segments[index + 2 :])
        sha = self._repo_sha(repo_type, canonical)
        if revision not in ("main", sha):
            return _error(404, f"Invalid rev id: {revision}", "RevisionNotFound")
        tree = self._tree(repo_type, canonical)
        entry = tree.by_path.get(filename)
        commit = [("X-Repo-Commit", sha)]
        if entry is None or entry["type"] != "file":
            return _error(404, "Entry not found", "EntryNotFound", commit)
        size = int(entry["size"])
        lfs = entry.get("lfs")
        etag = lfs["oid"] if lfs else entry["oid"]
        out: list[tuple[str, str]] = [
            *commit,
            ("ETag", f'"{etag}"'),
            ("Accept-Ranges", "bytes"),
            ("Content-Disposition", f"inline; filename*=UTF-8''{quote(filename.rsplit('/', 1)[-1])}"),
        ]
        if lfs:
            out += [("X-Linked-Etag", f'"{etag}"'), ("X-Linked-Size", str(size))]
        content_type = _content_type(filename)
        data = tree.content.get(filename)
        if data is None:
            if method == "HEAD":
                return _Response(200, b"", out, content_type, length=size)
            return _error(501, "FakeHub holds no bytes for this file (only its size)")
        if range_header:
            span = _parse_range(range_header, len(data))
            if span is None:
                return _Response(416, b"", [*out, ("Content-Range", f"bytes */{len(data)}")], content_type)
            first, last = span
            out.append(("Content-Range", f"bytes {first}-{last}/{len(data)}"))
            return _Response(206, data[first : last + 1], out, content_type)
        return _Response(200, data, out, content_type)


def config_json_bytes(record: Mapping[str, Any]) -> bytes | None:
    """The config.json FakeHub serves for a model whose bytes were not given: the record's ``config`` without
    ``tokenizer_config`` (the Hub derives ``config`` from config.json and tokenizer_config.json)."""
    config = record.get("config")
    if not isinstance(config, dict):
        return None
    data = {k: v for k, v in config.items() if k not in ("tokenizer_config", "chat_template_jinja")}
    if not data:
        return None
    return (json.dumps(data, indent=2, sort_keys=True) + "\n").encode()


def _content_type(filename: str) -> str:
    lower = filename.lower()
    if lower.endswith(".json"):
        return "application/json; charset=utf-8"
    if lower.endswith((".md", ".txt", ".csv", ".py", ".jinja", ".yaml", ".yml", ".jsonl", ".gitattributes")):
        return "text/plain; charset=utf-8"
    return "application/octet-stream"


def _parse_range(header: str, total: int) -> tuple[int, int] | None:
    match = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", header)
    if not match or total == 0:
        return None
    start_text, end_text = match.groups()
    if not start_text:
        if not end_text:
            return None
        length = int(end_text)
        return max(0, total - length), total - 1
    start = int(start_text)
    end = int(end_text) if end_text else total - 1
    if start >= total or end < start:
        return None
    return start, min(end, total - 1)


# --------------------------------------------------------------------------------------------------------
# Data helpers


def load_fixture_models() -> list[Record]:
    """The curated catalog in tests/fixtures/hub_models.jsonl (wire shape of GET /api/models/{id})."""
    with (FIXTURES_DIR / "hub_models.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_fixture_trees() -> dict[str, list[TreeFile]]:
    """File trees (``{repo_id: [{"path", "size"}]}``) for the fixture models, from tests/fixtures/hub_trees.json."""
    with (FIXTURES_DIR / "hub_trees.json").open(encoding="utf-8") as handle:
        data: dict[str, list[TreeFile]] = json.load(handle)
    return data


def shared_data_dir() -> Path | None:
    """``../shared/data`` beside the checkout (real Hub records), or None when it is not there."""
    path = Path(__file__).resolve().parents[2] / "shared" / "data"
    return path if path.is_dir() else None


SHARED_RECORD_FILES: tuple[str, ...] = (
    "models-2022.jsonl",
    "models-2025.jsonl",
    "listing-2024.json",
    "detail-2024.json",
)


def load_shared_records(name: str) -> list[Record]:
    """Real Hub records from ``shared/data/hub/<name>``, ready to serve (2022 records get ``id`` = modelId)."""
    if name not in SHARED_RECORD_FILES:
        raise ValueError(f"unknown shared record file {name!r}; expected one of {SHARED_RECORD_FILES}")
    base = shared_data_dir()
    if base is None:
        raise FileNotFoundError("../shared/data not found: real Hub data tests need it beside the checkout")
    path = base / "hub" / name
    with path.open(encoding="utf-8") as handle:
        if name.endswith(".jsonl"):
            records = [json.loads(line) for line in handle if line.strip()]
        else:
            records = json.load(handle)
    for record in records:
        if "id" not in record and record.get("modelId"):
            record["id"] = record["modelId"]
    return records


# -- synthetic catalog (scale benchmarks)


class _Family(NamedTuple):
    name: str
    org: str
    model_type: str
    architecture: str
    licence: str
    licence_name: str | None
    context: int
    sizes: tuple[tuple[str, int, int, int, int, int], ...]  # label, params, layers, hidden, heads, kv heads


_FAMILIES: tuple[_Family, ...] = (
    _Family("Llama-3.1", "meta-llama", "llama", "LlamaForCausalLM", "llama3.1", None, 131072,
            (("8B", 8030261248, 32, 4096, 32, 8), ("70B", 70553706496, 80, 8192, 64, 8))),
    _Family("Llama-3.2", "meta-llama", "llama", "LlamaForCausalLM", "llama3.2", None, 131072,
            (("1B", 1235814400, 16, 2048, 32, 8), ("3B", 3212749824, 28, 3072, 24, 8))),
    _Family("Llama-2", "meta-llama", "llama", "LlamaForCausalLM", "llama2", None, 4096,
            (("7b", 6738415616, 32, 4096, 32, 32), ("13b", 13015864320, 40, 5120, 40, 40))),
    _Family("Mistral", "mistralai", "mistral", "MistralForCausalLM", "apache-2.0", None, 32768,
            (("7B", 7241732096, 32, 4096, 32, 8), ("Nemo-12B", 12247782400, 40, 5120, 32, 8))),
    _Family("Qwen2.5", "Qwen", "qwen2", "Qwen2ForCausalLM", "apache-2.0", None, 32768,
            (("0.5B", 494032768, 24, 896, 14, 2), ("1.5B", 1543714304, 28, 1536, 12, 2),
             ("7B", 7615616512, 28, 3584, 28, 4), ("14B", 14770033664, 48, 5120, 40, 8),
             ("32B", 32763876352, 64, 5120, 40, 8))),
    _Family("Qwen3", "Qwen", "qwen3", "Qwen3ForCausalLM", "apache-2.0", None, 40960,
            (("4B", 4022468096, 36, 2560, 32, 8), ("8B", 8190735360, 36, 4096, 32, 8),
             ("14B", 14768307200, 40, 5120, 40, 8))),
    _Family("gemma-2", "google", "gemma2", "Gemma2ForCausalLM", "gemma", None, 8192,
            (("2b", 2614341888, 26, 2304, 8, 4), ("9b", 9241705984, 42, 3584, 16, 8),
             ("27b", 27227128320, 46, 4608, 32, 16))),
    _Family("phi-3", "microsoft", "phi3", "Phi3ForCausalLM", "mit", None, 4096,
            (("mini", 3821079552, 32, 3072, 32, 32), ("medium", 13960238080, 40, 5120, 40, 10))),
    _Family("Yi-1.5", "01-ai", "llama", "LlamaForCausalLM", "apache-2.0", None, 4096,
            (("6B", 6061035520, 32, 4096, 32, 4), ("9B", 8829407232, 48, 4096, 32, 4),
             ("34B", 34388917248, 60, 7168, 56, 8))),
    _Family("SOLAR", "upstage", "llama", "LlamaForCausalLM", "cc-by-nc-4.0", None, 4096,
            (("10.7B", 10731524096, 48, 4096, 32, 8),)),
    _Family("starcoder2", "bigcode", "starcoder2", "Starcoder2ForCausalLM", "bigcode-openrail-m", None, 16384,
            (("3b", 3030371328, 30, 3072, 24, 2), ("15b", 15957889024, 40, 6144, 48, 4))),
    _Family("granite-3.1", "ibm-granite", "granite", "GraniteForCausalLM", "apache-2.0", None, 131072,
            (("2b", 2533531648, 40, 2048, 32, 8), ("8b", 8170864640, 40, 4096, 32, 8))),
    _Family("EXAONE-3.5", "LGAI-EXAONE", "exaone", "ExaoneForCausalLM", "other", "exaone", 32768,
            (("2.4B", 2405327360, 30, 2560, 32, 8), ("7.8B", 7818448896, 32, 4096, 32, 8))),
    _Family("command-r", "CohereForAI", "cohere", "CohereForCausalLM", "cc-by-nc-4.0", None, 131072,
            (("35B", 34980831232, 40, 8192, 64, 64),)),
    _Family("deepseek-coder", "deepseek-ai", "llama", "LlamaForCausalLM", "other", "deepseek", 16384,
            (("1.3b", 1346471936, 24, 2048, 16, 16), ("6.7b", 6740512768, 32, 4096, 32, 32))),
    _Family("SmolLM2", "HuggingFaceTB", "llama", "LlamaForCausalLM", "apache-2.0", None, 8192,
            (("135M", 134515008, 30, 576, 9, 3), ("360M", 361821120, 32, 960, 15, 5),
             ("1.7B", 1711376384, 24, 2048, 32, 32))),
)  # fmt: skip
_SYLLABLES = ("ka", "ri", "to", "mu", "ne", "so", "la", "vi", "do", "ze", "an", "el", "or", "ix", "ba", "qu", "fy")
_WORDS = ("Nova", "Aurora", "Hermes", "Orca", "Dolphin", "Zephyr", "Atlas", "Tiger", "Saiga", "Phoenix", "Nous",
          "Sage", "Lumen", "Koala", "Falcon", "Raven", "Vortex", "Echo", "Quill", "Ember", "Onyx")  # fmt: skip
_SUFFIXES = ("Instruct", "Chat", "sft", "dpo", "orpo", "RP", "Coder", "Math", "uncensored", "abliterated", "v2", "v0.3")
_GGUF_QUANTS = ("Q2_K", "Q3_K_M", "Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0")
#: Effective bits per weight of GGUF quant types (llama.cpp's figures for an 8B model; see PRODUCT.md).
GGUF_BPW: dict[str, float] = {
    "Q2_K": 3.16, "IQ3_M": 3.76, "Q3_K_S": 3.64, "Q3_K_M": 4.00, "Q3_K_L": 4.30, "IQ4_XS": 4.46, "Q4_0": 4.64,
    "IQ4_NL": 4.68, "Q4_K_S": 4.67, "Q4_K_M": 4.89, "Q5_K_S": 5.57, "Q5_K_M": 5.70, "Q6_K": 6.56, "Q8_0": 8.50,
    "F16": 16.0, "BF16": 16.0, "F32": 32.0,
}  # fmt: skip
_QUANT_RE = re.compile(r"(IQ\d_[A-Z]+|Q\d_K_[SML]|Q\d_K|Q\d_\d|BF16|F16|F32)", re.IGNORECASE)


def synthetic_models(n: int, seed: int = 0) -> Iterator[Record]:
    """``n`` varied text-generation records in the GET /api/models/{id} shape, fast (for scale benchmarks).

    Ids are unique; a mixture of families and sizes, base/instruct/fine-tune/merge models, GGUF, GPTQ, AWQ and
    MLX repos, and licences. Deterministic for a given seed. Sizes of GGUF files: ``synthetic_tree``.
    """
    rng = random.Random(seed)
    rand = rng.random  # indexing with rand() is several times faster than rng.choice / randrange

    def pick(options: Sequence[Any]) -> Any:
        return options[int(rand() * len(options))]

    users = [
        "".join(pick(_SYLLABLES) for _ in range(2 + int(rand() * 3))) + pick(("", "", "ai", "-lab", "42", "_ml"))
        for _ in range(max(50, n // 40))
    ]
    kinds = ("base", "instruct", "finetune", "merge", "gguf", "gptq", "awq", "mlx")
    cumulative = list(itertools.accumulate((3, 6, 40, 8, 25, 5, 4, 9)))
    seen: set[str] = set()
    base_ms = 1_672_531_200_000  # 2023-01-01
    span_ms = 900 * 86_400_000
    for index in range(n):
        family, org, model_type, arch, lic, lic_name, ctx, sizes = pick(_FAMILIES)
        size_label, params, layers, hidden, heads, kv = pick(sizes)
        kind = kinds[bisect.bisect_right(cumulative, rand() * cumulative[-1])]
        base_id = f"{org}/{family}-{size_label}" + ("" if kind == "base" else "-Instruct")
        if kind in ("base", "instruct"):
            author = org if rand() < 0.2 else pick(users)
            name = f"{family}-{size_label}" + ("" if kind == "base" else f"-{pick(('Instruct', 'Chat', 'it'))}")
        else:
            author = pick(users)
            name = f"{pick(_WORDS)}-{family}-{size_label}-{pick(_SUFFIXES)}"
        if kind in ("gguf", "gptq", "awq", "mlx"):
            name += {"gguf": "-GGUF", "gptq": "-GPTQ", "awq": "-AWQ", "mlx": pick(("-4bit", "-8bit"))}[kind]
        model_id = f"{author}/{name}"
        if model_id in seen:
            model_id = f"{model_id}-v{index}"
        seen.add(model_id)
        created_ms = base_ms + int(rand() * span_ms)
        modified_ms = created_ms + int(rand() * 60 * 86_400_000)
        created = _iso_ms(created_ms)
        modified = _iso_ms(modified_ms)
        popularity = rng.paretovariate(1.1)
        downloads = int(min(popularity * (1 + int(rand() * 40)), 5e6)) if rand() > 0.15 else 0
        likes = int(min(popularity * rand() * 3, 20000))
        relation = {
            "gguf": "quantized",
            "gptq": "quantized",
            "awq": "quantized",
            "mlx": "quantized",
            "merge": "merge",
        }.get(kind, "finetune")
        licence_tag = f"license:{lic}"
        tags: list[str]
        library: str | None = "transformers"
        pipeline: str | None = "text-generation"
        siblings = [".gitattributes", "README.md"]
        safetensors: Record | None = None
        gguf: Record | None = None
        quant_config: Record | None = None
        if kind == "gguf":
            library = None if rand() < 0.6 else "transformers"
            stem = name.removesuffix("-GGUF")
            quants = rng.sample(_GGUF_QUANTS, 1 + int(rand() * len(_GGUF_QUANTS)))
            siblings += [f"{stem}-{q}.gguf" for q in sorted(quants)]
            gguf = {
                "total": params,
                "architecture": model_type if model_type != "mistral" else "llama",
                "context_length": ctx,
            }
            tags = ["gguf", model_type, "text-generation", "en"]
        else:
            tags = ["transformers", "safetensors", model_type, "text-generation", "en"]
            if kind == "mlx":
                bits = 4 if name.endswith("-4bit") else 8
                packed = params * bits // 32
                safetensors = {"parameters": {"BF16": params // 30, "U32": packed}, "total": params // 30 + packed}
                quant_config = {"group_size": 64, "bits": bits}
                tags.insert(4, "mlx")
                tags.append(f"{bits}-bit")
                siblings += ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"]
            elif kind in ("gptq", "awq"):
                safetensors = {
                    "parameters": {"I32": params // 8, "F16": params // 25},
                    "total": params // 8 + params // 25,
                }
                quant_config = {"bits": 4, "group_size": 128, "quant_method": kind}
                tags += ["4-bit", kind]
                siblings += ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"]
            else:
                safetensors = {"parameters": {"BF16": params}, "total": params}
                shards = max(1, math.ceil(params * 2 / 5e9))
                siblings += ["config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json"]
                siblings += [f"model-{i:05d}-of-{shards:05d}.safetensors" for i in range(1, shards + 1)]
                if shards > 1:
                    siblings.append("model.safetensors.index.json")
        if kind == "merge":
            tags[2:2] = ["mergekit", "merge"]
        if kind not in ("base",):
            tags += [f"base_model:{base_id}", f"base_model:{relation}:{base_id}"]
        tags += [licence_tag, "endpoints_compatible", "region:us"]
        if kind != "base":
            tags.append("conversational")
        card: Record = {"license": lic, "language": ["en"], "pipeline_tag": "text-generation"}
        if lic_name:
            card["license_name"] = lic_name
        if kind != "base":
            card["base_model"] = base_id
            card["base_model_relation"] = relation
        config: Record | None = None
        if kind != "gguf":
            config = {
                "architectures": [arch],
                "model_type": model_type,
                "hidden_size": hidden,
                "num_hidden_layers": layers,
                "num_attention_heads": heads,
                "num_key_value_heads": kv,
                "max_position_embeddings": ctx,
            }
            if quant_config is not None:
                config["quantization_config"] = quant_config
        record: Record = {
            "_id": f"{rng.getrandbits(96):024x}",
            "id": model_id,
            "modelId": model_id,
            "author": author,
            "sha": f"{rng.getrandbits(160):040x}",
            "lastModified": modified,
            "private": False,
            "disabled": False,
            "gated": "manual" if author in ("meta-llama", "google") else False,
            "pipeline_tag": pipeline,
            "tags": tags,
            "downloads": downloads,
            "downloadsAllTime": downloads * (1 + int(rand() * 30)),
            "likes": likes,
            "trendingScore": int(likes * rand() * 0.2),
            "library_name": library,
            "cardData": card,
            "siblings": [{"rfilename": s} for s in siblings],
            "createdAt": created,
        }
        if library is None:
            del record["library_name"]
        if config is not None:
            record["config"] = config
        if safetensors is not None:
            record["safetensors"] = safetensors
        if gguf is not None:
            record["gguf"] = gguf
        yield record


def _iso_ms(epoch_ms: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch_ms // 1000)) + ".000Z"


def synthetic_tree(record: Mapping[str, Any]) -> list[TreeFile]:
    """A plausible file tree for a record: GGUF files sized params x bits-per-weight / 8 (PRODUCT.md figures),
    safetensors weights sized from ``safetensors.parameters``, small text files of a few kB. For
    ``FakeHub(tree_factory=synthetic_tree)``."""
    params = _param_count(record) or 0
    names = [s["rfilename"] for s in record.get("siblings") or []]
    weights = [n for n in names if n.endswith(".safetensors")]
    dtype_bytes = {"BF16": 2, "F16": 2, "F32": 4, "I32": 4, "U32": 4, "U8": 1, "I8": 1, "F8_E4M3": 1, "I64": 8}
    st = record.get("safetensors") or {}
    weight_bytes = sum(dtype_bytes.get(k, 2) * v for k, v in (st.get("parameters") or {}).items())
    files: list[TreeFile] = []
    for name in names:
        lower = name.lower()
        if ".gguf" in lower:
            match = _QUANT_RE.search(name)
            bpw = GGUF_BPW.get(match.group(1).upper(), 4.89) if match else 4.89
            size = round(params * bpw / 8)
        elif lower.endswith(".safetensors") and weights:
            size = max(1, weight_bytes // len(weights))
        elif name == "tokenizer.json":
            size = 9_085_657
        elif name == ".gitattributes":
            size = 1_570
        else:
            size = 600 + int(_sha1(f"{record.get('id')}\0{name}")[:4], 16) % 9000
        files.append({"path": name, "size": size})
    return files
