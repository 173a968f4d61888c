#!/usr/bin/env bash
# usage: scripts/services.sh deps|up|down|status
# Idempotent. Installs missing Debian packages (deps), and starts PostgreSQL and Redis on loopback
# in a project-local data folder (up) unless DATABASE_URL / REDIS_URL point elsewhere.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"; RUN="${RUN_DIR:-$ROOT/.run}"; cd /
PGPORT="${SFMS_PGPORT:-55432}"; REDIS_PORT="${SFMS_REDIS_PORT:-56379}"; PGDATABASE="${SFMS_PGDATABASE:-sfms}"
APT_PKGS="postgresql postgresql-contrib redis-server libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-dejavu-core poppler-utils chromium gettext"
log() { echo "[services] $*"; }

deps() {
  local missing=""
  for p in $APT_PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "Missing Debian packages:$missing — install them as root (apt-get install$missing)." >&2; exit 1; }
    sudo="sudo"
  fi
  log "installing Debian packages:$missing"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing >/dev/null
}

PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"; PGDIR="$RUN/pg"
if [ "$(id -u)" -eq 0 ]; then AS=(runuser -u postgres --); else AS=(); fi

pg_dir() {
  mkdir -p "$PGDIR"; [ "$(id -u)" -eq 0 ] || return 0
  chown postgres:postgres "$PGDIR"
  runuser -u postgres -- test -w "$PGDIR" && return 0
  # A clone under a private (mode 700) parent: postgres cannot reach it, so use a per-project temp folder.
  PGDIR="/tmp/$(basename "$ROOT")-pg-$(echo "$ROOT" | md5sum | cut -c1-8)"; mkdir -p "$PGDIR"; chown postgres:postgres "$PGDIR"
}

pg_up() {
  if [ -n "${DATABASE_URL:-}" ]; then log "using DATABASE_URL"; return 0; fi
  pg_dir
  [ -f "$PGDIR/data/PG_VERSION" ] || "${AS[@]}" "$PGBIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" status >/dev/null 2>&1 || "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" \
    -w -t 30 -o "-h 127.0.0.1 -p $PGPORT -c unix_socket_directories='' -c max_connections=200" start >/dev/null
  "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -tAc "select 1 from pg_database where datname='$PGDATABASE'" | grep -q 1 \
    || "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres "$PGDATABASE"
  log "postgres 127.0.0.1:$PGPORT/$PGDATABASE"
}
pg_down() {
  [ -n "${DATABASE_URL:-}" ] && return 0
  pg_dir
  if [ -f "$PGDIR/data/PG_VERSION" ] && "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" status >/dev/null 2>&1; then
    "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null || true
  fi
}
redis_up() {
  if [ -n "${REDIS_URL:-}" ]; then log "using REDIS_URL"; return 0; fi
  mkdir -p "$RUN/redis"
  if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no --daemonize yes --dir "$RUN/redis" \
      --pidfile "$RUN/redis/redis.pid" --logfile "$RUN/redis/redis.log"
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  log "redis 127.0.0.1:$REDIS_PORT"
}
redis_down() { [ -n "${REDIS_URL:-}" ] || redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true; }

case "${1:-}" in
  deps) deps ;;
  up) pg_up; redis_up ;;
  down) redis_down; pg_down ;;
  status) pg_dir; "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" status || true; redis-cli -p "$REDIS_PORT" ping || true ;;
  *) echo "usage: $0 deps|up|down|status"; exit 2 ;;
esac
