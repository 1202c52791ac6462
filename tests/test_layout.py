"""What a reader sees: the layout, reading and accessibility checks (paperkit.layout,
paperkit.browser, the embedded-files check of paperkit.render and the rule
check_layout).

Each check is shown failing on a document that has its defect, made for the test
(a PDF set by Typst or written by PyMuPDF, an HTML page in headless Chromium), and
naming the page and the element; the built paper passes every check (the build
fails otherwise), and a planted defect fails the build, twice, taking the
documents away.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import typst

from paperkit.layout import (
    Box,
    Page,
    Word,
    broken_words,
    check_pages,
    glued_heading_numbers,
    read_pdf,
)
from paperkit.render import RenderError, check_embedded_files, unregistered_files
from tests.conftest import ROOT, unavailable

# the paper's stylesheet (paperkit's)
PAPER_CSS = ROOT / "paperkit/src/paperkit/pandoc/templates/paper.css"
CAPTIONS = ("Figure", "Table")
NO_DATE = ("n.d.", "t.y.")
BLANK = 0.3


def typst_pdf(tmp_path: Path, body: str, name: str = "doc") -> Path:
    """A PDF set by Typst from ``body`` (A4, the paper's type size, headings in the
    outline), as the paper's PDF is."""
    source = (
        '#set page(paper: "a4")\n#set text(size: 11pt)\n#set par(justify: true)\n'
        '#set heading(numbering: "1.1")\n#show table: set par(justify: false)\n' + body
    )
    target = tmp_path / f"{name}.pdf"
    target.write_bytes(typst.compile(source.encode("utf-8"), root=str(tmp_path)))
    return target


def problems_of(pdf: Path, vocabulary: set[str] = frozenset()) -> list[str]:
    pages, fonts = read_pdf(pdf)
    return [
        str(problem)
        for problem in check_pages(pages, fonts, pdf.name, BLANK, CAPTIONS, NO_DATE, vocabulary)
    ]


LOREM = " ".join(["The harmonisation of asylum law followed the accession talks closely."] * 8)
TEXT = "\n\n".join([LOREM] * 3)


def table(columns: str, header: list[str]) -> str:
    cells = ", ".join(f"[{word}]" for word in header)
    rows = ", ".join(["[0.69]"] * len(header))
    return (
        f"#figure(caption: [Table 4: The indices.], kind: table, supplement: none)["
        f"#table(columns: {columns}, {cells}, {rows})]\n"
    )


HEADER = ["Year", "Resettlement", "Readmission", "liberalisation"]


# --------------------------------------------------------------------------- PDF checks


def test_an_overprinted_table_header_fails_naming_page_table_and_words(tmp_path):
    # columns narrower than their words: Typst sets each word over its neighbour's
    pdf = typst_pdf(tmp_path, TEXT + "\n\n" + table("(28pt,) * 4", HEADER))
    problems = problems_of(pdf)
    overprints = [p for p in problems if "print over each other" in p]
    assert overprints, problems
    assert any(
        "doc.pdf, page 1, Table 4: the words 'Resettlement' and 'Readmission' print over" in p
        for p in overprints
    ), overprints


def test_a_table_whose_columns_hold_their_words_passes(tmp_path):
    pdf = typst_pdf(tmp_path, TEXT + "\n\n" + table("4", HEADER))
    assert problems_of(pdf) == []


def test_a_mostly_blank_page_fails_unless_a_section_ends_there(tmp_path):
    # a full page (the text block), a page left blank below three paragraphs, a full page
    full = "\n\n".join([LOREM] * 7)
    short = "\n\n#pagebreak()\n\n"
    blank = typst_pdf(tmp_path, full + "\n\n" + TEXT + short + full, "blank")
    problems = [p for p in problems_of(blank) if "blank" in p]
    assert len(problems) == 1 and problems[0].startswith("blank.pdf, page 2, the page:"), problems
    assert "layout.max_blank_share" in problems[0]
    # the same space before a new top-level section is the section's end
    ends = typst_pdf(tmp_path, full + "\n\n" + TEXT + short + "= Data\n\n" + full, "ends")
    assert problems_of(ends) == []


def test_a_figure_wider_than_the_text_block_fails_naming_it(tmp_path):
    (tmp_path / "wide.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="200">'
        '<rect width="800" height="200" fill="#369"/></svg>',
        encoding="utf-8",
    )
    figure = (
        '#figure(image("wide.svg", width: 130%), caption: [Figure 8: Event study.], '
        "supplement: none)\n"
    )
    problems = problems_of(typst_pdf(tmp_path, TEXT + "\n\n" + figure + "\n\n" + TEXT))
    assert any(p.startswith("doc.pdf, page 1, Figure 8: its drawing reaches") for p in problems), (
        problems
    )
    fitting = figure.replace("130%", "100%")
    assert problems_of(typst_pdf(tmp_path, TEXT + "\n\n" + fitting + "\n\n" + TEXT)) == []


def test_a_figure_that_drifts_into_the_reference_list_fails_unless_floats_are_placed_first(
    tmp_path,
):
    # a floating figure too tall for what is left of its page goes to the next page's
    # top, past the reference list's heading (as Figure 8 did, en page 22)
    figure = (
        "#figure(rect(width: 100%, height: 45%), placement: auto, "
        "caption: [Figure 8: Specification curve.], supplement: none)\n"
    )
    appendix = "= Appendix\n\n" + "\n\n".join([LOREM] * 5) + "\n\n" + figure
    references = "\n\n= References\n\n" + "\n\n".join([LOREM] * 6)
    problems = problems_of(typst_pdf(tmp_path, appendix + references, "drift"))
    assert problems == [
        "drift.pdf, page 2, Figure 8: set in the last section (2 References): a float of the "
        "section before it drifted past its heading; place pending floats before it"
    ]
    # what paperkit's citations filter writes before the reference list: the figure
    # opens the reference list's page, and the page before it, a third blank, ends the
    # appendix
    flushed = appendix + "\n\n#place.flush()" + references
    assert problems_of(typst_pdf(tmp_path, flushed, "flushed")) == []


def test_a_font_that_is_not_embedded_fails_naming_it(tmp_path):
    import pymupdf

    pdf = tmp_path / "base14.pdf"
    with pymupdf.open() as document:
        # Helvetica, one of PDF's base fonts: named, never embedded
        document.new_page().insert_text((72, 72), "Helvetica is only named.", fontname="helv")
        document.save(pdf)
    problems = problems_of(pdf)
    assert any("font Helvetica: is not embedded" in p for p in problems), problems
    assert not any("not embedded" in p for p in problems_of(typst_pdf(tmp_path, TEXT)))


def test_a_citation_without_its_year_or_nested_in_parentheses_fails(tmp_path):
    text = (
        "Surveys followed the Syrians over these years (Erdoğan, n.d.). The law was "
        "adopted in 2013 (Türkiye Büyük Millet Meclisi (TBMM) 2013).\n\n" + LOREM
    )
    problems = problems_of(typst_pdf(tmp_path, text))
    assert any(
        "page 1, a citation: 'these years (Erdoğan, n.d.).' cites a source without its year" in p
        for p in problems
    ), problems
    assert any(
        "page 1, a citation: (Türkiye Büyük Millet Meclisi (TBMM) 2013) nests parentheses" in p
        for p in problems
    ), problems
    fixed = text.replace("n.d.", "2018").replace("Türkiye Büyük Millet Meclisi (TBMM)", "TBMM")
    assert problems_of(typst_pdf(tmp_path, fixed)) == []


def word(text: str, x0: float, y0: float, line: int, width: float = 30) -> Word:
    return Word(text, Box(x0, y0, x0 + width, y0 + 10), (0, line))


def test_a_heading_number_run_into_its_text_fails():
    glued = Page(25, 595, 842, [word("10.1The", 72, 300, 0, 60), word("annual", 140, 300, 0)])
    problems = [str(p) for p in glued_heading_numbers(glued, "paper.docx")]
    assert problems == [
        "paper.docx, page 25, heading 10.1: '10.1The': its number runs into the text; "
        "space the number from the heading (a tab stop beyond the number, or a space)"
    ]
    spaced = Page(25, 595, 842, [word("10.1", 72, 300, 0), word("The", 110, 300, 0)])
    assert glued_heading_numbers(spaced, "paper.docx") == []


def test_a_word_broken_mid_word_in_a_narrow_column_fails():
    vocabulary = {"Legislation", "Policy", "index"}
    cells = [word("Table", 72, 100, 0), word("4:", 105, 100, 0), word("Legisl", 130, 130, 1)]
    broken = Page(27, 595, 842, [*cells, word("ation", 130, 141, 2)])
    problems = [str(p) for p in broken_words(broken, "paper.docx", vocabulary, CAPTIONS)]
    assert problems == [
        "paper.docx, page 27, Table 4: 'Legislation' is broken mid-word ('Legisl' / 'ation'): "
        "give its column room for its longest word"
    ]
    whole = Page(27, 595, 842, [*cells[:2], word("Legislation", 130, 130, 1, 50)])
    assert broken_words(whole, "paper.docx", vocabulary, CAPTIONS) == []


# --------------------------------------------------------------------------- embedded files


def ast_of(markdown: str) -> dict:
    import pypandoc

    return json.loads(pypandoc.convert_text(markdown, "json", format="markdown"))


REGISTERED = {"results/figures/en/indices.svg", "results/figures/en/indices.png"}


def test_a_file_named_in_the_text_that_is_not_a_registered_figure_is_not_embedded():
    planted = ast_of(
        "See ![](../../secret.txt) and ![x](results/figures/en/unregistered.png).\n\n"
        '<img src="/etc/passwd">\n\n![Indices](results/figures/en/indices.svg)\n\n'
        "![remote](https://example.org/a.png) ![inline](data:image/png;base64,AAAA)\n"
    )
    assert unregistered_files(planted, REGISTERED) == [
        "../../secret.txt",
        "/etc/passwd",
        "results/figures/en/unregistered.png",
    ]
    with pytest.raises(RenderError) as error:
        check_embedded_files(planted, REGISTERED, "en")
    message = str(error.value)
    assert message.startswith("en: the text names '../../secret.txt', '/etc/passwd', ")
    assert "registry does not declare as figures" in message
    check_embedded_files(ast_of("![Indices](results/figures/en/indices.svg)\n"), REGISTERED, "en")


# --------------------------------------------------------------------------- HTML checks


def browser_available() -> None:
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        unavailable(
            "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
        )


PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>Paper</title>
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style>{css}</style></head><body><main>
<h1>Results</h1><p>{text}</p>
<figure><img src="data:image/svg+xml;base64,{svg}" alt="{alt}" {img}>
<figcaption>Figure 8: Event study.</figcaption></figure>
<table tabindex="0">
<caption>Table 4: The indices and the components of the practice index.</caption>
<thead><tr>{heads}</tr></thead><tbody><tr>{cells}</tr></tbody></table>
</main></body></html>
"""


def html_page(tmp_path: Path, name: str, **changes: str) -> Path:
    import base64

    svg = base64.b64encode(
        b'<svg xmlns="http://www.w3.org/2000/svg" width="553" height="300">'
        b'<rect width="553" height="300" fill="#eee"/></svg>'
    ).decode()
    values = {
        "lang": "en-GB",
        "css": PAPER_CSS.read_text(encoding="utf-8"),
        "text": LOREM,
        "svg": svg,
        "alt": "Figure 8: Event study. Yearly ratios before and after the Statement.",
        "img": "",
        "heads": "".join(f"<th>{word}</th>" for word in ["Year", *HEADER] * 2),
        "cells": "".join("<td>0.69</td>" for _ in range(10)),
        **changes,
    }
    path = tmp_path / f"{name}.html"
    path.write_text(PAGE.format(**values), encoding="utf-8")
    return path


def html_problems(path: Path, tmp_path: Path) -> tuple[list[str], dict]:
    from paperkit.browser import Viewport, check_html

    problems, summary = check_html(
        path, [Viewport(412, 915), Viewport(1280, 800)], "en", "Figure", tmp_path / "shots"
    )
    return [str(problem) for problem in problems], summary


def test_an_html_page_that_fits_a_phone_passes_and_is_photographed(tmp_path):
    browser_available()
    problems, summary = html_problems(html_page(tmp_path, "good"), tmp_path)
    assert problems == []
    assert summary["version"] == "4.14.1"
    shots = sorted(path.name for path in (tmp_path / "shots").iterdir())
    assert "412x915-01-Figure-8.png" in shots and "412x915-02-Table-4.png" in shots
    assert "1280x800-first-screen.png" in shots


def test_an_oversize_figure_fails_naming_it_and_the_viewport(tmp_path):
    browser_available()
    oversize = html_page(tmp_path, "oversize", img='style="width: 553px; max-width: none"')
    problems, _ = html_problems(oversize, tmp_path)
    assert any(
        p.startswith("oversize.html at 412x915, page 0, Figure 8: its image is 553 px wide in a")
        for p in problems
    ), problems
    assert not any("1280x800" in p for p in problems), problems


def test_a_table_wider_than_the_screen_without_its_scroller_fails(tmp_path):
    browser_available()
    css = PAPER_CSS.read_text(encoding="utf-8")
    unscrolled = html_page(tmp_path, "table", css=css + "\ntable { display: table; }")
    problems, _ = html_problems(unscrolled, tmp_path)
    assert any("table.html at 412x915, page 0, Table 4: a <table>" in p for p in problems), problems


def test_a_figure_without_alt_text_in_its_language_fails(tmp_path):
    browser_available()
    for alt in ("", "Figure 8:", "Şekil 8: Olay çalışması."):
        problems, _ = html_problems(html_page(tmp_path, "alt", alt=alt), tmp_path)
        assert any(
            f"Figure 8: its image has alt text {alt!r}: write what the figure shows" in p
            for p in problems
        ), (alt, problems)


def test_a_document_without_its_lang_fails(tmp_path):
    browser_available()
    problems, _ = html_problems(html_page(tmp_path, "lang", lang="tr"), tmp_path)
    assert any("<html>: declares lang='tr', not 'en'" in p for p in problems), problems


def test_a_serious_axe_violation_fails_naming_rule_and_element(tmp_path):
    browser_available()
    # grey on white below the contrast a reader needs (axe: color-contrast, serious)
    pale = html_page(tmp_path, "pale", text=f'<span id="pale" style="color:#ccc">{LOREM}</span>')
    problems, summary = html_problems(pale, tmp_path)
    assert any(
        "pale.html (axe-core 4.14.1), page 0, #pale: serious color-contrast" in p for p in problems
    ), problems
    assert "color-contrast" in [violation["id"] for violation in summary["violations"]]


def test_a_changed_axe_core_is_refused(tmp_path, monkeypatch):
    from paperkit import browser

    copy = tmp_path / "axe.min.js"
    copy.write_bytes(browser.AXE["file"].read_bytes() + b"\n")
    monkeypatch.setitem(browser.AXE, "file", copy)
    with pytest.raises(browser.BrowserError, match=r"is not the pinned axe-core 4\.14\.1"):
        browser.axe_source()


# --------------------------------------------------------------------------- the built paper


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_the_built_paper_passes_every_layout_check(built, lang):
    report = json.loads((built / f"results/checks/layout-{lang}.json").read_text("utf-8"))
    assert report["language"] == lang
    assert not [v for v in report["axe"]["violations"] if v["impact"] in ("serious", "critical")], (
        report["axe"]
    )
    views = built / f"manuscript/build/{lang}/layout"
    label = {"en": "Figure", "tr": "Şekil"}[lang]
    assert (views / "paper.docx.pdf").is_file()
    assert any(path.name.startswith("412x915-") and label in path.name for path in views.iterdir())
    assert (built / f"manuscript/last-good/{lang}/paper.pdf").is_file()


def test_a_layout_defect_fails_the_build_twice_and_takes_the_documents_away(scratch, mirror):
    from tests.conftest import snakemake

    css = scratch / PAPER_CSS.relative_to(ROOT)
    good = css.read_text(encoding="utf-8")
    # the figures of the last revision: 415 pt wide whatever the screen
    css.write_text(good + "\nfigure img { min-width: 415pt; }\n", encoding="utf-8")
    for attempt in (1, 2):
        run = snakemake(scratch, mirror=mirror)
        assert run.returncode != 0, f"run {attempt} succeeded"
        assert "paper.html at 412x915, page 0, Figure 1: its image is 553 px wide" in run.stderr
        assert not (scratch / "manuscript/build/en/paper.pdf").exists()
    assert (scratch / "manuscript/last-good/en/paper.pdf").is_file()
    css.write_text(good, encoding="utf-8")
    run = snakemake(scratch, mirror=mirror)
    assert run.returncode == 0, run.stderr[-3000:]
    assert (scratch / "manuscript/build/en/paper.pdf").is_file()


def test_an_unregistered_file_named_in_the_text_fails_the_build(scratch, mirror):
    from tests.conftest import snakemake

    (scratch / "secret.txt").write_text("not for the HTML", encoding="utf-8")
    for lang in ("en", "tr"):
        path = scratch / f"manuscript/{lang}/80-conclusion.md"
        path.write_text(
            path.read_text(encoding="utf-8") + "\n![](../../secret.txt)\n", encoding="utf-8"
        )
    run = snakemake(scratch, mirror=mirror)
    assert run.returncode != 0
    assert "the text names '../../secret.txt', which the registry does not declare" in run.stderr
    assert not (scratch / "manuscript/build/en/paper.html").exists()


def test_a_docx_page_before_a_picture_too_tall_for_the_rest_of_it_may_be_blank():
    from paperkit.layout import blank_pages

    block = Box(72, 72, 523, 770)
    text = [word("text", 72, 72 + 14 * line, line) for line in range(12)]  # top quarter
    full = [word("text", 72, 72 + 14 * line, line) for line in range(50)]
    picture = Box(80, 72, 500, 600)  # 528 pt with its caption: more than the 530 pt left
    caption = [word("Figure", 72, 606, 0), word("5:", 110, 606, 0)]
    pages = [
        Page(1, 595, 842, text),
        Page(2, 595, 842, caption + full[40:], images=[picture]),
        Page(3, 595, 842, full),
    ]
    flowing = blank_pages(pages, block, "paper.docx", BLANK, CAPTIONS, floats=False)
    floating = blank_pages(pages, block, "paper.pdf", BLANK, CAPTIONS, floats=True)
    assert flowing == [] and [p.page for p in floating] == [1]
    # a picture that would have fit does not excuse the blank page
    pages[1].images = [Box(80, 72, 500, 300)]
    pages[1].words = [word("Figure", 72, 306, 0), *full[40:]]
    flowing = blank_pages(pages, block, "paper.docx", BLANK, CAPTIONS, floats=False)
    assert 1 in [p.page for p in flowing]
