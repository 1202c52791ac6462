"""The manuscript on Pandoc's AST: numbers, cross-references, claims, figures, tables.

The author writes, in any configured language::

    Türkiye hosted {{syria_peak_count}} Syrians in {{syria_peak_year|de}} ...
    ![Caption.](figure:unhcr_hosted){#fig:unhcr-hosted}
    ... as @fig:unhcr-hosted shows (tr: @fig:unhcr-hosted|de).

    ::: {#tbl:its}
    Caption of the generated table "its".
    :::

The section files of a language are read by Pandoc once, each wrapped in a Div
that names its file (``read_sources``), and resolved on the AST
(``resolve``): each ``{{name}}`` becomes the value from the results formatted
for the language (``|de`` adds the case ending of a language that has them); a
Div ``#tbl:name`` becomes the generated table ``name`` with its caption; each
``figure:name`` image the language's figure file; each ``@fig:``/``@tbl:``/
``@sec:`` reference a link labelled ``Figure 2`` / ``Şekil 2``, numbered in
order of definition; each ``{{claim:id}}`` marker disappears, and the sentence
that carries it must contain every phrase the claims check requires of it (its
scope, its hedge: ``Context.claim_phrases``). Nothing is re-read as Markdown
after a value is inserted, and every part of the text is one element of one
parse: a ``#`` line in a code block is not a section, a citation key such as
``doe-2020`` or ``smith:2019`` is a citation. In a language with case endings a
suffix typed by hand after a placeholder or a cross-reference
(``{{x}}’dir``, ``@tbl:its'de``) is an error that suggests ``{{x|dir}}``: the
ending must follow the number as read aloud. Anything unresolved stops the
build, naming the file and line.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field

from paperkit.languages import Language, LanguageError
from paperkit.numbers import Number
from paperkit.pandoc_ast import (
    SPACE,
    meta_lists,
    read_markdown,
    string,
    text_inlines,
    walk_lists,
)

SOURCE_CLASS = "paperkit-source"
TABLE_CLASS = "paperkit-table"
PLACEHOLDER = re.compile(r"\{\{\s*([a-z][a-z0-9_]*)\s*(?:\|\s*([a-zçğıöşü]+)\s*)?\}\}")
CLAIM_MARKER = re.compile(r"\{\{\s*claim:([a-z][a-z0-9_]*)\s*\}\}")
ANY_MARKER = re.compile(r"\{\{[^{}]*\}\}")
# A placeholder and the letters typed right after it (with or without an apostrophe).
TYPED_AFTER = re.compile(
    r"(\{\{\s*([a-z][a-z0-9_]*)\s*(?:\|\s*([a-zçğıöşü]+)\s*)?\}\})(['’]?)([^\W\d_]+)"
)
APOSTROPHE_SUFFIX = re.compile(r"^['’]([^\W\d_]+)")
SUFFIX = re.compile(r"^\|([a-zçğıöşü]+)(.*)$", re.DOTALL)
KINDS = ("fig", "tbl", "sec")
FIGURE_SOURCE = "figure:"


class ManuscriptError(ValueError):
    """A placeholder or reference in the manuscript cannot be resolved."""


# --------------------------------------------------------------------------- reading


def _front_matter(text: str) -> tuple[str, str]:
    """Split a leading YAML metadata block (``---`` … ``---``) from the rest of a file."""
    if not text.startswith("---\n"):
        return "", text
    match = re.search(r"^(---|\.\.\.)\s*$", text[4:], re.MULTILINE)
    if match is None:
        return "", text
    end = 4 + match.end()
    return text[:end] + "\n", text[end:]


def source_markdown(files: list[tuple[str, str]]) -> str:
    """The section files of one language as one Markdown text: each file's body in a Div
    that names it (so that every element knows its file), metadata blocks first."""
    metadata, bodies = [], []
    for name, text in files:
        front, body = _front_matter(text)
        metadata.append(front)
        bodies.append(f'::::::::: {{.{SOURCE_CLASS} source="{name}"}}\n{body.strip()}\n:::::::::\n')
    return "\n".join([*filter(None, metadata), *bodies])


def read_sources(pandoc: str, files: list[tuple[str, str]]) -> dict:
    """Pandoc's AST of one language's section files (``(path, text)`` in reading order)."""
    what = f"{files[0][0]} and the other section files" if files else "the manuscript"
    return read_markdown(pandoc, source_markdown(files), what)


def source_blocks(ast: dict) -> list[tuple[str, list]]:
    """``(file, blocks)`` of each section file of an AST made by ``read_sources``."""
    return [
        (dict(block["c"][0][2])["source"], block["c"][1])
        for block in ast["blocks"]
        if block["t"] == "Div" and SOURCE_CLASS in block["c"][0][1]
    ]


# --------------------------------------------------------------------------- skeleton


def _is_crossref(citation_id: str) -> bool:
    return citation_id.split(":", 1)[0] in KINDS and ":" in citation_id


def skeleton(ast: dict) -> dict[str, set[str]]:
    """The language-independent parts of a text: section, figure and table ids,
    placeholders (case endings aside), claims and citation keys."""
    parts: dict[str, set[str]] = {
        name: set() for name in ("sections", "figures", "tables", "numbers", "claims", "citations")
    }

    def visit(items: list) -> None:
        for element in items:
            if not isinstance(element, dict):
                continue
            kind = element.get("t")
            if kind == "Header" and element["c"][1][0].startswith("sec:"):
                parts["sections"].add(element["c"][1][0].removeprefix("sec:"))
            elif kind == "Figure" and element["c"][0][0].startswith("fig:"):
                parts["figures"].add(element["c"][0][0].removeprefix("fig:"))
            elif kind == "Div" and element["c"][0][0].startswith("tbl:"):
                parts["tables"].add(element["c"][0][0].removeprefix("tbl:"))
            elif kind == "Str":
                text = element["c"]
                parts["claims"].update(CLAIM_MARKER.findall(text))
                parts["numbers"].update(m.group(1) for m in PLACEHOLDER.finditer(text))
            elif kind == "Cite":
                parts["citations"].update(
                    c["citationId"] for c in element["c"][0] if not _is_crossref(c["citationId"])
                )

    walk_lists(ast["blocks"], visit)
    for inlines in meta_lists(ast["meta"]):
        walk_lists(inlines, visit)
    return parts


# --------------------------------------------------------------------------- numbering


def _is_numbered(header: dict) -> bool:
    classes = header["c"][1][1]
    return "unnumbered" not in classes and "-" not in classes


def number_targets(blocks: list) -> dict[tuple[str, str], str]:
    """Number figures, tables and (numbered) sections in order of definition."""
    targets: dict[tuple[str, str], str] = {}
    counts = {"fig": 0, "tbl": 0}
    section = [0] * 6

    def define(kind: str, ident: str, number: str) -> None:
        if (kind, ident) in targets:
            raise ManuscriptError(f"#{kind}:{ident} is defined twice")
        targets[(kind, ident)] = number

    def visit(items: list) -> None:
        for element in items:
            kind = element.get("t") if isinstance(element, dict) else None
            if kind == "Header" and _is_numbered(element):
                level = element["c"][0]
                section[level - 1] += 1
                section[level:] = [0] * (6 - level)
                ident = element["c"][1][0]
                if ident.startswith("sec:"):
                    define("sec", ident[4:], ".".join(str(n) for n in section[:level]))
            elif kind == "Figure" and element["c"][0][0].startswith("fig:"):
                counts["fig"] += 1
                define("fig", element["c"][0][0][4:], str(counts["fig"]))
            elif kind == "Div" and element["c"][0][0].startswith("tbl:"):
                counts["tbl"] += 1
                define("tbl", element["c"][0][0][4:], str(counts["tbl"]))
            elif kind in ("Div", "BlockQuote"):
                visit(element["c"][1] if kind == "Div" else element["c"])

    visit(blocks)
    return targets


# --------------------------------------------------------------------------- resolution


@dataclass
class Context:
    """What a language's text is resolved against."""

    numbers: dict[str, Number]
    language: Language
    labels: dict  # the language's labels: references (fig, tbl, sec) at least
    figure_prefix: str  # folder of the language's figures, relative to where Pandoc runs
    figure_extension: str = "svg"
    tables: dict[str, list] = field(default_factory=dict)  # name → blocks of the table
    claims: set[str] = field(default_factory=set)
    # Claim → the phrases its sentence in the text must contain, each with why: the scope
    # phrase of a claim true in the main specification only, the hedge of a claim resting
    # on unverified rows (from the claims check's report, results/checks/claims.json).
    claim_phrases: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    provenance: dict[str, str] = field(default_factory=dict)  # name or tbl:<id> → made-by


def claim_phrases(outcomes: list[dict], code: str) -> dict[str, list[tuple[str, str]]]:
    """``Context.claim_phrases`` of language ``code`` from the claims check's outcomes
    (``paperkit.claims.check_claims``): claim → [(phrase, why)]."""
    return {
        outcome["claim"]: [
            (required["phrase"], required["why"])
            for required in outcome.get("phrases", {}).get(code, [])
        ]
        for outcome in outcomes
        if outcome.get("phrases", {}).get(code)
    }


class _Resolver:
    """Resolves one language's AST in place, collecting every problem before failing."""

    def __init__(self, context: Context, files: dict[str, str], targets: dict):
        self.context = context
        self.files = files  # path → text, to name the line of a problem
        self.targets = targets
        self.problems: list[str] = []
        self.where = "metadata"
        self.seen: dict[tuple[str, str], int] = {}

    # ---- locating problems

    def locate(self, token: str) -> str:
        """``file:line`` of the next occurrence of ``token`` in the current file."""
        text = self.files.get(self.where)
        if text is None:
            return self.where
        start = self.seen.get((self.where, token), 0)
        index = text.find(token, start)
        if index < 0:
            return self.where
        self.seen[(self.where, token)] = index + 1
        return f"{self.where}:{text.count(chr(10), 0, index) + 1}"

    # ---- inlines

    def number(self, match: re.Match) -> str:
        name, case = match.group(1), match.group(2)
        language = self.context.language
        if name not in self.context.numbers:
            place = self.locate(match.group(0))
            self.problems.append(
                f"{place}: placeholder '{{{{{name}}}}}' has no value in the results"
            )
            return match.group(0)
        number = self.context.numbers[name]
        try:
            text = number.formatted(language)
        except LanguageError as error:
            self.problems.append(f"{self.locate(match.group(0))}: {error}")
            return match.group(0)
        if not case:
            return text
        try:
            return language.with_ending(text, number.value, number.kind, number.digits, case)
        except (LanguageError, ValueError) as error:
            self.problems.append(f"{self.locate(match.group(0))}: {error}")
            return match.group(0)

    def claim(self, match: re.Match) -> str:
        if match.group(1) not in self.context.claims:
            place = self.locate(match.group(0))
            self.problems.append(f"{place}: claim '{match.group(1)}' is not in the claims file")
        return ""

    def check_phrases(self, items: list) -> None:
        """The sentence around a claim's marker must contain every phrase the claims check
        requires of the claim (its scope, its hedge)."""
        plain = "".join(
            element["c"] if element["t"] == "Str" else " "
            for element in items
            if element.get("t") in ("Str", "Space", "SoftBreak")
        )
        for match in CLAIM_MARKER.finditer(plain):
            required = self.context.claim_phrases.get(match.group(1))
            if not required:
                continue
            start = max(plain.rfind(". ", 0, match.start()), plain.rfind("; ", 0, match.start()))
            ends = [
                i for i in (plain.find(". ", match.end()), plain.find("; ", match.end())) if i >= 0
            ]
            sentence = plain[start + 1 : min(ends) if ends else len(plain)]
            for phrase, why in required:
                if phrase.lower() not in sentence.lower():
                    self.problems.append(
                        f"{self.locate(match.group(0))}: claim '{match.group(1)}' {why}, but "
                        f'its sentence does not say so ("{phrase}"): {sentence.strip()[:120]}'
                    )

    def check_typed_suffixes(self, text: str) -> None:
        """In a language with case endings, no suffix may be typed after a placeholder: the
        ending depends on the number as read aloud, so it must be asked for (``|dir``)."""
        endings = self.context.language.endings
        if endings is None:
            return
        for match in TYPED_AFTER.finditer(text):
            placeholder, name, case, apostrophe, letters = match.groups()
            if case and not apostrophe:
                continue  # "{{year|de}}ki": a suffix after the ending is the text's
            self.problems.append(
                f"{self.locate(placeholder)}: suffix '{apostrophe}{letters}' typed after "
                f"{placeholder}; {self.suggest(f'{{{{{name}', '}}', case, letters, endings)}"
            )

    @staticmethod
    def suggest(head: str, tail: str, case: str | None, letters: str, endings) -> str:
        """What to write instead of a typed suffix: the case ending asked for by name."""
        typed = endings.typed_case(letters) if not case else None
        if typed is None:
            return (
                f"ask for the ending by name, {head}|<case>{tail} (cases: "
                f"{', '.join(endings.cases)}), so that it follows the number as read aloud"
            )
        found, rest = typed
        return f"write {head}|{found}{tail}{rest} (the ending follows the number as read aloud)"

    def resolve_text(self, text: str) -> str:
        self.check_typed_suffixes(text)
        text = CLAIM_MARKER.sub(self.claim, text)
        text = PLACEHOLDER.sub(self.number, text)
        for leftover in ANY_MARKER.findall(text):
            if not PLACEHOLDER.fullmatch(leftover):
                self.problems.append(f"{self.locate(leftover)}: '{leftover}' is not a placeholder")
        return text

    def reference(self, kind: str, ident: str, case: str | None) -> dict:
        names = self.context.labels["references"]
        if (kind, ident) not in self.targets:
            place = self.locate(f"@{kind}:{ident}")
            target = {"fig": "figure", "tbl": "table", "sec": "section"}[kind]
            self.problems.append(f"{place}: reference @{kind}:{ident} points at no {target}")
            return string(f"@{kind}:{ident}")
        position = self.targets[(kind, ident)]
        label = f"{names[kind]} {position}"
        if case:
            spoken = int(position.split(".")[-1])
            try:
                label = self.context.language.with_ending(label, spoken, "count", 0, case)
            except (LanguageError, ValueError) as error:
                self.problems.append(f"{self.locate(f'@{kind}:{ident}')}: {error}")
        return {"t": "Link", "c": [["", [], []], text_inlines(label), [f"#{kind}:{ident}", ""]]}

    def inlines(self, items: list) -> None:
        """Rewrite a list of inlines in place: placeholders, markers, cross-references."""
        if self.context.claim_phrases and items and isinstance(items[0], dict):
            self.check_phrases(items)
        out: list = []
        pending_case: str | None = None
        for element in items:
            if not isinstance(element, dict):
                return  # a list of blocks
            kind = element.get("t")
            if kind in (
                "Para",
                "Plain",
                "Header",
                "Div",
                "Figure",
                "Table",
                "BulletList",
                "OrderedList",
                "BlockQuote",
                "CodeBlock",
                "RawBlock",
                "HorizontalRule",
                "DefinitionList",
                "LineBlock",
            ):
                return  # blocks: nothing to do at this level
            citations = element["c"][0] if kind == "Cite" else []
            crossrefs = [c for c in citations if _is_crossref(c["citationId"])]
            if crossrefs and len(crossrefs) < len(citations):
                # "@fig:x [@key]": Pandoc reads one citation of both; split it into the
                # cross-reference and the citation that follows it.
                for citation in crossrefs:
                    ref_kind, ident = citation["citationId"].split(":", 1)
                    out.extend([self.reference(ref_kind, ident, None), dict(SPACE)])
                rest = [c for c in citations if not _is_crossref(c["citationId"])]
                keys = "; ".join(f"@{c['citationId']}" for c in rest)
                out.append({"t": "Cite", "c": [rest, [string(f"[{keys}]")]]})
                pending_case = None
                continue
            if kind == "Cite" and all(_is_crossref(c["citationId"]) for c in citations):
                for index, citation in enumerate(element["c"][0]):
                    if index:
                        out.append(dict(SPACE))
                    ref_kind, ident = citation["citationId"].split(":", 1)
                    out.append(self.reference(ref_kind, ident, None))
                pending_case = True
                continue
            if kind == "Str":
                text = element["c"]
                if pending_case and (suffix := SUFFIX.match(text)):
                    link = out[-1]
                    ref_kind, ident = link["c"][2][0][1:].split(":", 1)
                    out[-1] = self.reference(ref_kind, ident, suffix.group(1))
                    text = suffix.group(2)
                elif (
                    pending_case
                    and self.context.language.endings is not None
                    and (typed := APOSTROPHE_SUFFIX.match(text))
                ):
                    ref_kind, ident = out[-1]["c"][2][0][1:].split(":", 1)
                    advice = self.suggest(
                        f"@{ref_kind}:{ident}",
                        "",
                        None,
                        typed.group(1),
                        self.context.language.endings,
                    )
                    self.problems.append(
                        f"{self.locate(f'@{ref_kind}:{ident}')}: suffix '{typed.group(0)}' typed "
                        f"after @{ref_kind}:{ident}; {advice}"
                    )
                pending_case = None
                resolved = self.resolve_text(text)
                out.extend(
                    text_inlines(resolved)
                    if " " in resolved
                    else ([string(resolved)] if resolved else [])
                )
                continue
            pending_case = None
            out.append(element)
        items[:] = _normalise(out)

    # ---- blocks

    def figure(self, element: dict) -> None:
        ident = element["c"][0][0].removeprefix("fig:")
        label = f"{self.context.labels['references']['fig']} {self.targets[('fig', ident)]}:"
        prefix = [*text_inlines(label), dict(SPACE)]
        caption = element["c"][1][1]
        for block in caption:
            if block["t"] in ("Plain", "Para"):
                block["c"][:0] = copy.deepcopy(prefix)
                break
        for block in element["c"][2]:
            for inline in block["c"] if block["t"] in ("Plain", "Para") else []:
                if inline["t"] != "Image":
                    continue
                attr, alt, (source, title) = inline["c"]
                if source.startswith(FIGURE_SOURCE):
                    name = source.removeprefix(FIGURE_SOURCE)
                    source = f"{self.context.figure_prefix}/{name}.{self.context.figure_extension}"
                    if origin := self.context.provenance.get(name):
                        attr[2].append(["provenance", origin])
                alt[:0] = copy.deepcopy(prefix)
                inline["c"][2] = [source, title]

    def table(self, element: dict) -> list:
        ident = element["c"][0][0].removeprefix("tbl:")
        if ident not in self.context.tables:
            place = self.locate(f"#tbl:{ident}")
            self.problems.append(f"{place}: table '{ident}' is not in the results")
            return [element]
        blocks = copy.deepcopy(self.context.tables[ident])
        table = next(block for block in blocks if block["t"] == "Table")
        label = f"{self.context.labels['references']['tbl']} {self.targets[('tbl', ident)]}:"
        caption_inlines = [
            inline
            for block in element["c"][1]
            if block["t"] in ("Para", "Plain")
            for inline in block["c"]
        ]
        extra = (
            [["provenance", origin]]
            if (origin := self.context.provenance.get(f"tbl:{ident}"))
            else []
        )
        table["c"][0] = [f"tbl:{ident}", [], extra]
        table["c"][1] = [
            None,
            [{"t": "Plain", "c": [*text_inlines(label), dict(SPACE), *caption_inlines]}],
        ]
        return blocks

    def blocks(self, items: list) -> None:
        """Rewrite a list of blocks in place: figures, table Divs, file wrappers."""
        if not items or not isinstance(items[0], dict) or "t" not in items[0]:
            return
        out: list = []
        for element in items:
            kind = element["t"]
            if kind == "Figure" and element["c"][0][0].startswith("fig:"):
                self.figure(element)
                out.append(element)
            elif kind == "Div" and element["c"][0][0].startswith("tbl:"):
                out.extend(self.table(element))
            else:
                out.append(element)
        items[:] = out


_BLOCK_TYPES = {
    "Para",
    "Plain",
    "Header",
    "Div",
    "Figure",
    "Table",
    "BulletList",
    "OrderedList",
    "BlockQuote",
    "CodeBlock",
    "RawBlock",
    "HorizontalRule",
    "DefinitionList",
    "LineBlock",
}


def _normalise(inlines: list) -> list:
    """Spaces as Pandoc's reader leaves them after a marker that rendered as nothing:
    no space at the start or end, none beside a line break, never two in a row, and
    adjacent words merged."""
    out: list = []
    for element in inlines:
        kind = element["t"]
        if kind == "Space":
            if not out or out[-1]["t"] in ("Space", "SoftBreak", "LineBreak"):
                continue
        elif kind in ("SoftBreak", "LineBreak"):
            while out and out[-1]["t"] == "Space":
                out.pop()
            if not out:
                continue
        elif kind == "Str" and out and out[-1]["t"] == "Str":
            out[-1] = string(out[-1]["c"] + element["c"])
            continue
        out.append(element)
    while out and out[-1]["t"] in ("Space", "SoftBreak"):
        out.pop()
    return out


def renumber_citations(blocks: list, meta: dict) -> None:
    """Number the citations 1, 2, … in reading order, as the Markdown reader does once the
    cross-references (also read as citations) have become links."""
    count = 0

    def visit(items: list) -> None:
        nonlocal count
        for element in items:
            if isinstance(element, dict) and element.get("t") == "Cite":
                count += 1
                for citation in element["c"][0]:
                    citation["citationNoteNum"] = count

    for inlines in meta_lists(meta):
        walk_lists(inlines, visit)
    walk_lists(blocks, visit)


def resolve(ast: dict, context: Context, files: dict[str, str]) -> dict:
    """A resolved copy of a language's AST (from ``read_sources``), its file wrappers removed.

    ``files`` maps each section file to its text, to name the line of a problem.
    Raises ManuscriptError listing every problem.
    """
    ast = json.loads(json.dumps(ast))  # a deep copy (JSON values only), 3× faster than deepcopy
    wrapped = source_blocks(ast)
    blocks = [block for _, section in wrapped for block in section] if wrapped else ast["blocks"]
    resolver = _Resolver(context, files, number_targets(blocks))

    def visit(items: list) -> None:
        if items and isinstance(items[0], dict) and items[0].get("t") in _BLOCK_TYPES:
            resolver.blocks(items)
        else:
            resolver.inlines(items)

    sections = wrapped or [("manuscript", ast["blocks"])]
    resolver.where = sections[0][0]  # the metadata comes from the first file
    for inlines in meta_lists(ast["meta"]):
        walk_lists(inlines, visit)
    for name, section in sections:
        resolver.where = name
        walk_lists(section, visit)
    ast["blocks"] = [block for _, section in sections for block in section]
    if resolver.problems:
        raise ManuscriptError("unresolved manuscript items:\n  " + "\n  ".join(resolver.problems))
    renumber_citations(ast["blocks"], ast["meta"])
    return ast


def read_tables(pandoc: str, tables: dict[str, str]) -> dict[str, list]:
    """The generated tables (name → Markdown) as blocks, read by Pandoc in one pass."""
    if not tables:
        return {}
    text = "\n".join(
        f'::::::::: {{.{TABLE_CLASS} table="{name}"}}\n{markdown.strip()}\n:::::::::\n'
        for name, markdown in sorted(tables.items())
    )
    ast = read_markdown(pandoc, text, "the generated tables")
    return {
        dict(block["c"][0][2])["table"]: block["c"][1]
        for block in ast["blocks"]
        if block["t"] == "Div" and TABLE_CLASS in block["c"][0][1]
    }
