"""Word revisions that accept and reject exactly (paperkit.trackdiff.docx).

Accepting every revision of the diff's DOCX gives the new version's paragraphs, and
rejecting every one the old version's: the same count, text (section numbers included)
and styles as each version written by the same DOCX writer. Paragraphs inserted or
deleted whole carry the revision on their paragraph mark, table rows on their row, and
a header's section number is inside the revision that adds, removes or changes it.
Checked on a constructed pair and on the real paper with sections, paragraphs, a list
item and a table taken out of it.
"""

from __future__ import annotations

import copy
import json
import zipfile
from pathlib import Path

import pypandoc
import pytest

from paperkit.pandoc_ast import read_markdown
from paperkit.paper import PANDOC_DEFAULTS
from paperkit.trackdiff import cite, diff_ast, render_diff
from paperkit.trackdiff.readback import resolved_paragraphs
from tests.conftest import ROOT

PANDOC = pypandoc.get_pandoc_path()
AUTHOR, DATE = "Tester", "2026-01-01T00:00:00Z"

OLD = """\
# Introduction

The first paragraph stays.

A paragraph that goes.

# Method {#sec:method}

Kept text with an old word.

## A subsection that goes

Its text goes too.

- kept item
- item that goes

| a | b |
|---|---|
| 1 | 2 |

: A table that goes.

# References {.unnumbered}

Old reference.
"""

NEW = """\
# Introduction

An opening paragraph, new: the one after it is no longer the first (its style changes).

The first paragraph stays.

# Background

A whole new section, before Method, so that Method's number changes.

# Method {#sec:method}

Kept text with a new word.

A paragraph that is new.

- kept item

# Appendix

## Details

Appendix text.

# References {.unnumbered}

New reference.
"""


def docx_defaults(folder: Path) -> dict[str, list[str]]:
    """The paper's own DOCX defaults (reference document, filters, numbered sections)."""
    defaults = PANDOC_DEFAULTS
    return {"docx": [str(defaults / "common.yaml"), str(defaults / "docx.yaml")]}


def write_docx(ast: dict, target: Path, defaults: list[str]) -> None:
    """``ast`` as the paper's DOCX writer writes it (numbered sections, no revisions)."""
    source = target.with_suffix(".json")
    source.write_text(json.dumps(ast, ensure_ascii=False), encoding="utf-8")
    pypandoc.convert_file(
        str(source),
        "docx",
        format="json",
        outputfile=str(target),
        extra_args=[*(f"--defaults={d}" for d in defaults)],
    )


def round_trip(old: dict, new: dict, folder: Path) -> dict[str, list]:
    """The diff's DOCX with every revision accepted and rejected, beside the old and the
    new version written by the same writer."""
    defaults = docx_defaults(folder)
    marked, _ = diff_ast(old, new, AUTHOR, DATE)
    diff = folder / "diff.docx"
    render_diff(marked, [], {"docx": str(diff)}, PANDOC, defaults, 0)
    write_docx(old, folder / "old.docx", defaults["docx"])
    write_docx(new, folder / "new.docx", defaults["docx"])
    return {
        "accepted": resolved_paragraphs(diff, accept=True),
        "rejected": resolved_paragraphs(diff, accept=False),
        "old": resolved_paragraphs(folder / "old.docx"),
        "new": resolved_paragraphs(folder / "new.docx"),
        "xml": zipfile.ZipFile(diff).read("word/document.xml").decode("utf-8"),
    }


def empty(paragraphs: list) -> int:
    return sum(1 for _, text in paragraphs if not text.strip())


def test_a_constructed_pair_accepts_and_rejects_exactly(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # the defaults name the reference document from the root
    old, new = read_markdown(PANDOC, OLD, "old"), read_markdown(PANDOC, NEW, "new")
    result = round_trip(old, new, tmp_path)
    assert result["accepted"] == result["new"]
    assert result["rejected"] == result["old"]
    # what that means here: Method was 2 and is 3, the deleted subsection had 2.1, the
    # appendix is new with its numbers, and the unnumbered References stay unnumbered
    texts = [text for _, text in result["rejected"]]
    assert "2 Method" in texts and "2.1 A subsection that goes" in texts
    assert "References" in texts
    texts = [text for _, text in result["accepted"]]
    assert "3 Method" in texts and "4.1 Details" in texts
    # paragraphs and rows inserted or deleted whole are so on their marks
    xml = result["xml"]
    assert xml.count("<w:rPr><w:ins ") >= 6 and xml.count("<w:rPr><w:del ") >= 4
    assert "<w:trPr><w:del " in xml
    assert "trackdiff-block-" not in xml  # the bookmarks that found them are gone
    # the paragraph after the new one: Body Text now, First Paragraph before
    assert ("BodyText", "The first paragraph stays.") in result["accepted"]
    assert ("FirstParagraph", "The first paragraph stays.") in result["rejected"]
    assert "<w:pPrChange " in xml


@pytest.mark.e2e
def test_the_real_paper_accepts_and_rejects_exactly(built, tmp_path, monkeypatch):
    """The paper as built, against an old version without its last two sections, with a
    paragraph, a list item and a table fewer elsewhere and a heading renamed."""
    monkeypatch.chdir(built)
    for lang in ("en", "tr"):
        new = json.loads((built / "manuscript/build" / lang / "paper.json").read_text("utf-8"))
        bibliography = [
            str(built / "manuscript/references.bib"),
            str(built / "results/bibliography/datasets.bib"),
        ]
        new = cite(
            PANDOC,
            new,
            [str(built / "paperkit/src/paperkit/pandoc/defaults/citeproc.yaml")],
            bibliography,
        )
        old = copy.deepcopy(new)
        blocks = old["blocks"]
        tops = [i for i, b in enumerate(blocks) if b["t"] == "Header" and b["c"][0] == 1]
        del blocks[tops[-3] : tops[-1]]  # two sections the revision added
        paragraphs = [i for i, b in enumerate(blocks) if b["t"] == "Para"]
        del blocks[paragraphs[3]]  # a paragraph the revision added
        tables = [i for i, b in enumerate(blocks) if b["t"] == "Table"]
        if tables:
            del blocks[tables[0]]  # a table the revision added
        headers = [b for b in blocks if b["t"] == "Header" and b["c"][0] == 2]
        headers[0]["c"][2] = [{"t": "Str", "c": "Renamed"}]
        folder = tmp_path / lang
        folder.mkdir()
        result = round_trip(old, new, folder)
        assert len(result["accepted"]) == len(result["new"])
        assert result["accepted"] == result["new"]
        assert len(result["rejected"]) == len(result["old"])
        assert result["rejected"] == result["old"]
        assert empty(result["rejected"]) == empty(result["old"])
