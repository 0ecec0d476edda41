# geotrack — set-up, run, test. Every target is idempotent.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
STORE ?= store/geotrack.gpkg
# the shared PostGIS store when GEOTRACK_DATABASE_URL=postgresql://… is set, else the GeoPackage
STORE_LOCATION = $(or $(GEOTRACK_DATABASE_URL),$(STORE))
POSTGIS_CONTROL := /usr/share/postgresql/15/extension/postgis.control
HOST ?= 127.0.0.1
PORT ?= 8501
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install store run test lint typecheck unit browser-deps postgis-deps interop-deps qgis-deps interop api bench clean static layers screenshots

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install the pinned dependencies

store: install  ## build the store (GeoPackage, or PostGIS with GEOTRACK_DATABASE_URL) from data/ when missing or stale
	$(VENV)/bin/geotrack --store '$(STORE_LOCATION)' build --if-stale

run: store  ## start the map on http://$(HOST):$(PORT) (HOST=0.0.0.0 to serve others), its caches warmed at start
	GEOTRACK_DATABASE_URL='$(GEOTRACK_DATABASE_URL)' GEOTRACK_STORE='$(STORE_LOCATION)' $(PY) -m geotrack.serve app.py \
	  --server.address $(HOST) --server.port $(PORT) --server.headless true \
	  --browser.gatherUsageStats false

LEAFLET_VERSION := 1.9.4
LEAFLET_DIR := static/vendor/leaflet

static:  ## vendor Leaflet $(LEAFLET_VERSION) from the npm registry into $(LEAFLET_DIR) (committed; run only to refresh)
	@if [ -f $(LEAFLET_DIR)/VERSION ] && [ "$$(cat $(LEAFLET_DIR)/VERSION)" = $(LEAFLET_VERSION) ] \
	  && (cd $(LEAFLET_DIR) && sha256sum --quiet -c SHA256SUMS); then \
	  echo "$(LEAFLET_DIR): Leaflet $(LEAFLET_VERSION) present and intact"; \
	else \
	  set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	  (cd "$$tmp" && npm pack --silent leaflet@$(LEAFLET_VERSION) >/dev/null && tar xzf leaflet-$(LEAFLET_VERSION).tgz); \
	  rm -rf $(LEAFLET_DIR); mkdir -p $(LEAFLET_DIR)/images; \
	  cp "$$tmp"/package/dist/leaflet.js "$$tmp"/package/dist/leaflet.css "$$tmp"/package/LICENSE $(LEAFLET_DIR)/; \
	  cp "$$tmp"/package/dist/images/*.png $(LEAFLET_DIR)/images/; \
	  echo $(LEAFLET_VERSION) > $(LEAFLET_DIR)/VERSION; \
	  (cd $(LEAFLET_DIR) && find . -type f ! -name SHA256SUMS ! -name VERSION | LC_ALL=C sort | xargs sha256sum > SHA256SUMS); \
	  echo "$(LEAFLET_DIR): vendored Leaflet $(LEAFLET_VERSION)"; \
	fi

layers: install  ## remake layers/ boundaries: make layers SOURCE=<clone of thanglequoc/vietnamese-provinces-database> [CHECK=<clone of daohoangson/dvhcvn>] (see layers/README.md; not part of make test)
	@[ -n "$(SOURCE)" ] || { echo "make layers SOURCE=/path/to/vietnamese-provinces-database [CHECK=/path/to/dvhcvn]"; exit 2; }
	$(PY) layers/make_layers.py '$(SOURCE)' $(if $(CHECK),--check '$(CHECK)')

browser-deps:  ## Debian chromium for the browser tests (installed only when missing)
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q --no-install-recommends chromium; }

postgis-deps:  ## Debian PostgreSQL 15 + PostGIS 3 for the store tests (installed only when missing; the tests start their own server)
	@[ -f $(POSTGIS_CONTROL) ] || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q --no-install-recommends postgresql-15-postgis-3; }

GPKG_VALIDATOR := /usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py

interop-deps:  ## Debian GDAL tools + GeoPackage validator and xmllint for the third-party-client tests (when missing)
	@command -v ogrinfo >/dev/null && command -v xmllint >/dev/null && [ -f $(GPKG_VALIDATOR) ] || \
	  { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q --no-install-recommends gdal-bin python3-gdal libxml2-utils; }

qgis-deps: interop-deps  ## Debian QGIS 3.22 Python bindings for the headless QGIS tests (≈6.5 min when missing)
	@/usr/bin/python3 -c "import qgis.core" 2>/dev/null || \
	  { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q --no-install-recommends python3-qgis; }

interop: install qgis-deps  ## the exports opened in headless QGIS (CI runs it; QGIS takes too long to install for make test)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -m qgis

API_PORT ?= 5000
api: store  ## OGC API - Features over the store on http://$(HOST):$(API_PORT) (pygeoapi; QGIS/ArcGIS add it as a WFS 3 / OGC API layer)
	GEOTRACK_DATABASE_URL='$(GEOTRACK_DATABASE_URL)' $(VENV)/bin/geotrack --store '$(STORE_LOCATION)' serve-api \
	  --host $(HOST) --port $(API_PORT)

lint: install
	$(VENV)/bin/ruff check geotrack tests app.py bench
	$(VENV)/bin/mypy

unit: install  ## the quick tests: no browser, PostgreSQL, QGIS or GDAL tool, nothing marked slow; on every core
	$(PY) -m pytest -n auto -m "not browser and not postgis and not qgis and not slow"

test: install browser-deps postgis-deps interop-deps  ## everything the tests need, then every test but QGIS's (make interop)
	$(VENV)/bin/ruff check geotrack tests app.py bench
	$(VENV)/bin/mypy
	$(PY) -m pytest -m "not qgis"

screenshots: store browser-deps  ## the key views (desktop and phone, both languages) into docs/screenshots/
	@# from tests/: pygeoapi installs a top-level package named "tests" that shadows ours
	cd tests && ../$(PY) -m e2e.screenshots $(abspath $(STORE))

bench: install browser-deps  ## speed and memory figures beside a naive baseline, in Python and in Chromium (≈15 min)
	$(PY) -m bench --browser $(BENCH_ARGS)

clean:
	rm -rf $(VENV) store .pytest_cache .mypy_cache .ruff_cache
