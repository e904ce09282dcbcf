"""Run one sync in this process and print its report with this process's peak RSS (JSON).

    python -m benchmarks.sync_child ENDPOINT HOME [--repeat N]

With --repeat N the sync runs N times on the same catalog (the later runs are resyncs)."""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from index.hub import Hub, HubOptions
from index.store import Catalog
from index.sync import Listing, SyncOptions, run_sync


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint")
    parser.add_argument("home", type=Path)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    hub = Hub(HubOptions(endpoint=args.endpoint, calls_per_window=100_000, backoff_base=0.05))
    # thresholds off: the benchmark measures ingest of every record served
    # every model served, whatever its pipeline tag: the whole file is the ingest workload
    options = SyncOptions(listings=(Listing(),), min_downloads=0, stale_min_downloads=0, gguf_tree_top_n=0)
    runs = []
    with Catalog(args.home / "catalog.db") as catalog:
        for _ in range(args.repeat):
            started = time.perf_counter()
            report = run_sync(catalog, hub, options)
            runs.append(
                {
                    "seconds": time.perf_counter() - started,
                    "listed": report.listed,
                    "added": report.added,
                    "updated": report.updated,
                    "total": report.total,
                }
            )
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"runs": runs, "peak_rss_mb": peak_kb / 1024}))


if __name__ == "__main__":
    main()
