"""Parity of the two languages: the same skeleton under different prose.

Each language's text must carry the same section, figure and table ids, number
placeholders (case endings aside), claims and citations, and every cited key
must be in the bibliography and every bibliography entry cited. Standard
library only.
"""

from __future__ import annotations

import re

from analysis.manuscript import PLACEHOLDER, TABLE_INCLUDE

SECTION_ID = re.compile(r"\{#sec:([A-Za-z0-9_-]+)")
FIGURE_ID = re.compile(r"#fig:([A-Za-z0-9_-]+)")
TABLE_ID = re.compile(r"\{#tbl:([A-Za-z0-9_-]+)\}")
CLAIM = re.compile(r"\{\{\s*claim:([a-z][a-z0-9_]*)\s*\}\}")
# Pandoc citation keys, but not cross-references (@fig:, @tbl:, @sec:) or e-mail addresses.
CITATION = re.compile(r"(?<![\w.@])@([A-Za-z0-9_]+)(?![:\w])")
BIB_KEY = re.compile(r"^@\w+\{([^,\s]+),", re.MULTILINE)


def skeleton(text: str) -> dict[str, set[str]]:
    """The language-independent parts of a text."""
    tables = {m.group(1) for line in text.split("\n") if (m := TABLE_INCLUDE.match(line))}
    return {
        "sections": set(SECTION_ID.findall(text)),
        "figures": set(FIGURE_ID.findall(text)),
        "tables": set(TABLE_ID.findall(text)) | {f"include:{name}" for name in tables},
        "numbers": {match.group(1) for match in PLACEHOLDER.finditer(text)},
        "claims": set(CLAIM.findall(text)),
        "citations": set(CITATION.findall(text)),
    }


def bibliography_keys(bib: str) -> set[str]:
    return set(BIB_KEY.findall(bib))


def parity_problems(texts: dict[str, str], bib: str) -> list[str]:
    """Readable differences between the languages, and citation/bibliography mismatches."""
    skeletons = {lang: skeleton(text) for lang, text in texts.items()}
    problems = []
    languages = sorted(skeletons)
    for part in ("sections", "figures", "tables", "numbers", "claims", "citations"):
        union = set().union(*(skeletons[lang][part] for lang in languages))
        for lang in languages:
            missing = sorted(union - skeletons[lang][part])
            if missing:
                others = ", ".join(other for other in languages if other != lang)
                problems.append(f"{part}: in {others} but not in {lang}: {', '.join(missing)}")
    keys = bibliography_keys(bib)
    cited = set().union(*(skeletons[lang]["citations"] for lang in languages))
    if unknown := sorted(cited - keys):
        problems.append(f"citations without a bibliography entry: {', '.join(unknown)}")
    if uncited := sorted(keys - cited):
        problems.append(f"bibliography entries cited nowhere: {', '.join(uncited)}")
    return problems
