"""One language's tracked-changes diff (paperkit.trackdiff): the base revision's text
against the current one, both with their citations resolved, written as DOCX with Word
revisions and as HTML and PDF with visible marks and the summary in front."""

import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path

import pypandoc
import yaml

from paperkit.acquire import sha256_of
from paperkit.atomic import read_json, write_text
from paperkit.changes import compare
from paperkit.jobs import run_job
from paperkit.pandoc_ast import stringify
from paperkit.trackdiff import (
    cite,
    diff_ast,
    image_path_key,
    labels_for,
    render_diff,
    summary_blocks,
)

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def authors(meta: dict) -> str:
    """The document's authors as one line: the author of the revisions."""
    value = meta.get("author")
    if not value:
        return ""
    items = value["c"] if value["t"] == "MetaList" else [value]
    names = [stringify(item["c"]) for item in items if item["t"] == "MetaInlines"]
    return ", ".join(name for name in names if name)


def image_key(source: str) -> str:
    """A figure's identity is its file's checksum: a figure redrawn from new data is
    flagged although its path did not change."""
    path = Path(source)
    return sha256_of(path) if path.is_file() else image_path_key(source)


def main() -> None:
    lang = snakemake.wildcards.lang
    pandoc = pypandoc.get_pandoc_path()
    defaults = snakemake.params.defaults
    labels = yaml.safe_load(Path(snakemake.input.labels).read_text(encoding="utf-8"))[lang]
    words = labels_for(lang, labels)
    old = read_json(snakemake.input.old)
    new = cite(
        pandoc, read_json(snakemake.input.new), defaults["citeproc"], snakemake.input.bibliography
    )
    epoch = int(os.environ["SOURCE_DATE_EPOCH"])
    date = datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    author = authors(new["meta"]) or "paperkit"
    marked, summary = diff_ast(old, new, author, date, words["flag"], image_key)
    changes = compare(read_json(snakemake.input.old_snapshot), read_json(snakemake.input.snapshot))
    out = snakemake.output
    warnings = render_diff(
        marked,
        summary_blocks(summary, words, changes, lang),
        {"docx": out.docx, "html": out.html, "pdf": out.pdf},
        pandoc,
        defaults,
        epoch,
        html_metadata={f"provenance-{key}": value for key, value in labels["provenance"].items()},
    )
    for warning in warnings:
        logging.warning("typst: %s", warning)
    record = {"author": author, "date": date, "summary": summary}
    write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", out.summary)


run_job(snakemake, main)
