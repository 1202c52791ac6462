"""Build the diff's base revision in a clean clone, the way that revision itself says
(paperkit.revision_build), and keep what the diff reads of it: each language's resolved
text with its citations resolved by the revision's own citeproc defaults, the images
that text shows (copied, and the text pointed at the copies), and the snapshot of its
numbers and claims."""

import json
import logging
import shutil
import tempfile
import time
from pathlib import Path

import pypandoc

from paperkit.atomic import write_json, write_text
from paperkit.jobs import run_job
from paperkit.revision_build import build_revision
from paperkit.trackdiff.render import cite_file

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def relocate_images(value, clone: Path, files: Path):
    """Copy every image ``value`` shows from the clone into ``files`` (with the other
    renditions of the same figure, e.g. its PNG), and point the text at the copies."""
    if isinstance(value, list):
        return [relocate_images(item, clone, files) for item in value]
    if not isinstance(value, dict):
        return value
    if value.get("t") == "Image":
        source = value["c"][2][0]
        original = clone / source
        if not Path(source).is_absolute() and original.is_file():
            for sibling in original.parent.glob(f"{original.stem}.*"):
                copy = files / sibling.relative_to(clone)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(sibling, copy)
            value = json.loads(json.dumps(value))
            value["c"][2][0] = f"{files.as_posix()}/{source}"
        return value
    return {key: relocate_images(item, clone, files) for key, item in value.items()}


def main() -> None:
    out = snakemake.output
    base = snakemake.wildcards.base
    languages = snakemake.params.languages
    files = Path(out.files)
    shutil.rmtree(files, ignore_errors=True)
    files.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="paper-diff-base-") as scratch:
        started = time.perf_counter()
        built = build_revision(Path.cwd(), Path(scratch), base, languages, snakemake.threads)
        seconds = time.perf_counter() - started
        logging.info("built %s %s: %.1f s", base, built.how, seconds)
        clone = built.clone
        texts = {}
        for lang, target in zip(languages, out.cited, strict=True):
            cited = cite_file(
                pypandoc.get_pandoc_path(),
                built.texts[lang],
                [built.citeproc],
                built.bibliography,
                folder=clone,
            )
            write_text(
                json.dumps(relocate_images(cited, clone, files), ensure_ascii=False) + "\n", target
            )
            texts[lang] = built.texts[lang].relative_to(clone).as_posix()
        shutil.copyfile(built.snapshot, out.snapshot)
    record = {
        "base": built.commit,
        "built": built.how,
        "texts": texts,
        "seconds": round(seconds, 1),
    }
    write_json(record, out.record)


run_job(snakemake, main)
