"""The expert-judged set of issue 15: hit@1, hit@5 and unsound answers on the frozen 2025+2026 catalog.

    .venv/bin/python -m benchmarks.judged [--quick] [--parser rules|default]

Prints a Markdown section for BENCHMARKS.md (benchmarks/run.py registers it as "judged").
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Sequence
from pathlib import Path


def _pct(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.0f} %)" if whole else "–"


def run(parser_kind: str = "rules", failures: int = 10) -> str:
    from recommender.parse import ParserOptions, RequestParser
    from recommender.service import Sommelier
    from tests import judged

    requests = judged.load_requests()
    with tempfile.TemporaryDirectory() as home:
        catalog = judged.build_catalog(Path(home) / "catalog.db")
        try:
            options = ParserOptions(use_model=parser_kind != "rules", models_dir=Path(home) / "models")
            service = Sommelier(catalog, RequestParser(options), judged.recommend_options())
            routed = judged.run(service, requests, "routed")
            asked = judged.run(service, requests, "ask")
            count = catalog.count()
        finally:
            catalog.close()
    main, by_ask = judged.summarize(routed), judged.summarize(asked)
    lines = [
        "## Expert-judged set (issue 15: no unacceptable answer in any top 5; an acceptable one first for ≥ 90 %)",
        "",
        f"{main.total} hand-judged requests (tests/fixtures/judged_requests.jsonl) on a frozen catalog of {count:,} "
        "models (../shared/data 2025 records + the 2026 snapshot of tests/fixtures/catalog_2026.jsonl) synced "
        f"through the loopback Hub; parser: {parser_kind}. Routed: recommend and alternatives through `ask`, fit / "
        "derived / model card / compare through the service method that answers them today. Ask only: every "
        "request through `ask` (the intent from the text, where issue 15 wants it).",
        "",
        "| run | hit@1 | hit@5 | requests with an unsound top-5 answer | unsound answers | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, summary in (("routed", main), ("ask only", by_ask)):
        lines.append(
            f"| {name} | {_pct(summary.hit1, summary.total)} | {_pct(summary.hit5, summary.total)} | "
            f"{_pct(summary.unsound_requests, summary.total)} | {summary.unsound_answers} | {summary.errors} |"
        )
    lines += ["", "Routed, by language and intent:", "", "| group | requests | hit@1 | hit@5 | unsound |",
              "|---|---:|---:|---:|---:|"]  # fmt: skip
    for label, groups in (("lang", main.by_lang), ("intent", main.by_intent)):
        for key, (n, hit1, hit5, bad) in groups.items():
            lines.append(f"| {label} {key} | {n} | {_pct(hit1, n)} | {_pct(hit5, n)} | {_pct(bad, n)} |")
    lines += ["", "Unsound answers in the top 5 by rule (routed):", "", "| rule | answers | what it means |",
              "|---|---:|---|"]  # fmt: skip
    for rule, number in main.by_rule.items():
        lines.append(f"| {rule} | {number} | {judged.RULES[rule]} |")
    worst = sorted((o for o in routed if not o.hit1 or o.unsound), key=lambda o: (-len(o.unsound), o.hit1))
    lines += ["", f"The first {min(failures, len(worst))} failures (routed):", "", "```"]
    for outcome in worst[:failures]:
        lines.append(judged.describe(outcome))
    lines += ["```", ""]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="accepted for benchmarks.run; the set is small")
    parser.add_argument("--parser", choices=("rules", "default"), default="default")
    parser.add_argument("--failures", type=int, default=10)
    args = parser.parse_args(argv)
    print(run(args.parser, args.failures))


if __name__ == "__main__":
    main()
