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


# Measured on this set (207 requests) at commit 94d1c32, before the third pass of issue 12 (52 more real requests;
# the base model's family no filter, fit/info questions without a named model, each-card and "N VRAM" budgets, CPU
# words, "X is based on Y", quant levels with the size they make): (rules, hybrid). The second pass went from
# 0.877/0.876 dev and 0.603/0.602 test (commit d8fdff5, 155 requests) to 0.892 and 0.659; the first started from
# 0.553/0.539 dev and 0.495/0.455 test at commit 551bbca (150 requests).
BEFORE: dict[str, dict[str, tuple[float, float]]] = {
    "dev": {
        "memory_gb": (0.904, 0.904), "memory_kind": (0.926, 0.926), "ram_gb": (0.833, 0.833), "commercial": (1.0, 1.0),
        "licenses": (1.0, 1.0), "families": (0.5, 0.5), "params_min_b": (0.88, 0.88), "params_max_b": (0.815, 0.815),
        "min_context": (1.0, 1.0), "formats": (0.981, 0.981), "quants": (0.786, 0.786), "tasks": (0.727, 0.714),
        "languages": (1.0, 1.0), "uncensored": (1.0, 1.0), "base_model": (0.764, 0.764), "sort": (0.842, 0.842),
        "intent": (0.798, 0.798), "macro": (0.868, 0.867),
    },
    "test": {
        "memory_gb": (0.864, 0.864), "memory_kind": (0.853, 0.853), "ram_gb": (0.588, 0.588), "commercial": (1.0, 1.0),
        "licenses": (0.0, 0.0), "families": (0.348, 0.348), "params_min_b": (0.593, 0.593),
        "params_max_b": (0.519, 0.519), "min_context": (1.0, 1.0), "formats": (0.829, 0.829), "quants": (0.75, 0.75),
        "tasks": (0.643, 0.581), "languages": (0.952, 0.952), "uncensored": (0.667, 0.667),
        "base_model": (0.455, 0.455), "sort": (0.556, 0.556), "intent": (0.63, 0.63), "macro": (0.661, 0.658),
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
        "Macro F1 over the 17 keys, English (before: commit 94d1c32, the same 207 requests; the hybrid sends only "
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
        "The 0.90 target is not reached on the test split (0.668 with the rules, 0.664 the hybrid; dev 0.925, where "
        "the rules were tuned), so the 0.88 floor in tests/test_intents.py stays xfail with the figure. The third pass "
        "added 52 real requests (issue trackers of ollama, llama.cpp, exllama, gpt4all, LLaVA, model repos; 23 fell "
        "in dev, 29 in test by the source hash) and changed mechanisms read off the dev misses only: the family of "
        "the model a request is about is no filter wherever it is named; a fit question with hardware but no model "
        "named is fit unless it asks which ('should we be able to', 'is it even possible to' are fit cues); 'what GPU "
        "is required for X' and 'can these be used in commercial applications?' ask about a model; the subject of a "
        "licence question is its model ('Is LLaVA 1.5 available ...'); 'X is based on Y' describes X; 'change X to "
        "Q6' asks for a version of X; every family of the vocabulary can name one model (Codestral-22B); '(16GB VRAM "
        "each)' multiplies by the cards, '12 VRAM' is GB, '4060rtx' is the card, 'on my CPU' is RAM; a quant level "
        "followed by the size it makes is no wish; '1B/2B/3B' reads its top size (a possessive repeat ate it). "
        "Test moved little (intent 0.630 to 0.722, params up, base_model and families a little down); the test texts "
        "were not read, to keep the split unseen. Keys with no positive label in the test split (licenses: one false "
        "positive gives F1 0) or one or two (ram_gb, uncensored, sort) swing the macro by up to 0.06 each. On dev the "
        "remaining misses are tasks read from story sentences and product names ('the Assistant'), names without a "
        "digit ('OpenScholar', 'dolphin'), an example model asked about ('run e.g. Phi-2 with Q4_K_M'). The hybrid: "
        "the GGUF model (trained on one-line requests) still never beats the rules on real requests (dev 0.924 "
        "against 0.925), so its limit stays 120 characters (`ParserOptions.model_max_request`); retraining the "
        "adapter on real-looking data was not done.",
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
