# The README's commands. Everything is installed into .venv from the lock files in
# requirements/, so a machine needs only python3 (3.11+) and make.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_SETTINGS := DJANGO_SETTINGS_MODULE=cms.settings.test

.PHONY: run test lint format lock schema messages

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed; $(PYTHON) is $$($(PYTHON) --version)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-installed: requirements/base.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/base.lock
	touch $@

$(VENV)/.test-installed: requirements/test.lock requirements/base.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/test.lock
	touch $@ $(VENV)/.run-installed

## run: install, migrate, load the demo site, make sure an admin exists, serve,
## with the task worker beside the server (Ctrl-C stops both).
run: $(VENV)/.run-installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py ensure_admin
	@echo
	@echo "  Admin:    http://$(HOST):$(PORT)/admin/   (user: admin)"
	@echo "  GraphQL:  http://$(HOST):$(PORT)/graphql/ (GraphiQL in a browser)"
	@echo "  Site:     http://$(HOST):$(PORT)/zh-hans/  /zh-hant/  /en/"
	@echo "  Example:  curl -s http://$(HOST):$(PORT)/graphql/ -H 'Content-Type: application/json' \\"
	@echo "              -d '{\"query\": \"{ page(urlPath: \\\"/\\\", locale: \\\"zh-hant\\\") { title locale url translations { locale title url } } }\"}'"
	@echo "  Worker:   background tasks (manage.py worker), stopped with the server"
	@echo
	$(BIN)/python manage.py worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## test: lint, import layers, Django checks, migrations check, the test suite
## (DATABASE_URL picks the DB); Debian packages the tests need are installed first.
test: $(VENV)/.test-installed
	bin/system-packages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(TEST_SETTINGS) $(BIN)/python manage.py check --fail-level WARNING
	$(TEST_SETTINGS) $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.test-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## lock: re-pin requirements/*.lock from the ranges in pyproject.toml.
lock: $(VENV)/.test-installed
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links -o requirements/base.lock pyproject.toml
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links --extra test \
		-o requirements/test.lock pyproject.toml

## schema: print the GraphQL schema to schema.graphql and its possible types to
## frontend/possible-types.json (a test checks both are current).
schema: $(VENV)/.run-installed
	$(TEST_SETTINGS) $(BIN)/python manage.py print_schema schema.graphql \
		--possible-types frontend/possible-types.json

## messages: update locale/*/django.po from the code and compile them (needs gettext).
messages: $(VENV)/.run-installed
	$(TEST_SETTINGS) $(BIN)/python manage.py makemessages -l zh_Hans -l zh_Hant \
		--no-location --ignore='.venv/*' --ignore='tests/*' --ignore='benchmarks/*'
	$(TEST_SETTINGS) $(BIN)/python manage.py compilemessages --ignore='.venv/*'
