# Staffroom: `make run` to use it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
NODE_INSTALLED := node_modules/.installed
VENDOR := frontend/static/vendor
ASSETS := $(VENDOR)/htmx.min.js $(VENDOR)/idiomorph.min.js

.PHONY: install run test chromium bench lint format clean

install: $(INSTALLED) $(ASSETS)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Staffroom needs Python 3.11 or newer, and $(PYTHON) is " + sys.version.split()[0] + ": run make PYTHON=python3.11 (or newer).")'
	$(PYTHON) -m venv $(VENV)

# Reinstalled only when pyproject.toml changes, so a second `make run` starts at once.
$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

$(NODE_INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(VENDOR)/htmx.min.js: $(NODE_INSTALLED)
	mkdir -p $(dir $@)
	cp node_modules/htmx.org/dist/htmx.min.js $@

# htmx's morph swap: a list redrawn as you type keeps the elements that stay (a result
# being clicked is not replaced under the pointer).
$(VENDOR)/idiomorph.min.js: $(NODE_INSTALLED)
	mkdir -p $(dir $@)
	cp node_modules/idiomorph/dist/idiomorph.min.js $@

run: install
	STAFFROOM_DEV=1 $(BIN)/staffroom up --demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Checked first, so a machine without chromium stops before anything runs. pytest runs on
# four workers (pyproject's addopts; docs/testing.md).
test: chromium lint
	$(BIN)/pytest

chromium:
	@bash scripts/need-chromium

bench: install
	$(BIN)/python -m tests.bench

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules frontend/static/vendor *.egg-info .pytest_cache .ruff_cache .mypy_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
