# The two commands a newcomer needs: `make run` and `make test`.
# Each creates .venv with the machine's python3 (3.11+) when it is absent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The suite starts hundreds of Python processes (relays, CLI runs, crash tests); with bytecode
# caching off (some machines export PYTHONDONTWRITEBYTECODE=1) each would compile our modules
# and pytest would re-rewrite its plugins' assertions in every worker. The caches live in
# __pycache__ folders that git ignores.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run demo test lint typecheck bench clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml setup.py $(wildcard reconnect_tui/locale/*/LC_MESSAGES/*.po) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml setup.py $(wildcard reconnect_tui/locale/*/LC_MESSAGES/*.po) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/reconnect

# Both sides of ReConnect with invented data: `make demo`, or `make demo AS=provider`.
AS ?= user
demo: $(VENV)/.installed-run
	$(BIN)/reconnect demo --as $(AS)

test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -n 2 --dist worksteal

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

bench: $(VENV)/.installed-test
	for b in bench/[!_]*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info

# Extract every _() / ngettext() / N_() string into the template, merge it into each language's
# catalogue (new messages empty, changed ones fuzzy), and compile the .mo files the app reads
# (docs/translating.md). The .mo files are build products, never committed.
translations: | $(BIN)/python
	$(BIN)/python -m pip install --quiet 'babel>=2.14'
	$(BIN)/pybabel extract -F babel.cfg --sort-by-file --no-wrap --add-location=file -c "Translators:" \
		--project=ReConnect --copyright-holder="ReConnect contributors" \
		-o reconnect_tui/locale/reconnect.pot.new reconnect_tui
	@# keep the old template when only its creation date would change (fewer merge conflicts)
	if diff -q -I '^"POT-Creation-Date:' reconnect_tui/locale/reconnect.pot \
		reconnect_tui/locale/reconnect.pot.new >/dev/null 2>&1; \
	then rm reconnect_tui/locale/reconnect.pot.new; \
	else mv reconnect_tui/locale/reconnect.pot.new reconnect_tui/locale/reconnect.pot; fi
	$(BIN)/pybabel update -D reconnect -d reconnect_tui/locale --no-wrap --ignore-obsolete --ignore-pot-creation-date \
		-i reconnect_tui/locale/reconnect.pot
	$(BIN)/pybabel compile -D reconnect -d reconnect_tui/locale --statistics
