"""Read every language's text into Pandoc's AST once, and check that the languages carry
the same sections, figures, tables, numbers, claims and citations, that citations and
bibliography match, that the labels keep their schema and have the same keys, and that
each text uses the glossary's terms; fail with the differences."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pypandoc
import yaml

from paperkit.atomic import write_json, write_text
from paperkit.jobs import run_job
from paperkit.manuscript import read_sources, skeleton
from paperkit.parity import text_problems

snakemake = snakemake  # noqa: F821 (injected by Snakemake)


def main() -> None:
    languages = snakemake.params.languages
    files = {
        lang: [
            (p, Path(p).read_text(encoding="utf-8"))
            for p in snakemake.input.sources
            if Path(p).parts[-2] == lang
        ]
        for lang in languages
    }
    with ThreadPoolExecutor(max_workers=len(languages)) as pool:  # one Pandoc per language
        asts = dict(
            zip(
                languages,
                pool.map(
                    lambda lang: read_sources(pypandoc.get_pandoc_path(), files[lang]), languages
                ),
                strict=True,
            )
        )
    labels = yaml.safe_load(Path(snakemake.input.labels).read_text(encoding="utf-8"))
    glossary = snakemake.input.glossary  # one file, or none
    problems = text_problems(
        asts,
        {path: text for lang in languages for path, text in files[lang]},
        labels,
        snakemake.input.labels,
        list(snakemake.input.bibliography),
        [
            yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
            for path in ([glossary] if isinstance(glossary, str) else glossary)
        ],
    )
    if problems:
        raise ValueError("the texts fail the parity check:\n  " + "\n  ".join(problems))
    for lang, path in zip(languages, snakemake.output.ast, strict=True):
        write_text(json_text(asts[lang]), path)
    counts = {part: len(items) for part, items in skeleton(asts[languages[0]]).items()}
    write_json(
        {"identical_skeletons": True, "languages": languages, "counts": counts},
        snakemake.output.report,
    )


def json_text(ast: dict) -> str:
    import json

    return json.dumps(ast, ensure_ascii=False, separators=(",", ":")) + "\n"


run_job(snakemake, main)
