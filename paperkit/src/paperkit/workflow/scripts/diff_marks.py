"""One language's tracked changes (paperkit.trackdiff): the base revision's text against
the current one, both with their citations resolved, marked word by word, and the
summary of what changed (summary.json, which every language's documents read)."""

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pypandoc
import yaml

from paperkit.acquire import sha256_of
from paperkit.atomic import read_json, write_text
from paperkit.jobs import run_job
from paperkit.pandoc_ast import stringify
from paperkit.trackdiff import cite, diff_ast, image_path_key, labels_for

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
    labels = yaml.safe_load(Path(snakemake.input.labels).read_text(encoding="utf-8"))[lang]
    words = labels_for(lang, labels)
    old = read_json(snakemake.input.old)
    new = cite(
        pandoc,
        read_json(snakemake.input.new),
        snakemake.params.citeproc,
        snakemake.input.bibliography,
    )
    epoch = int(os.environ["SOURCE_DATE_EPOCH"])
    date = datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    author = authors(new["meta"]) or "paperkit"
    marked, summary = diff_ast(old, new, author, date, words["flag"], image_key)
    write_text(json.dumps(marked, ensure_ascii=False) + "\n", snakemake.output.marked)
    record = {"author": author, "date": date, "summary": summary}
    write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", snakemake.output.summary)


run_job(snakemake, main)
