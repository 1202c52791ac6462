"""A break at an unknown date in the monthly crossings (sup-Wald, bootstrap p-values)."""

from asylum_regime.io import read_processed
from asylum_regime.its import break_test
from asylum_regime.multiverse import family_main
from asylum_regime.numbers import break_numbers
from asylum_regime.series import monthly_detections
from paperkit.atomic import write_json
from paperkit.jobs import run_job

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    config = snakemake.config
    its = config["models"]["its"]
    monthly = monthly_detections(
        read_processed(snakemake.input.frontex, "frontex"), its["route"], its["type"]
    )
    result = break_test(monthly, its, family_main(config, "its"))
    write_json(result, snakemake.output.test)
    write_json(break_numbers(result), snakemake.output.numbers)


run_job(snakemake, main)
