"""Evaluate every claim of the claims file against the results and the specification
tables; fail quoting any claim they do not support, or that rests on unverified input
rows without a hedge. The report lists, per claim and language, the phrases its sentence
in the text must contain (the manuscript resolver requires them)."""

from pathlib import Path

import yaml

from paperkit.atomic import read_json, write_json
from paperkit.claims import (
    check_claims,
    claim_lines,
    parse_claims,
    printed_decimals,
    read_specification_table,
)
from paperkit.jobs import run_job
from paperkit.numbers import merge_numbers, numeric_values, unverified_numbers
from paperkit.registry import Registry

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    languages = snakemake.params.languages
    numbers = merge_numbers({path: read_json(path) for path in snakemake.input.numbers})
    text = Path(snakemake.input.claims).read_text(encoding="utf-8")
    claims = parse_claims(
        yaml.safe_load(text), languages, claim_lines(text, snakemake.input.claims)
    )
    labels = yaml.safe_load(Path(snakemake.input.labels).read_text(encoding="utf-8"))
    registry = Registry.load(snakemake.config["manuscript"]["registry"])
    tables = {
        family: read_specification_table(path) for family, path in registry.specifications.items()
    }
    phrases = {lang: labels[lang]["scope"]["main"] for lang in languages}
    outcomes = check_claims(
        claims,
        numeric_values(numbers),
        tables,
        phrases,
        unverified_numbers(numbers),
        printed_decimals(numbers),
    )
    write_json({"claims": outcomes}, snakemake.output.report)


run_job(snakemake, main)
