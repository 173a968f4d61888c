# make run  — install what is missing, start Postgres + Redis, migrate, seed demo data, serve web + worker + beat
# make test — the same set-up, then lint, checks and the whole test suite on real Postgres, Redis, Celery, Chromium
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
export DJANGO_SETTINGS_MODULE ?= sfms.settings.dev

.PHONY: run test setup services down lint format bench clean-run

setup:
	@scripts/bootstrap.sh
	@scripts/services.sh up
	@$(PY) manage.py compilemessages -v 0 --ignore=.venv
	@$(PY) manage.py migrate --noinput -v 0

run: setup
	@scripts/run.sh

test: setup
	@DJANGO_SETTINGS_MODULE=sfms.settings.test scripts/test.sh

services:
	@scripts/services.sh up

down:
	@scripts/services.sh down

lint:
	@$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format:
	@$(VENV)/bin/ruff check --fix . && $(VENV)/bin/ruff format .
