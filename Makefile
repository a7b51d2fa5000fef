# The two commands: `make run` and `make test`. Everything else is a step of them.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
FLASK   = $(PY) -m flask --app run.py
PORTAL_DEMO_DATA ?= 1

.PHONY: run test security api-fuzz lint install translations database e2e-deps clean cluster cluster-test load-test worker backup restore

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

translations: install
	$(FLASK) translate compile

# make run is the development server with demonstration data: PORTAL_ENV defaults to development for it
# (the portal's own default is production, which refuses demonstration data and its published passwords).
database: install
	PORTAL_ENV=$${PORTAL_ENV:-development} $(FLASK) db upgrade
	PORTAL_ENV=$${PORTAL_ENV:-development} $(FLASK) portal bootstrap
	@if [ "$(PORTAL_DEMO_DATA)" = "1" ]; then PORTAL_ENV=$${PORTAL_ENV:-development} $(FLASK) portal seed-demo; fi

run: translations database
	PORTAL_ENV=$${PORTAL_ENV:-development} $(FLASK) run --host 127.0.0.1 --port 5000

# A Celery worker with beat embedded (one machine), for a portal started with CELERY_BROKER_URL set to the same
# broker, e.g. CELERY_BROKER_URL=redis://127.0.0.1:6379/2 make worker (and make run with it in another shell).
# Without CELERY_BROKER_URL the portal runs its jobs itself and needs no worker.
worker: install
	PORTAL_ENV=$${PORTAL_ENV:-development} $(VENV)/bin/celery -A app.worker worker --beat -l info

test: install
	$(PY) -m pytest

# The attack suite (tests/security), left out of `make test`: prints its attempts, 5xx, leaks and the upload
# bombs' memory peak at the end.
security: install
	$(PY) -m pytest tests/security

# schemathesis over the whole REST API specification (tests/api_fuzz), left out of `make test`: no server
# error, no answer that breaks the specification.
api-fuzz: install
	$(PY) -m pytest tests/api_fuzz -s

# The portal as a cluster on this machine (scripts/cluster.py): nginx in front of two gunicorn instances, a
# PostgreSQL database of its own, a private Redis and SeaweedFS, the Celery worker and beat, in a temporary
# directory on free ports; Ctrl-C stops every part by its PID.
cluster: translations
	$(PY) scripts/cluster.py run

# The cluster's tests (tests/cluster, left out of `make test`): sessions, files, limits, caches and jobs shared by
# the two instances, and no submission lost or doubled when one instance dies under load.
cluster-test: translations
	$(PY) -m pytest tests/cluster -p no:randomly

# The load test (bench/load.py) against a cluster it starts: one instance, then two.
load-test: translations
	$(PY) bench/load.py

# Backup and restore (README, "Operating the portal"): the database, the file store and the keys, with a manifest
# of SHA-256 checksums. make backup [DIR=backups/<time>]; make restore DIR=<backup> [RESTORE_OPTIONS=--replace].
DIR ?= backups/$(shell date -u +%Y%m%dT%H%M%SZ)
backup: install
	$(FLASK) portal backup $(DIR)

restore: install
	@test -n "$(filter command line environment,$(origin DIR))" || { echo "make restore DIR=<backup folder>"; exit 2; }
	$(FLASK) portal restore $(DIR) $(RESTORE_OPTIONS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) .pytest_cache
