"""Read one verified .rda source, validate it against its schema, write the tidy CSV."""

import logging

from asylum_regime.io import read_source
from asylum_regime.tidy import TIDIERS
from paperkit.jobs import run_job
from paperkit.tabular import write_csv

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    dataset = snakemake.wildcards.dataset
    object_name, tidier = TIDIERS[dataset]
    raw = read_source(snakemake.input.data, object_name, dataset)
    tidy = tidier(raw)
    write_csv(tidy, snakemake.output.table)
    logging.info("%s: %d rows → %s", dataset, len(tidy), snakemake.output.table)


run_job(snakemake, main)
