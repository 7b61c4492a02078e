#!/usr/bin/env bash
# PostgreSQL and Redis on loopback for the tests (the Celery topology test in tests/e2e).
#
#   bash .ci/services.sh start    install (Debian packages) if missing, start both; idempotent
#   bash .ci/services.sh stop     stop both (the data of the throwaway cluster stays until `clean`)
#   bash .ci/services.sh status   exit 0 if both answer
#   bash .ci/services.sh clean    stop both and delete the services folder
#
# Settings (environment):
#   AKHBAR_SERVICES_DIR  where the cluster, logs, pid files and services.env live
#                        (default /tmp/akhbar-services); must be reachable by the postgres user
#   AKHBAR_PG_PORT       PostgreSQL port on 127.0.0.1 (default 55432)
#   AKHBAR_REDIS_PORT    Redis port on 127.0.0.1 (default 56379)
#   AKHBAR_CI_APT=0      never call apt-get (fail if the binaries are missing)
#
# After `start`, $AKHBAR_SERVICES_DIR/services.env holds AKHBAR_TEST_PG_DSN and
# AKHBAR_TEST_REDIS_URL; tests/e2e/conftest.py reads them (or starts its own servers with this
# script when nothing is running). The PostgreSQL cluster is a throwaway one in the services
# folder, not the Debian cluster: superuser `airflow`, password `airflow`, loopback only.
# Redis keeps nothing on disk (--save '' --appendonly no).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
dir="${AKHBAR_SERVICES_DIR:-/tmp/akhbar-services}"
pg_port="${AKHBAR_PG_PORT:-55432}"
redis_port="${AKHBAR_REDIS_PORT:-56379}"
pg_user=airflow
pg_password=airflow
pgdata="$dir/pg/data"

log() { echo "services: $*" >&2; }

pg_bindir() {
  # Debian keeps the server binaries out of PATH, under /usr/lib/postgresql/<version>/bin.
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$d" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return; fi
  if command -v pg_ctl >/dev/null 2>&1; then dirname "$(command -v pg_ctl)"; return; fi
  return 1
}

# PostgreSQL refuses to run as root: as root, run the server tools as the `postgres` user.
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

install_packages() {
  local need=()
  pg_bindir >/dev/null || need+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
  [ ${#need[@]} -gt 0 ] || return 0
  if [ "${AKHBAR_CI_APT:-1}" != 1 ] || ! command -v apt-get >/dev/null 2>&1; then
    log "missing ${need[*]} and apt-get is not allowed or not available"
    return 1
  fi
  log "installing ${need[*]}"
  bash "$here/apt-packages.sh" postgresql redis-server
}

pg_ready() {
  local bin
  bin="$(pg_bindir)" || return 1
  "$bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" -t 2
}

redis_ready() {
  [ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null || true)" = PONG ]
}

wait_for() {  # wait_for NAME CHECK_FUNCTION: bounded, 60 s
  local name="$1" check="$2" i
  for i in $(seq 1 120); do
    if "$check"; then return 0; fi
    sleep 0.5
  done
  log "$name did not become ready on 127.0.0.1; see $dir/$name.log"
  tail -n 30 "$dir/$name.log" >&2 || true
  return 1
}

start_pg() {
  local bin
  bin="$(pg_bindir)"
  if pg_ready; then
    log "postgresql already answers on 127.0.0.1:$pg_port"
    return 0
  fi
  mkdir -p "$dir/pg"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir/pg"; fi
  if [ ! -s "$pgdata/PG_VERSION" ]; then
    local pwfile="$dir/pg/pwfile"
    echo "$pg_password" > "$pwfile"
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$pwfile"; fi
    as_pg "$bin/initdb" -D "$pgdata" -U "$pg_user" --pwfile="$pwfile" \
      --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { tail -n 30 "$dir/initdb.log" >&2; return 1; }
    rm -f "$pwfile"
  fi
  touch "$dir/postgresql.log"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir/postgresql.log"; fi
  # Sockets in the cluster's own folder: no need for /var/run/postgresql.
  as_pg "$bin/pg_ctl" -D "$pgdata" -l "$dir/postgresql.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -c unix_socket_directories='$dir/pg' -c max_connections=200 -c fsync=off" \
    >/dev/null
  wait_for postgresql pg_ready
  log "postgresql on 127.0.0.1:$pg_port (cluster $pgdata)"
}

start_redis() {
  if redis_ready; then
    log "redis already answers on 127.0.0.1:$redis_port"
    return 0
  fi
  redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no --daemonize yes \
    --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
  wait_for redis redis_ready
  log "redis on 127.0.0.1:$redis_port"
}

write_env() {
  cat >"$dir/services.env" <<EOF
AKHBAR_TEST_PG_DSN=postgresql://$pg_user:$pg_password@127.0.0.1:$pg_port/postgres
AKHBAR_TEST_REDIS_URL=redis://127.0.0.1:$redis_port
EOF
  cat "$dir/services.env"
}

stop_all() {
  local bin
  if [ -s "$pgdata/postmaster.pid" ] && bin="$(pg_bindir)"; then
    as_pg "$bin/pg_ctl" -D "$pgdata" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  fi
  if redis_ready; then
    redis-cli -h 127.0.0.1 -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  elif [ -s "$dir/redis.pid" ]; then
    kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
  fi
  rm -f "$dir/services.env" "$dir/redis.pid"
  log "stopped"
}

cmd="${1:-start}"
case "$cmd" in
  start)
    install_packages
    mkdir -p "$dir"
    chmod 755 "$dir"  # the postgres user must reach the cluster folder
    start_pg
    start_redis
    write_env
    ;;
  stop)
    stop_all
    ;;
  status)
    pg_ready && redis_ready
    ;;
  clean)
    stop_all
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 [start|stop|status|clean]" >&2
    exit 2
    ;;
esac
