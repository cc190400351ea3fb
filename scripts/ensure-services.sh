#!/usr/bin/env bash
# Makes sure the PostgreSQL and Redis the tests use are answering, for CI on a fresh Debian machine
# (.ci/run calls it before `npm ci && npm test`) or a developer's box:
#   - installs them with apt-get when the binaries are absent (a fresh PostgreSQL gets trust auth on
#     loopback, which the tests use; an existing one's authentication is never changed),
#   - starts them when nothing answers,
#   - creates the tests' database when it is absent,
#   - waits until each answers.
# It reads the variables the tests read, with the same defaults:
#   PASSMINT_TEST_DATABASE_URL  postgres://postgres@127.0.0.1:5432/test
#   PASSMINT_TEST_REDIS_URL     redis://127.0.0.1:6379
# Services on another host are only checked, never started. PASSMINT_TEST_PG_DATA_DIR, when set,
# runs PostgreSQL from that data dir (made with initdb if empty) instead of the Debian cluster.
set -euo pipefail

DATABASE_URL="${PASSMINT_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
REDIS_URL="${PASSMINT_TEST_REDIS_URL:-redis://127.0.0.1:6379}"
PG_DATA_DIR="${PASSMINT_TEST_PG_DATA_DIR:-}"
# Starting takes a second or two; a loaded machine may take much longer.
WAIT_SECONDS=120

say() { echo "ensure-services: $*" >&2; }
fail() { say "$*"; exit 1; }

# postgres://user[:password]@host[:port]/database[?query] -> the parts, or fail.
parse_database_url() {
  local pattern='^(postgres(ql)?://(([^:@/]+)(:[^@/]*)?@)?([^:/?]+|\[[0-9a-fA-F:]+\])(:([0-9]+))?)/([^?]+)'
  [[ "$DATABASE_URL" =~ $pattern ]] || fail "PASSMINT_TEST_DATABASE_URL is not postgres://user@host:port/database: $DATABASE_URL"
  PG_USER="${BASH_REMATCH[4]:-postgres}"
  PG_HOST="${BASH_REMATCH[6]}"
  PG_PORT="${BASH_REMATCH[8]:-5432}"
  PG_DATABASE="${BASH_REMATCH[9]}"
  # The server's maintenance database, to create the tests' one from.
  PG_ADMIN_URL="${BASH_REMATCH[1]}/postgres"
}

parse_redis_url() {
  local pattern='^rediss?://([^@/]*@)?([^:/?]+|\[[0-9a-fA-F:]+\])(:([0-9]+))?'
  [[ "$REDIS_URL" =~ $pattern ]] || fail "PASSMINT_TEST_REDIS_URL is not redis://host:port: $REDIS_URL"
  REDIS_HOST="${BASH_REMATCH[2]}"
  REDIS_PORT="${BASH_REMATCH[4]:-6379}"
}

is_local() { [[ "$1" == 127.0.0.1 || "$1" == localhost || "$1" == '[::1]' ]]; }

apt_install() {
  [[ "$(id -u)" == 0 ]] || fail "$* missing: install it (sudo apt-get install $*) or point the tests elsewhere (docs/testing.md)."
  say "installing $*"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# wait_until SECONDS WHAT COMMAND...: runs COMMAND until it succeeds, or fails after SECONDS.
wait_until() {
  local seconds="$1" what="$2"
  shift 2
  for ((i = 0; i < seconds * 4; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.25
  done
  fail "$what (waited ${seconds} s)"
}

# As the postgres user when we are root (initdb and the server refuse to run as root).
as_postgres() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_answers() { pg_isready -q -h "${PG_HOST//[\[\]]/}" -p "$PG_PORT"; }
pg_accepts_us() { psql "$PG_ADMIN_URL" -XtAc 'SELECT 1' >/dev/null 2>&1; }

# The Debian cluster listening on PG_PORT (version and name), if there is one.
debian_cluster() {
  pg_lsclusters --no-header 2>/dev/null | awk -v port="$PG_PORT" '$3 == port { print $1, $2; exit }'
}

# Trust for loopback connections, first in pg_hba.conf: only ever called on a cluster this script installed.
trust_loopback() {
  local hba="/etc/postgresql/$1/$2/pg_hba.conf"
  say "trust auth for loopback connections in $hba (a fresh install for the tests)"
  local rules
  rules="$(printf 'host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n'; cat "$hba")"
  # Written in place: the file keeps its owner and mode.
  printf '%s\n' "$rules" >"$hba"
}

# Starts the Debian cluster on PG_PORT; one this script just installed first gets trust on loopback.
start_debian_cluster() {
  local installed="$1" cluster version name
  cluster="$(debian_cluster)"
  [[ -n "$cluster" ]] || fail "no PostgreSQL cluster on port $PG_PORT (pg_lsclusters): create one (pg_createcluster) or set PASSMINT_TEST_PG_DATA_DIR"
  read -r version name <<<"$cluster"
  if [[ "$installed" == yes ]]; then trust_loopback "$version" "$name"; fi
  if pg_answers; then
    # Started by the package's install: read the new pg_hba.conf.
    pg_ctlcluster --skip-systemctl-redirect "$version" "$name" reload
  else
    say "starting PostgreSQL $version/$name on port $PG_PORT"
    pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start
  fi
}

# A private server from PG_DATA_DIR (made by initdb with trust auth when empty; sockets in the data dir).
start_private_cluster() {
  local bins=(/usr/lib/postgresql/*/bin) bin
  bin="$(printf '%s\n' "${bins[@]}" | sort -V | tail -n 1)"
  mkdir -p "$PG_DATA_DIR"
  if [[ "$(id -u)" == 0 ]]; then chown postgres: "$PG_DATA_DIR"; fi
  if [[ ! -s "$PG_DATA_DIR/PG_VERSION" ]]; then
    say "initdb $PG_DATA_DIR"
    as_postgres "$bin/initdb" -D "$PG_DATA_DIR" -U postgres --auth=trust >/dev/null
  fi
  say "starting PostgreSQL from $PG_DATA_DIR on port $PG_PORT"
  as_postgres "$bin/pg_ctl" -D "$PG_DATA_DIR" -l "$PG_DATA_DIR/server.log" -o "-p $PG_PORT -k $PG_DATA_DIR -c listen_addresses=127.0.0.1" start >/dev/null
}

ensure_postgres() {
  parse_database_url
  local installed=no
  if ! command -v pg_isready >/dev/null || ! command -v psql >/dev/null || { is_local "$PG_HOST" && ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; }; then
    if is_local "$PG_HOST"; then
      apt_install postgresql
      installed=yes
    else
      apt_install postgresql-client
    fi
  fi
  if ! pg_answers || [[ "$installed" == yes && -z "$PG_DATA_DIR" ]]; then
    is_local "$PG_HOST" || fail "PostgreSQL at $PG_HOST:$PG_PORT does not answer (not started here: not a local address)"
    if [[ -n "$PG_DATA_DIR" ]]; then start_private_cluster; else start_debian_cluster "$installed"; fi
    wait_until "$WAIT_SECONDS" "PostgreSQL on $PG_HOST:$PG_PORT did not answer" pg_answers
  fi
  wait_until 10 "PostgreSQL on $PG_HOST:$PG_PORT refused $PG_USER without a password; the tests need trust auth for loopback connections in pg_hba.conf" pg_accepts_us
  if [[ "$(psql "$PG_ADMIN_URL" -XtAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'")" != 1 ]]; then
    say "creating database $PG_DATABASE"
    psql "$PG_ADMIN_URL" -XqAc "CREATE DATABASE \"$PG_DATABASE\"" >/dev/null
  fi
  say "PostgreSQL answers at $PG_HOST:$PG_PORT, database $PG_DATABASE"
}

redis_answers() { [[ "$(redis-cli -h "${REDIS_HOST//[\[\]]/}" -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

ensure_redis() {
  parse_redis_url
  if ! command -v redis-cli >/dev/null || { is_local "$REDIS_HOST" && ! command -v redis-server >/dev/null; }; then
    if is_local "$REDIS_HOST"; then apt_install redis-server; else apt_install redis-tools; fi
  fi
  if ! redis_answers; then
    is_local "$REDIS_HOST" || fail "Redis at $REDIS_HOST:$REDIS_PORT does not answer (not started here: not a local address)"
    say "starting Redis on port $REDIS_PORT"
    # Nothing is persisted: the tests' rate-limit buckets are throwaway. "-::1": IPv6 loopback when there is one.
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save '' --appendonly no --dir /tmp \
      --pidfile "/tmp/passmint-test-redis-$REDIS_PORT.pid" --logfile "/tmp/passmint-test-redis-$REDIS_PORT.log"
    wait_until "$WAIT_SECONDS" "Redis on $REDIS_HOST:$REDIS_PORT did not answer" redis_answers
  fi
  say "Redis answers at $REDIS_HOST:$REDIS_PORT"
}

# Sourcing the file only defines the functions (to exercise one part on its own).
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  ensure_postgres
  ensure_redis
fi
