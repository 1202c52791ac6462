# Two commands rebuild and test the paper from a fresh clone (see README.md):
#   make        set up the pinned environment (.venv) and build the paper
#   make test   run the test suite (sets up the environment first if needed)
# The statistical sources are downloaded from their pinned URLs, or copied from
# the folder in $PAPER_DATA_MIRROR when it is set.

PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
CORES ?= all

.PHONY: paper env dev slurm test test-fast lint bench verify manifest report changes numbers lock \
	clean diff journal bundle revision preview

paper: env
	$(BIN)/snakemake --cores $(CORES)

env: $(VENV)/.installed
dev: $(VENV)/.dev-installed

# Hash-checked install of exactly the locked runtime set, then the two packages of
# this repository (paperkit, the machinery; asylum_regime, the paper's science),
# editable and without dependencies: everything they need is in the lock.
#
# The installer is uv (hash-pinned in requirements/uv.txt, bootstrapped by pip into a
# throwaway folder, removed afterwards): it downloads in parallel, into a venv made
# without pip (the paper does not need it; `make dev` installs the locked one for the
# tests). When uv cannot be had, pip (Python's bundled one, ensurepip) installs the same
# lock. Either way every file is checked against its hash in the lock, and the files are
# byte-compiled afterwards on every core (compileall), except the installed packages'
# own test suites (a third of their files, never imported; Python compiles anything
# left on first import). connection-pool is published as a source distribution only:
# requirements/wheels/ holds the wheel built from it (its hash in the lock beside the
# source's), so that nothing is built at install time. FIND_LINKS names that folder
# (not WHEELS, which `make bundle WHEELS=1` sets); `FIND_LINKS=DIR NO_INDEX=1` installs
# from DIR alone, without an index (a reviewer bundle's wheels/: every wheel of the
# lock and uv's).
FIND_LINKS ?= requirements/wheels
NO_INDEX ?=
PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check

# $(call install,LOCKS): the locked sets into $(VENV), then the two packages (editable).
define install
	set -e; uv=$$(mktemp -d); trap 'rm -rf "$$uv"' EXIT; \
	if [ "$(INSTALLER)" = uv ] \
		&& $(PYTHON) -m pip install --quiet --disable-pip-version-check --require-hashes \
		--no-deps --target "$$uv" -r requirements/uv.txt \
		$(if $(NO_INDEX),--no-index --find-links $(FIND_LINKS)) >/dev/null 2>&1 \
		&& "$$uv/bin/uv" --version >/dev/null 2>&1; then \
		UV_CACHE_DIR="$${UV_CACHE_DIR:-$(UV_CACHE)}" "$$uv/bin/uv" pip install --quiet \
			--python $(BIN)/python --require-hashes --no-deps --no-build \
			--find-links $(FIND_LINKS) $(if $(NO_INDEX),--no-index) \
			$(foreach lock,$(1),-r $(lock)); \
		UV_CACHE_DIR="$${UV_CACHE_DIR:-$(UV_CACHE)}" "$$uv/bin/uv" pip install --quiet \
			--python $(BIN)/python --no-deps --no-build-isolation --offline \
			-e ./paperkit -e .; \
	else \
		echo "installing with pip (INSTALLER=$(INSTALLER), or uv could not be had)" >&2; \
		$(BIN)/python -m pip --version >/dev/null 2>&1 \
			|| $(BIN)/python -m ensurepip --default-pip >/dev/null; \
		$(PIP) install --require-hashes --no-deps --only-binary=:all: --no-compile \
			--find-links $(FIND_LINKS) $(if $(NO_INDEX),--no-index) \
			$(foreach lock,$(1),-r $(lock)); \
		$(PIP) install --no-deps --no-build-isolation --no-index -e ./paperkit -e .; \
	fi; \
	$(BIN)/python -m compileall -q -j 0 -x '/tests?/' $(VENV)/lib >/dev/null || true
endef
# uv's download cache (its own, unless UV_CACHE_DIR says otherwise).
UV_CACHE ?= $(HOME)/.cache/uv
# INSTALLER=pip skips uv (the fallback path, on purpose).
INSTALLER ?= uv

$(VENV)/.installed: requirements/runtime.txt requirements/uv.txt paperkit/pyproject.toml \
		pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	$(PYTHON) -m venv --without-pip $(VENV)
	@$(call install,requirements/runtime.txt)
	rm -f $(VENV)/.dev-installed $(VENV)/.slurm-installed
	touch $@

# Tests and linters on top (requirements/dev.txt).
$(VENV)/.dev-installed: $(VENV)/.installed requirements/dev.txt
	@$(call install,requirements/runtime.txt requirements/dev.txt)
	touch $@

# Snakemake's SLURM executor (requirements/slurm.txt), for `snakemake --profile
# profiles/slurm` only. It is not in the runtime set because Snakemake imports every
# installed executor plugin on every call, and this one then asks SLURM for its
# configuration (and waits up to 10 s when no controller answers) and imports pandas.
slurm: $(VENV)/.slurm-installed
$(VENV)/.slurm-installed: $(VENV)/.installed requirements/slurm.txt
	@$(call install,requirements/runtime.txt requirements/slurm.txt)
	touch $@

# Every test, on every core (pytest-xdist; the end-to-end tests share one built copy of
# the paper, tests/conftest.py). test-fast: everything but the full builds (tests marked
# e2e, or using a built copy) and the slow studies (marked slow, tests/conftest.py), for
# the edit-test loop.
TEST_WORKERS ?= auto
test: dev
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

test-fast: dev
	$(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not e2e and not slow"

lint: dev
	$(BIN)/ruff check .
	$(BIN)/snakefmt --check Snakefile workflow paperkit/src/paperkit/workflow
	$(BIN)/snakemake --lint

# Ratios, each the median of BENCH_RUNS alternating runs: against BENCH_BASE (default the
# previous commit), snakemake --version, pandoc + XeLaTeX (if installed); render scaling.
# BENCH_ARGS adds options, e.g. a past change against its parent, cold builds only:
# make bench BENCH_BASE=f0e44c2~1 BENCH_ARGS='--this f0e44c2 --cold-only'
BENCH_BASE ?= HEAD~1
BENCH_RUNS ?= 3
BENCH_ARGS ?=
bench: env
	$(BIN)/python benchmarks/benchmark.py --baseline '$(BENCH_BASE)' --runs $(BENCH_RUNS) $(BENCH_ARGS)

# Rebuild a clean clone in a scratch folder and compare every output's bytes with
# reproducibility/manifest.sha256 (`make manifest` records it from a clean build).
verify: env
	$(BIN)/python reproducibility/verify.py

manifest: env
	$(BIN)/python reproducibility/verify.py --write

# Snakemake's self-contained report: the workflow, every figure and table with its caption.
report: paper
	$(BIN)/snakemake --report manuscript/build/report.html

# The revision the diff and the bundle compare with: BASE (a git ref), by default the last
# revision sent (the tag revision-N that `make revision` made before HEAD; paperkit.revisions).
BASE ?= $(shell $(BIN)/python -m paperkit.revisions last)

# Tag the paper as sent to the journal: REF (default HEAD) becomes revision-<N+1>.
REF ?= HEAD
revision: env
	$(BIN)/python -m paperkit.revisions tag '$(REF)'

# What changed in the paper's numbers and claims since BASE (default the previous commit).
changes: env
	$(BIN)/python reproducibility/report_changes.py \
		--base '$(if $(filter command line environment,$(origin BASE)),$(BASE),HEAD~1)'

# The paper since BASE (default the last revision sent) with tracked changes, in every
# language: DOCX with Word revisions (w:ins/w:del), HTML and PDF with visible marks and a
# one-screen summary, under manuscript/build/diff/<commit>/ (BASE is built in a clean
# clone the way it says itself: paperkit.revision_build).
diff: env
	@[ -n '$(BASE)' ] || exit 2; \
	commit=$$(git rev-parse --verify --short=12 '$(BASE)^{commit}') && \
	$(BIN)/snakemake --cores $(CORES) manuscript/build/diff/$$commit/summary.md && \
	cat manuscript/build/diff/$$commit/summary.md

# The journal's DOCX (A4, double spacing, line and page numbers, SEQ/REF fields) and every
# figure as a numbered PDF and 600 dpi PNG: manuscript/build/<lang>/paper-journal.docx and
# manuscript/build/<lang>/figures/.
journal: env
	$(BIN)/snakemake --cores $(CORES) journal

# The reviewer bundle of HEAD (built in a clean clone, with the diff against BASE):
# manuscript/build/bundle-<commit>.tar.gz. WHEELS=1 adds the locked wheels (an install
# without an index); without it the bundle holds none.
WHEELS ?=
bundle: dev
	$(BIN)/python -m paperkit.bundle --base '$(BASE)' $(if $(filter 1 yes true,$(WHEELS)),--wheels)

# A live preview for writing: every language's HTML and PDF at http://127.0.0.1:PORT/<lang>/
# (the URL is the first line printed), re-rendered on each save of the manuscript with the
# claims and parity checked; a change to data, config or code goes to Snakemake. Ctrl-C
# stops it; it writes only under manuscript/build/preview/ and removes that when it stops.
# (@: the URL is the first line on the console, not the command.)
PORT ?= 8765
preview: env
	@$(BIN)/python -m paperkit.preview --port $(PORT)

# Every placeholder the text can use, with its value in each language and the rule
# that makes it.
numbers: paper
	$(BIN)/python -m paperkit.catalogue

# Re-resolve the locks from requirements/*.in (online). uv keeps the pins already
# in the .txt files unless the .in files ask otherwise; it runs from a throwaway
# venv, so it is not part of the paper's environment. slurm.txt after runtime.txt:
# slurm.in takes runtime.txt as constraints, so the packages both pin stay identical.
lock:
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check uv
	cd requirements && ../.lock-venv/bin/uv pip compile --generate-hashes --python-version 3.11 \
		--find-links wheels --emit-find-links runtime.in -o runtime.txt
	cd requirements && ../.lock-venv/bin/uv pip compile --generate-hashes --python-version 3.11 \
		uv.in -o uv.txt
	cd requirements && ../.lock-venv/bin/uv pip compile --generate-hashes --python-version 3.11 \
		dev.in -o dev.txt
	cd requirements && ../.lock-venv/bin/uv pip compile --generate-hashes --python-version 3.11 \
		slurm.in -o slurm.txt
	rm -rf .lock-venv

clean:
	rm -rf data/processed results manuscript/build logs .snakemake
