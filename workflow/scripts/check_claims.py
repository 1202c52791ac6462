"""Evaluate every claim of manuscript/claims.yaml against the results; fail quoting any false."""

import yaml

from analysis.atomic import read_json, write_json
from analysis.claims import check_claims, parse_claims
from analysis.jobs import run_logged

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    values = {}
    for path in snakemake.input.numbers:
        for name, entry in read_json(path).items():
            if isinstance(entry["value"], (int, float)) and not isinstance(entry["value"], bool):
                values[name] = entry["value"]
    with open(snakemake.input.claims, encoding="utf-8") as handle:
        claims = parse_claims(yaml.safe_load(handle))
    write_json({"claims": check_claims(claims, values)}, snakemake.output.report)


run_logged(snakemake.log[0], main)
