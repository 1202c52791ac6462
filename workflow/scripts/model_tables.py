"""Publication tables of the ITS and DiD results, one Markdown file per table and language."""

import yaml

from analysis.atomic import read_json, write_text
from analysis.jobs import run_job
from analysis.tables import did_table, its_table

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    its, did = read_json(snakemake.input.its), read_json(snakemake.input.did)
    with open(snakemake.input.labels, encoding="utf-8") as handle:
        labels = yaml.safe_load(handle)
    for lang, its_path, did_path in zip(
        snakemake.params.languages, snakemake.output.its, snakemake.output.did, strict=True
    ):
        text = labels[lang]["tables"]
        write_text(its_table(its, text, lang) + "\n" + text["note_its"] + "\n", its_path)
        write_text(did_table(did, text, lang) + "\n" + text["note_did"] + "\n", did_path)


run_job(snakemake, main)
