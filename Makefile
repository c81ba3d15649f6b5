# The two commands (README.md): `make run` and `make test`. Both start with `make setup`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PIP_QUIET := 2>&1 | grep -v "WARNING: Location" || true
PYTEST_ARGS ?=

.PHONY: setup run test lint bench system-packages python-deps assets messages clean

setup: system-packages python-deps assets messages
	$(BIN)/crm migrate --noinput -v 0

# Chromium and a CJK font (browser tests and screenshots), gettext (catalogues), pango (PDFs). Installed
# only when missing; needs root, as on CI. Elsewhere install them yourself (README.md).
system-packages:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	fc-list 2>/dev/null | grep -qi "WenQuanYi Micro Hei" || missing="$$missing fonts-wqy-microhei"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Please install:$$missing (apt-get install$$missing)"; exit 1; fi; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

python-deps: $(BIN)/python
	@if [ ! -f $(VENV)/.installed ] || [ pyproject.toml -nt $(VENV)/.installed ]; then \
	  $(BIN)/pip install -q --upgrade pip $(PIP_QUIET); \
	  $(BIN)/pip install -q -e '.[dev]' $(PIP_QUIET); \
	  touch $(VENV)/.installed; \
	fi

assets:
	@if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
	  npm ci --no-audit --no-fund --loglevel=error; \
	fi
	$(BIN)/python tools/copy_assets.py
	$(BIN)/crm collectstatic --noinput -v 0

messages:
	cd src/crm && ../../$(BIN)/crm compilemessages -v 0

run: setup
	$(BIN)/crm demo
	$(BIN)/crm serve

lint:
	$(BIN)/ruff check src tests tools conftest.py
	$(BIN)/lint-imports

test: setup lint
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest $(PYTEST_ARGS)

# Benchmarks (docs/benchmarks.md), never part of `make test`: generate data first, e.g.
#   CRM_DATA_DIR=/work/bench-data/sqlite $(BIN)/python -m bench.generate --scale 0.1
# then `CRM_DATA_DIR=/work/bench-data/sqlite make bench` (add CRM_DATABASE_URL for PostgreSQL).
BENCH_ARGS ?=
bench:
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules src/crm/core/static/vendor var
