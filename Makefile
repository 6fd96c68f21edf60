# One command to run the portal, one to test it. See README.md.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed-lock

.PHONY: run test bench loadtest bootstrap services venv messages lock lint format clean

## run: set everything up, then serve web, worker and beat at http://127.0.0.1:8000
run: export DJANGO_DEBUG ?= true
run: bootstrap
	$(MANAGE) seed_demo
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho start -f Procfile

## test: set everything up, then lint, check the import layers and migrations, run the whole suite
# The tests speak plain HTTP to the test server and publish to a queue of their own, so that a
# worker of `make run` on the same Redis never takes their tasks. They run in TEST_PROCESSES
# processes (pytest-xdist), each with its own test database and queue.
TEST_PROCESSES ?= 2
test: export DJANGO_SECRET_KEY ?= test-only-secret-key-not-for-production-0123456789abcdef
test: export DJANGO_HTTPS = false
test: export CELERY_QUEUE = workstation-test
test: export DATABASE_CONN_MAX_AGE = 0
test: SERVICES_FLAGS := --browser
test: bootstrap
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/pytest --numprocesses $(TEST_PROCESSES)

## bench: throughput, query counts, roster import and sweeps per data size, in one table
# Not part of `make test`. SCALES="1 10 100" adds the 100x data; BENCH_FLAGS passes more
# options (`.venv/bin/python -m bench --help`).
SCALES ?= 1 10
bench loadtest: export DJANGO_SECRET_KEY ?= bench-only-secret-key-not-for-production-0123456789abcdef
bench: bootstrap
	$(PY) -m bench --scales $(SCALES) $(BENCH_FLAGS)

## loadtest: a locust run of students, members and reviewers against gunicorn and a worker
# e.g. `make loadtest USERS=20 DURATION=1m`; loopback only, stops by itself.
USERS ?= 200
DURATION ?= 10m
loadtest: bootstrap
	$(PY) -m bench.loadtest --users $(USERS) --duration $(DURATION)

bootstrap: services
	$(MANAGE) migrate --no-input
	$(MANAGE) createcachetable
	$(MANAGE) setup_periodic_tasks
	$(MANAGE) compilemessages --ignore=$(VENV) --ignore=var -v 0
	$(MANAGE) collectstatic --no-input -v 0

services: venv
	$(PY) scripts/ensure_services.py $(SERVICES_FLAGS)

venv: $(STAMP)

$(STAMP): requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { scripts/install-venv-support.sh && $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	@touch $(STAMP)

## messages: collect the translatable strings into both catalogues
# The allauth overrides reuse allauth's own strings, which allauth's catalogues translate.
messages: export DJANGO_DEBUG ?= true
messages: venv
	$(MANAGE) makemessages -l zh_Hans -l en --no-obsolete --no-location --ignore=$(VENV) --ignore=var \
		--ignore=tests --ignore=templates/allauth --ignore=templates/account --ignore=templates/mfa
	msgen locale/en/LC_MESSAGES/django.po -o locale/en/LC_MESSAGES/django.po

## lock: pin the exact versions of pyproject.toml's ranges into requirements.lock
lock: venv
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) var/static test-artifacts
