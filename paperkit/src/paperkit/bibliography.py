"""Each language's reference list in its own words.

A bibliography is shared by the languages: the authors, titles and places of a work
stay as they were published. The notes a paper writes into an entry (``howpublished``,
``note``, ``type``: "Press release", "signed 16 December 2013", "Official Journal …")
are prose, and a reader of another language must not meet them in English. An entry
gives such a field in another language beside it, named ``<field>-<lang>``::

    howpublished    = {Press release, European Council, Brussels, 18 March 2016},
    howpublished-tr = {Basın açıklaması, AB Zirvesi, Brüksel, 18 Mart 2016},

``localise_bibtex`` writes the entries as one language reads them: the field of that
language in place of the base field, and every ``<field>-<lang>`` field removed (Pandoc
never sees them). Standard library only; the BibTeX is scanned for balanced braces,
not parsed: Pandoc's BibTeX reader drops fields it does not know, so the choice must be
made before Pandoc reads the file, and a parser's round trip (bibtexparser) would
rewrite every entry's layout rather than replace one field.
"""

from __future__ import annotations

import re
from pathlib import Path

# prose fields an entry may give per language
LOCALISED_FIELDS = ("howpublished", "note", "type", "addendum")
_FIELD = re.compile(r"(?m)^(?P<indent>[ \t]*)(?P<name>[A-Za-z]+)(?:-(?P<lang>[a-z]{2,3}))?\s*=\s*")


def _value_end(text: str, start: int) -> int:
    """The index just after the braced value that begins at ``start`` (a ``{``), and after
    the comma that may follow it."""
    if text[start] != "{":
        raise ValueError(f"expected a braced value at: {text[start : start + 40]!r}")
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                end = index + 1
                if end < len(text) and text[end] == ",":
                    end += 1
                return end
    raise ValueError(f"unbalanced braces in the value at: {text[start : start + 40]!r}")


def _entries(text: str) -> list[tuple[int, int]]:
    """(start, end) of each ``@type{…}`` entry."""
    spans = []
    for match in re.finditer(r"(?m)^@\w+\s*\{", text):
        spans.append((match.start(), _value_end(text, match.end() - 1)))
    return spans


def _fields(entry: str) -> list[tuple[str, str | None, int, int, int]]:
    """(name, lang, line start, value start, value end) of each braced field of an entry."""
    found = []
    for match in _FIELD.finditer(entry):
        if match.start() == 0 or entry[match.end()] != "{":
            continue
        end = _value_end(entry, match.end())
        found.append((match["name"].lower(), match["lang"], match.start(), match.end(), end))
    return found


def _localise_entry(entry: str, lang: str) -> str:
    fields = _fields(entry)
    own = {
        name: entry[start:end].rstrip(",")
        for name, field_lang, _, start, end in fields
        if field_lang == lang
    }
    pieces, cursor = [], 0
    for name, field_lang, line, start, end in fields:
        if field_lang is not None:
            # drop the line of a language field (any language)
            stop = end + 1 if entry[end : end + 1] == "\n" else end
            pieces.append(entry[cursor:line])
            cursor = stop
        elif name in own:
            comma = "," if entry[start:end].endswith(",") else ""
            pieces.append(entry[cursor:start] + own[name] + comma)
            cursor = end
    pieces.append(entry[cursor:])
    return "".join(pieces)


def localise_bibtex(text: str, lang: str) -> str:
    """``text`` (BibTeX) as the language ``lang`` reads it (see the module's docstring)."""
    pieces, cursor = [], 0
    for start, end in _entries(text):
        pieces.append(text[cursor:start] + _localise_entry(text[start:end], lang))
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def localised_fields(text: str, lang: str) -> dict[str, dict[str, str]]:
    """Key → {field: value} of the prose fields (``LOCALISED_FIELDS``) of each entry as
    ``lang`` reads it: what the reference list of that language prints as notes."""
    found: dict[str, dict[str, str]] = {}
    local = localise_bibtex(text, lang)
    for start, end in _entries(local):
        entry = local[start:end]
        key = re.match(r"@\w+\s*\{\s*([^,\s]+)", entry)[1]
        found[key] = {
            name: entry[value_start + 1 : value_end].rstrip(",")[:-1]
            for name, field_lang, _, value_start, value_end in _fields(entry)
            if name in LOCALISED_FIELDS and field_lang is None
        }
    return found


def localised_bibliography(paths: list[str], lang: str, folder: Path) -> list[str]:
    """Copies of the bibliography files ``paths`` as ``lang`` reads them, written into
    ``folder`` (one per file, same order); the paths to give Pandoc."""
    written = []
    for number, path in enumerate(paths):
        target = folder / f"{number}-{Path(path).name}"
        target.write_text(
            localise_bibtex(Path(path).read_text(encoding="utf-8"), lang), encoding="utf-8"
        )
        written.append(str(target))
    return written
