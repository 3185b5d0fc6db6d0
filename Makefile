# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
# Each creates .venv, installs the project pinned by constraints.txt, and makes
# sure a Chromium is available (installing Debian's package when run as root).
# Set-up talks on stderr, so `make bench` prints nothing but its JSON on stdout.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
CLI    := $(VENV)/bin/connectedness
STAMP  := $(VENV)/.installed
PIP    := $(PY) -m pip install --disable-pip-version-check -q -c constraints.txt

.PHONY: setup browser postgres demo lint test bench accuracy constraints clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@echo "setting up $(VENV) (pinned by constraints.txt)" >&2
	@$(PYTHON) -m venv $(VENV)
	@# The distribution was named connectedness before connectedness-audit: drop a .venv's old install first
	@# (after the new one it would take the shared `connectedness` script with it).
	@$(PY) -m pip uninstall --disable-pip-version-check -y -q connectedness 2>/dev/null || true
	@$(PIP) -e '.[test]' >&2
	@touch $(STAMP)

browser: setup
	@$(CLI) browser --install >&2

postgres:
	@bash scripts/ensure-postgres.sh

demo: browser
	$(CLI) demo

# Ruff over every file, mypy (strict) over the package. The checkout is the `connectedness` package,
# which mypy cannot see through the editable install's import hook: it reads it through a link.
lint: setup
	@mkdir -p $(VENV)/mypy-path && ln -sfn "$(CURDIR)" $(VENV)/mypy-path/connectedness
	$(PY) -m ruff check .
	$(PY) -m mypy

test: lint browser postgres
	$(PY) -m pytest

bench: browser postgres
	@$(PIP) -e '.[test,bench]' >&2
	@$(PY) bench/run.py
	@$(PY) -m bench.accuracy >&2  # its table on stderr: stdout stays the JSON above
	@$(PY) -m bench.hostile >&2  # time and peak memory of a scan of each hostile endpoint, on stderr too

# Detection measured on the real pages of ../shared/corpus, inside a network
# namespace of its own (needs root or unprivileged user namespaces, and openssl).
accuracy: setup
	$(PY) -m bench.accuracy

# Re-pin after changing dependencies in pyproject.toml. --all keeps setuptools (the test extra builds
# the wheel with it); pip itself is not pinned.
constraints:
	rm -rf /tmp/connectedness-pin && $(PYTHON) -m venv /tmp/connectedness-pin
	/tmp/connectedness-pin/bin/pip install --disable-pip-version-check -q -e '.[test,bench]'
	/tmp/connectedness-pin/bin/pip freeze --all --exclude-editable | grep -v '^-e' | grep -v '^pip==' > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
