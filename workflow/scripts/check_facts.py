"""Compare the facts that several coded inputs state (asylum_regime.facts); write the
report, or fail naming file, row and column of every disagreement."""

from pathlib import Path

from asylum_regime.coding import read_table
from asylum_regime.facts import FactsError, facts_report
from asylum_regime.harmonisation import load_coded_inputs
from paperkit.atomic import write_json
from paperkit.jobs import run_job
from paperkit.validate import effective_as_of

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    as_of = effective_as_of(snakemake.params.as_of)
    schemas = {Path(path).stem: Path(path) for path in snakemake.input.schemas}
    tables = load_coded_inputs(
        {name: Path(snakemake.input[name]) for name in snakemake.params.tables},
        [Path(path) for path in snakemake.input.alignment],
        schemas,
        as_of,
    )
    tables["second_coding"] = read_table(
        snakemake.input.second_coding, schemas["second_coding"], as_of
    )
    report = facts_report(tables)
    if report["disagreements"]:
        raise FactsError(report["disagreements"])
    write_json(report, snakemake.output.report)


run_job(snakemake, main)
