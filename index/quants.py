"""GGUF quantisation types, read from file names.

llama.cpp's converters and the big quantisers (TheBloke, bartowski, unsloth, mradermacher, lmstudio-community)
write the quant type into the file name: ``llama-2-7b.Q4_K_M.gguf``, ``model-q8_0.gguf``,
``Qwen3-8B-IQ3_XS.gguf``, ``gemma-3-27b-it-UD-Q4_K_XL.gguf``, ``Q4_K_M/x-Q4_K_M-00001-of-00002.gguf``.
"""

from __future__ import annotations

import re

# Every GGUF quant type llama.cpp writes (and the names quantisers use for them), longest spelling first
# inside each alternative so that ``Q4_K_M`` is not read as ``Q4_K``.
_QUANT = (
    r"IQ[1-4]_(?:XXS|XS|NL|S|M|L)"  # i-quants: IQ1_S … IQ4_NL
    r"|Q[1-8]_K(?:_(?:XXS|XS|XL|S|M|L))?"  # k-quants, incl. bartowski's _L/_XL (Q8_0 embeddings)
    r"|Q[1-8]_[01](?:_[48]_[48])?"  # legacy quants and ARM repacks (Q4_0_4_4, Q4_0_8_8)
    r"|TQ[12]_0"  # ternary
    r"|MXFP4(?:_MOE)?"  # gpt-oss
    r"|BF16|FP16|FP32|F16|F32"
)
_QUANT_RE = re.compile(rf"(?<![A-Za-z0-9])(?:(UD)[-_])?({_QUANT})(?![A-Za-z0-9])", re.IGNORECASE)
# A GGUF file, including TheBloke's split uploads of files over 50 GB (``x.gguf-split-a``, ``x.gguf.part1of2``).
_GGUF_FILE_RE = re.compile(r"\.gguf(?:-split-[a-z]|\.part\d+of\d+)?$", re.IGNORECASE)
_ALIASES = {"FP16": "F16", "FP32": "F32", "MXFP4_MOE": "MXFP4"}
# Files in GGUF repos that are not the language model's weights.
_NOT_MODEL = ("mmproj", "imatrix")


def is_gguf(path: str) -> bool:
    """Whether a repo file is a GGUF file (or one part of a split GGUF file)."""
    if not isinstance(path, str):
        return False
    return path.endswith((".gguf", ".GGUF")) or _GGUF_FILE_RE.search(path) is not None


def is_model_gguf(path: str) -> bool:
    """A GGUF file holding the language model: not a multimodal projector (``mmproj-*.gguf``) or the like."""
    if not is_gguf(path):
        return False
    lower = path.lower()
    return not any(word in lower for word in _NOT_MODEL)


def quant_of(filename: str) -> str | None:
    """The upper-case quant type of a GGUF file name, or None for other files and unrecognised names.

    ``"llama-2-7b.Q4_K_M.gguf"`` → ``"Q4_K_M"``; ``"x.f16.gguf"`` → ``"F16"``; unsloth's dynamic quants keep
    their prefix (``"UD-Q4_K_XL"``). The file name wins over the folder; the last match in it wins.
    """
    if not is_gguf(filename):
        return None
    return quant_of_gguf(filename)


def quant_of_gguf(filename: str) -> str | None:
    """``quant_of`` for a name already known to be a GGUF file."""
    folder, _, base = filename.rpartition("/")
    matches = _QUANT_RE.findall(base) or _QUANT_RE.findall(folder)
    if not matches:
        return None
    prefix, quant = matches[-1]
    quant = quant.upper()
    quant = _ALIASES.get(quant, quant)
    return f"UD-{quant}" if prefix else quant
