# akhbar: two commands on a fresh clone.
#   make run   set everything up and run the nightly DAG on the sample corpus
#   make test  run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
UV_VERSION := 0.13.9
export AIRFLOW_HOME := $(CURDIR)/airflow_home
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__CORE__PLUGINS_FOLDER := $(CURDIR)/plugins
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN := sqlite:///$(CURDIR)/airflow_home/airflow.db
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL := http://localhost:8080/execution/
export GX_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export AKHBAR_SOURCES ?= $(CURDIR)/include/config/sources.yaml
export AKHBAR_DATA_DIR ?= $(CURDIR)/data
# `airflow dags test` (Airflow 3.3.2) fails on a DAG with a deadline alert: off for make run.
run: export AKHBAR_DEADLINE_MINUTES := 0
export PATH := $(CURDIR)/$(BIN):$(PATH)
# The sample corpus's main night; the DAG run's data interval ends at 02:30 Tunis time the next day.
SAMPLE_NIGHT := 2026-11-28
SAMPLE_LOGICAL_DATE := 2026-11-29T02:30:00+01:00

.PHONY: run test install airflow-home airflow sample bench lock clean fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(UV): $(BIN)/python
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)

# Installs exactly the locked versions; re-run when the lock changes.
$(VENV)/.installed: requirements.lock pyproject.toml | $(UV)
	$(UV) pip install --python $(BIN)/python --quiet -r requirements.lock
	$(UV) pip install --python $(BIN)/python --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

# A local Airflow home under the project: SQLite metadata DB, our dags/ and plugins/, the two pools.
$(AIRFLOW_HOME)/.ready: $(VENV)/.installed
	mkdir -p $(AIRFLOW_HOME)
	$(BIN)/airflow db migrate > $(AIRFLOW_HOME)/db-migrate.log 2>&1 || (cat $(AIRFLOW_HOME)/db-migrate.log; exit 1)
	$(BIN)/airflow pools set akhbar_http 4 "concurrent HTTP fetches" > /dev/null
	$(BIN)/airflow pools set akhbar_catalog 1 "one catalog writer at a time" > /dev/null
	touch $@

airflow-home: $(AIRFLOW_HOME)/.ready

run: $(AIRFLOW_HOME)/.ready
	$(BIN)/airflow dags test akhbar_nightly $(SAMPLE_LOGICAL_DATE) > $(AIRFLOW_HOME)/last-run.log 2>&1 \
		|| (tail -n 60 $(AIRFLOW_HOME)/last-run.log; echo "airflow dags test failed: full log in $(AIRFLOW_HOME)/last-run.log"; exit 1)
	@grep -E "Marking run .* (successful|failed)|DagRun Finished" $(AIRFLOW_HOME)/last-run.log | tail -n 1 || true
	$(BIN)/akhbar summary --date $(SAMPLE_NIGHT)

# The local Airflow home is set up first: tests that use Airflow in-process (the plugin's auth,
# through the environment's metadata DB) need a migrated one.
test: $(AIRFLOW_HOME)/.ready
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

# The readers' byte-mutation fuzzing, longer than in `make test` (FUZZ_EXAMPLES inputs per format);
# prints how many inputs were tried. Every one must keep the invariant (tests/sources/test_fuzz.py).
FUZZ_EXAMPLES ?= 5000
fuzz: $(VENV)/.installed
	rm -f .fuzz-report.jsonl
	AKHBAR_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) AKHBAR_FUZZ_REPORT=$(CURDIR)/.fuzz-report.jsonl \
		$(BIN)/python -m pytest -q -n 2 -m fuzz tests/sources/test_fuzz.py
	@$(BIN)/python -c "import collections, json; c = collections.Counter(json.loads(l)['test'] for l in open('.fuzz-report.jsonl')); \
		print('fuzz inputs tried:', dict(c), 'total', sum(c.values()))"

# Watch runs in the UI: http://localhost:8080 (the admin password is printed at start-up
# and kept in airflow_home/simple_auth_manager_passwords.json.generated).
airflow: $(AIRFLOW_HOME)/.ready
	$(BIN)/airflow standalone

bench: $(VENV)/.installed
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Regenerate the lock from requirements.in (needs the package registry).
lock: $(UV)
	$(UV) pip compile --python-version 3.11 --quiet requirements.in -o requirements.lock

clean:
	rm -rf data airflow_home .pytest_cache
