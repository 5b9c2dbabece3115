# learner-records: `make run` serves the app, `make test` runs every check on SQLite and PostgreSQL.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTHON ?= python3
NODE_STAMP := node_modules/.installed
WEB_ASSETS := src/learner_records/entrypoints/web/static/govuk

.PHONY: help install assets run check test test-unit bench clean fuzz

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# The compiled GOV.UK Frontend (CSS, JS, fonts, images), served by the app at /assets.
$(WEB_ASSETS)/.copied: $(NODE_STAMP)
	rm -rf $(WEB_ASSETS) && mkdir -p $(WEB_ASSETS)
	cp -R node_modules/govuk-frontend/dist/govuk/assets/. $(WEB_ASSETS)/
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(WEB_ASSETS)/
	touch $@

assets: $(WEB_ASSETS)/.copied ## install the front-end packages (npm) and copy GOV.UK Frontend's build into the app

install: $(STAMP) assets ## create .venv and install the project with its dev tools and front-end assets

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

fuzz: install ## Schemathesis over the REST API on a fresh SQLite database, 100 examples an operation, per kind of organisation
	$(BIN)/python -m tests.fuzz --max-examples 100

bench: install ## benchmarks (see bench/README.md)
	$(BIN)/pip install -q -e '.[dev,bench]'
	$(BIN)/python -m bench.register

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache node_modules $(WEB_ASSETS)
