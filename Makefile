# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
# Each creates .venv, installs the project pinned by constraints.txt, and makes
# sure a Chromium is available (installing Debian's package when run as root).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
CLI    := $(VENV)/bin/connectedness
STAMP  := $(VENV)/.installed
PIP    := $(PY) -m pip install --disable-pip-version-check -q -c constraints.txt

.PHONY: setup browser demo test bench constraints clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) -e '.[test]'
	touch $(STAMP)

browser: setup
	$(CLI) browser --install

demo: browser
	$(CLI) demo

test: browser
	bash scripts/ensure-postgres.sh
	$(PY) -m pytest

bench: browser
	$(PIP) -e '.[test,bench]'
	$(PY) bench/run.py

# Re-pin after changing dependencies in pyproject.toml.
constraints:
	rm -rf /tmp/connectedness-pin && $(PYTHON) -m venv /tmp/connectedness-pin
	/tmp/connectedness-pin/bin/pip install --disable-pip-version-check -q -e '.[test,bench]'
	/tmp/connectedness-pin/bin/pip freeze --exclude-editable | grep -v '^-e' > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache
