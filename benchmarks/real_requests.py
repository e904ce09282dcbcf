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
from recommender.parse import MODEL_MAX_REQUEST
from tests.parse_eval import KeyScore, score, table

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests" / "fixtures" / "real_requests.jsonl"


# Measured on this set (292 requests, English and Russian apart) at commit 3f6012d, before the fourth pass of issue
# 12 (81 more real requests and 5 Russian ones; short questions about a named model, versions asked for, carried
# licences, per-card memory, laptop cards): (rules, hybrid). The third pass, on its own 207 requests, went from
# 0.868/0.867 dev and 0.661/0.658 test to 0.925/0.924 and 0.668/0.664; the first started from 0.553/0.539 dev and
# 0.495/0.455 test at commit 551bbca (150 requests).
BEFORE: dict[str, dict[str, tuple[float, float]]] = {
    "dev": {
        "memory_gb": (0.908, 0.908), "memory_kind": (0.974, 0.974), "ram_gb": (0.8, 0.8),
        "commercial": (0.952, 0.952), "licenses": (0.0, 0.0), "families": (0.333, 0.333),
        "params_min_b": (0.765, 0.765), "params_max_b": (0.778, 0.778), "min_context": (0.667, 0.667),
        "formats": (0.958, 0.958), "quants": (0.865, 0.865), "tasks": (0.697, 0.676), "languages": (0.8, 0.8),
        "uncensored": (1.0, 1.0), "base_model": (0.713, 0.727), "sort": (0.692, 0.692), "intent": (0.818, 0.818),
        "macro": (0.748, 0.748),
    },
    "test": {
        "memory_gb": (0.85, 0.85), "memory_kind": (0.866, 0.866), "ram_gb": (0.56, 0.56),
        "commercial": (0.963, 0.963), "licenses": (0.0, 0.0), "families": (0.316, 0.316),
        "params_min_b": (0.688, 0.688), "params_max_b": (0.625, 0.625), "min_context": (1.0, 1.0),
        "formats": (0.833, 0.833), "quants": (0.833, 0.833), "tasks": (0.667, 0.6), "languages": (0.788, 0.788),
        "uncensored": (0.727, 0.727), "base_model": (0.429, 0.429), "sort": (0.522, 0.522), "intent": (0.694, 0.694),
        "macro": (0.668, 0.664),
    },
    "dev-ru": {"macro": (0.941, 0.941)},
    "test-ru": {"macro": (0.569, 0.569)},
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
    russian = [r for r in rows if r["lang"] == "ru"]
    lines = [
        "## Real requests (issue 12: macro F1 over the keys ≥ 0.90 on the real test split, EN and RU; a test fails "
        "under 0.88)",
        "",
        f"{len(rows)} requests people wrote in public issue trackers (ollama, llama.cpp, LM Studio, text-generation-"
        "webui, gpt4all, koboldcpp, exllama, vLLM, LocalAI, privateGPT, ComfyUI nodes, model repos of Qwen, DeepSeek, "
        "Mistral, Llama, Yi...), in tests/fixtures/real_requests.jsonl with their source addresses, hand-labelled to "
        "docs/parse-contract.md (every key, `intent` and `ram_gb` included), split once by a hash of the source: "
        f"{sum(r['split'] == 'dev' for r in rows)} dev (the rules were tuned on their misses), "
        f"{sum(r['split'] == 'test' for r in rows)} test (reported, never read). Russian: {len(russian)} requests, "
        "all the issue corpus holds after about 85 searches (issue, page and exact-phrase corpora: 'какую модель "
        "выбрать', 'хватит ли видеопамяти', 'подскажите модель', 'системные требования', saiga/Vikhr/ruGPT/GigaChat "
        "repos, qna.habr, 4pda, pikabu, Telegram and Hugging Face discussion phrasings); the pages are articles and "
        "guides, the forums where Russian users ask are not in the stored material. No request was written to stand "
        "in for a real one, so the Russian figures below rest on 2 dev and 3 test requests and the labelled set above "
        "remains the Russian measure.",
        "",
    ]
    now: dict[str, dict[str, dict[str, KeyScore]]] = {}
    for split in ("dev", "test"):
        for lang in ("en", "ru"):
            for name, parser in parsers.items():
                key = split if lang == "en" else f"{split}-{lang}"
                now.setdefault(key, {})[name], _ = score(
                    real(split, lang), lambda text, p=parser: p.parse(text).filters
                )
    lines += [
        "Macro F1 over the 17 keys (before: commit 3f6012d on the same 292 requests; the hybrid sends the GGUF model "
        f"only requests of up to {MODEL_MAX_REQUEST} characters, see the note under the tables):",
        "",
        "| split | requests | rules before | hybrid before | rules | hybrid |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for key in ("dev", "test", "dev-ru", "test-ru"):
        split, _, lang = key.partition("-")
        old = BEFORE[key]["macro"]
        new = [macro(now[key][name]) for name in parsers]
        count = len(real(split, lang or "en"))
        label = f"{split} ({lang or 'en'})"
        values = " | ".join(f"{value:.3f}" for value in new)
        lines.append(f"| {label} | {count} | {old[0]:.3f} | {old[1]:.3f} | {values} |")
    lines += [
        "",
        "Per key on the English test split (F1; exact = share of requests whose value is exactly right, now):",
        "",
        "| key | rules before | hybrid before | rules | hybrid | exact (rules) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    test = now["test"]
    for key in KEYS:
        old = BEFORE["test"].get(key, (float("nan"), float("nan")))
        values = " | ".join(f"{test[name][key].f1:.3f}" for name in parsers)
        lines.append(f"| {key} | {old[0]:.3f} | {old[1]:.3f} | {values} | {test['rules'][key].accuracy:.3f} |")
    rules_test, rules_dev = macro(now["test"]["rules"]), macro(now["dev"]["rules"])
    lines += ["", NOTE.format(test=rules_test, dev=rules_dev)]
    return "\n".join(lines) + "\n"


NOTE = (
    "The 0.90 target is not reached on the test split ({test:.3f} with the rules; dev {dev:.3f}, where the rules were "
    "tuned), so the 0.88 floor in tests/test_intents.py stays xfail with the figure. The fourth pass added 81 English "
    "requests (45 dev, 36 test by the source hash) and the 5 Russian ones. Before any tuning, the rules scored 0.596 "
    "on the 81 new requests (0.742 on their 36 test ones): the unseen figure the test split already gave. The "
    "mechanisms changed were read off dev misses and off everyday phrasings of the product's own users: a model "
    "named right before the hardware is a fit question without the verb; two models joined by 'or'/'или' are a "
    "comparison (and compare resolves names without a digit, 'Gemma 3 27B', 'Mistral Nemo'); which quant of a "
    "named model and another version of the thread's model ('release the 7B as well', 'available via Ollama', "
    "'gguf версии X', 'дообученные версии X') are derived; 'is X ok to use in a product we sell?' and licences asked "
    "of a named model are model_info, and a licence a released model carries is no filter; names outside the family "
    "vocabulary ('L3-8B-Stheno-v3.2', 'Wizcoder-15B') are read for info and fit questions; 'how many GPUs' states no "
    "budget; cards 'with 48GB memory' and '2 карты по 24 гб' count per card, laptop cards read their laptop memory, "
    "a card's memory followed by the RAM stays the card's; 'the latest version of ollama', 'my best bet', "
    "'llama-cpp-python', 'your great code', 'I read the docs' give no order or task; 25 more languages. The test "
    "split moved from 0.668 to {test:.3f}: keys with no or one positive label in it (licenses: one false positive "
    "gives F1 0; ram_gb, uncensored, sort) swing the macro by up to 0.06 each, and most remaining misses are "
    "model names without a digit or family word, examples given as the model asked about ('run e.g. Phi-2'), "
    "stories read as wishes, and labels two readers could set differently."
)


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
