"""Snapshot every number (as each language prints it) and every claim's truth."""

import yaml

from analysis.atomic import read_json, write_json
from analysis.changes import snapshot
from analysis.jobs import run_job
from analysis.manuscript import merge_numbers

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    numbers = merge_numbers({path: read_json(path) for path in snakemake.input.numbers})
    with open(snakemake.input.claims, encoding="utf-8") as handle:
        claims = yaml.safe_load(handle)
    write_json(snapshot(numbers, claims, snakemake.params.languages), snakemake.output.snapshot)


run_job(snakemake, main)
