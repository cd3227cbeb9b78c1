#!/usr/bin/env bash
# `make loadtest`: the load test of issue 8 (docs/deploy.md, docs/performance.md).
# Two web nodes (two granian processes) on two ports of 127.0.0.1 share one
# PostgreSQL database and one Redis (cache, sessions, rate-limit counters);
# locust drives both for a bounded time; then the writes are counted.
#
#   scripts/loadtest.sh                               # 60 s on `small`, PostgreSQL
#   scripts/loadtest.sh --run-time 30 --users 20
#   scripts/loadtest.sh votepeak --count 20000        # the vote peak instead
#   make loadtest ARGS="--update-docs"
#
# The first argument `votepeak` runs `manage.py votepeak`; the others go to
# the command (see `manage.py loadtest --help`, `manage.py votepeak --help`).
# Without DATABASE_URL, the demo is loaded (migrate + load_demo) into the
# PostgreSQL database membrane_load_small on 127.0.0.1 when missing. Without
# REDIS_URL, Redis database 5 on 127.0.0.1 (LOADTEST_REDIS_URL to change it).
# Installs locust (the 'load' extra) into .venv when missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
"$ROOT/scripts/bootstrap.sh"
PY="$ROOT/.venv/bin/python"
# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"
export DJANGO_SETTINGS_MODULE=membrane.settings
unset DEBUG
PG_HOST="${PGHOST:-127.0.0.1}"
PG_USER="${PGUSER:-postgres}"

COMMAND=loadtest
if [ "${1:-}" = votepeak ]; then
    COMMAND=votepeak
    shift
fi

say() { printf '==> %s\n' "$*"; }

if [ ! -x "$ROOT/.venv/bin/locust" ] && [ "$COMMAND" = loadtest ]; then
    say "Installing locust (the 'load' extra)"
    "$ROOT/.venv/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[load]'
fi

export REDIS_URL="${REDIS_URL:-${LOADTEST_REDIS_URL:-redis://127.0.0.1:6379/5}}"
if [ -z "${DATABASE_URL:-}" ]; then
    DB_NAME=membrane_load_small
    export DATABASE_URL="postgres://$PG_USER@$PG_HOST:5432/$DB_NAME"
    if ! pg_database_exists "$DB_NAME"; then
        createdb -h "$PG_HOST" -U "$PG_USER" "$DB_NAME"
        say "Loading the demo (the 'small' dataset)"
        "$PY" manage.py migrate --noinput --verbosity=0
        "$PY" manage.py load_demo >/dev/null
    fi
fi

say "Database: $DATABASE_URL; cache: $REDIS_URL" | sed -E 's#://([^:/@]+):[^@]*@#://\1:***@#g'
prepare_site
say "manage.py $COMMAND"
exec "$PY" manage.py "$COMMAND" "$@"
