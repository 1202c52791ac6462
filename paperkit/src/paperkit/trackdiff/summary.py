"""The summary of a marked diff (``summarize``: words added and removed per section,
numbers changed old → new, figures and tables flagged) and its one-screen rendering,
as Pandoc blocks in front of the HTML and PDF (``summary_blocks``) and as Markdown for
the terminal and the reviewer bundle (``summary_markdown``), in the words of each
language (``labels_for``). Pure functions of plain JSON values.
"""

from __future__ import annotations

import re
from itertools import pairwise

from paperkit.pandoc_ast import elements
from paperkit.trackdiff.marks import (
    DELETION,
    FLAG,
    INSERTION,
    classes_of,
    is_mark,
    new_text,
    words_of,
)

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


# --------------------------------------------------------------------------- summary


def number_of(word: str) -> str | None:
    """The number a printed word is (``(1.085):`` → ``1.085``, ``2014’te`` → ``2014``)."""
    match = NUMBER.fullmatch(word)
    return match.group(1).rstrip(".,") if match else None


def _numbers(inlines: list) -> list[str]:
    return [n for n in map(number_of, words_of(inlines)) if n]


def _wording(mark: dict) -> list[str]:
    """The words of a mark that are not numbers."""
    return [word for word in words_of(mark["c"][1]) if not number_of(word)]


def _count(value, tally: dict, numbers: list, section: str) -> None:
    """Add the words of the marks inside ``value`` to ``tally``, and to ``numbers`` the
    numbers of every deletion immediately followed by an insertion."""
    if isinstance(value, dict):
        if is_mark(value):
            kind = INSERTION if INSERTION in classes_of(value) else DELETION
            tally[kind] += len(words_of(value["c"][1]))
            return  # marks do not nest
        for inner in value.values():
            _count(inner, tally, numbers, section)
    elif isinstance(value, list):
        for first, second in pairwise(value):
            if is_mark(first, DELETION) and is_mark(second, INSERTION):
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


def _flagged(element: dict) -> bool:
    caption = element["c"][1][1]
    return any(FLAG in classes_of(e) for e in elements(caption))


def _caption_label(element: dict) -> str:
    """How the text names a figure or table: the words of its caption before the colon
    ("Figure 2", "Tablo 1"), else its identifier."""
    first = next((b for b in element["c"][1][1] if b["t"] in ("Plain", "Para")), None)
    words = [x for x in first["c"] if FLAG not in classes_of(x)] if first else []
    head = new_text(words).strip().split(":")[0]
    return head if head and len(head.split()) <= 3 else element["c"][0][0]


def _counted(numbers: list[dict]) -> list[str]:
    """Each distinct change of a number once, in order of appearance, with its count."""
    seen: dict[tuple[str, str], int] = {}
    for n in numbers:
        seen[n["old"], n["new"]] = seen.get((n["old"], n["new"]), 0) + 1
    return [f"{o}\u00a0→\u00a0{n}" + (f" (×{k})" if k > 1 else "") for (o, n), k in seen.items()]


def _printed(text: str) -> str:
    """A number as printed, with its no-break and thin spaces read as spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _changed_parts(change: dict, lang: str) -> list[tuple[str, str]]:
    """The numbers that changed inside a number's printed value in ``lang``, old → new
    ("refugees 2025.12.1" → "refugees 2024.12.0": 2025.12.1 → 2024.12.0); none when the
    two values do not have the same count of numbers."""
    before, after = (
        [n for n in map(number_of, change[key].get(lang, "").split(" ")) if n]
        for key in ("old", "new")
    )
    if len(before) != len(after):
        return []
    return [(o, n) for o, n in zip(before, after, strict=True) if o != n]


def named_numbers(candidates: dict[str, list[dict]], changes: dict) -> list[str]:
    """The results' numbers that the text shows changed, by name, the same list for every
    language: a number of the change report (``changes["numbers_changed"]``) whose
    change, as language L prints it, is a pair that the text of L shows (a deletion then
    an insertion with the same words around the numbers, aligned token by token;
    ``candidates`` maps each language to its ``summarize(...)["numbers"]``). A pair no
    number of the results explains (two different quantities that happen to stand where
    each other stood) is no change of a number. In order of first appearance, language
    by language."""
    names: list[str] = []
    for lang, pairs in candidates.items():
        for pair in pairs:
            shown = (_printed(pair["old"]), _printed(pair["new"]))
            for name, change in changes["numbers_changed"].items():
                parts = [(_printed(o), _printed(n)) for o, n in _changed_parts(change, lang)]
                if shown in parts and name not in names:
                    names.append(name)
    return names


def _pairs(summary: dict, changes: dict | None, names: list[str] | None, lang: str) -> list[str]:
    """The changed numbers as the summary lists them in ``lang``: by name when ``names``
    (``named_numbers``) is given, else as the text shows them."""
    if names is None or changes is None:
        return _counted(summary["numbers"])
    changed = changes["numbers_changed"]
    return [
        f"{o}\u00a0→\u00a0{n}" for name in names for o, n in _changed_parts(changed[name], lang)
    ]


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
        inner = block["c"][1][0] if INSERTION in classes_of(block) else block
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
    summary: dict,
    labels: dict,
    changes: dict | None = None,
    lang: str = "",
    names: list[str] | None = None,
) -> list:
    """The one-screen summary (a Div) put in front of the HTML and PDF.

    ``changes`` is the change report of the two builds (``paperkit.changes.compare``
    of their snapshots): how many of the results' numbers changed, and every claim
    whose truth changed, quoted in ``lang``; with ``names`` (``named_numbers`` of every
    language's summary), the numbers changed in the text are those, as ``lang`` prints
    them, so that every language lists the same changes.
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
    counted = _pairs(summary, changes, names, lang)
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
    summary: dict,
    labels: dict,
    changes: dict | None = None,
    lang: str = "",
    names: list[str] | None = None,
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
    counted = [pair.replace("\u00a0", " ") for pair in _pairs(summary, changes, names, lang)]
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
