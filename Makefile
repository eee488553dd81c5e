# The two commands a province needs: `make run` and `make test`. Everything else is set up on demand.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.8
UV := .tools/uv/bin/uv
VENV := .venv
BIN := $(VENV)/bin
MANIFEST := dbt_project/target/manifest.json
DBT_SOURCES := $(shell find dbt_project -path dbt_project/target -prune -o \( -name '*.sql' -o -name '*.yml' \) -print 2>/dev/null)

# uv does not compile bytecode by default; compiled imports start Dagster 2-3x faster.
export UV_COMPILE_BYTECODE := 1
export DAGSTER_HOME := $(CURDIR)/.dagster_home

.PHONY: help setup system-packages run test dev docs dashboard dashboard-export bench bench-publish bench-national clean

help:
	@echo "make run    - set up, fill the inbox with the demo province if empty, run the pipeline once"
	@echo "make test   - set up and run the test suite"
	@echo "make dev    - Dagster UI + daemon (schedule and inbox sensor) on http://localhost:3000"
	@echo "make dashboard - Superset with the department's dashboards on http://localhost:8088 (DASHBOARD_PORT)"
	@echo "make dashboard-export - write the dashboards, charts and datasets back to dashboards/bundle/"
	@echo "make docs   - build the dbt docs and serve them with the GX Data Docs on http://localhost:$(DOCS_PORT), offline"
	@echo "make bench  - time the pipeline stages on the demo province"
	@echo "make bench-publish - time the publish step with every output, demo and 20 synthetic provinces"
	@echo "make bench-national PROVINCES=K - full build, one new, one corrected, nothing new for K provinces"

$(UV):
	python3 -m pip install --quiet --disable-pip-version-check --target .tools/uv uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --python 3.11
	@touch $@

# Dagster reads the dbt manifest when the code location loads and nothing parses dbt on import:
# every target that loads it (run, test, dev) depends on this one, which reparses when a model changes.
$(MANIFEST): $(VENV)/.synced $(DBT_SOURCES) orchestration/transform/dbt_command.py orchestration/transform/prepare.py
	$(BIN)/python -m orchestration.transform.prepare
	@touch $@

$(DAGSTER_HOME)/dagster.yaml: orchestration/dagster.yaml
	@mkdir -p $(DAGSTER_HOME)
	cp $< $@

setup: $(VENV)/.synced $(MANIFEST) $(DAGSTER_HOME)/dagster.yaml

run: setup
	$(BIN)/python -m orchestration.run_pipeline

# The tests start real servers from Debian packages (PostgreSQL 15); the script installs what is missing.
system-packages:
	bash .ci/system-packages.sh

test: setup system-packages
	$(BIN)/pytest

dev: setup
	$(BIN)/dagster dev -w workspace.yaml

# Superset in its own environment (dashboards/uv.lock), set up on first use; see README "Dashboards".
dashboard: setup
	$(BIN)/python -m dashboards.launcher serve

dashboard-export: setup
	$(BIN)/python -m dashboards.launcher export

# dbt's one-page static docs (`dbt docs generate --static`) and the Data Docs the runs render, served
# from this machine only; the Dagster check metadata links to Data Docs pages at this port.
DOCS_PORT ?= 8090

docs: setup
	$(BIN)/python -m orchestration.quality.docs_site --port $(DOCS_PORT)

bench: setup
	$(BIN)/python bench/pipeline_stages.py

# Starts its own PostgreSQL 15 server (tests/postgres_server.py), so it needs the server binaries.
bench-publish: setup
	$(BIN)/python bench/publish_outputs.py

PROVINCES ?= 1
bench-national: setup
	$(BIN)/python bench/national.py --provinces $(PROVINCES)

clean:
	rm -rf warehouse .dagster_home dbt_project/target dbt_project/logs expectations/gx/uncommitted
