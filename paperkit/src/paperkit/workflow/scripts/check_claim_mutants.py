"""Mutation-test every claim of the claims file (paperkit.mutants): make results under
which each claim's sentence would be false, and fail unless its check fails on every one.
The report gives the score (mutants killed / made) and each claim's mutants."""

from pathlib import Path

import yaml

from paperkit.atomic import read_json, write_json
from paperkit.claims import ClaimError, claim_lines, parse_claims, read_specification_table
from paperkit.jobs import run_job
from paperkit.mutants import Printed, mutation_report
from paperkit.numbers import merge_numbers, numeric_values
from paperkit.registry import Registry

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    numbers = merge_numbers({path: read_json(path) for path in snakemake.input.numbers})
    text = Path(snakemake.input.claims).read_text(encoding="utf-8")
    entries = yaml.safe_load(text)
    claims = parse_claims(
        entries, snakemake.params.languages, claim_lines(text, snakemake.input.claims)
    )
    registry = Registry.load(snakemake.config["manuscript"]["registry"])
    tables = {
        family: read_specification_table(path) for family, path in registry.specifications.items()
    }
    printed = Printed(
        {name: number.kind for name, number in numbers.items()},
        {name: number.digits for name, number in numbers.items()},
    )
    declared = {ident: entry.get("mutants", []) for ident, entry in entries.items()}
    report = mutation_report(claims, numeric_values(numbers), tables, printed, declared)
    if report["problems"]:
        raise ClaimError(
            f"claim mutation score {report['killed']}/{report['mutants']} (must be all): "
            + f"{len(report['problems'])} problem(s):\n  "
            + "\n  ".join(report["problems"])
        )
    write_json(report, snakemake.output.report)


run_job(snakemake, main)
