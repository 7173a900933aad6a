# Pika's front door. Every target installs what it needs and is safe to run again.
#   make run    set everything up and serve http://127.0.0.1:8000 (admin at /admin/)
#   make test   set everything up and run the whole test suite
#   make serve  serve as production does (README, Deploying)
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# make bench: the benchmark database's size (1: 1M vouchers) and random seed.
BENCH_SCALE ?= 1
BENCH_SEED ?= 1

.PHONY: help system system-test venv venv-dev venv-bench db db-stop psql setup run serve test \
	lint format bench

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

system: ## Install the system packages (PostgreSQL, PostGIS, GDAL) that are missing
	@scripts/system-packages.sh

venv: system ## Create .venv with the pinned runtime requirements
	@scripts/venv.sh requirements.txt

system-test: ## Install the system packages, the tests' browser (Chromium) and shellcheck
	@scripts/system-packages.sh --test

venv-dev: system-test ## Create .venv with the runtime and the test/lint requirements
	@scripts/venv.sh requirements-dev.txt

venv-bench: system-test ## Create .venv with the dev requirements and the benchmark's (SQLAlchemy)
	@scripts/venv.sh requirements-bench.txt

db: system ## Start the project's own database if needed; print its DATABASE_URL last
	@scripts/db.sh start

db-stop: ## Stop the project's own database
	@scripts/db.sh stop

psql: ## Open psql on the project's database, as the project's role
	@scripts/db.sh psql

# The database half of the set-up, shared by setup and test (which differ in requirements).
define prepare_database
	@$(PYTHON) manage.py migrate --no-input
	@$(PYTHON) manage.py loaddata --verbosity 1 languages seed
	@$(PYTHON) manage.py refresh_analytics
	@$(PYTHON) manage.py ensure_dev_admin
endef

setup: venv db ## Everything `run` does except serving: migrate, seed data, dev admin
	$(prepare_database)

run: setup ## Set up and serve the project on http://HOST:PORT (default 127.0.0.1:8000)
	@echo "pika: serving http://$(HOST):$(PORT)/ (admin: /admin/, API docs: /api/docs/); Ctrl-C stops"
	@PYTHONUNBUFFERED=1 $(PYTHON) manage.py runserver $(HOST):$(PORT)

serve: venv ## Serve as production does: gunicorn, DEBUG off, on HOST:PORT (README, Deploying)
	@scripts/serve.sh $(HOST) $(PORT)

test: venv-dev db ## Set up and run the whole test suite (extra pytest arguments: ARGS=...)
	$(prepare_database)
	@$(PYTHON) -m pytest $(ARGS)

lint: venv-dev db ## ruff check, ruff format --check, shellcheck, makemigrations --check
	@.venv/bin/ruff check .
	@.venv/bin/ruff format --check .
	@shellcheck -x scripts/*.sh .ci/run
	@$(PYTHON) manage.py makemigrations --check --dry-run --no-input

format: venv-dev ## Apply ruff's fixes and formatting
	@.venv/bin/ruff check --fix .
	@.venv/bin/ruff format .

bench: venv-bench db ## Build (once) the benchmark database pika_bench and time the hot queries
	@$(PYTHON) -m bench.run --scale $(BENCH_SCALE) --seed $(BENCH_SEED)
	@$(PYTHON) -m bench.redemption_throughput --scale $(BENCH_SCALE) --seed $(BENCH_SEED)
	@$(PYTHON) -m bench.admin_changelists --scale $(BENCH_SCALE) --seed $(BENCH_SEED)
	@$(PYTHON) -m bench.api_e2e --scale $(BENCH_SCALE) --seed $(BENCH_SEED)
