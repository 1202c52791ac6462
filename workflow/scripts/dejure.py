"""De jure against de facto: the practice index regressed on the legislative index."""

import pandas as pd

from asylum_regime.dejure import fit_dejure
from asylum_regime.numbers import dejure_numbers
from asylum_regime.results import check_results
from paperkit.atomic import write_json
from paperkit.jobs import run_job

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    indices = pd.read_csv(snakemake.input.annual)
    dejure = check_results(fit_dejure(indices, snakemake.params.hac_lags), "dejure")
    write_json(dejure, snakemake.output.dejure)
    write_json(dejure_numbers(dejure), snakemake.output.numbers)


run_job(snakemake, main)
