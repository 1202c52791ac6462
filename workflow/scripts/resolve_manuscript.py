"""Resolve a language's manuscript source into plain Pandoc Markdown."""

from pathlib import Path

from analysis.atomic import read_json, write_text
from analysis.jobs import run_logged
from analysis.manuscript import merge_numbers, resolve

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    numbers = merge_numbers({path: read_json(path) for path in snakemake.input.numbers})
    source = Path(snakemake.input.source)
    text = resolve(
        source.read_text(encoding="utf-8"),
        numbers,
        snakemake.wildcards.lang,
        snakemake.params.figure_prefix,
        source_name=str(source),
    )
    write_text(text, snakemake.output[0])


run_logged(snakemake.log[0], main)
