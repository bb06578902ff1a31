# The README's commands. Everything runs inside the checkout: .venv/, .airflow/, data/.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-stamp
ENV := source scripts/env.sh &&

# Demo range: about the first month of the 2021-22 season.
DEMO_START ?= 2021-10-19
DEMO_END ?= 2021-11-18
SEED ?= 20211019

.PHONY: help demo test bench bench-growth lint format airflow-init warehouse ui lock clean system-deps screenshots

help:
	@echo "make demo   - install, build the local warehouse with demo data, run the DAGs, print a summary"
	@echo "make test   - run the whole test suite"
	@echo "make bench  - run the benchmark (seed scale) and write bench/results/"
	@echo "make bench-growth - bench H: costs at 1, 3, 10 and 22 seasons (~45 min)"
	@echo "make ui     - start the Airflow UI and scheduler on http://127.0.0.1:8080 (Ctrl-C stops)"
	@echo "make lint   - ruff check + format check"
	@echo "make screenshots - refresh docs/*.png from a clean demo (temporary Airflow and warehouse)"

$(STAMP): requirements.txt pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	$(VENV)/bin/pip install --quiet --no-deps -e .
	touch $(STAMP)

airflow-init: $(STAMP)
	@$(ENV) scripts/airflow-init.sh

warehouse: airflow-init
	$(ENV) python -m nba_backfill.cli build-demo --start $(DEMO_START) --end $(DEMO_END) --seed $(SEED) $(if $(FRESH),--fresh)

demo: airflow-init
	$(ENV) python -m nba_backfill.cli demo --start $(DEMO_START) --end $(DEMO_END) --seed $(SEED)

test: $(STAMP) system-deps
	$(ENV) python -m pytest $(PYTEST_ARGS)

system-deps:
	@scripts/system-deps.sh

bench: airflow-init
	$(ENV) python -m bench.run $(BENCH_ARGS)

bench-growth: airflow-init
	$(ENV) python -m bench.growth $(BENCH_ARGS)

ui: airflow-init
	$(ENV) scripts/airflow-ui.sh

# The README's screenshots (docs/*.png), from a clean demo in a temporary AIRFLOW_HOME and
# warehouse (the tests write theirs to build/screenshots/, never docs/).
screenshots: $(STAMP) system-deps
	$(ENV) python scripts/refresh_screenshots.py --start $(DEMO_START) --end $(DEMO_END) --seed $(SEED)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

lock: $(STAMP)
	(head -4 requirements.txt; $(VENV)/bin/pip freeze --exclude-editable | grep -v "^nba-backfill") > requirements.txt.new && mv requirements.txt.new requirements.txt

clean:
	rm -rf .airflow data
