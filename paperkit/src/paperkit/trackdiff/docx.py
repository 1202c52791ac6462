"""The DOCX of a diff as Word wants it: marks pushed inside links (OOXML has no
revision around a hyperlink), flags as Word comments rather than insertions, and one id
space for every revision; ``revisions`` reads the revisions of a DOCX back."""

from __future__ import annotations

import copy
import re
import zipfile
from pathlib import Path

from paperkit.trackdiff.marks import FLAG, classes_of, is_mark

# --------------------------------------------------------------------------- DOCX details


def _has_link(element) -> bool:
    """A Link inside ``element``, not counting footnotes (another part of the DOCX)."""
    if not isinstance(element, dict) or element.get("t") == "Note":
        return False
    if element.get("t") == "Link":
        return True
    return any(_has_link(x) for x in _elements_shallow(element))


def _elements_shallow(element: dict):
    for inner in element.get("c") or []:
        if isinstance(inner, dict):
            yield inner
        elif isinstance(inner, list):
            yield from (x for x in inner if isinstance(x, dict))


# Inline containers whose children are inlines (at this index of "c"; None: "c" itself):
# where a mark can be pushed down.
INLINE_CHILDREN = {
    "Emph": None,
    "Strong": None,
    "Underline": None,
    "Strikeout": None,
    "Superscript": None,
    "Subscript": None,
    "SmallCaps": None,
    "Quoted": 1,
    "Cite": 1,
    "Span": 1,
    "Link": 1,
}


def _distribute(mark: dict, inlines: list) -> list:
    """``mark``'s Span around ``inlines``, pushed inside every Link on the way."""
    attr = mark["c"][0]
    out, run = [], []
    for element in inlines:
        kind = element.get("t")
        if not _has_link(element) or kind not in INLINE_CHILDREN:
            run.append(element)
            continue
        if run:
            out.append({"t": "Span", "c": [attr, run]})
            run = []
        element = copy.copy(element)
        where = INLINE_CHILDREN[kind]
        if where is None:
            element["c"] = _distribute(mark, element["c"])
        else:
            element["c"] = [
                *element["c"][:where],
                _distribute(mark, element["c"][where]),
                *element["c"][where + 1 :],
            ]
        out.append(element)
    if run:
        out.append({"t": "Span", "c": [attr, run]})
    return out


def marks_inside_links(value):
    """A copy of ``value`` where no mark has a Link inside it: [[text](url)]{.insertion}
    becomes [[text]{.insertion}](url). Pandoc writes the former as <w:ins><w:hyperlink>,
    which OOXML does not allow and which LibreOffice and Pandoc's reader show as
    empty (jgm/pandoc#4609); the latter is <w:hyperlink><w:ins>, Word's own shape.
    Citations resolved by citeproc carry such links (link-citations)."""
    if isinstance(value, list):
        out = []
        for element in value:
            if is_mark(element) and _has_link(element):
                out += _distribute(element, element["c"][1])
            else:
                out.append(marks_inside_links(element))
        return out
    if isinstance(value, dict):
        return {k: marks_inside_links(v) for k, v in value.items()}
    return value


def flags_as_comments(value):
    """A copy of ``value`` where every flag is a Word comment anchored in its caption,
    not a tracked insertion: accepting every change must not leave "[changed]" in the
    text. (Pandoc writes comment-start/comment-end Spans as Word comments.)"""
    counter = iter(range(1, 10**9))

    def convert(value):
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        if not isinstance(value, list):
            return value
        out = []
        for element in value:
            if out and out[-1] is _FLAGGED and isinstance(element, dict):
                out.pop()
                if element.get("t") == "Space":
                    continue
            if isinstance(element, dict) and FLAG in classes_of(element):
                attrs, number = dict(element["c"][0][2]), str(next(counter))
                start = [["id", number], ["author", attrs.get("author", "")]]
                start.append(["date", attrs.get("date", "")])
                out.append({"t": "Span", "c": [["", ["comment-start"], start], element["c"][1]]})
                out.append({"t": "Span", "c": [["", ["comment-end"], [["id", number]]], []]})
                out.append(_FLAGGED)  # the space after the flag goes with it
                continue
            out.append(convert(element))
        return [element for element in out if element is not _FLAGGED]

    return convert(value)


_FLAGGED = object()


REVISION_ID = re.compile(rb'(<w:(?:ins|del) w:id=")(\d+)(")')
ANY_ID = re.compile(rb'w:id="(\d+)"')


def unique_revision_ids(docx: Path) -> None:
    """Renumber the w:ins/w:del of a DOCX above every other w:id. Pandoc counts
    insertions and deletions separately from 1, so they collide with each other and
    with bookmarks, while OOXML has one id space for all of them (Word may call such a
    file corrupt). The entries keep their order, dates and compression."""
    parts = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")
    with zipfile.ZipFile(docx) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    texts = [data for info, data in entries if info.filename in parts]
    counter = iter(
        range(1 + max((int(m) for t in texts for m in ANY_ID.findall(t)), default=0), 10**9)
    )

    def renumber(match: re.Match) -> bytes:
        return match.group(1) + str(next(counter)).encode() + match.group(3)

    with zipfile.ZipFile(docx, "w") as archive:
        for info, data in entries:
            archive.writestr(
                info, REVISION_ID.sub(renumber, data) if info.filename in parts else data
            )


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
