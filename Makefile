# Parley: the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run test lint format bench install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Serve the demo: SQLite, migrations, demo site and moderator, on 127.0.0.1:$(PORT), with
## gunicorn. Ctrl-C (or SIGTERM to the server) stops it cleanly: see app/demo/serve.py.
run: $(STAMP)
	$(BIN)/flask db upgrade
	$(BIN)/flask demo setup --port $(PORT)
	PARLEY_DEMO=on $(BIN)/python -m app.demo.serve --port $(PORT)

## axe-core for the browser tests' accessibility checks, pinned by tests/browser/package-lock.json.
AXE := tests/browser/node_modules/axe-core/axe.min.js
$(AXE): tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund
	touch $(AXE)

## Run the test suite (SQLite always; PostgreSQL/Redis when PARLEY_TEST_*_URL are set).
## axe-core is installed when npm is there (without it the accessibility tests skip, or fail
## under CI=true).
test: $(STAMP) $(if $(shell command -v npm),$(AXE))
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Benchmarks through gunicorn on SQLite and PostgreSQL; results in docs/benchmarks.md.
bench: $(STAMP)
	command -v wrk >/dev/null || apt-get install -y wrk || (apt-get update && apt-get install -y wrk)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache
