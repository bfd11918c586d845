# Two commands for a fresh machine: `make run` and `make test`. Both are idempotent.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
MANAGE := $(PY) -m hragency.manage

.PHONY: run test lint install migrate demo bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e ".[dev]"
	touch $@

install: $(VENV)/.installed

migrate: install
	$(MANAGE) migrate --noinput -v0

demo: migrate
	$(MANAGE) demo

# Web on http://127.0.0.1:8000 plus the Huey worker (deadlines, e-mail); Ctrl-C stops both.
run: demo
	@echo "启动：http://127.0.0.1:8000  （Ctrl-C 停止）"
	@bash -c 'trap "kill 0" EXIT INT TERM; $(MANAGE) run_huey --workers 2 & $(MANAGE) runserver 127.0.0.1:8000'

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy hragency/domain
	$(MANAGE) makemigrations --check --dry-run -v1

# The whole suite. UI tests use Debian's chromium (/usr/bin/chromium); .ci/run installs it.
test: install
	$(PY) -m pytest -q $(PYTEST_ARGS)

bench: install
	@for script in bench/bench_*.py; do $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) var
