"""The journal's reference document for Pandoc's DOCX writer (pandoc/templates/reference.docx).

It starts from Pandoc's own default (``pandoc --print-default-data-file
reference.docx``) and changes only what a submission needs:

* A4 page (11906 x 16838 twips) with 2.5 cm (1417 twips) margins;
* continuous line numbering (``w:lnNumType countBy=1 restart=continuous``);
* the page number in the footer (a PAGE field in word/footer1.xml);
* Times New Roman 12 pt everywhere (document defaults, headings, theme fonts);
* double line spacing (``w:spacing w:line=480 w:lineRule=auto``) in the body
  text styles (Normal, Body Text, First Paragraph, Compact, which tables also use,
  Bibliography, the captions, Abstract, Block Text, Footnote Text);
* black headings and links (links stay clickable);
* a figure's picture paragraph is single spaced and has no line number;
* the Abstract no longer keeps with the next paragraph (double spaced, title,
  author, abstract and first heading would not fit a page, and the title would be
  left alone on page 1).

Pandoc's DOCX writer takes styles, theme, fonts, settings, the section properties
of the reference document's body (its last w:sectPr) and the footer it references;
the body text of the reference document is ignored.

The bytes are the same on every run for a given Pandoc: the entries keep Pandoc's
order ([Content_Types].xml first, the footer last), every entry has the same date
(1980-01-01 00:00) and permissions, and the XML is written deterministically. A
test checks that the committed file is what the locked Pandoc makes; after a Pandoc
update, ``python -m paperkit.journal reference`` writes it again. Standard library only.
"""

from __future__ import annotations

import io
import re
import subprocess
import xml.etree.ElementTree as ET
import zipfile

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
FOOTER_REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
FOOTER_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"

FONT = "Times New Roman"
SIZE = 24  # half-points: 12 pt
A4 = (11906, 16838)  # twips
MARGIN = 1417  # 2.5 cm in twips (2.5 / 2.54 * 1440)
DOUBLE = "480"  # 240ths of a line: 2 lines ("auto" rule)

# Styles (by w:styleId) that get double line spacing.
DOUBLE_SPACED = [
    "Normal",
    "BodyText",
    "FirstParagraph",
    "Compact",
    "Bibliography",
    "Caption",
    "ImageCaption",
    "TableCaption",
    "Abstract",
    "BlockText",
    "FootnoteText",
]
# Font size (half-points) and bold/italic of titles and headings; the paragraph
# style and its linked character style ("...Char") get the same.
HEADINGS = {
    "Title": (32, True, False),
    "Subtitle": (28, False, False),
    "Heading1": (28, True, False),
    "Heading2": (24, True, False),
    "Heading3": (24, True, True),
    "Heading4": (24, False, True),
    "Heading5": (24, False, True),
    "Heading6": (24, False, True),
    "Heading7": (24, False, False),
    "Heading8": (24, False, False),
    "Heading9": (24, False, False),
    "AbstractTitle": (24, True, False),
    "Abstract": (24, False, False),
}

FOOTER_ID = "rIdJournalFooter1"
FOOTER_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:ftr xmlns:w="{W}" xmlns:r="{R}">'
    '<w:p><w:pPr><w:pStyle w:val="Footer"/><w:jc w:val="center"/></w:pPr>'
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    "<w:r><w:t>1</w:t></w:r>"
    '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    "</w:p></w:ftr>"
)
# The body's section properties; child order follows CT_SectPr of the schema.
SECT_PR = (
    "<w:sectPr>"
    f'<w:footerReference w:type="default" r:id="{FOOTER_ID}"/>'
    '<w:footnotePr><w:numRestart w:val="eachSect"/></w:footnotePr>'
    f'<w:pgSz w:w="{A4[0]}" w:h="{A4[1]}"/>'
    f'<w:pgMar w:top="{MARGIN}" w:right="{MARGIN}" w:bottom="{MARGIN}" w:left="{MARGIN}"'
    ' w:header="709" w:footer="709" w:gutter="0"/>'
    '<w:lnNumType w:countBy="1" w:distance="284" w:restart="continuous"/>'
    '<w:cols w:space="708"/>'
    "</w:sectPr>"
)
# Styles the default lacks: the footer paragraph and the line numbers.
NEW_STYLES = f"""
<w:styles xmlns:w="{W}">
  <w:style w:type="paragraph" w:styleId="Footer">
    <w:name w:val="footer"/>
    <w:basedOn w:val="Normal"/>
    <w:uiPriority w:val="99"/>
    <w:unhideWhenUsed/>
    <w:pPr>
      <w:tabs><w:tab w:val="center" w:pos="4536"/><w:tab w:val="right" w:pos="9072"/></w:tabs>
      <w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>
      <w:jc w:val="center"/>
    </w:pPr>
  </w:style>
  <w:style w:type="character" w:styleId="LineNumber">
    <w:name w:val="line number"/>
    <w:basedOn w:val="DefaultParagraphFont"/>
    <w:uiPriority w:val="99"/>
    <w:semiHidden/>
    <w:unhideWhenUsed/>
    <w:rPr>
      <w:sz w:val="18"/>
      <w:szCs w:val="18"/>
    </w:rPr>
  </w:style>
</w:styles>
"""

ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def default_reference(pandoc: str) -> bytes:
    run = subprocess.run(
        [pandoc, "--print-default-data-file", "reference.docx"], capture_output=True, check=True
    )
    return run.stdout


def serialize(root: ET.Element) -> bytes:
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body).encode("utf-8")


def child(parent: ET.Element, tag: str, before: tuple[str, ...] = ()) -> ET.Element:
    """The first ``w:tag`` child of parent, created if missing (inserted before the
    first child whose tag is in ``before``, to keep the schema's order)."""
    found = parent.find(w(tag))
    if found is not None:
        return found
    element = ET.Element(w(tag))
    later = {w(t) for t in before}
    for index, sibling in enumerate(list(parent)):
        if sibling.tag in later:
            parent.insert(index, element)
            return element
    parent.append(element)
    return element


# Children of w:style that come after w:pPr (so a new pPr goes before them).
AFTER_PPR = ("rPr", "tblPr", "trPr", "tcPr", "tblStylePr")
# Children of w:rPr after w:rFonts / w:b / w:i / w:color / w:sz.
RPR_ORDER = [
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
]
PPR_ORDER = [
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
]


def ordered_child(parent: ET.Element, tag: str, order: list[str]) -> ET.Element:
    """The ``w:tag`` child of parent, created at its place in ``order`` if missing."""
    found = parent.find(w(tag))
    if found is not None:
        return found
    later = {w(t) for t in order[order.index(tag) + 1 :]}
    element = ET.Element(w(tag))
    for index, sibling in enumerate(list(parent)):
        if sibling.tag in later:
            parent.insert(index, element)
            return element
    parent.append(element)
    return element


def set_fonts(rpr: ET.Element) -> None:
    fonts = ordered_child(rpr, "rFonts", RPR_ORDER)
    for attribute in list(fonts.attrib):
        if attribute.endswith("Theme") or attribute.endswith("theme"):
            del fonts.attrib[attribute]
    for kind in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(w(kind), FONT)


def set_size(rpr: ET.Element, half_points: int) -> None:
    ordered_child(rpr, "sz", RPR_ORDER).set(w("val"), str(half_points))
    ordered_child(rpr, "szCs", RPR_ORDER).set(w("val"), str(half_points))


def set_toggle(rpr: ET.Element, tag: str, on: bool) -> None:
    for name in (tag, tag + "Cs"):
        element = rpr.find(w(name))
        if on:
            element = ordered_child(rpr, name, RPR_ORDER)
            element.attrib.pop(w("val"), None)
        elif element is not None:
            rpr.remove(element)


def style_rpr(style: ET.Element) -> ET.Element:
    return child(style, "rPr", before=("tblPr", "trPr", "tcPr", "tblStylePr"))


def style_ppr(style: ET.Element) -> ET.Element:
    return child(style, "pPr", before=AFTER_PPR)


def edit_styles(data: bytes) -> bytes:
    root = ET.fromstring(data)
    styles = {s.get(w("styleId")): s for s in root.iter(w("style"))}

    # Document defaults: Times New Roman 12 pt.
    defaults = root.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")
    set_fonts(defaults)
    set_size(defaults, SIZE)

    # No theme fonts anywhere (explicit Times New Roman instead), black headings.
    for style in root.iter(w("style")):
        rpr = style.find(w("rPr"))
        if rpr is None:
            continue
        fonts = rpr.find(w("rFonts"))
        if fonts is not None and fonts.get(w("ascii")) != "Consolas":
            set_fonts(rpr)
        color = rpr.find(w("color"))
        if color is not None and style.get(w("styleId")) != "VerbatimChar":
            rpr.remove(color)

    for style_id, (size, bold, italic) in HEADINGS.items():
        for target in (style_id, style_id + "Char"):
            if target not in styles:
                continue
            rpr = style_rpr(styles[target])
            set_size(rpr, size)
            set_toggle(rpr, "b", bold)
            set_toggle(rpr, "i", italic)

    # Double line spacing in the text styles.
    for style_id in DOUBLE_SPACED:
        spacing = ordered_child(style_ppr(styles[style_id]), "spacing", PPR_ORDER)
        spacing.set(w("line"), DOUBLE)
        spacing.set(w("lineRule"), "auto")

    # Pandoc's Abstract style keeps with the next paragraph and keeps its lines
    # together: double spaced, an abstract paragraph whose lines do not all fit below
    # the title moves whole to page 2 (taking the author and "Abstract" with it, which
    # keep with it) and leaves the title alone on page 1. Whether it fits depends on
    # the font the machine substitutes for Times New Roman (DejaVu Serif is wider than
    # Liberation Serif), so the first page did too. The abstract flows like the text
    # (widow and orphan control still keep two lines together at a break).
    abstract = styles["Abstract"].find(w("pPr"))
    for tag in ("keepNext", "keepLines"):
        keep = abstract.find(w(tag)) if abstract is not None else None
        if keep is not None:
            abstract.remove(keep)

    # A figure's picture paragraph is not text: no line number beside the picture,
    # and single spacing (Word scales a "multiple" line height with an inline
    # picture's height, which would put blank space above every figure).
    for style_id in ("Figure", "CaptionedFigure"):
        ppr = style_ppr(styles[style_id])
        ordered_child(ppr, "suppressLineNumbers", PPR_ORDER)
    spacing = ordered_child(style_ppr(styles["Figure"]), "spacing", PPR_ORDER)
    spacing.set(w("line"), "240")
    spacing.set(w("lineRule"), "auto")

    # Links: black, not underlined (still clickable).
    link = style_rpr(styles["Hyperlink"])
    for tag in ("color", "u"):
        element = link.find(w(tag))
        if element is not None:
            link.remove(element)

    for new in ET.fromstring(NEW_STYLES):
        if new.get(w("styleId")) not in styles:
            root.append(new)
    return serialize(root)


def edit_document(data: bytes) -> bytes:
    text = data.decode("utf-8")
    sections = re.findall(r"<w:sectPr\b.*?</w:sectPr>", text, flags=re.S)
    if len(sections) != 1:
        raise ValueError(
            f"expected one w:sectPr in the default document.xml, found {len(sections)}"
        )
    if f'xmlns:r="{R}"' not in text:
        raise ValueError("the default document.xml does not declare the r: namespace")
    return text.replace(sections[0], SECT_PR).encode("utf-8")


def edit_rels(data: bytes) -> bytes:
    ET.register_namespace("", PKG_REL)
    root = ET.fromstring(data)
    if not any(rel.get("Id") == FOOTER_ID for rel in root):
        ET.SubElement(
            root,
            f"{{{PKG_REL}}}Relationship",
            {"Id": FOOTER_ID, "Type": FOOTER_REL_TYPE, "Target": "footer1.xml"},
        )
    return serialize(root)


def edit_content_types(data: bytes) -> bytes:
    ET.register_namespace("", CT)
    root = ET.fromstring(data)
    if not any(o.get("PartName") == "/word/footer1.xml" for o in root):
        ET.SubElement(
            root, f"{{{CT}}}Override", {"PartName": "/word/footer1.xml", "ContentType": FOOTER_CT}
        )
    return serialize(root)


def edit_theme(data: bytes) -> bytes:
    text = data.decode("utf-8")
    text, major = re.subn(
        r'(<a:majorFont>\s*<a:latin typeface=")[^"]*("[^>]*?)(\s*panose="[^"]*")?(/>)',
        rf"\g<1>{FONT}\g<2>\g<4>",
        text,
    )
    text, minor = re.subn(
        r'(<a:minorFont>\s*<a:latin typeface=")[^"]*("[^>]*?)(\s*panose="[^"]*")?(/>)',
        rf"\g<1>{FONT}\g<2>\g<4>",
        text,
    )
    if major != 1 or minor != 1:
        raise ValueError("theme1.xml: major/minor Latin fonts not found")
    return text.encode("utf-8")


EDITS = {
    "word/styles.xml": edit_styles,
    "word/document.xml": edit_document,
    "word/_rels/document.xml.rels": edit_rels,
    "[Content_Types].xml": edit_content_types,
    "word/theme/theme1.xml": edit_theme,
}


def reference_docx(default: bytes) -> bytes:
    """The journal's reference document, made from Pandoc's default (its bytes)."""
    ET.register_namespace("w", W)
    ET.register_namespace("r", R)
    with zipfile.ZipFile(io.BytesIO(default)) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    names = [name for name, _ in entries]
    missing = sorted(set(EDITS) - set(names))
    if missing:
        raise ValueError(f"Pandoc's default reference.docx lacks {missing}")
    entries = [(name, EDITS[name](data) if name in EDITS else data) for name, data in entries]
    if "word/footer1.xml" not in names:
        entries.append(("word/footer1.xml", FOOTER_XML.encode("utf-8")))
    # [Content_Types].xml first, as Office writes it; the rest in Pandoc's order.
    entries.sort(key=lambda entry: entry[0] != "[Content_Types].xml")

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            target.writestr(info, data, compresslevel=9)
    return out.getvalue()
