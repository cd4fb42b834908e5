# The two commands a newcomer needs: `make run` and `make test`.
# Everything else here is a building block of those two, or a developer convenience.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
# Two workers (pytest-xdist) use both cores, each given the next test when it is free
# (with xdist's default chunks one worker got every long test: LONG_FIRST in
# tests/conftest.py); the ten slowest tests are printed at the end.
PYTEST_ARGS ?= -n auto --maxschedchunk 1 --durations=10

.PHONY: run test bench lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Re-install when pyproject.toml changes; stamps keep repeated runs fast.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

## make run: set up everything and serve http://127.0.0.1:5000 on SQLite
run: $(VENV)/.installed-run
	$(BIN)/quizapp db upgrade
	$(BIN)/quizapp questions load
	$(BIN)/quizapp run --host $(HOST) --port $(PORT)

## make test: set up and run the whole suite (TEST_DATABASE_URL selects PostgreSQL)
# Bytecode caching on, whatever the shell says (PYTHONDONTWRITEBYTECODE=1 here): without
# it every worker and every server a test starts compiles the app again, and pytest
# rewrites each test module's asserts again (collection 7 s -> 3 s a worker).
test: $(VENV)/.installed-test
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest $(PYTEST_ARGS)

## make bench: benchmarks, printing their figures
bench: $(VENV)/.installed-test
	$(BIN)/python bench/run_all.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
