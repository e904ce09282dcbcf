"""The GGUF model's share of request parsing: tasks, sort, commercial and uncensored intent, base models.

The model (by default the bundled Gemma 3 270M with the project's LoRA adapter, trained by
`make train-parser`) reads `prompt(text)` and writes a compact JSON object with short keys, only the keys
it found: ``{"t":["code","rag"],"s":"best","c":1,"u":1,"b":"Mistral-7B"}``. Its output is constrained by
a grammar built from `output_schema()`, so it can only write values from the vocabularies; what it writes
is still read through `Filters.from_mapping`.
"""

from __future__ import annotations

import ctypes
import itertools
import json
import logging
import math
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from recommender.errors import ParserModelError
from recommender.filters import PARSE_TASKS, SORTS, Filters

log = logging.getLogger(__name__)

MODEL_KEYS: dict[str, str] = {"t": "tasks", "s": "sort", "c": "commercial", "u": "uncensored", "b": "base_model"}
MAX_MODEL_CHARS = 600  # the model reads at most this much of a request: bounded time on any input
MAX_OUTPUT_TOKENS = 48
ADAPTER_PATH = Path(__file__).resolve().parent / "data" / "parser-lora.gguf"


def prompt(text: str) -> str:
    """The whole prompt: the request and an arrow. The adapter learnt the task; no instructions needed."""
    return " ".join(text[:MAX_MODEL_CHARS].split()) + "\n=>"


def target(filters: Filters) -> str:
    """What the model should write for these filters (training target): only the keys with a value."""
    out: dict[str, Any] = {}
    if filters.tasks:
        out["t"] = filters.tasks
    if filters.sort:
        out["s"] = filters.sort
    if filters.commercial:
        out["c"] = 1
    if filters.uncensored:
        out["u"] = 1
    if filters.base_model:
        out["b"] = filters.base_model
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


def output_schema() -> dict[str, Any]:
    """JSON schema of the model's output; the vocabularies are enums, so the grammar admits nothing else."""
    return {
        "type": "object",
        "properties": {
            "t": {"type": "array", "items": {"enum": list(PARSE_TASKS)}, "maxItems": 4},
            "s": {"enum": list(SORTS)},
            "c": {"const": 1},
            "u": {"const": 1},
            "b": {"type": "string", "maxLength": 60},
        },
        "additionalProperties": False,
    }


def decode(output: str) -> Filters:
    """Filters from the model's output; anything malformed or outside the vocabularies is dropped."""
    try:
        data = json.loads(output)
    except ValueError:
        return Filters()
    if not isinstance(data, Mapping):
        return Filters()
    values = {name: data.get(short) for short, name in MODEL_KEYS.items()}
    values["commercial"] = True if values["commercial"] in (1, True) else None
    values["uncensored"] = True if values["uncensored"] in (1, True) else None
    return Filters.from_mapping(values)


_END = -1  # marks a complete output in the trie
_FREE = -2  # marks where free text (a base model's name) begins


def canonical_outputs(max_tasks: int = 2) -> Iterator[str]:
    """Every output the adapter learnt to write without a base model, up to `max_tasks` tasks: the keys in
    `target`'s order."""
    task_lists = [list(combo) for size in range(max_tasks + 1) for combo in itertools.permutations(PARSE_TASKS, size)]
    flags = (None, True)
    for tasks, sort, commercial, uncensored in itertools.product(task_lists, (None, *SORTS), flags, flags):
        values = {"tasks": tasks, "sort": sort, "commercial": commercial, "uncensored": uncensored}
        yield target(Filters.from_mapping(values))


def output_trie(tokenize: Callable[[str], list[int]]) -> dict[int, Any]:
    """The canonical outputs as a trie of their token sequences (nested dicts, `_END` under a complete one;
    `_FREE` where a base model's name begins: any text). Where a node has a single child the model's next
    token is known without computing its logits."""
    root: dict[int, Any] = {}
    for output in canonical_outputs():
        node = root
        for token in tokenize(output):
            node = node.setdefault(token, {})
        node[_END] = {}
        # the same output followed by a base model: the way into its name is a choice too, the name any text
        node = root
        for token in tokenize(output[:-1] + ("," if len(output) > 2 else "") + '"b":"'):
            node = node.setdefault(token, {})
        node[_FREE] = {}
    return root


@dataclass(frozen=True, slots=True)
class ModelOptions:
    model_path: Path
    adapter_path: Path | None = ADAPTER_PATH
    threads: int = 2
    context: int = 512
    use_grammar: bool = True
    skip_known_tokens: bool = True  # follow the trie of canonical outputs where it leaves one choice


class ModelParser:
    """A loaded GGUF model (+ LoRA adapter) that reads requests. Thread-safe: one request at a time.

    Decoding is greedy under the output grammar, checked lazily: the best few tokens are offered to the
    grammar first (cheap), and only when none fits is the grammar run over the whole vocabulary (262k tokens
    for Gemma 3: ~80 ms a token). The output can only be what the grammar admits.

    A forward pass for one token costs ~23 ms on 2 cores, and a few more tokens in the same pass cost little
    (the 262k-word output layer runs once), so passes are saved where the next token is known: inside the
    outputs the adapter was trained on (`output_trie`), a token with a single possible successor (`":["`
    after `t`, `ization` after `summar`) is appended without asking the model and evaluated in one batch with
    the next; a complete output stops without a pass for the end token.
    """

    def __init__(self, options: ModelOptions) -> None:
        self.options = options
        started = time.perf_counter()
        try:
            import llama_cpp
            from llama_cpp.llama_grammar import json_schema_to_gbnf
        except ImportError as error:  # pragma: no cover - depends on the install
            raise ParserModelError(f"llama-cpp-python is not installed: {error}") from error
        if not options.model_path.is_file():
            raise ParserModelError(f"no GGUF model at {options.model_path}")
        _route_llama_logs(llama_cpp)
        adapter = options.adapter_path if options.adapter_path and options.adapter_path.is_file() else None
        if options.adapter_path and adapter is None:
            log.warning("parser adapter %s is missing; the model runs without it", options.adapter_path)
        try:
            self._llama = llama_cpp.Llama(
                model_path=str(options.model_path),
                lora_path=str(adapter) if adapter else None,
                n_ctx=options.context,
                n_threads=options.threads,
                n_threads_batch=options.threads,
                n_batch=options.context,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as error:
            raise ParserModelError(f"cannot load {options.model_path}: {error}") from error
        self._lib = llama_cpp
        self._vocab = llama_cpp.llama_model_get_vocab(self._llama.model)
        self._n_vocab = self._llama.n_vocab()
        self._grammar_text = json_schema_to_gbnf(json.dumps(output_schema())).encode() if options.use_grammar else None
        self._trie: dict[int, Any] | None = (
            output_trie(lambda text: self._llama.tokenize(text.encode(), add_bos=False, special=False))
            if options.skip_known_tokens
            else None
        )
        self._lock = threading.Lock()
        self.passes = 0  # forward passes run so far (a prompt counts one)
        self.adapter = adapter
        self.load_seconds = time.perf_counter() - started

    def raw(self, text: str) -> str:
        """The model's output for one request."""
        with self._lock:
            llama = self._llama
            tokens = llama.tokenize(prompt(text).encode(), add_bos=True)[: self.options.context - MAX_OUTPUT_TOKENS]
            llama.reset()
            llama.eval(tokens)
            self.passes += 1
            grammar = (
                self._lib.llama_sampler_init_grammar(self._vocab, self._grammar_text, b"root")
                if self._grammar_text
                else None
            )
            out: list[int] = []
            node = self._trie
            try:
                while len(out) < MAX_OUTPUT_TOKENS:
                    token = self._next_token(grammar)
                    if token is None or self._lib.llama_vocab_is_eog(self._vocab, token):
                        break
                    batch = [token]
                    self._accept(grammar, token)
                    node = node.get(token) if node is not None else None
                    while node is not None and len(node) == 1 and min(node) >= 0:  # one way on: no need to ask
                        if len(out) + len(batch) >= MAX_OUTPUT_TOKENS:
                            break
                        (known,) = node
                        if grammar is not None and not len(self._allowed(grammar, np.asarray([known]), np.zeros(1))):
                            break
                        batch.append(known)
                        self._accept(grammar, known)
                        node = node[known]
                    out += batch
                    if (node is not None and _END in node) or (node is None and _is_complete(llama, out)):
                        break  # the object is closed: only the end token could follow
                    llama.eval(batch)
                    self.passes += 1
            finally:
                if grammar is not None:
                    self._lib.llama_sampler_free(grammar)
            return llama.detokenize(out).decode("utf-8", errors="replace").strip()

    def _accept(self, grammar: Any, token: int) -> None:
        if grammar is not None:
            self._lib.llama_sampler_accept(grammar, token)

    def _next_token(self, grammar: Any) -> int | None:
        logits = np.ctypeslib.as_array(self._llama._ctx.get_logits(), shape=(self._n_vocab,))
        best = int(np.argmax(logits))
        if grammar is None:
            return best
        single = np.asarray([best], dtype=np.int64)
        if len(self._allowed(grammar, single, logits[single])):
            return best  # the usual case: the model's first choice is grammatical
        top = np.argpartition(-logits, _SHORTLIST)[:_SHORTLIST]
        for candidates in (top[np.argsort(-logits[top], kind="stable")], None):
            ids = candidates if candidates is not None else np.arange(self._n_vocab)
            allowed = self._allowed(grammar, ids, logits[ids])
            if len(allowed):
                return int(allowed[np.argmax(logits[allowed])]) if candidates is None else int(allowed[0])
        return None

    def _allowed(self, grammar: Any, ids: np.ndarray, logits: np.ndarray) -> np.ndarray:
        """Those of `ids` the grammar admits next, in the given order."""
        lib = self._lib
        data = (lib.llama_token_data * len(ids))()
        view = np.ctypeslib.as_array(data).view(np.dtype([("id", np.int32), ("logit", np.float32), ("p", np.float32)]))
        view["id"], view["logit"], view["p"] = ids, logits, 0.0
        array = lib.llama_token_data_array(data=data, size=len(ids), selected=-1, sorted=False)
        lib.llama_sampler_apply(grammar, ctypes.byref(array))
        return (
            ids[np.isfinite(view["logit"][: array.size])]
            if array.size == len(ids)
            else np.asarray([data[i].id for i in range(array.size) if math.isfinite(data[i].logit)], dtype=np.int64)
        )

    def extract(self, text: str) -> Filters:
        return decode(self.raw(text))


_SHORTLIST = 16


def _is_complete(llama: Any, tokens: list[int]) -> bool:
    """Whether the output so far is a whole JSON object (checked only once a `}` was written)."""
    text = llama.detokenize(tokens[-1:]).decode("utf-8", errors="replace")
    if "}" not in text:
        return False
    try:
        return isinstance(json.loads(llama.detokenize(tokens).decode("utf-8", errors="replace")), dict)
    except ValueError:
        return False


_LOG_CALLBACK: Any = None
_GGML_LOG_ERROR = 3


def _route_llama_logs(lib: Any) -> None:
    """llama.cpp writes to stderr by itself, even when asked not to; send its errors to our debug log (a failed
    load surfaces as an exception anyway; the rest are notices like "lora ... fallback to CPU"), drop the rest."""
    global _LOG_CALLBACK
    if _LOG_CALLBACK is not None:
        return

    def forward(level: int, text: bytes, _: Any) -> None:
        if level == _GGML_LOG_ERROR:
            log.debug("llama.cpp: %s", text.decode("utf-8", errors="replace").rstrip())

    _LOG_CALLBACK = lib.llama_log_callback(forward)  # kept referenced: llama.cpp holds the pointer
    lib.llama_log_set(_LOG_CALLBACK, ctypes.c_void_p(0))
