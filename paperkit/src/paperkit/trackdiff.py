"""Word-level tracked changes between two versions of a manuscript, on Pandoc's JSON AST.

``diff_ast(old, new, author, date)`` returns the *new* document with what changed
marked the way Pandoc's own DOCX reader marks tracked changes (``--track-changes=all``)::

    Span ("", ["insertion"], [("author", A), ("date", D)]) [new words]
    Span ("", ["deletion"],  [("author", A), ("date", D)]) [old words]

Pandoc's DOCX writer turns exactly these Spans into Word revisions (``<w:ins>`` /
``<w:del>`` with ``w:author`` and ``w:date``); it ignores the classes of a Div, so a
whole inserted or deleted block is a Div *and* has every run of text inside it
marked as well. Blocks that did not change are the new document's blocks, untouched:
an unchanged section carries no mark. A figure or table whose caption, cells or
image changed gets a marked flag (``[changed]``) in front of its caption.

The two ASTs are compared after citeproc (``cite``), so citations and the reference
list are compared as the reader sees them, and after the manuscript was resolved, so
a number that changed reads old → new (a deletion followed by an insertion).

``render_diff`` writes DOCX (revisions), HTML and PDF (through Typst; visible marks,
by the Lua filter the ``diff`` defaults name) with a one-screen summary in front of
the HTML and PDF (``summary_blocks``: words added and removed per section, numbers
changed, figures and tables flagged, claims whose truth changed). It runs Pandoc and
Typst from the repository root, as ``paperkit.render`` does.

The diff and the summary are pure functions of plain JSON values. Standard library,
``paperkit.pandoc_ast`` and ``paperkit.render``.
"""

from __future__ import annotations

import copy
import json
import re
import tempfile
import zipfile
from collections.abc import Callable
from difflib import SequenceMatcher
from itertools import pairwise
from pathlib import Path, PurePosixPath

from paperkit.pandoc_ast import children, elements, stringify

INSERTION, DELETION, FLAG = "insertion", "deletion", "flag"

# Below this similarity (difflib ratio over the words of two blocks of the same kind)
# a changed block is shown as deleted + inserted rather than diffed word by word:
# a paragraph rewritten past that point reads better whole than as confetti.
CUTOFF = 0.4

# The summary's words and the flag, per language. A paper may override or add a
# language with a `diff` entry in its labels (manuscript/labels.yaml); see labels_for.
LABELS = {
    "en": {
        "title": "Changes since the previous version",
        "legend": "Marks:",
        "inserted": "inserted",
        "deleted": "deleted",
        "total": "In total",
        "added": "words added",
        "removed": "words removed",
        "sections": "By section",
        "front": "Title and abstract",
        "numbers": "Numbers changed in the text",
        "flagged": "Figures and tables that changed",
        "none": "No changes.",
        "more": "more",
        "flag": "[changed]",
        "results": "Numbers in the results that changed",
        "of": "of",
        "claims": "Claims whose truth changed",
        "holds": "holds",
        "fails": "fails",
        "no_claims": "none",
        "tracked": "Tracked changes by {author}, dated {date}",
    },
    "tr": {
        "title": "Önceki sürümden bu yana değişiklikler",
        "legend": "İşaretler:",
        "inserted": "eklendi",
        "deleted": "silindi",
        "total": "Toplam",
        "added": "eklenen sözcük",
        "removed": "silinen sözcük",
        "sections": "Bölümlere göre",
        "front": "Başlık ve özet",
        "numbers": "Metinde değişen sayılar",
        "flagged": "Değişen şekiller ve tablolar",
        "none": "Değişiklik yok.",
        "more": "tane daha",
        "flag": "[değişti]",
        "results": "Sonuçlarda değişen sayılar",
        "of": "/",
        "claims": "Doğruluğu değişen savlar",
        "holds": "geçerli",
        "fails": "geçersiz",
        "no_claims": "yok",
        "tracked": "İzlenen değişiklikler: {author}, {date}",
    },
}

WHITESPACE = {"Space", "SoftBreak"}

# A number as the paper prints it in either language: 0.017, 97.6%, %97,6, 1 234,
# −0.5, 2014’te; brackets and trailing punctuation around it are not part of it.
NUMBER = re.compile(r"[(\[]*([−+-]?%?\d[\d.,\u00a0\u202f]*%?)(?:['’]\w+)?[)\].,;:!?]*")


def labels_for(lang: str, paper_labels: dict | None = None) -> dict:
    """The summary's words in ``lang``: paperkit's, updated by the paper's ``diff`` labels."""
    own = (paper_labels or {}).get("diff") or {}
    if lang not in LABELS and not own:
        raise KeyError(
            f"no words for the diff summary in '{lang}': add a `diff` entry to its labels "
            f"(keys: {', '.join(LABELS['en'])})"
        )
    words = {**LABELS.get(lang, {}), **own}
    missing = sorted(LABELS["en"].keys() - words.keys())
    if missing:
        raise KeyError(f"the diff labels of '{lang}' lack {', '.join(missing)}")
    return words


# --------------------------------------------------------------------------- keys


def _key(value) -> str:
    """Identity of an element for matching. A line break in the source (SoftBreak)
    and a space are the same text, so re-wrapped Markdown does not count as a change.
    (JSON escapes the quotes inside strings, so the replacement cannot hit text.)"""
    return json.dumps(value, sort_keys=True, ensure_ascii=False).replace(
        '{"t": "SoftBreak"}', '{"t": "Space"}'
    )


def _words(value) -> list[str]:
    """The words (Str elements) inside ``value``: the unit of the word counts."""
    return [e["c"] for e in elements(value) if e["t"] == "Str"]


def _classes(element: dict) -> list[str]:
    if element.get("t") in ("Span", "Div"):
        return element["c"][0][1]
    return []


def _ident(element) -> str:
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


class _Marker:
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
            # nor duplicate an identifier that the new document still uses.
            for element in elements(block):
                if element["t"] == "Header":
                    element["c"][1][1] += ["unnumbered", "unlisted"]
                if _ident(element):
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
            if _ident(a) and _ident(a) == _ident(b):
                score[i, j] = 1.0  # the same figure, table or section, however edited
            elif kind(a) in ("Figure", "Table") and _ident(a) and _ident(b):
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
    matcher = SequenceMatcher(None, [_key(x) for x in old], [_key(x) for x in new], autojunk=False)
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


def diff_inlines(old: list, new: list, marker: _Marker) -> list:
    """Word diff of two inline lists. Tokens are the inline elements themselves: a Str
    is a word, and a formatted container (Emph, Link, Cite, Note, ...) is one token, so
    its formatting is never split; a replaced word is a deletion then an insertion."""
    a, b = [_key(x) for x in old], [_key(x) for x in new]
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


def diff_blocks(old: list, new: list, marker: _Marker) -> list:
    return _diff_seq(
        old,
        new,
        _block_kind,
        _words,
        lambda a, b: _diff_block(a, b, marker),
        lambda a: marker.whole(a, DELETION),
        lambda b: marker.whole(b, INSERTION),
    )


def _diff_items(old: list, new: list, marker: _Marker) -> list:
    """List items (each a list of blocks) align like blocks."""
    return _diff_seq(
        old,
        new,
        lambda item: "item",
        _words,
        lambda a, b: [diff_blocks(a, b, marker)],
        lambda a: [marker.whole(x, DELETION) for x in a],
        lambda b: [marker.whole(x, INSERTION) for x in b],
    )


def _diff_block(a: dict, b: dict, marker: _Marker) -> list:
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


def _images(blocks: list, marker: _Marker) -> list[str]:
    return [marker.image_key(e["c"][2][0]) for e in elements(blocks) if e["t"] == "Image"]


def _diff_figure(a: dict, b: dict, marker: _Marker) -> dict:
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


def _flag_table(table: dict, marker: _Marker) -> dict:
    table = copy.deepcopy(table)
    table["c"][1][1] = marker.flag(table["c"][1][1])
    return table


def _diff_table(a: dict, b: dict, marker: _Marker) -> list:
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
    if _key(table["c"][1:]) != _key(b["c"][1:]):
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
    marker = _Marker(author, date, flag_text, image_key)
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
    anchors = {_ident(element) for element in elements(value)}
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


# --------------------------------------------------------------------------- summary


def _is_mark(element, kind: str | None = None) -> bool:
    """An insertion or deletion Span (of ``kind`` if given); the flag is not."""
    if not isinstance(element, dict) or element.get("t") != "Span":
        return False
    classes = _classes(element)
    if FLAG in classes:
        return False
    return (kind in classes) if kind else bool({INSERTION, DELETION} & set(classes))


def number_of(word: str) -> str | None:
    """The number a printed word is (``(1.085):`` → ``1.085``, ``2014’te`` → ``2014``)."""
    match = NUMBER.fullmatch(word)
    return match.group(1).rstrip(".,") if match else None


def _numbers(inlines: list) -> list[str]:
    return [n for n in map(number_of, _words(inlines)) if n]


def _wording(mark: dict) -> list[str]:
    """The words of a mark that are not numbers."""
    return [word for word in _words(mark["c"][1]) if not number_of(word)]


def _count(value, tally: dict, numbers: list, section: str) -> None:
    """Add the words of the marks inside ``value`` to ``tally``, and to ``numbers`` the
    numbers of every deletion immediately followed by an insertion."""
    if isinstance(value, dict):
        if _is_mark(value):
            kind = INSERTION if INSERTION in _classes(value) else DELETION
            tally[kind] += len(_words(value["c"][1]))
            return  # marks do not nest
        for inner in value.values():
            _count(inner, tally, numbers, section)
    elif isinstance(value, list):
        for first, second in pairwise(value):
            if _is_mark(first, DELETION) and _is_mark(second, INSERTION):
                before, after = _numbers(first["c"][1]), _numbers(second["c"][1])
                # a number that changed, not a rewritten sentence that has numbers in
                # it: the same words on both sides but for the numbers
                if before and len(before) == len(after) and _wording(first) == _wording(second):
                    numbers += [
                        {"section": section, "old": o, "new": n}
                        for o, n in zip(before, after, strict=True)
                        if o != n
                    ]
        for inner in value:
            _count(inner, tally, numbers, section)


def new_text(inlines: list) -> str:
    """The text of marked inlines as the new version reads (deletions left out)."""
    return stringify([x for x in inlines if not _is_mark(x, DELETION)])


def _flagged(element: dict) -> bool:
    caption = element["c"][1][1]
    return any(FLAG in _classes(e) for e in elements(caption))


def _caption_label(element: dict) -> str:
    """How the text names a figure or table: the words of its caption before the colon
    ("Figure 2", "Tablo 1"), else its identifier."""
    first = next((b for b in element["c"][1][1] if b["t"] in ("Plain", "Para")), None)
    words = [x for x in first["c"] if FLAG not in _classes(x)] if first else []
    head = new_text(words).strip().split(":")[0]
    return head if head and len(head.split()) <= 3 else element["c"][0][0]


def _counted(numbers: list[dict]) -> list[str]:
    """Each distinct change of a number once, in order of appearance, with its count."""
    seen: dict[tuple[str, str], int] = {}
    for n in numbers:
        seen[n["old"], n["new"]] = seen.get((n["old"], n["new"]), 0) + 1
    return [f"{o}\u00a0→\u00a0{n}" + (f" (×{k})" if k > 1 else "") for (o, n), k in seen.items()]


def summarize(marked: dict) -> dict:
    """Words added and removed per top-level section (the highest level of header at
    the top of the document), in total, changed numbers, and flagged figures and tables."""
    levels = [b["c"][0] for b in marked["blocks"] if b["t"] == "Header"]
    top = min(levels, default=1)
    front = {"id": "", "title": "", "added": 0, "removed": 0}
    sections, numbers, flagged = [front], [], []

    def add(value, section):
        tally = {INSERTION: 0, DELETION: 0}
        _count(value, tally, numbers, section["title"])
        section["added"] += tally[INSERTION]
        section["removed"] += tally[DELETION]

    add(marked["meta"], front)
    for block in marked["blocks"]:
        # An inserted section header (wrapped in a Div) starts a section too.
        inner = block["c"][1][0] if INSERTION in _classes(block) else block
        if inner["t"] == "Header" and inner["c"][0] == top:
            sections.append(
                {"id": inner["c"][1][0], "title": new_text(inner["c"][2]), "added": 0, "removed": 0}
            )
        add(block, sections[-1])
        for element in elements(block):
            if element["t"] in ("Figure", "Table") and _flagged(element):
                flagged.append({"id": element["c"][0][0], "label": _caption_label(element)})
    return {
        "added": sum(s["added"] for s in sections),
        "removed": sum(s["removed"] for s in sections),
        "sections": sections,
        "numbers": numbers,
        "flagged": flagged,
    }


# --------------------------------------------------------------------------- summary blocks


def _text(text: str) -> list:
    """Inlines of a plain phrase (words and spaces, as Pandoc's reader makes them)."""
    out: list = []
    for word in text.split():
        out += [{"t": "Space"}, {"t": "Str", "c": word}] if out else [{"t": "Str", "c": word}]
    return out


def _link(inlines: list, ident: str) -> dict:
    return {"t": "Link", "c": [["", [], []], inlines, ["#" + ident, ""]]}


def _line(label: str, inlines: list) -> dict:
    """A paragraph "**Label:** inlines"."""
    return {"t": "Para", "c": [{"t": "Strong", "c": _text(label + ":")}, {"t": "Space"}, *inlines]}


def _joined(parts: list[list], separator: str) -> list:
    out: list = []
    for part in parts:
        out += [{"t": "Str", "c": separator}, {"t": "Space"}, *part] if out else part
    return out


def _truth(value, lab: dict) -> str:
    return {True: lab["holds"], False: lab["fails"]}.get(value, str(value))


def summary_blocks(
    summary: dict, labels: dict, changes: dict | None = None, lang: str = ""
) -> list:
    """The one-screen summary (a Div) put in front of the HTML and PDF.

    ``changes`` is the change report of the two builds (``paperkit.changes.compare``
    of their snapshots): how many of the results' numbers changed, and every claim
    whose truth changed, quoted in ``lang``.
    """
    lab = labels

    def counts(item):  # "words added: 1" needs no plural, in either language
        return _text(f"{lab['added']}: {item['added']}; {lab['removed']}: {item['removed']}.")

    def mark(kind, text):
        return {"t": "Span", "c": [["", [kind], []], _text(text)]}

    title = ["diff-summary-title", ["unnumbered", "unlisted"], []]
    legend = [*_text(lab["legend"]), {"t": "Space"}, mark(INSERTION, lab["inserted"])]
    blocks = [
        {"t": "Header", "c": [1, title, _text(lab["title"])]},
        {"t": "Para", "c": [*legend, {"t": "Space"}, mark(DELETION, lab["deleted"])]},
        _line(lab["total"], counts(summary)),
    ]
    changed = [s for s in summary["sections"] if s["added"] or s["removed"]]
    items = []
    for s in changed:
        name = _text(s["title"] or lab["front"])
        name = _link(name, s["id"]) if s["id"] else {"t": "Emph", "c": name}
        items.append(
            [{"t": "Plain", "c": [name, {"t": "Str", "c": ":"}, {"t": "Space"}, *counts(s)]}]
        )
    if items:
        blocks += [
            {"t": "Para", "c": [{"t": "Strong", "c": _text(lab["sections"])}]},
            {"t": "BulletList", "c": items},
        ]
    else:
        blocks.append({"t": "Para", "c": _text(lab["none"])})
    counted = _counted(summary["numbers"])
    if counted:  # one screen: beyond 30 the changes are counted, not listed
        pairs = [[{"t": "Str", "c": pair}] for pair in counted[:30]]
        pairs += [_text(f"+{len(counted) - 30} {lab['more']}")] if len(counted) > 30 else []
        blocks.append(_line(lab["numbers"], _joined(pairs, ";")))
    if summary["flagged"]:
        links = [
            [_link(_text(f["label"]), f["id"]) if f["id"] else {"t": "Str", "c": f["label"]}]
            for f in summary["flagged"]
        ]
        blocks.append(_line(lab["flagged"], _joined(links, ",")))
    if changes is not None:
        moved = f"{len(changes['numbers_changed'])} {lab['of']} {changes['numbers_compared']}"
        blocks.append(_line(lab["results"], _text(moved)))
        claims = []
        for ident, change in changes["claims_changed"].items():
            claim = change["claim"]
            truth = f"({_truth(change['was'], lab)} → {_truth(claim['holds'], lab)})"
            code = {"t": "Code", "c": [["", [], []], ident]}
            said = [*_text(truth), {"t": "Space"}, *_text(claim.get(lang, ""))]
            claims.append([{"t": "Plain", "c": [code, {"t": "Space"}, *said]}])
        if claims:
            blocks += [
                {"t": "Para", "c": [{"t": "Strong", "c": _text(lab["claims"] + ":")}]},
                {"t": "BulletList", "c": claims},
            ]
        else:
            blocks.append(_line(lab["claims"], _text(lab["no_claims"])))
    return [
        {"t": "Div", "c": [["diff-summary", ["diff-summary"], []], blocks]},
        {"t": "RawBlock", "c": ["typst", "#pagebreak()"]},  # the paper starts on a new page
        {"t": "RawBlock", "c": ["html", "<hr>"]},
    ]


def summary_markdown(
    summary: dict, labels: dict, changes: dict | None = None, lang: str = ""
) -> str:
    """The same summary as Markdown (for the terminal and the reviewer bundle)."""
    lab = labels
    lines = [
        f"**{lab['total']}:** {lab['added']}: {summary['added']}; "
        f"{lab['removed']}: {summary['removed']}.",
        "",
    ]
    changed = [s for s in summary["sections"] if s["added"] or s["removed"]]
    for s in changed:
        lines.append(f"- {s['title'] or lab['front']}: +{s['added']} −{s['removed']}")
    if not changed:
        lines.append(lab["none"])
    counted = [pair.replace("\u00a0", " ") for pair in _counted(summary["numbers"])]
    if counted:
        rest = f"; +{len(counted) - 30} {lab['more']}" if len(counted) > 30 else ""
        lines += ["", f"**{lab['numbers']}:** " + "; ".join(counted[:30]) + rest]
    if summary["flagged"]:
        named = ", ".join(f"{f['label']} (`{f['id']}`)" for f in summary["flagged"])
        lines += ["", f"**{lab['flagged']}:** {named}"]
    if changes is not None:
        moved = f"{len(changes['numbers_changed'])} {lab['of']} {changes['numbers_compared']}"
        lines += ["", f"**{lab['results']}:** {moved}", "", f"**{lab['claims']}:**"]
        for ident, change in changes["claims_changed"].items():
            claim = change["claim"]
            truth = f"{_truth(change['was'], lab)} → {_truth(claim['holds'], lab)}"
            lines.append(f"- `{ident}` ({truth}): {claim.get(lang, '')}")
        if not changes["claims_changed"]:
            lines.append(f"- {lab['no_claims']}")
    return "\n".join(lines) + "\n"


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
            if _is_mark(element) and _has_link(element):
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
            if isinstance(element, dict) and FLAG in _classes(element):
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


# --------------------------------------------------------------------------- rendering


def cite(pandoc: str, ast: dict, defaults: list[str], bibliography: list[str]) -> dict:
    """``ast`` with its citations resolved by citeproc (the paper's citeproc defaults and
    bibliography files, paths absolute or relative to the working folder)."""
    from paperkit.render import pandoc as run_pandoc

    with tempfile.TemporaryDirectory(prefix="trackdiff-cite-") as scratch:
        source, target = Path(scratch) / "in.json", Path(scratch) / "out.json"
        source.write_text(json.dumps(ast, ensure_ascii=False), encoding="utf-8")
        extra = [f"--bibliography={path}" for path in bibliography]
        run_pandoc(pandoc, source, defaults, target, extra)
        return json.loads(target.read_text(encoding="utf-8"))


def render_diff(
    ast: dict,
    summary: list,
    outputs: dict,
    pandoc: str,
    defaults: dict,
    timestamp: int,
    html_metadata: dict[str, str] | None = None,
) -> list[str]:
    """Write the marked ``ast`` (citations already resolved) to ``outputs`` (keys
    ``docx``, ``html``, ``pdf``, and ``typst`` for the Typst source); return Typst's
    warnings.

    ``defaults`` holds the Pandoc defaults files per writer (``docx``, ``html``,
    ``typst``); those of HTML and Typst must include the marks filter (the paper's
    ``diff.yaml``), since Pandoc's Typst writer drops the classes of Spans. ``summary``
    (``summary_blocks``) goes in front of the HTML and PDF, not the DOCX, whose
    revisions Word lists in its own review pane. Runs from the repository root (figure
    paths are relative to it); with SOURCE_DATE_EPOCH set, the DOCX is reproducible,
    and ``timestamp`` dates the PDF.
    """
    from paperkit.render import pandoc as run_pandoc
    from paperkit.render import typst_pdf

    title = ast["meta"].get("title")
    pagetitle = new_text(title["c"]) if title and title["t"] == "MetaInlines" else "diff"
    shown = {
        **ast,
        # The HTML <title> would otherwise read old and new title run together.
        "meta": {**ast["meta"], "pagetitle": {"t": "MetaString", "c": pagetitle}},
        "blocks": summary + ast["blocks"],
    }
    html = [f"--metadata={key}={value}" for key, value in (html_metadata or {}).items()]
    with tempfile.TemporaryDirectory(prefix="trackdiff-") as scratch:
        docx_ast, shown_ast = Path(scratch) / "docx.json", Path(scratch) / "shown.json"
        docx = flags_as_comments(marks_inside_links(ast))
        docx_ast.write_text(json.dumps(docx, ensure_ascii=False), encoding="utf-8")
        shown_ast.write_text(json.dumps(shown, ensure_ascii=False), encoding="utf-8")
        if "docx" in outputs:
            run_pandoc(pandoc, docx_ast, defaults["docx"], Path(outputs["docx"]))
            unique_revision_ids(Path(outputs["docx"]))
        if "html" in outputs:
            run_pandoc(pandoc, shown_ast, defaults["html"], Path(outputs["html"]), html)
        warnings: list[str] = []
        if "pdf" in outputs or "typst" in outputs:
            typ = Path(outputs.get("typst") or Path(scratch) / "diff.typ")
            run_pandoc(pandoc, shown_ast, defaults["typst"], typ)
            if "pdf" in outputs:
                warnings = typst_pdf(typ, Path(outputs["pdf"]), timestamp)
    return warnings
