#!/usr/bin/env bash
# Make sure .venv exists, runs Python >= 3.12 and has the project installed
# (with its dev tools). Quick and silent when nothing changed.
#
#   scripts/bootstrap.sh            # used by `make run`, `make test`, `make lint`
#   PYTHON=/path/to/python3.12 scripts/bootstrap.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
STAMP="$VENV/.membrane-installed"
MIN_MAJOR=3
MIN_MINOR=12

say() { printf '==> %s\n' "$*" >&2; }

# The interpreter itself says its version: names lie (pyenv shims answer
# "command not found", python3 may be 3.11).
python_ok() {
    [ -n "${1:-}" ] || return 1
    "$1" -c "import sys; sys.exit(0 if sys.version_info >= ($MIN_MAJOR, $MIN_MINOR) else 1)" \
        >/dev/null 2>&1
}

find_python() {
    local candidate
    local -a candidates=()
    [ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
    # 3.12 first: it is the version the pinned dependencies were checked on.
    candidates+=(python3.12 python3.13 python3.14 python3)
    local pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
    local dir
    for dir in "$pyenv_root" /root/.pyenv; do
        for candidate in "$dir"/versions/3.1[2-9]*/bin/python3; do
            [ -x "$candidate" ] && candidates+=("$candidate")
        done
    done
    candidates+=(/usr/local/bin/python3.12 /usr/local/bin/python3.13 /usr/bin/python3.12 /usr/bin/python3.13)
    for candidate in "${candidates[@]}"; do
        if python_ok "$candidate"; then
            # Resolve to the real interpreter, not a shim whose answer depends
            # on the current directory.
            "$candidate" -c 'import sys; print(sys.executable)'
            return 0
        fi
    done
    return 1
}

(
    # Several commands (make test, make run, another terminal) may bootstrap
    # at once: one at a time.
    mkdir -p "$VENV"
    if command -v flock >/dev/null 2>&1; then
        exec 9>"$VENV/.bootstrap.lock"
        flock 9
    fi

    if [ ! -x "$VENV/bin/python" ] || ! python_ok "$VENV/bin/python"; then
        if ! python="$(find_python)"; then
            cat >&2 <<EOF

ERROR: Membrane needs Python ${MIN_MAJOR}.${MIN_MINOR} or newer (Django 6 does not run on older
versions), and none was found (tried \$PYTHON, python3.12, python3.13, python3 and pyenv's
versions). Install Python 3.12+, for example:
    pyenv install 3.12        (then run this command again)
    apt-get install python3.12 python3.12-venv   (where your distribution has it)
or point to one: PYTHON=/path/to/python3.12 make test
EOF
            exit 1
        fi
        if [ -e "$VENV/bin/python" ]; then
            say "Recreating .venv: its Python is missing or older than ${MIN_MAJOR}.${MIN_MINOR}"
        fi
        # Start from an empty folder (a half-made or too old venv is thrown away).
        find "$VENV" -mindepth 1 -maxdepth 1 ! -name .bootstrap.lock -exec rm -rf {} +
        say "Creating .venv with $python ($("$python" --version 2>&1))"
        "$python" -m venv "$VENV"
    fi

    wanted="$(cat pyproject.toml "$VENV/pyvenv.cfg" | sha256sum | cut -d' ' -f1)"
    if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$wanted" ]; then
        say "Installing Membrane and its dependencies into .venv (pyproject.toml changed)"
        started=$SECONDS
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[dev]'
        echo "$wanted" >"$STAMP"
        say "Installed in $((SECONDS - started)) s"
    fi
)
