# Two commands on a fresh machine: `make demo` and `make test`. Everything else is a helper.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test install serve migrate seed demo-code lint format messages clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# Runs the product with realistic demo data on the embedded default (SQLite, in-memory
# channel layer): HTTP and websockets at http://127.0.0.1:8000.
# WhiteNoise serves the collected files with their gzip and brotli copies; collectstatic
# runs again only when something under static/ changed.
STATIC_FILES := $(shell find static -type f)
staticfiles/.collected: $(STAMP) $(STATIC_FILES)
	$(PY) manage.py collectstatic --noinput -v0
	touch $@

demo: seed staticfiles/.collected
	@echo "SchoolWell is at http://127.0.0.1:8000 (Ctrl+C to stop)"
	$(PY) manage.py runserver 127.0.0.1:8000

# The whole suite. CI runs exactly this, on the embedded default and on PostgreSQL + Redis.
# One worker per core (pytest-xdist); each has its own test database and Redis database
# (settings.py). TEST_WORKERS=0 runs in this process, e.g. to use a debugger.
TEST_WORKERS ?= auto
test: install
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

demo-code: install
	@$(PY) manage.py demo_totp

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: install
	$(PY) manage.py makemessages -l es --ignore=.venv --ignore=bench --ignore=tests
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var staticfiles test-artifacts
