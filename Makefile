# Membrane: the two commands of the README, and the rest.
#   make run    the site on http://127.0.0.1:8000 with demo data (Ctrl-C stops it)
#   make test   the whole test suite (real browser included), ruff, mypy, migrations check
#   make lint   ruff and mypy
.PHONY: run test lint bootstrap

run:
	@scripts/run.sh

test:
	@scripts/test.sh

lint: bootstrap
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy membrane

bootstrap:
	@scripts/bootstrap.sh
