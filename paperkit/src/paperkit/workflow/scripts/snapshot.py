"""Snapshot every number (as each language prints it) and every claim's truth."""

import yaml

from paperkit.atomic import read_json, write_json
from paperkit.changes import snapshot
from paperkit.claims import read_specification_table
from paperkit.jobs import run_job
from paperkit.languages import languages_from_config
from paperkit.numbers import merge_numbers
from paperkit.registry import Registry

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    numbers = merge_numbers({path: read_json(path) for path in snakemake.input.numbers})
    with open(snakemake.input.claims, encoding="utf-8") as handle:
        claims = yaml.safe_load(handle)
    languages = languages_from_config(snakemake.config["languages"])
    registry = Registry.load(snakemake.config["manuscript"]["registry"])
    tables = {
        family: read_specification_table(path) for family, path in registry.specifications.items()
    }
    write_json(snapshot(numbers, claims, languages, tables), snakemake.output.snapshot)


run_job(snakemake, main)
