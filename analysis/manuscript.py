"""Resolve a manuscript source: number placeholders, figure paths and cross-references.

The author writes, in either language::

    Türkiye hosted {{syria_peak_count}} Syrians in {{syria_peak_year|de}} ...
    ![Caption.](figure:unhcr_hosted){#fig:unhcr-hosted}
    ... as @fig:unhcr-hosted shows (tr: @fig:unhcr-hosted|de).
    {{table:its}}
    : Caption. {#tbl:its}

and this module turns it into plain Pandoc Markdown: each ``{{name}}`` becomes
the value from the results files formatted for the language (``|de`` adds the
Turkish case ending after an apostrophe), a line ``{{table:name}}`` becomes the
language's generated table, each ``figure:name`` becomes the
language's figure file, and each ``@fig:``/``@tbl:``/``@sec:`` reference becomes
a link labelled ``Figure 2`` / ``Şekil 2``, numbered in order of definition.
Anything unresolved stops the build with the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.localise import SUFFIXES, format_value, spoken_integer, turkish_suffix

CLAIM_MARKER = re.compile(r"\{\{\s*claim:([a-z][a-z0-9_]*)\s*\}\}")
TABLE_INCLUDE = re.compile(r"^\{\{\s*table:([a-z][a-z0-9_]*)\s*\}\}\s*$")
PLACEHOLDER = re.compile(r"\{\{\s*([a-z][a-z0-9_]*)\s*(?:\|\s*([a-zçğıöşü]+)\s*)?\}\}")
CROSSREF = re.compile(r"@(fig|tbl|sec):([A-Za-z0-9_-]+)(?:\|([a-zçğıöşü]+))?")
FIGURE_SOURCE = re.compile(r"\]\(figure:([A-Za-z0-9_-]+)\)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*(\{[^}]*\})?\s*$")
FIGURE_DEF = re.compile(
    r"^!\[(?P<caption>.*)\]\((?P<src>[^)]*)\)\{(?P<attrs>[^}]*#fig:(?P<id>[A-Za-z0-9_-]+)[^}]*)\}\s*$"
)
TABLE_DEF = re.compile(r"^:\s*(?P<caption>.*?)\s*\{#tbl:(?P<id>[A-Za-z0-9_-]+)\}\s*$")

REFERENCE_NAMES = {
    "en": {"fig": "Figure", "tbl": "Table", "sec": "Section"},
    "tr": {"fig": "Şekil", "tbl": "Tablo", "sec": "Bölüm"},
}


class ManuscriptError(ValueError):
    """A placeholder or reference in the manuscript cannot be resolved."""


@dataclass(frozen=True)
class Number:
    """A value the text may quote, with how to format it."""

    value: object
    kind: str
    digits: int = 0

    def formatted(self, lang: str) -> str:
        return format_value(self.value, self.kind, lang, self.digits)


def number_entry(value, kind: str, description: str, digits: int = 0) -> dict:
    """A number as a results file records it for the text: value, kind, digits, description."""
    return {"value": value, "kind": kind, "digits": digits, "description": description}


def numeric_values(numbers: dict[str, Number]) -> dict[str, float]:
    """The numbers a claim's check can compare (not dates, lists of countries or text)."""
    return {
        name: number.value
        for name, number in numbers.items()
        if isinstance(number.value, (int, float)) and not isinstance(number.value, bool)
    }


def merge_numbers(named_payloads: dict[str, dict]) -> dict[str, Number]:
    """Merge results files ({file: {name: {value, kind, digits?}}}); a name may appear once."""
    merged: dict[str, Number] = {}
    origin: dict[str, str] = {}
    for file, payload in sorted(named_payloads.items()):
        for name, entry in payload.items():
            if name in merged:
                raise ManuscriptError(
                    f"number '{name}' is defined in both {origin[name]} and {file}"
                )
            merged[name] = Number(entry["value"], entry["kind"], entry.get("digits", 0))
            origin[name] = file
    return merged


def _with_suffix(
    text: str, number: Number | None, suffix: str | None, lang: str, where: str
) -> str:
    if not suffix:
        return text
    if lang != "tr":
        raise ManuscriptError(f"{where}: the case ending '|{suffix}' is for Turkish text only")
    if suffix not in SUFFIXES:
        raise ManuscriptError(f"{where}: unknown case ending '|{suffix}' (use one of {SUFFIXES})")
    spoken = spoken_integer(number.value, number.kind, number.digits) if number else None
    # U+2019: a straight quote after a digit would be set as a prime (2′de) by Typst.
    return f"{text}’{turkish_suffix(spoken, suffix)}"


def placeholders(text: str) -> list[str]:
    """The placeholder names a source uses, in order of first use."""
    return list(dict.fromkeys(match.group(1) for match in PLACEHOLDER.finditer(text)))


def number_targets(lines: list[str]) -> dict[tuple[str, str], str]:
    """Number figures, tables and (numbered) sections in order of definition."""
    targets: dict[tuple[str, str], str] = {}
    counts = {"fig": 0, "tbl": 0}
    section = [0] * 6
    for line in lines:
        if (heading := HEADING.match(line)) and heading.group(3) is not None:
            attrs = heading.group(3)
            if ".unnumbered" in attrs or re.search(r"(^|\s)-($|\s|\})", attrs.strip("{}")):
                continue
            level = len(heading.group(1))
            section[level - 1] += 1
            section[level:] = [0] * (6 - level)
            if found := re.search(r"#sec:([A-Za-z0-9_-]+)", attrs):
                targets[("sec", found.group(1))] = ".".join(str(n) for n in section[:level])
        elif heading := HEADING.match(line):
            level = len(heading.group(1))
            section[level - 1] += 1
            section[level:] = [0] * (6 - level)
        for kind, pattern in (("fig", FIGURE_DEF), ("tbl", TABLE_DEF)):
            if found := pattern.match(line):
                counts[kind] += 1
                if (kind, found.group("id")) in targets:
                    raise ManuscriptError(f"#{kind}:{found.group('id')} is defined twice")
                targets[(kind, found.group("id"))] = str(counts[kind])
    return targets


@dataclass
class _Resolver:
    """Resolves one source line at a time, collecting every problem before failing."""

    numbers: dict[str, Number]
    tables: dict[str, str]
    claims: set[str]
    provenance: dict[str, str]
    targets: dict[tuple[str, str], str]
    lang: str
    figure_prefix: str
    problems: list[str]

    def number(self, match: re.Match, where: str) -> str:
        name, suffix = match.group(1), match.group(2)
        if name not in self.numbers:
            self.problems.append(
                f"{where}: placeholder '{{{{{name}}}}}' has no value in the results"
            )
            return match.group(0)
        value = self.numbers[name]
        return _with_suffix(value.formatted(self.lang), value, suffix, self.lang, where)

    def reference(self, match: re.Match, where: str) -> str:
        kind, ident, suffix = match.groups()
        names = REFERENCE_NAMES[self.lang]
        if (kind, ident) not in self.targets:
            target = REFERENCE_NAMES["en"][kind].lower()
            self.problems.append(f"{where}: reference @{kind}:{ident} points at no {target}")
            return match.group(0)
        position = self.targets[(kind, ident)]
        label = f"{names[kind]} {position}"
        if suffix:
            spoken = Number(int(position.split(".")[-1]), "count")
            label = _with_suffix(label, spoken, suffix, self.lang, where)
        return f"[{label}](#{kind}:{ident})"

    def caption(self, line: str) -> str:
        """Prefix figure and table captions with their localised label."""
        names = REFERENCE_NAMES[self.lang]
        if found := FIGURE_DEF.match(line):
            label = f"{names['fig']} {self.targets[('fig', found.group('id'))]}"
            source = FIGURE_SOURCE.search(f"]({found.group('src')})")
            origin = self.provenance.get(source.group(1)) if source else None
            extra = f' provenance="{origin}"' if origin else ""
            return (
                f"![{label}: {found.group('caption')}]({found.group('src')})"
                f"{{{found.group('attrs')}{extra}}}"
            )
        if found := TABLE_DEF.match(line):
            ident = found.group("id")
            label = f"{names['tbl']} {self.targets[('tbl', ident)]}"
            origin = self.provenance.get(f"tbl:{ident}")
            extra = f' provenance="{origin}"' if origin else ""
            return f": {label}: {found.group('caption')} {{#tbl:{ident}{extra}}}"
        return line

    def table(self, match: re.Match, where: str) -> str:
        name = match.group(1)
        if name not in self.tables:
            self.problems.append(f"{where}: table '{{{{table:{name}}}}}' is not in the results")
            return match.group(0)
        return self.tables[name].rstrip("\n")

    def claim(self, match: re.Match, where: str) -> str:
        if match.group(1) not in self.claims:
            self.problems.append(f"{where}: claim '{match.group(1)}' is not in the claims file")
        return ""

    def line(self, line: str, where: str) -> str:
        if found := TABLE_INCLUDE.match(line):
            return self.table(found, where)
        line = CLAIM_MARKER.sub(lambda m: self.claim(m, where), line)
        line = PLACEHOLDER.sub(lambda m: self.number(m, where), line)
        line = self.caption(line)
        line = FIGURE_SOURCE.sub(lambda m: f"]({self.figure_prefix}/{m.group(1)})", line)
        return CROSSREF.sub(lambda m: self.reference(m, where), line)


def resolve(
    text: str,
    numbers: dict[str, Number],
    lang: str,
    figure_prefix: str,
    source_name: str = "manuscript",
    tables: dict[str, str] | None = None,
    claims: set[str] | None = None,
    provenance: dict[str, str] | None = None,
) -> str:
    """Return Pandoc Markdown with every placeholder, figure path and reference resolved.

    ``figure_prefix`` is the path (relative to where Pandoc runs) of the
    language's figure folder; the figure file extension is left to Pandoc's
    ``--default-image-extension``. ``tables`` maps a table name to the language's
    Markdown table, which replaces a line ``{{table:name}}``.
    """
    return resolve_sources(
        [(source_name, text)], numbers, lang, figure_prefix, tables, claims, provenance
    )


def resolve_sources(
    sources: list[tuple[str, str]],
    numbers: dict[str, Number],
    lang: str,
    figure_prefix: str,
    tables: dict[str, str] | None = None,
    claims: set[str] | None = None,
    provenance: dict[str, str] | None = None,
) -> str:
    """Resolve a paper written in several files (``(name, text)`` in reading order) as one.

    Figures, tables and sections are numbered across all files; every problem
    names its own file and line. ``claims`` are the claim ids a ``{{claim:id}}``
    marker may name (the marker itself renders as nothing). ``provenance`` maps a
    figure name, or ``tbl:<id>``, to ``rule|script|inputs``, which becomes the
    figure's or table's ``provenance`` attribute (shown by the HTML filter).
    """
    located = [
        (f"{name}:{number}", line)
        for name, text in sources
        for number, line in enumerate([*text.rstrip("\n").split("\n"), ""], start=1)
    ]
    lines = [line for _, line in located]
    resolver = _Resolver(
        numbers,
        tables or {},
        claims or set(),
        provenance or {},
        number_targets(lines),
        lang,
        figure_prefix,
        [],
    )
    out = [resolver.line(line, where) for where, line in located]
    if resolver.problems:
        raise ManuscriptError("unresolved manuscript items:\n  " + "\n  ".join(resolver.problems))
    return "\n".join(out).rstrip("\n") + "\n"
