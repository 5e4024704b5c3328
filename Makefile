# The README's commands. Each runs the set-up first; the set-up is idempotent and quick the
# second time. platform/bootstrap.py resolves DATABASE_URL and REDIS_URL into .local/services.env
# and generates the secrets once into .local/secrets.env (platform/local_secrets.py).
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
WITH_ENV := set -a && . .local/services.env && . .local/secrets.env && set +a && export PATH="$(CURDIR)/.venv/bin:$$PATH" &&

.PHONY: setup run test bench lint format messages

setup:
	python3 platform/bootstrap.py

run: setup
	$(WITH_ENV) platform/bin/prepare
	@echo "==> http://127.0.0.1:8000/  (API docs /api/docs/, admin /admin/); Ctrl-C stops everything"
	$(WITH_ENV) exec honcho --procfile platform/Procfile --app-root . start --port $${PORT:-8000}

test: setup
	$(WITH_ENV) ruff check . && ruff format --check .
	$(WITH_ENV) DJANGO_SETTINGS_MODULE=config.settings.test python manage.py makemigrations --check --dry-run
	$(WITH_ENV) DJANGO_SETTINGS_MODULE=config.settings.test python manage.py spectacular --validate --fail-on-warn --file .local/openapi.yml
	$(WITH_ENV) python -m pytest $(PYTEST_ARGS)

bench:
	python3 platform/bootstrap.py --bench wrk
	$(WITH_ENV) set -a && . .local/bench.env && set +a && DJANGO_SETTINGS_MODULE=config.settings.test python bench/run.py $(BENCH_ARGS)

lint:
	$(WITH_ENV) ruff check . && ruff format --check .

format:
	$(WITH_ENV) ruff check --fix . && ruff format .

# Refresh the English catalog from the Chinese msgids in the code (the set-up compiles it).
messages:
	$(WITH_ENV) python manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=bench --ignore=tests --ignore=media --ignore=.local
