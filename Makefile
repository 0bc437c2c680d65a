# The two commands a newcomer needs: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run admin test lint format

# Settings start in production mode unless told otherwise: the first `make run`, `make admin` or
# `make test` writes a development .env (DEBUG=1, a random key), which settings.py then reads, as
# do the README's manage.py commands. An existing .env is never overwritten.
.env:
	@umask 077 && printf '%s\n' '# Development settings, written by make. Production: see .env.example.' 'DEBUG=1' \
	  "SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo 'Wrote a development .env (DEBUG=1, a random SECRET_KEY)'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("aidtracker needs Python 3.11 or newer, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.app-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@ $(VENV)/.app-installed

## run: set up, migrate SQLite (or DATABASE_URL), load the seed data and serve on HOST:PORT
run: $(VENV)/.app-installed | .env
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_seed
	@echo 'Site:  http://$(HOST):$(PORT)/'
	@echo 'Admin: run `make admin` in another terminal, then open http://$(HOST):$(PORT)/admin/'
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## admin: create an admin account in SQLite (or DATABASE_URL); it prompts for name and password.
## ARGS=--noinput takes them from DJANGO_SUPERUSER_USERNAME, _EMAIL and _PASSWORD instead.
admin: $(VENV)/.app-installed | .env
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py createsuperuser $(ARGS)

## test: set up with test dependencies, check migrations and run the whole suite
## PYTEST_ARGS="-m 'not slow'" leaves out the browser, fuzzing and real-server tests.
test: $(VENV)/.dev-installed | .env
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -n auto --dist loadfile $(PYTEST_ARGS)

## lint: what CI checks besides the tests
lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check templates

## format: fix what ruff can fix
format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
