# v6r-codegen: the two commands are `make run` and `make test`; both set up .venv themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run watch test generate check lint typecheck bench clean venv

venv: $(STAMP)

# Installs the pins into .venv (made if missing). It never deletes .venv: pip only changes what the lock
# changed, so a concurrent make or a running test is not pulled out from under.
$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11+ is needed (PYTHON=$(PYTHON))"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-*
	touch $@

generate: venv
	$(BIN)/v6r-codegen generate

check: venv
	$(BIN)/v6r-codegen check

# Serves the generated Python server on 127.0.0.1:8080 with a demo session whose usage moves;
# in another terminal: make watch (or .venv/bin/python -m v6r_memory watch demo-session).
run: generate
	PYTHONPATH=generated/python $(BIN)/python -m v6r_memory serve --host 127.0.0.1 --port 8080 --demo

watch: venv
	PYTHONPATH=generated/python $(BIN)/python -m v6r_memory watch demo-session

PY_DIRS := generator tests $(wildcard bench)

lint: venv
	$(BIN)/ruff check $(PY_DIRS)
	$(BIN)/black --check --quiet $(PY_DIRS)

typecheck: venv
	$(BIN)/mypy

# Each language's toolchain checks (npm ci + tsc + its tests, go vet + go test -race) live in mk/<lang>.mk
# and add themselves to LANGUAGE_TESTS.
LANGUAGE_TESTS :=
-include mk/*.mk

test: venv lint typecheck check
	$(BIN)/pytest -q
	$(if $(strip $(LANGUAGE_TESTS)),$(MAKE) --no-print-directory $(LANGUAGE_TESTS))

bench: venv
	$(BIN)/python bench/generate.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
