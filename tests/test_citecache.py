"""The live preview's citeproc cache (paperkit.citecache): a save that leaves the citations
alone takes citeproc's last rendering of them instead of running it again, and the
result is what a fresh citeproc run gives: on the paper's own sections, edited as an
author edits them, in both languages, with the paper's citation pass (references.lua,
citeproc, citations.lua) and bibliography. A changed citation (its id, prefix, suffix,
locator, mode, or a new one) or changed metadata changes the key, so citeproc runs."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pypandoc
import pytest
import yaml

from paperkit.citations import datasets_bibtex
from paperkit.citecache import CiteprocRun, citations_key, cites, reusable, reuse
from paperkit.manuscript import read_sources
from paperkit.pandoc_ast import read_markdown
from paperkit.paper import Paper
from paperkit.preview import defaults_files, joined
from paperkit.render import pandoc
from tests.conftest import ROOT

PANDOC = pypandoc.get_pandoc_path()


@pytest.fixture(scope="module")
def paper() -> Paper:
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    return Paper.load(config, ROOT)


@pytest.fixture(scope="module")
def bibliography(paper, tmp_path_factory) -> list[Path]:
    """The paper's bibliography files. Its build outputs (the datasets' entries, under
    results/) are written here with the build's own function, so that the test needs no
    built working tree (a fresh clone, as in CI, has none)."""
    datasets = tmp_path_factory.mktemp("bibliography") / "datasets.bib"
    datasets.write_text(
        datasets_bibtex(paper.config["datasets"], paper.config["sources"]), encoding="utf-8"
    )
    files = [
        datasets if path.startswith("results/") else ROOT / path
        for path in paper.manuscript["bibliography"]
    ]
    assert files.count(datasets) == 1, paper.manuscript["bibliography"]
    return files


def citeproc(paper: Paper, bibliography: list[Path], ast: dict, folder: Path) -> dict:
    """The paper's citation pass on ``ast``, as the build runs it."""
    source, target = folder / "in.json", folder / "out.json"
    source.write_text(json.dumps(ast, ensure_ascii=False), encoding="utf-8")
    pandoc(
        PANDOC,
        source,
        defaults_files(paper)["citeproc"],
        target,
        [f"--bibliography={path}" for path in bibliography],
    )
    return json.loads(target.read_text(encoding="utf-8"))


def sections(paper: Paper, lang: str, edit=lambda path, text: text) -> dict:
    """A language's AST from its section files, each passed through ``edit``."""
    files = [(path, (ROOT / path).read_text(encoding="utf-8")) for path in paper.sources(lang)]
    return joined([read_sources(PANDOC, [(path, edit(path, text))]) for path, text in files])


def first_paragraph_end(text: str) -> int:
    return text.index("\n\n", text.index("\n\n") + 2)


def add_words(path: str, text: str) -> str:
    """An author's edit that leaves the citations alone: words at the end of the first
    paragraph of the introduction, and a new paragraph in the conclusion."""
    if "10-introduction" in path:
        end = first_paragraph_end(text)
        return text[:end] + " Quokkaland *and* a “quoted” word, 2013–2025." + text[end:]
    if "80-conclusion" in path:
        return text + "\n\nA new closing paragraph, without a citation.\n"
    return text


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_reused_citations_equal_a_fresh_citeproc_run(paper, lang, tmp_path, bibliography):
    before = sections(paper, lang)
    after = sections(paper, lang, add_words)
    assert after != before
    assert cites(after), "the paper cites nothing: the test tests nothing"
    key = citations_key(before, "inputs")
    assert citations_key(after, "inputs") == key  # only text changed
    last = citeproc(paper, bibliography, before, tmp_path)
    assert reusable(before, last)
    fresh = citeproc(paper, bibliography, after, tmp_path)
    reused = reuse(json.loads(json.dumps(after)), CiteprocRun.of(key, last))
    assert reused == fresh
    assert last == json.loads(
        json.dumps(citeproc(paper, bibliography, before, tmp_path))
    )  # untouched


def cited_document(citation: str, lang: str = "en", body: str = "") -> dict:
    return read_markdown(
        PANDOC,
        f"---\nlang: {lang}\n---\n\nText {citation} and more.{body}\n\n::: {{#refs}}\n:::\n",
        "a test document",
    )


@pytest.mark.parametrize(
    "changed",
    [
        "[@krasner1982structural, p. 3]",  # locator
        "[see @krasner1982structural]",  # prefix
        "[@krasner1982structural, and elsewhere]",  # suffix
        "@krasner1982structural",  # mode: in text
        "[-@krasner1982structural]",  # mode: suppress author
        "[@readmission2014]",  # id
        "[@krasner1982structural; @readmission2014]",  # one more
    ],
)
def test_a_changed_citation_runs_citeproc_again(changed, tmp_path, paper, bibliography):
    before = cited_document("[@krasner1982structural]")
    after = cited_document(changed)
    assert citations_key(after, "inputs") != citations_key(before, "inputs")
    # and what citeproc gives for it differs: reusing the old rendering would be wrong
    last = citeproc(paper, bibliography, before, tmp_path)
    assert citeproc(paper, bibliography, after, tmp_path) != reuse(
        copy.deepcopy(after), CiteprocRun.of("", last)
    )


def test_other_inputs_change_the_key():
    document = cited_document("[@krasner1982structural]")
    assert citations_key(document, "bibliography 1") != citations_key(document, "bibliography 2")
    turkish = cited_document("[@krasner1982structural]", lang="tr")
    assert citations_key(document, "inputs") != citations_key(turkish, "inputs")


def test_a_run_that_changed_text_outside_the_citations_is_not_reused(tmp_path, paper, bibliography):
    """With a note style citeproc moves punctuation around a citation (and makes it a
    footnote): such a run's output is not carried to the next save."""
    document = cited_document("[@krasner1982structural]")
    cited = citeproc(paper, bibliography, document, tmp_path)
    assert reusable(document, cited)
    moved = copy.deepcopy(cited)
    para = moved["blocks"][0]["c"]
    assert para[-1] == {"t": "Str", "c": "more."}
    para[-1] = {"t": "Str", "c": "more"}  # the full stop moved before the citation
    assert not reusable(document, moved)


def test_a_document_without_one_reference_list_is_not_reused(tmp_path, paper, bibliography):
    document = read_markdown(PANDOC, "Text [@krasner1982structural].\n", "a test document")
    assert not reusable(document, citeproc(paper, bibliography, document, tmp_path))
