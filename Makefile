# unres-kg — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STORE  ?= store
PORT   ?= 8000
SHARED ?= ../shared

.PHONY: install services run build serve test lint typecheck unit evaluate bench clean

install: $(BIN)/kg

$(BIN)/kg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(BIN)/kg

# Virtuoso and Chromium for the integration tests (Debian packages; needs root or sudo)
services:
	scripts/install-services.sh

build: install
	$(BIN)/kg build data/ --store $(STORE)

run: build
	$(BIN)/kg serve --store $(STORE) --port $(PORT)

serve: install
	$(BIN)/kg serve --store $(STORE) --port $(PORT)

lint: install
	$(BIN)/ruff check $(wildcard kg tests scripts bench)
	$(BIN)/ruff format --check $(wildcard kg tests scripts bench)

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/pytest -q

test: lint typecheck unit

evaluate: install
	$(BIN)/python $(SHARED)/tools/evaluate.py . $(SHARED)/corpus/000_44671227e59e4216.txt $(SHARED)/gold

bench: install
	$(BIN)/python bench/run.py $(SHARED)/corpus/ga-78-80 --runs 3 --jobs 2

clean:
	rm -rf $(VENV) $(STORE) .pytest_cache .mypy_cache .ruff_cache
