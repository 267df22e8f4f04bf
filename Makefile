# The README uses these targets in this order: run, test, then the production ones (serve, worker, beat).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app complaints
TRANSLATIONS := complaints/translations

.PHONY: run test serve worker beat install install-dev browser translations extract-messages lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv || true

# Install with uv when it could be installed (seconds), with pip otherwise (a minute).
install: $(BIN)/python
	@if [ -x $(BIN)/uv ]; then $(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.txt; \
	else $(BIN)/pip install --quiet -r requirements.txt; fi

install-dev: $(BIN)/python
	@if [ -x $(BIN)/uv ]; then $(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements-dev.txt; \
	else $(BIN)/pip install --quiet -r requirements-dev.txt; fi

# Debian's Chromium for the browser tests (Playwright drives it; no browser is downloaded from elsewhere).
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser tests need Debian's chromium: sudo apt-get install chromium"; fi; }

# Compiled only when a catalogue changed, so that a run already using the .mo files never sees one rewritten.
CATALOGUES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
translations: $(CATALOGUES:.po=.mo)

$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po | $(BIN)/python
	$(BIN)/pybabel compile -i $< -o $@ -l $*

## run: development server with SQLite, Celery eager and demo data on http://127.0.0.1:$(PORT)
run: install translations
	$(FLASK) db upgrade
	PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://127.0.0.1:$(PORT)} $(FLASK) seed --demo
	PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://127.0.0.1:$(PORT)} $(FLASK) run --host 127.0.0.1 --port $(PORT)

## test: the whole suite (SQLite unless TEST_DATABASE_URL names a PostgreSQL server)
## (PYTEST_ARGS='-m "not integration"' leaves out the slow tests: real workers, browser, migrations, Schemathesis)
test: install-dev translations browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## serve: production web server (needs APP_ENV=production, SECRET_KEY, DATABASE_URL, REDIS_URL)
serve: install translations
	$(FLASK) db upgrade
	$(BIN)/gunicorn --workers $${WEB_CONCURRENCY:-2} --bind 0.0.0.0:$(PORT) --access-logfile - "complaints:create_app()"

## worker: Celery worker (same environment as serve)
worker: install translations
	$(BIN)/celery -A complaints.worker worker --loglevel INFO

## beat: Celery beat, the scheduler of periodic tasks (run exactly one)
beat: install
	$(BIN)/celery -A complaints.worker beat --loglevel INFO --schedule $${CELERY_BEAT_SCHEDULE:-instance/celerybeat-schedule}

## extract-messages: refresh the catalogue after changing texts (then translate complaints/translations/id)
extract-messages: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -o messages.pot .
	$(BIN)/pybabel update -i messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete -w 120
	rm messages.pot

lint: install-dev
	$(BIN)/ruff check complaints tests migrations benchmarks
	$(BIN)/ruff format --check complaints tests migrations benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
