# orgreg: `make run` to try it, `make test` to check it. See README.md.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/orgreg
HOST ?= 127.0.0.1
PORT ?= 8000
# One test process per core; a test module stays on one process, so its module fixtures
# (the demo load) run once.
PYTEST_ARGS ?= -n auto --dist loadfile
# DEBUG is off unless set (orgreg/settings.py); the local targets run with DEBUG on, so the
# development SECRET_KEY is used and no environment is needed on a fresh machine.
DEV := DEBUG=1

.PHONY: install lock run demo test test-sqlite test-postgres lint bench system-deps checktrees \
	check-deploy serve oidc-provider axe-core

# The versions CI tested, from the lock file; orgreg itself editable on top.
$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# Re-resolve requirements.lock from pyproject.toml after changing a dependency.
lock: install
	$(PY) -m pip install --quiet pip-tools
	$(PY) -m piptools compile --quiet --extra dev --extra bench --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links --no-emit-trusted-host \
		-o requirements.lock pyproject.toml

install: $(STAMP)

demo: install
	$(DEV) $(PY) manage.py migrate --no-input
	$(DEV) $(PY) manage.py loaddemo

run: demo
	$(DEV) $(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(PY) -m ruff check .
	$(PY) -m mypy

checktrees: install
	$(DEV) $(PY) manage.py checktrees

# System packages the tests use: Debian's Chromium for the browser tests, poppler-utils
# (pdftotext) to read rendered PDFs back, and Node.js with npm for the test OpenID provider.
# Installed when we may (root with apt); otherwise the tests that need them skip (and fail
# instead when REQUIRE_BROWSER=1 or REQUIRE_OIDC=1, as in CI).
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v node >/dev/null || missing="$$missing nodejs"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ] && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "Installerer$$missing ..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	elif [ -n "$$missing" ]; then \
		echo "ADVARSEL: mangler$$missing (apt-get install$$missing)."; \
	fi

# The npm packages the tests use, each from its own lock file, installed again when the lock
# changes: the sign-in tests' OpenID provider (tests/oidc/provider.mjs) and axe-core for the
# accessibility test (tests/browser/test_a11y_browser.py).
tests/%/node_modules/.package-lock.json: tests/%/package.json tests/%/package-lock.json
	@if command -v npm >/dev/null; then \
		cd tests/$* && npm ci --no-audit --no-fund --loglevel=error; \
	else \
		echo "ADVARSEL: npm mangler; testene, der bruger tests/$*, springes over."; \
	fi

oidc-provider: tests/oidc/node_modules/.package-lock.json

axe-core: tests/browser/node_modules/.package-lock.json

test: install system-deps oidc-provider axe-core lint
	$(DEV) $(PY) manage.py makemigrations --check --dry-run
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
	env -u DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: install
	@echo "== tests on PostgreSQL =="
	DATABASE_URL=$(PG_URL) $(PY) -m pytest $(PYTEST_ARGS)

bench: install
	$(DEV) $(PY) manage.py migrate --no-input
	$(DEV) $(PY) manage.py bench
	$(DEV) $(PY) manage.py bench pptx
	$(DEV) $(PY) manage.py bench figures --sizes 10000

# Django's deployment checklist with a production environment (DEBUG off, a real-looking key,
# a host name): every warning fails. The key is made for this run only.
check-deploy: install
	env -u DEBUG SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		ALLOWED_HOSTS=orgreg.kommune.example CSRF_TRUSTED_ORIGINS=https://orgreg.kommune.example \
		$(PY) manage.py check --deploy --fail-level WARNING

# The production set-up on this machine: DEBUG off, collectstatic (hashed, compressed names
# served by WhiteNoise), migrate, gunicorn with deploy/gunicorn.conf.py, against DATABASE_URL
# (SQLite in the project when unset). Plain HTTP on loopback, so the HTTPS redirect and the
# Secure cookie flag are off here; a throwaway SECRET_KEY unless one is set.
SERVE_ENV := env -u DEBUG SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 \
	SECURE_HSTS_SECONDS=0 ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} \
	SECRET_KEY=$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')} \
	GUNICORN_BIND=$${GUNICORN_BIND:-$(HOST):$(PORT)}
serve: install
	$(SERVE_ENV) sh -c '$(PY) manage.py collectstatic --no-input -v0 && \
		$(PY) manage.py migrate --no-input && \
		exec $(VENV)/bin/gunicorn -c deploy/gunicorn.conf.py'
