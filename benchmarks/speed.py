"""Estimated generation speed against llama.cpp's measured tg128 figures (tests/fixtures/speed_anchors.csv, the
source of each row in the file): the section `make bench` writes into BENCHMARKS.md."""

from __future__ import annotations

import csv
import statistics
from pathlib import Path

from recommender import speed

ANCHORS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "speed_anchors.csv"


def main() -> None:
    with ANCHORS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    lines = [
        "## Speed estimate (issue 15: within about ±30% of measured figures)",
        "",
        f"{len(rows)} llama.cpp tg128 measurements (tests/fixtures/speed_anchors.csv, a source per row) against "
        "`recommender.speed.tokens_per_second` (0.75 × memory bandwidth ÷ bytes read per token, plus a per-token "
        "overhead).",
        "",
        "| hardware | model | quant | measured tok/s | estimated tok/s | error |",
        "|---|---|---|---:|---:|---:|",
    ]
    errors = []
    for row in rows:
        estimate = speed.tokens_per_second(float(row["model_bytes"]), float(row["bandwidth_gbs"]), row["kind"])
        measured = float(row["measured_tg128"])
        errors.append(abs(estimate / measured - 1))
        lines.append(
            f"| {row['hardware']} | {row['model']} | {row['quant']} | {measured:.1f} | {estimate:.1f} | "
            f"{estimate / measured - 1:+.1%} |"
        )
    lines += ["", f"Largest error {max(errors):.1%}, median {statistics.median(errors):.1%}.", ""]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
