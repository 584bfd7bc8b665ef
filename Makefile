# Passerelle — the two commands: `make run` and `make test`.
# The virtualenv is built on the system's Python 3.11 when it has one with venv (Debian's and Ubuntu's builds are
# compiled with profile-guided and link-time optimisation: 10 to 20 % less CPU per page than a build without them,
# such as pyenv's default), else on python3. `make install PYTHON=/path/to/python3.x` chooses another.
PYTHON ?= $(shell /usr/bin/python3.11 -c "import ensurepip, venv" 2>/dev/null && echo /usr/bin/python3.11 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
# Exported: outside production, BASE_URL defaults to http://127.0.0.1:$(PORT) (config.py).
export PORT
WORKERS ?= 2
DSFR := node_modules/@gouvfr/dsfr/dist
STATIC_DSFR := app/static/dsfr
SCORM_AGAIN := node_modules/scorm-again/dist
STATIC_SCORM := app/static/scorm-again
export FLASK_APP := wsgi

.PHONY: run test test-fast install assets db demo serve lint check clean bench load

## run: install, migrate the SQLite database, load curricula, the services catalogue and demo data, serve on http://127.0.0.1:$(PORT)
# The demo may point team webhooks at a local receiver (an explicit opt-in, off by default).
run: export WEBHOOK_ALLOW_PRIVATE ?= true
run: install db demo serve

## serve: serve the app as it is (no install, migration or data) on http://127.0.0.1:$(PORT)
serve:
	@echo "Passerelle : http://127.0.0.1:$(PORT)"
	$(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --workers $(WORKERS) --access-logfile - wsgi:app

## test: install what the tests need and run the whole suite
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## test-fast: the suite without the slow tests (browsers, fuzzing, two instances), for the edit-test loop
test-fast: install
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

## bench: HTTP throughput (gunicorn + wrk) against a bare Flask app, then in-process figures (see README); fails when a target is missed
bench: install
	$(BIN)/python bench/run.py; status=$$?; $(BIN)/python bench/inprocess.py && exit $$status

## load: 50 agents for 60 s (locust, headless) against gunicorn and a fresh PostgreSQL database; fails on any error or lost row
load: install
	$(BIN)/python load/run.py

## lint: ruff, bandit, and the import-linter contracts of .importlinter (the layers of app/)
lint: install
	$(BIN)/ruff check .
	$(BIN)/bandit -q -c pyproject.toml -r app config.py wsgi.py
	$(BIN)/lint-imports --no-logo

install: $(VENV)/.installed assets

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

assets: $(STATIC_DSFR)/.copied $(STATIC_SCORM)/.copied

$(STATIC_DSFR)/.copied: node_modules/.installed
	rm -rf $(STATIC_DSFR)
	mkdir -p $(STATIC_DSFR)/utility/icons
	cp $(DSFR)/dsfr.min.css $(DSFR)/dsfr.module.min.js $(DSFR)/dsfr.nomodule.min.js $(STATIC_DSFR)/
	cp -r $(DSFR)/fonts $(DSFR)/favicon $(DSFR)/icons $(STATIC_DSFR)/
	cp $(DSFR)/utility/icons/icons.min.css $(STATIC_DSFR)/utility/icons/
	touch $@

# scorm-again's built run-time (SCORM 1.2, 2004) and its cross-frame pieces, for the package player.
$(STATIC_SCORM)/.copied: node_modules/.installed
	rm -rf $(STATIC_SCORM)
	mkdir -p $(STATIC_SCORM)
	cp $(SCORM_AGAIN)/scorm12.min.js $(SCORM_AGAIN)/scorm2004.min.js $(SCORM_AGAIN)/cross-frame-lms.min.js $(SCORM_AGAIN)/cross-frame-api.min.js $(STATIC_SCORM)/
	touch $@

db: install
	mkdir -p instance
	$(BIN)/flask db upgrade
	$(BIN)/flask keys generate
	$(BIN)/flask curricula import curricula
	$(BIN)/flask catalog import

demo: db
	$(BIN)/flask seed demo

clean:
	rm -rf $(VENV) node_modules $(STATIC_DSFR) $(STATIC_SCORM)
