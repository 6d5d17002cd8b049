# orgreg: `make run` to try it, `make test` to check it. See README.md.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/orgreg
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run demo test test-sqlite test-postgres lint bench browser-deps checktrees

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py loaddemo

run: demo
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(PY) -m ruff check .

checktrees: install
	$(PY) manage.py checktrees

# Browser tests drive Debian's Chromium; install it when we may (root), else they skip
# (and fail instead when REQUIRE_BROWSER=1, as in CI).
browser-deps:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "Installerer Chromium til browsertests ..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

test: install browser-deps lint
	$(PY) manage.py makemigrations --check --dry-run
	$(MAKE) --no-print-directory test-sqlite
	@if $(PY) -c "import psycopg,sys; psycopg.connect('host=127.0.0.1 port=5432 user=postgres dbname=postgres', connect_timeout=3).close()" 2>/dev/null; then \
		$(MAKE) --no-print-directory test-postgres; \
	elif [ "$(REQUIRE_POSTGRES)" = "1" ]; then \
		echo "PostgreSQL svarer ikke på 127.0.0.1:5432, men REQUIRE_POSTGRES=1." >&2; exit 1; \
	else \
		echo "ADVARSEL: PostgreSQL svarer ikke på 127.0.0.1:5432; testene kørte kun på SQLite."; \
	fi

test-sqlite: install
	@echo "== tests on SQLite =="
	env -u DATABASE_URL $(PY) -m pytest

test-postgres: install
	@echo "== tests on PostgreSQL =="
	DATABASE_URL=$(PG_URL) $(PY) -m pytest

bench: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py bench
