# Two commands rebuild and test the paper from a fresh clone (see README.md):
#   make        set up the pinned environment (.venv) and build the paper
#   make test   run the test suite (sets up the environment first if needed)
# The statistical sources are downloaded from their pinned URLs, or copied from
# the folder in $PAPER_DATA_MIRROR when it is set.

PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
CORES ?= all

.PHONY: paper env test lint bench verify manifest report changes lock clean

paper: env
	$(BIN)/snakemake --cores $(CORES)

env: $(VENV)/.installed

# Hash-checked install of exactly the locked set; redone when the lock changes.
$(VENV)/.installed: requirements/lock.txt
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		--require-hashes --no-deps -r requirements/lock.txt
	touch $@

test: env
	$(BIN)/python -m pytest

lint: env
	$(BIN)/ruff check .
	$(BIN)/snakemake --lint

bench: env
	$(BIN)/python benchmarks/benchmark.py

# Rebuild a clean clone in a scratch folder and compare every output's bytes with
# reproducibility/manifest.sha256 (`make manifest` records it from a clean build).
verify: env
	$(BIN)/python reproducibility/verify.py

manifest: env
	$(BIN)/python reproducibility/verify.py --write

# Snakemake's self-contained report: the workflow, every figure and table with its caption.
report: paper
	$(BIN)/snakemake --report manuscript/build/report.html

# What changed in the paper since BASE (a git ref; default the previous commit).
BASE ?= HEAD~1
changes: env
	$(BIN)/python reproducibility/report_changes.py --base $(BASE)

# Re-resolve the lock from requirements/requirements.in (online). uv keeps the pins
# already in lock.txt unless requirements.in asks otherwise; it runs from a
# throwaway venv, so it is not part of the paper's environment.
lock:
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check uv
	.lock-venv/bin/uv pip compile --generate-hashes --python-version 3.11 \
		requirements/requirements.in -o requirements/lock.txt
	rm -rf .lock-venv

clean:
	rm -rf data/processed results manuscript/build logs .snakemake
