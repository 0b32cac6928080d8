# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000


.PHONY: run test lint install install-dev clean bench bench-portal

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py ensure_admin
	@# A task worker and the sync scheduler run beside the server and stop with it.
	@$(BIN)/python manage.py db_worker & worker=$$!; \
	$(BIN)/python manage.py run_scheduler & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Style, then the layers between packages (contracts in pyproject.toml, docs/layers.md).
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# Pull throughput and worker memory, and webhook delivery throughput (docs/benchmarks.md); on PostgreSQL too when
# BENCH_DATABASE_URL names a server, e.g. postgres://postgres@127.0.0.1:5432/
bench: install
	$(BIN)/python bench/pull_benchmark.py
	$(BIN)/python bench/webhook_benchmark.py
	@if [ -n "$(BENCH_DATABASE_URL)" ]; then \
		echo; $(BIN)/python bench/pull_benchmark.py --database-url "$(BENCH_DATABASE_URL)"; \
	fi

# Issue 13's figures on PostgreSQL (docs/benchmarks.md): seeds causeway_bench_<N> once, then
# reuses it. COMPANIES=1000000 for the full size; exits non-zero when a target is missed.
COMPANIES ?= 10000
ROUNDS ?= 30
bench-portal: install
	$(BIN)/python bench/portal_benchmark.py --companies $(COMPANIES) --rounds $(ROUNDS)

clean:
	rm -rf $(VENV) staticfiles
