# make run: the service with demo data on http://127.0.0.1:8000. make test: lint and the test suite.
# Both install what is missing (PostgreSQL + PostGIS and Redis from Debian, the Python environment
# in .venv) and leave PostgreSQL and Redis running. Run as root on Debian 12.
SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV := .venv
BIN := $(VENV)/bin
PROVISION := migrations/provision/postgres.sh
# Redis counts the API's rate limits (app/limits).
PROVISION_REDIS := migrations/provision/redis.sh
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 4

DB_OWNER_PASSWORD := $(or $(MEDSHARE_DB_OWNER_PASSWORD),medshare_owner)
DB_APP_PASSWORD := $(or $(MEDSHARE_DB_APP_PASSWORD),medshare_app)
APP_URL := postgresql+psycopg2://medshare_app:$(DB_APP_PASSWORD)@127.0.0.1:5432
OWNER_URL := postgresql+psycopg2://medshare_owner:$(DB_OWNER_PASSWORD)@127.0.0.1:5432
export DATABASE_URL ?= $(APP_URL)/medshare
export DATABASE_OWNER_URL ?= $(OWNER_URL)/medshare
TEST_DB ?= medshare_test
# Named after TEST_DB, so two checkouts testing side by side (TEST_DB=...) share no database.
MIGRATION_TEST_DB ?= $(TEST_DB)_migrations
# The review page's browser walk-through serves committed rows: a database of its own, made
# afresh on each run.
BROWSER_TEST_DB ?= $(TEST_DB)_browser
# Schemathesis' run against the served app (tests/contract) commits what it creates too.
CONTRACT_TEST_DB ?= $(TEST_DB)_contract
export TEST_DATABASE_URL ?= $(APP_URL)/$(TEST_DB)
export TEST_DATABASE_OWNER_URL ?= $(OWNER_URL)/$(TEST_DB)
export MIGRATION_TEST_DATABASE_URL ?= $(OWNER_URL)/$(MIGRATION_TEST_DB)
export BROWSER_TEST_DATABASE_URL ?= $(APP_URL)/$(BROWSER_TEST_DB)
export BROWSER_TEST_DATABASE_OWNER_URL ?= $(OWNER_URL)/$(BROWSER_TEST_DB)
export CONTRACT_TEST_DATABASE_URL ?= $(APP_URL)/$(CONTRACT_TEST_DB)
export CONTRACT_TEST_DATABASE_OWNER_URL ?= $(OWNER_URL)/$(CONTRACT_TEST_DB)
# The races (tests/races) fight over committed rows on parallel connections: a database of
# their own, made afresh on each run, like the browser's.
RACE_TEST_DB ?= $(TEST_DB)_races
export RACE_TEST_DATABASE_URL ?= $(APP_URL)/$(RACE_TEST_DB)
export RACE_TEST_DATABASE_OWNER_URL ?= $(OWNER_URL)/$(RACE_TEST_DB)
# The suite's rate limit counters in the shared Redis, apart from other checkouts' (see TEST_DB).
export TEST_RATE_LIMIT_KEY_PREFIX ?= $(TEST_DB)
# Debian's chromium, driven by Playwright; never a browser Playwright downloads itself. A CJK
# font, so the screenshots show Chinese rather than boxes.
BROWSER_PACKAGES := chromium fonts-wqy-microhei
FLASK := $(BIN)/flask --app wsgi
# The one server command, chosen by measurement (see app/serve.py): followed by a WSGI target.
# Granian's Rust HTTP layer with 4 threads per worker (within the pool of 5 connections) served
# the square 1.5-3x faster than gunicorn's sync workers here. Failed workers are respawned; on
# Ctrl-C or SIGTERM workers finish their requests for up to 30 s. The bench's reference apps
# are served with it too.
GRANIAN_THREADS ?= 4
# Granian's backpressure counts connections, not requests: a kept-alive connection holds its
# permit while idle, so with as many permits as threads four keep-alive clients of a worker
# (wrk, a proxy's pool) kept every new connection waiting, past any client's timeout (found by
# make fault). Requests beyond the threads wait in Granian's queue instead.
GRANIAN_BACKPRESSURE ?= 64
SERVE = $(BIN)/granian --interface wsgi --host $(HOST) --port $(PORT) --workers $(WORKERS) \
	--blocking-threads $(GRANIAN_THREADS) --backpressure $(GRANIAN_BACKPRESSURE) \
	--respawn-failed-workers --workers-kill-timeout 30 --log-config app/granian_logging.json
SQUARE = http://$(HOST):$(PORT)/api/v1/posts
# The H5 square's page (app/h5/web): npm packages from package-lock.json, bundled by esbuild into
# dist/, which the app serves. Rebuilt when a source changes; the lock decides the packages.
H5_WEB := app/h5/web
H5_SOURCES := $(shell find $(H5_WEB)/src -type f) $(H5_WEB)/build.mjs
H5_BUILT := $(H5_WEB)/dist/.built
H5_PACKAGES := $(H5_WEB)/node_modules/.installed

.PHONY: run test lint format database test-databases redis browser node h5 clean bench fault \
	serve-command

# A minimal Debian has no python3, and Debian's python3 has no venv module until python3-venv.
$(VENV)/.installed: pyproject.toml
	@if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then \
		echo "installing python3 and python3-venv"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >/dev/null; \
	fi
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

redis:
	$(PROVISION_REDIS)

database: $(VENV)/.installed redis
	$(PROVISION) medshare
	$(FLASK) db upgrade
	$(FLASK) medshare remask
	$(FLASK) medshare load-catalog
	$(FLASK) medshare load-districts
	$(FLASK) medshare seed-demo
	$(FLASK) medshare snapshot-stats

# Debian 12's nodejs (18) and npm are enough; a machine with its own Node.js keeps it.
node:
	@if ! command -v node >/dev/null || ! command -v npm >/dev/null; then \
		echo "installing nodejs and npm"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	fi

$(H5_PACKAGES): $(H5_WEB)/package-lock.json | node
	cd $(H5_WEB) && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

$(H5_BUILT): $(H5_PACKAGES) $(H5_SOURCES)
	cd $(H5_WEB) && node build.mjs
	touch $@

h5: $(H5_BUILT)

# make run's WeChat is the local fake (tests/fakes/wechat.py) on the next port, with credentials
# of its own, so the H5 page signs in inside WeChat on a laptop too; production refuses it (its
# URLs are not https). Settings given in the environment win.
FAKE_WECHAT_PORT ?= $(shell echo $$(($(PORT) + 1)))
run: export WECHAT_API_BASE_URL ?= http://$(HOST):$(FAKE_WECHAT_PORT)
run: export WECHAT_OPEN_BASE_URL ?= http://$(HOST):$(FAKE_WECHAT_PORT)
run: export WECHAT_APP_ID ?= wx-development-mini-program
run: export WECHAT_APP_SECRET ?= development-mini-program-secret
run: export WECHAT_OA_APP_ID ?= wx-development-official-account
run: export WECHAT_OA_APP_SECRET ?= development-official-account-secret
run: export H5_ORIGIN ?= http://$(HOST):$(PORT)

run: database h5
	@$(FLASK) medshare demo-moderator
	@echo "  Review page:  http://$(HOST):$(PORT)/moderation/"
	@echo
	@echo "The H5 square (SMS codes appear in this log; inside WeChat, the fake WeChat on"
	@echo "$(WECHAT_API_BASE_URL) signs you in):"
	@echo "  http://$(HOST):$(PORT)/h5/    in English: http://$(HOST):$(PORT)/h5/?lang=en"
	@echo
	@echo "Retention: purge what is past its period once a day from cron (README, Your data):"
	@echo "  17 3 * * *  cd $(CURDIR) && $(FLASK) medshare purge"
	@echo
	@echo "MedShare is serving on http://$(HOST):$(PORT)"
	@echo "  API docs:     http://$(HOST):$(PORT)/api/v1/docs"
	@echo "  OpenAPI:      http://$(HOST):$(PORT)/api/v1/openapi.json"
	@echo "  Medicines:    http://$(HOST):$(PORT)/api/v1/medicines"
	@echo "  Readiness:    http://$(HOST):$(PORT)/readyz"
	@echo "  Statistics:   http://$(HOST):$(PORT)/stats/"
	@echo "  The square, nearest first, antigen tests or ibuprofen, at Shenzhen's centre (GCJ-02):"
	@echo "    $(SQUARE)?lat=22.5435&lng=114.0579&coordinate_system=gcj02&medicine=antigen-test,ibuprofen"
	@echo "  The square, newest first, within 20 km of Beijing's centre:"
	@echo "    $(SQUARE)?lat=39.9042&lng=116.4074&coordinate_system=gcj02&sort=time&radius_m=20000"
	@echo
	@# The fake WeChat lives as long as the server: it goes with Ctrl-C or when the server ends.
	$(BIN)/python -m tests.fakes.wechat_serve $(HOST) $(FAKE_WECHAT_PORT) & \
		trap 'kill $$! 2>/dev/null' EXIT; \
		$(SERVE) app.serve:app

# The server command run uses, for HOST, PORT and WORKERS: the bench starts ours and the bare
# reference with it (bench/servers.py), so both are served as make run serves.
serve-command:
	@echo '$(SERVE)'

test-databases: redis
	$(PROVISION) $(TEST_DB) $(MIGRATION_TEST_DB)
	$(PROVISION) --fresh $(BROWSER_TEST_DB) $(CONTRACT_TEST_DB) $(RACE_TEST_DB)

browser:
	@missing=$$(for package in $(BROWSER_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" || echo $$package; \
	done); \
	if [ -n "$$missing" ]; then \
		echo "installing" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: $(VENV)/.installed browser h5 test-databases lint
	MEDSHARE_ENV=test $(BIN)/pytest

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info $(H5_WEB)/node_modules $(H5_WEB)/dist

# make bench: issue 7's benchmark on a database of its own, medshare_bench (not part of make test;
# README.md, section Benchmark). N posts are generated once (FRESH=1 regenerates), then the
# mixed load, the square against the two references, creating posts, EXPLAIN and pgbench;
# prints every figure and writes docs/PERFORMANCE.md and bench/results.json.
N ?= 1000000
DURATION ?= 600
CONNECTIONS ?= 16
FRESH ?=
BENCH_DB ?= medshare_bench
# Two workers unless WORKERS is given: issue 7 measures 2 workers on 2 cores (make run has 4).
BENCH_WORKERS = $(if $(filter command line environment,$(origin WORKERS)),$(WORKERS),2)
BENCH_LOAD_JSON := bench/load.json

$(VENV)/.bench-installed: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $@

bench: export DATABASE_URL = $(APP_URL)/$(BENCH_DB)
bench: export DATABASE_OWNER_URL = $(OWNER_URL)/$(BENCH_DB)
bench: $(VENV)/.bench-installed redis
	@command -v wrk >/dev/null || { echo "installing wrk"; apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	@# FRESH drops the database, not its rows: the moderators' audit trail refuses TRUNCATE.
	$(PROVISION) $(if $(FRESH),--fresh) $(BENCH_DB)
	$(FLASK) db upgrade
	$(FLASK) medshare remask
	$(FLASK) medshare load-catalog
	$(FLASK) medshare load-districts
	$(BIN)/python -m bench.generate --posts $(N) $(if $(FRESH),--fresh) --json $(BENCH_LOAD_JSON)
	DURATION=$(DURATION) CONNECTIONS=$(CONNECTIONS) WORKERS=$(BENCH_WORKERS) \
		BENCH_LOAD_JSON=$(BENCH_LOAD_JSON) $(BIN)/python -m bench.run

# make fault: issue 18's faults under the bench's mixed load (not part of make test; README.md,
# section Faults). A PostgreSQL cluster and a Redis of its own, which it stops and restarts,
# never the shared ones: the cluster FAULT_PG_CLUSTER on FAULT_PG_PORT (made by the provision
# script) and a redis-server on FAULT_REDIS_PORT (started by bench/fault.py). FAULT_POSTS bench
# posts give the square something to show. Prints the counts and writes docs/RELIABILITY.md.
FAULT_PG_CLUSTER ?= fault
FAULT_PG_PORT ?= 5439
FAULT_REDIS_PORT ?= 6390
FAULT_DB ?= medshare_fault
FAULT_POSTS ?= 20000
fault: export DATABASE_URL = postgresql+psycopg2://medshare_app:$(DB_APP_PASSWORD)@127.0.0.1:$(FAULT_PG_PORT)/$(FAULT_DB)
fault: export DATABASE_OWNER_URL = postgresql+psycopg2://medshare_owner:$(DB_OWNER_PASSWORD)@127.0.0.1:$(FAULT_PG_PORT)/$(FAULT_DB)
fault: export REDIS_URL = redis://127.0.0.1:$(FAULT_REDIS_PORT)/0
fault: export FAULT_PG_CLUSTER := $(FAULT_PG_CLUSTER)
fault: export FAULT_PG_PORT := $(FAULT_PG_PORT)
fault: export FAULT_REDIS_PORT := $(FAULT_REDIS_PORT)
fault: $(VENV)/.bench-installed
	@for tool in wrk redis-server; do command -v $$tool >/dev/null || { echo "installing $$tool"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		$$([ $$tool = wrk ] && echo wrk || echo redis-server) >/dev/null; }; done
	PG_CLUSTER=$(FAULT_PG_CLUSTER) PG_PORT=$(FAULT_PG_PORT) $(PROVISION) $(FAULT_DB)
	$(FLASK) db upgrade
	$(FLASK) medshare remask
	$(FLASK) medshare load-catalog
	$(FLASK) medshare load-districts
	$(BIN)/python -m bench.generate --posts $(FAULT_POSTS)
	$(BIN)/python -m bench.fault
