"""Write one language's journal DOCX (paperkit.journal): the journal's layout, and the
numbers of captions and cross-references as Word fields."""

import logging
import tempfile
from pathlib import Path

import pypandoc

from paperkit.bibliography import localised_bibliography
from paperkit.jobs import run_job
from paperkit.journal import journal_docx

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    # the reference list's notes in this language (paperkit.bibliography)
    with tempfile.TemporaryDirectory(prefix="bibliography-") as scratch:
        bibliography = localised_bibliography(
            list(snakemake.input.bibliography), snakemake.wildcards.lang, Path(scratch)
        )
        warnings = journal_docx(
            pypandoc.get_pandoc_path(),
            Path(snakemake.input.resolved),
            snakemake.params.defaults,
            bibliography,
            Path(snakemake.output.docx),
        )
    for line in warnings.splitlines():
        logging.warning("pandoc: %s", line)


run_job(snakemake, main)
