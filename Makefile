# Developer commands for the mentoring programme manager (GNU make). Works on a fresh clone:
# the first target that needs Python creates .venv and installs the project with its dev tools.

.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
# Reinstalls only when pyproject.toml changes, so repeated `make test` starts at once.
INSTALLED := $(VENV)/.installed
ADDRESS ?= 127.0.0.1:8000
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-k pairing -x"`.
PYTEST_ARGS ?=
# Parallel test run (pytest-xdist); `make test XDIST=` runs in one process.
XDIST ?= -n auto

# Commands that import settings without serving anything still need some SECRET_KEY when
# there is no .env (a fresh clone, CI). An exported SECRET_KEY or a .env file wins.
ifeq ($(wildcard .env),)
check messages bench: export SECRET_KEY ?= not-a-secret-only-for-make-check-messages-and-bench
endif

.PHONY: help install run test e2e lint check messages bench

help: ## Show this help
	@echo "Mentoring programme manager. Targets:"
	@grep -E '^[a-z0-9]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

$(PY):
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $@

install: $(INSTALLED) .env ## Create .venv, install the project with dev tools, write .env

# A local .env with a random SECRET_KEY; never overwritten once it exists.
.env: | $(PY)
	$(PY) -c 'import secrets; print("SECRET_KEY=" + secrets.token_urlsafe(50))' > $@
	@echo "Wrote .env with a random SECRET_KEY"

run: $(INSTALLED) .env ## Migrate, load the demo data and serve on http://127.0.0.1:8000
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	$(MANAGE) runserver $(ADDRESS)

test: $(INSTALLED) ## Run the test suite (without browser tests)
	$(PY) -m pytest -m "not e2e" $(XDIST) $(PYTEST_ARGS)

e2e: $(INSTALLED) ## Run the browser tests (system Chromium, CHROMIUM_PATH)
	$(PY) -m pytest tests/e2e -m e2e $(PYTEST_ARGS)

lint: $(INSTALLED) ## Lint with ruff
	$(BIN)/ruff check .

check: $(INSTALLED) ## Missing migrations, Django system checks, untranslated or fuzzy strings
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) check
	$(PY) scripts/check_translations.py

APPS := mentorship programmes participants pairing monitoring cycle privacy

messages: $(INSTALLED) ## Update each app's locale/ru catalogue and compile them
	@set -e; for app in $(APPS); do \
		mkdir -p $$app/locale; \
		(cd $$app && ../$(PY) ../manage.py makemessages -l ru --no-obsolete \
			--ignore=reference --ignore=migrations); \
	done
	$(MANAGE) compilemessages --ignore=.venv

bench: export DJANGO_SETTINGS_MODULE ?= mentorship.settings
bench: $(INSTALLED) ## Run every bench/*.py (each prints its figures as JSON)
	@test -n "$(wildcard bench/*.py)" || echo "No benchmarks in bench/ yet"
	@set -e; for script in $(sort $(wildcard bench/*.py)); do \
		echo "== $$script"; $(PY) $$script; \
	done
