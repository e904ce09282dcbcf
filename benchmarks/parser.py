"""Request parser figures for BENCHMARKS.md: model load time, warm parse latency, parser RSS, and per-key
precision / recall / F1 on the labelled set for the rules alone, the hybrid, and each merge choice.

    python -m benchmarks.parser            # full run, ~2 minutes
    python -m benchmarks.parser --quick

The latency and RSS figures come from a child process that loads nothing but the parser.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def child(models_dir: str, rounds: int) -> None:
    """In a fresh process: load the hybrid parser, parse every labelled request `rounds` times, print JSON."""
    import psutil

    from recommender.parse import ParserOptions, RequestParser
    from tests.parse_eval import labelled

    texts = [row["text"] for row in labelled(None)]
    baseline = psutil.Process().memory_info().rss / 2**20
    started = time.perf_counter()
    parser = RequestParser(ParserOptions(models_dir=Path(models_dir)))
    load = time.perf_counter() - started
    if parser.model is None:
        raise SystemExit(f"the parser model did not load: {parser.model_error}")
    parser.parse("warm up: 16GB llama")
    hybrid, rules = [], []
    for _ in range(rounds):
        for text in texts:
            tick = time.perf_counter()
            parser.parse(text)
            hybrid.append(time.perf_counter() - tick)
            tick = time.perf_counter()
            parser.rules.parse(text)
            rules.append(time.perf_counter() - tick)
    print(
        json.dumps(
            {
                "load_s": load,
                "model_load_s": parser.model.load_seconds,
                "hybrid": hybrid,
                "rules": rules,
                "rss_mb": psutil.Process().memory_info().rss / 2**20,
                "baseline_mb": baseline,
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def accuracy(models_dir: Path) -> list[str]:
    from recommender.parse import ParserOptions, RequestParser

    parser = RequestParser(ParserOptions(models_dir=models_dir))
    if parser.model is None:
        return [f"Accuracy: the parser model did not load ({parser.model_error})."]
    lines = [
        "Per key, on two labelled sets in tests/fixtures/parse_requests.jsonl that the adapter never saw: the "
        "`eval` split (180 requests written to the contract, English and Russian; the rules were tuned while "
        "looking at its misses, so the rules' figures there are optimistic) and the `paraphrase` split (30 "
        "requests saying tasks and intent in words no rule listed, written after the rules and the adapter were "
        "done; the rules have since learned the words of its misses, so their figures there are optimistic too). "
        "Lists are scored item by item, scalars as one item; exact = the share of requests whose value is exactly "
        "right.",
        "",
    ]
    for split in ("eval", "paraphrase"):
        lines += split_accuracy(parser, split)
    return lines


def split_accuracy(parser: Any, split: str) -> list[str]:
    from recommender.filters import KEYS
    from recommender.parse import MERGE_POLICY, merge
    from tests.parse_eval import labelled, score, table

    rows = labelled(split)
    cached = {row["text"]: (parser.rules.parse(row["text"]), parser.model.extract(row["text"])) for row in rows}
    rules_scores, _ = score(rows, lambda text: cached[text][0])
    hybrid_scores, _ = score(rows, lambda text: merge(*cached[text], text, MERGE_POLICY))
    model_alone, _ = score(rows, lambda text: cached[text][1])
    lines = [
        f"### `{split}` split ({len(rows)} requests)",
        "",
        "**Rules alone**",
        "",
        *table(rules_scores),
        "",
        "**Rules + model (the default, merge policy below)**",
        "",
        *table(hybrid_scores),
        "",
        "Merge choices for the keys the model reads (F1; `rules`: model ignored, `fill`: the model's value when "
        "the rules found none, `single`: the same for a list only when the model names one value, `union`: "
        "both; `model` is the model alone):",
        "",
        "| key | rules | fill | single | union | model | chosen |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for key in MERGE_POLICY:
        cells = []
        for mode in ("rules", "fill", "single", "union"):
            policy = {**MERGE_POLICY, key: mode}
            key_scores, _ = score(rows, lambda text, p=policy: merge(*cached[text], text, p))  # type: ignore[misc]
            cells.append(f"{key_scores[key].f1:.3f}")
        lines.append(f"| {key} | " + " | ".join(cells) + f" | {model_alone[key].f1:.3f} | {MERGE_POLICY[key]} |")
    labelled_keys = [key for key in KEYS if key in rules_scores]  # the set predates `intent` and `ram_gb`
    macro_rules = statistics.mean(rules_scores[key].f1 for key in labelled_keys)
    macro_hybrid = statistics.mean(hybrid_scores[key].f1 for key in labelled_keys)
    lines += [
        "",
        f"Macro F1 over the {len(labelled_keys)} keys labelled: rules {macro_rules:.3f}, rules + model "
        f"{macro_hybrid:.3f}.",
        "",
    ]
    return lines


def run(quick: bool) -> str:
    lines = ["## Request parsing (issue: parse p50 ≤ 300 ms, p95 ≤ 1 s warm; load ≤ 2 s; RSS ≤ 500 MB)", ""]
    manifest = ROOT / "recommender" / "data" / "parser-lora.json"
    if manifest.exists():
        info = json.loads(manifest.read_text())
        lines += [
            f"Adapter: recommender/data/parser-lora.gguf, training data version {info.get('data_version')} "
            f"(hash {info.get('data_hash')}), {info.get('examples')} examples ({info.get('labelled_train')} "
            f"labelled train requests repeated, the rest synthetic), {info.get('steps')} steps of batch "
            f"{info.get('batch')}, LoRA r={info.get('rank')}, loss {info.get('first_loss')} → "
            f"{info.get('last_loss')}, {info.get('seconds')} s of training on 2 cores.",
            "",
        ]
    with tempfile.TemporaryDirectory() as models_dir:
        output = subprocess.run(
            [sys.executable, "-m", "benchmarks.parser", "--child", models_dir, "--rounds", "1" if quick else "3"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        figures: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
        hybrid, rules = figures["hybrid"], figures["rules"]
        lines += [
            f"Warm latency over {len(hybrid)} parses of the labelled requests (bundled Gemma 3 270M Q4_K_M + "
            "adapter, llama-cpp-python, 2 threads):",
            "",
            "| parser | median | p95 | max | throughput |",
            "|---|---:|---:|---:|---:|",
            f"| rules + model | {statistics.median(hybrid) * 1000:.0f} ms | {percentile(hybrid, 95) * 1000:.0f} ms | "
            f"{max(hybrid) * 1000:.0f} ms | {len(hybrid) / sum(hybrid):.1f} requests/s |",
            f"| rules alone | {statistics.median(rules) * 1000:.2f} ms | {percentile(rules, 95) * 1000:.2f} ms | "
            f"{max(rules) * 1000:.2f} ms | {len(rules) / sum(rules):.0f} requests/s |",
            "",
            f"Model load {figures['model_load_s']:.2f} s (parser ready, model assembled from its package on first "
            f"use, in {figures['load_s']:.2f} s); process RSS with the parser loaded {figures['rss_mb']:.0f} MB "
            f"({figures['rss_mb'] - figures['baseline_mb']:.0f} MB for the parser; peak {figures['peak_mb']:.0f} MB).",
            "",
        ]
        lines += accuracy(Path(models_dir))
        lines += known_tokens(Path(models_dir))
    return "\n".join(lines) + "\n"


def known_tokens(models_dir: Path) -> list[str]:
    """The model decoding every labelled request with and without the trie of trained outputs (tokens with a
    single possible successor appended without a forward pass): passes, time, and macro F1 per split."""
    from recommender.filters import KEYS
    from recommender.model_parser import ModelOptions, ModelParser, decode
    from recommender.parse import MERGE_POLICY, ParserOptions, RequestParser, bundled_model, merge
    from tests.parse_eval import labelled, score

    rules = RequestParser(ParserOptions(use_model=False)).rules
    rows = labelled(None)
    lines = [
        "### Forward passes saved by the trie of trained outputs",
        "",
        f"The model alone on all {len(rows)} labelled requests, one after the other in one process; macro F1 is "
        "rules + model (merge policy above) over the 15 keys.",
        "",
        "| decoding | passes a request | mean | median | p95 | macro F1 eval | macro F1 paraphrase |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    path = bundled_model(models_dir)
    for name, skip in (
        ("every token from a pass (stops when the object closes)", False),
        ("known tokens appended (default)", True),
    ):
        model = ModelParser(ModelOptions(model_path=path, skip_known_tokens=skip))
        model.raw("warm up: 16GB llama")
        model.passes = 0
        outputs: dict[str, str] = {}
        times = []
        for row in rows:
            tick = time.perf_counter()
            outputs[row["text"]] = model.raw(row["text"])
            times.append(time.perf_counter() - tick)
        f1 = {}
        for split in ("eval", "paraphrase"):
            scores, _ = score(
                labelled(split),
                lambda text, seen=outputs: merge(rules.parse(text), decode(seen[text]), text, MERGE_POLICY),
            )
            f1[split] = statistics.mean(scores[key].f1 for key in KEYS if key in scores)
        lines.append(
            f"| {name} | {model.passes / len(rows):.2f} | {statistics.mean(times) * 1000:.0f} ms | "
            f"{statistics.median(times) * 1000:.0f} ms | {percentile(times, 95) * 1000:.0f} ms | "
            f"{f1['eval']:.3f} | {f1['paraphrase']:.3f} |"
        )
    return [*lines, ""]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.rounds)
        return
    print(run(args.quick))


if __name__ == "__main__":
    main()
