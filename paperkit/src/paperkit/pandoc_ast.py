"""Pandoc's JSON AST: reading Markdown into it, and small helpers to walk and build it.

Elements are the plain dicts of Pandoc's JSON format (``{"t": "Str", "c": ...}``);
no filter library is needed for the handful of element types the manuscript
machinery touches. Standard library only (Pandoc itself is a subprocess).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator

Element = dict


class PandocError(RuntimeError):
    """Pandoc rejected its input."""


def run_pandoc(executable: str, args: list[str], text: str, what: str) -> str:
    """Run Pandoc with ``text`` on stdin; return stdout or raise naming ``what`` failed."""
    run = subprocess.run(
        [executable, *args], input=text, capture_output=True, text=True, check=False
    )
    if run.returncode:
        raise PandocError(f"pandoc failed on {what}:\n{run.stderr}")
    return run.stdout


def read_markdown(executable: str, text: str, what: str) -> dict:
    """The JSON AST of a Markdown text (Pandoc's Markdown, as the writers expect it)."""
    return json.loads(run_pandoc(executable, ["--from=markdown", "--to=json"], text, what))


def string(text: str) -> Element:
    return {"t": "Str", "c": text}


SPACE: Element = {"t": "Space"}


def text_inlines(text: str) -> list[Element]:
    """``text`` as the inlines Pandoc's Markdown reader makes of it (words and spaces)."""
    inlines: list[Element] = []
    for index, word in enumerate(text.split(" ")):
        if index:
            inlines.append(dict(SPACE))
        if word:
            inlines.append(string(word))
    return inlines


def stringify(inlines: list[Element]) -> str:
    """The plain text of a list of inlines (as Pandoc's ``stringify``)."""
    parts = []
    for element in inlines:
        kind = element["t"]
        if kind == "Str":
            parts.append(element["c"])
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
        elif kind in ("Emph", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps"):
            parts.append(stringify(element["c"]))
        elif kind in ("Link", "Image", "Span") or kind == "Quoted" or kind == "Cite":
            parts.append(stringify(element["c"][1]))
        elif kind in ("Code", "Math", "RawInline"):
            parts.append(element["c"][1])
    return "".join(parts)


def children(element: Element) -> Iterator[list]:
    """The lists of blocks or inlines directly inside ``element`` (for walking)."""
    kind, content = element.get("t"), element.get("c")
    if kind in (
        "Para",
        "Plain",
        "Emph",
        "Strong",
        "Strikeout",
        "Superscript",
        "Subscript",
        "SmallCaps",
        "Underline",
        "BlockQuote",
        "LineBlock",
    ):
        if kind == "LineBlock":
            yield from content
        else:
            yield content
    elif kind in ("Header",):
        yield content[2]
    elif kind in ("Div", "Span", "Link", "Image", "Quoted", "Cite", "Note"):
        if kind == "Note":
            yield content
        elif kind == "Cite":
            for citation in content[0]:
                yield citation["citationPrefix"]
                yield citation["citationSuffix"]
            yield content[1]
        else:
            yield content[1]
    elif kind in ("BulletList",):
        yield from content
    elif kind == "OrderedList":
        yield from content[1]
    elif kind == "DefinitionList":
        for term, definitions in content:
            yield term
            yield from definitions
    elif kind == "Figure":
        yield from caption_lists(content[1])
        yield content[2]
    elif kind == "Table":
        yield from caption_lists(content[1])
        head, bodies, foot = content[3], content[4], content[5]
        for row in head[1]:
            yield from cell_lists(row)
        for body in bodies:
            for row in [*body[2], *body[3]]:
                yield from cell_lists(row)
        for row in foot[1]:
            yield from cell_lists(row)


def caption_lists(caption) -> Iterator[list]:
    short, long = caption
    if short:
        yield short
    yield long


def cell_lists(row) -> Iterator[list]:
    for cell in row[1]:
        yield cell[4]


def elements(value) -> Iterator[Element]:
    """Every element (a dict with "t") inside ``value``, in document order, parents
    before their children."""
    if isinstance(value, dict):
        if "t" in value:
            yield value
        for inner in value.values():
            yield from elements(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from elements(inner)


def walk_lists(items: list, visit: Callable[[list], None]) -> None:
    """Call ``visit`` on ``items`` and on every list of blocks or inlines inside them,
    innermost first, so that ``visit`` may rewrite a list in place."""
    for element in items:
        if isinstance(element, dict) and "t" in element:
            for inner in children(element):
                walk_lists(inner, visit)
    visit(items)


def meta_lists(meta: dict) -> Iterator[list]:
    """Every list of blocks or inlines in the document's metadata."""

    def values(value: dict) -> Iterator[list]:
        kind, content = value["t"], value.get("c")
        if kind in ("MetaInlines", "MetaBlocks"):
            yield content
        elif kind == "MetaList":
            for item in content:
                yield from values(item)
        elif kind == "MetaMap":
            for item in content.values():
                yield from values(item)

    for value in meta.values():
        yield from values(value)
