#!/usr/bin/env bash
# The whole check, as `make test` and CI run it: the test suite (real-browser
# tests included, never skipped), ruff, mypy and the missing-migrations check.
# It uses whatever DATABASE_URL is set (SQLite in memory by default).
#
#   scripts/test.sh                      # everything
#   scripts/test.sh tests/test_signup.py # extra arguments go to pytest
#   PYTEST_WORKERS=0 scripts/test.sh     # no parallel workers
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
"$ROOT/scripts/bootstrap.sh"
VENV="$ROOT/.venv"
export PATH="$VENV/bin:$PATH"
export DJANGO_SETTINGS_MODULE=membrane.settings
# Playwright's sync API runs an event loop in the test thread (see STACK-NOTES).
export DJANGO_ALLOW_ASYNC_UNSAFE=true

say() { printf '\n==> %s\n' "$*"; }

# Real-browser tests must run: without Chromium, stop here and say why.
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
    cat >&2 <<EOF

ERROR: Chromium is needed for the real-browser tests and was not found at $CHROMIUM.
Install it:   apt-get update && apt-get install -y --no-install-recommends chromium
(or set CHROMIUM_PATH to a Chromium binary). Never 'playwright install'.
EOF
    exit 1
fi
export CHROMIUM_PATH="$CHROMIUM"

database="${DATABASE_URL:-sqlite (default)}"
database="$(printf '%s' "$database" | sed -E 's#://([^:/@]+):[^@]*@#://\1:***@#')"

failed=()
step() {
    local name="$1"
    shift
    say "$name"
    local started=$SECONDS
    if "$@"; then
        printf -- '--- %s: ok (%d s)\n' "$name" $((SECONDS - started))
    else
        printf -- '--- %s: FAILED (%d s)\n' "$name" $((SECONDS - started))
        failed+=("$name")
    fi
}

# Translations, when there are any and gettext is installed: some tests read French.
if command -v msgfmt >/dev/null 2>&1 && [ -n "$(find membrane/locale -name '*.po' 2>/dev/null | head -1)" ]; then
    step "compilemessages" python manage.py compilemessages --ignore=.venv --ignore=var --verbosity=0
fi

step "ruff check" ruff check .
step "ruff format --check" ruff format --check .
step "mypy" mypy membrane
step "bandit" bandit -c pyproject.toml -r membrane -ll -q
step "makemigrations --check" python manage.py makemigrations --check --dry-run

workers=(-n "${PYTEST_WORKERS:-auto}")
[ "${PYTEST_WORKERS:-auto}" = "0" ] && workers=(-p no:xdist)
step "pytest on $database" python -m pytest "${workers[@]}" "$@"

echo
if [ ${#failed[@]} -gt 0 ]; then
    printf 'FAILED on %s: %s\n' "$database" "$(IFS=,; echo "${failed[*]}" | sed 's/,/, /g')"
    exit 1
fi
echo "All checks passed on $database."
