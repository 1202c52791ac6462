"""Resolve one language's text (its Pandoc AST) against the results and render it to
PDF (via Typst), HTML and DOCX."""

import json
import logging
import os
import tempfile
from pathlib import Path

import pypandoc
import yaml

from paperkit.atomic import write_text
from paperkit.bibliography import localised_bibliography
from paperkit.jobs import run_job
from paperkit.languages import Language
from paperkit.manuscript import Context, claim_phrases, read_tables, resolve
from paperkit.numbers import merge_numbers
from paperkit.render import check_embedded_files, html_metadata, render_all

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    code = snakemake.wildcards.lang
    config = snakemake.config
    pandoc = pypandoc.get_pandoc_path()
    numbers = merge_numbers(
        {path: json.loads(Path(path).read_text("utf-8")) for path in snakemake.input.numbers}
    )
    labels = yaml.safe_load(Path(snakemake.input.labels).read_text(encoding="utf-8"))[code]
    tables = read_tables(
        pandoc, {Path(p).stem: Path(p).read_text(encoding="utf-8") for p in snakemake.input.tables}
    )
    context = Context(
        numbers=numbers,
        language=Language.from_config(code, config["languages"][code]),
        labels=labels,
        figure_prefix=snakemake.params.figure_prefix,
        tables=tables,
        claims=set(yaml.safe_load(Path(snakemake.input.claims).read_text("utf-8"))),
        # The phrases the sentence carrying each claim's marker must contain (its scope,
        # its hedge), from the claims check's report.
        claim_phrases=claim_phrases(
            json.loads(Path(snakemake.input.claims_checked).read_text("utf-8"))["claims"], code
        ),
        provenance=snakemake.params.provenance,
    )
    files = {p: Path(p).read_text(encoding="utf-8") for p in snakemake.input.sources}
    source = json.loads(Path(snakemake.input.ast).read_text(encoding="utf-8"))
    resolved = resolve(source, context, files)
    # embed-resources copies every local file the text names into the HTML: only the
    # registry's figure files may be among them
    check_embedded_files(
        resolved, {*snakemake.input.svg, *snakemake.input.png}, snakemake.wildcards.lang
    )
    out = snakemake.output
    write_text(json.dumps(resolved, ensure_ascii=False, separators=(",", ":")) + "\n", out.resolved)
    # the reference list's notes in this language (paperkit.bibliography)
    with tempfile.TemporaryDirectory(prefix="bibliography-") as scratch:
        bibliography = localised_bibliography(
            list(snakemake.input.bibliography), snakemake.wildcards.lang, Path(scratch)
        )
        warnings = render_all(
            pandoc,
            Path(out.resolved),
            defaults=snakemake.params.defaults,
            bibliography=bibliography,
            html_metadata=html_metadata(labels, snakemake.params.repository_url),
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


run_job(snakemake, main)
