"""Read every language's text into Pandoc's AST once, and check that the languages carry
the same sections, figures, tables, numbers, claims and citations, that citations and
bibliography match, that the labels keep their schema and have the same keys, and that
each text uses the glossary's terms; fail with the differences."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pypandoc
import yaml

from paperkit.atomic import write_json, write_text
from paperkit.glossary import glossary_problems, plain_text, validate_glossary
from paperkit.jobs import run_job
from paperkit.labels import validate_labels
from paperkit.manuscript import read_sources, skeleton, source_blocks
from paperkit.parity import parity_problems

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
    bibliography = "\n".join(Path(p).read_text("utf-8") for p in snakemake.input.bibliography)
    labels = yaml.safe_load(Path(snakemake.input.labels).read_text(encoding="utf-8"))
    validate_labels(labels, snakemake.input.labels)
    skeletons = {lang: skeleton(ast) for lang, ast in asts.items()}
    problems = parity_problems(
        skeletons,
        bibliography,
        {lang: labels[lang] for lang in languages},
        sources={path: text for lang in languages for path, text in files[lang]},
        bib_files=list(snakemake.input.bibliography),
    )
    glossary = snakemake.input.glossary  # one file, or none
    problems += terminology_problems(
        asts, [glossary] if isinstance(glossary, str) else glossary, labels, snakemake.input.labels
    )
    if problems:
        raise ValueError("the texts fail the parity check:\n  " + "\n  ".join(problems))
    for lang, path in zip(languages, snakemake.output.ast, strict=True):
        write_text(json_text(asts[lang]), path)
    counts = {part: len(items) for part, items in skeletons[languages[0]].items()}
    write_json(
        {"identical_skeletons": True, "languages": languages, "counts": counts},
        snakemake.output.report,
    )


def terminology_problems(
    asts: dict[str, dict], glossary_files: list[str], labels: dict, labels_file: str
) -> list[str]:
    """Avoided variants of the glossary's terms (when the paper has a glossary), in the
    text and in the words of the figures and tables (the labels): a figure names a thing
    as the text does."""
    problems = []
    for path in glossary_files:
        glossary = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        validate_glossary(glossary)
        for lang, ast in asts.items():
            texts = {name: plain_text(blocks) for name, blocks in source_blocks(ast)}
            texts |= {
                f"{labels_file} {lang}.{key}": words
                for key, words in label_words(labels.get(lang, {})).items()
            }
            problems += glossary_problems(texts, glossary.get(lang, []), lang)
    return problems


def label_words(labels, key: str = "") -> dict[str, str]:
    """Every string of a language's labels by its dotted key (lists by position)."""
    if isinstance(labels, str):
        return {key: labels}
    if not isinstance(labels, (dict, list)):
        return {}  # a number or a flag: no words
    items = labels.items() if isinstance(labels, dict) else enumerate(labels)
    words: dict[str, str] = {}
    for name, value in items:
        words |= label_words(value, f"{key}.{name}" if key else str(name))
    return words


def json_text(ast: dict) -> str:
    import json

    return json.dumps(ast, ensure_ascii=False, separators=(",", ":")) + "\n"


run_job(snakemake, main)
