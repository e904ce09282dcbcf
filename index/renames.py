"""Base ids that name a repo by the name it had before its owner renamed it.

Labs rename repos on the Hub: meta-llama/Meta-Llama-3.1-8B-Instruct became meta-llama/Llama-3.1-8B-Instruct.
The Hub redirects the old name and lists only the new one, but the repos made before the rename (bartowski's
GGUF, mlabonne's abliterated fine-tune) still name the old id in their ``base_model``. Left as stated, such a
quant cannot join its base (it shows up as an answer of its own beside it) and its descendants inherit nothing
from the base's licence, shape or context.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

# A leading brand word: letters only (a version or size such as "Qwen2" or "7B" is not a brand), then one separator.
_BRAND_RE = re.compile(r"[a-z]+[-_.]")
# What must be left: a name of its own, starting with a word, not a version or size alone ("3.1-8b").
_REST_RE = re.compile(r"[a-z][^-_.]*[-_.].+")


def _unbranded(name: str) -> str | None:
    """A repo name without its leading brand word ("meta-llama-3.1-8b-instruct" → "llama-3.1-8b-instruct"), or None
    when it does not start with one, or when too little would be left: a single word, or a version or size alone."""
    match = _BRAND_RE.match(name)
    if match is None:
        return None
    rest = name[match.end() :]
    return rest if _REST_RE.fullmatch(rest) else None


class CatalogIds:
    """The catalog's ids for `renamed_base`: by lower-cased id, by owner and name without its leading brand word,
    and the base ids each model names."""

    def __init__(self, models: Iterable[tuple[str, Iterable[str]]]):
        self.by_key: dict[str, str] = {}
        self.by_unbranded: dict[str, list[str]] = defaultdict(list)
        self.bases: dict[str, frozenset[str]] = {}
        for model_id, bases in models:
            key = model_id.lower()
            self.by_key[key] = model_id
            named = frozenset(base.lower() for base in bases)
            if named:
                self.bases[key] = named
            owner, _, name = key.rpartition("/")
            rest = _unbranded(name)
            if owner and rest is not None:
                self.by_unbranded[f"{owner}/{rest}"].append(model_id)

    def __contains__(self, model_id: str) -> bool:
        return model_id.lower() in self.by_key


def renamed_base(base_id: str, catalog: CatalogIds) -> str | None:
    """The catalog id a base id not in the catalog most likely names since its owner renamed it, or None.

    A rename we can recognise without a list of names is the one labs make: dropping or adding a brand word at
    the front of the name, nothing else ("Meta-Llama-3.1-8B-Instruct" → "Llama-3.1-8B-Instruct"). So the
    candidates are the catalog repos of the *same owner* whose name is the base's name with one leading word of
    letters removed, or with one added (case-insensitive; the word is separated by "-", "_" or "."). The rest of
    the name, size and version included, must match exactly: "Llama-3-8B" is never taken for "Llama-3.1-8B".

    It answers only when exactly one repo matches: two candidates mean we cannot tell which the author meant.
    It never crosses owners (another owner's repo of the same name is a copy or a fine-tune, not the base), and
    an id the catalog holds is never renamed (None): the repo the author named exists, so the caller keeps it.
    A candidate that itself names the base id as its base is the owner's fine-tune of it ("Neural-Daredevil-8B"
    of "Daredevil-8B"), not the base under a new name, so it is no candidate.
    """
    key = base_id.lower()
    if key in catalog.by_key:
        return None
    owner, _, name = key.rpartition("/")
    if not owner or not name:
        return None
    candidates = set(catalog.by_unbranded.get(key, ()))  # the catalog's name adds a brand word
    rest = _unbranded(name)
    if rest is not None and f"{owner}/{rest}" in catalog.by_key:  # the catalog's name drops the base's brand word
        candidates.add(catalog.by_key[f"{owner}/{rest}"])
    candidates = {model_id for model_id in candidates if key not in catalog.bases.get(model_id.lower(), ())}
    return candidates.pop() if len(candidates) == 1 else None
