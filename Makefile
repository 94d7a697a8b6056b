# The two commands: `make run` (portal + worker + beat on the embedded default) and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# pytest-xdist processes for `make test` (each gets its own test database, test_governance_gw<N>).
TEST_WORKERS ?= 2

.PHONY: run test smoke setup setup-dev assets messages messages-update services check-deploy bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(VENV)/.installed $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed

# Compiled catalogues are build output (not in git): compiled from locale/ and each app's locale/.
messages: $(VENV)/.installed
	$(BIN)/python manage.py compile_catalogues

setup: $(VENV)/.installed assets messages

setup-dev: $(VENV)/.installed-dev assets messages

run: setup
	$(BIN)/python manage.py migrate -v0
	$(BIN)/python manage.py seed_demo
	./scripts/run.sh

# Real PostgreSQL and Redis: started here where installed but stopped; the suite refuses to run
# (one clear line) if either still cannot be reached.
services:
	./scripts/services.sh

test: setup-dev services
	./scripts/system-deps.sh
	$(BIN)/python -m pytest -n $(TEST_WORKERS)
	$(MAKE) smoke

# The embedded default `make run` uses (SQLite, filesystem broker), which the main suite refuses: the demo
# county built by seed_demo, then one journey per app (smoke/). Its own pytest config and a temporary var dir.
smoke: setup-dev
	$(BIN)/python -m pytest -c smoke/pytest.ini smoke

check-deploy: $(VENV)/.installed
	DEBUG=false SECRET_KEY=check-deploy-$$(head -c 32 /dev/urandom | base64 | tr -dc a-zA-Z0-9) \
	PII_KEY=check-deploy-pii-key-0123456789abcdefghij ALLOWED_HOSTS=portal.example.gov.cn \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/governance CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

bench: setup-dev services
	./scripts/bench-deps.sh
	$(BIN)/python -m bench

clean:
	rm -rf var/ staticfiles/

# Refresh the catalogues after changing marked strings (each app's strings go to its own locale/).
messages-update: $(VENV)/.installed
	$(BIN)/python manage.py makemessages -l en --no-location --ignore=.venv --ignore=node_modules --ignore=var
