"""The journal's DOCX and figure files (`make journal`, paperkit.journal).

The reference document is what the locked Pandoc makes of its default; the filter
that writes captions' and cross-references' numbers as Word fields is tested on small
documents; end to end (``journal``: a copy of the built paper, `snakemake journal`),
each DOCX has A4 pages, double spacing, line and page numbers, one SEQ field per
figure and table and one REF field per cross-reference, LibreOffice converts it and
recomputes the fields, and every figure is written as a numbered PDF and 600 dpi PNG.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pypandoc
import pytest

from paperkit.journal import _plain, export_figures, figures_of
from paperkit.layout import docx_to_pdf
from paperkit.pandoc_ast import elements
from paperkit.paper import PANDOC_DEFAULTS
from paperkit.reference_docx import default_reference, reference_docx
from tests.conftest import _locked, _shared_dir, snakemake, unavailable

PANDOC = pypandoc.get_pandoc_path()
LANGS = ["en", "tr"]
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
BOOKMARK = re.compile(r"^_Ref_[A-Za-z0-9_]{1,35}$")
DOUBLE_SPACED = [
    "Normal",
    "BodyText",
    "FirstParagraph",
    "Compact",
    "Bibliography",
    "Caption",
    "ImageCaption",
    "TableCaption",
]
FILTER = PANDOC_DEFAULTS.parent / "filters" / "word-fields.lua"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


# --------------------------------------------------------------------------- fast


def test_reference_document_is_what_the_locked_pandoc_makes():
    made = reference_docx(default_reference(PANDOC))
    committed = PANDOC_DEFAULTS.parent / "templates" / "reference.docx"
    assert made == committed.read_bytes(), "run: python -m paperkit.journal reference"
    with zipfile.ZipFile(io.BytesIO(made)) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert "word/footer1.xml" in [info.filename for info in infos]


def filtered(markdown: str, to: str = "docx") -> tuple[str, str]:
    """document.xml (or the output text) and Pandoc's warnings for a Markdown snippet."""
    command = [PANDOC, "-f", "markdown", "-t", to, "--lua-filter", str(FILTER)]
    if to == "docx":
        done = subprocess.run(
            [*command, "-o", "-"], input=markdown.encode(), capture_output=True, check=False
        )
        assert done.returncode == 0, done.stderr.decode()
        with zipfile.ZipFile(io.BytesIO(done.stdout)) as archive:
            return archive.read("word/document.xml").decode(), done.stderr.decode()
    done = subprocess.run(command, input=markdown.encode(), capture_output=True, check=False)
    return done.stdout.decode(), done.stderr.decode()


def fields(document: ET.Element) -> list[dict]:
    """Every field of the body in order: instruction, cached result, paragraph style,
    paragraph text and the bookmarks open where it begins."""
    found = []
    for paragraph in document.iter(w("p")):
        style = paragraph.find(f"{w('pPr')}/{w('pStyle')}")
        style = style.get(w("val")) if style is not None else None
        text = "".join(t.text or "" for t in paragraph.iter(w("t")))
        open_marks: dict[str, str] = {}
        current = None
        for element in paragraph.iter():
            tag = element.tag
            if tag == w("bookmarkStart"):
                open_marks[element.get(w("id"))] = element.get(w("name"))
            elif tag == w("bookmarkEnd"):
                open_marks.pop(element.get(w("id")), None)
            elif tag == w("fldChar"):
                kind = element.get(w("fldCharType"))
                if kind == "begin":
                    assert current is None, "nested fields"
                    current = {
                        "instr": "",
                        "result": "",
                        "style": style,
                        "text": text,
                        "bookmarks": set(open_marks.values()),
                        "state": "instr",
                    }
                elif kind == "separate":
                    current["state"] = "result"
                elif kind == "end":
                    current["instr"] = current["instr"].strip()
                    del current["state"]
                    found.append(current)
                    current = None
            elif tag == w("instrText") and current is not None:
                current["instr"] += element.text or ""
            elif tag == w("t") and current is not None and current["state"] == "result":
                current["result"] += element.text or ""
        assert current is None, f"field not closed in paragraph {text[:60]!r}"
    return found


def test_filter_keeps_turkish_suffixes_and_bold_labels(tmp_path):
    image = tmp_path / "a.png"
    image.write_bytes(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b55"
            "0000000a49444154789c636800000082008177cd72b60000000049454e44ae426082"
        )
    )
    long_id = "fig:" + "göç-" * 12
    text = (
        f"![**Şekil 1:** Göç]({image}){{#{long_id}}}\n\n"
        f"[Şekil 1’de](#{long_id}) ve [Tablo 1](#tbl:a).\n\n"
        ": Tablo 1: Tablo başlığı {#tbl:a}\n\n| a |\n|---|\n| 1 |\n"
    )
    xml, log = filtered(text)
    assert "word-fields" not in log, log
    root = ET.fromstring(xml)
    found = fields(root)
    seq = [f for f in found if f["instr"].startswith("SEQ")]
    refs = [f for f in found if f["instr"].startswith("REF")]
    assert [f["instr"] for f in seq] == ["SEQ Figure \\* ARABIC", "SEQ Table \\* ARABIC"]
    (long_name,) = seq[0]["bookmarks"]
    assert len(long_name) == 40 and BOOKMARK.match(long_name)
    assert long_name.startswith("_Ref_fig_goc_goc_")
    assert refs[0]["instr"] == f"REF {long_name} \\h" and refs[0]["result"] == "1"
    assert "Şekil 1’de ve Tablo 1" in refs[0]["text"]  # the suffix stays outside the field


def test_filter_leaves_other_formats_and_odd_numbers_alone():
    text = "![Figure 1: A](a.png){#fig:a}\n\nSee [Figure 1](#fig:a).\n"
    html, _ = filtered(text, to="html")
    assert 'href="#fig:a"' in html and "SEQ" not in html
    xml, log = filtered(text.replace("Figure 1: A", "Figure A.1: A"))
    assert "SEQ" not in xml and "REF" not in xml
    assert "does not start with a label and a number" in log or "not a plain integer" in log
    _, log = filtered(text.replace("Figure 1: A", "Figure 3: A"))
    assert "Word will renumber it" in log


def test_figures_are_numbered_in_document_order():
    figure = {
        "t": "Figure",
        "c": [
            ["fig:b", [], []],
            [None, [{"t": "Plain", "c": [{"t": "Str", "c": "Figure"}, {"t": "Space"}]}]],
            [{"t": "Plain", "c": [{"t": "Image", "c": [["", [], []], [], ["x.svg", ""]]}]}],
        ],
    }
    figure["c"][1][1][0]["c"].append({"t": "Str", "c": "2:"})
    with pytest.raises(RuntimeError, match="caption says Figure 2, but it is figure 1"):
        figures_of({"blocks": [figure]})


# --------------------------------------------------------------------------- end to end


@pytest.fixture(scope="session")
def journal(tmp_path_factory, built, mirror) -> Path:
    """A copy of the built paper with the journal's deliverables built (shared by the
    xdist workers)."""
    folder = _shared_dir(tmp_path_factory) / "journal"
    status = folder.with_suffix(".json")
    with _locked(folder.with_suffix(".lock")):
        if not status.is_file():
            shutil.copytree(built, folder, symlinks=True)
            run = snakemake(folder, "journal", mirror=mirror)
            status.write_text(json.dumps({"returncode": run.returncode, "stderr": run.stderr}))
        result = json.loads(status.read_text())
    assert result["returncode"] == 0, result["stderr"][-4000:]
    return folder


def expected(tree: Path, lang: str) -> dict:
    """Figures and tables (id, caption label and number) in document order, and the
    targets of the cross-references to them, from the resolved AST."""
    ast = json.loads((tree / f"manuscript/build/{lang}/paper.json").read_text("utf-8"))
    captions, links = [], []
    for node in elements(ast["blocks"]):
        kind = node.get("t")
        if kind in ("Figure", "Table"):
            text = _plain(node["c"][1][1]).strip()
            label, number = re.match(r"^(\S+)\s+(\d+)", text).groups()
            captions.append({"kind": kind, "id": node["c"][0][0], "label": label, "number": number})
        elif kind == "Link" and re.match(r"^#(fig|tbl):", node["c"][2][0]):
            links.append(node["c"][2][0][1:])
    return {"captions": captions, "links": links}


def part(docx: Path, name: str) -> ET.Element:
    with zipfile.ZipFile(docx) as archive:
        return ET.fromstring(archive.read(name))


def docx_of(tree: Path, lang: str) -> Path:
    return tree / f"manuscript/build/{lang}/paper-journal.docx"


def bookmark_for(identifier: str) -> str:
    return "_Ref_" + re.sub(r"[^A-Za-z0-9]", "_", identifier)


@pytest.mark.e2e
@pytest.mark.parametrize("lang", LANGS)
def test_journal_docx_layout(journal, lang):
    docx = docx_of(journal, lang)
    log = (journal / f"logs/deliverables/journal_docx_{lang}.log").read_text(encoding="utf-8")
    assert "word-fields" not in log, log
    section = part(docx, "word/document.xml").find(w("body"))[-1]
    assert section.tag == w("sectPr")
    size = section.find(w("pgSz"))
    assert (size.get(w("w")), size.get(w("h"))) == ("11906", "16838")  # A4
    margins = section.find(w("pgMar"))
    assert all(margins.get(w(side)) == "1417" for side in ("top", "right", "bottom", "left"))
    numbering = section.find(w("lnNumType"))
    assert numbering.get(w("countBy")) == "1" and numbering.get(w("restart")) == "continuous"
    styles = part(docx, "word/styles.xml")
    by_id = {s.get(w("styleId")): s for s in styles.iter(w("style"))}
    for style_id in DOUBLE_SPACED:
        spacing = by_id[style_id].find(f"{w('pPr')}/{w('spacing')}")
        assert (spacing.get(w("line")), spacing.get(w("lineRule"))) == ("480", "auto"), style_id
    defaults = styles.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")
    assert defaults.find(w("rFonts")).get(w("ascii")) == "Times New Roman"
    assert defaults.find(w("sz")).get(w("val")) == "24"
    rels = part(docx, "word/_rels/document.xml.rels")
    targets = {rel.get("Id"): rel.get("Target") for rel in rels.iter(f"{{{PKG}}}Relationship")}
    footer = part(docx, "word/" + targets[section.find(w("footerReference")).get(f"{{{R}}}id")])
    assert "PAGE" in [t.text.strip() for t in footer.iter(w("instrText"))]


@pytest.mark.e2e
@pytest.mark.parametrize("lang", LANGS)
def test_captions_and_cross_references_are_word_fields(journal, lang):
    want = expected(journal, lang)
    document = part(docx_of(journal, lang), "word/document.xml")
    found = fields(document)
    seq = [f for f in found if f["instr"].startswith("SEQ ")]
    assert len(seq) == len(want["captions"]) > 0
    counters = {"Figure": 0, "Table": 0}
    for field, caption in zip(seq, want["captions"], strict=True):
        counters[caption["kind"]] += 1
        assert field["instr"] == f"SEQ {caption['kind']} \\* ARABIC"
        assert field["result"] == caption["number"] == str(counters[caption["kind"]])
        assert field["text"].startswith(f"{caption['label']} {caption['number']}:")
        assert field["bookmarks"] == {bookmark_for(caption["id"])}
    number_of = {name: f["result"] for f in seq for name in f["bookmarks"]}
    refs = [f for f in found if f["instr"].startswith("REF ")]
    assert len(refs) == len(want["links"]) > 0
    for field, target in zip(refs, want["links"], strict=True):
        name, *switches = field["instr"].split()[1:]
        assert name == bookmark_for(target) and "\\h" in switches
        assert field["result"] == number_of[name]
    anchors = [h.get(w("anchor")) for h in document.iter(w("hyperlink"))]
    assert not [a for a in anchors if a and re.match(r"^(fig|tbl):", a)]
    starts = list(document.iter(w("bookmarkStart")))
    ids = [s.get(w("id")) for s in starts]
    assert len(ids) == len(set(ids)) and set(ids) == {
        e.get(w("id")) for e in document.iter(w("bookmarkEnd"))
    }


def to_pdf(source: Path, folder: Path) -> Path:
    """LibreOffice's PDF of ``source`` (paperkit's conversion, as the layout check makes it)."""
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        unavailable("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    return docx_to_pdf(source, folder, source.stem)


def pdf_text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    """The text of pages ``first`` to ``last`` (1-based) of a PDF."""
    from pypdf import PdfReader

    pages = PdfReader(pdf).pages
    chosen = pages[(first or 1) - 1 : last or len(pages)]
    return "\n".join(page.extract_text() for page in chosen)


@pytest.mark.e2e
@pytest.mark.parametrize("lang", LANGS)
def test_libreoffice_prints_line_and_page_numbers(journal, lang, tmp_path):
    pdf = to_pdf(docx_of(journal, lang), tmp_path)
    from pypdf import PdfReader

    box = PdfReader(pdf).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    numbers = [
        [int(line) for line in pdf_text(pdf, page, page).splitlines() if line.strip().isdigit()]
        for page in (1, 2)
    ]
    # line numbers 1, 2, 3 … on page 1, continued on page 2, and the page numbers
    assert set(range(1, 21)) <= set(numbers[0])
    assert max(numbers[0]) + 1 in numbers[1] and 2 in numbers[1]
    text = pdf_text(pdf)
    for caption in expected(journal, lang)["captions"]:
        assert f"{caption['label']} {caption['number']}:" in text


@pytest.mark.e2e
def test_fields_are_live(journal, tmp_path):
    """LibreOffice recomputes SEQ and REF fields: a DOCX whose cached results are all
    wrong (90 added) still prints the right numbers."""
    source = docx_of(journal, "tr")
    want = expected(journal, "tr")
    tampered = tmp_path / "tampered.docx"
    with (
        zipfile.ZipFile(source) as zin,
        zipfile.ZipFile(tampered, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/document.xml":
                data, count = re.subn(
                    rb'(<w:fldChar w:fldCharType="separate"/></w:r>'
                    rb'<w:r><w:t xml:space="preserve">)(\d+)',
                    lambda m: m.group(1) + str(90 + int(m.group(2))).encode(),
                    data,
                )
                assert count == len(want["captions"]) + len(want["links"])
            zout.writestr(info, data)
    text = pdf_text(to_pdf(tampered, tmp_path))
    labels = {c["label"] for c in want["captions"]}
    printed = re.findall("(" + "|".join(labels) + r") (\d+)", text)
    assert printed and all(int(number) < 90 for _, number in printed), printed


@pytest.mark.e2e
@pytest.mark.parametrize("lang", LANGS)
def test_every_figure_as_numbered_pdf_and_600_dpi_png(journal, lang, tmp_path):
    folder = journal / f"manuscript/build/{lang}/figures"
    listed = json.loads((folder / "figures.json").read_text(encoding="utf-8"))["figures"]
    want = [c for c in expected(journal, lang)["captions"] if c["kind"] == "Figure"]
    assert [f["id"] for f in listed] == [c["id"] for c in want]
    for number, figure in enumerate(listed, 1):
        stem = f"figure-{number:02d}-{figure['id'].removeprefix('fig:')}"
        pdf, png = (folder / f"{stem}.pdf").read_bytes(), (folder / f"{stem}.png").read_bytes()
        assert pdf.startswith(b"%PDF-") and png[12:16] == b"IHDR"
        svg = (journal / figure["svg"]).read_text("utf-8")
        width_pt = float(re.search(r'<svg[^>]*\bwidth="([\d.]+)pt"', svg).group(1))
        assert abs(struct.unpack(">I", png[16:20])[0] - width_pt / 72 * 600) <= 2
        chunk = png.index(b"pHYs")
        ppm_x, ppm_y, unit = struct.unpack(">IIB", png[chunk + 4 : chunk + 13])
        assert unit == 1 and round(ppm_x * 0.0254) == round(ppm_y * 0.0254) == 600
    again = export_figures(
        journal / f"manuscript/build/{lang}/paper.json", tmp_path / "again", root=journal
    )
    assert [f["files"] for f in again] == [f["files"] for f in listed]  # the same bytes
