# Sightline — the two commands: `make demo` runs it with demo data, `make test` runs every check.
SHELL := /bin/bash
PY ?= python3
UV_VERSION := 0.13.9
UV := $(PY) -m uv
DEMO_DIR ?= .sightline/demo
export UV_LINK_MODE := copy

.PHONY: install demo serve test lint typecheck pytest redis bench clean schema

install:  ## create .venv with the locked dependencies (installs uv with pip if missing)
	@$(UV) --version >/dev/null 2>&1 || $(PY) -m pip install --quiet "uv==$(UV_VERSION)"
	$(UV) sync --frozen --quiet

demo: install  ## generate a demo organization, ingest it, serve it
	.venv/bin/sightline demo --data-dir $(DEMO_DIR)

redis:  ## start a local Redis for the tests if none answers
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || \
		redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no

lint: install
	.venv/bin/ruff format --check services tests bench
	.venv/bin/ruff check services tests bench

typecheck: install
	.venv/bin/mypy services tests

pytest: install redis
	.venv/bin/pytest -q -p no:cacheprovider

test: lint typecheck pytest  ## every check CI runs

schema: install  ## re-export the GraphQL SDL and OpenAPI documents
	.venv/bin/sightline schema

bench: install
	.venv/bin/python bench/ingest.py

clean:
	rm -rf .venv .sightline .mypy_cache .ruff_cache
