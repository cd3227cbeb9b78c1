# Membrane: the two commands of the README, and the rest.
#   make run    the site on http://127.0.0.1:8000 with demo data (Ctrl-C stops it)
#   make test   the whole test suite (real browser included), ruff, mypy, migrations check
#   make lint   ruff and mypy
#   make bench  the benchmark (docs/performance.md); ARGS="party --update-docs" etc.
#   make loadtest  the load test on two web nodes (docs/deploy.md); make votepeak
.PHONY: run test lint bootstrap bench loadtest votepeak

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

bench:
	@scripts/bench.sh $(ARGS)

loadtest:
	@scripts/loadtest.sh $(ARGS)

votepeak:
	@scripts/loadtest.sh votepeak $(ARGS)
