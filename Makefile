# Everything a fresh machine needs comes from here: `make run` and `make test` set up .venv first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run run-cluster test lint format graph bench clean lock

# The exact, hashed versions of requirements-dev.lock (the same as the image's requirements.lock,
# plus the test and lint tools), then the project itself on top, editable and without deps.
$(STAMP): pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# Renews both lock files from pyproject.toml's ranges (newest versions that fit); commit them.
UV ?= uv  # pip install uv==0.13.8
LOCK = $(UV) pip compile pyproject.toml --generate-hashes --python-version 3.11 \
	--python-platform x86_64-unknown-linux-gnu --custom-compile-command "make lock" --upgrade -q
lock:
	$(LOCK) --extra all -o requirements.lock
	$(LOCK) --extra dev -o requirements-dev.lock

run: $(STAMP)  ## the bot; without BOT_TOKEN the intake runs in this terminal
	$(PY) -m bot

# Several workers on PostgreSQL (README, "Scaling"): DATABASE_URL, or the local server's
# database "intake" (created if missing).
WORKERS ?= 3
run-cluster: $(STAMP)  ## WORKERS (3) workers on PostgreSQL
	$(PY) -m bot.serving.supervise $(WORKERS)

test: $(STAMP)  ## the whole test suite
	$(PY) -m pytest

lint: $(STAMP)  ## ruff (lint and format) and mypy (types)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

format: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

graph: $(STAMP)  ## the intake tree as a Mermaid diagram, renewed in docs/walkthrough.md too
	$(PY) -m bot graph --readme docs/walkthrough.md
	$(PY) -m bot graph --cases --readme docs/walkthrough.md
	$(PY) -m bot graph

bench: $(STAMP)  ## measures and reports; never fails on a number
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
