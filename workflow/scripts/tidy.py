"""Read one verified .rda source, validate it against its schema, write the tidy CSV."""

import logging

from analysis.io import read_validated_rda, write_csv
from analysis.jobs import run_job
from analysis.tidy import TIDIERS

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    dataset = snakemake.wildcards.dataset
    object_name, tidier = TIDIERS[dataset]
    raw = read_validated_rda(snakemake.input.data, object_name, dataset)
    tidy = tidier(raw)
    write_csv(tidy, snakemake.output.table)
    logging.info("%s: %d rows → %s", dataset, len(tidy), snakemake.output.table)


run_job(snakemake, main)
