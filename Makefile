# The two commands a new user needs: `make run` and `make test`. Both set up .venv/ on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

MANIFEST := dbt/target/manifest.json
DBT_SOURCES := $(shell find dbt/models dbt/macros dbt/seeds dbt/tests -type f 2>/dev/null) dbt/dbt_project.yml
# The sources of truth every generated file is rendered from (see dagster_project/generated_files.py).
GENERATOR_SOURCES := dagster_project/contract/raw_exports.yaml dagster_project/catalogue/measures.yaml \
	dagster_project/quality/rule.py $(wildcard dagster_project/quality/rules*.py) docs/measures.md README.md

.PHONY: run test test-fast lint format ui status setup benchmark lock generate docs snapshot

setup: $(STAMP) $(MANIFEST)

# Re-install whenever the lock or the project metadata changes.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

# Build step: stop if a generated file differs from its source of truth (run `make generate`), then dbt parses
# the project (Dagster reads dbt's manifest at load time and never parses the project at import). Checking rather
# than rewriting here keeps a forgotten `make generate` visible in CI instead of silently repaired.
# The parse is saved with the dbt steps' profile values and standards, which the first run of a data folder reuses.
DBT_PARSE_INPUTS := dagster_project/transform/prepare.py dagster_project/transform/dbt_environment.py \
	dagster_project/standards.py dagster_project/settings.py dbt/profiles.yml

$(MANIFEST): $(STAMP) $(DBT_SOURCES) $(GENERATOR_SOURCES) $(DBT_PARSE_INPUTS)
	$(BIN)/python -m dagster_project.generated_files --check
	$(BIN)/python -m dagster_project.transform.prepare

generate: $(STAMP)  ## re-render every generated file (dbt staging/validated SQL, seeds, docs/, README measure table)
	$(BIN)/python -m dagster_project.generated_files

docs: setup  ## the dbt documentation site, offline, into $$CSC_DATA_DIR/dbt_docs (default data/dbt_docs)
	$(BIN)/python -m dagster_project.transform.docs_site

# RUN_ARGS: e.g. `make run RUN_ARGS=--demo` to generate a demo extract into an explicitly set, empty CSC_RAW_DIR.
run: setup  ## generate a demo extract if the default raw/ has none, then run the whole nightly job once
	$(BIN)/csc run $(RUN_ARGS)

# Every test, on every core: tests sharing a fixture (a pipeline run, a built warehouse) stay in one worker
# (tests/conftest.py). The 15 slowest tests are listed before pytest's summary line, so a slow new test is seen.
PYTEST_PARALLEL := -n auto --dist loadgroup

test: setup  ## every test (the same command CI runs)
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) --durations=15

test-fast: setup  ## the inner loop, under a minute: unit, dbt unit, contract and generated-file tests (marker `fast`)
	$(BIN)/python -m pytest -m fast $(PYTEST_PARALLEL)

lint: setup
	$(BIN)/ruff check dagster_project tests
	$(BIN)/ruff format --check dagster_project tests
	$(BIN)/sqlfluff lint dbt/models
	$(BIN)/lint-imports  # imports go one way (pyproject.toml [tool.importlinter], docs/architecture.md)

format: setup  ## ruff format, as the lint test checks
	$(BIN)/ruff format dagster_project tests

ui: setup  ## Dagster UI + daemon (schedules and sensors) on http://127.0.0.1:3000
	$(BIN)/csc ui

status: setup
	$(BIN)/csc status

snapshot: setup  ## rewrite tests/definitions_snapshot.txt after an intended asset/check/job/schedule/sensor change
	$(BIN)/python -m tests.definitions_snapshot --update

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
