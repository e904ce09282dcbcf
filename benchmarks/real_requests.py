"""Parser figures on real requests (issue 12): tests/fixtures/real_requests.jsonl, hand-labelled requests people
wrote in public issue trackers, split once into dev (for tuning) and test (reported). Per-key precision, recall
and F1 for the rules alone and for the hybrid, English and Russian apart, and the macro F1 over the keys.

    python -m benchmarks.real_requests                     # the BENCHMARKS.md section (make bench runs this)
    python -m benchmarks.real_requests --split test        # per-key tables, rules and hybrid
    python -m benchmarks.real_requests --rules --split dev --misses
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from recommender.filters import KEYS, Filters
from tests.parse_eval import KeyScore, score, table

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests" / "fixtures" / "real_requests.jsonl"


# Measured on this set (155 requests) at commit d8fdff5, before the second pass of issue 12 (line breaks kept as
# sentence ends, list items, GPU/RAM reading, fit and alternatives cues): (rules, hybrid). The first pass started
# from 0.553/0.539 dev and 0.495/0.455 test at commit 551bbca (150 requests).
BEFORE: dict[str, dict[str, tuple[float, float]]] = {
    "dev": {
        "memory_gb": (0.933, 0.933), "memory_kind": (0.939, 0.939), "ram_gb": (0.727, 0.727), "commercial": (1.0, 1.0),
        "licenses": (1.0, 1.0), "families": (0.5, 0.5), "params_min_b": (0.87, 0.87), "params_max_b": (0.8, 0.8),
        "min_context": (1.0, 1.0), "formats": (1.0, 1.0), "quants": (0.846, 0.846), "tasks": (0.783, 0.766),
        "languages": (1.0, 1.0), "uncensored": (1.0, 1.0), "base_model": (0.791, 0.791), "sort": (0.857, 0.857),
        "intent": (0.855, 0.855), "macro": (0.877, 0.876),
    },
    "test": {
        "memory_gb": (0.844, 0.844), "memory_kind": (0.826, 0.826), "ram_gb": (0.462, 0.462), "commercial": (1.0, 1.0),
        "licenses": (0.0, 0.0), "families": (0.556, 0.556), "params_min_b": (0.545, 0.545),
        "params_max_b": (0.476, 0.476), "min_context": (0.0, 0.0), "formats": (0.788, 0.788), "quants": (0.667, 0.667),
        "tasks": (0.667, 0.64), "languages": (0.947, 0.947), "uncensored": (0.667, 0.667), "base_model": (0.516, 0.516),
        "sort": (0.571, 0.571), "intent": (0.722, 0.722), "macro": (0.603, 0.602),
    },
}  # fmt: skip


def real(split: str | None = "test", lang: str | None = None) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in REAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if (split is None or r["split"] == split) and (lang is None or r["lang"] == lang)]


def macro(scores: Mapping[str, KeyScore]) -> float:
    return sum(entry.f1 for entry in scores.values()) / len(scores)


def run(parse: Callable[[str], Filters], split: str, lang: str) -> tuple[dict[str, KeyScore], list[Any]]:
    return score(real(split, lang), parse)


def markdown(parsers: Mapping[str, Any]) -> str:
    """The BENCHMARKS.md section: per-key F1 on the test split before and after, macro F1 per split and language."""
    rows = real(None)
    lines = [
        "## Real requests (issue 12: macro F1 over the keys ≥ 0.90 on the real test split, EN and RU; a test fails "
        "under 0.88)",
        "",
        f"{len(rows)} requests people wrote in public issue trackers (ollama, llama.cpp, LM Studio, text-generation-"
        "webui, gpt4all, koboldcpp, exllama, model repos...), in tests/fixtures/real_requests.jsonl with their source "
        "addresses, hand-labelled to docs/parse-contract.md (every key, `intent` and `ram_gb` included), split once "
        f"by a hash of the source: {sum(r['split'] == 'dev' for r in rows)} dev (the rules were tuned on their "
        f"misses), {sum(r['split'] == 'test' for r in rows)} test (reported, never tuned on). All English: the "
        "search corpora hold no Russian model-choice request. Searched (second pass, issue and page corpora): "
        '"какую модель выбрать для видеокарты 12 гб", "посоветуйте llm для 16 гб озу", "какую нейросеть '
        'запустить локально", "ollama какая модель лучше для слабого компьютера", "llama.cpp видеокарта хватит '
        'ли памяти", "подскажите какую модель использовать, у меня видеокарта", "saiga gguf какую квантизацию '
        'выбрать", "Vikhr ... сколько нужно памяти", "какую модель лучше скачать для русского языка gguf", '
        '"хватит ли 8 гб видеопамяти ... 7b", "LM Studio ... видеопамять", "koboldcpp ... на русском", '
        "habr Q&A, pikabu and r/LocalLLaMA phrasings: the pages are articles and guides (ai-manual.ru, habr, dzen), "
        "the issues are English or about image models; the one Russian LLM issue found asks which of two GPUs a "
        "runtime uses, not which model. No request was written to stand in for a real one, so the Russian figures "
        "stay those of the labelled set above.",
        "",
    ]
    now: dict[str, dict[str, dict[str, KeyScore]]] = {}
    for split in ("dev", "test"):
        for name, parser in parsers.items():
            now.setdefault(split, {})[name], _ = score(real(split, "en"), lambda text, p=parser: p.parse(text).filters)
    lines += [
        "Macro F1 over the 17 keys, English (before: commit d8fdff5, the same 155 requests; the hybrid sends only "
        "requests of up to 120 characters to the GGUF model, see the note under the tables):",
        "",
        "| split | rules before | hybrid before | rules | hybrid |",
        "|---|---:|---:|---:|---:|",
    ]
    for split in ("dev", "test"):
        old = BEFORE[split]["macro"]
        new = [macro(now[split][name]) for name in parsers]
        lines.append(f"| {split} | {old[0]:.3f} | {old[1]:.3f} | " + " | ".join(f"{value:.3f}" for value in new) + " |")
    lines += [
        "",
        "Per key on the test split (F1; exact = share of requests whose value is exactly right, now):",
        "",
        "| key | rules before | hybrid before | rules | hybrid | exact (rules) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    test = now["test"]
    for key in KEYS:
        old = BEFORE["test"].get(key, (float("nan"), float("nan")))
        values = " | ".join(f"{test[name][key].f1:.3f}" for name in parsers)
        lines.append(f"| {key} | {old[0]:.3f} | {old[1]:.3f} | {values} | {test['rules'][key].accuracy:.3f} |")
    lines += [
        "",
        "The 0.90 target is not reached on the test split (0.659 with the rules; dev 0.892, where the rules were "
        "tuned), so the 0.88 floor in tests/test_intents.py stays xfail with the figure. This pass changed mechanisms, "
        "not phrases: line breaks end sentences (a title, a list item, a pasted line; the text used to be flattened "
        "to one line, so a title ran into the body), the items of a list an asking line introduces ask too, "
        "'GDDR6X' is no RAM speed and 'RTX 3060' never one, a RAM word right before a size makes it RAM ('DDR4 "
        "64GB') and one after a '+' does not, 'multiple 4090s' states no budget, fit is read from deploy/serve/host "
        "and from the name between 'run' and the hardware ('run r1 on a 4090'), and 'use other models? Gemma is "
        "dumb' asks for alternatives. Lowest test keys (per key below): `base_model`, `intent`, `families` (down "
        "from 0.556 to 0.375 in this pass; "
        "the test texts were not read to find out why, to keep the split unseen) and keys labelled on one or two test "
        "requests (licenses, sort, uncensored, ram_gb), where one miss moves F1 by 0.3-1.0; on dev the remaining "
        "misses are tasks read from story sentences, fit versus recommend in questions that name no model, and "
        "names without a digit. A check on dev of moving the task words to the asking sentences only lost recall "
        "(tasks F1 0.783 to 0.700), so tasks are still read anywhere, as the contract says. The hybrid: on the real "
        "dev requests the GGUF model (trained on one-line requests) never beat the rules (macro F1 0.878 rules; "
        "model on requests up to 120 characters 0.877, 300 0.855, 600 0.844 fed the asking sentences, "
        "`parse.request_sentences`), so its limit stays 120 characters (`ParserOptions.model_max_request`) and "
        "nothing supports letting it decide contested keys; retraining the adapter on real-looking data was not done.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    cli = argparse.ArgumentParser()
    cli.add_argument("--split", default=None, help="print the tables of this split (default: the Markdown section)")
    cli.add_argument("--rules", action="store_true", help="the rules alone")
    cli.add_argument("--misses", action="store_true")
    cli.add_argument("--markdown", action="store_true", help="print the BENCHMARKS.md section")
    cli.add_argument("--quick", action="store_true", help="(make bench passes it; the set is small anyway)")
    args = cli.parse_args()
    from recommender.parse import ParserOptions, RequestParser

    parsers = {"rules": RequestParser(ParserOptions(use_model=False))}
    if not args.rules:
        parsers["hybrid"] = RequestParser(ParserOptions(models_dir=Path(tempfile.gettempdir()) / "sommelier-models"))
    if args.markdown or (args.split is None and not args.misses):
        print(markdown(parsers))
        return
    args.split = args.split or "test"
    for name, parser in parsers.items():
        for lang in ("en", "ru"):
            rows = real(args.split, lang)
            if not rows:
                print(f"\n{name} {lang}: no {args.split} requests")
                continue
            scores, misses = score(rows, lambda text, p=parser: p.parse(text).filters)
            head = f"{name} {lang} ({len(rows)} {args.split} requests)"
            print(f"\n{head}: macro F1 over {len(KEYS)} keys {macro(scores):.3f}")
            print("\n".join(table(scores)))
            if args.misses:
                for text, key, want, got in misses:
                    print(f"  {key}: want {want!r} got {got!r} :: {text[:90]!r}")


if __name__ == "__main__":
    main()
