# Two set-up commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test bench lint clean train-parser train-intent docker-smoke

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# constraints.txt pins torch to the CPU build available offline (an unpinned torch pulls CUDA).
# llama-cpp-python compiles from source (~9 minutes on 2 cores, then pip's wheel cache): for any x86-64 CPU
# with AVX2, not for the building machine only (AMX/AVX-512 kernels crash on some virtual machines).
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON \
	-DGGML_AVX512=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_BF16=OFF
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet --upgrade pip
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Syncs first when the catalog is empty, then runs the Telegram bot when TELEGRAM_BOT_TOKEN is set,
# otherwise the terminal chat over the same conversation.
run: install
	$(BIN)/sommelier start

test: install
	$(BIN)/ruff check .
	$(BIN)/mypy index bot recommender
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python -m benchmarks.run --write BENCHMARKS.md

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy index bot recommender

# Retrain the request parser's LoRA adapter (recommender/data/parser-lora.gguf); ~25 minutes on 2 cores.
train-parser: install
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install --quiet -c constraints.txt -e '.[dev,train]'
	$(BIN)/python -m parser_training.train

# Retrain the intent classifier (recommender/data/intent-model.json) on the labelled requests; seconds.
train-intent: install
	$(BIN)/python -m parser_training.train_intent

# Builds the image and runs the program inside it: with Docker when an engine answers, else with podman
# (installed when missing) on a debootstrapped Debian base, the image's filesystem run under chroot.
docker-smoke:
	scripts/docker_smoke.sh

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
