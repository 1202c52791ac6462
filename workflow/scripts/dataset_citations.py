"""The BibTeX entries of the data sources, with the release and year of their pins."""

from paperkit.atomic import write_text
from paperkit.citations import datasets_bibtex
from paperkit.jobs import run_job

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    bibtex = datasets_bibtex(snakemake.params.datasets, snakemake.params.sources)
    write_text(bibtex, snakemake.output.bibliography)


run_job(snakemake, main)
