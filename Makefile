# Two commands on a fresh machine: `make demo` and `make test`. Everything else is a helper.
# Python may keep compiled modules (__pycache__, ignored by git): a machine that sets
# PYTHONDONTWRITEBYTECODE=1 otherwise compiles Django, pandas and the rest from source in every
# process: each test worker, each server a test starts, each subprocess (about 5 s each,
# bench/imports.py).
unexport PYTHONDONTWRITEBYTECODE
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test install serve migrate seed demo-code lint format messages clean

# uv installs the same packages from PyPI as pip would, in about 7 s instead of about a
# minute (both without a cache; it resolves and downloads in parallel).
# The local OpenID Provider (node oidc-provider) the SSO tests and the demo run.
IDP_DIR := schoolwell/sso/local_idp
$(STAMP): pyproject.toml $(IDP_DIR)/package-lock.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip install --quiet --python $(PY) -e ".[dev]"
	npm ci --prefix $(IDP_DIR) --no-audit --no-fund --loglevel=error
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

# Beside it, the demo district's own identity provider on 127.0.0.1:9555, for "Sign in with
# Riverbend SSO" (schoolwell/sso/demo.py); it stops with the server.
demo: seed staticfiles/.collected
	@echo "SchoolWell is at http://127.0.0.1:8000 (Ctrl+C to stop)"
	$(PY) manage.py run_demo_idp & idp=$$!; trap 'kill $$idp 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:8000

# The whole suite. CI runs exactly this, on the embedded default and on PostgreSQL + Redis.
# One worker per core (pytest-xdist); each has its own test database and Redis database
# (settings.py). TEST_WORKERS=0 runs in this process, e.g. to use a debugger.
TEST_WORKERS ?= auto
# Locally each worker keeps its SQLite test database (var/test.sqlite3_gw0, ...) and the
# next run reuses it instead of migrating again (about a minute, tests/reused_db.py); a run
# after a migration was changed, moved or removed builds them anew, as PYTEST_ARGS=--create-db
# does. CI (CI=true) and PostgreSQL (DATABASE_URL) build fresh databases every run.
TEST_DB_ARGS :=
ifneq ($(CI),true)
ifeq ($(DATABASE_URL),)
export SQLITE_TEST_PATH ?= $(CURDIR)/var/test.sqlite3
TEST_DB_ARGS = --reuse-db $(shell mkdir -p var; \
	sum=$$({ find . -path ./.venv -prune -o -path '*/migrations/*.py' -print | sort \
	  | xargs cat; stat -c %Y $(STAMP); } | cksum); \
	[ "$$sum" = "$$(cat var/test-db.sum 2>/dev/null)" ] || { echo --create-db; echo "$$sum" > var/test-db.sum; })
endif
endif
test: install
	$(PY) -m pytest -n $(TEST_WORKERS) $(TEST_DB_ARGS) $(PYTEST_ARGS)

demo-code: install
	@$(PY) manage.py demo_totp

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: install
	$(PY) manage.py makemessages -l es --ignore=.venv --ignore=bench --ignore=tests
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var staticfiles test-artifacts
