# Shared by scripts/bench.sh and scripts/loadtest.sh (sourced, not run).
# Expects PY (the venv's python) and the repository as the current directory.

# True if the PostgreSQL database $1 exists on $PG_HOST for $PG_USER.
pg_database_exists() {
    psql -h "$PG_HOST" -U "$PG_USER" -lqt | cut -d'|' -f1 | grep -qx " *$1 *"
}

# What the production server needs before it starts: the schema, the cache
# table, the compiled translations (when gettext is there) and the static files.
prepare_site() {
    "$PY" manage.py migrate --noinput --verbosity=0
    "$PY" manage.py createcachetable
    if command -v msgfmt >/dev/null 2>&1 && [ -n "$(find membrane/locale -name '*.po' 2>/dev/null | head -1)" ]; then
        "$PY" manage.py compilemessages --ignore=.venv --ignore=var --verbosity=0
    fi
    "$PY" manage.py collectstatic --noinput --verbosity=0
}
