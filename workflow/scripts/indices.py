"""Validate the coded legal and policy inputs and compute the harmonisation indices."""

from pathlib import Path

from analysis.atomic import write_json
from analysis.harmonisation import harmonisation_indices, index_numbers, load_coded_inputs
from analysis.io import read_processed, write_csv
from analysis.jobs import run_logged

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    spec = snakemake.params.indices
    tables = load_coded_inputs(
        Path(snakemake.params.legal), Path(snakemake.params.policy), Path(snakemake.params.schemas)
    )
    frontex = read_processed(snakemake.input.frontex, "frontex")
    results = harmonisation_indices(tables, frontex, spec)
    for name, frame in results.items():
        write_csv(frame, snakemake.output[name])
    write_json(index_numbers(results, spec["key_years"]), snakemake.output.numbers)


run_logged(snakemake.log[0], main)
