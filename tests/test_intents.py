"""Issue 12: the parsed intent and what `Sommelier.ask` answers for it, on the catalog synced from the fixture
Hub; the rules on mentioned-versus-wanted and hardware read right; the real-request set's floor."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.real_requests import agreement, macro, real, second_labels
from index.store import Catalog
from recommender.filters import KEYS, LIST_KEYS, Filters
from recommender.parse import ParserOptions, RequestParser, merge, request_sentences
from recommender.rules import _LANGUAGE_STEMS, normalise
from recommender.service import Sommelier
from tests.parse_eval import score


@pytest.fixture(scope="module")
def rules() -> RequestParser:
    return RequestParser(ParserOptions(use_model=False))


@pytest.fixture(scope="module")
def service(home: Path) -> Iterator[Sommelier]:
    with Catalog(home / "catalog.db") as catalog:
        yield Sommelier(catalog, RequestParser(ParserOptions(use_model=False)))


@pytest.mark.parametrize(
    ("text", "intent", "base_model"),
    [
        ("best coding model for 12gb", None, None),
        ("alternatives to Mistral-7B-Instruct-v0.2", "alternatives", "Mistral-7B-Instruct-v0.2"),
        ("quants of Qwen/Qwen2.5-7B-Instruct under 6GB", "derived", "Qwen/Qwen2.5-7B-Instruct"),
        ("phi-4 finetunes", "derived", "phi-4"),
        ("Does llama 13b 4bit work with a 3060 12gb?", "fit", "llama 13b"),
        ("how many GB does llama3 need?", "model_info", "llama3"),
        ("what licence is Qwen2.5-7B-Instruct under?", "model_info", "Qwen2.5-7B-Instruct"),
        ("Qwen2.5-7B-Instruct vs Llama-3.1-8B-Instruct for code", "compare", None),
        # short chat-style messages about one named model: the verb or the question word left out
        ("gpt-oss-120b on 24gb vram and 128gb ram", "fit", "gpt-oss-120b"),
        ("gpt-oss-120b with a 4090 and 64gb ram?", "fit", "gpt-oss-120b"),
        ("тянет ли моя 3060 12гб gemma 3 27b", "fit", "gemma 3 27b"),
        ("можно ли запустить Qwen3-32B на 4090?", "fit", "Qwen3-32B"),
        ("Qwen3-30B-A3B or Gemma 3 27B for coding on 24GB?", "compare", None),
        ("Что лучше для кода: Qwen3-Coder или Devstral?", "compare", None),
        ("дообученные версии Qwen3-8B", "derived", "Qwen3-8B"),
        ("какие кванты есть у GLM-4.5-Air", "derived", "GLM-4.5-Air"),
        ("what license is L3-8B-Stheno-v3.2 under?", "model_info", "L3-8B-Stheno-v3.2"),
        ("Can a 192GB M2 Ultra run the q4 DeepSeek V4 Flash?", "fit", "DeepSeek V4 Flash"),
        ("If I want to use it with Wizcoder-15B 4-bit Quantised, do I need GPU?", "model_info", "Wizcoder-15B"),
        ("how many GPUs (A800 80G) to deploy DeepSeek-V3 with vllm?", "model_info", "DeepSeek-V3"),
        # not one model: a family pair without a question, a size bound on a family, a licence, examples wanted
        ("Codestral or Vicuna", None, None),
        ("qwen2.5 14b for coding on 16gb", None, None),
        ("released under Apache-2.0, so can I use it for commercial use?", "model_info", None),
        ("best model like llama 3 8b on 8gb", "alternatives", "llama 3 8b"),
        # everyday shapes: a chip before the model, "be usable", requirements of a family, files, differences
        ("Can my M2 Air with 16GB handle Qwen2.5 14B?", "fit", "Qwen2.5 14B"),
        ("Would Qwen3 32B be usable on a 3090 or is it too big?", "fit", "Qwen3 32B"),
        ("How much RAM does mixtral need?", "model_info", "mixtral"),
        ("Where can I find GGUF files for Phi-3 mini?", "derived", "Phi-3 mini"),
        ("What's the difference between Qwen2.5 7B and Llama 3.1 8B?", "compare", None),
        ("Чем отличается Qwen3 8B от Llama 3.1 8B?", "compare", None),
        ("Which is better for coding, deepseek coder v2 lite or codestral?", "compare", None),
        ("Что лучше для кодинга: Qwen2.5-Coder 14B или DeepSeek Coder V2 Lite?", "compare", None),
        ("Is Mistral Small 3.1 better than Gemma 3 27B for RAG?", "compare", None),
        ("is deepseek r1 distill qwen 14b good at math? run on 16gb ram?", "fit", "deepseek r1 distill qwen 14b"),
        ("any Llama or Mistral model for 8GB?", None, None),
        ("есть что-нибудь новое от nemotron или exaone?", None, None),
        ("Is there anything better than Llama 3 8B for 8GB?", "alternatives", "Llama 3 8B"),
        # versions of the thread's model asked of its authors
        ("Abliterated version. Will you offer an abliterated model?", "derived", None),
        ("besides, I'm wondering if there is a 32b version for this model", "derived", None),
        ("It would be great to see Llama.cpp/GGUF support.", "derived", None),
        ("Is there any chance we could load the model in 4-bit given how large it is?", "derived", None),
        ("The lowest config that is able to run it?", "model_info", None),
        ("open source LLMs instead of making API requests to GPT3.5 or GPT4?", "alternatives", "GPT3.5"),
        ("Feature Request: GLM-4 9B Support", "derived", "GLM-4 9B"),
        ("Hope to add support for GLM4-9b.", "derived", "GLM4-9b"),
        ("Does Gemma 2 support Russian?", "model_info", "Gemma 2"),
        ("command-r-plus-104b-q5_k_s really too large for 3x24 GB ?", "fit", "command-r-plus-104b-q5_k_s"),
        ("Would It is usable for RTX 3060 VRAM 12 Gb?", "fit", None),
        ("I really hope that the quantified versions of int8 and int4 can be launched", "derived", None),
        ("an open model at the same level as GPT-4 for 24gb", "alternatives", "GPT-4"),
        ("new open models coming out like llama2 or any other, which for 8gb?", None, None),
        ("`a.safetensors` and `b-Q8_0.gguf`: what are the differences between these two models?", "compare", None),
        ("I have a gtx 2050. Is it possible to run on 4g vram gpu? Or what else choice do I have?", None, None),
        ("Can we run it on a MacBook Pro M1 16 GB, or any other model of a similar size?", "fit", None),
        ("Try to sub out GPT-4V for an open model like CogVLM, Fuyu-8B, or LLaVA.", "alternatives", "GPT-4V"),
        ("I don't want to use ChatGPT, I want to use some free LLMs model", "alternatives", "ChatGPT"),
        ("It would be amazing if there was a 32b version.", "derived", None),
        ("Is there a plan to release a smaller model around 14B like V2?", "derived", None),
        ("any chance that you do the quantization for models like qwen 3.6 27b?", "derived", "qwen 3.6 27b"),
        ("Any plan for codeqwen2?", "derived", "codeqwen2"),
        ("Self-hosting models like OLLAMA support: host his own models like GPT4V", "alternatives", "GPT4V"),
        # a Hub address names its model; a title that is a model's name asks for a build of it
        ("please bring https://huggingface.co/mistralai/Ministral-8B-Instruct-2410 to the app", None, None),
        ("please add https://huggingface.co/org/Foo-13B-v2/tree/main to your library", "derived", "org/Foo-13B-v2"),
        (
            "Granite-3.1-8B-Instruct\n\nIt tops the small-model board, would be nice here.",
            "derived",
            "Granite-3.1-8B-Instruct",
        ),
        ("https://huggingface.co/org/Bar-70B\n\nFast and open.", "derived", "org/Bar-70B"),
        ("Add Mistral Nemo models", "derived", "Mistral Nemo"),
        ("[Request] Build a GGUF for Qwen2.5 14B\n\nIt is said to beat Llama 3 70B at math.", "derived", "Qwen2.5 14B"),
        ("Is Gemma 3 not supported yet?", "derived", "Gemma 3"),
        ("Пора бы добавить claude 3.5 в бота", "derived", "claude 3.5"),
        ("which open model performs almost as well as GPT-4o for code?", "alternatives", "GPT-4o"),
        ("qwen3:14b on a 3060 12gb?", "fit", "qwen3:14b"),
        ("qwen 7b coding", None, None),
        ("Add GPT OSS 20B to the catalog for 16GB devices", "derived", "GPT OSS 20B"),
        ("Спасибо! Планируется выпуск 70b+ моделей? Переделка под gguf?", "derived", None),
        ("будет ли квантованная версия?", "derived", None),
        ('What is the different between "qwen3-coder" and "qwen3-instruct"?', "compare", None),
        ("Thanks for releasing Falcon! Could we load the model in 4-bit?", "derived", "Falcon"),
        ("Would a single A100 with 40G vram be ok?", "fit", None),
        ("Add support for OpenELM models from apple?", "derived", "OpenELM"),
        ("Can a dual RTX 4090 setup support LoRA fine-tuning of Qwen-7B?", "fit", "Qwen-7B"),
        ("Is there any comparison between the two variants of Vicuna, Vicuna-7B and Vicuna-13B?", "compare", None),
        ("What hardware does it need? It froze when I chatted with the mistral7b model.", "model_info", "mistral7b"),
    ],
)
def test_rules_read_the_intent(rules: RequestParser, text: str, intent: str | None, base_model: str | None) -> None:
    found = rules.parse(text).filters
    assert (found.intent, found.base_model) == (intent, base_model)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tried a 70b llama but it was too slow, what fits 24GB VRAM?", {"params_min_b": None, "families": []}),
        ("I don't want a 4-bit quant, 8-bit please", {"quants": ["8BIT"]}),
        ("something better than the 8b version", {"params_min_b": 8, "params_max_b": None}),
        ("MacBook Pro 2026,32G", {"memory_gb": 32, "memory_kind": "unified"}),
        ("MacBook Air with 16MB RAM", {"memory_gb": 16, "memory_kind": "unified"}),
        ("RTX 3070 8GB and 32GB RAM", {"memory_gb": 8, "memory_kind": "vram", "ram_gb": 32}),
        ("two RTX 3090 24GB and 64GB RAM", {"memory_gb": 48, "memory_kind": "vram", "ram_gb": 64}),
        ("Dual RTX 4090 48GB cards with a total VRAM of 96GB", {"memory_gb": 96, "memory_kind": "vram"}),
        ("i have 2 1080ti with 11 gb ram i can i run model", {"memory_gb": 22, "memory_kind": "vram", "ram_gb": None}),
        ("a machine with 2 RTX A6000s with 48GB memory", {"memory_gb": 96, "memory_kind": "vram"}),
        ("my laptop has a geforce rtx3050 and 16gb of ram", {"memory_gb": 4, "memory_kind": "vram", "ram_gb": 16}),
        ("estimate about 68GB vram. Can I run it with 3 x RTX 3090 (72GB vram)?", {"memory_gb": 72}),
        ("how many GPUs (A800 80G) to deploy it?", {"memory_gb": None}),
        ("vram usage: at least 14GB VRAM, so will a 4060ti 16G do?", {"sort": None}),
        ("My best bet is it has not enough RAM, is there a smaller model?", {"sort": None}),
        ("Anyone tried this with a Chinese centered LLM?", {"languages": ["zh"]}),
        ("a model that understands documents and answers them in Hungarian", {"tasks": ["rag"], "languages": ["hu"]}),
        ("run this model on a GPU through python at 5 tok/s", {"tasks": []}),
        ("thanks for your great code. I read the docs: what VRAM do I need?", {"tasks": []}),
        ("help me write python scripts", {"tasks": ["code"]}),
        ("and what if we have 128 GB macs?", {"memory_gb": 128, "memory_kind": "unified"}),
        ("Can you run this on a GPU below a H100 (like a T4) or not?", {"base_model": None}),
        ("is there something like a Qwen3-8B but smaller?", {"intent": "alternatives", "base_model": "Qwen3-8B"}),
        ("Выбрать модель вместо Гемини", {"intent": "alternatives", "base_model": "Гемини"}),
        ("Нужен локальный аналог гигачата на 16 гб", {"intent": "alternatives", "memory_gb": 16}),
        ("Could GPT-4 be replaced with deepseek or qwen-turbo or kimi or other large models?", {"families": []}),
        ("i want to use chatglm model or other chinese models?", {"languages": ["zh"]}),
        ("Возможно ли запустить программу на машине 24 GB (RTX 4090 24GB)?", {"tasks": []}),
        ("модель для программирования на 16 гб", {"tasks": ["code"]}),
        ("have you tried porting newer LLMs, like from 2024-May onwards, to RK3588?", {"base_model": None}),
        ("How about the 72b?", {"intent": "derived", "params_min_b": 72}),
        ("How much is required to fine-tune the 7B model?", {"intent": "model_info"}),
        ("Finetune 70B on 24GB 4090?", {"base_model": None, "params_min_b": 70, "memory_gb": 24}),
        ("Specifically 40b version would be great because 8b one seems to be censored.", {"intent": "derived"}),
        ("is the 7b good for roleplay on 8gb?", {"intent": "fit", "memory_gb": 8}),
        ("which is the best 7b model for coding?", {"intent": None, "params_max_b": 7}),
        ("Can gpt-oss-120b be supported？", {"intent": "derived", "base_model": "gpt-oss-120b"}),
        ("Will Qwen3-Next get supported?", {"intent": "derived", "base_model": "Qwen3-Next"}),
        ("[requirement] Support baichuan 13B model.", {"intent": "derived", "base_model": "baichuan 13B"}),
        (
            "can you make it work with a local model like LLaMa 7-60b or GPT4All?",
            {"intent": None, "base_model": None, "params_min_b": None, "families": []},
        ),
        ("something like Claude Sonnet 4 but local, for 24GB?", {"intent": "alternatives"}),
        ("could you do the quantization for models like qwen 3.6 27b?", {"intent": "derived"}),
        ("можно ли использовать L3-8B-Stheno-v3.2 в коммерческом проекте?", {"base_model": "L3-8B-Stheno-v3.2"}),
        ("@desugar-64 what speed do you get? Mine is abysmal on a 6750 XT.", {"base_model": None}),
        ("How do I convert internvl model to mlx format?", {"intent": "derived", "base_model": "internvl"}),
        ("please quantize moondream to 4-bit", {"intent": "derived", "base_model": "moondream"}),
        ("how to convert it to gguf?", {"intent": "derived", "base_model": None}),
        (
            "Qwen3 Architecture Support\n\nQwen3MoeForCausalLM and Qwen3ForCausalLM are missing from exllamav2.",
            {"intent": "derived", "base_model": "Qwen3"},
        ),
        ("something to read my handwritten lab notebooks", {"tasks": ["ocr"]}),
        ("a model that reviews NDAs for our team", {"tasks": ["legal"]}),
        ("turn my meeting notes into action items", {"tasks": ["summarization"]}),
        ("перескажи статью коротко, какая модель потянет на 8 ГБ?", {"tasks": ["summarization"], "memory_gb": 8}),
        ("a model that thinks before it answers, for 24GB", {"tasks": ["reasoning"], "memory_gb": 24}),
        ("answers from our Confluence space", {"tasks": ["rag"]}),
        ("what is the hottest 8b model?", {"sort": "trending"}),
        ("что качают больше всего из 7b?", {"sort": "popular"}),
        ("it goes into a SaaS we charge for", {"commercial": True}),
        ("it holds sensitive info, better not shared with a SaaS solution: a local model?", {"commercial": None}),
        ("модель, которая не будет постоянно отказываться", {"uncensored": True}),
        ("Does Mistral Nemo support 128k context?", {"intent": "model_info", "base_model": "Mistral Nemo"}),
        ("What context length does Mistral Nemo support?", {"intent": "model_info", "base_model": "Mistral Nemo"}),
        ("Какой контекст поддерживает Mistral Nemo?", {"intent": "model_info", "base_model": "Mistral Nemo"}),
        ("Does llama.cpp support Qwen3-Next?", {"intent": "derived", "base_model": "Qwen3-Next"}),
        ("Поддерживает ли кто-нибудь японский? Нужна модель для перевода", {"intent": None, "tasks": ["translation"]}),
        ("Есть ли 4-битный квант T-lite?", {"intent": "derived", "base_model": "T-lite"}),
        ("Добавьте поддержку гпт 5", {"intent": "derived", "base_model": "гпт 5"}),
        ("Не могли бы вы выложить версию модели поменьше?", {"intent": "derived", "base_model": None}),
        ("Понял, а у вас нет конфига и весов поменьше?", {"intent": "derived"}),
        ("Посоветуйте модель поменьше для 8 ГБ", {"intent": None, "memory_gb": 8}),
        ("Работает ли это только на CPU?", {"intent": "fit", "memory_kind": "ram"}),
        ("What is the license of Saiga 7B?", {"intent": "model_info", "base_model": "Saiga 7B"}),
        ("Does Mulberry 7B fit on a 3060?", {"intent": "fit", "base_model": "Mulberry 7B", "memory_gb": 12}),
        ("Any 13B for coding?", {"intent": None, "base_model": None, "params_max_b": 13}),
        ("I need a 13b model because the 70b one is too slow", {"params_min_b": 13, "params_max_b": 13}),
        ("I tried a 70b llama but it was too slow, any 13b suggestions?", {"params_max_b": 13, "families": []}),
        ("LLM which are 1B or 1.5B because my device can't run big models please help.", {"params_max_b": 1.5}),
        ("7B models work perfectly for chat, 8b is very slow", {"params_max_b": None, "tasks": []}),
        ("Does this model support Fill-In-the-Middle (FIM) tokens?", {"tasks": ["code"]}),
        ("which small model for tab completion on a 3060?", {"tasks": ["code"], "memory_gb": 12}),
        ("using llama-cpp-python and LlamaIndex, what model for rag?", {"tasks": ["rag"]}),
        ("I'm on the latest version of ollama, which model for 8gb?", {"sort": None}),
        ("after the recent update, what coding model fits a 3060?", {"sort": None}),
        (
            "Support Ministral 8B\n\nAny plans to support the latest Ministral models in a quantized version?",
            {"intent": "derived", "sort": None},
        ),
        ("If I buy a new Intel card with more memory, can I run DeepSeek-R1 32B on it?", {"sort": None}),
        ("the newest models that fit 16GB VRAM?", {"sort": "newest"}),
        (
            "Gemma 3 GPU memory requirements\n\nI'm trying to run Gemma 3 12B with int4 but get OOM on a 4090.",
            {"base_model": "Gemma 3 12B"},
        ),
        (
            "Contact for Qwen2.5-3B licensing?\n\nIs Qwen2.5-3B-Instruct ok in a product?",
            {"base_model": "Qwen2.5-3B-Instruct"},
        ),
        ("Add Qwen3 as a model\n\nQwen3-coder has proven to be a good coding model.", {"base_model": "Qwen3"}),
        ("Add Gemma 3 models\n\nThe gemma-3-4b-it-GGUF works great on a Macbook.", {"base_model": "Gemma 3"}),
        ("My machine has two NVIDIA RTX 4090 GPUs and 256GB of System RAM.", {"memory_gb": 48, "ram_gb": 256}),
        ("two NVIDIA Blackwell 6000 Pro GPUs and 256GB of System RAM", {"memory_gb": 192, "memory_kind": "vram"}),
        ("Could it be used on a normal computer without the GPU?", {"memory_kind": "ram"}),
        ("RTX 3090 24GB VRAM, plenty of RAM, which coder?", {"memory_gb": 24, "ram_gb": None}),
        (
            "We met about the model.\nRequirements:\nMinimum context 32000\nSize from 10B to 32B\nVision is a plus",
            {"min_context": 32000, "params_min_b": 10, "params_max_b": 32, "tasks": ["vision"]},
        ),
        (
            "Обсудили критерии моделей:\nМинимальное контекстное окно - 32000\nРазмер моделей - от 10B до 32B",
            {"min_context": 32000, "params_min_b": 10, "params_max_b": 32},
        ),
        (
            "We met about it.\nRequirements:\n\nIt ran a 70b llama last year. Any model for 16GB?",
            {"params_min_b": None, "memory_gb": 16},
        ),
        ("what's the newest coding model for 24gb?", {"sort": "newest"}),
        ("is Q4_K_M or Q5_K_M better for mistral nemo on 12gb", {"intent": "derived", "base_model": "mistral nemo"}),
        ("какой квант для qwen3 30b на 24 гб", {"intent": "derived", "base_model": "qwen3 30b", "params_min_b": None}),
        ("Q4 coding model for 8gb", {"intent": None, "quants": ["4BIT"]}),
        ("что поставить на макбук м2 32гб для работы с документами", {"commercial": None, "tasks": ["rag"]}),
        ("small model for a raspberry pi 5 8gb", {"memory_kind": "ram", "memory_gb": 8}),
        ("rtx 3070 8гб, 32гб озу", {"memory_gb": 8, "memory_kind": "vram", "ram_gb": 32}),
        ("у меня ноут с 3050 на 4 гига и 16 гб оперативы", {"memory_gb": 4, "memory_kind": "vram", "ram_gb": 16}),
        ("модель 70b влезет в 2 карты по 24 гб?", {"memory_gb": 48}),
        ("сравни Qwen3-8B и Llama-3.1-8B", {"intent": "compare", "families": [], "params_min_b": None}),
        ("There is no GPTQ model for gemma-2-27b. Could you upload one?", {"intent": "derived"}),
        ("which AWQ model for vLLM on an A100 80GB for chat", {"intent": None, "formats": ["awq"]}),
        ("Can I run Mixtral 8x7B on a 4090 + 64GB RAM?", {"intent": "fit", "base_model": "Mixtral 8x7B", "ram_gb": 64}),
        ("RTX 4090 24GB + DDR4 64GB", {"memory_gb": 24, "memory_kind": "vram", "ram_gb": 64}),
        ("must the model fit in VRAM? Or, is it possible to opt for 100GB+ of system memory?", {"memory_kind": "ram"}),
        ("лучшие модели для ролеплея 12 гб", {"tasks": ["roleplay"]}),
        ("какие есть gguf версии Mistral Small 3.2", {"intent": "derived", "base_model": "Mistral Small 3.2"}),
        ("I have a 4090, what's the biggest model I can run?", {"intent": None}),
        (
            "confirm that 7B v0.2 and 8x22B v0.3 are both licensed under Apache?",
            {"licenses": [], "intent": "model_info"},
        ),
        ("Thanks for releasing it under the MIT license. Which size for 8gb?", {"licenses": []}),
        ("I need a model licensed under Apache 2.0 for 16gb", {"licenses": ["apache-2.0"]}),
        ("is llama ok to use in a product we sell?", {"families": [], "intent": "model_info", "base_model": "llama"}),
        ("which model is ok for commercial use on 16gb?", {"intent": None, "commercial": True}),
        ("commercial coding model, is 16gb ok?", {"intent": None, "memory_gb": 16}),
        ("Are you planning to release the 7B model as well?", {"intent": "derived"}),
        ("Is Mistral available on ollama?", {"intent": "derived", "base_model": "Mistral", "formats": ["gguf"]}),
        ("Скажите, как ru-gpts можно использовать для суммаризации", {"intent": "model_info", "base_model": "ru-gpts"}),
        ("модель для агентного кодинга, как Devstral, но меньше", {"intent": "alternatives", "base_model": "Devstral"}),
        ("UD-Q4_K_XL of a 30b coder", {"quants": ["Q4_K_XL"]}),
        ("I run ollama, any 8b for chat?", {"formats": ["gguf"], "params_min_b": 8}),
        ("Which model can run on RTX 4090 24GB GDDR6X + DDR4 64GB?", {"memory_gb": 24, "ram_gb": 64}),
        ("DDR4 64GB and RTX 3060", {"memory_gb": 12, "memory_kind": "vram", "ram_gb": 64}),
        ("Can the model be deployed on multiple 4090s?", {"memory_gb": None, "memory_kind": "vram", "intent": "fit"}),
        ("How to run r1 on a 4090 card?", {"intent": "fit", "base_model": "r1", "memory_gb": 24}),
        ("Can we use other ollama models? Gemma seems very dumb", {"intent": "alternatives", "base_model": "Gemma"}),
        ("Hi all, new here. I've got a 4070 Ti Super, what should I run?", {"sort": None}),
        ("any new models this week worth trying for 8GB cards?", {"sort": "newest"}),
        ("3 big models like CLIP, LLama, Whisper: how much VRAM to host a demo?", {"base_model": None}),
        ("something like Mistral 7B, Llama 3 8B or Qwen 7B but for coding", {"families": [], "params_max_b": None}),
        ("is there any chance to run 34b model without 8bit quantization on 3x4090?", {"quants": []}),
        ("Add support for open LLMs.\n### Summary 💡\nWhich one for chat?", {"tasks": ["chat"]}),
        ("which codellama models run slowly on M1? Can someone advise on deepseek models?", {"families": ["deepseek"]}),
        ("How much VRAM does the 7B model need for finetuning?", {"intent": "model_info", "params_max_b": 7}),
        ("will there be a chat or instruct version of this model?", {"tasks": [], "intent": "derived"}),
        ("a chatbot for our support team, 16gb", {"tasks": ["chat"]}),
        ("В ReadMe нет указания на системные требования к ПК. Какие они?", {"intent": "model_info"}),
        ("Are these specs good enough for any models? 8gb of ram", {"intent": None, "memory_gb": 8}),
        ("Взять небольшую и недорогую модель под задачи бота, а не дорогую топовую.", {"sort": None}),
        ("Introduce phi 3 mini 128k instruct", {"min_context": None}),
        ("Is there a 4 bit awq model for internlm2_5-20b-chat?", {"tasks": []}),
        ("my pc has 2x16GB DDR5, what model?", {"memory_gb": 32, "memory_kind": "ram"}),
        ("quants of Qwen2.5-7B-Instruct for 8gb", {"params_min_b": None, "params_max_b": None}),
        ("a model with 128k context for 24gb", {"min_context": 131072}),
        # the words of a web address are no wishes
        ("see https://ollama.com/library for chat models on 8gb", {"formats": ["gguf"], "params_min_b": None}),
        ("like the docs at https://example.org/guides/llama-3.1-8b-vision say, 8gb?", {"families": [], "tasks": []}),
        ("Add DeepSeek Coder models", {"tasks": [], "families": []}),
        # a card named right after its memory; "physical memory" is the system's
        ("can 4GB RTX3050 and 40GB RAM run a 7b?", {"memory_gb": 4, "memory_kind": "vram", "ram_gb": 40}),
        ("16GB 4060 Ti, which coding model?", {"memory_gb": 16, "memory_kind": "vram"}),
        ("32GB of physical memory, which model?", {"memory_gb": 32, "memory_kind": "ram"}),
        # a spec sheet, one part a line; storage is no memory, a graphics card's "storage" is
        ("RAM: 64GB\nGPU: RTX 3060\nwhich model?", {"memory_gb": 12, "memory_kind": "vram", "ram_gb": 64}),
        ("PC memory - 32GB\nVRAM - 12GB", {"memory_gb": 12, "memory_kind": "vram", "ram_gb": 32}),
        ("1TB SSD, 32GB RAM, which model?", {"memory_gb": 32, "memory_kind": "ram"}),
        ("50 GB of free disk space and 16GB RAM", {"memory_gb": 16}),
        ("my graphics card only has 24g of storage", {"memory_gb": 24, "memory_kind": "vram"}),
        ("memory-efficient model for 8GB", {"memory_gb": 8, "memory_kind": None}),
        ("can I run MythoMax-L2-13B-GPTQ on 8gb?", {"formats": []}),
        ("a gptq model for 8gb", {"formats": ["gptq"]}),
        ("an SFW version? most of them are NSFW", {"uncensored": None}),
        ("OCR (Optical Character Recognition) models for 8gb?", {"tasks": ["ocr"]}),
        ("I ran python generate.py --base_model=llama; which model for chat?", {"tasks": ["chat"]}),
        ("a model for writing python scripts", {"tasks": ["code"]}),
        ("4GB RTX3050, 40GB RAM.\nI also wonder if a 4GB RTX3050 can do chat.", {"memory_gb": 4}),
        # "the best", "the new" said of a thing; pictures of the post
        ("Mixtral is still one of the best open models. Which quant for 24gb?", {"sort": None}),
        ("this app is the best, thanks! which model for 8gb?", {"sort": None}),
        ("which model is the best for chat on 8gb?", {"sort": "best"}),
        ("is the new Qwen 3.5 9B good on 8gb?", {"sort": None}),
        ("newest qwen models for 8gb", {"sort": "newest"}),
        ("Новые квантования? Какую модель на 12 гб?", {"sort": None}),
        ("is there a new version? which one for 8gb", {"sort": None}),
        ("Currently with 128K of context it works. Any cheaper local model?", {"min_context": None}),
        ("currently looking for a coding model with 32k context", {"tasks": ["code"], "min_context": 32768}),
        ("it fails as shown in the image. Which model for 8gb?", {"tasks": []}),
        ("on screenshots I see gpt-4, which local model instead?", {"tasks": []}),
        ("a model that describes the image I send, 8gb", {"tasks": ["vision"]}),
        # a thousand of something else is no context; a context a model has is no need; a program's setting
        ("with a $3k budget for a workstation, which coding model?", {"min_context": None, "commercial": None}),
        ("the repo has 20k stars, which 8b for my 4K monitor setup?", {"min_context": None}),
        ("I get 1.5k tokens/s prefill, which model for 16k context?", {"min_context": 16384}),
        ("Nous-Hermes has 4K tokens and runs fine. Could you add it?", {"min_context": None}),
        ("does this model support 32k context?", {"min_context": 32768}),
        ("any local model that supports 8k or 16k? the answers come back blank", {"min_context": 8192}),
        ("we really need 8k if not 32k context for the summaries", {"min_context": 8192}),
        ("контекст 16k, а лучше 32k, для RAG", {"min_context": 16384}),
        ("a 32k context model please, my old one had 4k context", {"min_context": 32768}),
        ("num_ctx = 8192 crashes; which model for a 3060?", {"min_context": None, "memory_gb": 12}),
        ("llama_new_context_with_model: failed\nwhich model for 8gb?", {"sort": None}),
        # PyTorch's out-of-memory message: the card's total, not what it tried to allocate or has free
        (
            "CUDA out of memory. Tried to allocate 1.50 GiB (GPU 0; 7.79 GiB total capacity; 5.2 GiB already"
            " allocated; 310.00 MiB free). What can I run?",
            {"memory_gb": 7.79, "memory_kind": "vram"},
        ),
        (
            "Tried to allocate 20.00 MiB. GPU 0 has a total capacity of 15.7 GiB of which 3.19 MiB is free. Help?",
            {"memory_gb": 15.7},
        ),
        ("RTX 3060 and 32GB total RAM, which model?", {"memory_gb": 12, "memory_kind": "vram", "ram_gb": 32}),
        ("is qwen3:30b too big for an RTX 4080?", {"intent": "fit", "base_model": "qwen3:30b"}),
        ("is there something usable for translation on 6GB?", {"intent": None, "tasks": ["translation"]}),
        ("a model for Home Assistant voice control on 8GB", {"tasks": []}),
        # which build of one sized model; support asked with a vendor's name or in Russian; an Arc card; bits
        ("Which Llama 3.2 3B model should I use on a phone?", {"intent": "derived", "base_model": "Llama 3.2 3B"}),
        ("which mistral model should I use for chat?", {"intent": None, "families": ["mistral"]}),
        ("Support for Google Gemma-3n model?", {"intent": "derived", "base_model": "Gemma-3n"}),
        ("как подключить gigachat-max?", {"intent": "derived", "base_model": "gigachat-max"}),
        ("добавьте, пожалуйста, в бота модель YandexGPT", {"intent": "derived", "base_model": "YandexGPT"}),
        ("Intel Arc B580 12GB, which coding model?", {"memory_gb": 12, "memory_kind": "vram", "ram_gb": None}),
        ("a 1.58-bit or 1-bit build of a 70b", {"quants": ["1BIT"]}),
        ("an FP8 checkpoint for vLLM, or t5xxl_fp8_e4m3fn?", {"quants": ["8BIT"]}),
        # the thread's model against a named one; two names "the same model?"; a build asked in other words
        ("Is this model really better than Mistral-7B at summaries?", {"intent": "compare", "base_model": None}),
        ("Do you know a model better than Mistral-7B?", {"intent": "alternatives", "base_model": "Mistral-7B"}),
        ("are phi-4-mini and phi-4-mini-instruct the same model?", {"intent": "compare"}),
        ("could you add support for `qwen3:8b`? I can run it on my laptop", {"intent": "derived"}),
        ("Could you publish a smollm2 v2 version for the browser?", {"intent": "derived", "base_model": "smollm2 v2"}),
        # what the user runs now is no wish; a coding assistant is code, not chat
        ("I run a support bot on mistral 7b. Anything better for 16GB?", {"families": [], "params_min_b": None}),
        ("when I run a 32b model on 24gb, does it fit?", {"params_min_b": 32}),
        ("we want a code assistant in the IDE, 12GB card", {"tasks": ["code"]}),
        ("I have a 3090. I tried it for roleplay. It crashed on load. Which model fits?", {"tasks": []}),
        ("I have a 3090. We're building a support chatbot. It must be fast. Which model?", {"tasks": ["chat"]}),
        ("У меня 3090. Делаем RAG по регламентам. Сервер один. Что взять?", {"tasks": ["rag"]}),
        ("модели для размышлений (qwen, deepseeq)", {"tasks": ["reasoning"], "families": ["qwen", "deepseek"]}),
        ("MiniCPM vs Tesseract vs EasyOCR\n\nhow does your model perform in comparison?", {"families": []}),
        ("I want to use gemma3:12b but the download is gemma3:4b. any option?", {"params_max_b": None}),
        ("need a qwen 7b gguf for 8gb", {"params_min_b": 7, "params_max_b": 7}),  # a size apart: a wish
        ("the 3B model itself took 4GB on my RTX 4090. can a 33B run too?", {"memory_gb": 24}),
        ("models over 4 GB crash on my 8GB RAM phone, which one then?", {"memory_gb": 8, "memory_kind": "ram"}),
        ("which 7B or 13B model works on a 12gb card?", {"params_min_b": 7, "params_max_b": 13}),
        (
            "Loading InternVL2-40B-AWQ within 24GB\n\nI tested it as an alternative to Sonnet 3.5. Will it fit?",
            {"base_model": "InternVL2-40B-AWQ"},  # the title's model, not the one its body compares it with
        ),
        ("I have only one 3090 GPU, and 32GB memory. which model?", {"memory_gb": 24, "ram_gb": 32}),
        ("is there a way to run it on a GPU with only 6GB of memory?", {"memory_gb": 6, "ram_gb": None}),
        ("Can glm 4v 9b use int4 for vllm inference\n\nUsing an A30 for it", {"base_model": None}),  # a quant: no model
        ("Is Qwen2-57B gguf available? Any good reason for this?", {"tasks": []}),  # a reason is no reasoning
        ("a model that can reason well for 16gb", {"tasks": ["reasoning"]}),
        ("Would be curious how Qwen 2.5 32b behaves.\nIts a nice size. License is Apache 2.0", {"licenses": []}),
        ("The legal team insists on Apache 2.0. It runs on one L4. Which model?", {"licenses": ["apache-2.0"]}),
        ("Could we use BTL-4 with Nollama?", {"formats": []}),  # another program, not Ollama
        ("Could you recommend the best EC2 instance type for llama 3.2 3b on CPU?", {"sort": None}),
        ("This is by far the best OS model for agents. Would Qwen 2.5 32b work on a 3090?", {"sort": None}),
        ("SmolVLM Support\n\nthe gallery models need capable hardware", {"intent": "derived", "base_model": "SmolVLM"}),
        ("PaddleOCR-VL support please", {"intent": "derived", "base_model": "PaddleOCR-VL"}),
        ("OpenVINO Support\n\nplease add it", {"base_model": None}),  # a program, not a model
        ("PrivateGPT support\n\nplease add it", {"base_model": None}),
        ("[Feature] Support for more vision models\n\nThe web version has it.", {"intent": None, "base_model": None}),
        ("Please support deepseek-r1 8-bit for my Mac Studio", {"base_model": "deepseek-r1", "quants": ["8BIT"]}),
        ("which is better, gpt-oss-120b-MXFP4-Q4 or gpt-oss-120b-MXFP4-Q8?", {"base_model": None}),
        ("Running mlx-community/gpt-oss-20b-MXFP4-Q8 with 16GB\n\nit works", {"formats": []}),
        ("any GGUF/GPTQ models for 12gb?", {"formats": ["gguf", "gptq"]}),  # two formats, no organisation
        ("mlx models for m1 8gb", {"intent": None, "formats": ["mlx"]}),  # the chip, not a model to convert
        ("Implementing Code Llama 7B\n\nWhen is it scheduled to be released?", {"base_model": "Code Llama 7B"}),
        ("can the Vicuna 13-b model run on a 12gb card?", {"base_model": "Vicuna 13-b"}),
        ("How much GPU memory to run CogVLM2 in float16?", {"quants": ["F16"]}),
        ("Local models (llama3.1:8b, mistral:7b) not calling tools\n\nwhich model does it?", {"families": []}),
        ("I want to use a local LLM on my computer.\n\nUse llama for example.", {"families": []}),
        ("What about a Claude sonnet 4 like model?", {"intent": "alternatives", "base_model": "Claude sonnet 4"}),
        ("a ChatGPT-like model for my 3060?", {"intent": "alternatives", "base_model": "ChatGPT"}),
        ("I'd like models for coding", {"intent": None, "base_model": None}),
        (
            "Pick a back-up\n\n* llama-7b is too slow\n* I should try llama-13b, Gemma or any other model ollama has",
            {"intent": None, "base_model": None},  # examples of what is asked, not a model to replace
        ),
    ],
)
def test_rules_tell_mentioned_from_wanted(rules: RequestParser, text: str, expected: dict[str, object]) -> None:
    found = rules.parse(text).filters.to_dict()
    assert {key: found[key] for key in expected} == expected


def test_the_model_never_sets_intent_or_ram() -> None:
    mine = Filters(intent="fit", base_model="llama 13b", ram_gb=32)
    theirs = Filters(intent="alternatives", ram_gb=64, base_model="llama 13b")
    policy = {"intent": "fill", "ram_gb": "fill", "base_model": "fill"}
    assert merge(Filters(), theirs, "llama 13b", policy).intent is None
    assert merge(mine, theirs, "llama 13b", policy) == mine


def test_long_requests_give_the_model_the_asking_sentences() -> None:
    story = "I have been tinkering with local models for a while now. " * 30
    text = story + "My PC has an RTX 3060 12GB. Which model do you recommend for coding? " + "Thanks! " * 40
    chosen = request_sentences(text)
    assert len(chosen) <= 600 and "Which model do you recommend for coding?" in chosen and "RTX 3060 12GB" in chosen
    assert request_sentences("best 7b") == "best 7b"


def test_a_line_break_ends_a_sentence_and_a_list_asked_for_asks(rules: RequestParser) -> None:
    assert normalise("Title here\r\n\r\n  body   text \n") == "Title here\nbody text"
    text = (
        "Hello everyone.\nI would like to know the requirements for running the following models:\n"
        "- deepseek-coder-6.7b-base (approx. 3.8 GB)\n- deepseek-coder-33b-base\nCan they run on a RTX 3060?"
    )
    assert rules.parse(text).filters.base_model == "deepseek-coder-6.7b-base"


def test_rules_read_a_budget_stated_late_in_a_long_post(rules: RequestParser) -> None:
    text = "Some background about my project and what I tried so far. " * 40 + "I have 24GB of VRAM."
    assert rules.parse(text).filters.memory_gb == 24


def test_ask_routes_by_intent(service: Sommelier) -> None:
    derived, _ = service.ask("quants of mistralai/Mistral-7B-Instruct-v0.2")
    assert derived.results and "TheBloke/Mistral-7B-Instruct-v0.2-GGUF" in [r.model.id for r in derived.results]
    assert all(r.model.id != "mistralai/Mistral-7B-Instruct-v0.2" for r in derived.results)
    fit, _ = service.ask("will mistralai/Mistral-7B-Instruct-v0.2 run on 8GB VRAM?")
    assert len(fit.results) == 1 and fit.results[0].fit is not None and fit.results[0].fit.budget.memory_gb == 8
    info, _ = service.ask("what licence is mistralai/Mistral-7B-Instruct-v0.2?")
    assert [r.model.id for r in info.results] == ["mistralai/Mistral-7B-Instruct-v0.2"]
    both, _ = service.ask("compare Qwen/Qwen2.5-7B-Instruct vs meta-llama/Llama-3.1-8B-Instruct")
    assert [r.model.id for r in both.results] == ["Qwen/Qwen2.5-7B-Instruct", "meta-llama/Llama-3.1-8B-Instruct"]


FLOOR = 0.88  # issue 12: macro F1 over the keys on the real test split, each language that has requests


def test_real_set_is_labelled_to_every_key() -> None:
    rows = real(None)
    assert len(rows) >= 20 and {row["split"] for row in rows} == {"dev", "test"}
    assert all(set(row["expect"]) == set(KEYS) and row["source"].startswith("https://") for row in rows)


def test_second_labelling_covers_test_requests_with_contract_values() -> None:
    """The blind second labelling (the agreement figure in BENCHMARKS.md): test requests only, every key, values the
    parse contract can express (a list item Filters would drop is a labelling slip)."""
    test = {row["source"] for row in real("test", "en")}
    seconds = second_labels()
    assert len(seconds) == 100 and {row["source"] for row in seconds} <= test
    for row in seconds:
        assert set(row["expect"]) == set(KEYS)
        kept = Filters.from_mapping(row["expect"]).to_dict()
        assert all(len(kept[key]) == len(row["expect"][key]) for key in LIST_KEYS), row["source"]
    assert 0.0 < macro(agreement()) < 1.0  # the two labellings are different readings, not a copy


def _meets_the_floor(parser: RequestParser) -> None:
    for lang in ("en", "ru"):
        rows = real("test", lang)
        if rows:
            scores, _ = score(rows, lambda text: parser.parse(text).filters)
            assert macro(scores) >= FLOOR, (lang, round(macro(scores), 3))


# Open (issue 12): 0.658 rules, 0.658 hybrid on the 624 English test requests (a second labeller agrees with the
# labels at 0.898; BENCHMARKS.md, "Real requests"); these
# fail (xfail, not strict) until the parser reaches the floor, then pass and the marks should go.
@pytest.mark.xfail(reason="issue 12: the rules score 0.658 macro F1 on the real test split (floor 0.88)")
def test_rules_meet_the_floor_on_real_requests(rules: RequestParser) -> None:
    _meets_the_floor(rules)


@pytest.mark.slow
@pytest.mark.xfail(reason="issue 12: the shipped hybrid scores 0.658 macro F1 on the real test split (floor 0.88)")
def test_shipped_parser_meets_the_floor_on_real_requests(tmp_path_factory: pytest.TempPathFactory) -> None:
    parser = RequestParser(ParserOptions(models_dir=tmp_path_factory.mktemp("models")))
    assert parser.kind == "hybrid", parser.model_error
    _meets_the_floor(parser)


def test_the_language_prefilter_lets_every_language_through(rules: RequestParser) -> None:
    """The rules look for a language only where one of the vocabulary's literal word starts occurs."""
    assert all(len(stem) >= 3 for stem in _LANGUAGE_STEMS)
    named = {"Russian": "ru", "по-русски": "ru", "на английском": "en", "Thai": "th", "in Bahasa Indonesia": "id",
             "pt-BR": "pt", "на иврите": "he", "Farsi": "fa", "Urdu": "ur", "китайский": "zh"}  # fmt: skip
    for words, code in named.items():
        assert rules.parse(f"a chat model that speaks {words}, 8gb").filters.languages == [code], words
