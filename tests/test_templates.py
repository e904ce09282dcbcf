"""The synthetic request generator: deterministic, labelled per docs/parse-contract.md, covering every label."""

from __future__ import annotations

import collections
import json
import random
import re
import tomllib
from typing import Any

import pytest

from parser_training import templates
from parser_training.templates import Ctx, load_hardware

CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
QUANT_RE = re.compile(r"^(?:I?Q\d(?:_[A-Z0-9]{1,3}){0,2}|\dBIT|F16|BF16)$")
VENDOR_WORDS = {"nvidia", "geforce", "rtx", "gtx", "radeon", "rx", "amd", "intel", "arc", "tesla", "instinct", "gpu"}
COUNTS = {"two": 2, "three": 3, "four": 4, "eight": 8, "dual": 2, "две": 2}


@pytest.fixture(scope="module")
def items() -> list[dict[str, Any]]:
    return templates.generate(3000, seed=0)


@pytest.fixture(scope="module")
def hardware() -> templates.Hardware:
    return load_hardware()


def ctx_for(seed: int, lang: str, hardware: templates.Hardware, typos: bool = False) -> Ctx:
    return Ctx(random.Random(seed), lang, typos, hardware)


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def outside_base_model(item: dict[str, Any]) -> str:
    """The text without the base model's name, lower case (names inside it label nothing else)."""
    expect = item["expect"]
    assert isinstance(expect, dict)
    text = str(item["text"])
    if expect["base_model"]:
        text = text.replace(str(expect["base_model"]), " ")
    return text.lower()


def gpu_key(name: str) -> str:
    """Table key of a GPU as written: vendor words out, "4060ti" → "4060 ti"."""
    words = [word for word in name.lower().replace("generation", "").split() if word not in VENDOR_WORDS]
    text = re.sub(r"(\d)(ti)\b", r"\1 \2", " ".join(words))
    return text.removeprefix("pro ") if re.match(r"pro w\d", text) else text


# ---------------------------------------------------------------- determinism


def test_same_seed_gives_the_same_requests() -> None:
    assert templates.generate(300, seed=5) == templates.generate(300, seed=5)


def test_different_seeds_give_different_requests() -> None:
    assert templates.generate(300, seed=5) != templates.generate(300, seed=6)


def test_a_longer_run_starts_with_the_shorter_one() -> None:
    assert templates.generate(100, seed=3) == templates.generate(200, seed=3)[:100]


# ---------------------------------------------------------------- shape and types


def test_every_item_has_the_contract_keys_with_their_types(items: list[dict[str, Any]]) -> None:
    for item in items:
        assert set(item) == {"text", "expect"}
        assert isinstance(item["text"], str) and item["text"].strip() == item["text"] and item["text"]
        expect = item["expect"]
        assert isinstance(expect, dict)
        assert tuple(expect) == templates.KEYS and len(templates.KEYS) == 15
        for key in ("memory_gb", "params_min_b", "params_max_b"):
            assert expect[key] is None or (is_number(expect[key]) and expect[key] > 0), (key, item)
        assert expect["min_context"] is None or (type(expect["min_context"]) is int and expect["min_context"] > 0)
        assert expect["memory_kind"] in (None, "ram", "vram", "unified")
        assert expect["sort"] in (None, "best", "popular", "trending", "newest", "smallest", "fastest")
        assert expect["commercial"] in (None, True)
        assert expect["uncensored"] in (None, True)
        assert expect["base_model"] is None or (isinstance(expect["base_model"], str) and expect["base_model"])
        for key in templates.LIST_KEYS:
            values = expect[key]
            assert isinstance(values, list) and all(isinstance(value, str) for value in values), (key, item)
            assert len(values) == len(set(values)), (key, item)
        assert set(expect["tasks"]) <= set(templates.TASKS)
        assert set(expect["formats"]) <= {"gguf", "gptq", "awq", "exl2", "mlx", "safetensors"}
        assert set(expect["families"]) <= set(templates.FAMILIES)
        assert set(expect["licenses"]) <= set(templates.LICENSES)
        assert all(QUANT_RE.match(quant) for quant in expect["quants"]), item
        assert all(re.fullmatch(r"[a-z]{2}", code) for code in expect["languages"]), item
        if expect["params_min_b"] is not None and expect["params_max_b"] is not None:
            assert expect["params_min_b"] <= expect["params_max_b"], item


def test_the_vocabularies_match_the_contract() -> None:
    from index.derive import TASKS

    assert templates.TASKS == TASKS
    assert templates.SORTS == ("best", "popular", "trending", "newest", "smallest", "fastest")
    assert templates.MEMORY_KINDS == ("ram", "vram", "unified")
    assert set(templates.TASK_WORDS) == set(TASKS)


# ---------------------------------------------------------------- coverage


def test_every_label_value_appears_many_times(items: list[dict[str, Any]]) -> None:
    tasks: collections.Counter[str] = collections.Counter()
    sorts: collections.Counter[str] = collections.Counter()
    kinds: collections.Counter[str] = collections.Counter()
    stated: collections.Counter[str] = collections.Counter()
    for item in items:
        expect = item["expect"]
        assert isinstance(expect, dict)
        tasks.update(expect["tasks"])
        sorts[expect["sort"]] += 1
        kinds[expect["memory_kind"]] += 1
        stated.update(key for key, value in expect.items() if value not in (None, []))
    assert all(tasks[task] >= 40 for task in templates.TASKS), tasks
    assert all(sorts[sort] >= 40 for sort in templates.SORTS), sorts
    assert all(kinds[kind] >= 60 for kind in templates.MEMORY_KINDS), kinds
    assert all(stated[key] >= 150 for key in templates.KEYS), stated


def test_both_languages_and_empty_requests_appear(items: list[dict[str, Any]]) -> None:
    russian = sum(bool(CYRILLIC.search(str(item["text"]))) for item in items)
    empty = sum(all(value in (None, []) for value in item["expect"].values()) for item in items)
    assert 0.35 * len(items) <= russian <= 0.52 * len(items)
    assert 0.05 * len(items) <= empty <= 0.11 * len(items)


def test_texts_range_from_keywords_to_long_posts(items: list[dict[str, Any]]) -> None:
    lengths = [len(str(item["text"]).split()) for item in items]
    assert min(lengths) <= 3
    assert sum(length >= 30 for length in lengths) >= 100


def test_there_are_many_frames_each_with_one_request_slot() -> None:
    assert len(templates.EN_FRAMES) >= 40 and len(templates.RU_FRAMES) >= 35
    for frame in templates.EN_FRAMES + templates.RU_FRAMES:
        assert sum(frame.count(placeholder) for placeholder in templates.CORE_PLACEHOLDERS) == 1, frame
    assert not any(CYRILLIC.search(frame) for frame in templates.EN_FRAMES)


def test_frames_noise_and_decoys_carry_no_label_words() -> None:
    triggers = re.compile(
        r"\b(?:best|top|new|newest|latest|recent|popular|trending|hot|fast\w*|small\w*|tin\w+|light\w*|chat\w*|code|"
        r"coding|python|commercial|company|business|startup|work|ram|vram|gpu|mac\w*|cpu|rag|pdf\w*|docs?|math|logic|"
        r"think\w*|stor(?:y|ies)|images?|law|legal|agents?|tools?|uncensored|nsfw|(?<!I'd )like|similar|"
        r"instead|english|russian|"
        r"лучш\w*|топ\w*|нов\w*|свеж\w*|быстр\w*|маленьк\w*|чат|код\w*|компани\w*|бизнес\w*|работ\w*|видео\w*|оператив\w*|"
        r"озу|мак\w*|документ\w*|картин\w*|перевод\w*|русск\w*|цензур\w*)\b",
        re.IGNORECASE,
    )
    decoys = [re.sub(r"non-commercial|некоммерческ\w*", " ", text, flags=re.I) for text, _ in templates.DECOYS["en"]]
    decoys += [re.sub(r"некоммерческ\w*", " ", text, flags=re.I) for text, _ in templates.DECOYS["ru"]]
    words = [*templates.EN_FRAMES, *templates.RU_FRAMES, *templates.NOISE["en"], *templates.NOISE["ru"], *decoys]
    for text in words:
        assert not triggers.search(re.sub(r"\{\w+\}", " ", text)), text


# ---------------------------------------------------------------- labels by construction


def test_base_model_is_the_name_as_written(items: list[dict[str, Any]]) -> None:
    for item in items:
        name = item["expect"]["base_model"]
        if name:
            assert name in str(item["text"])
            assert name == name.strip(" \"'`«».,?!")


def test_quant_levels_are_the_upper_case_of_the_text(items: list[dict[str, Any]]) -> None:
    for item in items:
        for quant in item["expect"]["quants"]:
            if quant.startswith(("Q", "IQ")):
                assert quant.lower() in str(item["text"]).lower()


def test_runtimes_name_their_format(items: list[dict[str, Any]]) -> None:
    for item in items:
        text, formats = outside_base_model(item), item["expect"]["formats"]
        if re.search(r"ollama|llama\.cpp|lm studio", text):
            assert "gguf" in formats, item
        if "exllama" in text:
            assert "exl2" in formats, item


def test_family_variants_are_normalized(items: list[dict[str, Any]]) -> None:
    variants = {
        "codestral": "mistral",
        "devstral": "mistral",
        "ministral": "mistral",
        "vicuna": "llama",
        "wizardlm": "llama",
        "codellama": "llama",
        "qwq": "qwen",
        "квен": "qwen",
        "лама": "llama",
        "мистраль": "mistral",
    }
    seen = set()
    for item in items:
        text = outside_base_model(item)
        for word, family in variants.items():
            if re.search(rf"(?<!\w){word}", text):
                assert family in item["expect"]["families"], item
                seen.add(word)
    assert seen == set(variants)


def test_a_family_name_that_says_code_comes_with_the_code_task_first(items: list[dict[str, Any]]) -> None:
    count = 0
    for item in items:
        text = outside_base_model(item)
        if any(name.lower() in text for name in templates.CODE_NAMES):
            assert item["expect"]["tasks"][0] == "code", item
            count += 1
    assert count >= 10


def test_erp_is_roleplay_and_uncensored(items: list[dict[str, Any]]) -> None:
    count = 0
    for item in items:
        if re.search(r"\bERP\b", str(item["text"]), re.IGNORECASE):
            assert "roleplay" in item["expect"]["tasks"] and item["expect"]["uncensored"] is True
            count += 1
    assert count >= 5


def test_unified_memory_is_said_with_apple_words(items: list[dict[str, Any]]) -> None:
    apple = re.compile(r"mac|apple|\bm[1-5]\b|unified|унифиц|мак", re.IGNORECASE)
    for item in items:
        if item["expect"]["memory_kind"] == "unified":
            assert apple.search(str(item["text"])), item


def test_non_commercial_decoys_do_not_set_commercial(items: list[dict[str, Any]]) -> None:
    for item in items:
        text = str(item["text"]).lower()
        if "non-commercial use is fine" in text or "некоммерческое использование" in text:
            assert item["expect"]["commercial"] is None, item
            assert item["expect"]["licenses"] == [], item


# ---------------------------------------------------------------- slot fillers


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_gpu_named_without_a_size_gets_its_table_memory(lang: str, hardware: templates.Hardware) -> None:
    for seed in range(400):
        piece = templates.gpu_slot(ctx_for(seed, lang, hardware))
        key = gpu_key(piece.keyword)
        assert key in hardware.vram, piece.keyword
        assert piece.labels == {"memory_gb": hardware.vram[key], "memory_kind": "vram"}


def test_a_stated_size_wins_over_the_table(hardware: templates.Hardware) -> None:
    sizes = set()
    for seed in range(400):
        piece = templates.sized_gpu_slot(ctx_for(seed, ("en", "ru")[seed % 2], hardware))
        stated = re.search(r"(\d+)\s*(?:gb|g\b|gigs|gigabytes|гб|гиг|гигабайт)", piece.keyword, re.IGNORECASE)
        assert stated, piece.keyword
        assert piece.labels["memory_gb"] == int(stated.group(1))
        sizes.add((gpu_key(re.split(r"\s(?:with|на|с)\s|\s\(|\s\d", piece.keyword)[0]), int(stated.group(1))))
    assert ("4060 ti", 16) in sizes and ("3060", 12) in sizes


def test_several_gpus_add_up(hardware: templates.Hardware) -> None:
    for seed in range(300):
        piece = templates.multi_gpu_slot(ctx_for(seed, ("en", "ru")[seed % 2], hardware))
        match = re.match(r"(\d+)\s*x\s*(.+)|(\w+) (.+?)s?$", piece.keyword)
        assert match, piece.keyword
        count = int(match.group(1)) if match.group(1) else COUNTS[match.group(3)]
        name = match.group(2) or match.group(4)
        assert piece.labels["memory_gb"] == count * hardware.vram[gpu_key(name)], piece.keyword


def test_macs_are_unified_and_sized_only_when_stated(hardware: templates.Hardware) -> None:
    for seed in range(200):
        lang = ("en", "ru")[seed % 2]
        unsized = templates.mac_slot(ctx_for(seed, lang, hardware), sized=False)
        assert unsized.labels == {"memory_gb": None, "memory_kind": "unified"}
        assert not re.search(r"\d+\s*(?:gb|гб|гиг)", unsized.keyword, re.IGNORECASE)
        sized = templates.mac_slot(ctx_for(seed, lang, hardware), sized=True)
        assert sized.labels["memory_kind"] == "unified"
        assert re.search(
            rf"\b{sized.labels['memory_gb']}\s*(?:gb|g\b|gigs|gigabytes|гб|гиг|ГБ)", sized.keyword, re.IGNORECASE
        )


def test_cpu_only_is_ram_without_a_size(hardware: templates.Hardware) -> None:
    for seed in range(20):
        piece = templates.cpu_only_slot(ctx_for(seed, ("en", "ru")[seed % 2], hardware))
        assert piece.labels == {"memory_gb": None, "memory_kind": "ram"}


def test_memory_text_units() -> None:
    ctx = ctx_for(0, "en", load_hardware())
    assert {templates.gb_text(ctx, 0.5) for _ in range(30)} <= {"512MB", "512 MB", "512mb"}
    assert {templates.gb_text(ctx, 1024) for _ in range(30)} <= {"1TB", "1 TB", "1tb"}
    assert templates.ru_plural(2, "гиг", "гига", "гигов") == "гига"
    assert templates.ru_plural(16, "гиг", "гига", "гигов") == "гигов"
    assert templates.ru_plural(21, "гиг", "гига", "гигов") == "гиг"


def test_context_sizes(hardware: templates.Hardware) -> None:
    for seed in range(300):
        piece = templates.context_slot(ctx_for(seed, ("en", "ru")[seed % 2], hardware))
        tokens = piece.labels["min_context"]
        if match := re.search(r"(\d+)[kK]\b", piece.keyword):
            assert tokens == int(match.group(1)) * 1024
        elif "1M" in piece.keyword:
            assert tokens == 1048576
        else:
            assert str(tokens) in piece.keyword


def test_parameter_bounds(hardware: templates.Hardware) -> None:
    for seed in range(400):
        piece = templates.params_slot(ctx_for(seed, "en", hardware))
        labels: dict[str, Any] = piece.labels
        low, high, text = labels["params_min_b"], labels["params_max_b"], piece.keyword
        if re.match(r"(?:under|<=|up to|max|no bigger than|at most)\b", text) or text.endswith("or less"):
            assert low is None and high is not None, text
        elif re.match(r"(?:at least|no less than)\b", text) or text.endswith(("+", "or more", "and up")):
            assert low is not None and high is None, text
        else:
            assert low is not None and high is not None, text
        if "M params" in text or "M parameters" in text:
            assert high < 1


def test_quants_are_upper_case(hardware: templates.Hardware) -> None:
    for seed in range(300):
        piece = templates.quant_slot(ctx_for(seed, "en", hardware))
        quants: list[str] = piece.labels["quants"]  # type: ignore[assignment]
        for quant in quants:
            assert quant == quant.upper()
            if quant.endswith("BIT"):
                assert re.search(rf"(?:{quant[0]}-?bit|int{quant[0]}|q{quant[0]}\b)", piece.keyword, re.IGNORECASE)
            elif quant not in ("F16", "BF16"):
                assert quant.lower() in piece.keyword.lower()


def test_licences_named_after_a_family_bring_that_family(hardware: templates.Hardware) -> None:
    for seed in range(200):
        ctx = ctx_for(seed, ("en", "ru")[seed % 2], hardware)
        ids = templates.license_ids(ctx)
        piece = templates.license_slot(ctx, ids)
        assert piece.labels == {"licenses": ids}
        if "llama3" in ids or "gemma" in ids:
            assert len(ids) == 1
            assert re.search(r"licen[cs]e|лицензи", piece.keyword + piece.clause + piece.sentence, re.IGNORECASE)
    family, _ = templates.family_slot(ctx_for(1, "en", hardware), forced="gemma")
    assert family.labels == {"families": ["gemma"]}


def test_translation_between_two_languages_names_both(hardware: templates.Hardware) -> None:
    for seed in range(100):
        part = templates.translation_with_languages(ctx_for(seed, ("en", "ru")[seed % 2], hardware))
        assert part.labels["tasks"] == ["translation"]
        languages = part.labels["languages"]
        assert (
            isinstance(languages, list) and len(set(languages)) == 2 and set(languages) <= set(templates.LANGUAGES_EN)
        )


def test_articles() -> None:
    assert templates.article("RTX 3090") == "an"
    assert templates.article("8b") == "an"
    assert templates.article("16GB") == "a"
    assert templates.article("uncensored") == "an"
    assert templates.article("GGUF") == "a"


def test_misspell_changes_one_letter_at_most() -> None:
    rng = random.Random(0)
    for _ in range(200):
        slip = templates.misspell(rng, "recommend")
        assert abs(len(slip) - len("recommend")) <= 1
        assert slip[0] == "r"
    assert templates.misspell(random.Random(0), "beest") in ("beest", "beset", "beeest", "bees", "beet", "bst", "bet")


def test_typos_leave_slot_words_alone(hardware: templates.Hardware) -> None:
    for seed in range(300):
        ctx = ctx_for(seed, ("en", "ru")[seed % 2], hardware, typos=True)
        pieces = templates.choose_pieces(ctx)
        segs = templates.render(ctx, ctx.pick(templates.FRAMES[ctx.lang]), pieces)
        slipped = templates.add_typos(ctx, segs)
        assert [seg.text for seg in slipped if seg.piece] == [seg.text for seg in segs if seg.piece]


# ---------------------------------------------------------------- the hardware table and the command


def test_the_hardware_table_loads_with_positive_sizes(hardware: templates.Hardware) -> None:
    assert len(hardware.vram) >= 100
    assert all(is_number(size) and size > 0 for size in hardware.vram.values())
    for key in hardware.vram:
        assert key == key.lower().strip() and not set(key.split()) & VENDOR_WORDS, key
    expected = {"3090": 24, "3090 ti": 24, "4060 ti": 8, "3060": 12, "4090": 24, "5090": 32, "7900 xtx": 24}
    expected |= {"a100": 80, "h100": 80, "t4": 16, "p40": 24, "6000 ada": 48, "mi300x": 192, "a770": 16, "b580": 12}
    assert {key: hardware.vram[key] for key in expected} == expected
    assert {"m1", "m1 pro", "m2 max", "m3 ultra", "m4 max"} <= set(hardware.chips)


def test_every_hardware_group_has_a_comment() -> None:
    lines = templates.HARDWARE_FILE.read_text(encoding="utf-8").splitlines()
    vram = lines[lines.index("[vram]") + 1 : lines.index("[unified]")]
    assert vram[0].startswith("#")
    assert sum(line.startswith("#") for line in vram) >= 20
    assert tomllib.loads("\n".join(lines))["unified"]["chips"]


def test_main_prints_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    templates.main(["--count", "5", "--seed", "2"])
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line) for line in lines] == templates.generate(5, seed=2)
