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


# Measured on this set (1273 requests) with the parser at commit ddb66aa, this pass's start (before the sixteenth
# to eighteenth batches, the GGUF model's fills narrowed to tasks and this pass's rules): (rules, hybrid). Earlier
# passes, each on its own set: the thirteenth to fifteenth batches, the intent model against a rule's cue in a post
# and tasks from the asking sentences went from 0.644/0.638 to 0.653/0.647 on the test split of 486 English requests
# (974 in all); the twelfth batch and the rules for program output and builds asked in new words from 0.644 to 0.646
# (384; 782 in all); the tenth and eleventh batches and the rules for links and titles from 0.665 to 0.668 (345; 715
# in all); the intent classifier and the eighth and ninth batches from 0.637/0.633 to 0.669/0.665 (296; 583 in all),
# the fifth to seventh from 0.663/0.657 to 0.683/0.678 on the test split of 237 requests (477 in all), the fourth
# from 0.668/0.664 to 0.684/0.681 (292), the third from 0.661/0.658 to 0.668/0.664 (207), the first from
# 0.495/0.455 at commit 551bbca (150).
BEFORE: dict[str, dict[str, tuple[float, float]]] = {
    "test": {
        "memory_gb": (0.822, 0.822), "memory_kind": (0.859, 0.859), "ram_gb": (0.645, 0.645),
        "commercial": (0.963, 0.963), "licenses": (0.400, 0.400), "families": (0.149, 0.149),
        "params_min_b": (0.617, 0.617), "params_max_b": (0.553, 0.553), "min_context": (0.316, 0.316),
        "formats": (0.894, 0.894), "quants": (0.604, 0.604), "tasks": (0.604, 0.573), "languages": (0.829, 0.829),
        "uncensored": (0.706, 0.632), "base_model": (0.598, 0.597), "sort": (0.642, 0.642), "intent": (0.684, 0.684),
        "macro": (0.640, 0.634),
    },
    "dev": {"macro": (0.775, 0.770)},
    "dev-ru": {"macro": (0.731, 0.672)},
    "test-ru": {"macro": (0.608, 0.538)},
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
        "after about 150 more searches); 27 more after about 270 searches written as whole Russian sentences, from 22 "
        "repos of Russian projects (half of them about speech, image or OCR models). No request was "
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
        "Macro F1 over the 17 keys (before: commit ddb66aa, the parser at this pass's start, before the sixteenth "
        "to eighteenth batches, the GGUF model's fills narrowed to tasks and this pass's rules, on the same "
        f"{len(rows)} "
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
    "0.490 with this pass's rules) and 0.714 on its 7 Russian; then 0.641 on the thirteenth's 64 English (agent, "
    "chat front-end, vendor and server trackers), 0.611 on the fourteenth's 64 (runner, app and model-vendor "
    "trackers; 0.619 with this pass's rules written before it arrived, intent 0.578 to 0.656) and 0.696 on the "
    "fifteenth's 64 (RAG, plugin, hardware and quantization trackers; 0.691 with this pass's rules: reading the task "
    "from the asking sentences cost recall there, while the rules written after the fourteenth batch gained 0.005). "
    "This pass, the parser at its start against today's: 0.626 and 0.626 on the sixteenth batch's 64 English "
    "(model vendors, editor plugins, home and note apps; 0.596 with the rules at the time, until a change it showed "
    "was narrowed) and 0.524 and 0.524 on its 27 Russian; 0.614 and 0.665 on the seventeenth's 56 from model "
    "vendors, quantizers and runtimes; 0.678 and 0.679 on its 56 from chat apps and agents (0.621 before a fix it "
    "showed: a SaaS named is no commercial need); 0.684 and 0.687 on the eighteenth's 48 from RAG, agent and "
    "fine-tuning frameworks; 0.598 and 0.539 on its 48 from phone, game and translation apps (one family read where "
    "the batch states none costs 0.059 there: a key with no positive label scores 1 or 0). "
    "The GGUF model (requests up to 120 characters) now fills tasks only, and a task only when its word stands "
    "outside the models named: its commercial, uncensored and base-model fills were all wrong on the real dev "
    "split once the rules read them (5 uncensored invented, base models taken from what was compared), so the hybrid "
    "now equals the rules on the English splits (it was 0.006 below). "
    "Intent (0.45-0.55 on most unseen batches) and base_model are the keys that generalise worst, so intent is also "
    "learned: a softmax regression over word and character n-grams (recommender/intent_model.py, trained on the dev "
    "split, the judged requests and the keyword-style labelled ones: make train-intent). It answers when the rules "
    "find no cue, when it is sure (0.35, chosen on the eighth and ninth batches while unseen: intent 0.457 to 0.571 "
    "there; 0.5 for a post that names or means no model). In a post (several lines, or over 200 characters) it also "
    "answers against a rule's cue when it is at least 0.4 sure, a threshold chosen on the thirteenth batch while it "
    "was unseen (intent 0.453 to 0.516 there); a line of needs keeps the rules' reading, and so does a title that "
    "names a model. On its own (measured by hand, not by make bench) the classifier reads intent better than the "
    "rules' cues on every unseen set (0.687 "
    "against 0.638 exact on the test split before this pass, 0.578 against 0.453 on the thirteenth batch): the cues "
    "were tuned on dev, where cross-validation hid that. A classifier over the bundled sentence embeddings "
    "(all-MiniLM-L6-v2, logistic regression) reads intent better still (test 0.703-0.708 against 0.659 inside the "
    "parser, dev cross-validation +0.005 macro), but the embedder alone takes 505 MB peak RSS in a process of "
    "its own (measured once by hand), over the 500 MB budget, so it was measured and left out. Keys with few "
    "positive labels in the test "
    "split (licenses, min_context, ram_gb, uncensored) swing the macro by up to 0.04 each; one licence read on the "
    "one dev request that states one is why the dev figure before this pass is 0.72."
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
