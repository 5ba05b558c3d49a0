# investrack — the two commands: `make run` and `make test` (and `make bench`).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV_ENV := DEBUG=1

.PHONY: run serve test lint bench soak install messages clean system-deps tools

install: tools $(VENV)/.installed node_modules/.installed

# Python 3.11+ with venv, Node 20+ with npm: named in one sentence if missing.
tools:
	@bash scripts/check-tools.sh $(PYTHON)

# Debian packages the suite and the benchmarks need (PostgreSQL, Chromium, CJK fonts,
# Pango, gettext), installed only when missing.
system-deps:
	@bash scripts/system-deps.sh

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input -v0
	$(DEV_ENV) $(BIN)/python manage.py seed_demo --if-empty
	@echo "investrack: http://127.0.0.1:8000"
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# The production server (gunicorn, workers sized to the cores, static files by WhiteNoise)
# on the embedded database, over plain http on 127.0.0.1:8000: how it runs behind nginx.
SERVE_ENV := SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0 \
  ALLOWED_HOSTS=127.0.0.1,localhost SECRET_KEY="$$(cat .secret-key)"
serve: install
	@test -s .secret-key || $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > .secret-key
	$(SERVE_ENV) $(BIN)/python manage.py migrate --no-input -v0
	$(SERVE_ENV) $(BIN)/python manage.py seed_demo --if-empty
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --no-input -v0
	@echo "investrack (gunicorn): http://127.0.0.1:8000"
	$(SERVE_ENV) $(BIN)/gunicorn -c config/gunicorn.conf.py config.wsgi

# Style and complexity (ruff), the apps' layers (import-linter), the typed signatures (mypy).
lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(DEV_ENV) $(BIN)/mypy

# The whole suite on SQLite, then again on a throwaway PostgreSQL server; then lint.
test: system-deps install lint
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	SECRET_KEY=check-deploy-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH ALLOWED_HOSTS=investrack.example.org \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING
	bash scripts/pytest.sh
	bash scripts/with-postgres.sh bash scripts/pytest.sh

# Pages at 10⁵ (SQLite); import/export at 10⁵ beside django-import-export (SQLite); the
# closed loop and the leaders' pages at 10⁵ (SQLite); on PostgreSQL: the load scenario
# through gunicorn at 10⁵ (locust, 1 minute), then 10⁶ (the API, closed loop, leaders' pages).
bench: system-deps install
	$(BIN)/python -m bench
	$(BIN)/python -m bench.data_io
	$(BIN)/python -m bench.closed_loop
	$(BIN)/python -m bench.insights
	PGTEST_PORT=54339 bash scripts/with-postgres.sh sh -c \
	  '$(BIN)/python -m bench.load --projects 100000; $(BIN)/python -m bench.api_pg \
	   && $(BIN)/python -m bench.closed_loop --projects 1000000 \
	   && $(BIN)/python -m bench.insights --projects 1000000 --events 10000000 --runs 7'

# The load scenario for 10 minutes (gunicorn, PostgreSQL, 10⁵ projects, 16 officials).
soak: system-deps install
	PGTEST_PORT=54338 bash scripts/with-postgres.sh \
	  $(BIN)/python -m bench.load --projects 100000 --seconds 600 --list-seconds 60

messages: install
	cd investrack && $(DEV_ENV) ../$(BIN)/python ../manage.py makemessages -l zh_Hans -l en --no-obsolete
	$(DEV_ENV) $(BIN)/python manage.py compilemessages

clean:
	rm -rf $(VENV) node_modules staticfiles bench-*.sqlite3
