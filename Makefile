# The README's two commands.  Each installs what it needs first.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
PORT ?= 5000
export FLASK_APP = app:create_app

.PHONY: run test install npm db e2e-deps bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

install: $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"

npm:
	@if [ -f package.json ]; then npm install --no-audit --no-fund --loglevel=error && npm run --silent build; fi

db: install
	$(BIN)/flask init-db --demo

# gunicorn (deploy/gunicorn.conf.py): one worker with threads and the scheduler inside
# it, so exactly one scheduler runs.  Deployments: README "Deployment".
run: install npm db
	@echo "Demo users (password: $${DEMO_PASSWORD:-demo1234}): clerk verifier leader publisher officer legal supervisor designer admin, and county_<role>"
	PORT=$(PORT) WEB_CONCURRENCY=1 START_SCHEDULER_IN_WEB=1 $(BIN)/gunicorn -c deploy/gunicorn.conf.py "app:create_app()"

# Browser tests need Debian's chromium; install it when missing (root, as in CI).
e2e-deps:
	@(command -v chromium >/dev/null 2>&1 && fc-list :lang=zh | grep -q .) || (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) || echo "chromium unavailable: browser tests will be skipped"

test: install npm e2e-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q -p no:cacheprovider -n 2

# PostgreSQL benchmarks use BENCH_PG_URL or TEST_DATABASE_URL (default: postgres on 127.0.0.1).
bench: install
	$(BIN)/python bench/engine_step.py
	$(BIN)/python bench/board.py
	$(BIN)/python bench/timers.py
	$(BIN)/python bench/http_load.py

clean:
	rm -rf $(VENV) node_modules app/static/dist instance/*.db
