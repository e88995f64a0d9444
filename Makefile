# Two commands on a fresh machine: `make run` (the portal with demo data) and `make test`.
# CKAN_VERSION=2.11 selects CKAN 2.11 (default 2.12). PM25_SLOT=N runs the tests on their own
# databases, Redis db and portal port, beside another run.
SHELL := /bin/bash
CKAN_VERSION ?= 2.12
export CKAN_VERSION

.PHONY: help install services run test lint stop status bench clean-stack

help:
	@echo "make run    - install what is missing, start the services, load demo data, serve http://127.0.0.1:5000"
	@echo "make test   - the same set-up without the web server, then the whole test suite"
	@echo "make lint   - ruff, mypy and the import contracts (as CI runs them)"
	@echo "make stop   - stop what make run / make test started"
	@echo "make status - check the services"
	@echo "make bench  - run the benchmarks (ratios measured side by side)"

install:
	@bash dev/install.sh

services: install
	@bash dev/services.sh start

run: install
	@bash dev/run.sh

test: install
	@bash dev/test.sh $(PYTEST_ARGS)

lint: install
	@bash dev/lint.sh

stop:
	@bash dev/stop.sh

status:
	@bash dev/services.sh status

bench: install
	@bash dev/bench.sh

clean-stack: stop
	rm -rf .stack
