# The two commands a new user needs: `make run` and `make test`. Both set up .venv/ on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

MANIFEST := dbt/target/manifest.json
DBT_SOURCES := $(shell find dbt/models dbt/macros dbt/seeds dbt/tests -type f 2>/dev/null) dbt/dbt_project.yml

.PHONY: run test lint ui status setup benchmark lock

setup: $(STAMP) $(MANIFEST)

# Re-install whenever the lock or the project metadata changes.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

# Build step: Dagster reads dbt's manifest at load time and never parses the project at import.
$(MANIFEST): $(STAMP) $(DBT_SOURCES)
	$(BIN)/python -m dagster_project.transform.prepare

# RUN_ARGS: e.g. `make run RUN_ARGS=--demo` to generate a demo extract into an explicitly set, empty CSC_RAW_DIR.
run: setup  ## generate a demo extract if the default raw/ has none, then run the whole nightly job once
	$(BIN)/csc run $(RUN_ARGS)

test: setup  ## every test
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check dagster_project tests
	$(BIN)/sqlfluff lint dbt/models

ui: setup  ## Dagster UI + daemon (schedules and sensors) on http://127.0.0.1:3000
	$(BIN)/csc ui

status: setup
	$(BIN)/csc status

benchmark: setup
	$(BIN)/python -m tests.benchmarks.run_benchmarks

lock:  ## re-resolve the dependency ranges in pyproject.toml into requirements.lock (needs the network)
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet ".[dev]"
	(echo "# Exact versions of every dependency CI tested (pip freeze of a fresh venv). Ranges and reasons: pyproject.toml."; \
	 echo "# Regenerate: make lock"; \
	 .lock-venv/bin/python -m pip freeze --all | grep -v -E "^(pip|csc-warehouse)==" | grep -v "^-e ") > requirements.lock
	rm -rf .lock-venv
