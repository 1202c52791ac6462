"""De jure against de facto: the practice index regressed on the legislative index."""

import pandas as pd

from analysis.atomic import write_json
from analysis.jobs import run_job
from analysis.models import check_results, dejure_numbers, fit_dejure

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    indices = pd.read_csv(snakemake.input.annual)
    dejure = check_results(fit_dejure(indices, snakemake.params.hac_lags), "dejure")
    write_json(dejure, snakemake.output.dejure)
    write_json(dejure_numbers(dejure), snakemake.output.numbers)


run_job(snakemake, main)
