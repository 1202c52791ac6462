"""The revisions of a DOCX read back: listed in document order (``revisions``), or
every one accepted or rejected, as Word does it (``resolved_paragraphs``), to check
that the diff's DOCX accepts into the new version and rejects into the old one."""

from __future__ import annotations

import zipfile
from pathlib import Path

from paperkit.trackdiff.docx import W


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def revisions(docx: Path) -> list[tuple[str, str]]:
    """("ins" | "del", text) of every revision in the body of a DOCX, in document order."""
    import xml.etree.ElementTree as ET

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(docx) as archive:
        body = ET.fromstring(archive.read("word/document.xml"))
    found = []
    for element in body.iter():
        if element.tag in (w + "ins", w + "del"):
            text = "".join(
                t.text or "" for t in element.iter() if t.tag in (w + "t", w + "delText")
            )
            found.append((element.tag[len(w) :], text))
    return found


def resolved_paragraphs(docx: Path, accept: bool = True) -> list[tuple[str, str]]:
    """(style, text) of every paragraph of the DOCX's body, in order (tables' too), with
    every revision accepted (``accept``) or rejected, as Word does it: the text of the
    other kind goes, a paragraph whose mark goes joins the next one, a table row whose
    row mark goes is gone. A DOCX without revisions reads as it is. Tabs read as \\t."""
    import xml.etree.ElementTree as ET

    gone = _w("del") if accept else _w("ins")
    with zipfile.ZipFile(docx) as archive:
        body = ET.fromstring(archive.read("word/document.xml")).find(_w("body"))

    def text(element) -> str:
        if element.tag in (gone, _w("pPr"), _w("rPr")):
            return ""
        if element.tag in (_w("t"), _w("delText")):
            return element.text or ""
        if element.tag == _w("tab"):
            return "\t"
        return "".join(text(inner) for inner in element)

    def dropped(element, properties: str) -> bool:
        found = element.find(f"{_w(properties)}")
        if properties == "pPr" and found is not None:
            found = found.find(_w("rPr"))
        return found is not None and found.find(gone) is not None

    out: list[tuple[str, str]] = []
    carried = ""

    def visit(element) -> None:
        nonlocal carried
        for child in element:
            if child.tag == _w("tr") and dropped(child, "trPr"):
                continue
            if child.tag != _w("p"):
                visit(child)
                continue
            content = text(child)
            if dropped(child, "pPr"):
                carried += content
                continue
            style = child.find(f"{_w('pPr')}/{_w('pStyle')}")
            before = child.find(f"{_w('pPr')}/{_w('pPrChange')}/{_w('pPr')}/{_w('pStyle')}")
            if not accept and before is not None:
                style = before  # a change of the paragraph's style, rejected
            out.append((style.get(_w("val")) if style is not None else "", carried + content))
            carried = ""

    visit(body)
    return out
