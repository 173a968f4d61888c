#!/usr/bin/env bash
# `make run` calls this after `make setup` (bootstrap, Postgres + Redis up, compilemessages, migrate).
# Loads the demo data (idempotent), collects static files, then runs the web server, a Celery worker
# and Celery beat together under honcho (Procfile.dev): one Ctrl-C (or SIGINT/SIGTERM) stops all three.
# Works without a terminal too (output is plain lines). Port: SFMS_PORT (default 8000).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"; cd "$ROOT"
export VENV="${VENV:-$ROOT/.venv}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-sfms.settings.dev}"
export SFMS_HOST="${SFMS_HOST:-127.0.0.1}"
export SFMS_PORT="${SFMS_PORT:-8000}"
export PYTHONUNBUFFERED=1
PY="$VENV/bin/python"
mkdir -p .run

if ! "$PY" - "$SFMS_HOST" "$SFMS_PORT" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind((sys.argv[1], int(sys.argv[2])))
except OSError:
    sys.exit(1)
PY
then
  echo "[run] port $SFMS_PORT on $SFMS_HOST is in use: stop what runs there or set SFMS_PORT=8001" >&2
  exit 1
fi

echo "[run] demo data"
"$PY" manage.py seed_demo
echo "[run] static files"
"$PY" manage.py collectstatic --noinput -v 0

echo "[run] SFMS at http://$SFMS_HOST:$SFMS_PORT/  (web + Celery worker + beat; Ctrl-C stops all three)"
exec "$VENV/bin/honcho" start -f Procfile.dev -d "$ROOT" --no-colour
