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
import math
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from recommender.filters import KEYS, Filters
from recommender.parse import MODEL_MAX_REQUEST
from tests.parse_eval import KeyScore, label_items, score, table

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests" / "fixtures" / "real_requests.jsonl"
SECOND = ROOT / "tests" / "fixtures" / "real_requests_second_labels.jsonl"


# Measured on this set (782 requests) with the parser at commit 35c4d89, before the twelfth batch (67 more real
# requests) and this pass's rules for program output, builds asked in new words and what the user runs: (rules,
# hybrid). Earlier passes, each on its own set: the tenth and eleventh batches and the rules for links and titles
# went from 0.665 to 0.668 (rules) on the test split of 345 English requests (715 in all); the intent classifier
# and the eighth and ninth batches from 0.637/0.633 to 0.669/0.665 (296; 583 in all), the fifth
# to seventh went from 0.663/0.657 to 0.683/0.678 on the test split of 237 requests (477 in all), the fourth from
# 0.668/0.664 to 0.684/0.681 (292), the third from 0.661/0.658 to 0.668/0.664 (207), the first from 0.495/0.455 at
# commit 551bbca (150).
BEFORE: dict[str, dict[str, tuple[float, float]]] = {
    "test": {
        "memory_gb": (0.837, 0.837), "memory_kind": (0.871, 0.871), "ram_gb": (0.652, 0.652),
        "commercial": (0.947, 0.947), "licenses": (0.500, 0.500), "families": (0.167, 0.167),
        "params_min_b": (0.600, 0.600), "params_max_b": (0.537, 0.537), "min_context": (0.308, 0.308),
        "formats": (0.883, 0.883), "quants": (0.612, 0.612), "tasks": (0.587, 0.566), "languages": (0.792, 0.792),
        "uncensored": (0.750, 0.706), "base_model": (0.588, 0.586), "sort": (0.679, 0.679), "intent": (0.641, 0.641),
        "macro": (0.644, 0.640),
    },
    "dev": {"macro": (0.818, 0.808)},
    "dev-ru": {"macro": (0.849, 0.791)},
    "test-ru": {"macro": (0.591, 0.527)},
}  # fmt: skip


def _figure(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.3f}"


def real(split: str | None = "test", lang: str | None = None) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in REAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if (split is None or r["split"] == split) and (lang is None or r["lang"] == lang)]


def second_labels() -> list[dict[str, Any]]:
    """The blind second labelling of test requests: {"source", "expect"} rows."""
    return [json.loads(line) for line in SECOND.read_text(encoding="utf-8").splitlines() if line.strip()]


def agreement() -> dict[str, KeyScore]:
    """How a second labeller, labelling blind, agrees with the first labels (the reference), per key."""
    first = {row["source"]: row["expect"] for row in real(None)}
    scores = {key: KeyScore(key) for key in KEYS}
    for row in second_labels():
        for key in KEYS:
            scores[key].add(label_items(key, first[row["source"]][key]), label_items(key, row["expect"][key]))
    return scores


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
        f"{sum(r['split'] == 'test' for r in rows)} test (reported, never tuned on). Russian: {len(russian)} requests, "
        "all the stored corpora gave after well over 100 searches (issue, page and exact-phrase corpora: 'какую модель "
        "выбрать', 'хватит ли видеопамяти', 'подскажите модель', 'системные требования', saiga/Vikhr/ruGPT/GigaChat "
        "repos, qna.habr, 4pda, pikabu, Telegram and Hugging Face discussion phrasings); the pages are articles and "
        "guides, the forums where Russian users ask are not in the stored material; 19 of them came from the "
        "trackers of Russian LLM projects, clients and bots (rulm, YaLM, GigaChat and YandexGPT clients; the last 7 "
        "after about 150 more searches). No request was "
        "written to stand in for a real one, so the Russian figures below rest on "
        f"{sum(r['split'] == 'dev' for r in russian)} dev and {sum(r['split'] == 'test' for r in russian)} test "
        "requests and the labelled set above remains the Russian measure.",
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
        "Macro F1 over the 17 keys (before: commit 35c4d89, the parser before the twelfth batch and this pass's "
        f"rules for program output, builds asked in new words and what the user runs, on the same {len(rows)} "
        "requests; the hybrid sends the GGUF model "
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
        lines.append(f"| {label} | {count} | {_figure(old[0])} | {_figure(old[1])} | {values} |")
    lines += [
        "",
        "Per key on the English test split (F1; exact = share of requests whose value is exactly right, now):",
        "",
        "| key | rules before | hybrid before | rules | hybrid | exact (rules) | second labeller | rules, same 100 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    test = now["test"]
    second = agreement()
    sources = {row["source"] for row in second_labels()}
    rules = parsers["rules"]
    same, _ = score([r for r in real("test", "en") if r["source"] in sources], lambda text: rules.parse(text).filters)
    for key in KEYS:
        old = BEFORE["test"].get(key, (float("nan"), float("nan")))
        values = " | ".join(f"{test[name][key].f1:.3f}" for name in parsers)
        lines.append(
            f"| {key} | {_figure(old[0])} | {_figure(old[1])} | {values} | {test['rules'][key].accuracy:.3f} "
            f"| {second[key].f1:.3f} | {same[key].f1:.3f} |"
        )
    lines.append(
        f"| **macro** | {_figure(BEFORE['test']['macro'][0])} | {_figure(BEFORE['test']['macro'][1])} | "
        + " | ".join(f"{macro(test[name]):.3f}" for name in parsers)
        + f" | | **{macro(second):.3f}** | {macro(same):.3f} |"
    )
    rules_test, rules_dev = macro(now["test"]["rules"]), macro(now["dev"]["rules"])
    lines += ["", NOTE.format(test=rules_test, dev=rules_dev, second=macro(second), same=macro(same))]
    return "\n".join(lines) + "\n"


NOTE = (
    "The 0.90 target is not reached on the test split ({test:.3f} with the rules; dev {dev:.3f}, where the rules "
    "were tuned), so the 0.88 floor in tests/test_intents.py stays xfail with the figure. For scale: a second "
    "labeller, labelling 100 of the English test requests blind to the contract, agrees with the first labels at "
    "macro F1 {second:.3f} (tests/fixtures/real_requests_second_labels.jsonl; families, sizes and sort are where "
    "two careful readers part: the size of a model the thread is about, a wish stated outside the asking sentences, "
    "'better' or 'lately' as an order), while the rules score {same:.3f} on the same 100: the target is about what "
    "two careful readers reach, and the gap is the parser's, not the labels'. Each new batch was measured before "
    "any tuning on it: the rules scored 0.589 on the fifth batch's 56 English requests, 0.718 on the sixth batch's "
    "72, 0.803 on the seventh's 49 (0.596 on the fourth's 81), 0.434 on the eighth and ninth batches' 105 (app "
    "and model-vendor trackers, nearly half of them asking for a build of a named model in new words: 'pls Wizard "
    "Uncensored', 'need mixtral offload for X', a Hub link as the title); with the intent classifier, 0.698 on "
    "the tenth's 60 English and 0.745 on its 12 Russian (Russian LLM projects), 0.765 on the eleventh's 60 "
    "(0.748 with the rules of the pass before: the rules generalise by a point or two per pass, the dev figure "
    "moves more), and 0.569 on the twelfth's 60 English (coding-assistant, editor and engine trackers: half of "
    "them ask for a build of a named model, many for hosted or non-LLM models; its test half went from 0.479 to "
    "0.490 with this pass's rules) and 0.714 on its 7 Russian. The test split fell from 0.668 to 0.644 as the "
    "twelfth batch's harder half joined it, not by any change of the parser (the parser before this pass scores "
    "0.644 on the same 782). Intent (0.45-0.55 on every unseen batch) "
    "and base_model are the keys that generalise worst, so intent is now also learned: a softmax regression over "
    "word and character n-grams (recommender/intent_model.py, trained on the dev split, the judged requests and the "
    "keyword-style labelled ones: make train-intent) answers when the rules find no cue, for a question about a model "
    "named or meant, when it is sure. Its threshold (0.35) was chosen on the eighth and ninth batches while they were "
    "unseen, with the classifier trained without them: there it lifted the rules from 0.434 to 0.504 (intent 0.457 "
    "to 0.571, base_model 0.495 to 0.532), on the labelled set it changes nothing. Keys with few positive labels in "
    "the test split (licenses, min_context, ram_gb, uncensored) swing the macro by up to 0.04 each."
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
