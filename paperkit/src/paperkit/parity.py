"""Parity of the languages: the same skeleton under different prose.

Each language's text (its Pandoc AST, ``paperkit.manuscript.skeleton``) must
carry the same section, figure and table ids, number placeholders (case endings
aside), claims and citations; every cited key must be in the bibliography and
every bibliography entry cited; the labels inside figures and tables must have
the same keys in every language, and every claim a text in every language.
Standard library only.
"""

from __future__ import annotations

import difflib
import re

PARTS = ("sections", "figures", "tables", "numbers", "claims", "citations")
BIB_KEY = re.compile(r"^@\w+\{([^,\s]+),", re.MULTILINE)


def bibliography_keys(bib: str) -> set[str]:
    return set(BIB_KEY.findall(bib))


def skeleton_problems(skeletons: dict[str, dict[str, set[str]]]) -> list[str]:
    """Readable differences between the languages' skeletons."""
    problems = []
    languages = list(skeletons)
    for part in PARTS:
        union = set().union(*(skeletons[lang][part] for lang in languages))
        for lang in languages:
            missing = sorted(union - skeletons[lang][part])
            if missing:
                others = ", ".join(other for other in languages if other != lang)
                problems.append(f"{part}: in {others} but not in {lang}: {', '.join(missing)}")
    return problems


def citation_places(key: str, sources: dict[str, str]) -> list[str]:
    """``file:line`` of every citation of ``key`` in the section files (path → text)."""
    cited = re.compile(rf"@{{?{re.escape(key)}(?![\w])")
    return [
        f"{path}:{text.count(chr(10), 0, match.start()) + 1}"
        for path, text in sources.items()
        for match in cited.finditer(text)
    ]


def citation_problems(
    skeletons: dict[str, dict[str, set[str]]],
    bib: str,
    sources: dict[str, str] | None = None,
    bib_files: list[str] | None = None,
) -> list[str]:
    """Cited keys without an entry (each at the file and line of its citations, with the
    closest entry), and entries cited nowhere. ``sources``: each section file's path →
    its text; ``bib_files``: the bibliography files ``bib`` joins."""
    keys = bibliography_keys(bib)
    cited = set().union(*(parts["citations"] for parts in skeletons.values()))
    where = " or ".join(bib_files or ["the bibliography"])
    problems = []
    for key in sorted(cited - keys):
        places = citation_places(key, sources or {}) or ["the text"]
        shown = ", ".join(places[:4]) + (f" and {len(places) - 4} more" if len(places) > 4 else "")
        close = difflib.get_close_matches(key, sorted(keys), n=1)
        fix = f"correct the key (closest entry: {close[0]})" if close else "correct the key"
        problems.append(
            f"{shown}: citation key '{key}' has no entry in {where}; {fix} or add the entry"
        )
    if uncited := sorted(keys - cited):
        problems.append(f"bibliography entries cited nowhere: {', '.join(uncited)}")
    return problems


def _key_paths(value, prefix: str = "") -> set[str]:
    if not isinstance(value, dict):
        return {prefix}
    return {path for key, inner in value.items() for path in _key_paths(inner, f"{prefix}.{key}")}


def label_problems(labels: dict[str, dict]) -> list[str]:
    """Keys of the figure and table words present in one language but not another."""
    paths = {lang: _key_paths(words) for lang, words in labels.items()}
    union = set().union(*paths.values())
    return [
        f"labels: in {', '.join(other for other in labels if other != lang)} but not in "
        f"{lang}: {', '.join(key.lstrip('.') for key in sorted(union - paths[lang]))}"
        for lang in labels
        if union - paths[lang]
    ]


def parity_problems(
    skeletons: dict[str, dict[str, set[str]]],
    bib: str,
    labels: dict[str, dict] | None = None,
    sources: dict[str, str] | None = None,
    bib_files: list[str] | None = None,
) -> list[str]:
    """Every difference between the languages, and citation/bibliography mismatches
    (``sources`` and ``bib_files``: to name where a key without an entry is cited)."""
    return [
        *skeleton_problems(skeletons),
        *citation_problems(skeletons, bib, sources, bib_files),
        *label_problems(labels or {}),
    ]


def text_problems(
    asts: dict[str, dict],
    sources: dict[str, str],
    labels: dict,
    labels_path: str,
    bib_files: list[str],
    glossaries: list[dict],
) -> list[str]:
    """Every problem of the parity check (check_parity's job, and the live preview's on
    every save): the languages' texts (``asts``, language → Pandoc AST made by
    ``paperkit.manuscript.read_sources``; ``sources``, file → text, to name places)
    against each other, the bibliography files and the labels (``labels``, read from
    ``labels_path``; a broken schema raises), and each text against every glossary."""
    from pathlib import Path

    from paperkit.glossary import glossary_problems, plain_text, validate_glossary
    from paperkit.labels import validate_labels
    from paperkit.manuscript import skeleton, source_blocks

    validate_labels(labels, labels_path)
    bibliography = "\n".join(Path(path).read_text("utf-8") for path in bib_files)
    problems = parity_problems(
        {lang: skeleton(ast) for lang, ast in asts.items()},
        bibliography,
        {lang: labels[lang] for lang in asts},
        sources=sources,
        bib_files=bib_files,
    )
    # The avoided variants of the glossary's terms, in the text and in the words of the
    # figures and tables (the labels): a figure names a thing as the text does.
    for glossary in glossaries:
        validate_glossary(glossary)
        for lang, ast in asts.items():
            texts = {name: plain_text(blocks) for name, blocks in source_blocks(ast)}
            texts |= {
                f"{labels_path} {lang}.{key}": words
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
