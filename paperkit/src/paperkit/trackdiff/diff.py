"""Word-level tracked changes between two versions of a manuscript, on Pandoc's JSON AST.

``diff_ast(old, new, author, date)`` returns the *new* document with what changed
marked (``paperkit.trackdiff.marks``), and the summary of it
(``paperkit.trackdiff.summary.summarize``). Pandoc's DOCX writer turns the mark Spans
into Word revisions (``<w:ins>`` / ``<w:del>`` with ``w:author`` and ``w:date``); it
ignores the classes of a Div, so a whole inserted or deleted block is a Div *and* has
every run of text inside it marked as well. Blocks that did not change are the new
document's blocks, untouched: an unchanged section carries no mark. A figure or table
whose caption, cells or image changed gets a marked flag (``[changed]``) in front of
its caption.

The two ASTs are compared after citeproc (``paperkit.trackdiff.render.cite``), so
citations and the reference list are compared as the reader sees them, and after the
manuscript was resolved, so a number that changed reads old → new (a deletion followed
by an insertion). A pure function of plain JSON values; standard library only.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from difflib import SequenceMatcher

from paperkit.pandoc_ast import elements
from paperkit.trackdiff.marks import (
    DELETION,
    INSERTION,
    WHITESPACE,
    Marker,
    element_key,
    identifier_of,
    words_of,
)
from paperkit.trackdiff.summary import summarize

# Below this similarity (difflib ratio over the words of two blocks of the same kind)
# a changed block is shown as deleted + inserted rather than diffed word by word:
# a paragraph rewritten past that point reads better whole than as confetti.
CUTOFF = 0.4


# --------------------------------------------------------------------------- alignment


def _pair(old: list, new: list, kind, words) -> list[tuple]:
    """Pair the elements of a changed run, difflib.ndiff-style: the most similar pair of
    the same kind anchors, and the parts before and after it are paired recursively;
    a lone block facing a lone block of its kind pairs however different.
    Returns (i, j) pairs in document order; (i, None) is deleted, (None, j) inserted."""
    words_old, words_new = [words(x) for x in old], [words(x) for x in new]
    score = {}
    for i, a in enumerate(old):
        for j, b in enumerate(new):
            if kind(a) != kind(b):
                continue
            if identifier_of(a) and identifier_of(a) == identifier_of(b):
                score[i, j] = 1.0  # the same figure, table or section, however edited
            elif kind(a) in ("Figure", "Table") and identifier_of(a) and identifier_of(b):
                continue  # two different figures never pair
            else:
                matcher = SequenceMatcher(None, words_old[i], words_new[j], autojunk=False)
                if matcher.real_quick_ratio() >= CUTOFF and matcher.quick_ratio() >= CUTOFF:
                    score[i, j] = matcher.ratio()

    def align(i1, i2, j1, j2):
        inside = [(s, -i, -j) for (i, j), s in score.items() if i1 <= i < i2 and j1 <= j < j2]
        best = max(inside, default=(0.0, 0, 0))  # ties: the earliest pair
        if best[0] >= CUTOFF:
            i, j = -best[1], -best[2]
            return [*align(i1, i, j1, j), (i, j), *align(i + 1, i2, j + 1, j2)]
        if i2 - i1 == j2 - j1 == 1 and kind(old[i1]) == kind(new[j1]):
            return [(i1, j1)]  # e.g. a table cell "0.68" → "0.61": a word change
        return [(i, None) for i in range(i1, i2)] + [(None, j) for j in range(j1, j2)]

    return align(0, len(old), 0, len(new))


def _diff_seq(old: list, new: list, kind, words, on_pair, on_old, on_new) -> list:
    """Align two sequences (exact matches first, then similar pairs within each changed
    run) and build the output: equal elements are taken from ``new`` untouched."""
    out = []
    matcher = SequenceMatcher(
        None, [element_key(x) for x in old], [element_key(x) for x in new], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out += new[j1:j2]
            continue
        for i, j in _pair(old[i1:i2], new[j1:j2], kind, words):
            if j is None:
                out.append(on_old(old[i1 + i]))
            elif i is None:
                out.append(on_new(new[j1 + j]))
            else:
                out += on_pair(old[i1 + i], new[j1 + j])
    return out


# --------------------------------------------------------------------------- inlines


def _coalesce(opcodes: list, old: list) -> list:
    """Join changes separated only by a space into one change, so that "a b" → "c d"
    reads as [a b][c d] rather than [a][c] [b][d]."""
    ops = [list(op) for op in opcodes]
    for k in range(1, len(ops) - 1):
        tag, i1, i2 = ops[k][:3]
        if (
            tag == "equal"
            and ops[k - 1][0] != "equal"
            and ops[k + 1][0] != "equal"
            and all(old[i]["t"] in WHITESPACE for i in range(i1, i2))
        ):
            ops[k][0] = "replace"
    joined: list[list] = []
    for op in ops:
        if joined and op[0] != "equal" and joined[-1][0] != "equal":
            joined[-1] = ["replace", joined[-1][1], op[2], joined[-1][3], op[4]]
        else:
            joined.append(op)
    return joined


def diff_inlines(old: list, new: list, marker: Marker) -> list:
    """Word diff of two inline lists. Tokens are the inline elements themselves: a Str
    is a word, and a formatted container (Emph, Link, Cite, Note, ...) is one token, so
    its formatting is never split; a replaced word is a deletion then an insertion."""
    a, b = [element_key(x) for x in old], [element_key(x) for x in new]
    if a == b:
        return new
    out = []
    opcodes = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in _coalesce(opcodes, old):
        if tag == "equal":
            out += new[j1:j2]
            continue
        if i2 > i1:
            out.append(marker.span(old[i1:i2], DELETION))
        if j2 > j1:
            out.append(marker.span(new[j1:j2], INSERTION))
    return out


# --------------------------------------------------------------------------- blocks


def _block_kind(block: dict):
    t = block.get("t")
    if t in ("Para", "Plain"):
        return "text"
    if t == "Header":
        return ("Header", block["c"][0])
    return t


def diff_blocks(old: list, new: list, marker: Marker) -> list:
    return _diff_seq(
        old,
        new,
        _block_kind,
        words_of,
        lambda a, b: _diff_block(a, b, marker),
        lambda a: marker.whole(a, DELETION),
        lambda b: marker.whole(b, INSERTION),
    )


def _diff_items(old: list, new: list, marker: Marker) -> list:
    """List items (each a list of blocks) align like blocks."""
    return _diff_seq(
        old,
        new,
        lambda item: "item",
        words_of,
        lambda a, b: [diff_blocks(a, b, marker)],
        lambda a: [marker.whole(x, DELETION) for x in a],
        lambda b: [marker.whole(x, INSERTION) for x in b],
    )


def _diff_block(a: dict, b: dict, marker: Marker) -> list:
    """Two paired blocks of the same kind (that differ somewhere) → output blocks."""
    t, c = b["t"], b["c"]
    if t in ("Para", "Plain"):
        return [{"t": t, "c": diff_inlines(a["c"], c, marker)}]
    if t == "Header":
        return [{"t": t, "c": [c[0], c[1], diff_inlines(a["c"][2], c[2], marker)]}]
    if t == "BlockQuote" and a["t"] == t:
        return [{"t": t, "c": diff_blocks(a["c"], c, marker)}]
    if t == "Div" and a["t"] == t:
        return [{"t": t, "c": [c[0], diff_blocks(a["c"][1], c[1], marker)]}]
    if t == "BulletList" and a["t"] == t:
        return [{"t": t, "c": _diff_items(a["c"], c, marker)}]
    if t == "OrderedList" and a["t"] == t:
        return [{"t": t, "c": [c[0], _diff_items(a["c"][1], c[1], marker)]}]
    if t == "Figure" and a["t"] == t:
        return [_diff_figure(a, b, marker)]
    if t == "Table" and a["t"] == t:
        return _diff_table(a, b, marker)
    # Code, raw blocks, definition lists...: shown as replaced whole.
    return [marker.whole(a, DELETION), marker.whole(b, INSERTION)]


def _images(blocks: list, marker: Marker) -> list[str]:
    return [marker.image_key(e["c"][2][0]) for e in elements(blocks) if e["t"] == "Image"]


def _diff_figure(a: dict, b: dict, marker: Marker) -> dict:
    """Caption diffed; body (the image) taken from the new version; a figure whose
    caption or image changed gets a marked flag in front of its caption."""
    attr, (short, long), body = b["c"]
    caption = diff_blocks(a["c"][1][1], long, marker)
    if caption != long or _images(a["c"][2], marker) != _images(body, marker):
        caption = marker.flag(caption)
    return {"t": "Figure", "c": [attr, [short, caption], body]}


def _table_rows(table: dict) -> list:
    _, _, _, head, bodies, foot = table["c"]
    rows = list(head[1])
    for body in bodies:
        rows += body[2] + body[3]
    return rows + list(foot[1])


def _table_shape(table: dict):
    return (
        len(table["c"][2]),
        [len(body[2]) for body in table["c"][4]],
        [[(cell[2], cell[3]) for cell in row[1]] for row in _table_rows(table)],
    )


def _flag_table(table: dict, marker: Marker) -> dict:
    table = copy.deepcopy(table)
    table["c"][1][1] = marker.flag(table["c"][1][1])
    return table


def _diff_table(a: dict, b: dict, marker: Marker) -> list:
    """Cell by cell when both tables have the same shape; otherwise replaced whole.
    Either way a table that changed is flagged in its caption."""
    if _table_shape(a) != _table_shape(b):
        inserted = marker.whole(b, INSERTION)
        inserted["c"][1][0] = _flag_table(inserted["c"][1][0], marker)
        return [marker.whole(a, DELETION), inserted]
    table = copy.deepcopy(b)
    caption = table["c"][1]
    caption[1] = diff_blocks(a["c"][1][1], caption[1], marker)
    for row_a, row in zip(_table_rows(a), _table_rows(table), strict=True):
        for cell_a, cell in zip(row_a[1], row[1], strict=True):
            cell[4] = diff_blocks(cell_a[4], cell[4], marker)
    if element_key(table["c"][1:]) != element_key(b["c"][1:]):
        table = _flag_table(table, marker)
    return [table]


# --------------------------------------------------------------------------- document

DIFFED_META = ("title", "subtitle", "abstract")


def diff_ast(
    old: dict,
    new: dict,
    author: str,
    date: str,
    flag_text: str = "[changed]",
    image_key: Callable[[str], str] | None = None,
) -> tuple[dict, dict]:
    """The new document with its changes from ``old`` marked, and the summary.

    ``date`` is ISO 8601 (Word wants e.g. 2025-01-31T00:00:00Z). Blocks that did not
    change are the new document's blocks, unmarked; an identical pair gives back
    an AST equal to ``new``. ``image_key`` gives an image's identity from its path
    (default: the path without extension); a figure whose images' identities differ
    is flagged. Neither document is modified.
    """
    old, new = copy.deepcopy(old), copy.deepcopy(new)
    marker = Marker(author, date, flag_text, image_key)
    meta = dict(new["meta"])
    for key in DIFFED_META:
        before, after = old["meta"].get(key), new["meta"].get(key)
        if before and after and before["t"] == after["t"] and before != after:
            if after["t"] == "MetaInlines":
                meta[key] = {"t": "MetaInlines", "c": diff_inlines(before["c"], after["c"], marker)}
            elif after["t"] == "MetaBlocks":
                meta[key] = {"t": "MetaBlocks", "c": diff_blocks(before["c"], after["c"], marker)}
    blocks = diff_blocks(old["blocks"], new["blocks"], marker)
    marked = {**new, "meta": meta, "blocks": unwrap_dangling_links(blocks)}
    return marked, summarize(marked)


def _anchors(value) -> set[str]:
    """Every identifier a link can point at inside ``value`` (headers, divs, figures,
    tables, spans)."""
    anchors = {identifier_of(element) for element in elements(value)}
    anchors |= {e["c"][0][0] for e in elements(value) if e["t"] == "Span"}
    return anchors - {""}


def unwrap_dangling_links(blocks: list) -> list:
    """Internal links whose target is not in the marked document (deleted text that
    points at a section, figure or reference the new version no longer has) become their
    text: a writer such as Typst's refuses a link to a missing label."""
    anchors = _anchors(blocks)

    def visit(value):
        if isinstance(value, list):
            out = []
            for item in value:
                if (
                    isinstance(item, dict)
                    and item.get("t") == "Link"
                    and item["c"][2][0].startswith("#")
                    and item["c"][2][0][1:] not in anchors
                ):
                    out.extend(visit(item["c"][1]))
                else:
                    out.append(visit(item))
            return out
        if isinstance(value, dict):
            return {key: visit(inner) for key, inner in value.items()}
        return value

    return visit(blocks)
