"""Shapes coverage: sync the real 2025 Hub records of ../shared/data through the loopback Hub with the shapes
phase on, and count how many models know their geometry, context and licence class.

    python -m benchmarks.shapes [--quick]

The loopback Hub serves, as config.json, each record's own `config` (what the API returned in 2025: it keeps
`architectures`, `model_type` and the tokenizer config, never the geometry), except for the base models whose
real config.json is among tests/fixtures/configs (google/gemma-7b, microsoft/phi-2, EleutherAI/gpt-neox-20b):
those are served as on the Hub. GGUF repos have no file bytes on the loopback, so their headers cannot be read
there. The figures are therefore a floor: on the real Hub every fine-tune serves its full config.json.
Prints a Markdown section.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "tests" / "fixtures" / "configs"
REAL_CONFIGS = {
    "google/gemma-7b": "gemma-7b.json",
    "microsoft/phi-2": "phi-2.json",
    "EleutherAI/gpt-neox-20b": "gpt-neox-20b.json",
}
TOP_GEOMETRY = 10_000
TOP_LICENCE = 5_000


def measure(budget: int) -> dict:
    from index.hub import Hub, HubOptions
    from index.shape_sync import ShapeOptions
    from index.store import Catalog
    from index.sync import run_sync
    from tests.hubserver import FakeHub, load_shared_records
    from tests.records import sync_options

    records = load_shared_records("models-2025.jsonl")
    ids = {record["id"] for record in records}
    files = {repo: {"config.json": (CONFIGS / name).read_bytes()} for repo, name in REAL_CONFIGS.items() if repo in ids}
    with tempfile.TemporaryDirectory() as home, FakeHub(records, page_size=500, files=files) as served:
        hub = Hub(HubOptions(endpoint=served.url, page_size=500, calls_per_window=100_000, backoff_base=0.01))
        options = sync_options(
            min_downloads=0, stale_min_downloads=0, gguf_tree_top_n=0, shapes=ShapeOptions(call_budget=budget)
        )
        with Catalog(Path(home) / "catalog.db") as catalog:
            started = time.perf_counter()
            report = run_sync(catalog, hub, options, now=datetime(2025, 4, 30, tzinfo=UTC))
            seconds = time.perf_counter() - started
            figures = _coverage(catalog.db.conn)
    shape_calls = report.shapes.get("calls", 0)
    return {
        **figures,
        "seconds": seconds,
        "calls": report.calls,
        "shape_calls": shape_calls,
        "configs": report.shapes.get("configs", 0),
        "missing": report.shapes.get("missing", 0),
        "budget": budget,
    }


def _coverage(conn: sqlite3.Connection) -> dict:
    rows = conn.execute(
        "SELECT id, n_layers, n_kv_heads, head_dim, context_length, shape, shape_source, inherited, commercial, "
        "params, architecture, family FROM models ORDER BY coalesce(downloads, 0) DESC, id"
    ).fetchall()
    top = rows[:TOP_GEOMETRY]
    sources: Counter[str] = Counter()
    geometry = context = fallback = 0
    from recommender.fit import fallback_row

    for _id, layers, kv, head, ctx, shape, own, inherited, _commercial, params, arch, family in top:
        shape_data = json.loads(shape) if shape else {}
        known = bool(layers and kv and head) or shape_data.get("full_layers") == 0
        if known:
            geometry += 1
            inherited_fields = set(json.loads(inherited)) if inherited else set()
            if "n_layers" in inherited_fields:
                sources["inherited from the base"] += 1
            elif own:
                sources[own.split(":")[0]] += 1
            else:
                sources["listing"] += 1
        elif fallback_row(arch, family, params) is not None:
            fallback += 1
        if ctx:
            context += 1
    licence_top = rows[:TOP_LICENCE]
    unknown = sum(1 for row in licence_top if (row[8] or "unknown") == "unknown")
    return {
        "models": len(rows),
        "top": len(top),
        "geometry": geometry,
        "context": context,
        "both": sum(1 for row in top if row[1] and row[2] and row[3] and row[4]),
        "fallback": fallback,
        "sources": dict(sources),
        "licence_top": len(licence_top),
        "licence_unknown": unknown,
    }


def kv_accuracy() -> dict:
    """The KV cache of every real config of tests/fixtures/configs at 4k and 32k against the hand-written
    expectation of tests/test_shapes_kv.py: the largest relative deviation."""
    from recommender.fit import kv_cache_bytes
    from tests.test_shapes_kv import EXPECTED, EXPECTED_MLA, UBATCH, _shape

    worst = 0.0
    checks = 0
    for context in (4096, 32768):
        for name, (full, swa, window, kv_heads, head_dim) in EXPECTED.items():
            expected = 2 * kv_heads * head_dim * 2 * (full * context + swa * min(context, window + UBATCH))
            computed, _ = kv_cache_bytes(_shape(name), context)
            worst, checks = max(worst, abs(computed - expected) / expected), checks + 1
        for name, (layers, latent) in EXPECTED_MLA.items():
            expected = layers * context * latent * 2
            computed, _ = kv_cache_bytes(_shape(name), context)
            worst, checks = max(worst, abs(computed - expected) / expected), checks + 1
    return {"configs": len(EXPECTED) + len(EXPECTED_MLA), "checks": checks, "worst": worst}


def render(figures: dict) -> str:
    top = figures["top"] or 1

    def share(count: int, total: int = top) -> str:
        return f"{count:,} ({count / max(total, 1):.1%})"

    sources = ", ".join(f"{name} {count:,}" for name, count in sorted(figures["sources"].items()))
    lines = [
        "## Model shapes (issue 11: geometry, context and licence after a sync of the real 2025 records)",
        "",
        f"A sync of hub/models-2025.jsonl through the loopback Hub, shapes phase on (call budget "
        f"{figures['budget']:,}); the catalog's {figures['models']:,} models are all in the top "
        f"{TOP_GEOMETRY:,}. The loopback serves each record's own API `config` as config.json (no geometry in it) "
        f"and the real config.json of {', '.join(REAL_CONFIGS)}; GGUF files have no bytes there. "
        "A floor for the real Hub, where every fine-tune's config.json carries its geometry.",
        "",
        "| figure | value |",
        "|---|---:|",
        f"| models with known KV geometry (layers, KV heads, head dim) | {share(figures['geometry'])} |",
        f"| ... of which from: | {sources or 'none'} |",
        f"| models with a known context length | {share(figures['context'])} |",
        f"| models with both | {share(figures['both'])} |",
        f"| others sized from the fallback table (configs/kv_fallback.toml) | {share(figures['fallback'])} |",
        f"| commercial class 'unknown' among the {figures['licence_top']:,} most downloaded | "
        f"{share(figures['licence_unknown'], figures['licence_top'])} |",
        f"| config.json read / not found | {figures['configs']:,} / {figures['missing']:,} |",
        f"| Hub calls: whole sync / shapes phase | {figures['calls']:,} / {figures['shape_calls']:,} |",
        f"| sync time (listing, apply, shapes) | {figures['seconds']:.1f} s |",
    ]
    kv = figures.get("kv")
    if kv:
        lines += [
            "",
            f"KV cache accuracy: {kv['configs']} real config.json files of different architectures and sizes "
            f"(tests/fixtures/configs), at 4k and 32k tokens ({kv['checks']} checks): largest deviation from "
            f"2 × layers × context × KV heads × head dim × bytes with the architecture rules: {kv['worst']:.1%} "
            "(the issue allows ±5%).",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--budget", type=int, default=3000)
    args = parser.parse_args()
    print(render({**measure(args.budget), "kv": kv_accuracy()}))


if __name__ == "__main__":
    main()
