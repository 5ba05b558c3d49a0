#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server on loopback, started by hand.
#   scripts/with-postgres.sh CMD...   sets DATABASE_URL for CMD, then stops and removes the server.
# If TEST_DATABASE_URL is set, that server is used instead and nothing is started.
set -euo pipefail
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  DATABASE_URL="$TEST_DATABASE_URL" exec "$@"
fi
bindir=""
if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
  bindir="$(pg_config --bindir)"
fi
if [ -z "$bindir" ]; then
  bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "PostgreSQL server binaries not found: apt-get install postgresql (or set TEST_DATABASE_URL)." >&2
  exit 1
fi
port="${PGTEST_PORT:-54329}"
dir="$(mktemp -d /tmp/investrack-pg.XXXXXX)"
as_user=()
if [ "$(id -u)" -eq 0 ]; then
  # PostgreSQL refuses to run as root: run the server as the postgres system user.
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "$dir" postgres
  chown postgres "$dir"
  as_user=(runuser -u postgres --)
fi
cleanup() {
  "${as_user[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
"${as_user[@]}" "$bindir/initdb" -D "$dir/data" -U investrack --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_user[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
"$bindir/createdb" -h 127.0.0.1 -p "$port" -U investrack investrack
export DATABASE_URL="postgres://investrack@127.0.0.1:$port/investrack"
"$@"
