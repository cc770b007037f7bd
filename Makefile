# Repmate — everyday commands. Each target creates the virtualenv and installs what it needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed

.PHONY: run test lint sandbox screenshots bench migrate format clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUNTIME_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(RUNTIME_STAMP) $@

## Run the bot on Discord (needs DISCORD_TOKEN in .env; SQLite by default, nothing else to set up).
run: $(RUNTIME_STAMP)
	$(PY) -m bot run

## Run the whole test suite (PostgreSQL tests too when TEST_POSTGRES_URL is set).
test: $(DEV_STAMP)
	$(PY) -m pytest -q

## Lint, format check and type check.
lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check bot cogs tests
	$(VENV)/bin/ruff format --check bot cogs tests
	$(VENV)/bin/mypy bot cogs

format: $(DEV_STAMP)
	$(VENV)/bin/ruff format bot cogs tests
	$(VENV)/bin/ruff check --fix bot cogs tests

## Try the real bot offline in your browser: no token, no network. Keeps its data; FRESH=1 starts over.
sandbox: $(DEV_STAMP)
	$(PY) -m bot sandbox $(if $(FRESH),--fresh)

## Render the README's pictures (needs Debian's chromium package; its own database, not the sandbox's).
screenshots: $(DEV_STAMP)
	$(PY) -m bot sandbox --screenshots docs/images

## Benchmarks: prints a table of figures beside their targets.
bench: $(DEV_STAMP)
	$(PY) -m tests.bench

migrate: $(RUNTIME_STAMP)
	$(PY) -m bot migrate

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
