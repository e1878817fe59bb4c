# One command file for people and CI. `make run` and `make test` set everything up from nothing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint golden bench schema clean postgres

# The browser tests drive Debian's Chromium (never a downloaded browser) and run axe-core from the
# npm registry, served locally. Installing Chromium (and poppler-utils) needs root, as on CI and
# the dev machines.
CHROMIUM := /usr/bin/chromium
# the clinic-leaflet test renders the PDF with poppler's pdftoppm (Debian package poppler-utils)
PDFTOPPM := /usr/bin/pdftoppm
AXE := tests/web/node_modules/axe-core/axe.min.js

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## run: the decision-aid web app on http://127.0.0.1:8000 (the shipped evidence base is built in)
run: $(STAMP)
	$(BIN)/mmdecide serve

$(CHROMIUM):
	apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium

$(PDFTOPPM):
	apt-get update -qq && apt-get install -y -qq --no-install-recommends poppler-utils

$(AXE): tests/web/package.json tests/web/package-lock.json
	npm ci --prefix tests/web --no-audit --no-fund --silent

# The community store tests also run on PostgreSQL: a throw-away cluster from Debian's packages,
# started by the tests in a temporary folder on a free port and stopped after (needs root to install).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
	  (apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql)

## test: the whole test suite
test: $(STAMP) $(CHROMIUM) $(PDFTOPPM) $(AXE) postgres
	$(BIN)/python -m pytest

## lint: ruff on the code, mypy --strict on the engine and personal (CI runs it before the tests)
lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy --strict --no-warn-return-any src/mmdecide/engine src/mmdecide/personal

## golden: regenerate the R reference files in tests/golden (needs R: see r/README.md)
golden:
	for f in r/golden_*.R; do Rscript "$$f" || exit 1; done

## schema: regenerate docs/estimate.schema.json (the published JSON schema of an estimate)
schema: $(STAMP)
	$(BIN)/python -c "import json; from mmdecide.personal import json_schema; from mmdecide.fileio import atomic_write_text; atomic_write_text('docs/estimate.schema.json', json.dumps(json_schema(), indent=2, sort_keys=True) + chr(10))"

## bench: run the benchmarks and write benchmarks/RESULTS.md
bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) build *.egg-info
