"""The paper's numbers, from its data: the latest value, its year and the first year,
and the growth between them (the text quotes them by name; the claim checks growth)."""

import pandas as pd

from paperkit.atomic import write_json
from paperkit.jobs import run_job
from paperkit.numbers import number_entry

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    series = pd.read_csv(snakemake.input.observations).sort_values("year")
    first, last = series.iloc[0], series.iloc[-1]
    write_json(
        {
            "latest": number_entry(int(last.value), "count", "The latest value."),
            "last_year": number_entry(int(last.year), "year", "The latest year."),
            "first_year": number_entry(int(first.year), "year", "The first year."),
            "growth": number_entry(
                float(last.value / first.value - 1), "percent", "Growth since the first year.", 1
            ),
        },
        snakemake.output.numbers,
    )


run_job(snakemake, main)
