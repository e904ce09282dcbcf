"""The launch command of every answer (issue 14): llama.cpp's -ngl and --n-cpu-moe from the fit's own layer
arithmetic on real config.json shapes, the llama-server / ollama / mlx_lm / vLLM commands and their quoting, the
`run` list in `ask --json` and `fit --json`, and the command in the bot's /fit reply and model card."""

from __future__ import annotations

import asyncio
import json
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.render import fit_block
from index.store import Catalog
from recommender import speed
from recommender.fit import (
    ALL_LAYERS,
    Budget,
    Estimate,
    Fit,
    Shape,
    best_fit,
    expert_params,
    gpu_layers,
    layer_bytes,
)
from recommender.hardware import Hardware
from recommender.launch import run_commands
from recommender.parse import ParserOptions, RequestParser
from recommender.service import Sommelier
from tests.botserver import FakeTelegram, html_errors
from tests.hubserver import FakeHub
from tests.real_configs import config_shape
from tests.test_bot import assert_all_html_valid, make_bot, run, wait

LLAMA_8B = config_shape("llama3_1_8b", 8_030_261_248)
GEMMA3_27B = config_shape("gemma-3-27b-it", 27_432_406_640)
LLAMA_70B = config_shape("llama3_1_70b", 70_553_706_496)
MIXTRAL = config_shape("Mixtral-8x7B-v0.1", 46_702_792_704, 12_879_925_248)
GPT_OSS = config_shape("gpt-oss-20b", 20_914_757_184, 3_610_000_000)
QWEN35_MOE = config_shape("Qwen3.5-35B-A3B-text", 35_000_000_000, 3_000_000_000)


def _ngl(command: str) -> int | None:
    found = re.search(r"-ngl (\d+)", command)
    return int(found.group(1)) if found else None


def _cpu_moe(command: str) -> int | None:
    found = re.search(r"--n-cpu-moe (\d+)", command)
    return int(found.group(1)) if found else None


def _llama_server(fit: Fit, repo: str = "bartowski/x-GGUF") -> str:
    assert fit.estimate is not None
    commands = run_commands(repo, "x-Q4_K_M.gguf", fit.estimate.quant, fit)
    assert commands[0].runtime == "llama.cpp"
    return commands[0].command


# -- the layer arithmetic ------------------------------------------------------------------------------------
def test_the_split_adds_up_to_the_fit_estimate() -> None:
    for shape in (LLAMA_8B, GEMMA3_27B, LLAMA_70B, MIXTRAL, GPT_OSS, QWEN35_MOE):
        fit = best_fit(shape, Budget(24, "vram", context=8192))
        assert fit.estimate is not None
        split = layer_bytes(shape, fit.estimate)
        assert split is not None and split.layers == shape.n_layers
        assert 0 < split.output < fit.estimate.weights_bytes / 4  # vocabulary × hidden at Q6_K
        assert split.gpu_bytes(split.layers + 1) == pytest.approx(fit.estimate.needed_bytes)
        assert split.gpu_bytes(0) == pytest.approx(fit.estimate.overhead_bytes)


@pytest.mark.parametrize("shape", [LLAMA_8B, GEMMA3_27B, MIXTRAL], ids=["llama-3.1-8b", "gemma-3-27b", "mixtral"])
def test_a_full_fit_puts_every_layer_and_the_output_layer_on_the_gpu(shape: Shape) -> None:
    fit = best_fit(shape, Budget(80, "vram", context=8192))
    assert fit.level == "gpu" and fit.offload is not None
    assert fit.offload.n_gpu_layers == shape.n_layers + 1 and fit.offload.n_cpu_moe == 0  # type: ignore[operator]
    assert fit.offload.all_on_gpu
    command = _llama_server(fit)
    assert _ngl(command) == shape.n_layers + 1 and "--n-cpu-moe" not in command  # type: ignore[operator]
    assert " -c 8192 " in command


@pytest.mark.parametrize(
    "shape,vram",
    [(LLAMA_8B, 4), (LLAMA_8B, 6), (GEMMA3_27B, 12), (LLAMA_70B, 24)],
    ids=["8b-4", "8b-6", "g27-12", "70b-24"],
)
def test_a_dense_model_partly_offloaded_gets_the_most_layers_that_fit(shape: Shape, vram: float) -> None:
    budget = Budget(vram, "vram", context=8192, offload_ram_gb=64)
    fit = best_fit(shape, budget)
    assert fit.level == "partial" and fit.estimate is not None and fit.offload is not None
    split = layer_bytes(shape, fit.estimate)
    assert split is not None
    n = fit.offload.n_gpu_layers
    assert n is not None and 0 < n <= shape.n_layers  # type: ignore[operator]
    assert split.gpu_bytes(n) <= budget.usable_bytes < split.gpu_bytes(n + 1)  # N fits, N + 1 does not
    assert fit.offload.n_cpu_moe == 0 and not fit.offload.all_on_gpu
    command = _llama_server(fit)
    assert _ngl(command) == n and "--n-cpu-moe" not in command


@pytest.mark.parametrize(
    "shape,vram",
    [(MIXTRAL, 16), (MIXTRAL, 8), (GPT_OSS, 6), (QWEN35_MOE, 8)],
    ids=["mixtral-16", "mixtral-8", "oss-6", "q35-8"],
)
def test_a_moe_model_with_ram_keeps_every_layer_and_moves_the_fewest_experts(shape: Shape, vram: float) -> None:
    budget = Budget(vram, "vram", context=8192, offload_ram_gb=64)
    fit = best_fit(shape, budget)
    assert fit.level == "partial" and fit.estimate is not None and fit.offload is not None
    split = layer_bytes(shape, fit.estimate)
    assert split is not None and split.experts > 0
    everything = shape.n_layers + 1  # type: ignore[operator]
    moved = fit.offload.n_cpu_moe
    assert fit.offload.n_gpu_layers == everything and 0 < moved <= shape.n_layers  # type: ignore[operator]
    assert split.gpu_bytes(everything, moved) <= budget.usable_bytes < split.gpu_bytes(everything, moved - 1)
    command = _llama_server(fit)
    assert _ngl(command) == everything and _cpu_moe(command) == moved


def test_experts_all_in_ram_and_still_too_big_drops_layers_too() -> None:
    budget = Budget(2, "vram", context=32768, offload_ram_gb=64)
    fit = best_fit(MIXTRAL, budget)
    assert fit.level == "partial" and fit.estimate is not None and fit.offload is not None
    split = layer_bytes(MIXTRAL, fit.estimate)
    assert split is not None
    n, moved = fit.offload.n_gpu_layers, fit.offload.n_cpu_moe
    assert moved == MIXTRAL.n_layers and n is not None and n <= MIXTRAL.n_layers  # type: ignore[operator]
    assert split.gpu_bytes(n, moved) <= budget.usable_bytes < split.gpu_bytes(n + 1, moved)


def test_expert_share_from_the_shape() -> None:
    # Mixtral: 8 experts, 2 active: E = (46.7 − 12.9) / (1 − 2/8) = 45.1B, the dense rest 1.6B
    assert expert_params(MIXTRAL) == pytest.approx(45.097e9, rel=1e-3)
    unknown_counts = Shape(params=30_000_000_000, active_params=3_000_000_000, n_layers=48)
    assert expert_params(unknown_counts) == 27e9  # the least it can be: never frees less than counted
    assert expert_params(LLAMA_8B) is None


def test_cpu_only_is_ngl_0_and_apple_takes_every_layer() -> None:
    on_cpu = best_fit(LLAMA_8B, Budget(16, "ram"))
    assert on_cpu.level == "cpu" and on_cpu.offload is not None and on_cpu.offload.n_gpu_layers == 0
    assert _ngl(_llama_server(on_cpu)) == 0
    apple = best_fit(GPT_OSS, Budget(32, "unified"))
    assert apple.level == "gpu" and apple.offload is not None
    assert apple.offload.n_gpu_layers == GPT_OSS.n_layers + 1  # type: ignore[operator]


def test_unknown_layers_use_the_fallback_row_or_leave_ngl_to_llama_cpp() -> None:
    qwen = Shape(params=7_615_616_512, architecture="Qwen2ForCausalLM")
    fit = best_fit(qwen, Budget(24, "vram"))
    assert fit.offload is not None and fit.offload.layers and fit.offload.n_gpu_layers == fit.offload.layers + 1
    nothing_known = Shape(params=None, architecture="SomethingNew")  # a GGUF file's size, nothing else
    estimate = Estimate("Q4_K_M", None, 4e9, 1e9, 0.5e9, False, True, 4096)
    assert gpu_layers(nothing_known, estimate, Budget(24, "vram")).n_gpu_layers == ALL_LAYERS
    partial = Fit("partial", estimate, Budget(4, "vram", offload_ram_gb=32))
    partial = Fit("partial", estimate, partial.budget, offload=gpu_layers(nothing_known, estimate, partial.budget))
    assert partial.offload is not None and partial.offload.n_gpu_layers is None
    assert "-ngl" not in _llama_server(partial)


def test_the_offloaded_speed_reads_by_the_same_split() -> None:
    gpu = Hardware("RTX 3060", 360.0, "gpu", False)
    for shape, vram in ((LLAMA_8B, 4), (MIXTRAL, 12)):
        fit = best_fit(shape, Budget(vram, "vram", context=8192, offload_ram_gb=64))
        assert fit.level == "partial" and fit.estimate is not None and fit.offload is not None
        found = speed.fit_speed(fit, gpu, shape.params, shape.active_params)
        read = speed.bytes_per_token(
            fit.estimate.weights_bytes, fit.estimate.kv_bytes, shape.params, shape.active_params
        )
        ram = speed.tables()[0].default("ram")
        expected = speed.offloaded_tokens_per_second(read, fit.offload.gpu_read_share, gpu, ram)
        assert found is not None and found.tokens_per_s == pytest.approx(expected)
    # the experts of a MoE model in RAM cost less than dense layers there: only the active ones are read
    moe = best_fit(MIXTRAL, Budget(16, "vram", context=8192, offload_ram_gb=64))
    assert moe.offload is not None and moe.estimate is not None
    assert moe.offload.gpu_read_share > moe.offload.gpu_bytes / moe.estimate.needed_bytes


# -- the commands ------------------------------------------------------------------------------------------
def test_gguf_commands_llama_server_and_ollama() -> None:
    fit = best_fit(LLAMA_8B, Budget(16, "vram", context=16384))
    commands = run_commands("bartowski/Meta-Llama-3.1-8B-Instruct-GGUF", "Meta-Llama-3.1-8B-Instruct-Q6_K.gguf",
                            "Q6_K", fit)  # fmt: skip
    assert [c.to_dict() for c in commands] == [
        {
            "runtime": "llama.cpp",
            "command": "llama-server -hf bartowski/Meta-Llama-3.1-8B-Instruct-GGUF:Q6_K -c 16384 -ngl 33",
        },
        {"runtime": "ollama", "command": "ollama run hf.co/bartowski/Meta-Llama-3.1-8B-Instruct-GGUF:Q6_K"},
    ]
    unsloth = run_commands("unsloth/Qwen3-30B-A3B-GGUF", "Qwen3-30B-A3B-UD-Q4_K_XL.gguf", "UD-Q4_K_XL", fit)
    assert "-hf unsloth/Qwen3-30B-A3B-GGUF:UD-Q4_K_XL " in unsloth[0].command
    assert unsloth[1].command == "ollama run hf.co/unsloth/Qwen3-30B-A3B-GGUF:UD-Q4_K_XL"
    no_tag = run_commands("someone/x-GGUF", "x.gguf", None, fit)
    assert no_tag[0].command.startswith("llama-server -hf someone/x-GGUF --hf-file x.gguf ") and len(no_tag) == 1


def test_quantized_kv_cache_needs_flash_attention_and_the_projector_stays_out_unless_asked() -> None:
    fit = best_fit(GEMMA3_27B, Budget(24, "vram", context=32768, kv_cache="q8_0"))
    command = run_commands("unsloth/gemma-3-27b-it-GGUF", "gemma-3-27b-it-Q4_K_M.gguf", "Q4_K_M", fit,
                           vision_model=True)[0].command  # fmt: skip
    assert "--cache-type-k q8_0 --cache-type-v q8_0 -fa on" in command and command.endswith("--no-mmproj")
    seeing = best_fit(GEMMA3_27B, Budget(24, "vram", context=8192, vision=True))
    command = run_commands("unsloth/gemma-3-27b-it-GGUF", "gemma-3-27b-it-Q4_K_M.gguf", "Q4_K_M", seeing,
                           vision_model=True)[0].command  # fmt: skip
    assert "--no-mmproj" not in command and "--cache-type" not in command


def test_no_budget_stated_leaves_ngl_to_llama_cpp_and_no_fit_gives_no_command() -> None:
    unstated = best_fit(LLAMA_8B, Budget(1e6, "ram", 4096), target="Q4_K_M")
    command = _llama_server(unstated)
    assert "-ngl" not in command and command.endswith("-c 4096")
    too_big = best_fit(LLAMA_70B, Budget(8, "vram"))
    assert too_big.level == "no" and run_commands("x/y-GGUF", "y-Q2_K.gguf", "Q2_K", too_big) == ()


def test_mlx_gptq_awq_and_the_rest() -> None:
    fit = Fit("gpu", Estimate("AWQ 4-bit", None, 5e9, 1e9, 0.5e9, True, False, 8192), Budget(12, "vram", 8192))
    assert [c.to_dict() for c in run_commands("Qwen/Qwen2.5-7B-Instruct-AWQ", None, "AWQ 4-bit", fit)] == [
        {"runtime": "vllm", "command": "vllm serve Qwen/Qwen2.5-7B-Instruct-AWQ --max-model-len 8192"}
    ]
    gptq = run_commands("TheBloke/Llama-2-7B-Chat-GPTQ", None, "GPTQ 4-bit", fit)
    assert gptq[0].command == "vllm serve TheBloke/Llama-2-7B-Chat-GPTQ --max-model-len 8192"
    assert "--quantization" not in gptq[0].command  # vLLM reads it from config.json and picks Marlin
    mlx = run_commands("mlx-community/Qwen3-30B-A3B-4bit", None, "MLX 4-bit", fit)
    assert [c.command for c in mlx] == [
        "mlx_lm.generate --model mlx-community/Qwen3-30B-A3B-4bit",
        "mlx_lm.server --model mlx-community/Qwen3-30B-A3B-4bit",
    ]
    assert {c.runtime for c in mlx} == {"mlx-lm"}
    for label in ("EXL2 4.65 bpw", "bnb 4-bit", "FP8 8-bit", None):
        assert run_commands("someone/model", None, label, fit) == ()
    assert run_commands(None, None, None, fit) == ()


@pytest.mark.parametrize("repo", ["o'neil/we ird;rm -rf ~", "a/$(reboot)`x`", 'q/"dq" && echo'])
def test_odd_repo_names_are_quoted(repo: str) -> None:
    fit = best_fit(LLAMA_8B, Budget(16, "vram"))
    gguf = run_commands(repo, "f;ls.gguf", "Q4_K_M", fit)
    assert shlex.split(gguf[0].command)[:3] == ["llama-server", "-hf", f"{repo}:Q4_K_M"]
    assert shlex.split(gguf[1].command) == ["ollama", "run", f"hf.co/{repo}:Q4_K_M"]
    assert shlex.split(run_commands(repo, "f;ls.gguf", None, fit)[0].command)[2:5] == [repo, "--hf-file", "f;ls.gguf"]
    assert shlex.split(run_commands(repo, None, "AWQ 4-bit", fit)[0].command)[:3] == ["vllm", "serve", repo]
    assert shlex.split(run_commands(repo, None, "MLX 4-bit", fit)[0].command)[1:] == ["--model", repo]


def test_fit_block_shows_the_commands_escaped() -> None:
    answer = {
        "id": "a/b", "fits": "gpu", "quant": None, "download": {"repo": "a/b", "file": None}, "notes": [],
        "memory": {"budget_gb": 8, "kind": "vram"}, "context": 4096,
        "run": [{"runtime": "llama.cpp", "command": "llama-server -hf 'a/<b>&c:Q4_K_M' -c 4096 -ngl 33"}],
    }  # fmt: skip
    block = fit_block(answer, "en")
    assert "<code>llama-server -hf &#x27;a/&lt;b&gt;&amp;c:Q4_K_M&#x27; -c 4096 -ngl 33</code>" in block
    assert not html_errors(block)


# -- through the CLI and the bot, on a real catalog ------------------------------------------------------------
@pytest.fixture(scope="module")
def service(home: Path) -> Iterator[Sommelier]:
    with Catalog(home / "catalog.db") as catalog:
        yield Sommelier(catalog, RequestParser(ParserOptions(use_model=False)))


def test_fit_json_run_matches_the_fit_split(service: Sommelier, home: Path, tmp_path: Path, capsys) -> None:
    environ = {"SOMMELIER_HOME": str(home)}
    config = tmp_path / "rules.toml"
    config.write_text("[parser]\nuse_model = false\n[recommend]\nsemantic = false\n")
    argv = ["--config", str(config), "fit", "Qwen/Qwen3-30B-A3B", "--memory", "8", "--kind", "vram", "--ram", "32"]
    assert main([*argv, "--json"], environ) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["fits"] == "partial" and answer["download"]["file"].endswith(".gguf")
    llama, ollama = answer["run"]
    assert llama["runtime"] == "llama.cpp" and ollama["runtime"] == "ollama"
    repo, quant = answer["download"]["repo"], answer["quant"]
    assert llama["command"].startswith(f"llama-server -hf {repo}:{quant} -c {answer['context']} ")
    assert ollama["command"] == f"ollama run hf.co/{repo}:{quant}"
    fit = service.fit("Qwen/Qwen3-30B-A3B", 8, "vram", ram_gb=32).fit  # the same answer, its own split
    assert fit.offload is not None and fit.estimate is not None and fit.offload.n_cpu_moe > 0
    assert _ngl(llama["command"]) == fit.offload.n_gpu_layers and _cpu_moe(llama["command"]) == fit.offload.n_cpu_moe
    view = service.recommender.view
    shape = view.model(view.find(repo)).shape  # type: ignore[arg-type]
    split = layer_bytes(shape, fit.estimate)
    assert split is not None and fit.offload.n_gpu_layers == split.layers + 1
    usable = fit.budget.usable_bytes
    assert split.gpu_bytes(split.layers + 1, fit.offload.n_cpu_moe) <= usable
    assert split.gpu_bytes(split.layers + 1, fit.offload.n_cpu_moe - 1) > usable
    assert main(argv, environ) == 0
    assert f"run (llama.cpp): {llama['command']}" in capsys.readouterr().out


def test_ask_json_results_carry_run(home: Path, tmp_path: Path, capsys) -> None:
    environ = {"SOMMELIER_HOME": str(home)}
    config = tmp_path / "rules.toml"
    config.write_text("[parser]\nuse_model = false\n[recommend]\nsemantic = false\n")
    assert main(["--config", str(config), "ask", "best model for a 3060 12GB", "--json"], environ) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert results and all(isinstance(result["run"], list) for result in results)
    ready = [result for result in results if result["download"] and result["download"]["file"]]
    assert ready
    for result in ready:
        download = result["download"]
        command = result["run"][0]["command"]
        assert command.startswith(f"llama-server -hf {download['repo']}:{download['quant']} -c ")
        assert _ngl(command) is not None  # a budget was stated: the layers are set


def test_the_bot_fit_reply_and_model_card_carry_the_command(
    home: Path, telegram: FakeTelegram, catalog_hub: FakeHub, tmp_path: Path
) -> None:
    bot = make_bot(home, telegram, catalog_hub, tmp_path)

    async def scenario() -> None:
        telegram.user_message("/fit Qwen/Qwen2.5-7B-Instruct 16GB vram", user_id=300)
        reply = (await wait(telegram, lambda c: c.method == "sendMessage" and "llama-server" in str(c.params)))[0]
        text = reply.params["text"]
        assert "<code>llama-server -hf bartowski/Qwen2.5-7B-Instruct-GGUF:" in text and " -ngl 29" in text
        assert "<code>ollama run hf.co/bartowski/Qwen2.5-7B-Instruct-GGUF:" in text
        telegram.user_message("/model unsloth/Qwen3-30B-A3B-GGUF", user_id=300)
        await wait(
            telegram,
            lambda c: c.method == "sendMessage" and "llama-server -hf unsloth/Qwen3-30B-A3B-GGUF:" in str(c.params),
        )
        await asyncio.sleep(0)

    run(bot, scenario)
    assert_all_html_valid(telegram)
