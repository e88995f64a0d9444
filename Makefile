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
	@echo "make status - check the services and the web server (uWSGI, nginx)"
	@echo "make cluster - the data tier as a cluster on loopback: ZooKeeper, two SolrCloud nodes (2 shards x 2 replicas), a PostgreSQL replica"
	@echo "make test-cluster - make cluster, then the end-to-end and fault tests on it (not part of CI)"
	@echo "make bench  - run the benchmarks (ratios measured side by side)"
	@echo "make test-installed - build the wheel, install it into a clean virtualenv, run the site-facing tests on it"
	@echo "make test-upgrade - a site of the previous release, with data, upgraded to this code as README.rst says"
	@echo "make test-readme - README.rst's install steps, run as written against a fresh CKAN"
	@echo "make release - build and check the sdist and wheel in dist/, print the upload command (uploads nothing)"

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
	@bash dev/serve.sh status

bench: install
	@bash dev/bench.sh

.PHONY: cluster cluster-stop test-cluster

cluster: install
	@bash dev/cluster.sh start dev

cluster-stop:
	@bash dev/cluster.sh stop

test-cluster: install
	@bash dev/test_cluster.sh $(PYTEST_ARGS)

.PHONY: test-installed test-upgrade test-readme release

test-installed: install
	@bash dev/test_installed.sh $(PYTEST_ARGS)

test-upgrade: install
	@bash dev/test_upgrade.sh

test-readme: install
	@bash dev/test_readme.sh

release: install
	@bash dev/release.sh

clean-stack: stop
	rm -rf .stack
