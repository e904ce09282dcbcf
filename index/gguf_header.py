"""Read the header of a GGUF file from its first bytes: metadata and tensor infos, never the weights.

The layout (ggml's docs/gguf.md): magic "GGUF", version (u32; 2 and 3 read here), tensor count (u64),
metadata count (u64), the metadata key/value pairs, then one info per tensor (name, dimensions, type,
offset). Everything is little-endian unless the file was written big-endian (then the version reads as a
huge number and the reader switches). A header cut short (a Range request of a few MB) gives what was
complete: the metadata read so far, and the parameter count only when every tensor info was in the bytes.
Large arrays (the tokenizer's 100k+ strings) are walked over, not kept.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from math import prod
from typing import Any

MAGIC = b"GGUF"
MAX_KEPT_ARRAY = 4096  # arrays longer than this are skipped and recorded as their length only
_SCALARS = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}
_STRING, _ARRAY = 8, 9


class NotGGUF(ValueError):
    "The bytes are not a GGUF file"


class _Truncated(Exception):
    pass


@dataclass(frozen=True, slots=True)
class SkippedArray:
    """An array too long to keep: its element type and length."""

    item_type: int
    length: int


@dataclass(slots=True)
class GGUFHeader:
    version: int
    tensor_count: int
    metadata_count: int
    metadata: dict[str, Any] = field(default_factory=dict)
    metadata_complete: bool = False
    tensors_read: int = 0
    params: int | None = None  # the sum of tensor element counts, when every tensor info was read
    header_bytes: int | None = None  # where the tensor infos end, when reached

    @property
    def complete(self) -> bool:
        return self.metadata_complete and self.params is not None


class _Cursor:
    def __init__(self, data: bytes, endian: str) -> None:
        self.data = data
        self.pos = 0
        self.endian = endian

    def take(self, size: int) -> bytes:
        end = self.pos + size
        if end > len(self.data):
            raise _Truncated()
        chunk = self.data[self.pos : end]
        self.pos = end
        return chunk

    def unpack(self, code: str) -> Any:
        size = struct.calcsize(code)
        return struct.unpack(self.endian + code, self.take(size))[0]

    def string(self) -> str:
        length = self.unpack("Q")
        if length > 1 << 24:
            raise NotGGUF(f"implausible string length {length}")
        return self.take(length).decode("utf-8", errors="replace")

    def skip_string(self) -> None:
        length = self.unpack("Q")
        if length > 1 << 24:
            raise NotGGUF(f"implausible string length {length}")
        self.take(length)

    def value(self, kind: int) -> Any:
        if kind in _SCALARS:
            return self.unpack(_SCALARS[kind])
        if kind == _STRING:
            return self.string()
        if kind == _ARRAY:
            item_type = self.unpack("I")
            length = self.unpack("Q")
            if item_type == _ARRAY or (item_type not in _SCALARS and item_type != _STRING):
                raise NotGGUF(f"unsupported array element type {item_type}")
            if length > MAX_KEPT_ARRAY:
                if item_type == _STRING:
                    for _ in range(length):
                        self.skip_string()
                else:
                    self.take(struct.calcsize(_SCALARS[item_type]) * length)
                return SkippedArray(item_type, length)
            return [self.value(item_type) for _ in range(length)]
        raise NotGGUF(f"unknown metadata value type {kind}")


def parse_header(data: bytes) -> GGUFHeader:
    """Parse as much of a GGUF header as `data` holds. Raises NotGGUF when the bytes are not GGUF."""
    if len(data) < 24:
        if data[:4] != MAGIC[: len(data[:4])]:
            raise NotGGUF()
        raise NotGGUF("too few bytes for a GGUF header")
    if data[:4] != MAGIC:
        raise NotGGUF()
    endian = "<"
    version = struct.unpack("<I", data[4:8])[0]
    if version > 0xFFFF:
        endian, version = ">", struct.unpack(">I", data[4:8])[0]
    if version not in (2, 3):
        raise NotGGUF(f"unsupported GGUF version {version}")
    cursor = _Cursor(data, endian)
    cursor.pos = 8
    tensor_count, metadata_count = cursor.unpack("Q"), cursor.unpack("Q")
    if tensor_count > 1 << 24 or metadata_count > 1 << 20:
        raise NotGGUF("implausible tensor or metadata count")
    header = GGUFHeader(version, tensor_count, metadata_count)
    try:
        for _ in range(metadata_count):
            key = cursor.string()
            kind = cursor.unpack("I")
            header.metadata[key] = cursor.value(kind)
        header.metadata_complete = True
        total = 0
        for _ in range(tensor_count):
            cursor.skip_string()
            n_dims = cursor.unpack("I")
            if n_dims > 8:
                raise NotGGUF(f"implausible tensor rank {n_dims}")
            dims = [cursor.unpack("Q") for _ in range(n_dims)]
            cursor.unpack("I")  # type
            cursor.unpack("Q")  # offset
            total += prod(dims)
            header.tensors_read += 1
        header.params = total
        header.header_bytes = cursor.pos
    except _Truncated:
        pass
    return header


Fetch = Callable[[int, int], bytes]  # (first byte, last byte inclusive) → the bytes


def read_header(fetch: Fetch, first_bytes: int = 4 << 20, max_bytes: int = 16 << 20) -> tuple[GGUFHeader, int]:
    """Read a remote header with range requests: `first_bytes` first, then twice as much each time the
    header goes on, up to `max_bytes` in all. Returns (header, number of requests made)."""
    data = fetch(0, first_bytes - 1)
    requests = 1
    header = parse_header(data)
    while not header.complete and len(data) < max_bytes and len(data) >= first_bytes:
        end = min(max_bytes, len(data) * 2)
        more = fetch(len(data), end - 1)
        requests += 1
        if not more:
            break
        data += more
        header = parse_header(data)
        if len(more) < end - (len(data) - len(more)):
            break  # the file ended
    return header, requests
