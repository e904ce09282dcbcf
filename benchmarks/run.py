"""`make bench`: run the benchmarks and rewrite BENCHMARKS.md with the figures.

Each figure is measured in fresh processes: the loopback Hub serves from one process, the sync runs
in another whose peak RSS is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


@contextmanager
def served(source: str) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.hub_process", source],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        if not url.startswith("http"):
            raise RuntimeError(f"the loopback Hub did not start ({source})")
        yield url
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=30)


def sync_in_child(url: str, repeat: int = 1) -> dict:
    with tempfile.TemporaryDirectory() as home:
        output = subprocess.run(
            [sys.executable, "-m", "benchmarks.sync_child", url, home, "--repeat", str(repeat)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    return json.loads(output.strip().splitlines()[-1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def bench_ingest(source: str, runs: int) -> dict:
    rates, seconds, peaks, listed = [], [], [], 0
    with served(source) as url:
        for _ in range(runs):
            result = sync_in_child(url)
            run = result["runs"][0]
            listed = run["listed"]
            seconds.append(run["seconds"])
            rates.append(run["listed"] / run["seconds"])
            peaks.append(result["peak_rss_mb"])
    return {
        "models": listed,
        "runs": runs,
        "median_s": statistics.median(seconds),
        "p95_s": percentile(seconds, 0.95),
        "throughput": statistics.median(rates),
        "peak_rss_mb": max(peaks),
    }


def bench_resync(source: str, repeats: int) -> dict:
    with served(source) as url:
        result = sync_in_child(url, repeat=repeats + 1)
    resyncs = result["runs"][1:]
    seconds = [run["seconds"] for run in resyncs]
    return {
        "models": resyncs[0]["total"],
        "runs": len(resyncs),
        "median_s": statistics.median(seconds),
        "p95_s": percentile(seconds, 0.95),
        "throughput": statistics.median(run["listed"] / run["seconds"] for run in resyncs),
        "peak_rss_mb": result["peak_rss_mb"],
        "changed": sum(run["added"] + run["updated"] for run in resyncs),
    }


def bench_derive() -> dict:
    from index.derive import derive
    from tests.hubserver import load_shared_records

    records = load_shared_records("models-2022.jsonl")
    timings = []
    for record in records:
        started = time.perf_counter_ns()
        derive(record)
        timings.append((time.perf_counter_ns() - started) / 1000)
    return {
        "records": len(records),
        "median_us": statistics.median(timings),
        "p95_us": percentile(timings, 0.95),
        "throughput": 1e6 / statistics.mean(timings),
    }


def render(results: dict, quick: bool) -> str:
    cpu = os.cpu_count()
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {time.strftime('%Y-%m-%d')} — {platform.python_implementation()} "
        f"{platform.python_version()}, {cpu} cores, {platform.machine()}."
        + (" Quick mode (fewer runs, smaller synthetic catalog)." if quick else ""),
        "Each sync runs in a fresh process against a loopback Hub served by another process; "
        "peak RSS is the sync process's own. Thresholds are off and GGUF tree calls excluded, so every "
        "served record is listed, derived and written.",
        "",
        "## Catalog sync (issue: ingest ≥ 5,000 models/s; unchanged 30k resync ≤ 10 s; ≤ 1 GB at 300k)",
        "",
        "| benchmark | models | runs | median | p95 | throughput | peak RSS |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, figure in results.items():
        if name == "derive":
            continue
        lines.append(
            f"| {name} | {figure['models']:,} | {figure['runs']} | {figure['median_s']:.2f} s | "
            f"{figure['p95_s']:.2f} s | {figure['throughput']:,.0f} models/s | {figure['peak_rss_mb']:,.0f} MB |"
        )
    derive = results.get("derive")
    if derive:
        lines += [
            "",
            "## Derived fields",
            "",
            "| benchmark | records | median | p95 | throughput |",
            "|---|---:|---:|---:|---:|",
            f"| derive() on models-2022.jsonl | {derive['records']:,} | {derive['median_us']:.1f} µs | "
            f"{derive['p95_us']:.1f} µs | {derive['throughput']:,.0f} records/s |",
        ]
    return "\n".join(lines) + "\n"


def section(name: str, quick: bool) -> str:
    """One benchmark module's Markdown section, run as `python -m benchmarks.NAME` in a fresh process."""
    command = [sys.executable, "-m", f"benchmarks.{name}", *(["--quick"] if quick else [])]
    done = subprocess.run(command, cwd=Path(__file__).resolve().parents[1], stdout=subprocess.PIPE, text=True)
    if done.returncode:
        raise SystemExit(f"benchmark {name} failed (exit {done.returncode})")
    return done.stdout.rstrip("\n") + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", type=Path, help="rewrite this Markdown file with the figures")
    parser.add_argument("--quick", action="store_true", help="fewer runs and a 30k synthetic catalog")
    parser.add_argument("--no-vectors", action="store_true", help="skip the vector search figures")
    parser.add_argument("--no-parser", action="store_true", help="skip the request parser figures")
    parser.add_argument("--no-recommend", action="store_true", help="skip the recommendation figures")
    parser.add_argument("--no-bot", action="store_true", help="skip the bot load figures")
    parser.add_argument("--no-shapes", action="store_true", help="skip the model shapes coverage figures")
    parser.add_argument("--no-judged", action="store_true", help="skip the expert-judged set (issue 15)")
    parser.add_argument("--no-real", action="store_true", help="skip the real-requests parser figures (issue 12)")
    parser.add_argument("--no-speed", action="store_true", help="skip the speed estimate against measured figures")
    args = parser.parse_args()
    results: dict[str, dict] = {}
    if SHARED.exists():
        results["ingest: real 2022 records (loopback Hub)"] = bench_ingest("shared-2022", 3 if args.quick else 5)
        results["resync: unchanged real 2022 catalog"] = bench_resync("shared-2022", 3 if args.quick else 5)
        results["derive"] = bench_derive()
    else:
        print(f"{SHARED} not found: the real-data benchmarks are skipped", file=sys.stderr)
    size = 30_000 if args.quick else 300_000
    results[f"ingest: synthetic {size // 1000}k"] = bench_ingest(f"synthetic:{size}", 1 if args.quick else 2)
    text = render(results, args.quick)
    sections = {"vectors": args.no_vectors, "parser": args.no_parser, "recommend": args.no_recommend,
                "bot": args.no_bot, "shapes": args.no_shapes or not SHARED.exists(),
                "judged": args.no_judged or not SHARED.exists(), "real_requests": args.no_real,
                "speed": args.no_speed}  # fmt: skip
    for name, skipped in sections.items():
        if not skipped:  # each in a process of its own: its peak RSS and its threads are its own
            text += "\n" + section(name, args.quick)
    print(text)
    if args.write:
        args.write.write_text(text)


if __name__ == "__main__":
    main()
