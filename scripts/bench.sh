#!/usr/bin/env bash
# `make bench`: the benchmark of issue 8 (docs/performance.md). Starts the real
# server (granian, production settings) on a free port of 127.0.0.1 against the
# chosen dataset, drives the key pages from another process, writes
# var/perf/bench-<dataset>-<db>-<time>.json and prints the Markdown tables.
#
#   scripts/bench.sh                              # small (the demo) on SQLite
#   BENCH_DB=postgresql scripts/bench.sh          # small on PostgreSQL (own database)
#   DATABASE_URL=postgres://postgres@127.0.0.1/membrane_party \
#       scripts/bench.sh party --update-docs      # a dataset already generated
#   make bench ARGS="--duration 5 --only idea"
#
# The first argument, if it does not start with "-", names the dataset (default
# small); the others go to `manage.py bench` (--duration, --concurrency,
# --warmup, --only, --no-writes, --update-docs; see `manage.py bench --help`).
# Without DATABASE_URL, `small` is loaded (migrate + load_demo) into
# var/perf/small.sqlite3, or with BENCH_DB=postgresql into the PostgreSQL
# database membrane_bench_small on 127.0.0.1, when missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
"$ROOT/scripts/bootstrap.sh"
PY="$ROOT/.venv/bin/python"
# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"
export DJANGO_SETTINGS_MODULE=membrane.settings
unset DEBUG
VAR_DIR="${MEMBRANE_VAR_DIR:-$ROOT/var}"
PG_HOST="${PGHOST:-127.0.0.1}"
PG_USER="${PGUSER:-postgres}"

DATASET=small
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
    DATASET="$1"
    shift
fi

say() { printf '==> %s\n' "$*"; }

if [ -z "${DATABASE_URL:-}" ]; then
    if [ "$DATASET" != small ]; then
        echo "ERROR: set DATABASE_URL to the database holding the '$DATASET' dataset" \
            "(manage.py generate_dataset makes it)." >&2
        exit 2
    fi
    mkdir -p "$VAR_DIR/perf"
    case "${BENCH_DB:-sqlite}" in
    sqlite)
        DB_FILE="$VAR_DIR/perf/small.sqlite3"
        export DATABASE_URL="sqlite:///$DB_FILE"
        NEW=0
        [ -f "$DB_FILE" ] || NEW=1
        ;;
    postgresql | postgres)
        DB_NAME=membrane_bench_small
        export DATABASE_URL="postgres://$PG_USER@$PG_HOST:5432/$DB_NAME"
        NEW=0
        if ! pg_database_exists "$DB_NAME"; then
            createdb -h "$PG_HOST" -U "$PG_USER" "$DB_NAME"
            NEW=1
        fi
        ;;
    *)
        echo "ERROR: BENCH_DB must be sqlite or postgresql, not '$BENCH_DB'" >&2
        exit 2
        ;;
    esac
    if [ "$NEW" = 1 ]; then
        say "Loading the demo (the 'small' dataset)"
        "$PY" manage.py migrate --noinput --verbosity=0
        "$PY" manage.py createcachetable
        "$PY" manage.py load_demo >/dev/null
    fi
fi

say "Database: $DATABASE_URL" | sed -E 's#://([^:/@]+):[^@]*@#://\1:***@#'
prepare_site
say "Benchmark of '$DATASET'"
exec "$PY" manage.py bench --dataset "$DATASET" "$@"
