"""Inter-coder reliability of the alignment coding (asylum_regime.reliability): Krippendorff's
alpha before reconciliation, agreements and how each disagreement was reconciled, as numbers
the text can quote."""

from pathlib import Path

from asylum_regime.coding import read_table
from asylum_regime.reliability import check_second_coding, reliability, reliability_numbers
from paperkit.atomic import write_json
from paperkit.jobs import run_job
from paperkit.validate import effective_as_of

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    as_of = effective_as_of(snakemake.params.as_of)
    units = check_second_coding(
        read_table(snakemake.input.second_coding, snakemake.input.schema, as_of)
    )
    alignment = [
        read_table(path, snakemake.input.alignment_schema, as_of)
        for path in sorted(map(str, snakemake.input.alignment))
    ]
    not_applicable = sum(int((~table["applicable"].astype(bool)).sum()) for table in alignment)
    numbers = reliability_numbers(reliability(units), not_applicable)
    write_json(numbers, Path(snakemake.output.numbers))


run_job(snakemake, main)
