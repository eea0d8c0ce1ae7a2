# The two commands a new machine needs: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The first Python >= 3.12 on PATH (or set PYTHON=/path/to/python3.12).
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PORT ?= 8000

.PHONY: help run test lint typecheck migrations-check schema-check deploy-check audit pytest install install-dev assets messages clean

help:
	@echo "make run   - install, migrate, load the demo and start web + worker + beat on http://127.0.0.1:$(PORT)/"
	@echo "make test  - install test tools and run every check (ruff incl. bandit rules, mypy, migrations,"
	@echo "             OpenAPI schema, deploy checklist, pip-audit, pytest incl. API fuzzing)"

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python >= 3.12 is required (set PYTHON=/path/to/python3.12)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed
install-dev: $(VENV)/.installed-dev node_modules/.installed

assets: install
	$(MANAGE) collectstatic --noinput --verbosity 0

run: install assets
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@echo
	@echo "  Scorecard runs on http://127.0.0.1:$(PORT)/"
	@echo "  Demo logins (password: $${DEMO_PASSWORD:-scorecard-demo}):"
	@echo "    admin     superuser, sees every team"
	@echo "    manager   viewer on Acme Retail (and so on Social Media and Webshop)"
	@echo "    marketer  editor on Acme Retail / Social Media"
	@echo "    baker     admin on Bakery Brothers"
	@echo
	PORT=$(PORT) $(BIN)/honcho start -f Procfile

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev
	$(BIN)/mypy .

migrations-check: install-dev
	$(MANAGE) makemigrations --check --dry-run

pytest: install-dev
	$(BIN)/pytest -n $${PYTEST_WORKERS:-2} $(PYTEST_ARGS)

# The OpenAPI schema must generate without a warning (undocumented parameters, unknown serializers...).
schema-check: install-dev
	$(MANAGE) spectacular --validate --fail-on-warn --file /dev/null

# Django's deployment checklist under production settings (throwaway secret and host, only for the check).
deploy-check: install-dev
	DJANGO_ENV=production SECRET_KEY=deploy-check-$$RANDOM-a-long-throwaway-secret-value-not-used-anywhere \
		ALLOWED_HOSTS=scorecard.example.com $(MANAGE) check --deploy --fail-level WARNING

# Known vulnerabilities in requirements.txt: fails on a vulnerable pin, warns when the service is unreachable.
audit: install-dev
	$(BIN)/python tools/audit_requirements.py

test: lint typecheck migrations-check schema-check deploy-check audit pytest

messages: install-dev
	$(MANAGE) makemessages -l nl --no-obsolete --ignore=node_modules --ignore=.venv --ignore=var
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules

clean:
	rm -rf var/db.sqlite3 var/broker var/results var/static var/celerybeat-schedule*
