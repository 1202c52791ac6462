"""Build the diff's base revision in a clean clone (paperkit.reproducibility), and keep
what the diff reads of it: each language's resolved text with its citations resolved,
the images that text shows (copied, and the text pointed at the copies), and the
snapshot of its numbers and claims."""

import json
import logging
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pypandoc
import yaml

from paperkit.atomic import write_json, write_text
from paperkit.jobs import run_job
from paperkit.reproducibility import clone_and_build
from paperkit.trackdiff import cite

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
        # The base's own configuration names its build folder.
        shown = subprocess.run(
            ["git", "show", f"{base}:config/config.yaml"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        manuscript = yaml.safe_load(shown)["manuscript"]
        build = f"{manuscript['folder']}/build"
        targets = [f"{build}/{lang}/paper.json" for lang in languages] + ["results/snapshot.json"]
        # a base with other locked packages builds in an environment of its own
        clone = clone_and_build(
            Path.cwd(),
            Path(scratch),
            targets,
            ref=base,
            cores=snakemake.threads,
            lock=snakemake.params.lock,
        )
        seconds = time.perf_counter() - started
        logging.info("built %s in %s: %.1f s", base, clone, seconds)
        # the base's own defaults folder, when it named one; else paperkit's
        own = manuscript.get("defaults")
        citeproc = [str(clone / own / "citeproc.yaml") if own else snakemake.params.citeproc]
        bibliography = [str(clone / path) for path in manuscript["bibliography"]]
        for lang, target in zip(languages, out.cited, strict=True):
            ast = json.loads((clone / build / lang / "paper.json").read_text(encoding="utf-8"))
            ast = relocate_images(ast, clone, files)
            cited = cite(pypandoc.get_pandoc_path(), ast, citeproc, bibliography)
            write_text(json.dumps(cited, ensure_ascii=False) + "\n", target)
        shutil.copyfile(clone / "results" / "snapshot.json", out.snapshot)
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=clone, capture_output=True, text=True, check=True
        ).stdout.strip()
    write_json({"base": commit, "seconds": round(seconds, 1)}, out.record)


run_job(snakemake, main)
