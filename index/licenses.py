"""Licence ids and names → commercial-use class (PRODUCT.md, "Licences and commercial use").

- ``yes``: permissive and copyleft licences, CC-BY (not -NC), the OpenRAIL family (use restrictions apply).
- ``conditional``: the Llama 2-4 community licences, Gemma, Qwen, DeepSeek and other named custom licences:
  commercial use is allowed on terms (user caps, acceptable-use policies) the user has to read.
- ``no``: CC-BY-NC-*, research-only and non-commercial licences (Qwen research, Mistral MRL / MNPL,
  Llama 1, EXAONE's NC licence, ...), and licences that say "private" or "proprietary".
- ``unknown``: no licence, ``unknown``, ``other`` without a name, a bare ``cc``, and free-text licence ids we
  do not recognise (the Hub's own ids are a closed list: an unrecognised id is a card typo, not a licence).

An ``other`` licence with a name maps by that name; a name we do not know is ``conditional``: the author
wrote a custom licence, which is exactly the case "read the terms" is for. Names that say non-commercial
(an ``nc`` word, ``non-commercial``, ``research``) are ``no``.

``stricter`` combines a model's own class with its base model's (a fine-tune, quant or merge is bound by
both). Strictness: ``no`` > ``unknown`` > ``conditional`` > ``yes``. ``unknown`` ranks above ``conditional``:
when one of the two licences is unknown nobody can promise the terms are only conditions, so a fine-tune of
an unknown-licence base is unknown and a Llama-3 fine-tune under Apache-2.0 stays conditional.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal, cast

Commercial = Literal["yes", "conditional", "no", "unknown"]
COMMERCIAL_CLASSES: tuple[Commercial, ...] = ("yes", "conditional", "unknown", "no")  # least to most strict
_RANK: dict[str, int] = {name: rank for rank, name in enumerate(COMMERCIAL_CLASSES)}

# Values seen in cards' licence fields that carry no licence at all (e.g. 197 cards of models-2025.jsonl
# have ``licence: license``, a template left unfilled).
JUNK_LICENSES = frozenset(
    {"", "license", "licence", "licenses", "none", "null", "<nil>", "n/a", "na", "tbd", "todo", "?"}
)

# Exact ids and names (normalised: lower case, spaces → "-"), checked before the rules below.
_EXACT: dict[str, Commercial] = {
    # Hub licence ids that the rules below would misread or that need a decision
    "unknown": "unknown",
    "cc": "unknown",  # which Creative Commons licence is not said
    "c-uda": "conditional",  # Computational Use of Data Agreement: use on its terms
    "apple-amlr": "no",  # Apple Machine Learning Research licence
    "deepfloyd-if-license": "no",  # research only
    "h-research": "no",
    "intel-research": "no",
    "fair-noncommercial-research-license": "no",
    "mrl": "no",  # Mistral Research Licence
    "mnpl": "no",  # Mistral Non-Production Licence
    "mnpl-0.1": "no",
    "llama": "no",  # LLaMA 1: non-commercial
    "llama1": "no",
    "llama-1": "no",
    "llama-license": "no",
    "exaone": "no",  # EXAONE AI Model License Agreement 1.1 - NC (research only)
    "coqui-public-model-license": "no",  # CPML: non-commercial use only
    "private": "no",
    "proprietary": "no",
    "all-rights-reserved": "no",
    "modified-mit": "conditional",  # Kimi K2: MIT plus attribution above 100M MAU
    "apple-ascl": "yes",  # Apple Sample Code Licence (permissive)
    "academic-free-license-v3.0": "yes",
}
# Permissive, copyleft and OpenRAIL licences (Hub ids and their common spellings).
_YES_RE = re.compile(
    r"^(?:apache|mit|bsd|isc|unlicense|cc0|cc-by(?:-sa|-nd)?|mpl|(?:[a-z]+-)*openrail|bigscience-bloom-rail"
    r"|[al]?gpl|epl|eupl|afl|academic-free|artistic|zlib|wtfpl|ecl|bsl|boost|osl|ofl|odc-by|odbl|pddl"
    r"|postgresql|ncsa|ms-pl|lppl|cdla-(?:permissive|sharing)|etalab|gfdl|openmdw|python|psf|cc-pdm)"
    r"(?:$|[-_.+\d])"
)
# Known custom licences with commercial terms (Hub ids and the license_name values cards use).
_CONDITIONAL_RE = re.compile(
    r"^(?:llama-?[2-9]|llama-?3\.\d|meta-llama|gemma|qwen|tongyi|deepseek|yi(?:-|$)|falcon|tii|internlm|baichuan"
    r"|chatglm|glm|codegeex|nvidia|nemotron|hunyuan|tencent|stabilityai|stability|stable-|cogvideo|cogview"
    r"|jamba|ai21|health-ai|kimi|minimax|ernie|baidu|skywork|aquila|xverse|orion|sensenova"
    r"|bria|flux|black-forest|jina|cohere|c4ai|databricks|dbrx|snowflake)"
)
# Non-commercial / research-only wording anywhere in a name.
_NO_RE = re.compile(r"(?:^|[-_.\s/()])nc(?:$|[-_.\s/()\d])|non-?commercial|research|non-?production|(?:^|-)mrl(?:$|-)")
_SPACES = re.compile(r"\s+")


def normalize_license(value: object) -> str | None:
    """A licence id or name in the form the tables use (lower case, spaces → ``-``); None for junk."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if " " in text or "\t" in text:
        text = _SPACES.sub("-", text)
    if text in JUNK_LICENSES or len(text) > 100:
        return None
    return text


def _class_of_id(license_id: str) -> Commercial | None:
    """The class of a licence id or name we recognise, else None."""
    known = _EXACT.get(license_id)
    if known is not None:
        return known
    if _NO_RE.search(license_id):
        return "no"
    if _YES_RE.match(license_id):
        return "yes"
    if _CONDITIONAL_RE.match(license_id):
        return "conditional"
    return None


def license_class(license_id: str | None, license_name: str | None = None) -> Commercial:
    """The commercial-use class of a licence id (``apache-2.0``, ``llama3.1``, ``other`` …); for ``other``,
    of its ``license_name``. Never raises: anything unusable is ``unknown``."""
    if not isinstance(license_id, str) or len(license_id) > 100:
        return "unknown"
    if not isinstance(license_name, str) or len(license_name) > 100:
        license_name = None
    return _license_class(license_id, license_name)


@lru_cache(maxsize=4096)  # a pure function of two short strings; a few hundred licences recur
def _license_class(license_id: str, license_name: str | None) -> Commercial:
    lid = normalize_license(license_id)
    if lid is None:
        return "unknown"
    if lid == "other":
        name = normalize_license(license_name)
        if name is None or name == "other":
            return "unknown"
        if name == "unknown":
            return "unknown"
        return _class_of_id(name) or "conditional"
    return _class_of_id(lid) or "unknown"


def stricter(a: Commercial, b: Commercial) -> Commercial:
    """The stricter of two classes: ``no`` > ``unknown`` > ``conditional`` > ``yes``.
    Anything that is not a class (None, typos) counts as ``unknown``."""
    rank_a = _RANK.get(a, 2) if isinstance(a, str) else 2
    rank_b = _RANK.get(b, 2) if isinstance(b, str) else 2
    return cast(Commercial, COMMERCIAL_CLASSES[max(rank_a, rank_b)])
