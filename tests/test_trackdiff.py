"""The tracked-changes diff (paperkit.trackdiff, `make diff`).

Unit tests on small documents read from Markdown: known edits become exactly those
Word revisions, Turkish survives every format, an identical pair is left alone,
numbers pair old → new, changed figures and tables are flagged, and, as properties,
accepting every change gives the new text and rejecting every change the old one.

End to end (``revised``): a copy of the built paper is committed as the base (with a
sentence quoting a source's release in both languages); then a sentence is added in
English, a word removed in Turkish and a pin moved so that one number changes, and
the Snakemake target of the diff is built: its DOCX holds exactly those revisions,
and LibreOffice converts it. The same revised repository is bundled by test_bundle.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pypandoc
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from paperkit import trackdiff as td
from paperkit.changes import compare
from paperkit.pandoc_ast import elements, read_markdown
from paperkit.paper import PANDOC_DEFAULTS
from paperkit.trackdiff import summary as summary_module
from paperkit.trackdiff.marks import classes_of, element_key, words_of
from tests.conftest import EPOCH, ROOT, _locked, _shared_dir, snakemake, unavailable

PANDOC = pypandoc.get_pandoc_path()
AUTHOR, DATE = "Tester", "2026-01-01T00:00:00Z"

SMALL = {
    "en": """---
title: A small paper
author: Tester
abstract: The index rose to 0.70 in 2014, and fell.
---

# Introduction {#sec:intro}

The first paragraph says that 97.6% of them stayed, as @krasner1982 wrote.

The second paragraph has several words in it, to be shortened.

The third paragraph links to [a site](https://example.org) and to [Figure 1](#fig:a).

![Figure 1: A figure of the origins.](IMAGE){#fig:a}

# Results {#sec:results}

| Year | Value |
|------|------:|
| 2013 | 0.68 |
| 2016 | 0.70 |

: Table 1: The values in key years. {#tbl:t}

The last paragraph stays as it was.
""",
    "tr": """---
title: Küçük bir makale
author: Deneme
abstract: Endeks 2014’te 0,70 düzeyine yükseldi ve geriledi.
---

# Giriş {#sec:intro}

İlk paragraf, onların %97,6’sının kaldığını söylüyor.

İkinci paragrafta kısaltılacak birkaç sözcük var, ılık ve İğdır’lı.

Üçüncü paragraf [bir siteye](https://example.org) bağlanıyor.

# Sonuçlar {#sec:results}

| Yıl | Değer |
|-----|------:|
| 2013 | 0,68 |
| 2016 | 0,70 |

: Tablo 1: Önemli yıllardaki değerler. {#tbl:t}

Son paragraf olduğu gibi kalıyor.
""",
}

STUB_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
    '<rect width="40" height="20" fill="#888"/></svg>'
)


# A 1x1 grey PNG (the DOCX embeds the PNG rendition of a figure).
STUB_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b55"
    "0000000a49444154789c636800000082008177cd72b60000000049454e44ae426082"
)


def small(lang: str = "en", image: str = "figures/a.svg") -> dict:
    return read_markdown(PANDOC, SMALL[lang].replace("IMAGE", image), f"small {lang}")


def words(text: str) -> list:
    return summary_module._text(text)


def paragraphs(ast: dict) -> list:
    return [b for b in ast["blocks"] if b["t"] == "Para"]


def defaults() -> dict[str, list[str]]:
    """The paper's defaults for the diff, as the workflow passes them (paperkit's, which
    name its filters and templates from their own folder)."""
    folder = str(PANDOC_DEFAULTS)
    common = [f"{folder}/common.yaml"]
    return {
        "docx": [*common, f"{folder}/docx.yaml", f"{folder}/diff-docx.yaml"],
        "html": [*common, f"{folder}/html.yaml", f"{folder}/diff.yaml"],
        "typst": [*common, f"{folder}/typst.yaml", f"{folder}/diff.yaml"],
    }


@pytest.fixture
def render(tmp_path, monkeypatch):
    """Render a marked AST as the workflow does, from a folder holding stub images (no
    built paper is needed), with paperkit's defaults, filters and templates."""
    root = tmp_path / "root"
    root.mkdir()
    if (ROOT / "paperkit/src/paperkit/fonts").is_dir():  # fonts the Typst header may name
        shutil.copytree(ROOT / "paperkit/src/paperkit/fonts", root / "paperkit/src/paperkit/fonts")
    monkeypatch.chdir(root)

    def run(marked, summary, formats=("docx",), lang="en", changes=None):
        for image in (e for e in elements(marked) if e["t"] == "Image"):
            path = root / image["c"][2][0]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(STUB_SVG, encoding="utf-8")
            path.with_suffix(".png").write_bytes(STUB_PNG)
        outputs = {k: tmp_path / f"diff.{k}" for k in formats}
        blocks = td.summary_blocks(summary, td.LABELS[lang], changes, lang)
        metadata = {"provenance-made": "Made by", "provenance-script": "script"}
        warnings = td.render_diff(
            marked, blocks, outputs, PANDOC, defaults(), int(EPOCH), html_metadata=metadata
        )
        return outputs, warnings

    return run


def document_xml(docx: Path) -> str:
    return zipfile.ZipFile(docx).read("word/document.xml").decode("utf-8")


def resolve(value, keep: str):
    """Accept (keep="insertion") or reject (keep="deletion") every change."""
    if isinstance(value, list):
        out = []
        for element in value:
            classes = classes_of(element) if isinstance(element, dict) else []
            if td.FLAG in classes:
                continue
            if {td.INSERTION, td.DELETION} & set(classes):
                if keep in classes:
                    out += resolve(element["c"][1], keep)
                continue
            out.append(resolve(element, keep))
        return out
    if isinstance(value, dict):
        return {k: resolve(v, keep) for k, v in value.items()}
    return value


def normal(value):
    return json.loads(element_key(value))


# --------------------------------------------------------------------------- known edits


def test_known_edit_gives_exactly_those_revisions(render):
    old = small()
    new = copy.deepcopy(old)
    first, second = paragraphs(new)[0], paragraphs(new)[1]
    first["c"] += [{"t": "Space"}, *words("This sentence was added by the test.")]
    removed = second["c"][8]["c"]
    assert removed == "several" and second["c"][9]["t"] == "Space"
    del second["c"][8:10]

    marked, summary = td.diff_ast(old, new, AUTHOR, DATE)
    assert (summary["added"], summary["removed"]) == (7, 1)
    intro = next(s for s in summary["sections"] if s["id"] == "sec:intro")
    assert (intro["added"], intro["removed"]) == (7, 1)
    assert all(s["added"] == s["removed"] == 0 for s in summary["sections"] if s is not intro)

    outputs, _ = render(marked, summary, ("docx", "html"))
    xml = document_xml(outputs["docx"])
    assert xml.count("<w:ins ") == 1 and xml.count("<w:del ") == 1
    found = td.revisions(outputs["docx"])
    assert found[0] == ("ins", " This sentence was added by the test.")
    assert found[1][0] == "del" and found[1][1].strip() == removed
    assert f'w:author="{AUTHOR}"' in xml and f'w:date="{DATE}"' in xml
    html = outputs["html"].read_text(encoding="utf-8")
    assert html.count('class="insertion"') == 1 + 1  # the change and the legend
    assert html.count('class="deletion"') == 1 + 1
    assert "text-decoration: line-through" in html  # the filter's style sheet


def test_untouched_blocks_are_the_new_blocks():
    old = small()
    new = copy.deepcopy(old)
    paragraphs(new)[0]["c"] += [{"t": "Space"}, {"t": "Str", "c": "More."}]
    marked, _ = td.diff_ast(old, new, AUTHOR, DATE)
    changed = [
        i for i, (a, b) in enumerate(zip(marked["blocks"], new["blocks"], strict=True)) if a != b
    ]
    assert len(marked["blocks"]) == len(new["blocks"]) and len(changed) == 1
    assert marked["meta"] == new["meta"]
    untouched = [b for i, b in enumerate(marked["blocks"]) if i not in changed]
    assert json.dumps(untouched) == json.dumps(
        [b for i, b in enumerate(new["blocks"]) if i not in changed]
    )


def test_turkish_text_survives_every_format(render):
    old = small("tr")
    new = copy.deepcopy(old)
    paragraphs(new)[0]["c"] += [{"t": "Space"}, *words("İğdır’da şu ılık ağaç, IŞIK ve ışık.")]
    # a change of case across dotted and dotless i is a change (nothing is case-folded)
    word = next(x for x in paragraphs(new)[1]["c"] if x.get("c") == "ılık")
    word["c"] = "Ilık"
    marked, summary = td.diff_ast(old, new, AUTHOR, DATE, td.LABELS["tr"]["flag"])
    outputs, warnings = render(marked, summary, ("docx", "html", "pdf", "typst"), "tr")
    found = td.revisions(outputs["docx"])
    assert ("ins", " İğdır’da şu ılık ağaç, IŞIK ve ışık.") in found
    assert ("del", "ılık") in found and ("ins", "Ilık") in found
    html = re.sub(r"\s+", " ", outputs["html"].read_text(encoding="utf-8"))
    assert "İğdır’da şu ılık ağaç, IŞIK ve ışık." in html
    assert "Önceki sürümden bu yana değişiklikler" in html  # the summary, in Turkish
    typ = outputs["typst"].read_text(encoding="utf-8").replace("'", "’")
    assert '#text(fill: rgb("#1a7f37"))[#underline[' in typ  # the marks survive in Typst
    assert not [w for w in warnings if "glyph" in w.lower()]
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(outputs["pdf"]).pages)
    assert "İğdır’da" in re.sub(r"-\n", "", text) and "silinen sözcük" in text


def test_identical_pair_is_left_alone(render):
    old = small()
    before = json.dumps(old)
    marked, summary = td.diff_ast(old, copy.deepcopy(old), AUTHOR, DATE)
    assert marked == old and json.dumps(old) == before
    assert '"insertion"' not in json.dumps(marked) and '"deletion"' not in json.dumps(marked)
    assert (summary["added"], summary["removed"], summary["numbers"], summary["flagged"]) == (
        0,
        0,
        [],
        [],
    )
    outputs, _ = render(marked, summary)
    xml = document_xml(outputs["docx"])
    assert "<w:ins " not in xml and "<w:del " not in xml


def test_changed_number_is_a_deletion_then_an_insertion(render):
    old = small()
    new = copy.deepcopy(old)
    next(x for x in elements(paragraphs(new)[0]) if x.get("c") == "97.6%")["c"] = "96.1%"
    next(x for x in elements(new["meta"]["abstract"]) if x.get("c") == "0.70")["c"] = "0.72"
    marked, summary = td.diff_ast(old, new, AUTHOR, DATE)
    assert [(n["old"], n["new"]) for n in summary["numbers"]] == [
        ("0.70", "0.72"),
        ("97.6%", "96.1%"),
    ]
    assert summary["added"] == summary["removed"] == 2
    outputs, _ = render(marked, summary)
    # the abstract (metadata) comes first in the DOCX
    assert td.revisions(outputs["docx"]) == [
        ("del", "0.70"),
        ("ins", "0.72"),
        ("del", "97.6%"),
        ("ins", "96.1%"),
    ]


def test_changed_table_cell_is_marked_and_the_table_flagged():
    old = small()
    new = copy.deepcopy(old)
    table = next(b for b in new["blocks"] if b["t"] == "Table")
    cell = table["c"][4][0][3][0][1][1][4][0]["c"][0]
    assert cell["c"] == "0.68"
    cell["c"] = "0.61"
    marked, summary = td.diff_ast(old, new, AUTHOR, DATE)
    assert [(n["old"], n["new"]) for n in summary["numbers"]] == [("0.68", "0.61")]
    assert summary["flagged"] == [{"id": "tbl:t", "label": "Table 1"}]
    result = next(b for b in marked["blocks"] if b["t"] == "Table")
    marks = result["c"][4][0][3][0][1][1][4][0]["c"]
    assert [classes_of(x)[0] for x in marks] == ["deletion", "insertion"]
    flag = result["c"][1][1][0]["c"][0]
    assert classes_of(flag) == ["insertion", "flag"] and flag["c"][1][0]["c"] == "[changed]"
    assert summary["added"] == summary["removed"] == 1  # the flag is not a word of the text


def test_table_of_another_shape_is_replaced_and_flagged():
    old = small()
    new = copy.deepcopy(old)
    table = next(b for b in new["blocks"] if b["t"] == "Table")
    del table["c"][4][0][3][-1]
    marked, summary = td.diff_ast(old, new, AUTHOR, DATE)
    k = next(i for i, b in enumerate(marked["blocks"]) if classes_of(b) == ["deletion"])
    assert marked["blocks"][k]["c"][1][0]["t"] == "Table"
    assert classes_of(marked["blocks"][k + 1]) == ["insertion"]
    assert marked["blocks"][k + 1]["c"][1][0]["c"][0][0] == "tbl:t"
    assert [f["id"] for f in summary["flagged"]] == ["tbl:t"]


def test_figure_flagged_when_its_image_or_caption_changed(render):
    digests = {"figures/a.svg": "one", "figures/b.svg": "two", "figures/c.svg": "one"}
    old = small()
    redrawn = small(image="figures/b.svg")  # same caption, another image
    marked, summary = td.diff_ast(old, redrawn, AUTHOR, DATE, "[değişti]", digests.get)
    assert summary["flagged"] == [{"id": "fig:a", "label": "Figure 1"}]
    figure = next(b for b in marked["blocks"] if b["t"] == "Figure")
    first = figure["c"][1][1][0]["c"][0]
    assert classes_of(first) == ["insertion", "flag"] and first["c"][1][0]["c"] == "[değişti]"
    moved = small(image="figures/c.svg")  # another path, the same bytes: not flagged
    assert td.diff_ast(old, moved, AUTHOR, DATE, "[x]", digests.get)[1]["flagged"] == []
    # by default an image is its path without extension: x.svg and x.png are one image
    assert td.diff_ast(old, small(image="figures/a.png"), AUTHOR, DATE)[1]["flagged"] == []
    # in the DOCX the flag is a comment, not a revision: accepting all leaves no flag
    outputs, _ = render(marked, summary)
    assert td.revisions(outputs["docx"]) == []
    comments = zipfile.ZipFile(outputs["docx"]).read("word/comments.xml").decode()
    assert "[değişti]" in comments and f'w:author="{AUTHOR}"' in comments
    assert "<w:commentRangeStart" in document_xml(outputs["docx"])


def test_links_stay_outside_revisions(render):
    old = small()
    new = copy.deepcopy(old)
    new["blocks"].remove(paragraphs(new)[2])  # the paragraph with links
    marked, summary = td.diff_ast(old, new, AUTHOR, DATE)
    outputs, _ = render(marked, summary)
    xml = document_xml(outputs["docx"])
    assert re.search(r"<w:del [^>]*>(?:(?!</w:del>).)*<w:hyperlink", xml, re.DOTALL) is None
    assert re.search(r"<w:hyperlink[^>]*>\s*<w:del ", xml)
    back = subprocess.run(
        [PANDOC, str(outputs["docx"]), "-t", "markdown", "--track-changes=all"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "a site" in back


def test_revision_ids_are_unique(render):
    old = small()
    new = copy.deepcopy(old)
    for p in paragraphs(new):
        p["c"][0] = {"t": "Str", "c": "X"}
    marked, summary = td.diff_ast(old, new, AUTHOR, DATE)
    outputs, _ = render(marked, summary)
    xml = document_xml(outputs["docx"])
    ids = re.findall(r'<w:(?:ins|del) w:id="(\d+)"', xml)
    others = re.findall(r'<w:(?!ins |del )\w+ w:id="(\d+)"', xml)
    assert len(ids) == 2 * len(paragraphs(new)) == len(set(ids)) and not set(ids) & set(others)


def test_whole_blocks_are_marked_inside_and_deleted_headers_unnumbered():
    old = small()
    new = copy.deepcopy(old)
    k = new["blocks"].index(paragraphs(new)[1])
    new["blocks"].insert(k, {"t": "Para", "c": words("A new paragraph here.")})
    new["blocks"].insert(0, {"t": "Header", "c": [1, ["new", [], []], words("Preface")]})
    marked, summary = td.diff_ast(old, new, AUTHOR, DATE)
    div = marked["blocks"][k + 1]
    assert classes_of(div) == ["insertion"]
    assert classes_of(div["c"][1][0]["c"][0]) == ["insertion"]
    assert summary["sections"][1]["id"] == "new" and summary["sections"][1]["added"] == 1

    gone = copy.deepcopy(old)
    del gone["blocks"][0]  # the Introduction's header
    header = td.diff_ast(old, gone, AUTHOR, DATE)[0]["blocks"][0]["c"][1][0]
    assert header["t"] == "Header" and header["c"][1][0] == ""
    assert "unnumbered" in header["c"][1][1]


def test_title_is_diffed():
    old = small()
    new = copy.deepcopy(old)
    new["meta"]["title"]["c"][0]["c"] = "One"
    marked, summary = td.diff_ast(old, new, AUTHOR, DATE)
    kinds = [classes_of(x)[0] for x in marked["meta"]["title"]["c"] if x["t"] == "Span"]
    assert kinds == ["deletion", "insertion"] and summary["sections"][0]["added"] == 1


def test_lists_diffed_by_item():
    item = lambda text: [{"t": "Plain", "c": words(text)}]  # noqa: E731
    old = {
        "pandoc-api-version": [1, 23, 1, 1],
        "meta": {},
        "blocks": [{"t": "BulletList", "c": [item("one two"), item("three four"), item("five")]}],
    }
    new = copy.deepcopy(old)
    new["blocks"][0]["c"][1] = item("three four five")
    del new["blocks"][0]["c"][2]
    marked, summary = td.diff_ast(old, new, AUTHOR, DATE)
    assert (summary["added"], summary["removed"]) == (1, 1)
    accepted = resolve(marked, "insertion")
    assert accepted["blocks"][0]["c"][2] == []  # a deleted item stays, emptied
    del accepted["blocks"][0]["c"][2]
    assert accepted == new and resolve(marked, "deletion") == old


def test_summary_quotes_the_claims_whose_truth_changed():
    claim = {"en": "The index rose.", "tr": "Endeks yükseldi.", "check": "a > 1"}
    old = {"numbers": {"a": {"value": 2, "formatted": {"en": "2", "tr": "2"}}}}
    old["claims"] = {"rose": {**claim, "holds": True}}
    new = {"numbers": {"a": {"value": 0, "formatted": {"en": "0", "tr": "0"}}}}
    new["claims"] = {"rose": {**claim, "holds": False}}
    changes = compare(old, new)
    summary = td.diff_ast(small("tr"), small("tr"), AUTHOR, DATE)[1]
    text = td.summary_markdown(summary, td.LABELS["tr"], changes, "tr")
    assert "`rose` (geçerli → geçersiz): Endeks yükseldi." in text
    assert "**Sonuçlarda değişen sayılar:** 1 / 1" in text
    blocks = json.dumps(td.summary_blocks(summary, td.LABELS["en"], changes, "en"))
    assert "Claims" in blocks and "index" in blocks and "fails" in blocks


def test_labels_of_a_language_come_from_the_paper():
    with pytest.raises(KeyError, match="no words for the diff summary in 'de'"):
        td.labels_for("de", {})
    german = {k: f"de:{k}" for k in td.LABELS["en"]}
    assert td.labels_for("de", {"diff": german})["flag"] == "de:flag"
    assert td.labels_for("en", {"diff": {"flag": "[revised]"}})["flag"] == "[revised]"


def test_numbers_recognised():
    for word, number in [
        ("0.017", "0.017"),
        ("97.6%", "97.6%"),
        ("%97,6", "%97,6"),
        ("(1.085):", "1.085"),
        ("2014’te", "2014"),
        ("−0.5,", "−0.5"),
        ("1\u202f234", "1\u202f234"),
        ("2025.12.1.", "2025.12.1"),
    ]:
        assert td.number_of(word) == number
    for word in ("word", "2013–2025", "No.", "(0–1)"):
        assert td.number_of(word) is None


# --------------------------------------------------------------------------- properties

VOCABULARY = ["a", "b", "c", "0.024", "0.017", "%97,6", "ışık", "İğdır", "şu", "x"]
para = st.lists(st.sampled_from(VOCABULARY), max_size=8).map(
    lambda ws: {"t": "Para", "c": summary_module._text(" ".join(ws))}
)
docs = st.lists(para, max_size=6).map(
    lambda blocks: {"pandoc-api-version": [1, 23, 1, 1], "meta": {}, "blocks": blocks}
)


@settings(max_examples=200, deadline=None)
@given(docs, docs)
def test_accepting_gives_the_new_text_and_rejecting_the_old(old, new):
    marked, summary = td.diff_ast(old, new, AUTHOR, DATE)
    assert normal(resolve(marked, "insertion")) == normal(new)
    assert normal(resolve(marked, "deletion")) == normal(old)
    assert summary["added"] - summary["removed"] == len(words_of(new)) - len(words_of(old))


@settings(max_examples=100, deadline=None)
@given(docs)
def test_identical_documents_are_never_marked(doc):
    marked, summary = td.diff_ast(doc, copy.deepcopy(doc), AUTHOR, DATE)
    assert marked == doc and summary["added"] == summary["removed"] == 0


# --------------------------------------------------------------------------- end to end

# The base quotes the release of a pinned source no result reads, so that moving its pin
# changes exactly one number in the text.
QUOTED = {
    "en": (
        "manuscript/en/40-data.md",
        " The asylum applications file is {{release_unhcr_asylum_applications}}.",
    ),
    "tr": (
        "manuscript/tr/40-data.md",
        " Sığınma başvuruları dosyası {{release_unhcr_asylum_applications}} sürümüdür.",
    ),
}
ADDED = "This sentence was added in the revision."
EARLIER_RELEASE = ROOT / "config" / "releases" / "unhcr-2024.12.0.yaml"


def first_paragraph_end(text: str) -> int:
    """Where the first paragraph of body text (after the section's heading) ends."""
    heading = re.search(r"^#", text, re.MULTILINE).start()
    start = text.index("\n\n", heading) + 2
    return text.index("\n\n", start)


def removable_word(text: str) -> str:
    """A plain word inside the first paragraph that occurs once in ``text``, outside a
    quotation (a quotation is one element of the AST: a word removed inside it marks the
    whole quotation deleted and inserted)."""
    heading = re.search(r"^#", text, re.MULTILINE).start()
    start = text.index("\n\n", heading) + 2
    paragraph = text[start : first_paragraph_end(text)]
    unquoted = " ".join(paragraph.split('"')[0::2])
    for word in unquoted.split(" ")[3:]:
        if word.isalpha() and len(word) > 3 and text.count(f" {word} ") == 1:
            return word
    raise AssertionError("no word to remove in the first paragraph")


def git_commit(repo: Path, message: str) -> str:
    dated = {"GIT_AUTHOR_DATE": f"@{EPOCH} +0000", "GIT_COMMITTER_DATE": f"@{EPOCH} +0000"}
    env = {**os.environ, **dated, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env |= {"GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "commit", "--quiet", "-m", message], cwd=repo, env=env, check=True)
    return subprocess.run(
        ["git", "rev-parse", "--short=12", "HEAD"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def revise(repo: Path) -> str:
    """The known edit: a sentence added in English, a word removed in Turkish, the pin of
    unhcr_asylum_applications moved to the earlier release. Returns the removed word."""
    path = repo / "manuscript/en/10-introduction.md"
    text = path.read_text(encoding="utf-8")
    end = first_paragraph_end(text)
    path.write_text(text[:end] + " " + ADDED + text[end:], encoding="utf-8")
    path = repo / "manuscript/tr/10-introduction.md"
    text = path.read_text(encoding="utf-8")
    removed = removable_word(text)
    path.write_text(text.replace(f" {removed} ", " ", 1), encoding="utf-8")
    config = repo / "config/config.yaml"
    earlier = yaml.safe_load(EARLIER_RELEASE.read_text(encoding="utf-8"))["sources"]
    entry = earlier["unhcr_asylum_applications"]
    text = config.read_text(encoding="utf-8")
    block = re.search(r"  unhcr_asylum_applications:\n(    .*\n)+", text).group(0)
    moved = "  unhcr_asylum_applications:\n" + "".join(
        f"    {key}: {json.dumps(value)}\n" for key, value in entry.items()
    )
    config.write_text(text.replace(block, moved), encoding="utf-8")
    return removed


def build_revised(tmp_path_factory, built: Path, mirror: Path) -> dict:
    """Once per run (and shared by the xdist workers): a git repository whose first
    commit is the built paper with the quoted release, built; then the known edit,
    built with the diff against that commit; then committed. Returns paths and the
    base commit."""
    folder = _shared_dir(tmp_path_factory) / "revised"
    status = folder.with_suffix(".json")
    with _locked(folder.with_suffix(".lock")):
        if not status.is_file():
            shutil.copytree(built, folder, symlinks=True)
            for path, sentence in QUOTED.values():
                text = (folder / path).read_text(encoding="utf-8")
                end = first_paragraph_end(text)
                (folder / path).write_text(text[:end] + sentence + text[end:], encoding="utf-8")
            subprocess.run(["git", "init", "--quiet", "-b", "main"], cwd=folder, check=True)
            base = git_commit(folder, "base")
            first = snakemake(folder, mirror=mirror)
            removed = revise(folder)
            target = f"manuscript/build/diff/{base}/summary.md"
            second = snakemake(folder, "all", "journal", target, mirror=mirror)
            head = git_commit(folder, "revision")
            result = {
                "returncode": first.returncode or second.returncode,
                "stderr": first.stderr[-3000:] + second.stderr[-3000:],
                "base": base,
                "head": head,
                "removed": removed,
            }
            status.write_text(json.dumps(result), encoding="utf-8")
        result = json.loads(status.read_text(encoding="utf-8"))
    assert result["returncode"] == 0, result["stderr"]
    return {**result, "repo": folder, "diff": folder / "manuscript/build/diff" / result["base"]}


@pytest.fixture(scope="session")
def revised(tmp_path_factory, built, mirror) -> dict:
    return build_revised(tmp_path_factory, built, mirror)


@pytest.mark.e2e
def test_known_edit_yields_exactly_those_tracked_changes(revised):
    diff = revised["diff"]
    en = td.revisions(diff / "en" / "paper-diff.docx")
    assert en == [("ins", " " + ADDED), ("del", "2025.12.1."), ("ins", "2024.12.0.")]
    tr = td.revisions(diff / "tr" / "paper-diff.docx")
    assert [kind for kind, _ in tr] == ["del", "del", "ins"]
    assert tr[0][1].strip() == revised["removed"] and tr[1:] == [
        ("del", "2025.12.1"),
        ("ins", "2024.12.0"),
    ]
    for lang in ("en", "tr"):
        xml = document_xml(diff / lang / "paper-diff.docx")
        assert xml.count("<w:ins ") == (2 if lang == "en" else 1)
        assert xml.count("<w:del ") == (1 if lang == "en" else 2)
        assert 'w:date="2023-11-14T22:13:20Z"' in xml  # SOURCE_DATE_EPOCH of the build
        record = json.loads((diff / lang / "summary.json").read_text(encoding="utf-8"))
        summary = record["summary"]
        assert [(n["old"], n["new"]) for n in summary["numbers"]] == [("2025.12.1", "2024.12.0")]
        assert (summary["added"], summary["removed"]) == ((8, 1) if lang == "en" else (1, 2))
        touched = [s["title"] for s in summary["sections"] if s["added"] or s["removed"]]
        assert len(touched) == 2  # the introduction and the data section, nothing else
        assert summary["flagged"] == []
    text = (diff / "summary.md").read_text(encoding="utf-8")
    assert "**Numbers in the results that changed:** 1 of" in text
    assert "2025.12.1 → 2024.12.0" in text
    changes = (diff / "changes.md").read_text(encoding="utf-8")
    assert "`release_unhcr_asylum_applications`" in changes and "0 of" in changes.split("\n")[2]
    html = (diff / "en" / "paper-diff.html").read_text(encoding="utf-8")
    assert (
        html.count('<span class="insertion"') >= 2 and "Changes since the previous version" in html
    )


@pytest.mark.e2e
def test_libreoffice_converts_the_diff_docx(revised, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        unavailable("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    for lang in ("en", "tr"):
        source = revised["diff"] / lang / "paper-diff.docx"
        run = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{tmp_path / 'profile'}",  # not the user's
                "--headless",
                "--convert-to",
                "odt",
                "--outdir",
                str(tmp_path / lang),
                str(source),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert run.returncode == 0, run.stderr
        content = zipfile.ZipFile(tmp_path / lang / "paper-diff.odt").read("content.xml").decode()
        # LibreOffice read the revisions as revisions
        assert content.count("<text:changed-region") >= 2
        assert "<text:insertion>" in content and "<text:deletion>" in content


def test_a_deleted_link_to_a_removed_section_keeps_its_text_without_the_link():
    from paperkit.trackdiff import unwrap_dangling_links

    link = {
        "t": "Link",
        "c": [["", [], []], [{"t": "Str", "c": "Section 7.3"}], ["#sec:gone", ""]],
    }
    kept = {"t": "Link", "c": [["", [], []], [{"t": "Str", "c": "Section 2"}], ["#sec:here", ""]]}
    outside = {"t": "Link", "c": [["", [], []], [{"t": "Str", "c": "x"}], ["https://x.org", ""]]}
    blocks = [
        {"t": "Header", "c": [1, ["sec:here", [], []], [{"t": "Str", "c": "Here"}]]},
        {"t": "Para", "c": [link, {"t": "Space"}, kept, {"t": "Space"}, outside]},
    ]
    para = unwrap_dangling_links(blocks)[1]["c"]
    assert para[0] == {"t": "Str", "c": "Section 7.3"}
    assert para[2] == kept and para[4] == outside


def test_a_rewritten_passage_with_numbers_is_not_a_changed_number():
    def mark(kind, text):
        words = [{"t": "Str", "c": w} for w in text.split()]
        return {"t": "Span", "c": [["", [kind], []], words]}

    rewritten = [mark("deletion", "fell in 2019 by 3"), mark("insertion", "rose by 5 after 2020")]
    renumbered = [mark("deletion", "by 3 in 2019"), mark("insertion", "by 4 in 2019")]
    tally, numbers = {"insertion": 0, "deletion": 0}, []
    summary_module._count(rewritten + renumbered, tally, numbers, "s")
    assert [(n["old"], n["new"]) for n in numbers] == [("3", "4")]
