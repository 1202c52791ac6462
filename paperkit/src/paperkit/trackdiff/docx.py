"""The DOCX of a diff as Word wants it: marks pushed inside links (OOXML has no
revision around a hyperlink), flags as Word comments rather than insertions, one id
space for every revision, paragraphs and table rows inserted or deleted whole marked
as such, and section numbers inside their revisions (``paperkit.trackdiff.readback``
reads them back)."""

from __future__ import annotations

import copy
import re
import zipfile
from pathlib import Path

from paperkit.trackdiff.marks import (
    DELETION,
    FLAG,
    INSERTION,
    NUMBERED_BEFORE,
    classes_of,
    is_mark,
)

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


REVISION_ID = re.compile(rb'(<w:(?:ins|del|pPrChange) w:id=")(\d+)(")')
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


# --------------------------------------------------------------------------- whole paragraphs

# Word keeps a paragraph's end (its mark) apart from its text: a paragraph inserted or
# deleted whole is one whose mark is inserted or deleted too (w:pPr/w:rPr/w:ins, w:del),
# and a table row one whose w:trPr says so. Without them, rejecting every revision leaves
# each inserted paragraph as an empty shell in its style (and accepting, each deleted
# one). Pandoc writes no such marks: the whole-block Divs are given identifiers here,
# which Pandoc writes as bookmarks around their paragraphs, and ``paragraph_marks``
# marks every paragraph and row between a bookmark's start and end, then removes it.
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
BLOCK_BOOKMARK = "trackdiff-block-"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def mark_attributes(value) -> dict[str, str]:
    """The author and date of the first mark in ``value`` (one diff has one of each)."""
    if isinstance(value, dict):
        if value.get("t") in ("Span", "Div") and ({INSERTION, DELETION} & set(classes_of(value))):
            return dict(value["c"][0][2])
        values = value.values()
    elif isinstance(value, list):
        values = value
    else:
        return {}
    for inner in values:
        if found := mark_attributes(inner):
            return found
    return {}


def blocks_bookmarked(value):
    """A copy of ``value`` where every whole inserted or deleted block (a mark Div) has an
    identifier ``trackdiff-block-<kind>-<n>``: Pandoc's bookmark around its paragraphs."""
    counter = iter(range(1, 10**9))

    def visit(value):
        if isinstance(value, list):
            return [visit(item) for item in value]
        if not isinstance(value, dict):
            return value
        value = {key: visit(inner) for key, inner in value.items()}
        if value.get("t") == "Div":
            kinds = [kind for kind in (INSERTION, DELETION) if kind in classes_of(value)]
            if kinds:
                attr = value["c"][0]
                value["c"] = [
                    [f"{BLOCK_BOOKMARK}{kinds[0]}-{next(counter)}", *attr[1:]],
                    value["c"][1],
                ]
        return value

    return visit(value)


def _section_number(counters: list[int], level: int) -> list[int]:
    """The next section number at ``level`` after ``counters``, as Pandoc numbers
    sections (a level skipped counts as 0)."""
    if len(counters) >= level:
        return [*counters[: level - 1], counters[level - 1] + 1]
    return [*counters, *[0] * (level - len(counters) - 1), 1]


def headings_numbered(value) -> dict:
    """A copy of the marked document ``value`` whose headers carry their section numbers
    as text, inside the revisions: an inserted header's number is inserted, a deleted
    header's old number deleted, and a kept header whose number changed reads old → new
    (Pandoc numbers the new document's headers only, outside any revision, so rejecting
    every revision would keep new numbers and drop the deleted ones). Write it without
    Pandoc's own numbering (every header is made unnumbered here)."""
    value = copy.deepcopy(value)
    attrs = list(mark_attributes(value).items())
    counters = {"old": [], "new": []}

    def number(text: str) -> list:
        # as docx-heading-numbers.lua writes them in the paper's DOCX: the number, then a
        # space (a tab can shrink to a hairline, see that filter)
        style = ["", [], [["custom-style", "Section Number"]]]
        return [{"t": "Span", "c": [style, [{"t": "Str", "c": text}]]}, {"t": "Space"}]

    def mark(kind: str, inlines: list) -> list:
        return [{"t": "Span", "c": [["", [kind], attrs], inlines]}] if inlines else []

    def header(block: dict, inside: str | None) -> None:
        level, (ident, classes, kv), _ = block["c"]
        shown = {}
        for view in ("old", "new"):
            if inside == (INSERTION if view == "old" else DELETION):
                continue  # not in this version
            if "unnumbered" in classes and not (view == "old" and NUMBERED_BEFORE in classes):
                continue
            counters[view] = _section_number(counters[view], level)
            shown[view] = ".".join(map(str, counters[view]))
        old, new = shown.get("old"), shown.get("new")
        if inside == INSERTION or (old is None and new):
            prefix = mark(INSERTION, number(new) if new else [])
        elif inside == DELETION or (new is None and old):
            prefix = mark(DELETION, number(old) if old else [])
        elif old == new:
            prefix = number(new) if new else []
        else:
            prefix = mark(DELETION, number(old)) + mark(INSERTION, number(new))
        if "unnumbered" not in classes:
            classes = [*classes, "unnumbered"]
        block["c"] = [level, [ident, classes, kv], prefix + block["c"][2]]

    def visit(blocks: list, inside: str | None) -> None:
        for block in blocks:
            if not isinstance(block, dict):
                continue
            if block.get("t") == "Header":
                header(block, inside)
            elif block.get("t") == "Div":
                kinds = [k for k in (INSERTION, DELETION) if k in classes_of(block)]
                visit(block["c"][1], kinds[0] if kinds else inside)

    visit(value["blocks"], None)
    return value


def _wrap_runs(parent, kind: str, attrs: dict[str, str]) -> None:
    """Every run of ``parent`` (a paragraph or a hyperlink in it) that no revision holds
    put inside a new one of ``kind`` (``ins`` or ``del``; deleted text is w:delText)."""
    for index, child in enumerate(list(parent)):
        if child.tag == _w("hyperlink"):
            _wrap_runs(child, kind, attrs)
        elif child.tag == _w("r"):
            revision = _revision(kind, attrs)
            parent.remove(child)
            parent.insert(index, revision)
            revision.append(child)
            if kind == "del":
                for element in child.iter():
                    if element.tag == _w("t"):
                        element.tag = _w("delText")
                    elif element.tag == _w("instrText"):
                        element.tag = _w("delInstrText")


def _revision(kind: str, attrs: dict[str, str]):
    import xml.etree.ElementTree as ET

    element = ET.Element(_w(kind))
    element.set(_w("id"), "0")  # renumbered by unique_revision_ids
    element.set(_w("author"), attrs.get("author", ""))
    element.set(_w("date"), attrs.get("date", ""))
    return element


def _child(parent, tag: str, index: int | None = None):
    """``parent``'s child ``tag``, made (at ``index``, else last) when it has none."""
    import xml.etree.ElementTree as ET

    found = parent.find(_w(tag))
    if found is None:
        found = ET.Element(_w(tag))
        parent.insert(len(parent) if index is None else index, found)
    return found


def _read_xml(data: bytes):
    """The root of an XML part, with its namespace prefixes registered so that it is
    written back with the same ones."""
    import io
    import xml.etree.ElementTree as ET

    for _, (prefix, uri) in ET.iterparse(io.BytesIO(data), events=("start-ns",)):
        ET.register_namespace(prefix, uri)
    return ET.fromstring(data)


def mark_whole_paragraphs(data: bytes, attrs: dict[str, str]) -> bytes:
    """document.xml with every paragraph and table row inside a whole-block bookmark
    (``blocks_bookmarked``) marked inserted or deleted, mark and text (runs outside any
    revision, such as a section number, put inside one), and those bookmarks removed."""
    import xml.etree.ElementTree as ET

    root = _read_xml(data)
    parents = {child: parent for parent in root.iter() for child in parent}
    open_ranges: dict[str, str] = {}  # bookmark id → ins | del
    marked, bookmarks = [], []
    for element in root.iter():
        if element.tag == _w("bookmarkStart"):
            name = element.get(_w("name"), "")
            if name.startswith(BLOCK_BOOKMARK):
                kind = "ins" if name[len(BLOCK_BOOKMARK) :].startswith(INSERTION) else "del"
                open_ranges[element.get(_w("id"))] = kind
                bookmarks.append(element)
        elif element.tag == _w("bookmarkEnd") and element.get(_w("id")) in open_ranges:
            del open_ranges[element.get(_w("id"))]
            bookmarks.append(element)
        elif element.tag in (_w("p"), _w("tr")) and open_ranges:
            marked.append((element, list(open_ranges.values())[-1]))
    for element, kind in marked:
        if element.tag == _w("p"):
            properties = _child(element, "pPr", 0)
            _child(properties, "rPr").append(_revision(kind, attrs))
            _wrap_runs(element, kind, attrs)
        else:
            has_exceptions = element.find(_w("tblPrEx")) is not None
            _child(element, "trPr", 1 if has_exceptions else 0).append(_revision(kind, attrs))
    for bookmark in bookmarks:
        parents[bookmark].remove(bookmark)
    _body_styles(root.find(_w("body")), dict(marked), attrs)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


# Pandoc styles the paragraph after a heading "First Paragraph" and the others "Body
# Text": a paragraph whose neighbour was inserted or deleted has one style in the old
# version and another in the new.
BODY_STYLES = ("BodyText", "FirstParagraph")


def _style(paragraph) -> str:
    found = paragraph.find(f"{_w('pPr')}/{_w('pStyle')}")
    return found.get(_w("val"), "") if found is not None else ""


def _body_styles(body, ranges: dict, attrs: dict[str, str]) -> None:
    """Give each body paragraph of Pandoc's two body styles the one it has in the new
    version, and, where the old version had the other, the old one as a tracked change
    of its properties (w:pPrChange), so that rejecting every revision restores it.
    ``ranges`` maps the paragraphs and rows of whole inserted or deleted blocks to
    ``ins`` or ``del``."""
    import xml.etree.ElementTree as ET

    styles: dict[str, dict] = {"new": {}, "old": {}}
    for view, absent in (("new", "del"), ("old", "ins")):
        after_heading = False
        for child in body:
            if child.tag == _w("p"):
                if ranges.get(child) == absent:
                    continue
                style = _style(child)
                if style in BODY_STYLES:
                    styles[view][child] = BODY_STYLES[after_heading]
                after_heading = style.startswith("Heading")
            elif child.tag == _w("tbl"):
                rows = child.findall(_w("tr"))
                if rows and all(ranges.get(row) == absent for row in rows):
                    continue
                after_heading = False
    for paragraph in body.findall(_w("p")):
        new, old = styles["new"].get(paragraph), styles["old"].get(paragraph)
        if new is None and old is None:
            continue
        properties = _child(paragraph, "pPr", 0)
        _child(properties, "pStyle", 0).set(_w("val"), new or old)
        if new and old and new != old:
            change = ET.SubElement(properties, _w("pPrChange"))
            change.set(_w("id"), "0")
            change.set(_w("author"), attrs.get("author", ""))
            change.set(_w("date"), attrs.get("date", ""))
            ET.SubElement(ET.SubElement(change, _w("pPr")), _w("pStyle")).set(_w("val"), old)


def paragraph_marks(docx: Path, attrs: dict[str, str]) -> None:
    """Rewrite the DOCX's document.xml with ``mark_whole_paragraphs`` (the other entries
    keep their bytes, order, dates and compression)."""
    with zipfile.ZipFile(docx) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(docx, "w") as archive:
        for info, data in entries:
            if info.filename == "word/document.xml":
                data = mark_whole_paragraphs(data, attrs)
            archive.writestr(info, data)
