"""Serve a loopback Hub in its own process (so the sync being measured has its memory to itself).

    python -m benchmarks.hub_process shared-2022 | synthetic:N

Prints the URL on the first line, then serves until stdin closes."""

from __future__ import annotations

import sys

from tests.hubserver import FakeHub, load_shared_records, synthetic_models


def main() -> None:
    source = sys.argv[1]
    if source == "shared-2022":
        models = load_shared_records("models-2022.jsonl")
    elif source.startswith("synthetic:"):
        models = list(synthetic_models(int(source.split(":", 1)[1])))
    else:
        raise SystemExit(f"unknown source {source}")
    with FakeHub(models, page_size=1000) as hub:
        print(hub.url, flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
