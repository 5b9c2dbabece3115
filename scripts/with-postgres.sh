#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL 15 server; its URL is in LEARNER_RECORDS_TEST_POSTGRES_URL.
# Installs Debian's server when it is missing, and always stops the server and removes its files.
set -euo pipefail
PGBIN=/usr/lib/postgresql/15/bin
if [ ! -x "$PGBIN/initdb" ]; then
  echo "installing PostgreSQL 15 (Debian package)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
fi
PGUSER_OS=postgres
DIR=$(mktemp -d /tmp/learner-records-pg.XXXXXX)
chown "$PGUSER_OS": "$DIR"
PORT=${LEARNER_RECORDS_TEST_PG_PORT:-$(( 20000 + RANDOM % 20000 ))}
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u "$PGUSER_OS" -- "$@"; else "$@"; fi; }
cleanup() {
  as_postgres "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT INT TERM
as_postgres "$PGBIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 -N >/dev/null
as_postgres "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -o \
  "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null
export LEARNER_RECORDS_TEST_POSTGRES_URL="postgresql+psycopg://postgres@/postgres?host=$DIR&port=$PORT"
export LEARNER_RECORDS_REQUIRE_POSTGRES=1
status=0
"$@" || status=$?
exit $status
