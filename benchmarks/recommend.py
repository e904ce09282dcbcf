"""Recommendation figures for BENCHMARKS.md: `ask` end to end (parse with the default GGUF + semantic search +
rank) over a 100k-model synthetic catalog, and the TOP lists.

    python -m benchmarks.recommend [--quick]

The catalog is synced from a loopback Hub serving synthetic records; its search index holds random unit
vectors (embedding 100k documents takes ten minutes and is measured in the vector section), while each query
is embedded for real by the bundled model.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def run(quick: bool) -> str:
    from benchmarks.run import served
    from index.embed import SentenceEmbedder
    from index.store import Catalog
    from index.vectors import VectorIndex
    from recommender.parse import ParserOptions, RequestParser
    from recommender.recommend import RecommendOptions
    from recommender.related import TOP_LISTS, top, warm_lists
    from recommender.service import Sommelier
    from recommender.view import CatalogView
    from tests.parse_eval import labelled

    size = 20_000 if quick else 100_000
    lines = ["## Recommending (issue: `ask` p50 ≤ 300 ms, p95 ≤ 1 s over 100k models; TOP lists ≤ 50 ms)", ""]
    with tempfile.TemporaryDirectory() as home, served(f"synthetic:{size}") as url:
        subprocess.run(
            [sys.executable, "-m", "benchmarks.sync_child", url, home], cwd=ROOT, check=True, capture_output=True
        )
        with Catalog(Path(home) / "catalog.db") as catalog:
            started = time.perf_counter()
            view = CatalogView.current(catalog)
            view_seconds = time.perf_counter() - started
            embedder = SentenceEmbedder()
            index = VectorIndex(Path(home) / "index")
            index.clear(embedder.dim)
            nums = np.asarray([row["num"] for row in view.rows], dtype=np.int64)
            vectors = np.random.default_rng(0).standard_normal((len(nums), embedder.dim)).astype(np.float32)
            index.add(nums, vectors / np.linalg.norm(vectors, axis=1, keepdims=True))

            def search(text: str, allowed: set[int] | None, k: int) -> list[tuple[int, float]]:
                return index.search(text, embedder, allowed=allowed, k=k)

            parser = RequestParser(ParserOptions(models_dir=Path(home) / "models"))
            service = Sommelier(catalog, parser, RecommendOptions(), search)
            texts = [row["text"] for row in labelled(None)]
            service.ask("warm up: best 16GB llama")
            timings, stages = [], {"parse": [], "rank": []}
            for text in texts[: 60 if quick else None]:
                tick = time.perf_counter()
                parser.parse(text)
                parsed = time.perf_counter()
                service.ask(text)
                done = time.perf_counter()
                stages["parse"].append(parsed - tick)
                timings.append(done - parsed)
                stages["rank"].append(max(0.0, (done - parsed) - (parsed - tick)))
            warm = warm_lists(service.recommender)
            list_times = []
            for _ in range(3):
                for name in TOP_LISTS:
                    tick = time.perf_counter()
                    top(service.recommender, name, 10)
                    list_times.append(time.perf_counter() - tick)
    lines += [
        f"{size:,} synthetic models synced from the loopback Hub; catalog view loaded in {view_seconds:.2f} s "
        f"(once per catalog generation). Requests: the {len(timings)} labelled ones, answered one at a time "
        "through `Sommelier.ask` (the bundled Gemma 3 270M + adapter parses, the bundled MiniLM embeds the query, "
        "exact search over the 384-dim index restricted to the candidates, masks, fit, grouping, reasons).",
        "",
        "| step | median | p95 | max |",
        "|---|---:|---:|---:|",
        _row("ask, end to end", timings),
        _row("of which parsing", stages["parse"]),
        _row("of which search + rank", stages["rank"]),
        "",
        f"TOP lists: all {len(TOP_LISTS)} computed in {warm * 1000:.0f} ms after a sync (`warm_lists`), then "
        f"served from the view: {_row('one list', list_times)[2:]}",
        "",
        f"Peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB.",
        "",
    ]
    return "\n".join(lines) + "\n"


def _row(name: str, values: Sequence[float]) -> str:
    return (
        f"| {name} | {statistics.median(values) * 1000:.1f} ms | {percentile(values, 95) * 1000:.1f} ms | "
        f"{max(values) * 1000:.1f} ms |"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    print(run(args.quick))


if __name__ == "__main__":
    main()
