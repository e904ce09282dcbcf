# Two set-up commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# constraints.txt pins torch to the CPU build available offline (an unpinned torch pulls CUDA).
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/sommelier sync
	$(BIN)/sommelier stats

test: install
	$(BIN)/ruff check .
	$(BIN)/mypy index bot
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python -m benchmarks.run --write BENCHMARKS.md

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy index bot

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
