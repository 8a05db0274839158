# 沿沪宁协同创新集市 — every task of the project. `make run` and `make test` are all a new machine needs.
SHELL := /bin/bash
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DATABASE_URL ?= sqlite:///./var/market.db
HOST ?= 127.0.0.1
PORT ?= 8000
N ?= 1000000

.PHONY: install migrate seed run test test-pg lint audit fuzz eval fmt openapi openapi-check bench demo-data ci

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	mkdir -p var
	$(BIN)/alembic upgrade head

seed: migrate
	$(BIN)/python -m app.seed

run: seed
	$(BIN)/python -m app.devserver --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest -n 2
	$(MAKE) --no-print-directory test-stub

# The mini-program stub's Node tests against a server they start (needs node >= 20; skipped where there is none).
.PHONY: test-stub
test-stub: install
	@if command -v node >/dev/null 2>&1; then PYTHON=$(BIN)/python node --test miniprogram_stub/tests/; \
	else echo "node not found: mini-program stub tests skipped"; fi

lint: install
	$(BIN)/ruff check app tests migrations fuzz bench
	$(BIN)/ruff format --check app tests migrations fuzz bench
	$(BIN)/mypy app bench

# Security: bandit must find nothing of medium or high severity; pip-audit fails on a known vulnerability and says
# how many packages it could not audit (this machine's package mirror does not serve PyPI's vulnerability data).
audit: install
	mkdir -p var
	$(BIN)/bandit -q -c pyproject.toml -r app -ll
	@$(BIN)/pip-audit --skip-editable --progress-spinner off > var/pip-audit.txt 2>&1 || { cat var/pip-audit.txt; exit 1; }
	@grep -v "could not be audited\|^WARNING\|^Name \|^----" var/pip-audit.txt || true
	@n=$$(grep -c "could not be audited" var/pip-audit.txt || true); \
	[ "$$n" = "0" ] || echo "pip-audit: $$n packages could not be audited: the vulnerability database is unreachable here"

fmt: install
	$(BIN)/ruff check --fix app tests migrations fuzz bench
	$(BIN)/ruff format app tests migrations fuzz bench

openapi: install
	$(BIN)/python -m app.openapi

openapi-check: install
	$(BIN)/python -m app.openapi --check

demo-data: migrate
	$(BIN)/python -m app.seed.synthetic --count $(N)

fuzz: install
	$(BIN)/python -m fuzz

bench: install
	$(BIN)/python -m bench

ci:
	bash .ci/run

eval: install
	$(BIN)/python -m tests.eval
