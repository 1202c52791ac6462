"""Write every figure of one language as a numbered PDF and 600 dpi PNG (paperkit.journal)."""

import logging
from pathlib import Path

from paperkit.jobs import run_job
from paperkit.journal import export_figures

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    figures = export_figures(Path(snakemake.input.resolved), Path(snakemake.output.figures))
    for figure in figures:
        logging.info("%s: %s", figure["id"], ", ".join(figure["files"]))


run_job(snakemake, main)
