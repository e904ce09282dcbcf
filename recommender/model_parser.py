"""The GGUF model's share of request parsing: tasks, sort, commercial and uncensored intent, base models.

The model (by default the bundled Gemma 3 270M with the project's LoRA adapter, trained by
`make train-parser`) reads `prompt(text)` and writes a compact JSON object with short keys, only the keys
it found: ``{"t":["code","rag"],"s":"best","c":1,"u":1,"b":"Mistral-7B"}``. Its output is constrained by
a grammar built from `output_schema()`, so it can only write values from the vocabularies; what it writes
is still read through `Filters.from_mapping`.
"""

from __future__ import annotations

import ctypes
import json
import logging
import math
import threading
import time
from collections.abc import Mapping
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


@dataclass(frozen=True, slots=True)
class ModelOptions:
    model_path: Path
    adapter_path: Path | None = ADAPTER_PATH
    threads: int = 2
    context: int = 512
    use_grammar: bool = True


class ModelParser:
    """A loaded GGUF model (+ LoRA adapter) that reads requests. Thread-safe: one request at a time.

    Decoding is greedy under the output grammar, checked lazily: the best few tokens are offered to the
    grammar first (cheap), and only when none fits is the grammar run over the whole vocabulary (262k tokens
    for Gemma 3: ~80 ms a token). The output can only be what the grammar admits.
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
        self._lock = threading.Lock()
        self.adapter = adapter
        self.load_seconds = time.perf_counter() - started

    def raw(self, text: str) -> str:
        """The model's output for one request."""
        with self._lock:
            llama = self._llama
            tokens = llama.tokenize(prompt(text).encode(), add_bos=True)[: self.options.context - MAX_OUTPUT_TOKENS]
            llama.reset()
            llama.eval(tokens)
            grammar = (
                self._lib.llama_sampler_init_grammar(self._vocab, self._grammar_text, b"root")
                if self._grammar_text
                else None
            )
            out: list[int] = []
            try:
                for _ in range(MAX_OUTPUT_TOKENS):
                    token = self._next_token(grammar)
                    if token is None or self._lib.llama_vocab_is_eog(self._vocab, token):
                        break
                    if grammar is not None:
                        self._lib.llama_sampler_accept(grammar, token)
                    out.append(token)
                    llama.eval([token])
            finally:
                if grammar is not None:
                    self._lib.llama_sampler_free(grammar)
            return llama.detokenize(out).decode("utf-8", errors="replace").strip()

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
