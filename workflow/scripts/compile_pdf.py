"""Compile Pandoc's Typst output to PDF, dated by SOURCE_DATE_EPOCH for identical bytes."""

import os
from pathlib import Path

import typst

from analysis.atomic import atomic_path
from analysis.jobs import run_logged

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    # Compiled from bytes with the repository as root, so figure paths written
    # relative to the repository (as Pandoc saw them) resolve here too.
    source = Path(snakemake.input.typst).read_bytes()
    try:
        pdf = typst.compile(source, root=".", timestamp=int(os.environ["SOURCE_DATE_EPOCH"]))
    except typst.TypstError as error:  # the diagnostic names the line of the .typ file
        raise RuntimeError(f"{snakemake.input.typst}: {error.diagnostic or error}") from None
    with atomic_path(snakemake.output[0]) as temp:
        temp.write_bytes(pdf)


run_logged(snakemake.log[0], main)
