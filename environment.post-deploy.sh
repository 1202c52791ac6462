#!/usr/bin/env bash
# After conda has created the environment of environment.yml (Snakemake runs this
# for `--sdm conda`): install the repository's two packages into it, editable and
# without dependencies (all of them come hash-checked from requirements/runtime.txt).
set -euo pipefail
python -m pip install --quiet --no-deps --no-build-isolation --no-index -e ./paperkit -e .
