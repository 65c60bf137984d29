# The whole set-up: `make run` (install, migrate, demo, serve) and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: install install-dev assets translations run test lint format lock bench

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml requirements.lock
	$(PY) -m pip install --quiet -c requirements.lock -e ".[dev]"
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

install: $(VENV)/.installed node_modules/.package-lock.json translations

assets: node_modules/.package-lock.json

# Before the first catalogue exists (locale/<lang>/LC_MESSAGES/django.po) there is nothing to do.
translations: $(VENV)/.installed
	@if find locale -name django.po -print -quit 2>/dev/null | grep -q .; then \
		$(VENV)/bin/pybabel compile --use-fuzzy -d locale -D django --statistics; \
	else echo "No translation catalogues yet: nothing to compile."; fi

install-dev: install

# honcho gives each process PORT, counting up from its own PORT (default 5000): the web server,
# first in Procfile.dev, gets this one.
PORT ?= 8000

# Development settings of every command of `make run`: links in mail and the public registration
# link point at this server's port (SITE_URL's default in config/settings_parts/web.py), in every
# process honcho starts, worker and beat included.
DEV := DEBUG=true RUNSERVER_PORT=$(PORT)

# The demo's documents are signed with a DEMO certificate made under var/signing/ (see the
# README's "Signatures"), unless SIGNING_PKCS12 or SIGNING_SERVICE is set in the environment.
DEMO_SIGNING = SIGNING_PKCS12="$${SIGNING_PKCS12:-var/signing/demo-signer.p12}" \
	SIGNING_PKCS12_PASSPHRASE="$${SIGNING_PKCS12_PASSPHRASE:-rakor-demo}" \
	SIGNING_TRUST_ROOTS="$${SIGNING_TRUST_ROOTS:-var/signing/demo-ca.pem}" \
	SIGNING_CRLS="$${SIGNING_CRLS:-var/signing/demo-ca.crl}" \
	SIGNING_FETCH_REVOCATION="$${SIGNING_FETCH_REVOCATION:-false}"

run: install
	mkdir -p var/mail
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py demo_certificate
	$(DEV) $(DEMO_SIGNING) $(PY) manage.py load_demo
	@echo "Rakor: http://127.0.0.1:$(PORT)  (sign in as the demo organizer printed above; mail lands in var/mail/)"
	$(DEV) $(DEMO_SIGNING) PORT=$(PORT) PATH="$(CURDIR)/$(VENV)/bin:$$PATH" exec $(VENV)/bin/honcho -f Procfile.dev start

test: install
	$(PY) -m pytest --ds=tests.settings $(PYTEST_ARGS)

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

format:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Regenerate the pinned versions after changing pyproject.toml.
lock: $(VENV)/bin/python
	$(PY) -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --extra dev --strip-extras --no-emit-index-url \
		--no-emit-find-links -o requirements.lock pyproject.toml
