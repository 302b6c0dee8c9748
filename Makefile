# Partner Console API. `make run` and `make test` are the only commands a fresh machine needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test check format migrate seed-demo schema serve jobs conformance fuzz bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP) migrate seed-demo serve  ## install, migrate, load demo data, serve GraphiQL

serve: $(STAMP)
	$(BIN)/partner-console serve

migrate: $(STAMP)
	$(BIN)/partner-console migrate

seed-demo: $(STAMP)
	$(BIN)/partner-console seed-demo

test: $(STAMP)  ## the whole suite (PostgreSQL too when TEST_DATABASE_URL is set)
	$(BIN)/python -m pytest

fuzz: $(STAMP)  ## Schemathesis against the GraphQL schema (own SQLite db); fails on any server error
	$(BIN)/python fuzz/run.py

check: $(STAMP)  ## lint + format check + import contracts (docs/import-contracts.md), no tests
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

schema: $(STAMP)  ## write schema.graphql from the code
	$(BIN)/partner-console export-schema > schema.graphql

jobs: $(STAMP)
	$(BIN)/partner-console jobs run-due

conformance: $(STAMP)  ## the GraphQL-over-HTTP audits (npm graphql-http) against a started server
	PYTHON=$(CURDIR)/$(BIN)/python bash conformance/run.sh

# `make bench`: the product side by side with PostGraphile 4 and the SQL floor (docs/benchmarks.md).
# Not part of `make test`. A quick trial: make bench BENCH_DETAILS=50000 BENCH_ARGS=--quick
BENCH_DATABASE_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/pc_bench
BENCH_DETAILS ?= 2000000
BENCH_ARGS ?=
PGL_DIR := bench/postgraphile

$(PGL_DIR)/node_modules/.package-lock.json: $(PGL_DIR)/package-lock.json
	cd $(PGL_DIR) && npm ci --ignore-scripts --no-audit --no-fund

bench: $(STAMP) $(PGL_DIR)/node_modules/.package-lock.json  ## database, data, PostGraphile, the comparison
	$(BIN)/python -m bench.database "$(BENCH_DATABASE_URL)"
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(BIN)/python -m bench.generate --details $(BENCH_DETAILS)
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(BIN)/python -m bench.compare $(BENCH_ARGS)

clean:
	rm -rf $(VENV) partner_console.db*
