# geotrack — set-up, run, test. Every target is idempotent.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
STORE ?= store/geotrack.gpkg
HOST ?= 127.0.0.1
PORT ?= 8501
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install store run test lint typecheck unit browser-deps bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install the pinned dependencies

store: install  ## build the embedded GeoPackage store from data/ when missing or stale
	$(VENV)/bin/geotrack --store $(STORE) build --if-stale

run: store  ## start the map on http://$(HOST):$(PORT) (HOST=0.0.0.0 to serve others)
	GEOTRACK_STORE=$(STORE) $(VENV)/bin/streamlit run app.py \
	  --server.address $(HOST) --server.port $(PORT) --server.headless true \
	  --browser.gatherUsageStats false

browser-deps:  ## Debian chromium for the browser tests (installed only when missing)
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q --no-install-recommends chromium; }

lint: install
	$(VENV)/bin/ruff check geotrack tests app.py bench
	$(VENV)/bin/mypy

unit: install
	$(PY) -m pytest -m "not browser"

test: install browser-deps  ## everything the tests need, then every test
	$(VENV)/bin/ruff check geotrack tests app.py bench
	$(VENV)/bin/mypy
	$(PY) -m pytest

bench: install  ## speed and memory figures beside a naive baseline
	$(PY) -m bench

clean:
	rm -rf $(VENV) store .pytest_cache .mypy_cache .ruff_cache
