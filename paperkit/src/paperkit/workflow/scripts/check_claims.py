"""Evaluate every claim of the claims file against the results; fail quoting any false."""

import yaml

from paperkit.atomic import read_json, write_json
from paperkit.claims import check_claims, parse_claims
from paperkit.jobs import run_job
from paperkit.numbers import merge_numbers, numeric_values

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    numbers = merge_numbers({path: read_json(path) for path in snakemake.input.numbers})
    with open(snakemake.input.claims, encoding="utf-8") as handle:
        claims = parse_claims(yaml.safe_load(handle), snakemake.params.languages)
    write_json({"claims": check_claims(claims, numeric_values(numbers))}, snakemake.output.report)


run_job(snakemake, main)
