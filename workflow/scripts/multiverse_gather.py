"""Gather a model family's batches into one results table, and the robust ranges the text
quotes (median, lowest and highest estimate, shares of specifications)."""

import pandas as pd

from asylum_regime.multiverse import family_main, robust_numbers
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
    write_csv(table, snakemake.output.table)
    main_spec = family_main(snakemake.config, family)
    write_json(robust_numbers(family, table, main_spec), snakemake.output.numbers)


run_job(snakemake, main)
