"""The marks of a tracked-changes diff on Pandoc's JSON AST, and what every part of the
diff reads off an element: its identity for matching, its words, classes and
identifier, whether it is a mark, and the text a marked run reads as in the new version.

A mark is a Span the way Pandoc's own DOCX reader marks tracked changes
(``--track-changes=all``)::

    Span ("", ["insertion"], [("author", A), ("date", D)]) [new words]
    Span ("", ["deletion"],  [("author", A), ("date", D)]) [old words]

A figure or table that changed gets a flag: an insertion Span that also has the class
``flag`` (its text is, e.g., ``[changed]``).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import PurePosixPath

from paperkit.pandoc_ast import children, elements, stringify

INSERTION, DELETION, FLAG = "insertion", "deletion", "flag"
# The class of a deleted header that had a section number in the old version.
NUMBERED_BEFORE = "numbered-before"

WHITESPACE = {"Space", "SoftBreak"}


# --------------------------------------------------------------------------- keys


def element_key(value) -> str:
    """Identity of an element for matching. A line break in the source (SoftBreak)
    and a space are the same text, so re-wrapped Markdown does not count as a change.
    (JSON escapes the quotes inside strings, so the replacement cannot hit text.)"""
    return json.dumps(value, sort_keys=True, ensure_ascii=False).replace(
        '{"t": "SoftBreak"}', '{"t": "Space"}'
    )


def words_of(value) -> list[str]:
    """The words (Str elements) inside ``value``: the unit of the word counts."""
    return [e["c"] for e in elements(value) if e["t"] == "Str"]


def classes_of(element: dict) -> list[str]:
    if element.get("t") in ("Span", "Div"):
        return element["c"][0][1]
    return []


def identifier_of(element) -> str:
    if not isinstance(element, dict):  # a list item
        return ""
    kind, c = element.get("t"), element.get("c")
    if kind == "Header":
        return c[1][0]
    if kind in ("Div", "Figure", "Table", "CodeBlock"):
        return c[0][0]
    return ""


def image_path_key(source: str) -> str:
    """The default identity of an image: its path without extension (the renderer picks
    SVG for HTML and PDF, PNG for DOCX, so "x" → "x.svg" is the same image)."""
    return str(PurePosixPath(source).with_suffix(""))


# --------------------------------------------------------------------------- marks


class Marker:
    """Builds the marks with one author and date, the flag's words, and the identity
    of an image (``image_key``: its path by default; its checksum in the workflow)."""

    def __init__(
        self,
        author: str,
        date: str,
        flag_text: str,
        image_key: Callable[[str], str] | None = None,
    ):
        self.attrs = [["author", author], ["date", date]]
        self.flag_text = flag_text
        self.image_key = image_key or image_path_key

    def span(self, inlines: list, kind: str, extra: tuple = ()) -> dict:
        return {"t": "Span", "c": [["", [kind, *extra], self.attrs], inlines]}

    def whole(self, block: dict, kind: str) -> dict:
        """A whole inserted or deleted block: a Div for HTML and PDF, and every run of
        text inside marked too, since the DOCX writer ignores Div classes."""
        block = copy.deepcopy(block)
        if kind == DELETION:
            # The deleted copy must not take a section number from the new document
            # nor duplicate an identifier that the new document still uses; the DOCX
            # shows the number it had (NUMBERED_BEFORE, paperkit.trackdiff.docx).
            for element in elements(block):
                if element["t"] == "Header":
                    classes = element["c"][1][1]
                    before = [] if "unnumbered" in classes else [NUMBERED_BEFORE]
                    element["c"][1][1] = [*classes, "unnumbered", "unlisted", *before]
                if identifier_of(element):
                    (element["c"][1] if element["t"] == "Header" else element["c"][0])[0] = ""
        self._mark_text(block, kind)
        return {"t": "Div", "c": [["", [kind], self.attrs], [block]]}

    def _mark_text(self, block: dict, kind: str) -> None:
        t = block.get("t")
        if t in ("Para", "Plain"):
            block["c"] = [self.span(block["c"], kind)]
        elif t == "Header":
            block["c"][2] = [self.span(block["c"][2], kind)]
        elif t == "LineBlock":
            block["c"] = [[self.span(line, kind)] for line in block["c"]]
        elif t == "Figure":
            # The caption only: a figure whose image is wrapped in a Span is no longer a
            # figure to Pandoc's DOCX writer (its image paragraph loses the figure's
            # style); the image's run goes into the revision with its paragraph
            # (paperkit.trackdiff.docx), and the Div marks it in HTML and PDF.
            for inner in block["c"][1][1]:
                self._mark_text(inner, kind)
        else:  # containers: every block list inside (captions, cells, items, ...)
            for blocks in children(block):
                for inner in blocks:
                    if isinstance(inner, dict):
                        self._mark_text(inner, kind)

    def flag(self, caption: list) -> list:
        """``caption`` (a list of blocks) with the marked flag in front of its text."""
        if not self.flag_text:
            return caption
        flag = [self.span([{"t": "Str", "c": self.flag_text}], INSERTION, (FLAG,)), {"t": "Space"}]
        caption = copy.deepcopy(caption)
        first = next((x for x in caption if x["t"] in ("Plain", "Para")), None)
        if first is None:
            caption.insert(0, {"t": "Plain", "c": flag[:1]})
        else:
            first["c"] = flag + first["c"]
        return caption


def is_mark(element, kind: str | None = None) -> bool:
    """An insertion or deletion Span (of ``kind`` if given); the flag is not."""
    if not isinstance(element, dict) or element.get("t") != "Span":
        return False
    classes = classes_of(element)
    if FLAG in classes:
        return False
    return (kind in classes) if kind else bool({INSERTION, DELETION} & set(classes))


def new_text(inlines: list) -> str:
    """The text of marked inlines as the new version reads (deletions left out)."""
    return stringify([x for x in inlines if not is_mark(x, DELETION)])
