# `make run` and `make test` work on a fresh machine with Python 3.11+: the first call creates
# .venv and installs the project; later calls reuse it (re-installing only when pyproject changes).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest i18n bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed (set PYTHON=python3.11)")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/samenspraak run

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q

# Translations: extract flows and code into locales/messages.pot, update every
# locales/<lang>/LC_MESSAGES/messages.po, compile the .mo files (see docs/translations.md).
i18n: $(STAMP)
	$(BIN)/python scripts/i18n.py

# Benchmarks at small sizes (a few minutes); each prints one JSON line last. See docs/performance.md.
bench: $(STAMP)
	$(BIN)/python -m benchmarks.e2e --users 50 --seconds 20
	$(BIN)/python -m benchmarks.summary --answers 200000
	$(BIN)/python -m benchmarks.memory --conversations 2000
	$(BIN)/python -m benchmarks.startup --runs 5 --baseline

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
