"""The BibTeX entries of the data sources, with the release and year of their pins."""

from analysis.atomic import write_text
from analysis.citations import datasets_bibtex
from analysis.jobs import run_job

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    bibtex = datasets_bibtex(snakemake.params.datasets, snakemake.params.sources)
    write_text(bibtex, snakemake.output.bibliography)


run_job(snakemake, main)
