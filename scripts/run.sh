#!/usr/bin/env bash
# `make run`: Membrane on http://127.0.0.1:8000 with demo data, production-like
# (DEBUG off, granian, the task worker), SQLite in var/ unless DATABASE_URL is
# set, mail written as files to var/mail/. Ctrl-C stops everything.
#
#   HOST=127.0.0.1 PORT=8000 scripts/run.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
"$ROOT/scripts/bootstrap.sh"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
export DJANGO_SETTINGS_MODULE=membrane.settings
# Production-like: DEBUG off (the settings' default), static files collected
# and served by WhiteNoise, a real WSGI server.
unset DEBUG
export PYTHONUNBUFFERED=1
VAR_DIR="${MEMBRANE_VAR_DIR:-$ROOT/var}"
MAIL_DIR="${MAIL_DIR:-$VAR_DIR/mail}"

say() { printf '==> %s\n' "$*"; }

mkdir -p "$VAR_DIR" "$MAIL_DIR"

# granian binds with SO_REUSEPORT: a second server on a busy port would start
# silently and share the traffic with the old one. Refuse instead.
if ! "$PY" - "$HOST" "$PORT" <<'PYEOF'
import socket
import sys

probe = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET)
try:
    probe.bind((sys.argv[1], int(sys.argv[2])))
except OSError:
    sys.exit(1)
PYEOF
then
    echo "ERROR: $HOST:$PORT is already in use (another Membrane still running?). Stop it, or set PORT=…" >&2
    exit 1
fi

say "Database: ${DATABASE_URL:-SQLite in $VAR_DIR/membrane.sqlite3}" | sed -E 's#://([^:/@]+):[^@]*@#://\1:***@#'
say "Migrating"
"$PY" manage.py migrate --noinput
"$PY" manage.py createcachetable
if command -v msgfmt >/dev/null 2>&1 && [ -n "$(find membrane/locale -name '*.po' 2>/dev/null | head -1)" ]; then
    say "Compiling translations"
    "$PY" manage.py compilemessages --ignore=.venv --ignore=var --verbosity=0
fi
say "Collecting static files"
"$PY" manage.py collectstatic --noinput --verbosity=0
say "Loading the demo data"
"$PY" manage.py load_demo

server_pid=""
worker_pid=""
stopping=0

alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

stop() {
    if [ "$stopping" = 1 ]; then return 0; fi
    stopping=1
    echo
    say "Stopping the web server and the task worker"
    local pid
    for pid in "$server_pid" "$worker_pid"; do
        if alive "$pid"; then kill -TERM "$pid" 2>/dev/null || true; fi
    done
    # Give them time to finish what they are doing, then insist.
    for _ in $(seq 1 50); do
        if ! alive "$server_pid" && ! alive "$worker_pid"; then break; fi
        sleep 0.2
    done
    for pid in "$server_pid" "$worker_pid"; do
        if alive "$pid"; then
            say "Process $pid did not stop in 10 s: killing it and its own workers"
            pkill -KILL -P "$pid" 2>/dev/null || true
            kill -KILL "$pid" 2>/dev/null || true
        fi
    done
    wait 2>/dev/null || true
    say "Stopped"
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap 'stop' EXIT

# Each started directly (no subshell, no `cd … &&`): $! is the process itself.
"$VENV/bin/granian" --interface wsgi --host "$HOST" --port "$PORT" \
    --workers 2 --blocking-threads 2 --backpressure 16 \
    membrane.wsgi:application &
server_pid=$!
"$PY" manage.py db_worker &
worker_pid=$!

sleep 1
cat <<EOF

  Membrane runs on   http://$HOST:$PORT
  Mail (confirmation links, notifications) is written to $MAIL_DIR/
  Web server pid $server_pid, task worker pid $worker_pid. Stop both with Ctrl-C.

EOF

# If either stops by itself, stop the other and say so.
status=0
wait -n "$server_pid" "$worker_pid" || status=$?
if [ "$stopping" = 0 ]; then
    if kill -0 "$server_pid" 2>/dev/null; then
        say "The task worker stopped (exit $status)"
    else
        say "The web server stopped (exit $status); is port $PORT already in use?"
    fi
    stop
    exit "$([ "$status" = 0 ] && echo 1 || echo "$status")"
fi
