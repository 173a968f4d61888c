#!/usr/bin/env bash
# Prints the path of a Python >= 3.12 (Django 6 needs it), or explains what to install.
set -u
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
for c in "${SFMS_PYTHON:-}" python3.13 python3.12 python3; do
  [ -n "$c" ] && command -v "$c" >/dev/null 2>&1 && ok "$c" && { command -v "$c"; exit 0; }
done
if command -v pyenv >/dev/null 2>&1; then
  for v in 3.13 3.12; do
    p="$(pyenv prefix "$v" 2>/dev/null)/bin/python"
    [ -x "$p" ] && ok "$p" && { echo "$p"; exit 0; }
  done
fi
for p in /root/.pyenv/versions/3.1[2-9]*/bin/python /usr/local/bin/python3.1[2-9]; do
  [ -x "$p" ] && ok "$p" && { echo "$p"; exit 0; }
done
echo "No Python >= 3.12 found. Django 6 needs it: install one (e.g. 'pyenv install 3.13') or set SFMS_PYTHON=/path/to/python3.13." >&2
exit 1
