"""The exact command that runs an answer: `run_commands(repo, file, quant, fit)` → (RunCommand, ...).

- a GGUF file: `llama-server -hf REPO:QUANT -c CONTEXT -ngl N [--n-cpu-moe M]` with the layer split of the fit
  (recommender/fit.py `gpu_layers`: all layers on the GPU, -ngl 0 on a CPU, the layers that fit when partly
  offloaded, a MoE model's experts of the first M layers in RAM), a quantized KV cache with
  `--cache-type-k/-v TYPE -fa on` (llama.cpp quantizes the V cache only with flash attention), `--no-mmproj`
  for a vision model asked no images (`-hf` fetches and loads the projector otherwise); and
  `ollama run hf.co/REPO:QUANT`. `-hf`'s tag is the quant as the file names it (case-insensitive, `UD-`
  prefix kept: `:Q4_K_M`, `:UD-Q4_K_XL`); the Hub resolves it to the file, as for Ollama's `hf.co/` names.
  With no memory stated, -ngl is left out: current llama.cpp fits unset options to the device (`--fit on`).
- an MLX repo: `mlx_lm.generate --model REPO` and `mlx_lm.server --model REPO` (Apple silicon).
- a GPTQ or AWQ repo: `vllm serve REPO --max-model-len CONTEXT`. No `--quantization`: vLLM reads the method
  from the repo's config.json and picks the fastest kernel the GPU has (Marlin); naming `awq` or `gptq`
  forces the slower generic kernel, naming `awq_marlin` fails on GPUs older than Ampere.
- anything else (EXL2, bitsandbytes, FP8, an original to quantize yourself): nothing rather than a guess.

Every value is shell-quoted (`shlex.quote`): the commands are safe to paste whatever a repo id holds.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from recommender.fit import Fit

Runtime = str  # "llama.cpp", "ollama", "mlx-lm", "vllm"
VLLM_FORMATS = ("GPTQ", "AWQ")


@dataclass(frozen=True, slots=True)
class RunCommand:
    runtime: Runtime
    command: str

    def to_dict(self) -> dict[str, str]:
        return {"runtime": self.runtime, "command": self.command}


def run_commands(
    repo: str | None,
    file: str | None,
    quant: str | None,
    fit: Fit | None,
    *,
    vision_model: bool = False,
) -> tuple[RunCommand, ...]:
    """The commands that run the download `repo` (`file` at `quant` for GGUF, the quant label — "MLX 4-bit",
    "GPTQ 4-bit" — for a whole-repo quantization) as `fit` sized it; `vision_model`: the model reads images
    (its GGUF repo likely ships a projector)."""
    if not repo or (fit is not None and fit.level == "no"):
        return ()
    kind = (quant or "").split(" ", 1)[0].upper()
    context = fit.budget.context if fit is not None else None
    if file and file.lower().endswith(".gguf"):
        return _gguf(repo, file, quant, fit, vision_model)
    if kind == "MLX":
        return (
            RunCommand("mlx-lm", f"mlx_lm.generate --model {shlex.quote(repo)}"),
            RunCommand("mlx-lm", f"mlx_lm.server --model {shlex.quote(repo)}"),
        )
    if kind in VLLM_FORMATS:
        limit = f" --max-model-len {int(context)}" if context else ""
        return (RunCommand("vllm", f"vllm serve {shlex.quote(repo)}{limit}"),)
    return ()


def _gguf(repo: str, file: str, quant: str | None, fit: Fit | None, vision_model: bool) -> tuple[RunCommand, ...]:
    tag = quant.upper() if quant and " " not in quant else None
    # the quant tag, or the file itself when no quant was read from its name
    source = f"-hf {shlex.quote(f'{repo}:{tag}')}" if tag else f"-hf {shlex.quote(repo)} --hf-file {shlex.quote(file)}"
    parts = ["llama-server", source]
    if fit is not None:
        budget = fit.budget
        parts.append(f"-c {int(budget.context)}")
        offload = fit.offload
        if budget.stated and offload is not None and offload.n_gpu_layers is not None:
            parts.append(f"-ngl {offload.n_gpu_layers}")
            if offload.n_cpu_moe:
                parts.append(f"--n-cpu-moe {offload.n_cpu_moe}")
        if budget.kv_cache != "f16":
            kv = shlex.quote(budget.kv_cache)
            parts.append(f"--cache-type-k {kv} --cache-type-v {kv} -fa on")
        if vision_model and not budget.vision:
            parts.append("--no-mmproj")
    commands = [RunCommand("llama.cpp", " ".join(parts))]
    if tag:
        commands.append(RunCommand("ollama", f"ollama run {shlex.quote(f'hf.co/{repo}:{tag}')}"))
    return tuple(commands)
