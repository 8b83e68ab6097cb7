# Two commands do everything on a fresh machine:  make run  ·  make test
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
UV := python3 -m uv
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: run test test-fast test-postgres bench install chromium gettext node-client messages clean

## install: uv (when missing), Python 3.13 environment and locked dependencies
install: $(STAMP)
$(STAMP): pyproject.toml uv.lock
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet --disable-pip-version-check uv
	$(UV) sync --frozen
	@touch $@

## run: start the service on its embedded default (SQLite, demo organisation)
run: install
	$(VENV)/bin/poortwachter serve

## test: the whole suite (SQLite and the real browser); chromium is installed when missing
test: install chromium gettext node-client
	$(VENV)/bin/pytest

## test-fast: everything but the browser tests
test-fast: install node-client
	$(VENV)/bin/pytest -m "not browser"

## test-postgres: the whole suite against PostgreSQL and Redis on 127.0.0.1
test-postgres: install chromium gettext node-client
	POORTWACHTER_DATABASE_URL=$${POORTWACHTER_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} \
	POORTWACHTER_REDIS_URL=$${POORTWACHTER_REDIS_URL:-redis://127.0.0.1:6379/15} \
	POORTWACHTER_REQUIRE_SERVICES=1 $(VENV)/bin/pytest

## chromium: Debian's Chromium for the browser tests (Playwright cannot download one here)
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

## node-client: the npm package openid-client for the OIDC test in tests/oidc/node (node and npm via apt when missing)
node-client:
	@command -v npm >/dev/null 2>&1 || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq nodejs npm >/dev/null; }
	cd tests/oidc/node && npm ci --no-audit --no-fund --silent

## gettext: GNU gettext, which extracts and compiles the translations
gettext:
	@command -v xgettext >/dev/null 2>&1 || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq gettext >/dev/null; }

## messages: extract translatable texts into the .po files and compile them
messages: install gettext
	cd src/poortwachter && POORTWACHTER_DATA_DIR=../../var ../../$(VENV)/bin/django-admin makemessages -l nl -l en --no-obsolete --no-location --settings=poortwachter.settings
	cd src/poortwachter && POORTWACHTER_DATA_DIR=../../var ../../$(VENV)/bin/django-admin compilemessages --settings=poortwachter.settings

## bench: benchmarks that print a table (not tests); Debian's wrk is installed when missing
bench: install
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "Installing Debian's wrk for the benchmark"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq wrk >/dev/null; } || \
	  echo "wrk could not be installed: the benchmark uses its Python load generator"
	$(VENV)/bin/python bench/run.py
	$(VENV)/bin/python bench/oidc.py

clean:
	rm -rf $(VENV) var .pytest_cache
