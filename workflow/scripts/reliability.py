"""Inter-coder reliability of the alignment coding (asylum_regime.reliability): Krippendorff's
alpha before reconciliation and each coder's against the adjudicated scores, with bootstrap
intervals, agreements and how each disagreement was reconciled (checked against the
codebook's adjudication rule), as numbers the text can quote."""

from pathlib import Path

from asylum_regime.coding import read_table
from asylum_regime.reliability import (
    alpha_level_numbers,
    check_adjudication,
    check_second_coding,
    reliability,
    reliability_numbers,
)
from paperkit.atomic import write_json
from paperkit.jobs import run_job
from paperkit.validate import effective_as_of

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    as_of = effective_as_of(snakemake.params.as_of)
    units = check_second_coding(
        read_table(snakemake.input.second_coding, snakemake.input.schema, as_of)
    )
    codebook = Path(snakemake.input.codebook)
    check_adjudication(units, codebook.read_text(encoding="utf-8"), str(codebook))
    alignment = [
        read_table(path, snakemake.input.alignment_schema, as_of)
        for path in sorted(map(str, snakemake.input.alignment))
    ]
    not_applicable = sum(int((~table["applicable"].astype(bool)).sum()) for table in alignment)
    bootstrap = snakemake.params.bootstrap
    result = reliability(
        units, bootstrap["bootstrap_draws"], bootstrap["seed"], bootstrap["confidence"]
    )
    numbers = reliability_numbers(result, not_applicable) | alpha_level_numbers(bootstrap)
    write_json(numbers, Path(snakemake.output.numbers))


run_job(snakemake, main)
