"""One language's tracked-changes documents (paperkit.trackdiff): the marked text
(diff_marks) written as DOCX with Word revisions and as HTML and PDF with visible marks
and the summary in front, whose changed numbers are named from every language's
summary, so that every language lists the same ones."""

import logging
import os
from pathlib import Path

import pypandoc
import yaml

from paperkit.atomic import read_json
from paperkit.changes import compare
from paperkit.jobs import run_job
from paperkit.trackdiff import labels_for, render_diff, summary_blocks
from paperkit.trackdiff.summary import named_numbers

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    lang = snakemake.wildcards.lang
    labels = yaml.safe_load(Path(snakemake.input.labels).read_text(encoding="utf-8"))[lang]
    words = labels_for(lang, labels)
    changes = compare(read_json(snakemake.input.old_snapshot), read_json(snakemake.input.snapshot))
    summaries = {
        language: read_json(path)["summary"]
        for language, path in zip(
            snakemake.params.languages, snakemake.input.summaries, strict=True
        )
    }
    names = named_numbers({k: s["numbers"] for k, s in summaries.items()}, changes)
    out = snakemake.output
    warnings = render_diff(
        read_json(snakemake.input.marked),
        summary_blocks(summaries[lang], words, changes, lang, names),
        {"docx": out.docx, "html": out.html, "pdf": out.pdf},
        pypandoc.get_pandoc_path(),
        snakemake.params.defaults,
        int(os.environ["SOURCE_DATE_EPOCH"]),
        html_metadata={f"provenance-{key}": value for key, value in labels["provenance"].items()},
    )
    for warning in warnings:
        logging.warning("typst: %s", warning)


run_job(snakemake, main)
