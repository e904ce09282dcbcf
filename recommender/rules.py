r"""Deterministic extractors: what rules read best from a request, in English and Russian.

Numbers with units (memory, parameters, context), hardware names, licences, families, formats, quant levels,
languages, and keyword-level tasks, sorts, commercial use and uncensored. The extractors run in a fixed order
over one working copy of the text; each blanks what it consumed, so "alternatives to Mistral 7B" yields a
base model and not also a family and a size, and "llama.cpp" is a format, not a family.

Every pattern runs in time linear in the text, whatever the text (anyone can send a request):
- quantifiers that could take the same characters never follow one another or nest (`\s*+(?:-\s*+)?`, not
  `\s*-?\s*`; `(?:filler\s*+){0,6}+`, not `(?:filler|\s)*\s*`), and a run nothing after it could take is
  possessive (`\s*+`, `\d++`), so a failing match gives nothing back;
- a repetition after a word that may recur inside it is bounded (`_REST` after a stem, six context fillers,
  four GPU vendor words), so each occurrence of the word reads a bounded stretch, not the rest of the text;
- no pattern starts with an optional part then spaces: blanking leaves long runs of spaces.
tests/test_rules_fuzz.py times every regex here on generated hostile text.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator

from recommender.filters import Filters, unique
from recommender.hardware import HardwareTable
from recommender.intent_model import IntentModel

MAX_REQUEST_CHARS = 12000  # the rules read long posts whole (a budget stated last counts); longer ones are cut

_INVISIBLE_RE = re.compile(r"[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\x00-\x08\x0b-\x1f\x7f]")
_NUMBER = r"(\d++(?:[.,]\d++)?+)"  # nothing after a number starts with a digit, "." or ","
_REST = r"\w{0,20}"  # the rest of a word after a stem, when more pattern follows: bounded, not rescanned
# Before a regex of words (each starting with a letter): a letter that starts a word, or any letter. Checked
# first, they spare the regex trying every word at every position (in punctuation, inside words).
_WORD_START = r"(?=[^\W\d_])(?<![^\W\d_])"
_LETTER = r"(?=[^\W\d_])"


def _words(pattern: str) -> re.Pattern[str]:
    """A regex of alternatives that all start with a letter."""
    return re.compile(f"{_LETTER}(?:{pattern})")


class _Scan:
    """The request: `original` for names as written, `text` lower-cased and blanked as extractors consume it.

    The working copy is a list of characters, so blanking a match costs its length and not the whole text;
    `text` joins it once after a change, and `window` reads a slice without joining everything."""

    __slots__ = ("_chars", "_text", "found", "learned", "original", "titled")

    def __init__(self, original: str, text: str) -> None:
        self.original = original
        self.found = Filters()
        self.titled = False  # the title is a model's name, or asks for a build of one: what the post asks
        self.learned: dict[str, float] | None = None  # the intent model's probabilities, read once
        self._chars = list(text)
        self._text: str | None = text

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = "".join(self._chars)
        return self._text

    def window(self, start: int, end: int) -> str:
        """`text[start:end]` (clamped at 0), without joining the whole text after a blank."""
        return "".join(self._chars[max(0, start) : end]) if self._text is None else self._text[max(0, start) : end]

    def blank(self, start: int, end: int) -> None:
        if end > start:
            self._chars[start:end] = " " * (end - start)
            self._text = None

    def take(self, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        """Matches of `pattern`, each blanked once yielded."""
        for match in list(pattern.finditer(self.text)):
            yield match
            self.blank(match.start(), match.end())

    def words_before(self, start: int, width: int = 16) -> str:
        """The `width` characters before `start`, a run of up to 32 blanks right before it skipped (one kept);
        bounded, or many blanked matches in a row would each read back over all the others."""
        end = start
        while end > max(0, start - 32) and self._chars[end - 1] == " ":
            end -= 1
        return self.window(end - width + 1, end + 1) if end < start else self.window(start - width, start)


def normalise(text: str) -> str:
    """NFKC, invisible and control characters out, one space between words, one line break between lines (a
    title, a list item or a pasted line ends a sentence), cut to MAX_REQUEST_CHARS."""
    text = unicodedata.normalize("NFKC", text[: MAX_REQUEST_CHARS * 2])
    text = _INVISIBLE_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _LINK_RE.sub(_link_name, text)
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line and not _TEMPLATE_HEADING_RE.fullmatch(line))[:MAX_REQUEST_CHARS]


# A web address: its words are no request words ("ollama.com/library" states no GGUF wish, "3.1-8B" in a path no
# size); a Hub model's address names that model ("add https://huggingface.co/org/name" asks for org/name).
_LINK_RE = re.compile(r"(?<![\w/])(?:https?://|www\.)[^\s<>()\[\]{}\"'`]++")
_HUB_MODEL_RE = re.compile(
    r"(?i:(?:https?://)?+(?:www\.)?+(?:huggingface\.co|hf\.co)/)(?!(?i:datasets|spaces|docs|blog|papers|models|collections"
    r"|organizations|settings|learn|posts|api|tasks|join|login|pricing)/)(?P<model>[\w.\-]++/[\w.\-]++)"
)


_OLLAMA_LINK_RE = re.compile(
    r"(?i:(?:https?://)?+(?:www\.)?+ollama\.(?:com|ai)(?:/library)?+(?:/(?P<model>[\w.\-:]++))?+)"
)


def _link_name(link: re.Match[str]) -> str:
    """A Hub model's address → its id, an Ollama library page → "ollama" and its model (punctuation after either
    kept); any other address → nothing."""
    address = link.group(0)
    tail = address[len(address.rstrip(".,;:!?")) :]
    model = _HUB_MODEL_RE.match(address)
    if model:
        return model.group("model").rstrip(".,;:!?") + tail
    ollama = _OLLAMA_LINK_RE.match(address)
    if ollama:
        name = (ollama.group("model") or "").rstrip(".,;:!?")
        return ("ollama " + name).rstrip() + tail
    return tail


# "a GPT-4 like model", "Claude sonnet 4 like model", "a ChatGPT-like model": models like the one named before
_LIKE_MODEL_RE = re.compile(r"(?i:[\s-]like\s++(?:models?|llms?|ones?|alternatives?)(?![a-z]))")


def _like_model(scan: _Scan) -> bool:
    text = scan.original
    for like in itertools.islice(_LIKE_MODEL_RE.finditer(text), MAX_NAMES):
        hosted = [(m.group("model"), m.start()) for m in _HOSTED_NAME_RE.finditer(text, max(0, like.start() - 40))]
        names = hosted + _named_models(text, family_only=True, any_case=True) + _other_names(text)
        named = next((name for name, start in names if start + len(name) == like.start()), None)
        if named:
            scan.found.base_model = named
            scan.blank(like.start() - len(named), like.start())
            return True
    return False


# An issue template's headings ("### Summary 💡", "## 🚀 Feature", "### Problem Statement"): no words of a request
_TEMPLATE_HEADING_RE = re.compile(r"#{1,6}+(?: [^\s\d?]++){1,4}+")


@functools.lru_cache(maxsize=16)  # one request's text is lowered by several steps
def _lower(text: str) -> str:
    """Lower case keeping every index in place (ё read as е)."""
    if text.isascii():
        return text.lower()
    return "".join(char.lower() if len(char.lower()) == 1 else char for char in text).replace("ё", "е")


def _float(value: str) -> float:
    return float(value.replace(",", "."))


# ---------------------------------------------------------------- base model
_MODEL_TOKEN = r"[A-Za-z0-9](?:[\w.\-/:]*\w)?"
_MODEL_TAIL = (
    r"(?:\s+(?:\d[\w.\-]*|(?i:v\d[\w.\-]*|instruct|chat|it|base|coder|preview|mini|small|medium|large|nemo|pro"
    r"|turbo|distill\w*)(?![\w])|[A-Z][\w.\-]*\d(?:[\w.\-]*\w)?))*"
)
_BASE_LEADS = (
    r"alternatives?|similar|comparable|equivalents?|replacements?|substitutes?|competitors?|rivals?",
    r"(?:better|faster|smaller|cheaper|stronger|smarter|lighter)\s+than|(?:same|similar)\s+level\s+(?:as|of)|on\s+par\s+with"
    r"|as\s+good\s+as|perform\w*+\s++(?:\(?+(?:almost|nearly)\)?+\s++)?+as\s++well\s++as",
    r"(?:fine-?tunes?|finetuned\s+versions?|fine-?tuned\s+versions?|quants?|quantizations?|quantized\s+versions?"
    r"|merges?|derivatives?|variants?|ggufs?|versions?|descendants?|children)\s+of",
    r"(?:derived|based|built)\s+(?:from|on)",
    r"instead\s+of|(?<![\w'])like|same\s+as|replac(?:e|ing)|sub(?:stitute)?\s+out|swap\s+(?:out|around)"
    r"|switch\s+(?:away\s+)?from|move\s+away\s+from|(?:don'?t|do\s+not)\s+want\s+to\s+use",
    rf"аналог{_REST}|альтернатив{_REST}|замен{_REST}|похож{_REST}|подобн{_REST}"
    r"|(?:лучше|быстрее|меньше|умнее|легче),?\s+чем",
    rf"(?:дообучен|квантован|квантизован|уменьшен|сжат){_REST}\s++(?:верси|вариант|модел|сборк){_REST}",
    rf"(?:gguf|ggufы|awq|gptq|exl2|mlx|ггуф)\s++(?:верси|вариант|квант|сборк){_REST}",
    rf"(?<![а-я])как|вместо|файнтюн{_REST}|дообучен{_REST}|кванты|квант(?:а|ов)?+|квантовки|квантизаци{_REST}|производн{_REST}"
    r"|на\s+базе|на\s+основе|вроде|типа",
)
_BASE_RE = re.compile(
    _WORD_START + r"(?i:(?:" + "|".join(_BASE_LEADS) + r")"  # a lead starts a word ("dissimilar" is no lead)
    r"\s++(?:есть\s++)?+(?:to\s++|for\s++|of\s++|на\s++|для\s++|с\s++|у\s++|от\s++)?(?:the\s++|an?\s++(?=\S*\d))?"
    r"(?:(?:using|calling|paying\s++for|making\s++(?:api\s++)?+(?:requests|calls)\s++to)\s++)?+)"
    r"[\"'«“`]?(?P<model>" + _MODEL_TOKEN + _MODEL_TAIL + r")"
)
_HOW_VERB_RE = re.compile(
    r"[\s,]{0,3}(?i:можно|мне|нам|использовать|запустить|сделать|настроить|работает|установить|обучить|подключить"
    r"|заставить|правильно|скачать|загрузить|поставить)(?![а-я])"
)
_WANT_RE = re.compile(r"(?:i'?d|would|we'?d|you'?d|i|we|really|also|should|might)\s*$")
_BASED_ON_RE = re.compile(r"^(?:derived|based|built|на\s+базе|на\s+основе|вроде|типа)", re.IGNORECASE)
_DESCRIBES_RE = re.compile(r"(?<![a-z])(?:is|are|was|were|it'?s|seems|being)\s+(?:\w+\s+)?$")
_MODELISH_RE = re.compile(r"\d|/|-|chatgpt|claude|gemini|copilot|grok", re.IGNORECASE)
# "models like CLIP, LLama, Whisper": a list of examples after "like", not the model to replace
_QUANT_NAME_RE = re.compile(r"(?<![\w.])(?:(?:int|fp|bf|q|iq)\d[\w.]*+|\d++[\s-]?bits?|f(?:16|32))")
_LIST_TAIL_RE = re.compile(
    r"(?:(?<!\s)(?:\s*+,\s*+|\s++(?i:and|or)\s++)[A-Z0-9][\w.\-]*+(?:\s++\d[\w.\-]*+){0,2}+){1,8}+"
)
_LIST_AFTER_RE = re.compile(
    r"(?<!\s)(?:\s*+,\s*+[A-Z0-9][\w.\-]*+\s*+(?:,|and\s|or\s|etc)|\s++or\s++(?:any|some|other|similar)(?![a-z]))"
)
# The name is a whole token (spaces follow it, and it starts the token: a name that starts after a ":" would
# be read again from every ":"): with a digit (looked for ahead, then taken whole) or one slash.
_BASE_AFTER_RE = re.compile(
    r"(?<![\w.\-/:])(?P<model>(?=[A-Za-z][\w.\-/:]*?\d)[A-Za-z][\w.\-/:]*+|[\w.\-]++/[\w.\-]++)\s++"
    r"(?i:(?:fine-?tunes|finetunes|quants"
    r"|quantizations|merges|derivatives|variants|alternatives|файнтюны|кванты|аналоги|альтернативы))(?![\w])"
)


def _base_model(scan: _Scan) -> None:
    if scan.found.intent is not None:
        return  # the title asked for a build of a named model
    if _like_model(scan):
        return
    for match in _BASE_RE.finditer(scan.original):
        model = match.group("model").rstrip(".,;:!?)\"'»”`")
        if not model[:1].isascii() or not model[:1].isalpha():
            continue  # model names start with a Latin letter; "так как 7b" is not a comparison
        words = model.split()
        while words and words[-1].lower() in _TRAILING_WORDS:
            words.pop()
        model = " ".join(words)
        if not model or not (_MODELISH_RE.search(model) or _family_words(model.lower())):
            continue
        if model.split()[0] in _NOT_NAME_WORDS:
            continue  # "newer LLM, like from 2024-May onwards": a word, not a name
        if model.lower().startswith(("http", "www.")):
            continue  # "like https://huggingface.co/...": an example's address
        if _QUANT_NAME_RE.fullmatch(model.lower()):
            if _DERIVED_LEAD_RE.match(match.group(0)):
                scan.found.intent = "derived"  # "the quantified versions of int8 and int4": of the thread's model
                return
            continue
        if model.lower() in _RUNTIME_NAMES or _GPU_NAME_RE.match(model):
            continue  # "through methods like 'llama.cpp'" names a runtime; "like the RTX 3060Ti" a card
        if _BASED_ON_RE.match(match.group(0)) and not _MODELISH_RE.search(model):
            continue  # "based on llama" names a family, not a model
        before = scan.original[max(0, match.start() - 12) : match.start()].lower()
        if match.group(0).lower().startswith("like") and _WANT_RE.search(before):
            continue  # "I'd like Qwen 7B" is a wish, not a comparison
        listed = _LIST_AFTER_RE.match(scan.original, match.end("model"))
        if match.group(0).lower().startswith(("like", "such")) and listed:
            continue  # "models like CLIP, LLama, Whisper": examples
        if match.group(0).lower().startswith("как") and _HOW_VERB_RE.match(scan.original, match.end("model")):
            scan.found.base_model, scan.found.intent = model, "model_info"  # "как ru-gpts можно использовать": how
            scan.blank(match.start("model"), match.start("model") + len(model))
            return
        if _BASED_ON_RE.match(match.group(0)) and _DESCRIBES_RE.search(before):
            continue  # "the 1.5 is based on llama2" describes a model; "models based on llama2" asks for them
        lead = match.group(0)[: match.start("model") - match.start()].strip()
        if _THAN_RE.match(lead) and _is_x_better(scan, match.start(), match.start("model") + len(model)):
            return  # "Is Mistral Small 3.1 better than Gemma 3 27B for RAG?": the two side by side
        like = lead.lower().startswith("like")
        version = like and _VERSION_BEFORE_RE.search(scan.original, max(0, match.start() - 40), match.start())
        if version and (_VERSION_ASK_RE.search(scan.original) or _DERIVED_ASK_RE.search(scan.original)):
            continue  # "is there a plan to release a smaller model around 14B like V2?": a version of the thread's
        quantized = like and _QUANT_ASK_BEFORE_RE.search(scan.original, max(0, match.start() - 40), match.start())
        end = match.start("model") + len(model)
        listed = _LIST_TAIL_RE.match(scan.original, end)  # "like Mistral 7B, Llama 3 8B or Qwen 7B": all of them
        hosted = _HOSTED_NAME_RE.match(model)  # "models like GPT4V" cannot be run: ones like it are asked for
        if like and not quantized and not hosted and _KIND_BEFORE_LIKE_RE.search(before):
            scan.blank(match.start(), listed.end() if listed else end)  # "other models like LLAMA", "a local model
            continue  # like LLaMa 7-60b or GPT4All": examples of the kind asked for, their families and sizes no wish
        scan.found.base_model = model
        scan.found.intent = "derived" if _DERIVED_LEAD_RE.match(lead) or quantized else "alternatives"
        scan.blank(match.start(), listed.end() if listed else end)  # "better than X" is not a sort
        return
    cyrillic = _CYRILLIC_BASE_RE.search(scan.original)  # "вместо Гемини", "аналог гигачата"
    if cyrillic:
        scan.found.base_model, scan.found.intent = cyrillic.group("model"), "alternatives"
        scan.blank(cyrillic.start(), cyrillic.end())
        return
    for match in _BASE_AFTER_RE.finditer(scan.original):  # "phi-4 finetunes", "Qwen2.5-7B аналоги"
        if _QUANT_RE.fullmatch(match.group("model").lower()):
            continue
        scan.found.base_model = match.group("model")
        scan.found.intent = "derived" if _DERIVED_AFTER_RE.search(match.group(0)) else "alternatives"
        scan.blank(match.start(), match.end())
        return


_KIND_BEFORE_LIKE_RE = re.compile(
    r"(?i:(?<![a-z])(?:(?:models|llms|ones)\s++(?:[a-z]++\s++)?+|(?:local|other|open[\s-]?source|different|free|offline"
    r"|self-hosted|quantized)\s++(?:models?|llms?)\s++)$)"
)
# Hosted models named in Cyrillic after a lead: "вместо Гемини", "аналог гигачата", "замена чат гпт"
_CYRILLIC_BASE_RE = re.compile(
    r"(?i:(?<![а-я])(?:вместо|аналог\w*+|альтернатив\w*+|замен\w*+|похож\w*+\s++на)\s++(?:для\s++)?+"
    r"(?P<model>гемини|джемини|гигачат\w*+|(?:чат\s?+)?+гпт(?:[\s-]?+\d[\w.]*+)?+|яндекс\s?+гпт\w*+)(?![а-я]))"
)
_THAN_RE = re.compile(r"(?i:(?<!\w)\w++\s++than)$")
# "Is X better than Y", "would X be faster than Y": the question's subject is a named model
_SUBJECT_BEFORE_RE = re.compile(
    r"(?i:(?<![a-z])(?:is|are|does|do|would|will|was)\s++(?P<subject>[^\s?!,;]{2,}+(?:\s++[^\s?!,;]++){0,4}?)\s++"
    r"(?:be\s++|really\s++|actually\s++|much\s++|any\s++|still\s++)?+)$"
)


_SUBJECT_THREAD_RE = re.compile(r"(?i:(?:this|the|your|that)\s++(?:new\s++)?+model|it|this(?:\s++one)?+)(?![\w.\-'])")


def _is_x_better(scan: _Scan, lead_start: int, end: int) -> bool:
    before = _SUBJECT_BEFORE_RE.search(scan.original, max(0, lead_start - 60), lead_start)
    if not before:
        return False
    subject = before.group("subject")
    named = _named_models(subject, family_only=True, any_case=True) or _other_names(subject)
    thread_model = _SUBJECT_THREAD_RE.match(subject)  # "does this model perform better than X?": the two compared
    if not thread_model and (not named or named[0][0].lower() in ("it", "this", "that")):
        return False
    scan.found.intent = "compare"
    scan.blank(before.start("subject"), end)  # neither model's family or size is a wish
    return True


_VERSION_BEFORE_RE = re.compile(
    r"(?i:(?<![\w.])(?:smaller|larger|bigger|\d++(?:\.\d++)?+b|versions?|variants?)(?![a-z])[^.?!\n]{0,40}+$)"
)
_QUANT_ASK_BEFORE_RE = re.compile(r"(?i:(?<![a-z])(?:quanti[sz]\w*|gguf|awq|gptq|exl2)(?![a-z])[^.?!\n]{0,40}+$)")
_DERIVED_LEAD_RE = re.compile(
    r"^(?i:fine-?tunes?|finetuned|fine-?tuned|quants?|quantizations?|quantized|merges?|derivatives?|variants?|ggufs?"
    r"|versions?|descendants?|children|derived|based|built|файнтюн|дообучен|квантован|квантизован|уменьшен|сжат"
    r"|кванты|квант(?:а|ов)?+(?![а-я])|квантовки|квантизаци|производн"
    r"|на\s+базе|на\s+основе)"
)
_DERIVED_AFTER_RE = re.compile(
    r"(?i:fine-?tunes|finetunes|quants|quantizations|merges|derivatives|variants|файнтюны|кванты)$"
)
# A model named in a question about it: a family word with its size or version ("llama 13b", "30B Llama",
# "llama3", "Qwen2.5-7B-Instruct", "meta-llama/Llama-3.1-8B"); bounded, each part possessive.
_NAMED_MODEL_RE = re.compile(
    r"(?<![\w.\-/])(?P<model>(?:\d++(?:\.\d++)?+[bB]\s++)?+(?:[\w.\-]{1,40}+/)?+"
    r"(?i:llama|mistral|mixtral|qwen|qwq|gemma|phi|deepseek|falcon|yi|solar|starcoder|granite|olmo|glm|nemotron"
    r"|code[\s-]?+llama|vicuna|gpt[\s-]?+oss|codestral|ministral|devstral|magistral|pixtral|mathstral|command-r|smollm|minicpm"
    r"|internlm|exaone|kimi|wizardlm)(?:[\w.\-]|:(?=\w)){0,40}+(?:[^\S\n]++(?:\d++(?:\.\d++)?+-?+[bBmM]|\d++[kK]|\d++[xX]\d++(?:\.\d++)?+[bB]|[vVrR]\d[\w.]{0,8}+|\d++(?:\.\d++)?+(?!-?+(?i:bits?)(?![a-z]))|(?i:small|medium|large|mini|nano|nemo|instruct|chat|coder"
    r"|base|pro|turbo|vision|distill(?:\s++(?:qwen|llama))?+|flash|air|embedding|vl|omni|thinking|lite|max|plus|next|scout|maverick))(?![\w.])){0,3}+)"
)
# Any other name with a digit, for questions about one model's licence or use ("blenderbot3"); not hardware.
_OTHER_NAME_RE = re.compile(
    r"(?<![\w.\-/])(?P<model>(?!(?i:rtx|gtx|gen|ddr|pcie|cuda|gpt-?[345]|claude|gemini)\d?)[A-Za-z]{3,}+\d[\w.\-]{0,30}+)"
)
_FIT_CUE_RE = _words(
    r"(?i:(?<![a-z])(?:does|do|will|would|can|could|should|is\s+it\s+(?:\w+\s+)?possible\s+to)\s+(?:\S+\s+){0,8}?(?:work|run|fit|load|boot"
    r"|handle|infer|deploy|serve|host|be\s+(?:usable|doable|feasible|viable|ok|okay|enough|sufficient))(?:s|ning|ing|ed|d)?(?![a-z])"
    r"|(?<![a-z])(?<!anything\s)(?<!something\s)usable\s+(?:on|for|with|in)\s|too\s+(?:large|big)\s+for(?=[^.!\n]{0,60}\?)|how\s+to\s+run|want\s+to\s+(?:run|be\s+able\s+to)|to\s+run\s+(?:\S+\s+){0,4}?(?:on|in)\s"
    r"|(?P<need>required\s+to\s+(?:run|fit)|(?<![a-z])requir(?:e|es|ed)\s+for(?![a-z])|how\s+much\s+(?:\w+\s+){0,2}?(?:vram|ram|memory)|(?<![a-z])enough\s+(?:for|to)(?![a-z])"
    r"|requirements?+(?!\s*+:)|(?<![a-z])(?:lowest|minimum|minimal|min)\s+(?:\w+\s+)?(?:config\w*|specs?|hardware|setup|gpu|vram)(?![a-z])|how\s+many\s+(?:gb|gpus?|cards?)|(?:do|would|will)\s+(?:i|we)\s+need\s+(?:a\s+)?(?:gpu|graphics|video\s+card)|сколько\s+(?:нужно\s+)?памят\w*|требовани\w*+(?=[^\n]{0,60}\?))|пойд[её]т\s+ли|(?<![а-я])(?:по)?тянет|влезет"
    r"|помест[ия]тся|запустится|заработает|хватит\s+ли|(?<![а-я])(?:работает|запускается)\s+ли|будет\s+ли\s+(?:\S+\s+){0,2}?работать|(?:можно|получится|смогу|реально)\s+ли\s+(?:\S+\s+){0,2}?запустить)"
)
_DERIVED_ASK_RE = _words(
    r"(?i:(?<![a-z])(?:quantized|quantised|gguf|awq|gptq|exl2|mlx|smaller|lighter)\s+(?:[\w\-]+\s+){0,2}?(?:(?:versions?"
    r"|quants?|files?|weights|builds?)\s+(?:of|for)|models?\s+of|models?\s+for(?=\s+[a-z][\w.\-/]*\d)(?!\s+(?:rtx|gtx|rx\s|m[1-5](?![\w.\-])|(?:a|my|an)\s)))(?![a-z])|(?<![a-z])(?:release|add|provide|publish|upload|have)\s+(?:\S+\s+){0,5}?"
    r"(?:quantized|quantised|quantization|gguf|awq|gptq|exl2)(?![a-z])|(?<![a-z])(?:awq|gptq|gguf|exl2)\s+(?:quantization"
    r"|quants?|versions?)(?![a-z])"
    r"|(?<![a-z])(?:change|convert|quantize|quantise|turn)\s+(?:\S+\s+){0,3}?(?:to|into)\s+(?:i?q[2-8]|[2-8][\s-]?bits?|gguf"
    r"|awq|gptq|exl2|mlx)(?![a-z]))"
)
# Another version of the thread's model asked for: "are you planning to release the 7B model as well?", "will there
# be a chat or instruct version of this model?", "the base version of it", "available via Ollama?"
_VERSION_ASK_RE = re.compile(
    r"(?i:(?<![a-z])(?:release|publish|provide|support|add|upload|offer|make|prepare|train|build|there\s+be)\s+"
    r"(?:\S+\s+){0,4}?(?:base|chat|instruct|cpu|gpu|smaller|larger|bigger|quantized|quantised|gguf|onnx|mlx|int4|int8"
    r"|4-?bit|8-?bit|abliterated|uncensored|distilled|\d+(?:\.\d+)?b)\s+"
    r"(?:versions?|variants?|models?)(?![a-z])|(?<![a-z])there\s*+(?:is|are|'s|was|were)\s+(?:\S+\s+){0,3}?(?:smaller|larger|bigger"
    r"|quantized|quantised|gguf|abliterated|uncensored|distilled|4-?bit|8-?bit|\d+(?:\.\d+)?b)\s+(?:versions?|variants?)"
    r"(?![a-z])|(?<![a-z])(?:versions?|variants?)\s+of\s+(?:it|this|that|(?:the|this|that|your)"
    r"\s+model)(?![a-z])|available\s+(?:via|on|in|through|for|from)\s+(?:ollama|lm\s*studio|llama\.?cpp|mlx)(?![a-z])"
    r"|(?<![a-z])(?:gguf|llama\.?cpp|ollama|mlx|awq|gptq|exl2|onnx|quantization|quantized|4-?bit|8-?bit|int[48])\s+support(?![a-z])"
    r"|(?<![a-z])(?:load|run)\s+(?:it|this|the\s+model)\s+(?:\S+\s+){0,2}?in\s+(?:[2-8]-?bit|int[48]|fp8)(?![a-z])"
    r"|(?<![а-я])(?:переделк\w*|конвертаци\w*|конвертир\w*|верси[яиюей]|сборк\w*|выпуст\w*|выпуск\w*|сдела\w*)\s++"
    r"(?:\S++\s++){0,2}?(?:под|в|для)\s++(?:gguf|gptq|awq|exl2|mlx|onnx|ollama|llama\.?cpp)(?![a-z])"
    r"|(?<![а-я])(?:выпуск\w*|выпустит\w*)\s++(?:\S++\s++){0,2}?(?:\d++(?:\.\d++)?+b\+?\s++)?+(?:модел\w*|верси\w*)"
    r"|(?<![а-я])(?:квантованн\w*|квантизованн\w*|gguf|awq|gptq)\s++верси\w*"
    r"|(?<![а-я])(?:выложи|опубликова|опубликуй|выпусти|сдела|подготов)\w*+\s++(?:\S++\s++){0,3}?(?:верси|вес|чекпоинт|модел)"
    r"\w*+\s++(?:\S++\s++){0,2}?(?:поменьше|побольше|полегче|квантованн\w*+|в\s++формате|для\s++дообучени\w*+)"
    r"|(?<![а-я])(?:верси[юяи]|вес(?:а|ов)|чекпоинт\w*+)\s++(?:модели\s++)?+(?:поменьше|побольше|полегче)(?![а-я]))"
)
# The model a conversion is asked for: "convert internvl model to mlx format" (not "convert it", "the weights")
_CONVERT_RE = re.compile(
    r"(?i:(?<![a-z])(?:convert|quantize|quantise)\s++(?!(?:it|this|that|these|those|the|my|our|your|a|an|them|models?"
    r"|weights|checkpoints?|files?)(?![\w.\-]))(?P<model>[a-z][\w.\-]{1,40}+)\s++(?:models?\s++|weights\s++)?+"
    r"(?:to|into|in)\s)"
)
_COMPARE_RE = re.compile(
    r"(?i:(?<![a-z])(?:compare|comparison|vs|versus|differen(?:ces?|t)\s+between|differ|same\s+models?)(?![a-z])|сравн\w*"
    r"|разниц\w*\s+между"
    r"|чем\s+отлича\w*)"
)
_DEFINITE_RE = re.compile(
    r"(?i:(?<![a-z])(?:run|running|load|use|using)\s+(?:it|this|that|the\s+(?:\d+(?:\.\d+)?b\s+)?models?|\d+(?:\.\d+)?b)"
    r"(?![a-z])|the\s+\d+(?:\.\d+)?b\s+model|possible\s+to\s+run\s+(?:on|in|with)\s|(?:card|gpu)\s+(?:work|handle\s+it)"
    r"(?![a-z]))"
)
_FIT_IT_RE = re.compile(
    r"(?i:(?<![a-z])(?:can|will|does|would|could)\s+(?:it|this|that|(?:the|this|that)\s+model)\s+(?:\w+\s+)?"
    r"(?:work|run|fit|load|boot|handle|be\s+(?:run|deployed|loaded|used|served|hosted)))"
)
_INFO_CUE_RE = _words(
    r"(?i:licen[cs]e\s+(?:of|for)|what\s+licen[cs]e|(?:is|are)\s+(?:\w+\s+){0,3}?licensed\s+under|licen[cs]e\s+(?:allows?|permits?)|licensing\s+(?:fees?|terms)|royalt\w+|(?:is|can)\s+\S+\s+(?:\S+\s+)?(?:commercial|used\s+commercially)"
    r"|(?:be\s+)?used\s+commercially|can\s+(?:i|we)\s+use\s+\S+\s+(?:\S+\s+){0,6}?(?:in|for)\s+(?:my\s+|our\s+|a\s+)?"
    r"commercial|context\s+(?:length|window)\s+(?:of|size\s+for)|лицензи\w*\s+(?:у|для)"
    r"|(?:does|do|can|will)\s+(?!any|some|which|what)(?:\S+\s+){1,4}?support\s+(?:an?\s+|the\s+)?(?:\d+\s*k\s+|longer\s+|long\s+|larger\s+)?"
    r"(?:context|ctx|tokens|languages?|russian|english|chinese|german|french|spanish|japanese|korean|multilingual"
    r"|function[\s-]calling|tools?|tool[\s-]use|vision|images?|json|fim|fill)"
    r"|what\s+(?:context(?:\s+(?:length|window|size))?|languages?)\s+(?:\S+\s+){1,4}?support"
    r"|поддерживает\s+ли(?!\s+(?:кто|что|как\w+)-?нибудь)|(?:какой|какую|какие|сколько)\s+(?:\S+\s+){0,2}?поддерживает)"
)
_COMMERCIAL_USE_RE = _words(
    r"(?i:(?<![a-z])(?:used|usable|use|available|allowed|open|eligible)\s+(?:\w+\s+){0,3}?(?:for|in)\s+(?:\w+\s+)?"
    r"commercial|commercial\s+licen[cs]\w*)"
)
# The model a licence question is about: "Is LLaVA 1.5 available for commercial use?", "can Mistral be used ..."
_USE_SUBJECT_RE = re.compile(
    r"(?<![a-z])(?i:is|are|can)\s++(?P<model>[A-Z][\w.\-]*+(?:\s++\d[\w.]*+)?+)\s++(?i:be\s++)?+"
    r"(?i:available|usable|used|allowed|licensed|open|eligible)\s++(?i:for|in|commercially)"
)
# A question about one named model ("Have all models of qwen2 been fine-tuned for role-play?"), unless it asks
# which model to take; "what other models ... than X I use" asks for alternatives to it.
_ASKS_WHICH_RE = _words(
    r"(?i:(?<![a-z])(?:which|what)\s+(?:\w+\s+){0,3}?(?:models?|llms?|ones?|versions?|quant\w*|sizes?|choices?|options?)(?![a-z])"
    r"|(?<![a-z])(?:recomm?[ae]nd\w*|suggest\w*|best|alternatives?|similar|instead|need|want|looking\s+for)(?![a-z])"
    r"|what'?s\s+the\s+(?:\w+\s+){0,2}?models?(?![a-z])"
    r"|is\s+there\s+(?:a|an|any)(?![a-z])|(?<![a-z])(?:any|some)\s+(?:\w+\s+){0,3}?(?:models?|llms?)(?![a-z])"
    r"|какую|какая|какие|посовет|подскаж|лучш)"
)
_WHICH_MODEL_RE = re.compile(
    r"(?i:(?<![a-z])(?:which|what)\s+(?:\w+\s+){0,3}?(?:models?|llms?)(?![a-z])"
    r"|как(?:ую|ая|ие)\s+(?:\w+\s+)?(?:модел|нейросет|llm))"
)
# A request for models, against a question about the requirements of the thread's model
_WISH_MODEL_RE = _words(
    r"(?i:(?<![a-z])(?:need|want|looking\s+for|recomm?[ae]nd\w*|suggest\w*|which|what|any|some)\s+(?:\w+\s+){0,3}?(?:models?|llms?)"
    r"(?![a-z])|посовет|порекоменд|подскаж\w*\s+(?:\w+\s+)?модел|(?:нужн\w*|какую|какая|какие)\s+(?:\w+\s+)?(?:модел|нейросет))"
)
_THESE_TWO_RE = re.compile(
    r"(?i:differences?\s+between\s+(?:these|those|the)\s+(?:two|2)(?![a-z])|which\s+of\s+(?:these|those|the)\s+(?:two|2)"
    r"(?![a-z])|compare\s+(?:these|those|the)\s+(?:two|2)(?![a-z])|(?:разниц\w*|отлича\w*)\s+(?:между\s+)?(?:этими|эти)\s+"
    r"(?:двумя|две|два))"
)
_ELSE_RE = re.compile(
    r"(?i:(?<![a-z])what\s+else|(?:other|another|alternative)\s+(?:choices?|options?)|what\s+(?:choices?|options?)"
    r"\s+do\s+i\s+have|что\s+ещ[её]|какие\s+(?:есть\s+)?(?:варианты|альтернативы))"
)
_OTHER_MODELS_RE = re.compile(
    r"(?i:(?<![a-z])(?:what|which|any|use|try|other\s+than)\s+(?:\w+\s+)?other\s+(?:\w+\s+){0,2}?models?(?![a-z]))"
)
# Hardware the user will run on, without a memory figure: a fit question stays one.
_RUN_ON_RE = re.compile(
    r"(?i:(?<![a-z])(?:gpus?|cards?|laptops?|pcs?|computers?|macs?|macbooks?|android|phones?|iphone|raspberry|cpus?"
    r"|servers?|tpus?|jetson)(?![a-z]))"
)


def _intent(scan: _Scan) -> None:
    """Fit, model info or derived, and the model the request is about; alternatives when a lead named one."""
    found = scan.found
    if found.intent == "compare":
        return  # "is X better than Y?"
    if found.base_model:
        if found.intent is None:
            found.intent = "alternatives"
        compared = _named_models(scan.original, family_only=True, any_case=True)
        if found.intent == "derived" and _COMPARE_RE.search(scan.original) and len(compared) >= 2:
            found.intent, found.base_model = "compare", None  # "a comparison between the two variants of Vicuna"
            for model, start in compared:
                scan.blank(start, start + len(model))  # the compared models' families and sizes are no wish
        return
    if _DERIVED_ASK_RE.search(scan.original) or _VERSION_ASK_RE.search(scan.original):
        found.intent = "derived"  # "a 4 bit quantized version of 7B?": the model the thread is about
        named = _named_models(scan.original, family_only=True) or _lower_asked_names(scan.original)[:1]
        if named:  # "is there any quantized models for Qwen2.5-VL": its quants
            found.base_model = named[0][0]
            for model, start in named:
                scan.blank(start, start + len(model))
        elif converted := _CONVERT_RE.search(scan.original):
            found.base_model = converted.group("model")  # "convert internvl model to mlx format"
        return
    if _supported(scan) or _which_variant(scan):
        return
    made = _MAKE_VERSION_RE.search(scan.original)
    if made and (_MODELISH_RE.search(made.group("model")) or _family_words(made.group("model").lower())):
        scan.found.base_model, scan.found.intent = made.group("model"), "derived"  # "make a tinyllama v1.0 version"
        scan.blank(made.start("model"), made.end("model"))
        return
    if _THESE_TWO_RE.search(scan.original):
        found.intent = "compare"  # "What are the differences between these two models?": the thread's two
        return
    compared = _named_models(scan.original, family_only=True, any_case=True)
    if _COMPARE_RE.search(scan.original) and len(compared) >= 2:
        found.intent = "compare"  # the service reads the names; base_model stays for one model
        for model, start in compared:
            scan.blank(start, start + len(model))  # the compared models' families and sizes are no wish
        return
    if _either(scan):
        return
    text = scan.original
    fit = _FIT_CUE_RE.search(text)
    asks_which = _ASKS_WHICH_RE.search(text)
    # "can these be used in commercial applications?": a question about the thread's model, unless it asks which
    info = (_INFO_CUE_RE.search(text) and not _WHICH_MODEL_RE.search(text)) or (
        not asks_which and "?" in text and _COMMERCIAL_USE_RE.search(text)
    )
    question = "?" in text and not asks_which
    other = _OTHER_MODELS_RE.search(text)
    if other and re.match(r"\s++like\s", text[other.end() :]):
        other = None  # "use the tool with other models like LLAMA?": examples of the models asked for
    if other and not _ANY_OTHER_RE.match(text, max(0, other.start() - 3)):  # "X, Y or any other model": examples
        named = _named_models(text, family_only=True, in_story=True)  # "use other models? Gemma is dumb"
        if named:
            found.base_model, found.intent = named[0][0], "alternatives"  # "what other models beat X I use?"
            return
    if not (fit or info or question):
        return
    if fit and not info and _ELSE_RE.search(text):
        return  # "is it possible to run on 4g vram? Or what else choice do I have": models that do
    if _FIT_IT_RE.search(text):
        found.intent = "fit"  # "can it run on two 3090s?": the model is the one the thread is about
    if info:
        found.intent = "model_info"  # "can this model be used commercially?"
    named = _named_models(text, family_only=bool(fit or info))
    subject = _USE_SUBJECT_RE.search(text) if info else None
    if subject and not _GPU_NAME_RE.match(subject.group("model")):  # "Is LLaVA 1.5 available for commercial use?"
        named = [(subject.group("model"), subject.start("model")), *named]
    if not named and info:
        named = _other_names(text)[:1]
    if not named and fit:  # "how to run r1 on a 4090?": the name between the verb and the hardware
        named = [(m.group("model"), m.start("model")) for m in _RUN_MODEL_RE.finditer(text) if _model_like(m)][:1]
    if not named and fit and fit.group("need") and not _WHICH_MODEL_RE.search(text):
        # "how much RAM does mixtral need?": a family named in lower case
        named = _named_models(text, family_only=True, any_case=True)[:1]
    if not named and fit:  # "with Wizcoder-15B 4-bit, do I need GPU?": a name with its size
        named = [item for item in _other_names(text) if _SIZE_IN_NAME_RE.search(item[0])][:1]
    if not named:
        # "системные требования к ПК. Какие они?": the requirements asked, whatever "which" says
        needs = bool(fit and fit.group("need") and "?" in text and not _WISH_MODEL_RE.search(text))
        if fit and found.intent is None and (_DEFINITE_RE.search(text) or not asks_which or needs):
            # "is it possible to run 7B on a MacBook?", "requirements to run the models": the thread's model
            found.intent = "model_info" if fit.group("need") else "fit"  # type: ignore[assignment]
            if fit.group("need"):
                found.intent = "needs"  # type: ignore[assignment]
        return
    found.base_model = named[0][0]
    needs = bool(fit and fit.group("need"))  # "how much VRAM does X need": its requirements, fit if a budget
    found.intent = "model_info" if info or not fit else "fit"
    if needs:
        found.intent = "needs"  # type: ignore[assignment]  # settled once the memory is read
    for model, start in named:  # every model the question is about: none of them is a family or size wish
        scan.blank(start, start + len(model))


# A build of a named model for the runtime the thread is about: "Feature Request: GLM-4 9B Support", "add support
# for GLM4-9B", "when to support qwen 3.6?"; not "does Gemma 2 support Russian?" (the model is the subject)
_SUPPORT_BEFORE_RE = re.compile(
    r"(?i:(?<![a-z])(?:support(?:s|ed|ing)?+|add(?:s|ed|ing)?+|plans?)\s++(?:for\s++|of\s++)?+(?:the\s++)?+(?:new\s++)?+"
    r"(?:(?:microsoft|meta|google|mistral|alibaba|ibm|nvidia|apple|tencent|baidu|zhipu|moonshot|ai2)(?:'s)?+\s++)?+"
    r"|(?<![а-я])(?:поддержк[аиуе]|добав\w*+(?:\s++поддержку)?+|подключ\w*+|(?:список\s++)?+верси[йи])\s++"
    r"(?:для\s++|модел[иь]\s++|нов\w*+\s++)?+)[`'\"«“]?+$"
)
# Hosted models a client may be asked to support ("Пора бы добавить gpt-4o", "add Claude 3.5 support")
_HOSTED_NAME_RE = re.compile(
    r"(?<![\w.\-/])(?P<model>(?i:gpt-?\d[\w.\-]{0,20}+|chatgpt|claude(?:[\s-](?:\d[\w.\-]{0,10}+|(?:sonnet|opus|haiku)(?:[\s-]\d[\w.\-]{0,6}+)?+))?+"
    r"|gemini(?:[\s-]\d[\w.\-]{0,10}+)?+|гемини|джемини|(?:чат[\s-]?+)?+гпт(?:[\s-]?+\d[\w.\-]{0,10}+)?+|gigachat(?:[\s-]?+(?:pro|max|lite|plus|\d[\w.]{0,8}+))?+|гигачат|yandex-?gpt))"
    r"(?![\w])"
)
# A name with a capital inside a word ("OpenELM", "TinyLlama", "MiniCPM"), not an acronym ("RAG", "GPU")
_CAMEL_NAME_RE = re.compile(r"(?<![\w.\-/])(?P<model>[A-Z][a-z]++[A-Z][\w.\-]{0,30}+)(?=\s++models?(?![a-z]))")
_MODEL_WORD_BEFORE_RE = re.compile(r"(?i:(?<![a-zа-я])(?:модел[ьи]|model)\s++)$")
_ADD_VERB_RE = re.compile(r"(?i:(?<![a-z])(?:add|support|integrate)(?![a-z])|(?<![а-я])(?:добав|подключ|поддерж)\w*+)")
_NOT_SUPPORTED_RE = re.compile(r"(?i:(?<!\s)\s++(?:is\s++|are\s++)?+not\s++(?:yet\s++)?+supported)")
_BE_SUPPORTED_RE = re.compile(r"(?i:(?<!\s)\s++(?:be|get)\s++(?:added|supported)(?![a-z]))")
_LOWER_SIZED_NAME_RE = re.compile(r"(?<![\w.\-/])(?P<model>(?P<word>[a-z]{3,}+)\s++\d++(?:\.\d++)?+[bB])(?![\w.])")
_SUPPORT_AFTER_RE = re.compile(r"(?i:(?<!\s)\s++(?:model\s++)?+(?:support|integration)(?![a-z]))")


_AUX_BEFORE_RE = re.compile(r"(?i:(?<![a-z])(?:does|do|did|will|would|can|could|should)\s++)$")


_MAKE_VERSION_RE = re.compile(
    r"(?i:(?<![a-z])(?:make|release|publish|provide|upload|create|build)\s++an?\s++(?P<model>[a-z][\w.\-]{1,40}+"
    r"(?:\s++v?\d[\w.\-]{0,10}+)?+)\s++(?:versions?|builds?|ports?)(?![a-z]))"
)


def _which_variant(scan: _Scan) -> bool:
    """Which file or build of one sized model: "Which Gemma 3 1B model should I pick for the NPU?", "which Qwen3 8B
    file should I download?" (derived; "which llama 3 model for coding?" names a family and asks for models)."""
    for which in itertools.islice(_WHICH_RE.finditer(scan.original), MAX_NAMES):  # a handful of "which" at most
        match = _NAMED_MODEL_RE.match(scan.original, which.end())
        if match is None or not _SIZE_IN_NAME_RE.search(model := match.group("model")):
            continue
        if _VARIANT_AFTER_RE.match(scan.original, match.end()):
            scan.found.base_model, scan.found.intent = model, "derived"
            scan.blank(match.start(), match.end())
            return True
    return False


_WHICH_RE = re.compile(r"(?i:(?<![a-z])which\s++(?:of\s++the\s++)?+)")
_VARIANT_AFTER_RE = re.compile(
    r"(?i:(?<!\s)\s++(?:models?|versions?|variants?|files?|quants?|builds?|checkpoints?|one)\s++"
    r"(?:should|shall|do|to|would|can|is|are|will)(?![a-z]))"
)


def _lower_asked_names(text: str) -> list[tuple[str, int]]:
    """ "Support baichuan 13B model": a name in lower case with its size, right after the ask for a build."""
    return [
        (m.group("model"), m.start())
        for m in itertools.islice(_LOWER_SIZED_NAME_RE.finditer(text), MAX_NAMES)
        if m.group("word").lower() not in _NOT_NAME_WORDS
        and _SUPPORT_BEFORE_RE.search(text, max(0, m.start() - 30), m.start())
    ]


def _supported(scan: _Scan) -> bool:
    text = scan.original
    hosted = [(m.group("model"), m.start()) for m in _HOSTED_NAME_RE.finditer(text)]
    hosted += [(m.group("model"), m.start()) for m in _CAMEL_NAME_RE.finditer(text)]  # "support for OpenELM models"
    hosted += _kind_names(text)  # "SmolVLM Support"
    hosted += _lower_asked_names(text)
    names = _named_models(text, family_only=True, any_case=True) + _other_names(text) + hosted
    for name, start in names[: 2 * MAX_NAMES]:
        if not any(char.isdigit() for char in name) and (name, start) not in hosted:
            continue  # "support for llama": a family
        before = _SUPPORT_BEFORE_RE.search(text, max(0, start - 30), start)
        asked_of = _AUX_BEFORE_RE.search(text, max(0, start - 12), start)  # "does Gemma 2 support Russian?"
        after = _SUPPORT_AFTER_RE.match(text, start + len(name)) and not asked_of
        if not before and _MODEL_WORD_BEFORE_RE.search(text, max(0, start - 8), start):
            before = _ADD_VERB_RE.search(_sentence_at(text, start))  # "добавить в проект ... модель GigaChat"
        passive = _BE_SUPPORTED_RE.match(text, start + len(name))  # "Can gpt-oss-120b be supported?"
        if before or after or passive or _NOT_SUPPORTED_RE.match(text, start + len(name)):  # "Is Llama 4 not ...?"
            scan.found.base_model, scan.found.intent = name, "derived"
            scan.blank(start, start + len(name))
            return True
    return False


# Two models offered as a choice: "Qwen3-30B-A3B or Gemma 3 27B for coding?", "Qwen3-Coder или Devstral?"
_EITHER_RE = re.compile(r"(?<![\s,])\s*+,?\s*+(?i:or|или|либо|/)\s*+")
_WHICH_OF_RE = re.compile(r"\?|(?i:(?<![a-z])better(?![a-z])|лучше)")
_KIND_BEFORE_RE = re.compile(
    r"(?i:(?<![a-z])(?:any|some|a|an|which|what|other|from|by)\s++$|(?<![а-я])(?:любую|какую-нибудь|от)\s++$)"
)
_KIND_AFTER_RE = re.compile(
    r"(?i:(?<![\s\-])[\s\-]++(?:models?|llms?|famil\w+|based|fine-?tunes?|finetunes?|merges?|модел\w*|семейств\w*)(?![\w]))"
)


def _either(scan: _Scan) -> bool:
    """Compare when the first two models named (in the asking part) stand side by side joined by "or"."""
    text = scan.original
    named = sorted(_named_models(text, family_only=True, any_case=True), key=lambda item: item[1])
    for (first, start), (other, second) in itertools.pairwise(named):
        pair = (first, other)
        # "Codestral or Vicuna" may be families, "phi-3 mini or smollm for a pi" a choice; "llama or mistral?" is one
        versions = all(any(char.isdigit() or char in "/-" or char.isupper() for char in name) for name in pair)
        versions = versions and any(char.isdigit() or char == "/" for char in first + other)
        if _KIND_BEFORE_RE.search(text, max(0, start - 12), start) or _KIND_AFTER_RE.match(text, second + len(other)):
            continue  # "any Llama or Mistral model for 8GB?": either family will do
        if (versions or _WHICH_OF_RE.search(text)) and _EITHER_RE.fullmatch(text, start + len(first), second):
            scan.found.intent = "compare"
            for model, at in named:
                scan.blank(at, at + len(model))  # the compared models' families and sizes are no wish
            return True
    return False


def model_names(text: str) -> list[tuple[str, int]]:
    """The models a request names, (name as written, position) in order: family names with their versions and
    sizes ("Gemma 3 27B", "Devstral") and other names with a digit ("L3-8B-Stheno-v3.2")."""
    clean = normalise(text)
    named = _named_models(clean, family_only=True, in_story=True, sized=True)
    return sorted(named + _other_names(clean), key=lambda item: item[1])


def _other_names(text: str) -> list[tuple[str, int]]:
    """Names of models outside the family vocabulary, for a question about one ("blenderbot3",
    "L3-8B-Stheno-v3.2"), in order of appearance."""
    found = [
        (name, m.start())
        for m in itertools.islice(_OTHER_NAME_RE.finditer(text), MAX_NAMES)
        if not _not_a_model((name := m.group("model").rstrip(".,;:!?)")).lower())  # "int4", "Apache-v2": no model
    ]
    for match in itertools.islice(_JOINED_NAME_RE.finditer(text), MAX_NAMES):
        name = match.group("model").rstrip(".,;:!?)")
        letters = sum(char.isalpha() for char in name)
        if letters >= 3 and any(char.isdigit() for char in name) and not _not_a_model(name.lower()):
            found.append((name, match.start()))
    for match in itertools.islice(_SIZED_NAME_RE.finditer(text), MAX_NAMES):
        word = match.group("word").lower()  # "Saiga 7B", "Hermes 3 70B"; not "Any 13B", "Specifically 40b", "Tested 7B"
        if word not in _NOT_NAME_WORDS and not word.endswith(("ly", "ed")):
            found.append((match.group("model"), match.start()))
    for match in itertools.islice(_HUB_ID_RE.finditer(text), MAX_NAMES):
        if match.group("name").lower() not in _RUNTIME_NAMES:
            found.append((match.group("model").rstrip(".,;:!?)"), match.start()))
    found = [(name, at) for name, at in found if text[at - 1 : at] != "@"]  # "@desugar-64": a person's handle
    found.sort(key=lambda item: item[1])
    return found


# A Hub id "org/name" whose name has a digit or a family word ("NousResearch/Hermes-4-70B", "mistralai/Mistral-Nemo")
_HUB_ID_RE = re.compile(
    r"(?<![\w.\-/])(?P<model>[A-Za-z][\w.\-]{0,40}+/(?P<name>(?=[\w.\-]{0,80}?(?:\d|(?i:llama|mistral|mixtral|qwen|gemma"
    r"|phi|deepseek|falcon|granite|olmo|glm|hermes)))[A-Za-z][\w.\-]{0,80}+))(?![\w/])"
)


# A capitalised name outside the family vocabulary with its size: "Saiga 7B", "Hermes 3 70B", "Mulberry 7B"
_SIZED_NAME_RE = re.compile(
    r"(?<![\w.\-/])(?P<model>(?P<word>[A-Z][a-z]{2,}+)(?:\s++v?\d++(?:\.\d++)?+(?![\d.]*+[bBmM]))?+\s++\d++(?:\.\d++)?+[bB](?![\w.]))"
)
# Capitalised words that stand before a size without naming a model ("Any 13B", "Best 7B for coding")
_NOT_NAME_WORDS = frozenset({
    "the", "any", "some", "which", "what", "best", "good", "better", "new", "old", "newer", "older", "our", "your",
    "their", "this", "that", "these", "those", "need", "needs", "want", "wants", "run", "runs", "running", "use",
    "using", "used", "try", "tried", "trying", "only", "just", "both", "all", "each", "every", "other", "another",
    "similar", "small", "smaller", "smallest", "large", "larger", "largest", "big", "bigger", "biggest", "fast",
    "faster", "fastest", "top", "recommended", "quantized", "quantised", "local", "uncensored", "instruct", "chat",
    "base", "coding", "code", "vision", "fine", "for", "with", "from", "than", "like", "under", "over", "above",
    "below", "about", "around", "approx", "approximately", "max", "min", "between", "and", "also", "even", "still",
    "maybe", "perhaps", "same", "original", "official", "full", "dense", "model", "models", "version", "versions",
    "llm", "llms", "hey", "hello", "thanks", "thank", "please", "can", "could", "would", "should", "will", "does",
    "did", "has", "have", "had", "was", "were", "are", "is", "its", "it", "how", "why", "when", "where", "who",
    "whose", "whom", "yes", "not", "tiny", "huge", "mid", "medium", "light", "lightweight", "heavy", "ideally",
    "preferably", "probably", "currently", "now", "then", "here", "there", "cheap", "affordable", "decent", "great",
    "nice", "solid", "strong", "powerful", "capable", "modern", "latest", "recent", "first", "second", "third",
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "multiple", "several", "many",
    "few", "more", "most", "less", "least", "much", "finetune", "tune", "train", "training", "quantize", "host",
    "deploy", "serve", "load", "loading", "download", "install", "get", "make", "build", "add", "support", "test",
    "compare", "choose", "pick", "select", "recommend", "suggest", "prefer", "nearly",
})  # fmt: skip
_JOINED_NAME_RE = re.compile(r"(?<![\w.\-/])(?P<model>[A-Za-z][A-Za-z0-9]*+(?:[\-_.][A-Za-z0-9]++){1,8}+)")


def _not_a_model(name: str) -> bool:
    """A size ("7b"), a card ("rtx-3090"), a quant ("q4_k_m"), a version ("v1.5") or a file name."""
    return bool(
        _SIZE_ANYWHERE_RE.fullmatch(name)
        or _GPU_NAME_RE.match(name)
        or _QUANT_RE.fullmatch(name)
        or _NOT_MODEL_RE.fullmatch(name)
        or name.endswith(_FILE_ENDINGS)
        or name.endswith(_ARCHITECTURE_ENDINGS)
    )


# Versions, files, licences and other things with digits that are no model ("Apache-2.0", "DDR4-3200", "fp8")
_NOT_MODEL_RE = re.compile(
    r"(?<![\w.\-])(?:v?\d[\d.]*+|(?:apache|mit|gpl|agpl|lgpl|bsd|cc|mpl|openrail|ddr|lpddr|gddr|pcie|cuda|rocm|python"
    r"|ubuntu|windows|win|macos|ios|android|x86|arm|sm|fp|mxfp|nvfp|bf|int|utf|iso|gen|usb|hdmi|wifi|covid|gpt|claude|gemini)"
    r"[\-_.]?+v?\d\S*+)"
)
# A transformers class ("Qwen3MoeForCausalLM") names an architecture, not a model to download
_ARCHITECTURE_ENDINGS = ("forcausallm", "forconditionalgeneration", "forseq2seqlm", "forvision2seq", "formaskedlm")
_FILE_ENDINGS = (".py", ".json", ".gguf", ".bin", ".safetensors", ".md", ".txt", ".sh", ".cpp", ".exe", ".zip")


_RUN_MODEL_RE = re.compile(
    r"(?i:(?<![a-z])(?:run|running|load|loading|deploy|deploying|use|using)\s++(?P<model>[a-z][\w.\-/:]{0,40}+)\s++"
    r"(?:on|with|in|using)\s)"
)


def _model_like(match: re.Match[str]) -> bool:
    """A name with a digit that is no size ("7b"), card ("rtx3090") or quant ("q4_k_m")."""
    name = match.group("model").lower()
    return any(char.isdigit() for char in name) and not _not_a_model(name)


def _named_models(
    text: str, family_only: bool, in_story: bool = False, sized: bool = False, any_case: bool = False
) -> list[tuple[str, int]]:
    return list(_named_models_cached(text, family_only, in_story, sized, any_case))


@functools.lru_cache(maxsize=32)  # several steps ask for the same request's names
def _named_models_cached(
    text: str, family_only: bool, in_story: bool, sized: bool, any_case: bool
) -> tuple[tuple[str, int], ...]:
    """Models named in `text` (name, position): with a digit, a slash or a joined part ("granite_vision");
    a capitalised family alone ("Mixtral") only when `family_only` (in lower case too when `any_case`); in the
    story too when `in_story`; a family name beside a size ("qwen2.5 от 14b": a family with a bound) only when
    `sized` (names compared)."""
    named = []
    aside = _aside_spans(text, in_story)
    matches = list(itertools.islice(_NAMED_MODEL_RE.finditer(text), MAX_NAMES))
    sized_names = [(m.start(), m.end()) for m in matches if _SIZE_IN_NAME_RE.search(m.group("model"))]
    for match in matches:
        model = match.group("model").rstrip(".,;:!?)")
        if model.lower() in _RUNTIME_NAMES or any(start <= match.start() < end for start, end in aside):
            continue
        if model.lower().endswith(_ARCHITECTURE_ENDINGS):
            continue  # "Qwen3MoeForCausalLM": an architecture
        after_verb = re.search(r"(?:run|use|load|running|using)\s+$", text[max(0, match.start() - 9) : match.start()])
        near = any(  # a size of its own nearby; the size inside another model's name ("X 14B или Y") is not
            not any(start <= size.start() < end for start, end in sized_names)
            for size in _SIZE_ANYWHERE_RE.finditer(text, max(0, match.start() - 24), match.end() + 24)
        )
        if not sized and not _SIZE_IN_NAME_RE.search(model) and "/" not in model and near:
            continue  # "qwen2.5 от 14b для кодинга": a family with a size bound, not one model
        if re.search(r"\d|/|[_\-]\w", model) or (family_only and (model[:1].isupper() or after_verb or any_case)):
            named.append((model, match.start()))
    named.sort(key=lambda item: not re.search(r"\d|/", item[0]))  # "DeepSeek-R1-Distill-Qwen-32B" before "DeepSeek"
    return tuple(named[:5])


@functools.lru_cache(maxsize=16)  # asked for the same text by several steps
def _aside_spans(text: str, in_story: bool) -> tuple[tuple[int, int], ...]:
    """Where `text` mentions rather than asks: what the user has or tried, and (unless `in_story`) the story."""
    lowered = _lower(text)
    return tuple(_mentioned_spans(lowered) + ([] if in_story else _story_spans(lowered)))


_GPU_NAME_RE = re.compile(
    r"(?i:(?:rtx|gtx|rx|radeon|geforce|quadro|tesla|arc)(?![a-z])|[ahvlt]\d{2,3}(?![\w.])|[tpl]4(?![\w.])|m[1-5](?![\w.]))"
)
_SIZE_IN_NAME_RE = re.compile(r"(?i:\d(?:b|m)(?![a-z]))")
_SIZE_ANYWHERE_RE = re.compile(r"(?i:(?<![\w.])\d++(?:\.\d++)?+\s*+(?:b|bn|billion|млрд|б)(?![a-zа-я]))")
_RUNTIME_NAMES = frozenset(("llama.cpp", "llamacpp", "llama-cpp", "llama-server", "llama_cpp", "ollama"))


_TRAILING_WORDS = frozenset(("model", "models", "llm", "llms", "модель", "модели", "but", "and", "или", "и", "но"))


# "gpt-oss-120b on 24gb vram and 128gb ram": a model named right before the hardware it is to run on, in a short
# request that asks for nothing else, is a fit question without the verb.
ELLIPTIC_MAX = 160
_ON_HARDWARE_RE = re.compile(r"(?<![\s,])\s*+,?\s*+(?i:on|with|in|using|at|на|с|под)\s")
_ASKS_OTHERS_RE = re.compile(
    r"(?i:(?<![a-z])(?:better|else|other|instead|alternatives?|similar|like|recomm?[ae]nd\w*|suggest\w*|best|which|what"
    r"|any|some|models|llms)(?![a-z])|лучше|друг(?:ие|ую|ой|ая)|вместо|посовет|подскаж|как(?:ую|ая|ие|ой)(?![а-я])|модели)"
)


def _elliptic_fit(scan: _Scan) -> None:
    text = scan.original
    if _ASKS_OTHERS_RE.search(text):
        return
    for name, start in _named_models(text, family_only=False):
        if _ON_HARDWARE_RE.match(text, start + len(name)):
            scan.found.base_model, scan.found.intent = name, "fit"
            return


# A yes/no question whether a model (or its licence) may be used: "is llama ok to use in a product we sell?"
_IS_OK_RE = re.compile(
    r"(?i:(?<![a-z])(?:is|are|can)\s+(?P<subject>(?:\S+\s+){1,4}?)(?:ok|okay|fine|allowed|free|legal|permitted)"
    r"(?![a-z])[^.!?\n]{0,60}\?)"
)
_HOW_MANY_CARDS_RE = re.compile(
    r"(?i:how\s+many\s+(?:\w+\s+)?(?:gpus?|cards?|graphics\s+cards?)(?![a-z])|сколько\s+(?:нужно\s+)?(?:видеокарт|gpu))"
)


_QUANT_WORD_RE = re.compile(r"(?i:(?<![a-z])quant(?:s|ization)?(?![a-z])|квант\w*)")
_FOR_MODEL_RE = re.compile(r"(?i:(?:for|of|with|для|у)\s++(?:the\s++)?+)$")


def _quant_of(scan: _Scan) -> None:
    """ "is Q4_K_M or Q5_K_M better for mistral nemo on 12gb?": which of a named model's quants (derived)."""
    text = scan.original
    for match in _NAMED_MODEL_RE.finditer(text):
        name, start = match.group("model").rstrip(".,;:!?)"), match.start()
        if _FOR_MODEL_RE.search(text, max(0, start - 12), start) and name.lower() not in _RUNTIME_NAMES:
            scan.found.base_model, scan.found.intent = name, "derived"
            scan.found.params_min_b = scan.found.params_max_b = None  # the model's own size
            return


# A title that is a model's name alone ("NeuralDaredevil-8B-abliterated", "please add org/name", "[Model request]
# Qwen2.5-VL-7B"): a build of that model is asked for. A name with its parts joined, or any name above a body.
_TITLE_MODEL_RE = re.compile(
    r"\A(?:\[[^\]\n]{0,40}+\]\s*+)?+(?i:(?:please\s++|pls\s++)?+(?:add|support|request|model\s++request|new\s++model"
    r"|model)(?P<verb>\s*+(?::\s*+|(?<=\s))))?(?P<model>[^\n]{3,80}?)(?i:\s++(?:models?|support|please|pls))?+"
)


# A title asking for a build for a named model: "[Request] Create llamafile for Gemma 7B", "need mixtral offload for
# NousResearch/Nous-Hermes-2-Mixtral-8x7B-DPO"; what the body says of other models does not change what it asks.
_TITLE_BUILD_RE = re.compile(
    r"\A(?:\[[^\]\n]{0,40}+\]\s*+)?+(?i:please\s++)?+(?i:create|make|build|need|want|add|provide|release|request|convert"
    r"|publish|upload)\s++(?:[\w.\-]++\s++){0,3}?(?i:for|of)\s++(?P<model>[^\n]{2,80}+)"
)


def _only_a_model(text: str) -> bool:
    """A Hub id ("org/name") or a name of joined parts with a digit ("NeuralDaredevil-8B-abliterated"): whole."""
    joined = _JOINED_NAME_RE.fullmatch(text) and any(char.isdigit() for char in text) and not _not_a_model(text.lower())
    return bool(_HUB_ID_RE.fullmatch(text) or joined)


def _title_build(scan: _Scan) -> None:
    match = _TITLE_BUILD_RE.match(scan.original)
    if not match or (match.end() < len(scan.original) and scan.original[match.end()] != "\n"):
        return
    model = match.group("model").rstrip(" .!?")
    if _only_a_model(model) or _NAMED_MODEL_RE.fullmatch(model):
        scan.found.base_model, scan.found.intent = model, "derived"
        scan.titled = True
        scan.blank(match.start("model"), match.start("model") + len(model))


def _title_model(scan: _Scan) -> None:
    text = scan.original
    title, _, body = text.partition("\n")
    match = _TITLE_MODEL_RE.fullmatch(title.rstrip(" .!?"))
    if not match or "?" in title:
        return
    model = match.group("model")
    named = _NAMED_MODEL_RE.fullmatch(model) or (_CAPITALISED_RE.fullmatch(model) and _is_kind_name(model))
    if _only_a_model(model) or (named and (match.group("verb") or (body and re.search(r"\d", model)))):
        scan.found.base_model, scan.found.intent = model, "derived"
        scan.titled = True
        own = set(_words_in(_TASK_RE, _TASK_NAMES, _lower(model)))  # "DeepSeek Coder": a name, no code task
        asked = set(_words_in(_TASK_RE, _TASK_NAMES, scan.text[len(title) :]))
        scan.found.tasks = [task for task in scan.found.tasks if task not in own or task in asked]


# Support asked for models of a kind, none named: "Support for vision models", "add support for a dedicated code
# instruct model", "Add Support For a uncensored ai model", "support more models"
_KIND_SUPPORT_RE = re.compile(
    r"(?i:(?<![a-z])(?:support|add)\s++(?:for\s++)?+(?:an?\s++|the\s++|more\s++|other\s++|any\s++|some\s++|new\s++)"
    r"(?:[a-z][\w\-]*+\s++){0,3}?(?:models?|llms?)(?![a-z]))"
)


# A name of joined capitalised parts ending in a kind of model: "SmolVLM", "OLMoE", "CogVLM", "PaddleOCR-VL",
# "OpenELM"; not a program ("OpenVINO", "LocalAI", "ComfyUI", "LiteLLM", "PrivateGPT")
_CAPITALISED_RE = re.compile(r"(?<![\w.\-/])(?P<model>[A-Z][A-Za-z]{2,40}+(?:-(?:VL|OCR|LM))?+)(?![\w\-])")
_MODEL_KINDS = ("VLM", "LM", "MoE", "VL", "OCR", "BERT", "Coder", "Math")
_PROGRAMS = frozenset(("litellm", "openllm", "localllm"))


def _kind_names(text: str) -> list[tuple[str, int]]:
    """Names of joined capitalised parts ending in a kind of model, (name, position)."""
    return [
        (name, match.start())
        for match in itertools.islice(_CAPITALISED_RE.finditer(text), 4 * MAX_NAMES)
        if _is_kind_name(name := match.group("model"))
    ]


def _is_kind_name(name: str) -> bool:
    stem = name.split("-")[0]
    return stem.endswith(_MODEL_KINDS) and any(char.islower() for char in stem) and name.lower() not in _PROGRAMS


# The model a question is about, named before the word "model" or as what was released: "the llama2 model", "the
# new V3 model", "Thanks for releasing Grok!"; a name with a digit or a capital, not a plain word ("the vision model")
_MODEL_NOUN_RE = re.compile(
    r"(?<![a-z])(?i:the|this|your)\s++(?i:new\s++|latest\s++)?+(?P<model>[A-Za-z][\w.\-]{0,30}+)\s++(?i:model)(?![a-z])"
    r"|(?<![a-z])(?i:releasing|open-?sourcing)\s++(?P<released>[A-Z][\w.\-]{1,30}+)"
)


def _model_noun(scan: _Scan) -> None:
    for match in _MODEL_NOUN_RE.finditer(scan.original):
        model = (match.group("model") or match.group("released")).rstrip(".,;:!?")
        if model.lower() in _RUNTIME_NAMES or _GPU_NAME_RE.match(model) or _not_a_model(model.lower()):
            continue
        if any(char.isdigit() for char in model) or ((model[0].isupper() and not model.isupper()) or len(model) <= 4):
            if model.lower() in _COMMON_BEFORE_MODEL:
                continue
            scan.found.base_model = model
            return


_COMMON_BEFORE_MODEL = frozenset(
    ("base", "chat", "instruct", "same", "other", "original", "vision", "language", "whole", "entire", "full", "big",
     "small", "large", "main", "default", "current", "local", "right", "best", "new", "old", "first", "last", "next",
     "quantized", "gguf", "awq", "gptq", "mlx", "onnx", "llm", "ai", "the", "this", "that", "embedding", "base")
)  # fmt: skip


# A model the request means without naming it: the thread's ("is it available via Ollama?", "this model")
_NEEDS_ASKED_RE = re.compile(r"(?i:(?<![a-z])(?:how\s++much|how\s++many|requir\w*+|needs?|requirements?)(?![a-z]))")
# A size of the thread's model: "the 72b", "the 30B one", "a 40b version"
_SIZE_VERSION_RE = re.compile(
    r"(?i:(?<![a-z])the\s++\d++(?:\.\d++)?+b(?:\s++(?:one|model|version))?+(?![\w.])"
    r"|(?<![\w.])\d++(?:\.\d++)?+b\s++versions?(?![a-z]))"
)
_THREAD_MODEL_RE = re.compile(
    r"(?i:(?<![a-z])(?:it|its|this|that|these|those|your|you|the\s+(?:model|weights|checkpoint))(?![a-z']))"
)
# Models asked for in so many words: "need a llama 8b chat model", "any Yi models under CC BY-NC?"
_ASKS_MODELS_RE = re.compile(
    r"(?i:(?<![a-z])(?:need|want|looking\s+for|recomm?[ae]nd\w*|suggest\w*)\s+(?:\w+\s+){0,4}?(?:models?|llms?)(?![a-z])"
    r"|(?<![a-z])any\s+(?:\w+\s+){0,3}?(?:models|llms)(?![a-z])|посовет|порекоменд|(?:нужн\w*|ищу)\s+(?:\w+\s+)?модел)"
)
# "like llama2 or any other": the models named are examples of what is asked for
_ANY_OTHER_RE = re.compile(r"(?i:(?<![a-z])or\s++any\s++other(?![a-z]))")
# How sure the intent model must be to answer for a request the rules found no cue in
LEARNED_INTENT_MIN = 0.35  # chosen on the eighth and ninth batches of real requests, before they were tuned on
# ... and for a request that names or means no model ("can you do 1.1b, 3b versions too?" asks for builds)
LEARNED_UNNAMED_MIN = 0.5
# How sure it must be to answer against a rule's cue (chosen on the thirteenth batch of real requests, unseen then)
LEARNED_OVERRIDE_MIN = 0.4
LONG_REQUEST = 200  # characters: a longer request is a post, not a line of needs


def _learned_intent(scan: _Scan, model: IntentModel) -> None:
    """No cue for what the request asks: the intent model answers when it is sure (recommend otherwise). Only for
    a question that does not ask for models: "best commercial 16GB llama model" states a need, whatever its words."""
    text = scan.original
    if _is_statement(text) or _ASKS_MODELS_RE.search(text) or _ELSE_RE.search(text) or _ANY_OTHER_RE.search(text):
        return
    probabilities = _probabilities(scan, model)
    intent = max(probabilities, key=probabilities.__getitem__)
    if intent == "recommend" or probabilities[intent] < LEARNED_INTENT_MIN:
        return
    named = _named_models(text, family_only=True)
    meant = named or scan.found.base_model or _THREAD_MODEL_RE.search(text) or _other_names(text)
    if not meant and (probabilities[intent] < LEARNED_UNNAMED_MIN or not _is_post(text)):
        return  # "which model is ok for commercial use on 16gb?": about no model, named or meant (a post: unless sure)
    _answer(scan, intent, named or _other_names(text)[:1])  # "можно ли использовать L3-8B-Stheno-v3.2 ...?"


def _probabilities(scan: _Scan, model: IntentModel) -> dict[str, float]:
    if scan.learned is None:
        scan.learned = model.probabilities(scan.original)
    return scan.learned


def _learned_override(scan: _Scan, model: IntentModel) -> None:
    """A post (several lines, or a long one) asks in words the cues were not written for: against the rules'
    reading, the intent model's answer stands when it is sure enough. A line of needs keeps the rules' reading
    ("best commercial 16GB llama model" is a need, whatever a classifier of posts makes of its licence words), and
    so does a title that is a model's name or asks for a build of one."""
    text = scan.original
    if scan.titled or not _is_post(text):
        return
    probabilities = _probabilities(scan, model)
    intent = max(probabilities, key=probabilities.__getitem__)
    if intent != (scan.found.intent or "recommend") and probabilities[intent] >= LEARNED_OVERRIDE_MIN:
        _answer(scan, intent, _named_models(text, family_only=True))


def _answer(scan: _Scan, intent: str, named: list[tuple[str, int]]) -> None:
    """Set the learned intent, and the model it is about: the one the rules read, else the first family-named one."""
    found = scan.found
    if intent in ("recommend", "compare"):
        found.intent, found.base_model = (None if intent == "recommend" else "compare"), None  # type: ignore[assignment]
        return
    found.intent = intent  # type: ignore[assignment]
    if found.base_model is None and named:
        found.base_model = named[0][0]


def _is_statement(text: str) -> bool:
    """One short line with no question mark: nothing asked that a cue could have missed."""
    return "?" not in text and not _is_post(text)


def _is_post(text: str) -> bool:
    """Several lines, or one long one: a post telling a story, not a line of needs."""
    return "\n" in text or len(text) > LONG_REQUEST


def _settle_intent(scan: _Scan, model: IntentModel | None = None) -> None:
    """A question about a named model's fit needs a budget: without one it asks about the model itself."""
    found = scan.found
    text = scan.original
    if _HOW_MANY_CARDS_RE.search(text):
        found.memory_gb = None  # "how many GPUs (A800 80G) to deploy X?": how many is asked, no budget stated
    if found.intent == "needs":  # type: ignore[comparison-overlap]
        found.intent = "fit" if found.memory_gb is not None else "model_info"
    info = _INFO_CUE_RE.search(text) or _COMMERCIAL_USE_RE.search(text)
    is_ok = _IS_OK_RE.search(text) if found.intent is None and found.commercial else None
    subject = is_ok.group("subject") if is_ok else ""
    if is_ok and (_family_words(_lower(subject)) or _other_names(subject)) and not _ASKS_WHICH_RE.search(text):
        found.intent = "model_info"  # "is llama ok to use in a product we sell?": a question about its licence
        named = _named_models(subject, family_only=True) or _other_names(subject)
        words = [word for word in subject.split() if _family_words(_lower(word))]  # "is llama ok": its name
        found.base_model = named[0][0] if named else (words[0].strip(".,;:!?'\"") if words else None)
    if found.intent == "model_info" and found.memory_gb is not None and not (info or found.commercial):
        found.intent = "fit"  # "gpt-oss-120b with a 4090 and 64gb ram?": whether it runs there
    if found.intent is None and found.memory_gb is not None and len(text) <= ELLIPTIC_MAX:
        _elliptic_fit(scan)
    if found.intent is None and (found.quants or _QUANT_WORD_RE.search(text)) and len(text) <= ELLIPTIC_MAX:
        _quant_of(scan)
    if found.intent is None:
        _title_model(scan)
    if found.intent is None and model is not None:
        _learned_intent(scan, model)
    if found.intent is None and len(text) <= ELLIPTIC_MAX and _size_of_the_thread(text):
        # "How about the 72b?", "Where's the 30B tho": that size of the thread's model ("is the 7b ok on 8gb?": fit;
        # "how much is required to fine-tune the 7B model?": its needs)
        needs = _NEEDS_ASKED_RE.search(text)
        found.intent = "fit" if found.memory_gb is not None else ("model_info" if needs else "derived")
    if found.intent in ("fit", "derived", "model_info") and found.base_model is None:
        _model_noun(scan)
    hardware = found.memory_kind is not None or _RUN_ON_RE.search(scan.original)  # "on multiple 4090s"
    if found.intent == "fit" and found.memory_gb is None and not hardware:
        found.intent = "model_info" if found.base_model else None
    if found.intent == "model_info" and found.memory_gb is None:
        found.memory_kind = None  # "how many GB does llama3 need, and RAM requirements?" states no budget
    if found.intent == "derived" and found.memory_gb is None and found.memory_kind == "vram":
        found.memory_kind = None  # "a quantized version to run on a lower end GPU": no budget (CPU-only stays)
    if found.base_model:  # the family of the model the request is about is no wish, wherever it is named
        own = set(_family_words(_lower(found.base_model)))
        found.families = [family for family in found.families if family not in own]
    if found.intent in ("fit", "derived") and found.base_model:
        found.params_min_b = found.params_max_b = None  # the sizes of the model asked about are no wish
    if found.intent in ("model_info", "derived", "compare"):
        found.families = []  # the family of the model asked about, named or not ("is llama free for business?")
    if found.intent == "compare" and found.sort == "best":
        found.sort = None  # "which is better, X or Y?" asks which of the two, not for an order
    if found.intent == "model_info":
        found.licenses = []  # "the license of X is MIT": what the model carries, not a wish
    if found.intent == "model_info" and found.base_model:
        found.params_min_b = found.params_max_b = None  # its own size; "the 7B model" named by size alone stays
    if model is not None:
        _learned_override(scan, model)
    if found.intent == "derived" and found.base_model is None and _KIND_SUPPORT_RE.search(text):
        found.intent = None  # "support for vision models", "add a dedicated coding model": models of a kind
    if found.intent in ("fit", "derived", "model_info", "alternatives"):
        _title_subject(scan)
    if found.intent in ("fit", "derived", "model_info") and found.sort not in ("smallest", "fastest"):
        found.sort = None  # about one model: "support the latest Ministral models", "a new GPU": no order of models
        # ("how much memory does the smallest model need?" still asks which of its sizes)


def _size_of_the_thread(text: str) -> bool:
    """A size asked of the thread's model ("the 72b", "a 40b version"), no model named and none asked for."""
    named = _named_models(text, family_only=True) or _other_names(text)
    return bool(_SIZE_VERSION_RE.search(text)) and not named and not _ASKS_MODELS_RE.search(text)


def _title_subject(scan: _Scan) -> None:
    """A post whose title names a model is about that model: "Loading InternVL2-40B-AWQ within 24GB" is not about
    the Sonnet 3.5 its body compares it with."""
    title, newline, body = scan.original.partition("\n")
    if not newline:
        return
    if scan.found.base_model and scan.found.base_model in title:
        scan.found.base_model = _said_exactly(scan.found.base_model, title, body)
        return
    hosted = [(m.group("model"), m.start()) for m in _HOSTED_NAME_RE.finditer(title)]
    names = _named_models(title, family_only=True, any_case=True) + _other_names(title) + hosted
    names = [(name, at) for name, at in names if any(char.isdigit() for char in name) and title[at - 1 : at] != "@"]
    if not names:
        return  # a family alone ("Qwen models"): the body names which one
    name = min(names, key=lambda item: item[1])[0]
    current, said = (_lower(value).replace("-", " ") for value in (scan.found.base_model or "", name))
    if current and (said in current or current in said):
        return  # "Gemma 3" in the title, "Gemma 3 1B" in the question: the same model, said more exactly
    scan.found.base_model = _said_exactly(name, title, body)


def _said_exactly(name: str, title: str, body: str) -> str:
    """The title's model as the body names it more exactly, if it does: "Gemma 3" in the title and "I'm trying to
    run Gemma 3 12B" in the body ask about Gemma 3 12B ("Qwen2.5-3B" → "Qwen2.5-3B-Instruct"); not another version
    ("Qwen 2" → "Qwen 2.5")."""
    said = _lower(name).replace("-", " ")
    if re.search(rf"{re.escape(_lower(name))}\s++models(?![a-z])", _lower(title)):
        return name  # "Add Gemma 3 models": all of them, whichever the body tries
    for match in itertools.islice(_NAMED_MODEL_RE.finditer(normalise(body)), MAX_NAMES):
        other = match.group("model").rstrip(".,;:!?)")
        longer = _lower(other).replace("-", " ")
        if longer.startswith(said) and _EXACTER_RE.match(longer, len(said)):
            return other
    return name


# What makes a name more exact: its size or its tuning ("Gemma 3" → "Gemma 3 12B"), not a kind ("Qwen3" → "Qwen3-coder")
_EXACTER_RE = re.compile(r"(?<!\s)\s*+(?:(?<![\d.])\d++(?:\.\d++)?+\s*+[bm](?![a-z])|(?:instruct|chat|it)(?![a-z]))")


# ---------------------------------------------------------------- hardware and memory
_MEMORY_UNIT = (
    r"(?P<unit>tb|тб|терабайт\w*|gb|gib|gigs?|gigz|gigabytes?|gbs|g|гб|гиг\w*|гигабайт\w*|mb|mib|мб|мегабайт\w*)"
)
_MEMORY_RE = re.compile(
    rf"(?<![\w.]){_NUMBER}\s*+(?:-\s*+)?(?:{_MEMORY_UNIT}(?![a-zа-я])|(?=v-?ram(?![a-z])|видеопамят))"
)  # a number right before "VRAM" is in GB ("does this work for 12 VRAM?")
_VRAM_WORDS = _words(
    r"vram|v-ram|video\s*+(?:memory|ram|card)|gpu|graphics\s*+card|видеопамят\w*|видео\s*+памят\w*|видюх\w*|видеокарт\w*"
    r"|cuda|nvidia|geforce|radeon|(?<=gb )card|(?<=g )card|(?<=гб )карт\w*"
)
_RAM_WORDS = _words(
    r"(?<![a-z])(?:ram|dram|ddr\d?|(?:system|physical)\s*+memory|cpu[\s-]*+only|on\s++(?:the\s++)?cpu|no\s++gpu|without\s++(?:a\s++|the\s++|any\s++)?gpu)"
    r"(?![a-z])|оператив\w*|(?<![а-я])озу|на\s+процессоре|без\s+видеокарт\w*|без\s+gpu|только\s+cpu|на\s+cpu"
)
# From the start of a run of spaces only: from every space of a long run it would read the rest of the run.
_TOTAL_RE = re.compile(r"(?:total|combined|in\s+all|всего|суммарно|в\s+сумме)\D{0,12}$")
# PyTorch's out-of-memory message: "(GPU 0; 11.76 GiB total capacity; ...)"
_TOTAL_AFTER_RE = re.compile(r"(?<!\s)\s*+total\s+capacity(?![a-z])")  # not "32GB total RAM": the system's
# a RAM kit's speed beside its size ("32GB 3600", "DDR5 6000"): DDR speeds end in 00, 33, 66 or 67, so a "24GB 3090"
# is a graphics card, not memory at 3090 MT/s
_RAM_SPEED_RE = re.compile(
    r"(?<![a-z])ddr\d|\d\s*gb\W{0,3}(?:\(\S+\)\s*)?[1-9]\d(?:00|33|66|67)\b|\d{4}\s*(?:mhz|mt/s|rgb|cl\d)"
)
_DISK = r"(?:ssd|hdd|nvme|disk|storage|drive|hard\s++drive|space)"
_DISK_BEFORE_RE = re.compile(rf"(?<![a-z]){_DISK}\s*+[:\-–=]?\s*+$")
_DISK_AFTER_RE = re.compile(rf"(?<!\s)\s*+(?:(?:of|free|disk)\s++)?+(?:(?:free|disk)\s++)?+{_DISK}(?![a-z])")
_RAM_LINE_RE = re.compile(r"(?<![a-z])(?:ram|memory|оперативн\w*|озу)(?:\s*+:|\s++[\-–]\s)[^:\n]{0,40}+$")
_JOINED_RE = re.compile(r"\+|&|(?<![a-z])(?:and|plus|with)(?![a-z])")
_GPU_PREFIX_RE = re.compile(r"(?:rtx|gtx|rx|radeon|geforce|nvidia)(?![a-z])")
_RAM_BEFORE_RE = re.compile(r"(?<![a-z])(?:ram|ddr\d|озу)\s*+:?\s*+$")
_REQUIRES_RE = re.compile(r"(?:requires?|required|needs|takes|uses|consumes?|occupies|eats)(?![a-z])[^.\n]{0,30}$")
_USAGE_RE = re.compile(
    r"(?<!\s)\s*+(?:of\s+)?(?:v?ram\s+)?(?:use|usage|used|needed|required|(?:already\s+)?allocated|reserved)(?![a-z])"
)
_GPU_WITH_RE = re.compile(r"(?:gpu|card|graphics)s?+\s++(?:with|has|having)\s++(?:only\s++|just\s++)?+$")
_OF_RAM_RE = re.compile(r"(?<!\s)\s*+of\s++(?:(?:system|physical|ddr\d|ecc)\s++)*+(?:ram|dram)(?![a-z])")
_MEMORY_WORD_RE = re.compile(r"(?<!\s)\s*+(?:of\s++)?+(?:system\s++)?+(?:memory|mem)(?![a-z])")
# What a model took, right before the figure (the present forms are _REQUIRES_RE's): "the 3B model itself took 4GB"
_USED_BEFORE_RE = re.compile(
    r"(?<![a-z])(?:took|taking|consumed|consuming|occupied|ate|weighs|занимает|занял[аи]?+"
    r"|ест|съел[аи]?+)\s++(?:just\s++|only\s++|about\s++|around\s++|roughly\s++|almost\s++|over\s++|up\s++to\s++|~\s*+)?+$"
)
_EXPLICIT_VRAM_RE = re.compile(r"vram|v-ram|video\s*memory|gpu\s*memory|видеопамят")
_CPU_NAME_RE = re.compile(r"(?:ryzen|intel(?!\s*+arc)|core\s*i\d|xeon|threadripper|epyc|cpu|процессор)")
_CARDS_COUNT_RE = re.compile(
    r"(?<![\w.])([2-8]|two|three|four|dual|два|две|двух|три|трех|трёх|четыре)\s*+(?:x\s*+)?(?:gpus?|cards?|graphics\s+cards?"
    r"|карт\w*|видеокарт\w*|видях\w*|видюх\w*)"
)
_WORD_COUNTS = {str(n): n for n in range(2, 9)} | {
    "two": 2, "three": 3, "four": 4, "dual": 2, "два": 2, "две": 2, "двух": 2, "три": 3, "трех": 3, "трёх": 3,
    "четыре": 4,
}  # fmt: skip
_CARD_WITH_RE = re.compile(r"(?<![\s,])\s*+,?\s*+(?:with|w/|having|of|на|с)\s++(?:only\s++|just\s++|всего\s++)?+")
_EACH_RE = re.compile(r"(?<!\s)\s*+(?:v-?ram\s++)?+(?:each|apiece|per\s++(?:card|gpu)|каждая|каждый|на\s++каждой)")
_CPU_ONLY = _words(
    r"cpu[\s-]*+only|raspberry\s*+pi|orange\s*+pi|(?<![a-z])rpi\s*+[345](?![0-9])|(?:no\s*+|without\s++(?:a\s++|the\s++|any\s++)?)(?:dedicated\s++|discrete\s++)?(?:gpu|graphics\s+card|video\s+card)"
    r"|on\s++(?:the\s++|my\s++|a\s++)?cpus?(?![a-z])|cpu[\s-]++(?:version|inference)|без\s++(?:видеокарт|видюх|дискретк|gpu)\w*|видеокарты\s+нет|только\s+cpu|на\s+cpu"
    r"|на\s+процессоре|(?:don'?t|doesn'?t|do\s+not|does\s+not)\s+(?:require|need)\s+(?:a\s+)?(?:gpu|graphics\s+card)"
)
_APPLE_WORDS = _words(
    r"mac\s*+book|macbook|macos|mac\s*+os|mac\s*+mini|mac\s*+studio|imac|(?<![a-z])macs?(?![a-z])|apple|unified\s*+memory"
    r"|(?<![а-я])мак(?:а|е|у|ом|ос|бук\w*)?(?![а-я])|макбук\w*|эппл|unified|унифицирован\w*"
)


MAX_NAMES = 24  # model names weighed in one request (a list of a dozen is long; 600 "qwen3" is an attack)
MAX_AMOUNTS = 24  # memory sizes weighed in one request (a spec sheet lists a handful; 800 is an attack)


def _memory(scan: _Scan, hardware: HardwareTable) -> None:
    text = scan.text
    apple = bool(_APPLE_WORDS.search(text) or hardware.apple_chip(text))
    gpus = [
        g
        for g in hardware.gpus(text)
        if not (
            g.name.isdigit()
            and not _GPU_PREFIX_RE.match(text, g.start)  # "RTX 3060" is a card whatever RAM is near it
            and _RAM_SPEED_RE.search(text, max(0, g.start - 24), g.end + 12)
        )
    ]
    for gpu in gpus:
        scan.blank(gpu.start, gpu.end)
    amounts: list[tuple[float, str | None, int]] = []
    total = False  # "a total VRAM of 96GB" stated
    carded: set[int] = set()  # where an amount is the memory of a card named beside it
    for seen, match in enumerate(scan.take(_MEMORY_RE)):
        if seen >= MAX_AMOUNTS:
            continue  # read (and blanked) but not weighed: nobody states more memory sizes than this
        number = match.group(1)
        whole, _, fraction = number.replace(",", ".").partition(".")
        if fraction and len(whole) == 4 and whole[:2] in ("19", "20"):
            number = fraction  # "MacBook Pro 2026,32G": a year, then the memory
        value = _float(number)
        unit = match.group("unit") or "g"
        if unit[0] in "tт":
            value *= 1024
        elif unit[0] in "mм" and value >= 128:
            value /= 1024  # "16MB RAM" on a laptop means 16 GB: under 128 MB is no budget anyone has
        elif unit == "mib":
            continue  # "10.56 MiB is free": a program's figure, never a person's budget or typo
        if not 0 < value <= 16384:
            continue
        if _USAGE_RE.match(text, match.end()) or _USED_BEFORE_RE.search(
            text, max(0, match.start() - 32), match.start()
        ):
            continue  # "7b is > 12gb ram use", "the 3B model itself took 4GB": what a model takes, not what one has
        before = scan.window(match.start() - 24, match.start())
        if _REQUIRES_RE.search(scan.window(match.start() - 40, match.start())) or before.endswith("allocate "):
            continue  # "7B requires lots of VRAM (> 12GB)": what a model takes
        if _TOTAL_RE.search(before) or _TOTAL_AFTER_RE.match(text, match.end()):
            amounts.insert(0, (value, "vram" if gpus or _VRAM_WORDS.search(before) else None, match.start()))
            total = True
            continue
        each = _EACH_RE.match(text, match.end()) or text[max(0, match.start() - 3) : match.start()] == "по "
        if gpus and gpus[0].count > 1 and each:
            value *= gpus[0].count  # "two A6000 (48GB each)"
        elif not gpus and each and (counted := _CARDS_COUNT_RE.search(text, max(0, match.start() - 30), match.start())):
            value *= _WORD_COUNTS.get(counted.group(1), 1)  # "2 карты по 24 гб": cards counted, not named
        line_start = text.rfind("\n", max(0, match.start() - 30), match.start()) + 1 or max(0, match.start() - 30)
        line_end = text.find("\n", match.end(), match.end() + 30)
        near = text[line_start : line_end if line_end != -1 else match.end() + 30]  # "RAM: 64GB\nGPU: ...": its line
        kind = "vram" if _VRAM_WORDS.search(near) and not _CPU_ONLY.search(near) else None
        after = text[match.end() : match.end() + 30]
        after = after[: next((i for i, char in enumerate(after) if char.isdigit()), len(after))]  # to the next number
        after = after[1:] if after.startswith("+") else after  # "100GB+ of system memory": at least, not "and"
        card = next((g for g in gpus if 0 <= match.start() - g.end <= 3), None)  # "RTX 3090 24GB"
        if card is None and value <= 48:  # "4GB RTX3050": the card named right after its memory
            card = next(
                (g for g in gpus if 0 <= g.start - match.end() <= 2 and not text[match.end() : g.start].strip()), None
            )
        if card is not None:
            carded.add(match.start())
        ram_after = _RAM_WORDS.search(_JOINED_RE.split(after[:12], 1)[0])  # "24GB RAM"; not "8gb, 32gb ram" or "+ DDR4"
        ram_after = ram_after or _OF_RAM_RE.match(after)  # "256GB of system RAM"
        joined = next(
            (
                g
                for g in gpus
                if (value == g.memory_gb or (value <= 48 and not ram_after))
                and _CARD_WITH_RE.fullmatch(text, g.end, match.start())
            ),
            None,
        )  # "2 1080ti with 11 gb ram", "2 RTX A6000s with 48GB memory", "3050 на 4 гига": the cards' own memory
        if joined is not None:
            kind = "vram"
            if joined.count > 1 and value == joined.memory_gb:
                value *= joined.count
        elif card is not None and not ram_after:
            kind = "vram"
            if card.count > 1 and value == card.memory_gb and not each:
                value *= card.count  # "two RTX 3090 24GB": the card's own memory, per card
        if kind is None and _RAM_WORDS.search(_JOINED_RE.split(after, 1)[0]):
            kind = "ram"
        other = gpus and card is None and joined is None and all(value != gpu.memory_gb for gpu in gpus)
        if other and _MEMORY_WORD_RE.match(after) and not _GPU_WITH_RE.search(before):  # "a GPU with 6GB of memory"
            kind = "ram"  # "one 3090 GPU, and 32GB memory": not the card's own, so the system's
        line = scan.window(match.start() - 45, match.start())  # requests come as one line: "Ram: ... 96GB"
        disk = _DISK_BEFORE_RE.search(line[-12:]) or _DISK_AFTER_RE.match(text, match.end())
        if disk and not _VRAM_WORDS.search(line[-40:]):
            continue  # "SSD: 2TB", "1TB SSD", "50 GB of storage": storage; "my graphics card has 24g of storage" is not
        if kind is None and _RAM_LINE_RE.search(line):
            kind = "ram"  # "Ram: Corsair ... 96GB"
        if kind != "ram" and gpus and _CPU_NAME_RE.search(text[max(0, match.start() - 25) : match.start()]):
            kind = "ram"  # "GPU-12GB, Ryzen 5500, 64GB": the system's memory
        if joined is None and kind == "vram" and ram_after:
            kind = "ram"  # "24GB RAM", but not "RTX 4090 24GB + DDR4 64GB"
        if kind is None and _RAM_BEFORE_RE.search(text[max(0, match.start() - 14) : match.start()]):
            kind = "ram"  # "DDR4 64GB", "RAM: 32GB"
        amounts.append((value, kind, match.start()))
    explicit_vram = any(
        kind == "vram" and _EXPLICIT_VRAM_RE.search(text[max(0, at - 30) : at + 40]) for _, kind, at in amounts
    )
    if apple and not explicit_vram:
        scan.found.memory_kind = "unified"
    elif apple:
        scan.found.memory_kind = "vram"  # "consumer GPUs with 8-12 GB VRAM? Apple Silicon?": the figure is VRAM
        apple = False
    elif _CPU_ONLY.search(text):
        scan.found.memory_kind = "ram"
    elif gpus:
        scan.found.memory_kind = "vram"
    elif _RAM_WORDS.search(text) and not _VRAM_WORDS.search(text):
        scan.found.memory_kind = "ram"
    elif _VRAM_WORDS.search(text):
        scan.found.memory_kind = "vram"
    if amounts:
        vram = [amount for amount in amounts if amount[1] == "vram"]
        kinded = [amount for amount in amounts if amount[1]]  # "models > 5 GB ... an iPad with 16GB RAM": the RAM
        scan.found.memory_gb = (vram or kinded or amounts)[0][0]
        cards = [amount for amount in vram if amount[2] in carded]
        if cards and not total:
            scan.found.memory_gb = cards[0][0]  # "68GB vram (my estimate) ... 3 x RTX 3090 (72GB vram)": the card's
        between = text[cards[0][2] : cards[1][2]] if len(cards) >= 2 else ""
        if between and len(between) <= 40 and "\n" not in between and _JOINED_RE.search(between):
            scan.found.memory_gb = cards[0][0] + cards[1][0]  # "RX 9070 XT 16GB + 3060ti 8GB": both cards
        ram = [amount for amount in amounts if amount[1] == "ram"]
        gpu_budget = bool(gpus) and scan.found.memory_kind == "vram" and not _CPU_ONLY.search(text)
        if (
            not apple
            and (vram or kinded or amounts)[0][1]
            and not _CPU_ONLY.search(text)
            and not (gpu_budget and not vram)
        ):
            scan.found.memory_kind = (vram or kinded or amounts)[0][1]  # type: ignore[assignment]
        if not apple and (vram or gpu_budget) and ram:
            scan.found.ram_gb = ram[0][0]  # "RTX 3070 8GB and 32GB RAM": offload allowed
            if not vram:
                scan.found.memory_gb = (
                    sum(gpu.memory_gb * gpu.count for gpu in gpus[:1]) or None if gpus else scan.found.memory_gb
                )
    elif gpus and not apple:
        scan.found.memory_gb = sum(gpu.memory_gb * gpu.count for gpu in gpus[:1]) or None
    elif (times := _TIMES_RE.search(text)) and not apple:  # "too large for 3x24 GB?": cards; "2x16GB DDR5" a RAM kit
        scan.found.memory_gb = int(times.group("count")) * _float(times.group("size"))
        kit = _RAM_WORDS.search(text, times.end(), times.end() + 16)
        scan.found.memory_kind = "ram" if kit or scan.found.memory_kind == "ram" else "vram"


_TIMES_RE = re.compile(r"(?<![\w.])(?P<count>[2-8])\s*+[x×*]\s*+(?P<size>\d{1,3})\s*+(?:gb|gib|g|гб)(?![a-zа-я])")


# ---------------------------------------------------------------- context
_CONTEXT_WORD = rf"(?:context|ctx|контекст{_REST}|окн{_REST}|tokens?|токен{_REST})"
_CONTEXT_K_RE = re.compile(rf"(?<![\w.]){_NUMBER}\s*+(?P<unit>k|к|кб|m|м|млн)(?![a-zа-я])(?:\s*+\+)?")
# Words and signs between "context" and its number (a longer one before its prefix: "надо", "на"), spaces
# between them; taken whole, since none of them can start the number; at most six ("context window size must
# be at least: 4096"), or a long run of them ("окно окно ...", itself a context word) is read again from each.
_CONTEXT_FILLER = (
    r"(?:window|length|size|окно|длиной|длина|of|at\s++least|не\s++меньше|не\s++менее|минимум|от|в|надо|на|нужен"
    r"|нужно|must\s++be|should\s++be|is|>=|>|≥|:|=|—|–|-)"
)
_CONTEXT_PLAIN_RE = re.compile(
    rf"(?<!\w){_CONTEXT_WORD}\s*+(?:{_CONTEXT_FILLER}\s*+){{0,6}}+(?P<value>\d{{3,7}})(?!\w|[.,]\d)"
    rf"|(?<![\w.])(?P<value2>\d{{3,7}})\s*+(?:tokens?|токен\w*)(?!\s*+(?:/|per\s|a\s+sec|в\s+сек))"
)  # not "n_ctx = 4096", "max_tokens: 512" (a program's setting), "500 tokens/s"
# A thousand of something else: money, counts, a screen.
_NOT_TOKENS_BEFORE_RE = re.compile(r"(?:[$€£¥₽]|usd|eur|paid|spent|spend|costs?|price[ds]?|budget\s+of)\s*+~?$")
_NOT_TOKENS_AFTER_RE = re.compile(
    r"(?<![\s+])(?:\+|\s)*+(?:\$|€|usd|eur(?:os?)?|dollars?|bucks|rub\w*|руб\w*|stars?|downloads?|users?|views?|likes?"
    r"|followers?|subscribers?|members?|lines?|rows?|files?|records?|samples?|examples?|steps?|iterations?|epochs?"
    r"|images?|pictures?|photos?|monitors?|displays?|screens?|videos?|resolution|tv|hdr|gaming|budget|rpm|requests?"
    r"|messages?|employees?|customers?|people|tokens?\s*+(?:/|per\s|a\s+sec)|t/s|tps)(?![a-zа-я])"
)
# A context a model has, stated ("MythoMax-L2-13B has 4K tokens", "it supports 128k context"), is no need.
_CLAIM_RE = re.compile(
    r"(?<![a-z])(?:has|had|supports?|supported|offers?|trained\s+(?:on|with)|comes\s+with|extended\s+to)\s++"
    r"(?:(?:a|an|the|max(?:imum)?|native(?:ly)?|context|window|length|size|of|up\s+to)\s++){0,4}+$"
)


def _claimed(scan: _Scan, at: int) -> bool:
    """Whether the context length at `at` is stated of a model, in a sentence that asks nothing."""
    return bool(_CLAIM_RE.search(scan.window(at - 40, at))) and "?" not in _sentence_at(scan.original, at)


# Between two context lengths offered as alternatives: "8k or 16k", "8k if not 32k", "8k-16k", "8k/16k"
_CONTEXT_EITHER_RE = re.compile(
    r"(?i:(?<!\s)\s*+(?:(?:tokens?|context|ctx)\s*+)?+(?:,?\s*+(?:or|if\s++not|maybe|ideally|preferably|или|а\s++лучше)\s|[\-–/~]|to\s|до\s)\s*+)"
)
_K_NAME_BEFORE_RE = re.compile(r"(?:mini|small|medium|\d(?:\.\d)?b|phi[\s-]?\d(?:\.\d)?)[\s\-_]$")
_K_NAME_AFTER_RE = re.compile(r"[\-_]|\s(?:instruct|chat|it|base)(?![a-z])")


def _context(scan: _Scan) -> None:
    asked: list[tuple[int, int, int]] = []  # (start, end, tokens) of each length asked for
    for match in list(itertools.islice(_CONTEXT_K_RE.finditer(scan.text), MAX_AMOUNTS)):  # a handful; 1,000 an attack
        unit = match.group("unit")
        big = unit in ("m", "м", "млн")
        near = scan.window(match.start() - 25, match.end() + 25)
        if big and not re.search(_CONTEXT_WORD, near):
            continue  # "500m" is parameters, "1M context" is context
        if unit == "кб" and not re.search(_CONTEXT_WORD, near):
            continue
        value = _float(match.group(1)) * (1024 * 1024 if big else 1024)
        in_name = _K_NAME_BEFORE_RE.search(scan.window(match.start() - 12, match.start()))
        if in_name or _K_NAME_AFTER_RE.match(scan.window(match.end(), match.end() + 12)):
            continue  # "phi 3 mini 128k instruct", "Phi-3-mini-128k": a model's name
        if _NOT_TOKENS_BEFORE_RE.search(scan.window(match.start() - 16, match.start())) or _NOT_TOKENS_AFTER_RE.match(
            scan.text, match.end()
        ):
            continue  # "a $5k budget", "10k stars", "a 4K monitor", "2k tokens/s": no context length
        if _claimed(scan, match.start()):
            continue
        if 256 <= value <= 100_000_000:
            asked.append((match.start(), match.end(), int(value)))
            scan.blank(match.start(), match.end())
    for match in scan.take(_CONTEXT_PLAIN_RE):
        value = int(match.group("value") or match.group("value2"))
        if _claimed(scan, match.start()):
            continue
        if 256 <= value <= 100_000_000:
            asked.append((match.span("value") if match.group("value") else match.span("value2")) + (value,))
    scan.found.min_context = _least_context(scan.original, sorted(asked))


def _least_context(text: str, asked: list[tuple[int, int, int]]) -> int | None:
    """The context asked for: the largest of the lengths stated, but of lengths offered as alternatives ("8k or
    16k", "8k if not 32k", "8k-16k") the least, which is the minimum the user accepts."""
    least: list[int] = []
    for index, (start, _end, value) in enumerate(asked):
        if index and _CONTEXT_EITHER_RE.fullmatch(text, asked[index - 1][1], start):
            least[-1] = min(least[-1], value)
        else:
            least.append(value)
    return max(least, default=None)


# ---------------------------------------------------------------- licences
def _named_license(name: str) -> str:
    """ "Llama 3 license", "лицензия Llama 3", "под лицензией Gemma": a licence named after a model."""
    return rf"{name}\s*+(?:licen[cs]e|terms|лиценз\w*)|лиценз{_REST}(?:\s++только)?[\s—:–-]++{name}(?!\d|\.\d)"


_LICENSES: tuple[tuple[str, str], ...] = (
    (r"cc[\s-]*by[\s-]*nc[\s-]*sa(?:[\s-]*4(?:\.0)?)?", "cc-by-nc-sa-4.0"),
    (r"cc[\s-]*by[\s-]*nc(?:[\s-]*4(?:\.0)?)?", "cc-by-nc-4.0"),
    (r"cc[\s-]*by[\s-]*sa(?:[\s-]*4(?:\.0)?)?", "cc-by-sa-4.0"),
    (r"cc[\s-]*0|cc0(?:-1\.0)?", "cc0-1.0"),
    (r"cc[\s-]*by(?:[\s-]*4(?:\.0)?)?|creative\s+commons|(?<![a-z])cc(?![a-z-])", "cc-by-4.0"),
    (r"apache(?:[\s-]*+(?:licen[cs]e\s*+)?2(?:\.0)?)?|апач\w*", "apache-2.0"),
    (r"(?<![a-z])mit(?![a-z])", "mit"),
    (r"agpl(?:[\s-]*v?3(?:\.0)?)?", "agpl-3.0"),
    (r"lgpl(?:[\s-]*v?3(?:\.0)?)?", "lgpl-3.0"),
    (r"(?<![a-z])gpl(?:[\s-]*v?3(?:\.0)?)?", "gpl-3.0"),
    (r"gpl[\s-]*v?2(?:\.0)?", "gpl-2.0"),
    (r"(?<![a-z])bsd(?:[\s-]*3(?:[\s-]*clause)?)?", "bsd-3-clause"),
    (r"(?<![a-z])mpl(?:[\s-]*2(?:\.0)?)?(?![a-z])", "mpl-2.0"),
    (r"unlicen[cs]e", "unlicense"),
    (r"bigscience[\s-]*openrail[\s-]*m", "bigscience-openrail-m"),
    (r"bigcode[\s-]*openrail[\s-]*m", "bigcode-openrail-m"),
    (r"openrail(?:\+\+)?", "openrail"),
    *(
        (_named_license(rf"llama\s*+(?:-\s*+)?{version}"), f"llama{version.replace(chr(92), '')}")
        for version in (r"3\.3", r"3\.2", r"3\.1", "3", "2", "4")
    ),
    (_named_license("gemma"), "gemma"),
    (_named_license("qwen"), "qwen"),
)
_LICENSE_RE = re.compile(
    rf"{_WORD_START}(?:" + "|".join(f"(?P<l{index}>{pattern})" for index, (pattern, _) in enumerate(_LICENSES)) + ")"
)
_LICENSE_CONTEXT = re.compile(r"licen[cs]|лиценз|apache|mit\b|cc|gpl|bsd|openrail|commercial|коммерч")


def _licenses(scan: _Scan) -> None:
    found = []
    for match in list(_LICENSE_RE.finditer(scan.text)):
        license_id = _LICENSES[int(str(match.lastgroup)[1:])][1]
        if license_id == "cc-by-4.0" and match.group(0).strip() == "cc":
            near = scan.window(match.start() - 60, match.end() + 60)
            if not _LICENSE_CONTEXT.search(near.replace("cc", "", 1)):
                continue
        scan.blank(match.start(), match.end())
        if _CARRIED_RE.search(scan.window(match.start() - 60, match.start())):
            continue  # "are both licensed under Apache?", "thanks for releasing X under the MIT license": a fact
        found.append(license_id)
    scan.found.licenses = unique(found)


# A licence a released model carries, stated or asked about; "a model licensed under Apache" stays a wish.
_CARRIED_RE = re.compile(
    r"(?:(?<![a-z])(?:is|are|was|were|been|it'?s|they'?re)\s+(?:\w+\s+)?(?:licensed|released|distributed|published)"
    r"|(?<![a-z])(?:releasing|released|publishing|open-?sourcing)\s+(?:\S+\s+){0,4}?)\s*under\s+(?:the\s+|an?\s+)?$"
    r"|(?<![a-z])(?:its\s+|the\s+)?licen[cs]e\s+(?:is|was)\s+(?:the\s+)?$"  # "Its a nice size. License is Apache 2.0"
)


# ---------------------------------------------------------------- quants and formats
_QUANT_RE = re.compile(
    r"(?<![a-z0-9])(?P<ggml>i?q[1-8](?:_[a-z0-9]{1,3}){1,2})(?![a-z0-9])"
    r"|(?<![a-z0-9])q(?P<kbits>[2-8])k_(?P<ksize>[sml])(?![a-z0-9])|(?<![\w.])(?P<legacy>[458])_(?P<lv>[01])(?![\w.])"
    r"|(?<![a-z0-9])(?P<bare>q[2-8])(?![a-z0-9_])"
    r"|(?<![\w.])(?P<bits>[1-8])[\s-]*+(?:bits?|бит\w*)(?![a-z])"
    r"|(?<![a-z0-9_])(?:int|fp)-?(?P<int>[48])(?![a-z0-9_])"
    r"|(?<![a-z0-9])(?P<float>bf16|fp16|f16|fp32|f32|b?float(?:16|32))(?![a-z0-9])"
)


# A quant level followed by the size it makes ("which in bf16 is 26GB", "the Q8 version, which would consume around
# 35GB"): what a model takes at that precision, not the level wished.
_SIZED_AT_RE = re.compile(
    r"[^.?!\n\d]{0,30}?(?<![a-z])(?:is|are|=|takes?|needs?|uses?|consumes?|requires?|occupies)\s++(?:about\s++|around\s++"
    r"|roughly\s++|~\s*+)?\d++(?:[.,]\d++)?+\s*+(?:gb|gib|g)(?![a-z])"
)


def _quants(scan: _Scan) -> None:
    found = []
    original = _lower(scan.original)
    for match in scan.take(_QUANT_RE):
        if _SIZED_AT_RE.match(original, match.end()):
            continue
        before, after = scan.window(match.start() - 6, match.start()), scan.window(match.end(), match.end() + 5)
        if re.search(r"(?<![a-z])from\s$", before) and re.match(r"\s(?:to|на)\s", after):
            continue  # "change X from Q8 to Q6 or something": the Q8 is what there is
        if match.group("ggml"):
            found.append(match.group("ggml").upper())
        elif match.group("kbits"):
            found.append(f"Q{match.group('kbits')}_K_{match.group('ksize').upper()}")  # "Q4K_M"
        elif match.group("legacy"):
            found.append(f"Q{match.group('legacy')}_{match.group('lv')}")  # "quantisation 4_0"
        elif match.group("bare") or match.group("bits") or match.group("int"):
            bits = (match.group("bare") or "")[1:] or match.group("bits") or match.group("int")
            found.append(f"{bits}BIT")
        else:
            name = match.group("float").upper()
            found.append(
                {"FP16": "F16", "FP32": "F32", "FLOAT16": "F16", "FLOAT32": "F32", "BFLOAT16": "BF16"}.get(name, name)
            )
    scan.found.quants = unique(found)


_FORMATS: tuple[tuple[str, str], ...] = (
    (r"gguf|ггуф|llama[\s.\-]*cpp|(?<![a-z])ollama|lm\s*studio|lmstudio|kobold\s*cpp|koboldcpp", "gguf"),
    (r"gptq", "gptq"),
    (r"(?<![a-z])awq(?![a-z])", "awq"),
    (r"exl2|exllama\w*|exl3", "exl2"),
    (r"(?<![a-z])mlx(?![a-z])", "mlx"),
    (r"safe\s*tensors", "safetensors"),
)
_ORG_AFTER_RE = re.compile(r"-[\w\-]{0,30}+/[a-z0-9]")  # "mlx-community/...", not "GGUF/GPTQ"
_FORMAT_RE = _words("|".join(f"(?P<f{index}>{pattern})" for index, (pattern, _) in enumerate(_FORMATS)))


def _formats(scan: _Scan) -> None:
    found = []
    low = _lower(scan.original)
    for match in scan.take(_FORMAT_RE):
        if match.start() >= 2 and low[match.start() - 1] in "-_" and low[match.start() - 2].isalnum():
            continue  # "MythoMax-L2-13B-GPTQ", "Qwen2.5-Coder-7B-Q8_0-GGUF": a model's name, not the format asked for
        if _ORG_AFTER_RE.match(low, match.end()):
            continue  # "mlx-community/gpt-oss-20b": the organisation in a Hub id, not the format asked for
        found.append(_FORMATS[int(str(match.lastgroup)[1:])][1])
    scan.found.formats = unique(found)


# ---------------------------------------------------------------- mentioned, not wanted
# What the user has tried, uses now or rejects: the rest of that clause names no wish (sizes, families, quants).
_MENTIONED_RE = _words(
    r"(?<![a-z])(?:(?<!anyone\s)(?<!someone\s)(?<!you\s)(?<!body\s)tried|i\s+used|i'?ve\s+used|used\s+to|was\s+using|were\s+using|have\s+been\s+using"
    r"|(?:i|we)(?:'ve|\s+have)\s+been\s+\w+ing|(?:i'?m|am)\s+(?:currently\s+)?(?:using|running|testing|trying(?!\s+to))"
    r"|currently(?!\s+(?:looking|searching|seeking|need|want|trying\s+to|planning|evaluating|choosing))"
    r"|in\s+the\s+past|(?<!can )(?<!could )(?<!should )(?<!would )(?<!do )"
    r"(?<!if )(?<!when )(?<!will )i\s+(?:currently\s+)?(?:use|run)(?![a-z])|(?P<my>my\s+(?=\S*\d))"
    r"|(?P<examples>like(?=[^.!?\n]{0,80}?etc))"
    r"|(?P<listed>like(?=\s++[A-Za-z0-9][\w.\-]*+(?:\s++\d[\w.\-]*+){0,2}+(?:\s*+,\s*+[A-Za-z0-9][\w.\-]*+"
    r"(?:\s++\d[\w.\-]*+){0,2}+\s*+(?:,|and\s|or\s)|\s++or\s++(?:any|some|other|similar)(?![a-z]))))"
    r"|e\.?\s?g\.?(?![a-z])|for\s+example|such\s+as"
    r"|rather\s+than|compared\s+to|(?:without|w/o|non)[\s-]*+(?=\d+[\s-]?bit|q\d|int\d|fp\d|quanti[sz]|gguf|awq|gptq|exl2)|weaker\s+than|don'?t\s+want|do\s+not\s+want|not\s+(?:a|an|the)(?![a-z])"
    r"|(?<![а-я])(?:пробовал\w*|юзал\w*|использовал\w*|сейчас\s+(?:стоит|использую|юзаю)|раньше|не\s+нужн\w*|не\s+хочу"
    r"|а\s+не(?![а-я])))"
)
_CLAUSE_END_RE = re.compile(
    r"\.(?!\w)|[!?;,\n]|(?<![a-z])(?:but|however|so|and\s+i)(?![a-z])|(?<![а-я])(?:но|а)(?![а-я])"
)


# A sentence that reports how a model behaved ("8b parameters are very slow", "7B models work perfectly for chat")
# describes what the user has, not what they ask for.
_REPORT_RE = _words(
    r"(?:too|very|really|super|incredibly|extremely)\s+slow|(?:does\s*n[o']t|did\s*n[o']t|won'?t|not)\s+(?:work|run|load)"
    r"|(?:works?|worked|runs?|ran)\s+(?:perfectly|fine|well|great|ok(?:ay)?|smoothly)|out\s+of\s+memory|\boom\b"
    r"|turned\s+into|crash\w*|(?:runs?|running|ran)\s+(?:very\s+|really\s+|too\s+)?slow(?:ly)?(?![a-z])|impossible\s+to\s+run|can'?t\s+run|cannot\s+run|(?<!not\s)(?<!it\s)(?<!be\s)too\s+(?:large|big|slow)(?![^.!?\n]{0,60}+\?)"
)
_SENTENCE_RE = re.compile(r"(?:[^.!?\n]|\.(?=\w))++[.!?]?+")  # its end mark kept: "too big for X?" asks
# Where a clause of a sentence starts: "..., because my device can't run big ones", "... but it was too slow, any 13b?"
_CLAUSE_BREAK_RE = re.compile(
    r"[,;]|(?<![a-zа-я])(?:because|since|cause|coz|but|however|although|though|потому\s++что|так\s++как|но)(?![a-zа-я])"
)
_TOKEN_RE = re.compile(r"[^\s,.;:!?]++")
_LIST_END_RE = re.compile(
    r"(?:(?<!\s)\s*+,?+\s*+(?:and\s++|or\s++)?+(?<![\w.\-])[A-Za-z0-9][\w.\-]*+(?:\s++\d[\w.\-]*+){0,2}+){2,8}+"
)


# In a post of several sentences, the sentences that ask (a question, "recommend", "looking for", "need") carry
# the wishes; the others tell the story (what runs now, what was tried, what the docs say). Sizes, families,
# quant levels, orders and context lengths are read from the first sentence and the asking ones only.
_ASKING_RE = re.compile(
    r"\?|(?<![a-z])(?:recomm?[ae]nd\w*|suggest\w*|looking\s+for|search\w*\s+for|need|needs|want|wants|would\s+like"
    r"|i'?d\s+like|wish|hope|please|pls|advice|advise|guidance|prefer\w*|which|best|top|should\s+i|is\s+there|are\s+there"
    r"|can\s+(?:someone|anyone|you|u|we)|help\s+me|any\s+help|ideal|good\s+for|for\s+(?:my|our|a)\s)(?![a-z])"
    r"|посовет|подскаж|порекоменд|нужн|хочу|ищу|как(?:ую|ая|ие|ой)(?![а-я])|лучш|помогите|пожалуйста"
)
_ASK_SENTENCE_RE = re.compile(r"(?:[^.!?\n]|\.(?=\w))++[.!?\n]*+")  # "Qwen2.5" ends no sentence


def _story_spans(text: str, purpose: bool | None = None) -> list[tuple[int, int]]:
    """The sentences after the first that ask nothing, when there are at least three sentences; with `purpose`
    True or False, only those that state (or do not state) what the model is for."""
    sentences = [m for m in _ASK_SENTENCE_RE.finditer(text) if m.group(0).strip(" .!?\n")]
    if len(sentences) < STORY_MIN_SENTENCES:
        return []
    spans = []
    carried = False  # the items of a list asked for ("...for running the following models:\n- X\n- Y") ask too
    lines = False  # and so do the lines under a heading of needs ("Requirements:\nContext - 32000\nSize 10-32B")
    for index, m in enumerate(sentences):
        sentence = m.group(0)
        asks = bool(_ASKING_RE.search(sentence))
        if index and (_LIST_ITEM_RE.match(sentence.lstrip()) or lines):
            asks = asks or carried
        else:
            heading = bool(_NEEDS_HEADING_RE.search(sentence)) and sentence.rstrip().endswith(":")
            carried = heading or (asks and sentence.rstrip().endswith(":"))
            lines = heading
        if not sentence.endswith("\n") or sentence.endswith("\n\n"):
            lines = False  # a blank line, or a sentence going on in the line, ends the list
        if not index:
            continue
        if not asks and (purpose is None or bool(_PURPOSE_RE.search(sentence)) == purpose):
            spans.append((m.start(), m.end()))
    return spans


# A sentence telling what the model is for or must be: "We're building a service for a bank: RAG over its rules.",
# "The legal team insists on Apache 2.0."
_PURPOSE_RE = re.compile(
    r"(?<![a-z])(?:use[\s-]?case|(?:we|i)(?:'re|'m|\s+am|\s+are)\s+(?:building|making|developing|creating|working\s+on"
    r"|planning)|(?:we|i)\s+(?:plan|intend|aim)\s+to|in\s+order\s+to|so\s+that|the\s+goal|purpose|intended\s+for"
    r"|(?:mainly|mostly|primarily)\s+for|must|insists?|required|requirements?|mandatory|(?:has|have)\s+to)(?![a-z])"
    r"|(?<![а-я])(?:чтобы|делаем|задач\w*+|обязательн\w*+|должн\w*+)(?![а-я])"
)


STORY_MIN_SENTENCES = 3
# A heading whose lines list what the model must be: "Requirements:", "Критерии моделей:"
_NEEDS_HEADING_RE = re.compile(
    r"(?i:(?<![a-z])(?:requirements?|criteria|must[\s-]haves?|wish[\s-]?list)(?![a-z])"
    r"|(?<![а-я])(?:требовани|критери|пожелани)[а-я]*+)"
)
_LIST_ITEM_RE = re.compile(r"(?:[-*•–]|\d{1,2}[.)])\s")  # matched at a stripped sentence's start


# A full model name in passing ("llama3-70b-IQ2XS", "deepseek-coder-v2:16b-lite", "org/Model-7B") names one
# model the user has seen or used: its family, size and quant are not filters (a wish says "a llama 70b").
_FULL_NAME_RE = re.compile(r"(?<![\w.\-/:])(?=[a-z][\w.]*+[\-_:/])[a-z][\w.]*+(?:[\-_:/][\w.]++){2,8}+")


def _full_names(scan: _Scan) -> None:
    for match in list(_FULL_NAME_RE.finditer(scan.text)):
        if any(char.isdigit() for char in match.group(0)):
            scan.blank(match.start(), match.end())


def _story(scan: _Scan) -> None:
    for start, end in _story_spans(_lower(scan.original), purpose=False):  # as written: a blanked name ends none
        scan.blank(start, end)


def _purpose_story(scan: _Scan) -> None:
    """A sentence stating a purpose names the task, not sizes, families or orders."""
    for start, end in _story_spans(_lower(scan.original), purpose=True):
        scan.blank(start, end)


def _mentioned_spans(text: str) -> list[tuple[int, int]]:
    """Where `text` (lower case) tells what the user has, tried, uses or rejects: report sentences, and each cue
    to the end of its clause."""
    spans = []
    for sentence in _SENTENCE_RE.finditer(text):
        said = sentence.group(0)
        for report in itertools.islice(_REPORT_RE.finditer(said), MAX_NAMES):
            # "1B or 1.5B please, because my device can't run big ones": the clause reports, not the sentence
            before = [m.start() for m in _CLAUSE_BREAK_RE.finditer(said, 0, report.start())]
            after = _CLAUSE_BREAK_RE.search(said, report.end())
            start = sentence.start() + (before[-1] if before else 0)
            spans.append((start, sentence.start() + (after.start() if after else len(said))))
    for match in _MENTIONED_RE.finditer(text):
        rest = text[match.end() : match.end() + 120]
        end = rest.find("etc") + 3 if match.group("examples") else None  # "like TinyLlama, phi-2, etc"
        listed = _LIST_END_RE.match(rest) if match.group("listed") else None
        if listed:
            end = listed.end()  # "3 big models like CLIP, LLama, Whisper, at least how much VRAM": examples
        token = _TOKEN_RE.match(rest) if match.group("my") else None
        if token and (token.group(0)[0].isdigit() or _GPU_NAME_RE.match(token.group(0))):
            end = token.end()  # "my M2 Air", "my 3090": the user's hardware, not a model they use
        if end is None:
            clause = _CLAUSE_END_RE.search(rest)
            end = clause.start() if clause else len(rest)
        spans.append((match.start(), match.end() + end))
    for match in itertools.islice(_OR_OTHER_RE.finditer(text), MAX_NAMES):  # "with deepseek or kimi or other models"
        leads = list(_EXAMPLES_LEAD_RE.finditer(text, max(0, match.start() - 150), match.start()))
        first = _FAMILY_RE.search(text, leads[-1].end(), match.start()) if leads else None
        if first:  # from the first model named ("with Chinese deepseek or ...": the language is still asked for)
            spans.append((first.start(), match.start()))  # the examples; "or other chinese models" still asks
    for match in itertools.islice(_TRAILING_EXAMPLE_RE.finditer(text), MAX_NAMES):  # "Use llama for example."
        window = max(0, match.start() - 160)  # the clause before is an example
        start = max(window - 1, *(text.rfind(mark, window, match.start()) for mark in ".!?\n,;(")) + 1
        spans.append((start, match.end()))
    return spans


# A list ending in "or other models" names examples: "with deepseek or qwen-turbo or kimi or other large models"
_OR_OTHER_RE = re.compile(
    r"(?<![a-z])(?:or|and)\s++(?:any\s++|some\s++)?+others?+(?:\s++[a-z]++){0,3}?\s++(?:models?|llms?|ones)(?![a-z])"
)
_EXAMPLES_LEAD_RE = re.compile(r"(?<![a-z])(?:with|like|such\s++as|e\.g\.|including|from)\s")
_TRAILING_EXAMPLE_RE = re.compile(r"(?<![a-z])(?:for\s++example|for\s++instance|e\.g\.?+)(?=\s*+(?:[.!?)\n]|$))")


def _mentioned(scan: _Scan) -> None:
    for start, end in _mentioned_spans(scan.text):
        scan.blank(start, end)


# ---------------------------------------------------------------- parameters
_B_UNIT = r"(?P<unit>b|bn|billion|млрд|миллиард\w*+|б|m|million|млн|миллион\w*+)(?![a-zа-я])"
_B_UNIT2 = _B_UNIT.replace("?P<unit>", "?P<unit2>")
_PARAMS_RANGE_RE = re.compile(
    rf"(?:(?:between|from|от)\s*+)?(?<![\w.]){_NUMBER}\s*+(?:{_B_UNIT2}\s*+)?(?:-|–|—|to|and|or|до|и|или)\s*+{_NUMBER}\s*+{_B_UNIT}"
)
_SIZE_WORDS = r"(?:\s++(?:size|params|parameters|размер\w*+))?+(?:\s*+(?:is|of|:|—|-|=))?+"
_MAX_WORDS = (
    r"(?:under|below|(?<!no )(?<!not )(?:less|smaller)\s+than|up\s+to|upto|<=?|≤|max(?:imum)?|at\s+most"
    r"|(?:no|not|nothing)\s+(?:more|bigger|larger|greater)\s+than|до|не\s+больше|не\s+более|(?<!не )меньше"
    r"|(?<!не )менее|максимум|не\s+крупнее|помельче|не\s+выше)" + _SIZE_WORDS
)
_MIN_WORDS = (
    r"(?:at\s+least|over|above|more\s+than|bigger\s+than|larger\s+than|(?:better|smarter|stronger)\s+than(?:\s+the)?|>=?|≥|min(?:imum)?|(?:no|not)\s+(?:less|"
    r"smaller)\s+than|от|не\s+меньше|не\s+менее|(?<!не )больше|(?<!не )более|минимум|(?<!не )крупнее|starting\s+"
    r"(?:at|from))" + _SIZE_WORDS
)
_PARAMS_MAX_RE = re.compile(
    rf"(?:{_MAX_WORDS})\s*+(?<![\w.]){_NUMBER}\s*+{_B_UNIT}"
    rf"|(?<![\w.]){_NUMBER.replace('(', '(?P<less>', 1)}\s*+{_B_UNIT2}\s*+(?:or\s+(?:less|smaller|under|below)|and\s+"
    r"(?:under|below|smaller|less)|и\s+меньше|или\s+меньше|и\s+ниже|max)(?![a-zа-я])"
)
_PARAMS_MIN_RE = re.compile(
    rf"(?:{_MIN_WORDS})\s*+(?<![\w.]){_NUMBER}\s*+{_B_UNIT}"
    rf"|(?<![\w.]){_NUMBER.replace('(', '(?P<plus>', 1)}\s*+{_B_UNIT2}\s*+(?:\+|or\s+(?:more|bigger|larger|above)"
    r"|and\s+(?:up|above|bigger|larger)|и\s+(?:больше|выше|крупнее))"
)
_TRIED_RE = re.compile(r"(?:tried|used|had|ran|running)\s+(?:a|an|the)?\s*$|(?:пробовал\w*|юзал\w*)\s*$")
_PARAMS_EXACT_RE = re.compile(rf"(?<![\w.])(?:~\s*+)?{_NUMBER}\s*+{_B_UNIT}")


def _billions(value: str, unit: str | None) -> float:
    number = _float(value)
    return number / 1000 if unit and (unit in ("m", "million", "млн") or unit.startswith("миллион")) else number


_PARAMS_LIST_RE = re.compile(
    r"(?<![\w.])(?P<low>\d++(?:\.\d++)?+)\s*+b(?:\s*+/\s*+\d++(?:\.\d++)?+\s*+b){1,6}+(?![a-z])"
)


def _params(scan: _Scan) -> None:
    found = scan.found
    for match in scan.take(_PARAMS_LIST_RE):  # "1B/2B/3B": the span of the sizes listed
        sizes = re.findall(r"\d+(?:\.\d+)?", match.group(0))  # the last size listed is the top
        low, high = _float(match.group("low")), _float(sizes[-1])
        if 0 < low <= high:
            found.params_min_b, found.params_max_b = low, high
    for match in scan.take(_PARAMS_RANGE_RE):
        low = _billions(match.group(1), match.group("unit2") or match.group("unit"))
        high = _billions(match.group(3), match.group("unit"))
        if 0 < low <= high:
            found.params_min_b, found.params_max_b = low, high
    for match in scan.take(_PARAMS_MAX_RE):
        value, unit = (match.group(1), match.group("unit")) if match.group(1) else (match.group("less"), None)
        found.params_max_b = _billions(value, unit or match.group("unit2"))
    for match in scan.take(_PARAMS_MIN_RE):
        value, unit = (match.group(1), match.group("unit")) if match.group(1) else (match.group("plus"), None)
        found.params_min_b = _billions(value, unit or match.group("unit2"))
    for seen, match in enumerate(scan.take(_PARAMS_EXACT_RE)):
        if found.params_min_b is not None or found.params_max_b is not None or seen >= MAX_AMOUNTS:
            continue  # a size is already read (or an attack repeats them): the rest are only blanked
        if _TRIED_RE.search(scan.words_before(match.start())):
            continue  # "I tried a 13b and it was slow" is not a wish
        if _in_a_name(scan.original, match.start()):
            continue  # "mulberry-7B", "gemma3:4b": the size of one model named, not a wish
        value = _billions(match.group(1), match.group("unit"))
        if found.params_min_b is None and found.params_max_b is None and value > 0:
            found.params_min_b = found.params_max_b = value


def _in_a_name(text: str, start: int) -> bool:
    """A size glued to a name before it by "-", ":", "_" or "/" ("InternVL2-40B-AWQ", "llama3:8b")."""
    return start >= 2 and text[start - 1] in "-:_/" and text[start - 2].isalnum()


# ---------------------------------------------------------------- words: families, tasks, languages
def _vocabulary(table: dict[str, str], word_start: bool = False) -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex over every pattern in `table` (pattern → value, each starting with a letter), and a group
    name → value map. With `word_start`, a match must start a word (Russian stems would match inside other
    words: "чат" in "окончательно")."""
    names = {f"w{index}": value for index, value in enumerate(table.values())}
    pattern = "|".join(f"(?P<w{index}>{word})" for index, word in enumerate(table))
    return re.compile(f"{_WORD_START if word_start else _LETTER}(?:{pattern})"), names


_FAMILY_WORDS: dict[str, str] = {
    r"mixtral|микстрал\w*": "mixtral",
    r"code\s*llama|codellama|l{1,2}a{1,2}m{1,2}a(?![a-z])|llma|vicuna|wizard\s*lm|викуна|ллам\w*"
    r"|л?лам{1,2}(?:а|у|ы|ой|е|ами|ах)?(?![а-я])": "llama",
    r"mistral|codestral|ministral|devstral|mathstral|magistral|pixtral|мистрал\w*": "mistral",
    r"qwen|qwq|квен\w*|цюань": "qwen",
    r"gemma|джемм\w*|гемм\w*": "gemma",
    r"(?<![a-z])phi(?![a-z])|(?<![а-я])фи(?![а-я])": "phi",
    r"deep\s*seek|deepseeq|дипсик\w*": "deepseek",
    r"(?<![a-z0-9])yi(?![a-z])": "yi",
    r"falcon|фалкон\w*": "falcon",
    r"command[\s-]*r|c4ai": "command-r",
    r"(?<![a-z])solar(?![a-z])": "solar",
    r"starcoder|starchat": "starcoder",
    r"gpt[\s-]*oss": "gpt-oss",
    r"granite": "granite",
    r"olmo": "olmo",
    r"internlm": "internlm",
    r"(?<![a-z])glm|chatglm": "glm",
    r"minicpm": "minicpm",
    r"smol\s*lm": "smollm",
    r"nemotron": "nemotron",
    r"exaone": "exaone",
    r"kimi": "kimi",
}
_FAMILY_RE, _FAMILY_NAMES = _vocabulary(_FAMILY_WORDS)


def _family_words(text: str) -> list[str]:
    matches = _FAMILY_RE.finditer(text)
    return [_FAMILY_NAMES[str(match.lastgroup)] for match in matches if not _is_word_inside(text, match)]


def _is_word_inside(text: str, match: re.Match[str]) -> bool:
    """ "lama" inside "ollama"/"Alamo": a family word glued to letters before it does not count."""
    start = match.start()
    return start > 0 and text[start - 1].isalpha() and match.group(0)[:1] in "lл"


def _families(scan: _Scan) -> None:
    text, low = scan.text, _lower(scan.original)  # the tag as written: its size may be blanked already
    found = [
        _FAMILY_NAMES[str(match.lastgroup)]
        for match in _FAMILY_RE.finditer(text)
        if not _is_word_inside(text, match) and not _OLLAMA_TAG_RE.match(low, match.end())
    ]
    scan.found.families = unique(found)


# An Ollama tag after the name ("llama3.1:8b", "mistral:7b", "gemma3:12b"): one model named, not its family
_OLLAMA_TAG_RE = re.compile(r"[\w.\-]{0,12}+:\d")


_TASK_WORDS: dict[str, str] = {
    r"(?:cod(?:e|es|ing|er|ers)|programm(?:ing|er|ers)|program\s+(?:code|in)|python|javascript|typescript|rust|golang|c\+\+|c#|java|sql|php|kotlin"
    r"|swift|scripts?|developer|software\s+dev\w*|auto-?complet\w*|code\s+complet\w*|tab[\s-]*+complet\w*|copilot|debug\w*"
    r"|refactor\w*|fill[\s-]*+in[\s-]*+the[\s-]*+middle|fim)(?![a-z])"
    r"|код\w*|программир\w*|программист\w*|питон\w*|скрипт\w*|разработ\w*": "code",
    r"(?:chat|chats|chatbot|chatting|(?<!home\s)(?<!coding\s)(?<!code\s)assistant|conversation(?!\s+history)\w*|talk(?:ing)?\s+(?:to|with)|companion"
    r"|(?:customer\s+)?support\s+bot|helpdesk)(?![a-z])"
    r"|чат\w*|болталк\w*|болтат\w*|поболтат\w*|собеседник\w*|общени\w*|общат\w*|пообщат\w*|ассистент\w*"
    r"|диалог\w*|разговор\w*": "chat",
    r"role[\s-]*play\w*|(?:rp|erp|rpg|d&d|dnd|dungeons|sillytavern|characters?(?!\s+recognition)|persona)(?![a-z])"
    r"|ролев\w*|ролепле\w*|персонаж\w*|отыгр\w*": "roleplay",
    r"rag(?![a-z])|retriev(?:al|ed|ing)|knowledge\s+base|confluence|internal\s+(?:docs|documentation|wiki|instructions)"
    r"|внутренн\w*\s+(?:инструкци|документ|регламент|вики)\w*|question[\s-]+answering|(?:questions?|chat|search)\s+(?:over|about|with|in|across|around|on|from)\s+(?:my\s+|our\s+|"
    r"the\s+|a\s+)?(?:docs?|documents?|pdfs?|files|notes|wiki)|(?:my|our|internal|company)\s+(?:docs|documents|pdfs|files"
    r"|notes|wiki)|(?:work(?:ing)?\s+with|understands?|process(?:ing|es)?|query(?:ing)?)\s+(?:my\s+|our\s+|the\s+)?"
    r"(?:docs|documents|pdfs?|files)(?![a-z])|(?:по|из|над)\s+(?:моим\s+|нашим\s+|внутренним\s+)?(?:документ\w*|pdf|файл\w*)"
    rf"|баз{_REST}\s+знани\w*|pdf-?файл\w*|работ{_REST}\s+(?:с|со)\s+(?:документ|pdf|файл|текст)\w*": "rag",
    r"(?:math|maths|mathematics|mathematical|algebra|calculus|geometry|equations?|arithmetic)(?![a-z])"
    r"|математ\w*|алгебр\w*|уравнени\w*|геометр\w*|матан\w*": "math",
    r"reasonn?ing|(?:(?<!good\s)(?<!the\s)(?<!a\s)(?<!no\s)(?<!any\s)(?<!some\s)(?<!main\s)(?<!this\s)(?<!that\s)"
    r"reason(?!\s+(?:why|for|is|was|behind|being))|thinking(?!\s+(?:of|about|in|that|to))|thinker|logic|logical|chain[\s-]+of[\s-]+thought|cot|step[\s-]+by[\s-]+step"
    r"|thinks?\s+before\s+(?:it\s+)?(?:answer|respond|repl)\w*)"
    r"(?![a-z])|рассужд\w*|размышлени\w*|логик\w*|логическ\w*|мышлени\w*|думающ\w*|ризонинг\w*|пошагов\w*": "reasoning",
    r"transl?at\w*|перевод\w*|перевест\w*|переводч\w*": "translation",
    r"summ?ar\w*|tl;?dr|digest(?![a-z])|action\s+(?:items|lists?)|meeting\s+(?:notes|minutes|transcripts?)"
    r"|переска\w*|суммариз\w*|резюм\w*|конспект\w*|выжимк\w*|саммари": ("summarization"),
    rf"function[\s-]*call\w*|tool[\s-]*(?:use|using|calling|calls)|tools(?![a-z])|вызов{_REST}\s+функци\w*"
    rf"|вызыва{_REST}\s+функци\w*|инструмент\w*|тулз\w*|call{_REST}\s++(?:our\s++|your\s++|internal\s++|external\s++"
    r"|an?\s++)*+"
    r"(?:apis?|functions?)": "tool-use",
    r"(?:agents?|agentic)(?![a-z])|агент\w*": "agent",
    r"(?:vision|images?|pictures?|photos?|multi[\s-]*modal|vlm|screenshots?|visual)(?![a-z])|картин\w*"
    r"|изображен\w*|фото\w*|мультимодал\w*|зрени\w*|скриншот\w*|снимк\w*|снимок": "vision",
    r"(?:stor(?:y|ies)|fiction|creative|novels?|poetry|poems?|storytelling|fanfic\w*|screenplay\w*|(?:fairy\s+|bedtime\s+)?tales"
    r"|lyrics|prose|novelist|plots?)(?![a-z])|истори[йяию]\w*|рассказ\w*|творческ\w*|стих\w*|фанфик\w*"
    r"|сочинять|роман\w*|сказк\w*|художествен\w*": ("creative-writing"),
    r"(?:medical|medicine|health\w*|clinical|doctors?|patients?|diagnos\w*)(?![a-z])|медицин\w*|врач\w*"
    r"|здоров\w*|диагноз\w*|пациент\w*|мрт|рентген\w*|x-?rays?|mri|radiolog\w*": "medical",
    r"(?:financ\w*|trading|stocks?|accounting|investment\w*|banking)(?![a-z])|финанс\w*|бухгалт\w*"
    r"|трейдинг\w*|инвестиц\w*|биржев\w*|акци[йяию]\w*|банк\w*": "finance",
    r"(?<!-)(?:legal|law|lawyers?|contracts?|juridical|ndas?|clauses)(?![a-z]|\s+(?:team|department))|юрид\w*|юрист\w*|юриспруденц\w*|правов\w*"
    r"|законодатель\w*|договор\w*": "legal",
    rf"ocr(?![a-z])|text\s+recognition|scanned|scans|receipts|handwrit\w*|рукописн\w*|распозна{_REST}\s+текст\w*|скан(?:ы|ов|ам)(?![а-я])"
    rf"|отсканирован\w*|текст{_REST}\s+(?:с|со|из)\s+(?:фото|картин|изображен|скан)\w*": "ocr",
}
# RAG first: "chat with my documents" is RAG, not chat (alternatives are tried in order at each position)
_TASK_WORDS = dict(sorted(_TASK_WORDS.items(), key=lambda item: item[1] != "rag"))
_TASK_RE, _TASK_NAMES = _vocabulary(_TASK_WORDS, word_start=True)


def _words_in(pattern: re.Pattern[str], names: dict[str, str], text: str) -> list[str]:
    """The values of `pattern`'s matches, in the order of the text."""
    return [names[str(match.lastgroup)] for match in pattern.finditer(text)]


def _tasks(scan: _Scan) -> None:
    tasks = []
    low = _lower(scan.original)  # the words blanked as formats ("llama-cpp-python") read as written
    for match in _TASK_RE.finditer(scan.text):
        task = _TASK_NAMES[str(match.lastgroup)]
        if task == "code" and _NOT_CODING_RE.search(low, max(0, match.start() - 20), match.start()):
            continue  # "run it through python", "a quantized script", "thanks for your great code": a tool, no task
        if task == "code" and _COMMAND_AFTER_RE.match(low, match.end()):
            continue  # "python generate.py --base_model=...": a command pasted, no task
        if match.start() >= 2 and low[match.start() - 1] in "-_" and low[match.start() - 2].isalnum():
            continue  # "glm-4-9b-chat", "deepseek-math": a model's name, not the task asked for
        if task == "vision" and (
            _PICTURE_REF_BEFORE_RE.search(low, max(0, match.start() - 24), match.start())
            or _PICTURE_REF_AFTER_RE.match(low, match.end())
        ):
            continue  # "as shown in the image", "on screenshots I see": the post's pictures, not the model's task
        if task == "chat" and (
            _CHAT_VARIANT_BEFORE_RE.search(low, max(0, match.start() - 20), match.start())
            or _CHAT_VARIANT_AFTER_RE.match(low, match.end())
        ):
            continue  # "a chat or instruct version of this model?", "the instruct models or the chat one?": a variant
        tasks.append(task)
    scan.found.tasks = unique(tasks)


_PICTURE_REF_BEFORE_RE = re.compile(
    r"(?<![a-z])(?:(?:shown|seen|see|as)\s++(?:in|on)|attached|following|above|below|(?:in|on)\s++(?:the\s++)?+(?:attached"
    r"|following))\s++(?:the\s++|this\s++|my\s++)?+$"
)
_PICTURE_REF_AFTER_RE = re.compile(r"(?<![\s,])\s*+,?\s*+(?:i\s++(?:see|saw)|below|above|attached)(?![a-z])")
_CHAT_VARIANT_BEFORE_RE = re.compile(r"instruct\w*+\s++(?:model\s++)?+(?:or|vs\.?+|and|/)\s++(?:the\s++|a\s++)?+$")
_CHAT_VARIANT_AFTER_RE = re.compile(
    r"(?<!\s)(?:\s*+(?:or|vs\.?+|and|/)\s++(?:an?\s++)?+instruct|\s++(?:versions?|variants?|one|template|format"
    r"|fine-?tunes?)(?![a-z]))"
)


_COMMAND_AFTER_RE = re.compile(r"(?<!\s)\s++(?:-[mc]\s|[\w/\-]++(?:\.[\w/\-]++)*?\.py(?!\w))")
# Code words that name the project's code or a tool the user runs, not coding as the model's task.
_NOT_CODING_RE = re.compile(
    r"(?<![a-z])(?:through|via|from|quantized|quantization|conversion|convert|install|your|great|nice|amazing|source"
    r"|sample|example|the\s+python|in\s+python|with\s+python|using\s+python|python\s+(?:api|bindings?|package))\s+$"
    r"|[a-z]-$"
)


_LANGUAGE_WORDS: dict[str, str] = {
    r"english|английск\w*|по-английски|англ\.?(?![а-я])": "en",
    r"russian|русск\w*|по-русски|русик\w*": "ru",
    r"chinese|mandarin|китайск\w*": "zh",
    r"german|немецк\w*": "de",
    r"french|французск\w*": "fr",
    r"spanish|испанск\w*": "es",
    r"japanese|японск\w*": "ja",
    r"korean|корейск\w*": "ko",
    r"italian|итальянск\w*": "it",
    r"portuguese|португальск\w*": "pt",
    r"arabic|арабск\w*": "ar",
    r"hindi|хинди": "hi",
    r"ukrainian|украинск\w*": "uk",
    r"turkish|турецк\w*": "tr",
    r"polish|польск\w*": "pl",
    r"dutch|голландск\w*|нидерландск\w*": "nl",
    r"vietnamese|вьетнамск\w*": "vi",
    r"kazakh|казахск\w*": "kk",
    r"hebrew|иврит\w*": "he",
    r"persian|farsi|персидск\w*": "fa",
    r"hungarian|венгерск\w*": "hu",
    r"thai(?![a-z])|тайск\w*": "th",
    r"indonesian|bahasa\s+indonesia|индонезийск\w*": "id",
    r"czech|чешск\w*": "cs",
    r"swedish|шведск\w*": "sv",
    r"greek|греческ\w*": "el",
    r"romanian|румынск\w*": "ro",
    r"bengali|bangla|бенгальск\w*": "bn",
    r"urdu|урду": "ur",
    r"malay(?![a-z])|малайск\w*": "ms",
    r"finnish|финск\w*": "fi",
    r"danish|датск\w*": "da",
    r"norwegian|норвежск\w*": "no",
    r"tagalog|filipino": "tl",
    r"swahili|суахили": "sw",
    r"tamil|тамильск\w*": "ta",
    r"belarusian|белорусск\w*": "be",
    r"uzbek|узбекск\w*": "uz",
    r"georgian|грузинск\w*": "ka",
    r"armenian|армянск\w*": "hy",
    r"serbian|сербск\w*": "sr",
    r"croatian|хорватск\w*": "hr",
    r"bulgarian|болгарск\w*": "bg",
    r"slovak|словацк\w*": "sk",
    r"catalan|каталонск\w*": "ca",
    r"pt-br|brazilian": "pt",
}
_LANGUAGE_RE, _LANGUAGE_NAMES = _vocabulary(_LANGUAGE_WORDS, word_start=True)
# The literal start of every alternative (each is at least three letters): a language is named only if one occurs.
_LANGUAGE_STEMS = tuple(
    re.split(r"[\\()\[\]{}?*+|.^$]", word, maxsplit=1)[0] for words in _LANGUAGE_WORDS for word in words.split("|")
)


def _languages(scan: _Scan) -> None:
    if any(stem in scan.text for stem in _LANGUAGE_STEMS):  # most requests name no language: skip the big regex
        scan.found.languages = unique(_words_in(_LANGUAGE_RE, _LANGUAGE_NAMES, scan.text))


# ---------------------------------------------------------------- intent words
_COMMERCIAL_RE = _words(
    r"(?P<neg>non[\s-]*|not\s+(?:for\s+)?|неко|не\s*)?(?:comm?er(?:ci|ic|c)\w*|комм?ер[чц]\w*)"
    rf"|for\s+work(?![a-z])|(?:ship|sell|selling|deploy){_REST}\s+(?:it\s+)?(?:in|to|as)\s+(?:a|our)\s+(?:product|service"
    r"|app)"
    r"|product\s+we\s+sell|(?<![a-z])(?:compan(?:y|ies)|startups?|employer)(?![a-z])|компани\w*|стартап\w*"
    r"|предприят\w*|фирм[аеуы](?![а-я])|продава\w*|продать|в\s+продакшен\w*"
    r"|for\s+(?:my|our|a)\s+(?:company|business|startup|employer|clients?|customers?|product|saas|work|job)(?![a-z])"
    r"|(?:at|in)\s+(?:my|our)\s+(?:company|startup|firm)|(?<![a-z])business(?![a-z])|enterprise|in\s+production"
    r"|(?:sell|selling|paid)\s+(?:product|service|app)|monetiz\w*|(?:we|i)\s+charge\s+for|(?:our|my)\s+saas|paying\s+customers|для\s+(?:бизнеса|компании|работы(?!\s+(?:с|со|над|в)\s)|фирмы|стартапа|"
    r"клиентов|продукта)|в\s+(?:продакшн\w*|прод(?![а-я])|продукт\w*)|на\s+продаж\w*|монетиз\w*|бизнес\w*"
)


def _commercial(scan: _Scan) -> None:
    for match in _COMMERCIAL_RE.finditer(scan.text):
        if match.group("neg"):
            continue
        scan.found.commercial = True
        return


_SFW_RE = re.compile(r"(?<![a-z])(?:sfw|safe\s+for\s+work|family[\s-]friendly|kid[\s-]friendly)(?![a-z])")
_UNCENSORED_RE = re.compile(
    r"unc[ae]ns[oe]r\w*|un-censored|abliterat\w*|nsfw|(?<![a-z])erp(?![a-z])|no\s+refusals?|without\s+refusals?"
    r"|doesn'?t\s+refuse|won'?t\s+refuse|unfiltered|no\s+(?:censorship|filters?|guardrails|restrictions)"
    r"|without\s+(?:any\s+)?(?:censorship|filters?|guardrails)|(?<![a-z])censorship[\s-]*free"
    r"|без\s+(?:всякой\s+|любой\s+)?цензур\w*|нецензур\w*|без\s+(?:всяких\s+)?ограничени\w*|без\s+фильтр\w*"
    r"|без\s+отказ\w*|не\s+(?:будет\s+)?(?:\S+\s+){0,3}?отказыва\w*|не\s+(?:будет\s+)?читать\s+морал\w*|без\s+морал\w*"
    r"|won'?t\s+(?:lecture|moraliz\w*)|no\s+moraliz\w*|цензура\s+не\s+нужна|18\+|расцензур\w*|аблитер\w*"
)


def _uncensored(scan: _Scan) -> None:
    if _UNCENSORED_RE.search(scan.text) and not _SFW_RE.search(scan.text):  # "an SFW version? most are NSFW"
        scan.found.uncensored = True


_SORT_WORDS: dict[str, str] = {
    r"(?<![a-z])(?<!did\s)(?<!does\s)(?:best(?!\s+(?:balance|trade-?off|compromise|way|fit|results?|experience|practices?|recommendations?|advice|regards|wishes|guess|bet|effort|part|of\s+luck|of\s+both|(?:ec2\s+)?instance|hardware|settings?|config\w*|parameters|setup|gpus?|cpus?|cards?|machines?|servers?|laptops?))|top|strongest|most\s+capable|most\s+powerful|smartest|state[\s-]+of[\s-]+the[\s-]+art|sota"
    r"|highest[\s-]+(?:rated|scoring|quality|recommended)|most\s+recommended|leading)(?![a-z])|лучш\w*|топ\w*|самую\s+мощн\w*|самая\s+мощн\w*"
    r"|самые\s+мощн\w*|самую\s+умн\w*|самая\s+умн\w*|сильнейш\w*|мощнейш\w*": "best",
    r"most\s+(?:downloaded|popular|used|liked)|popular\w*|widely\s+used|every(?:one|body)(?:'s|\s+is)?\s+(?:uses|using)"
    r"|популярн\w*|скачиваем\w*|народн\w*|(?:качают|скачивают)\s+больше\s+всего"
    r"|больше\s+всего\s+(?:качают|скачивают)": "popular",
    r"trending|(?<![a-z])(?:hot|hottest|hyped|buzz\w*|viral)(?![a-z])|people\s+are\s+(?:excited|talking)\s+about"
    r"|в\s+тренде|трендов\w*|хайп\w*|на\s+хайпе": "trending",
    r"newest|latest|most\s+recent|(?<![a-z])(?:recent|fresh|brand[\s-]+new|new)\s+(?:[\w-]+\s+){0,2}(?:models?"
    r"|releases?|ones?|llms?|stuff)|just\s+released|released\s+recently|recently\s+released|свеж\w*|новейш\w*"
    rf"|новые|новых|новинк\w*|что\s+нового|что-(?:нибудь|то)\s+нов\w*|последн{_REST}\s+(?:модел|релиз|верси)\w*"
    r"|недавн\w*": "newest",
    r"smallest|lightest|tiniest|most\s+compact|(?<!at\s)least\s+(?:amount\s+of\s+)?(?:resources|memory|ram|vram)|самая\s+маленьк\w*|самую\s+маленьк\w*|самые\s+маленьк\w*|"
    rf"самая\s+лёгк\w*|самую\s+легк\w*|самая\s+легк\w*|самые\s+легк\w*|наименьш\w*|минимальн{_REST}\s+по\s+размер\w*": (
        "smallest"
    ),
    r"fastest|quickest|speediest|самая\s+быстр\w*|самую\s+быстр\w*|самые\s+быстр\w*|самых\s+быстр\w*"
    r"|быстрейш\w*": "fastest",
}
_SUPERLATIVE = r"(?<![а-я])сам(?:ая|ую|ые|ых|ый|ого|ой|ое)\s+"
_SORT_WORDS = {
    rf"{_SUPERLATIVE}(?:мощн|умн|сильн|лучш|топов|качествен)\w*": "best",
    rf"{_SUPERLATIVE}(?:популярн|скачиваем)\w*": "popular",
    rf"{_SUPERLATIVE}(?:нов|свеж|последн)\w*|из\s+новых": "newest",
    rf"{_SUPERLATIVE}(?:маленьк|мелк|легк|компактн|небольш)\w*": "smallest",
    rf"{_SUPERLATIVE}(?:быстр|шустр)\w*": "fastest",
    **_SORT_WORDS,
}
_SORT_WORDS[r"(?<![a-z_])(?:recent|new)(?![a-z_])|нов(?:ую|ая|ые|ых|ой|ое|енькую|енькие|енькое)(?![а-я])"] = "newest"
_SORT_RE, _SORT_NAMES = _vocabulary(_SORT_WORDS, word_start=True)
_NEW_RE = re.compile(r"(?<![a-z])new(?![a-z])")
_NOT_NEW_RE = re.compile(
    r"(?:i'?m|am|are|we'?re|pretty|very|quite|completely|totally)\s+new|new\s+(?:to|here|york|user|comer|bie|account"
    r"|issue|feature|gpu|card|graphics|laptop|pc|computer|mac\w*|build|rig|machine|server|setup|phone|job|project"
    r"|chat|conversation|session|install\w*|thread|tab|window|line|topic|question)(?![a-z])"
)


def _sort(scan: _Scan) -> None:
    new = _NEW_RE.search(scan.text)
    not_new = bool(new and _NOT_NEW_RE.search(scan.window(new.start() - 12, new.end() + 14)))
    low = _lower(scan.original)  # runtime names were blanked as formats: read them as written
    for match in _SORT_RE.finditer(scan.text):
        sort = _SORT_NAMES[str(match.lastgroup)]
        if sort == "newest" and (
            not_new
            or _SOFTWARE_AFTER_RE.match(low, match.end())
            or _SOFTWARE_BEFORE_RE.search(low, max(0, match.start() - 24), match.start())
        ):
            continue  # "the latest version of ollama", "after the recent update": the software, not the models
        if sort == "newest" and _NEW_THING_RE.match(low, match.end()):
            continue  # "новые квантования?", "new features": something new, not the newest models
        if sort == "newest" and _NEW_MODEL_RE.match(low, max(0, match.start() - 4)):
            continue  # "the new qwen 3.8 27b", "the new LLaVa 1.6 models": one model named, no order asked
        if sort == "best" and _IS_BEST_RE.search(low, max(0, match.start() - 32), match.start()):
            sentence = _sentence_at(low, match.start())
            if "?" not in sentence and not _QUESTION_START_RE.match(sentence):
                continue  # "Qwen1.5 is one of the best open models", "this tool is the best": said of a thing
        scan.found.sort = sort  # type: ignore[assignment]
        return


_NEW_THING_RE = re.compile(
    r"(?<!\s)\s++(?:квант\w*|верси\w*|функци\w*|возможност\w*|фич\w*|обновлени\w*|features?|quants?|quantizations?"
    r"|versions?|options?|settings?)(?![a-zа-я])"
)
_NEW_MODEL_RE = re.compile(r"the\s(?:new|latest|newest)\s++[a-z][\w.\-]{1,20}+[\s\-]?+\d")
_IS_BEST_RE = re.compile(
    r"(?<![a-z])(?:is|was|are|were|'s|it'?s)\s++(?:still\s++|simply\s++|by\s++far\s++|probably\s++|definitely\s++)?+"
    r"(?:one\s++of\s++)?+the\s++$"
)
_QUESTION_START_RE = re.compile(r"(?<!\s)\s*+(?:which|what|who|is|are|can|could|should|does|do)(?![a-z])")


def _sentence_at(text: str, at: int) -> str:
    """The sentence of `text` around position `at` (a line break, '.', '!' or '?' ends one; the '?' kept)."""
    start = max(text.rfind(mark, 0, at) for mark in ".!?\n") + 1
    ends = [end for end in (text.find(mark, at) for mark in ".!?\n") if end != -1]
    end = min(ends) + 1 if ends else len(text)
    return text[start:end]


_SOFTWARE = (
    r"(?:ollama|llama\.?cpp|lm\s*studio|koboldcpp|vllm|the\s+(?:app|software|program|tool|library|repo|docker\s+image))"
)
_SOFTWARE_AFTER_RE = re.compile(
    rf"(?<!\s)\s++(?:\w+\s+)?(?:updates?|builds?|commits?|drivers?|firmware|beta|patch|(?:versions?|releases?)\s+of\s+{_SOFTWARE}"
    rf"|{_SOFTWARE})(?![a-z])"
)
_SOFTWARE_BEFORE_RE = re.compile(rf"{_SOFTWARE}(?:'s)?\s+$")


# ---------------------------------------------------------------- all together
class Rules:
    """The rule-based parser: `Rules(table).parse(text)` → Filters."""

    def __init__(self, hardware: HardwareTable | None = None, intent_model: IntentModel | None = None) -> None:
        self.hardware = hardware or HardwareTable.load()
        self.intent_model = intent_model or IntentModel.load()
        self._steps: tuple[Callable[[_Scan], None], ...] = (
            _title_build,
            _base_model,
            _intent,
            lambda scan: _memory(scan, self.hardware),
            _licenses,
            _formats,
            _mentioned,
            _full_names,
            _languages,
            _commercial,
            _uncensored,
            _story,  # what follows reads the asking sentences only (the task: and those that state a purpose)
            _tasks,
            _purpose_story,
            _context,
            _quants,
            _params,
            _families,
            _sort,
            lambda scan: _settle_intent(scan, self.intent_model),
        )

    def parse(self, text: str) -> Filters:
        clean = normalise(text)
        scan = _Scan(original=clean, text=_lower(clean))
        for step in self._steps:
            step(scan)
        return Filters.from_mapping(scan.found.to_dict())
