# akhbar: two commands on a fresh clone.
#   make run   set everything up and run the nightly DAG on the sample corpus
#   make test  run the whole test suite
# `make help` lists the other targets.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
UV_VERSION := 0.13.9
# The one place that sets the environment of every command: the make targets, `make shell` and
# `eval "$(make -s env)"`. Airflow's own settings (dags and plugins folders, no example DAGs, the
# SQLite metadata DB) are written into $(AIRFLOW_HOME)/airflow.cfg, so that a plain `airflow ...`
# with AIRFLOW_HOME set sees them too.
export AIRFLOW_HOME := $(CURDIR)/airflow_home
export AKHBAR_SOURCES ?= $(CURDIR)/include/config/sources.yaml
export AKHBAR_DATA_DIR ?= $(CURDIR)/data
export GX_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export PATH := $(CURDIR)/$(BIN):$(PATH)
ENV_VARS := AIRFLOW_HOME AKHBAR_SOURCES AKHBAR_DATA_DIR GX_ANALYTICS_ENABLED HF_HUB_OFFLINE PATH
# The sample corpus's main night.
SAMPLE_NIGHT := 2026-11-28

.DEFAULT_GOAL := help
.PHONY: help run test test-unit lint typecheck install airflow-home airflow shell env backfill bench lock clean fuzz

help:  ## list the targets
	@echo "akhbar: make run (the sample night through Airflow), make test, and:"
	@grep -hE '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  make \1\t\2/' | expand -t 20

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(UV): $(BIN)/python
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)

# Installs exactly the locked versions; re-run when the lock changes.
# The runtime lock (what the image ships) and the development lock (tests, benchmarks, linters) together.
$(VENV)/.installed: requirements.lock requirements-dev.lock pyproject.toml | $(UV)
	@echo "Installing the locked dependencies into $(VENV)"
	$(UV) pip install --python $(BIN)/python --quiet -r requirements.lock -r requirements-dev.lock
	$(UV) pip install --python $(BIN)/python --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed  ## create .venv with the locked dependencies

# Airflow's own default airflow.cfg (with the keys it generates), the project's settings written in.
$(AIRFLOW_HOME)/airflow.cfg: $(VENV)/.installed include/akhbar/airflow_home.py
	@mkdir -p $(AIRFLOW_HOME)
	@test -f $@ || $(BIN)/airflow config get-value core executor > /dev/null  # writes Airflow's default file
	$(BIN)/python -m akhbar.airflow_home $(CURDIR) $(AIRFLOW_HOME)

# A local Airflow home under the project: SQLite metadata DB, our dags/ and plugins/, the two pools.
$(AIRFLOW_HOME)/.ready: $(AIRFLOW_HOME)/airflow.cfg
	@echo "Setting up the Airflow home in $(AIRFLOW_HOME) (airflow db migrate: about a minute)"
	$(BIN)/airflow db migrate > $(AIRFLOW_HOME)/db-migrate.log 2>&1 || (cat $(AIRFLOW_HOME)/db-migrate.log; exit 1)
	$(BIN)/airflow pools set akhbar_http 4 "concurrent HTTP fetches" > /dev/null
	$(BIN)/airflow pools set akhbar_catalog 1 "one catalog writer at a time" > /dev/null
	touch $@

airflow-home: $(AIRFLOW_HOME)/.ready  ## set up airflow_home/ (airflow.cfg, metadata DB, pools)

# `airflow dags test` of the sample night, started now with the night as its param (a past logical
# date would become the run's start in the UI); a line per task, each task's log where the UI reads it.
run: $(AIRFLOW_HOME)/.ready  ## run the nightly DAG on the sample corpus and print what landed
	$(BIN)/python -m akhbar.local_run $(SAMPLE_NIGHT) --log $(AIRFLOW_HOME)/last-run.log
	$(BIN)/akhbar summary --date $(SAMPLE_NIGHT)

# The local Airflow home is set up first: tests that use Airflow in-process (the plugin's auth,
# through the environment's metadata DB) need a migrated one.
test: $(AIRFLOW_HOME)/.ready  ## run the whole test suite
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

# The fast lane: everything but the runs of the whole DAG, the slow and the fuzzing tests.
test-unit: $(AIRFLOW_HOME)/.ready  ## run the fast unit lane (no whole-DAG runs, no slow or fuzz tests)
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q -m "not e2e and not slow and not fuzz"

lint: $(VENV)/.installed  ## ruff: lint rules and the formatter's check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy with pyproject's [tool.mypy]: include/akhbar, plugins/ and dags/, strict on sources/ and lakehouse/.
typecheck: $(VENV)/.installed  ## mypy (strict on sources/ and lakehouse/)
	$(BIN)/mypy

# The readers' byte-mutation fuzzing, longer than in `make test` (FUZZ_EXAMPLES inputs per format);
# prints how many inputs were tried. Every one must keep the invariant (tests/sources/test_fuzz.py).
FUZZ_EXAMPLES ?= 5000
fuzz: $(VENV)/.installed  ## fuzz the readers longer (FUZZ_EXAMPLES inputs per format)
	rm -f .fuzz-report.jsonl
	AKHBAR_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) AKHBAR_FUZZ_REPORT=$(CURDIR)/.fuzz-report.jsonl \
		$(BIN)/python -m pytest -q -n 2 -m fuzz tests/sources/test_fuzz.py
	@$(BIN)/python -c "import collections, json; c = collections.Counter(json.loads(l)['test'] for l in open('.fuzz-report.jsonl')); \
		print('fuzz inputs tried:', dict(c), 'total', sum(c.values()))"

# Watch runs in the UI: http://localhost:8080 (the admin password is printed at start-up
# and kept in airflow_home/simple_auth_manager_passwords.json.generated).
airflow: $(AIRFLOW_HOME)/.ready  ## start Airflow on http://localhost:8080 (scheduler, UI, ...)
	$(BIN)/airflow standalone

# A shell with the project's environment: `airflow ...`, `akhbar ...` and `duckdb` as the make
# targets see them. `eval "$$(make -s env)"` sets the same in the current shell.
shell: $(AIRFLOW_HOME)/.ready  ## open a shell with the project's environment (exit to leave)
	@echo "akhbar shell: AIRFLOW_HOME=$(AIRFLOW_HOME), $(BIN) first on PATH; exit to leave"
	@exec $${SHELL:-/bin/bash}

env:  ## print the environment as export lines: eval "$(make -s env)"
	@$(foreach v,$(ENV_VARS),printf 'export %s=%q\n' $(v) "$$$(v)";)

# make backfill FROM=2026-11-01 TO=2026-11-07: those nights, both included, one at a time (a backfill
# otherwise runs up to 10 nights at once whatever the DAG's max_active_runs). DRY_RUN=1 lists the runs
# only; REPROCESS=completed runs nights that already succeeded again. The scheduler (make airflow) runs them.
REPROCESS ?= none
backfill: $(AIRFLOW_HOME)/.ready  ## backfill the nights FROM=YYYY-MM-DD TO=YYYY-MM-DD, both included [DRY_RUN=1]
	@test -n "$(FROM)" -a -n "$(TO)" || { echo "usage: make backfill FROM=YYYY-MM-DD TO=YYYY-MM-DD [DRY_RUN=1] [REPROCESS=completed]"; exit 2; }
	$(BIN)/airflow backfill create --dag-id akhbar_nightly $$($(BIN)/python -m akhbar.nights $(FROM) $(TO)) \
		--max-active-runs 1 --reprocess-behavior $(REPROCESS) $(if $(DRY_RUN),--dry-run)

bench: $(VENV)/.installed  ## run every benchmark and print its figures
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Regenerate the lock from requirements.in (needs the package registry).
lock: $(UV)  ## regenerate requirements.lock and requirements-dev.lock from their .in files
	$(UV) pip compile --python-version 3.11 --quiet requirements.in -o requirements.lock
	$(UV) pip compile --python-version 3.11 --quiet requirements-dev.in -o requirements-dev.lock

clean:  ## remove data/ and airflow_home/
	rm -rf data airflow_home .pytest_cache
