"""Resolve one language's manuscript (its section files) and render it to PDF, HTML and DOCX."""

import logging
import os
from pathlib import Path

import yaml

from analysis.atomic import read_json, write_text
from analysis.jobs import run_job
from analysis.manuscript import merge_numbers, resolve_sources
from analysis.render import keep_last_good, render_all

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    numbers = merge_numbers({path: read_json(path) for path in snakemake.input.numbers})
    tables = {
        Path(path).stem: Path(path).read_text(encoding="utf-8") for path in snakemake.input.tables
    }
    sources = [(path, Path(path).read_text(encoding="utf-8")) for path in snakemake.input.sources]
    text = resolve_sources(
        sources,
        numbers,
        snakemake.wildcards.lang,
        snakemake.params.figure_prefix,
        tables=tables,
        claims=set(yaml.safe_load(Path(snakemake.input.claims).read_text("utf-8"))),
        provenance=snakemake.params.provenance,
    )
    write_text(text, snakemake.output.markdown)
    out = snakemake.output
    warnings = render_all(
        snakemake.params.pandoc,
        Path(out.markdown),
        defaults=snakemake.params.defaults,
        outputs={
            "html": Path(out.html),
            "docx": Path(out.docx),
            "typst": Path(out.typst),
            "pdf": Path(out.pdf),
        },
        timestamp=int(os.environ["SOURCE_DATE_EPOCH"]),
    )
    for warning in warnings:
        logging.warning("typst: %s", warning)
    documents = [Path(out.pdf), Path(out.html), Path(out.docx)]
    keep_last_good(documents, Path(snakemake.params.last_good))


run_job(snakemake, main)
