"""Write one language's journal DOCX (paperkit.journal): the journal's layout, and the
numbers of captions and cross-references as Word fields."""

import logging
from pathlib import Path

import pypandoc

from paperkit.jobs import run_job
from paperkit.journal import journal_docx

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    warnings = journal_docx(
        pypandoc.get_pandoc_path(),
        Path(snakemake.input.resolved),
        snakemake.params.defaults,
        list(snakemake.input.bibliography),
        Path(snakemake.output.docx),
    )
    for line in warnings.splitlines():
        logging.warning("pandoc: %s", line)


run_job(snakemake, main)
