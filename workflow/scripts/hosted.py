"""UNHCR stocks hosted by Türkiye: the figure's data table and the numbers the text quotes."""

from asylum_regime.descriptives import group_minor_origins, hosted_by_origin, top_origins
from asylum_regime.io import read_processed
from asylum_regime.numbers import hosted_numbers
from paperkit.atomic import write_json
from paperkit.jobs import run_job
from paperkit.periods import ReferencePeriod
from paperkit.tabular import write_csv

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    spec = snakemake.params.hosted
    population = read_processed(snakemake.input.population, "unhcr_population")
    latest = ReferencePeriod.from_pin("unhcr_population", snakemake.params.latest)
    latest.check_latest_year(
        int(population["year"].max()), snakemake.input.population, "unhcr_population"
    )
    # An earlier release ends earlier: the series stops at the release's last year.
    last_year = min(spec["last_year"], latest.year)
    hosted = hosted_by_origin(population, spec["asylum_iso"], spec["first_year"], last_year)
    grouped = group_minor_origins(hosted, top_origins(hosted, spec["top_origins"]))
    write_csv(grouped, snakemake.output.table)
    numbers = hosted_numbers(
        hosted,
        population,
        spec["asylum_iso"],
        last_as_of=latest.words(last_year, snakemake.params.period_words),
    )
    write_json(numbers, snakemake.output.numbers)


run_job(snakemake, main)
