"""Citeproc's work kept across the live preview's saves.

The citation pass (``defaults/citeproc.yaml``: references.lua, citeproc, citations.lua)
changes a resolved AST in two places only: each ``Cite`` gets its rendered text, and the
reference list (the ``Div`` with id ``refs``) gets the entries; it also drops the
reference data from the metadata. What it writes there depends on the citations in
their order (ids, mode, prefix, suffix, locator: ``Cite``'s citation list), the metadata
(language, style, ``link-citations``) and the bibliography and filters, not on the text
between the citations. So a save that changes only that text can take the rendered
``Cite`` elements and reference list of the last citeproc run (input ``Cite`` *i* gets
output ``Cite`` *i*) and skip a Pandoc run that costs half a second per language.

With a note style, citeproc also changes the text around citations (a citation becomes
a footnote, punctuation moves); a run that changed anything outside the citations and
the reference list is not reused (``reusable``), and citeproc runs on every save.
tests/test_citecache.py checks, on the paper and on edited copies of it, that the
reused result equals a fresh citeproc run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

REFERENCE_LIST_ID = "refs"


def _walk(node, visit) -> None:
    """Call ``visit`` on every element (dict with ``t``) of an AST fragment, in document
    order (the order in which Pandoc's ``query`` meets them), parents before children."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "t" in item:
                visit(item)
                if "c" in item:
                    stack.append(item["c"])
            else:  # a metadata map or an AST root
                stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))


def cites(ast: dict) -> list[dict]:
    """The ``Cite`` elements of the document's body, in document order."""
    found: list[dict] = []
    _walk(ast["blocks"], lambda element: found.append(element) if element["t"] == "Cite" else None)
    return found


def reference_lists(ast: dict) -> list[dict]:
    """The reference list ``Div``s (id ``refs``) of the body, wherever they stand."""
    found: list[dict] = []
    _walk(
        ast["blocks"],
        lambda element: (
            found.append(element)
            if element["t"] == "Div" and element["c"][0][0] == REFERENCE_LIST_ID
            else None
        ),
    )
    return found


def same_outside_citations(before, after) -> bool:
    """Whether two ASTs (or fragments) are the same but for the text of their citations
    (the citation lists themselves must match) and the content of their reference
    lists: what a citeproc run that can be reused changed."""
    if isinstance(before, dict) and isinstance(after, dict):
        kind = before.get("t")
        if kind != after.get("t"):
            return False
        if kind == "Cite":
            return before["c"][0] == after["c"][0]
        if kind == "Div" and before["c"][0][0] == after["c"][0][0] == REFERENCE_LIST_ID:
            return True
        return before.keys() == after.keys() and all(
            same_outside_citations(before[key], after[key]) for key in before
        )
    if isinstance(before, list) and isinstance(after, list):
        return len(before) == len(after) and all(
            same_outside_citations(one, other) for one, other in zip(before, after, strict=True)
        )
    return before == after


def citations_key(ast: dict, inputs: str) -> str:
    """What citeproc's output in the citations and the reference list depends on: the
    metadata, every citation (ids, mode, prefix, suffix, locator, note number) in order,
    how many reference lists there are, and ``inputs`` (a digest of the bibliography, the
    defaults and filters of the pass)."""
    state = {
        "meta": ast["meta"],
        "citations": [cite["c"][0] for cite in cites(ast)],
        "reference lists": len(reference_lists(ast)),
        "inputs": inputs,
    }
    text = json.dumps(state, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def reusable(ast: dict, cited: dict) -> bool:
    """Whether citeproc's output ``cited`` for ``ast`` can be carried to later versions
    of the text: ``ast`` has one reference list (``Div#refs``), and citeproc changed
    nothing outside the citations and the reference list (it does, with a note style:
    citations become footnotes and punctuation moves around them)."""
    return len(reference_lists(ast)) == 1 and same_outside_citations(ast["blocks"], cited["blocks"])


@dataclass(frozen=True)
class CiteprocRun:
    """What a citeproc run rendered, ready to be carried to a later text: the output's
    metadata, its ``Cite`` elements in order, its reference list's content."""

    key: str
    meta: dict
    cites: list[dict]
    reference_list: list

    @classmethod
    def of(cls, key: str, cited: dict) -> CiteprocRun:
        (references,) = reference_lists(cited)
        return cls(key, cited["meta"], cites(cited), references["c"])


def reuse(ast: dict, run: CiteprocRun) -> dict:
    """``ast`` with the citations, reference list and metadata of ``run`` (citeproc's
    output for a document with the same ``citations_key``): input ``Cite`` *i* becomes
    output ``Cite`` *i*, the ``Div#refs`` the output's. ``ast`` itself is changed (the
    caller's fresh parse) and shares those parts with ``run``: to be written, not
    changed further."""
    targets = cites(ast)
    if len(run.cites) != len(targets):
        raise ValueError(
            f"citeproc's output has {len(run.cites)} citations, the document {len(targets)}"
        )
    ast["meta"] = run.meta
    for target, source in zip(targets, run.cites, strict=True):
        target["c"] = source["c"]
    (mine,) = reference_lists(ast)
    mine["c"] = run.reference_list
    return ast
