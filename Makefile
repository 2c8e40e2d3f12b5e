# The single entry point for running, testing and checking the site. `make help` lists the targets.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# A laptop runs in debug mode with SQLite; servers set their own environment (deploy/env.example).
DEV := DJANGO_DEBUG=1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help run test test-postgres browser-tools lint format check demo migrate install install-dev clean bench bench-analysis

help:
	@echo "make run            set up .venv, migrate, load the demo case and serve http://$(HOST):$(PORT)/"
	@echo "make test           install the test tools and run every test (SQLite)"
	@echo "make test-postgres  run every test against DATABASE_URL (PostgreSQL)"
	@echo "make lint           ruff check and format check"
	@echo "make format         reformat the code with ruff"
	@echo "make check          Django's system checks"
	@echo "make bench          performance benchmark with gunicorn and PostgreSQL (docs/performance.md)"
	@echo "make bench-analysis time and queries of the item-analysis page with 1,000 attempts (PostgreSQL)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.11 (or newer).")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

install: $(VENV)/.runtime-installed

install-dev: $(VENV)/.dev-installed

migrate: install
	$(DEV) $(BIN)/python manage.py migrate --noinput

demo: migrate
	$(DEV) $(BIN)/python manage.py load_demo
	$(DEV) $(BIN)/python manage.py create_demo_educator

run: demo
	@echo "Serving the site at http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	$(DEV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Chromium, Java and the npm test tools (axe-core, vnu-jar) for the browser tests in tests/.
browser-tools:
	bash tests/setup_browser_tools.sh

test: install-dev browser-tools
	$(DEV) $(BIN)/pytest

test-postgres: install-dev browser-tools
	@test -n "$(DATABASE_URL)" || (echo "Set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/test" && exit 2)
	$(DEV) DATABASE_URL="$(DATABASE_URL)" $(BIN)/pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install
	$(DEV) $(BIN)/python manage.py check
	$(DEV) $(BIN)/python manage.py makemigrations --check --dry-run

# Performance benchmark (docs/performance.md): gunicorn with production settings, PostgreSQL, wrk, Chromium.
# Its database is dropped and created again each run (the name must contain "bench"). Options: BENCH_ARGS,
# e.g. make bench BENCH_ARGS="--duration 15 --rounds 3 --output bench-result.txt"
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/calcinosis_bench
# The server's cache, as on a production server (page caching is on with Redis); BENCH_REDIS_URL= runs without.
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/13
BENCH_ARGS ?=

bench: install-dev
	bash bench/setup_tools.sh
	BENCH_DATABASE_URL="$(BENCH_DATABASE_URL)" BENCH_REDIS_URL="$(BENCH_REDIS_URL)" $(BIN)/python -m bench.run $(BENCH_ARGS)

# The item-analysis page of a quiz with 1,000 finished attempts: its time and query count (docs/performance.md).
# Its own database, dropped and created again each run. Options: BENCH_ANALYSIS_ARGS, e.g. "--attempts 2000".
BENCH_ANALYSIS_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/calcinosis_bench_analysis
BENCH_ANALYSIS_ARGS ?=

bench-analysis: install-dev
	BENCH_DATABASE_URL="$(BENCH_ANALYSIS_DATABASE_URL)" $(BIN)/python -m bench.analysis $(BENCH_ANALYSIS_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
