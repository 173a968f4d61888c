#!/usr/bin/env bash
# The whole suite: lint, Django checks, migrations in sync, then pytest on real Postgres, Redis,
# a real Celery worker and headless Chromium. Called by `make test` after setup.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"; cd "$ROOT"
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=sfms.settings.test
echo "[test] ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check . >/dev/null || { .venv/bin/ruff format --check .; exit 1; }
echo "[test] django checks"
$PY manage.py check --fail-level WARNING
$PY manage.py makemigrations --check --dry-run >/dev/null || { echo "Model changes without migrations:"; $PY manage.py makemigrations --check --dry-run; exit 1; }
$PY manage.py spectacular --validate --fail-on-warn --file /dev/null
echo "[test] pytest"
# Two workers (pytest-xdist) sharing out single tests, so the long access walk (one test per role) spreads;
# each worker has its own test database, Redis databases and media folder (sfms/settings/test.py).
exec .venv/bin/pytest -n "${SFMS_TEST_WORKERS:-2}" --dist load "$@"
