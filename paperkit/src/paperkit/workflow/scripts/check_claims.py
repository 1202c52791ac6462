"""Evaluate every claim of the claims file against the results and the specification
tables; fail quoting any claim they do not support, or that rests on unverified input
rows without a hedge. The report lists, per claim and language, the phrases its sentence
in the text must contain (the manuscript resolver requires them)."""

from pathlib import Path

import yaml

from paperkit.atomic import read_json, write_json
from paperkit.claims import claims_outcomes
from paperkit.jobs import run_job
from paperkit.numbers import merge_numbers
from paperkit.registry import Registry

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    languages = snakemake.params.languages
    numbers = merge_numbers({path: read_json(path) for path in snakemake.input.numbers})
    labels = yaml.safe_load(Path(snakemake.input.labels).read_text(encoding="utf-8"))
    registry = Registry.load(snakemake.config["manuscript"]["registry"])
    outcomes = claims_outcomes(
        numbers, snakemake.input.claims, labels, languages, registry.specifications
    )
    write_json({"claims": outcomes}, snakemake.output.report)


run_job(snakemake, main)
