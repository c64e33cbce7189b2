# The two commands a new user needs: `make run` and `make test`. Both set up .venv/ on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test lint ui status setup clean-data benchmark

setup: $(STAMP)

# Re-install whenever the lock or the project metadata changes.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

run: $(STAMP)  ## generate an extract if raw/ has none, then run the whole nightly job once
	$(BIN)/csc run

test: $(STAMP)  ## every test
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check dagster_project tests
	$(BIN)/sqlfluff lint dbt/models

ui: $(STAMP)  ## Dagster UI + daemon (schedules and sensors) on http://127.0.0.1:3000
	$(BIN)/csc ui

status: $(STAMP)
	$(BIN)/csc status

benchmark: $(STAMP)
	$(BIN)/python -m tests.benchmarks.run_benchmarks
