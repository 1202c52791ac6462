"""The releases of the pinned sources, as text numbers the manuscript can quote."""

from paperkit.atomic import read_json, write_json
from paperkit.jobs import run_job

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    releases = snakemake.params.releases
    numbers = {}
    for path in snakemake.input.provenance:
        record = read_json(path)
        numbers[f"release_{record['source']}"] = {
            "value": releases[record["source"]],
            "kind": "text",
            "description": f"Release of {record['source']} ({record['url']}, "
            f"sha256 {record['sha256'][:12]}…).",
        }
    write_json(numbers, snakemake.output.numbers)


run_job(snakemake, main)
