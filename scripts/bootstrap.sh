#!/usr/bin/env bash
# Debian packages, virtualenv and Python dependencies; reinstalls only when pyproject.toml changes.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"; cd "$ROOT"
VENV="${VENV:-$ROOT/.venv}"
scripts/services.sh deps
if [ ! -x "$VENV/bin/python" ]; then
  PY="$(scripts/find_python.sh)"
  echo "[bootstrap] creating virtualenv with $PY"
  "$PY" -m venv "$VENV"
fi
STAMP="$VENV/.deps-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$STAMP" ]; then
  echo "[bootstrap] installing Python dependencies"
  "$VENV/bin/python" - > "$VENV/requirements.txt" <<'PY'
import tomllib
p = tomllib.load(open("pyproject.toml", "rb"))["project"]
print("\n".join(p["dependencies"] + p["optional-dependencies"]["dev"]))
PY
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -U pip 2>&1 | { grep -v "is ignored: it is neither" || true; }
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$VENV/requirements.txt" 2>&1 | { grep -v "is ignored: it is neither" || true; }
  rm -f "$VENV"/.deps-*; touch "$STAMP"
fi
