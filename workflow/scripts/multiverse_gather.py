"""Gather a model family's batches into one results table of its distinct fits (each with
every specification that gives it), and the robust ranges the text quotes (median,
lowest and highest estimate, shares), over distinct fits."""

import pandas as pd

from asylum_regime.multiverse import distinct_fits, family_main, robust_numbers
from paperkit.atomic import write_json
from paperkit.jobs import run_job
from paperkit.tabular import write_csv

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    family = snakemake.wildcards.family
    table = pd.concat(
        [
            pd.read_csv(path, keep_default_na=False, na_values=[""])
            for path in snakemake.input.batches
        ],
        ignore_index=True,
    ).sort_values("specification", ignore_index=True)
    main_spec = family_main(snakemake.config, family)
    dimensions = snakemake.config["multiverse"][family]["dimensions"]
    fits = distinct_fits(table, dimensions, main_spec.ident)
    write_csv(fits, snakemake.output.table)
    write_json(robust_numbers(family, fits, main_spec, table), snakemake.output.numbers)


run_job(snakemake, main)
