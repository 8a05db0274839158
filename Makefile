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

.PHONY: install migrate seed run test test-pg lint fmt openapi openapi-check bench demo-data ci

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

lint: install
	$(BIN)/ruff check app tests migrations
	$(BIN)/ruff format --check app tests migrations
	$(BIN)/mypy app

fmt: install
	$(BIN)/ruff check --fix app tests migrations
	$(BIN)/ruff format app tests migrations

openapi: install
	$(BIN)/python -m app.openapi

openapi-check: install
	$(BIN)/python -m app.openapi --check

demo-data: migrate
	$(BIN)/python -m app.seed.synthetic --count $(N)

bench: install
	$(BIN)/python -m bench

ci:
	bash .ci/run
