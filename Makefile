# learner-records: `make run` serves the app, `make test` runs every check on SQLite and PostgreSQL.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTHON ?= python3

.PHONY: help install run check test test-unit bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## create .venv and install the project with its dev tools

run: install ## apply migrations, seed the demo (once) and serve on http://127.0.0.1:8000
	scripts/system-packages.sh
	$(BIN)/learner-records db upgrade
	$(BIN)/learner-records demo
	$(BIN)/learner-records serve

check: install ## ruff and mypy (strict on src)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

test: check ## the whole suite on SQLite and on a throwaway PostgreSQL
	scripts/system-packages.sh --tests
	scripts/with-postgres.sh $(BIN)/pytest

test-unit: install ## domain and service tests only (fast)
	$(BIN)/pytest tests/unit

bench: install ## benchmarks (see bench/README.md)
	$(BIN)/pip install -q -e '.[dev,bench]'
	$(BIN)/python -m bench.register

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
