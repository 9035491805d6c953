# Two commands on a fresh machine with only Python 3.11+ and make: `make run`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench assets translations migration clean screenshots

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/yunpin run

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check app tests search matching video bench tools wsgi.py

# A quick pass over every benchmark at small sizes; the full-size commands and their
# recorded figures are in docs/benchmarks.md.
bench: $(STAMP)
	$(BIN)/yunpin bench search --docs 20000 --backend embedded --queries 300 --json
	$(BIN)/yunpin bench match --candidates 20000 --jobs 20000 --json
	$(BIN)/yunpin bench stage-one --employers 1000 --json
	$(BIN)/yunpin bench video --rooms 2 --seconds 5 --json
	$(BIN)/yunpin bench dashboards --employers 1000 --applications 10000 --json
	$(BIN)/yunpin bench freshness --writes 20 --rate 10 --json
	$(BIN)/yunpin bench chat --clients 20 --messages 20 --rate 10 --json
	$(BIN)/yunpin bench web --rate 20 --seconds 5 --json
	$(BIN)/yunpin bench broadcast --viewers 100 --seconds 10 --json

# Screenshots of every main page (Chinese, phone and desktop) into docs/screenshots/, taken by
# the accessibility walk (tests/browser/test_accessibility.py). Chinese needs a CJK font:
# `apt-get install fonts-wqy-microhei` (only for screenshots; the tests do not need it).
screenshots: $(STAMP)
	@fc-list :lang=zh | grep -q . || { echo "No CJK font: Chinese would render as boxes. Run: apt-get install fonts-wqy-microhei"; exit 1; }
	rm -f docs/screenshots/*.jpg
	YUNPIN_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest tests/browser/test_accessibility.py -n 0 -q

# Refreshes vendored front-end assets and data from tools/assets/package-lock.json (needs Node).
assets:
	tools/assets/refresh.sh

# Extracts translatable strings and merges them into the catalogs; then edit the .po files.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2 -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d app/translations

# Rebuilds the initial schema migration from the models (only while nothing is deployed).
migration: $(STAMP)
	tools/regen_migration.sh

clean:
	rm -rf $(VENV) instance .pytest_cache
