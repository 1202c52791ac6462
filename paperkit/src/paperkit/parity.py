"""Parity of the languages: the same skeleton under different prose.

Each language's text (its Pandoc AST, ``paperkit.manuscript.skeleton``) must
carry the same section, figure and table ids, number placeholders (case endings
aside), claims and citations; every cited key must be in the bibliography and
every bibliography entry cited; the labels inside figures and tables must have
the same keys in every language, and every claim a text in every language.
Standard library only.
"""

from __future__ import annotations

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


def citation_problems(skeletons: dict[str, dict[str, set[str]]], bib: str) -> list[str]:
    keys = bibliography_keys(bib)
    cited = set().union(*(parts["citations"] for parts in skeletons.values()))
    problems = []
    if unknown := sorted(cited - keys):
        problems.append(f"citations without a bibliography entry: {', '.join(unknown)}")
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
    skeletons: dict[str, dict[str, set[str]]], bib: str, labels: dict[str, dict] | None = None
) -> list[str]:
    """Every difference between the languages, and citation/bibliography mismatches."""
    return [
        *skeleton_problems(skeletons),
        *citation_problems(skeletons, bib),
        *label_problems(labels or {}),
    ]
