"""Vector search figures for BENCHMARKS.md: embedding throughput of the bundled model, FAISS search
latency (unfiltered and with a 1% filter), HNSW recall@10 against exact search, memory and file sizes.

    python -m benchmarks.vectors            # full run, a few minutes
    python -m benchmarks.vectors --quick    # under a minute, smaller sizes

`run(quick)` returns the Markdown section; `main()` prints it.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

import index.vectors as vectors
from index.embed import SentenceEmbedder, document
from index.vectors import VectorIndex

DIM = 384
FAMILIES = ["llama", "qwen", "mistral", "gemma", "phi", "deepseek", "yi", "falcon", "olmo", "granite"]
KINDS = ["base", "instruct", "finetune", "merge", "quantized"]
TASKS = ["chat", "code", "math", "roleplay", "reasoning", "tools", "vision", "creative-writing", "summarization"]
LANGUAGES = ["en", "zh", "fr", "de", "ru", "ja", "es", "ko"]
TAGS = ["gguf", "awq", "uncensored", "moe", "long-context", "function-calling", "chatml", "dpo", "sft", "lora"]
LICENCES = ["apache-2.0", "mit", "llama3.1", "gemma", "other", "cc-by-nc-4.0"]


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_rows(count: int, seed: int = 0) -> list[dict[str, Any]]:
    """Catalog-like rows whose documents are about as long as real ones."""
    rng = np.random.default_rng(seed)
    rows = []
    for num in range(count):
        family = str(rng.choice(FAMILIES))
        size = float(rng.choice([0.5, 1.5, 3, 7, 8, 14, 32, 70]))
        tasks = [str(task) for task in rng.choice(TASKS, int(rng.integers(1, 3)), replace=False)]
        rows.append(
            {
                "num": num,
                "id": f"org{num % 97}/{family.capitalize()}-{size:g}B-{rng.choice(['Instruct', 'Chat', 'v2', 'GGUF'])}",
                "family": family,
                "kind": str(rng.choice(KINDS)),
                "params": int(size * 1e9),
                "tasks": tasks,
                "languages": [str(code) for code in rng.choice(LANGUAGES, int(rng.integers(1, 3)), replace=False)],
                "license": str(rng.choice(LICENCES)),
                "tags": [str(tag) for tag in rng.choice(TAGS, 2, replace=False)],
                "description": f"{family} {size:g}B parameters {family.capitalize()}ForCausalLM safetensors",
            }
        )
    return rows


def bench_embedding(count: int, batch_size: int = 32) -> list[str]:
    import torch

    embedder = SentenceEmbedder(batch_size=batch_size)
    texts = [document(row) for row in synthetic_rows(count)]
    model = embedder.load()
    tokens = [len(ids) for ids in model.tokenizer(texts[:500])["input_ids"]]
    embedder.embed(texts[:batch_size])  # warm-up
    times = []
    started = time.perf_counter()
    for start in range(0, len(texts), batch_size):
        tick = time.perf_counter()
        embedder.embed(texts[start : start + batch_size])
        times.append(time.perf_counter() - tick)
    total = time.perf_counter() - started
    return [
        f"Embedding, bundled all-MiniLM-L6-v2 on the CPU ({torch.get_num_threads()} torch threads, "
        f"batch {batch_size}), "
        f"{count} synthetic documents of {statistics.mean(tokens):.0f} tokens on average (max {max(tokens)}):",
        "",
        "| docs/s | batch median | batch p95 |",
        "|---:|---:|---:|",
        f"| {count / total:.0f} | {statistics.median(times) * 1000:.0f} ms | {percentile(times, 95) * 1000:.0f} ms |",
        "",
    ]


def clustered_vectors(count: int, rng: np.random.Generator, centres: np.ndarray) -> np.ndarray:
    """Unit vectors around topic centres (text embeddings cluster; uniform random ones are a worst case)."""
    out = np.empty((count, DIM), dtype=np.float32)
    for start in range(0, count, 50_000):
        size = min(50_000, count - start)
        chunk = centres[rng.integers(0, len(centres), size)] + 0.8 * rng.standard_normal((size, DIM), np.float32)
        out[start : start + size] = chunk / np.linalg.norm(chunk, axis=1, keepdims=True)
    return out


def build(kind: str, data: np.ndarray, folder: Path, **options: Any) -> tuple[VectorIndex, float, float, int]:
    """(index, seconds to build, RSS delta in MiB, file size in bytes)."""
    index = VectorIndex(folder, kind=kind, **options)  # type: ignore[arg-type]
    before = rss_mb()
    started = time.perf_counter()
    index.clear(DIM)
    ids = np.arange(1, len(data) + 1, dtype=np.int64)
    index.add(ids, data)
    seconds = time.perf_counter() - started
    delta = rss_mb() - before
    import faiss

    folder.mkdir(parents=True, exist_ok=True)
    faiss.write_index(index.index, str(folder / "index.faiss"))
    size = os.path.getsize(folder / "index.faiss")
    (folder / "index.faiss").unlink()
    return index, seconds, delta, size


def timed(queries: np.ndarray, call: Callable[[np.ndarray], object]) -> tuple[float, float]:
    times = []
    for query in queries:
        tick = time.perf_counter()
        call(query)
        times.append(time.perf_counter() - tick)
    return statistics.median(times) * 1000, percentile(times, 95) * 1000


def recall(truth: list[set[int]], index: VectorIndex, queries: np.ndarray) -> float:
    found = sum(len(t & {num for num, _ in index.search_vector(q, k=10)}) for t, q in zip(truth, queries, strict=True))
    return found / (10 * len(queries))


def bench_search(sizes: Sequence[int], queries_per_size: int, ef_values: Sequence[int]) -> list[str]:
    rng = np.random.default_rng(1)
    centres = rng.standard_normal((2000, DIM)).astype(np.float32)
    latency = [
        "Search, synthetic unit 384-dim vectors clustered around 2,000 topics, k = 10, one query at a time "
        "through `VectorIndex.search_vector` (filter: a Python set of 1% of the ids):",
        "",
        "| vectors | index | build | median | p95 | 1% filter median | 1% filter p95 | RSS delta | file |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    recalls = [
        "",
        "HNSW recall@10 against exact search on these synthetic vectors (same queries; isotropic noise in 384 "
        "dimensions is a worst case for graph search, see the real embeddings below):",
        "",
        "| vectors | " + " | ".join(f"efSearch {ef}" for ef in ef_values) + " |",
        "|---:|" + "---:|" * len(ef_values),
    ]
    paths = [
        "",
        "Filtered search strategies, flat index, median ms: gather (score only the allowed vectors), "
        "scan (score all with one BLAS product, keep the allowed), FAISS `IDSelectorBatch`:",
        "",
        "| vectors | allowed | gather | scan | selector |",
        "|---:|---:|---:|---:|---:|",
    ]
    with tempfile.TemporaryDirectory() as scratch:
        for size in sizes:
            data = clustered_vectors(size, rng, centres)
            picks = data[rng.integers(0, size, queries_per_size)]
            queries = picks + 0.3 * rng.standard_normal(picks.shape, np.float32)
            queries /= np.linalg.norm(queries, axis=1, keepdims=True)
            allowed = set(rng.choice(np.arange(1, size + 1), size // 100, replace=False).tolist())
            flat, seconds, delta, file_size = build("flat", data, Path(scratch) / f"flat{size}")
            truth = [{num for num, _ in flat.search_vector(q, k=10)} for q in queries]
            plain = timed(queries, lambda q, index=flat: index.search_vector(q, k=10))
            filtered = timed(queries, lambda q, index=flat, s=allowed: index.search_vector(q, k=10, allowed=s))
            latency.append(
                f"| {size:,} | flat | {seconds:.1f} s | {plain[0]:.1f} ms | {plain[1]:.1f} ms | {filtered[0]:.2f} ms | "
                f"{filtered[1]:.2f} ms | {delta:.0f} MiB | {file_size / 2**20:.0f} MiB |"
            )
            saved = vectors.FILTER_STRATEGY
            for share in (0.01, 0.03, 0.1, 0.3):
                subset = set(rng.choice(np.arange(1, size + 1), int(size * share), replace=False).tolist())
                cells = []
                try:
                    for strategy in ("gather", "scan", "selector"):
                        vectors.FILTER_STRATEGY = strategy  # type: ignore[assignment]
                        median, _ = timed(
                            queries[:30], lambda q, index=flat, s=subset: index.search_vector(q, k=10, allowed=s)
                        )
                        cells.append(f"{median:.1f}")
                finally:
                    vectors.FILTER_STRATEGY = saved
                paths.append(f"| {size:,} | {len(subset):,} | " + " | ".join(cells) + " |")
            del flat
            hnsw, seconds, delta, file_size = build("hnsw", data, Path(scratch) / f"hnsw{size}")
            inner: Any = __import__("faiss").downcast_index(hnsw.index.index)
            row = []
            for ef in ef_values:
                inner.hnsw.efSearch = ef
                hnsw.ef_search = ef
                row.append(f"{recall(truth, hnsw, queries):.3f}")
            hnsw.ef_search = VectorIndex(scratch).ef_search
            inner.hnsw.efSearch = hnsw.ef_search
            plain = timed(queries, lambda q, index=hnsw: index.search_vector(q, k=10))
            filtered = timed(queries, lambda q, index=hnsw, s=allowed: index.search_vector(q, k=10, allowed=s))
            latency.append(
                f"| {size:,} | hnsw M={hnsw.hnsw_m} efC={hnsw.ef_construction} efS={hnsw.ef_search} | "
                f"{seconds:.1f} s | {plain[0]:.2f} ms | {plain[1]:.2f} ms | {filtered[0]:.2f} ms | "
                f"{filtered[1]:.2f} ms | "
                f"{delta:.0f} MiB | {file_size / 2**20:.0f} MiB |"
            )
            recalls.append(f"| {size:,} | " + " | ".join(row) + " |")
            del hnsw, data
    return [*latency, *recalls, *paths, ""]


def real_vectors(limit: int | None) -> tuple[np.ndarray, np.ndarray] | None:
    """(document vectors, query vectors) from the bundled embedder over the real 2022 Hub records (synced
    through a loopback Hub) and the labelled requests; cached in benchmarks/.cache (3 minutes to embed)."""
    import subprocess
    import sys

    from benchmarks.run import ROOT, SHARED, served
    from index.store import Catalog
    from index.vectors import DOCUMENT_COLUMNS
    from tests.parse_eval import labelled

    if not (SHARED / "hub" / "models-2022.jsonl").exists():
        return None
    cache = ROOT / "benchmarks" / ".cache" / f"real-vectors-{limit or 'all'}.npy"
    embedder = SentenceEmbedder()
    if cache.exists():
        return np.load(cache), embedder.embed([row["text"] for row in labelled(None)]).astype(np.float32)
    with tempfile.TemporaryDirectory() as home, served("shared-2022") as url:
        subprocess.run(
            [sys.executable, "-m", "benchmarks.sync_child", url, home], cwd=ROOT, check=True, capture_output=True
        )
        with Catalog(Path(home) / "catalog.db") as catalog:
            rows = list(catalog.db.query(f"SELECT {', '.join(DOCUMENT_COLUMNS)} FROM models ORDER BY downloads DESC"))
    texts = [document(row) for row in rows[:limit]]
    docs = np.concatenate([embedder.embed(texts[start : start + 256]) for start in range(0, len(texts), 256)])
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.save(cache, docs.astype(np.float32))
    return docs.astype(np.float32), embedder.embed([row["text"] for row in labelled(None)]).astype(np.float32)


def bench_real_recall(quick: bool, ef_values: Sequence[int]) -> list[str]:
    """HNSW recall@10 on real MiniLM embeddings of catalog documents: queried with other documents ("models
    like this one", the graph's job) and with the labelled request texts (answered exactly in production);
    at 100k and 300k the real vectors are joined by jittered copies of themselves."""
    vectors_and_queries = real_vectors(5_000 if quick else None)
    if vectors_and_queries is None:
        return ["", "HNSW recall on real embeddings: skipped (../shared/data/hub/models-2022.jsonl not found).", ""]
    docs, requests = vectors_and_queries
    rng = np.random.default_rng(3)
    neighbours = docs[rng.choice(len(docs), 200, replace=False)]
    lines = [
        "",
        f"HNSW recall@10 against exact search on real embeddings: {len(docs):,} catalog documents (the real 2022 "
        "Hub records) embedded with the bundled model; the larger sets add jittered copies of the real vectors "
        "(Gaussian noise σ = 0.02 per dimension, renormalised). Two kinds of query: 200 catalog documents "
        '("models like this one": what `search_vector` sends the graph) and the labelled request texts '
        f"({len(requests)}; far from every document: `search(text)` answers them exactly on any index kind).",
        "",
        "| vectors | queries | " + " | ".join(f"efSearch {ef}" for ef in ef_values) + " | p95 at the default |",
        "|---:|---|" + "---:|" * (len(ef_values) + 1),
    ]
    with tempfile.TemporaryDirectory() as scratch:
        for size in (len(docs),) if quick else (len(docs), 100_000, 300_000):
            data = docs
            while len(data) < size:
                extra = docs[rng.integers(0, len(docs), min(size - len(data), 50_000))]
                extra = extra + 0.02 * rng.standard_normal(extra.shape).astype(np.float32)
                data = np.concatenate([data, extra / np.linalg.norm(extra, axis=1, keepdims=True)])
            flat, *_ = build("flat", data, Path(scratch) / f"rf{size}")
            truths = {
                name: [{num for num, _ in flat.search_vector(q, k=10)} for q in queries]
                for name, queries in (("documents", neighbours), ("requests", requests))
            }
            del flat
            hnsw, *_ = build("hnsw", data, Path(scratch) / f"rh{size}")
            inner: Any = __import__("faiss").downcast_index(hnsw.index.index)
            default_ef = hnsw.ef_search
            for name, queries in (("documents", neighbours), ("requests", requests)):
                cells = []
                for ef in ef_values:
                    inner.hnsw.efSearch = hnsw.ef_search = ef
                    cells.append(f"{recall(truths[name], hnsw, queries):.3f}")
                inner.hnsw.efSearch = hnsw.ef_search = default_ef
                _, p95 = timed(queries, lambda q, index=hnsw: index.search_vector(q, k=10))
                lines.append(f"| {size:,} | {name} | " + " | ".join(cells) + f" | {p95:.2f} ms |")
            del hnsw, data
    return [*lines, ""]


def run(quick: bool) -> str:
    import faiss

    started = time.perf_counter()
    sizes = (20_000, 50_000) if quick else (100_000, 300_000)
    lines = [
        "## Vector search" + (" (quick run)" if quick else ""),
        "",
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"faiss {faiss.__version__}, {faiss.omp_get_max_threads()} OpenMP threads.",
        "",
    ]
    lines += bench_embedding(256 if quick else 2048)
    lines += bench_search(sizes, 50 if quick else 200, (64, 128, 256, 512))
    lines += bench_real_recall(quick, (64, 128, 256, 512))
    lines.append(f"Peak RSS {peak_rss_mb():.0f} MiB; the run took {time.perf_counter() - started:.0f} s.")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, under a minute")
    args = parser.parse_args(argv)
    print(run(args.quick))


if __name__ == "__main__":
    main()
