"""The project-authored inputs at the start of a build: read only inside the repository,
and a configuration that keeps its schema, each problem in a line naming the file, the
line or key, the value and the fix.

``refuse_outside`` is the one place that decides whether the build may read a file:
every file the paper's authors write (its texts, labels, claims, bibliography, coded
data, schemas and configuration) must lie inside the repository, after symbolic links
are followed. A link that leads out of it would put a file of somebody's home folder
into the documents (and into ``last-good/``), and a reviewer's clone would build
another paper; the build refuses it at start-up, naming the link and where it leads.
``check_authored`` (called once, by the machinery's ``common.smk``) does that, and
then reads the text files among them for control and bidirectional formatting
characters (a NUL, an escape, U+202E RIGHT-TO-LEFT OVERRIDE), each named at its file,
line and column.

``config_problems`` checks the configuration against its JSON schema (as Snakemake's
``validate`` does) but reports each problem in a line, at the key's line in the
config file, with the closest allowed key for a misspelt one, instead of the whole
schema. Standard library, PyYAML and jsonschema only: it runs while Snakemake parses
the workflow.
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import jsonschema
import yaml

# Characters no authored text file may hold: the C0 controls but tab, line feed and
# carriage return, DEL, the C1 controls, the line and paragraph separators, and the
# bidirectional formatting characters (Unicode's Bidi_Control), which make a text
# display otherwise than it is stored. The tables' rule (paperkit.validate) forbids
# tab and line breaks in a field as well.
# DEL, the C1 controls, the separators and Bidi_Control: forbidden in files and tables.
UNSEEN_CHARACTERS = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
FORBIDDEN_IN_FILES = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{UNSEEN_CHARACTERS}]")
TEXT_SUFFIXES = (".md", ".yaml", ".yml", ".bib")
CONTROL_NAMES = {
    0x00: "NUL",
    0x09: "TAB",
    0x0A: "LINE FEED",
    0x0D: "CARRIAGE RETURN",
    0x1B: "ESCAPE",
    0x7F: "DELETE",
}


class InputError(ValueError):
    """A project-authored input cannot be used as it is; the message says where and how
    to fix it."""


# --------------------------------------------------------------------------- inside


def _files_under(path: Path) -> Iterable[Path]:
    """``path`` and, for a folder, everything under it (links not followed, so that a
    linked folder is reported as the link)."""
    yield path
    if path.is_dir() and not path.is_symlink():
        for folder, names, files in os.walk(path):
            for name in sorted([*names, *files]):
                yield Path(folder) / name


def outside_links(root: str | Path, paths: Iterable[str | Path]) -> list[tuple[str, Path]]:
    """Each of ``paths`` (relative to ``root``; a folder stands for everything under it)
    that, with its links followed, lies outside ``root``, with where it leads. A path
    that does not exist is left to the rule that needs it, and one named outside the
    repository in the first place (``--configfile /elsewhere/overlay.yaml``, as the
    change report passes its overlays to a clean clone) is the caller's explicit choice,
    not a file of the repository."""
    root = Path(root)
    home, lexical_home = root.resolve(), Path(os.path.abspath(root))
    found = []
    for given in paths:
        start = Path(given) if Path(given).is_absolute() else root / given
        if not Path(os.path.abspath(start)).is_relative_to(lexical_home):
            continue
        for path in _files_under(start):
            if os.path.lexists(path) and not (target := path.resolve()).is_relative_to(home):
                found.append((os.path.relpath(path, root), target))
    return found


def outside_problems(root: str | Path, paths: Iterable[str | Path]) -> list[str]:
    """A line for every one of ``paths`` that leads out of the repository, with the fix."""
    home = Path(root).resolve()
    return [
        f"{path}: a link to {target}, outside the repository ({home}); the build reads "
        f"its inputs only inside it: replace the link by a copy of {target}"
        for path, target in outside_links(root, paths)
    ]


def refuse_outside(root: str | Path, paths: Iterable[str | Path]) -> None:
    """Raise InputError naming every one of ``paths`` (files, or folders of them) that
    leads out of the repository ``root``: the build reads project files only inside it."""
    if problems := outside_problems(root, paths):
        raise InputError("\n".join(problems))


def character_name(char: str) -> str:
    """``U+0000 (NUL)``: a character's code point and name, for a message."""
    code = ord(char)
    name = CONTROL_NAMES.get(code) or unicodedata.name(char, "a control character")
    return f"U+{code:04X} ({name})"


def character_problems(root: str | Path, paths: Iterable[str | Path]) -> list[str]:
    """A line for each text file among ``paths`` (Markdown, YAML, BibTeX) that is not
    UTF-8 or holds a character of ``FORBIDDEN_IN_FILES``: the first one, at its line
    and column, with the fix. The tables (CSV) are the table validator's."""
    root = Path(root)
    problems = []
    for given in paths:
        start = Path(given) if Path(given).is_absolute() else root / given
        for path in _files_under(start):
            if path.suffix not in TEXT_SUFFIXES or not path.is_file():
                continue
            name = os.path.relpath(path, root)
            data = path.read_bytes()
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as error:
                line = data[: error.start].count(b"\n") + 1
                problems.append(
                    f"{name}:{line}: not valid UTF-8 (byte 0x{data[error.start]:02x}); save "
                    "the file as UTF-8"
                )
                continue
            if match := FORBIDDEN_IN_FILES.search(text):
                line = text.count("\n", 0, match.start()) + 1
                column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
                problems.append(
                    f"{name}:{line}:{column}: {character_name(match.group())} is not allowed "
                    "in the text; delete it (no control or bidirectional formatting character)"
                )
    return problems


def check_authored(root: str | Path, paths: Iterable[str | Path]) -> None:
    """The authored inputs ``paths`` (files, or folders of them) at start-up: every one
    inside the repository (``outside_problems``), and the text files among them free of
    control and bidirectional formatting characters (``character_problems``, which reads
    only the files inside). Raise InputError with a line per problem."""
    paths = list(paths)
    problems = outside_problems(root, paths)
    if not problems:
        problems = character_problems(root, paths)
    if problems:
        raise InputError("\n".join(problems))


# --------------------------------------------------------------------------- config


def _key_line(texts: dict[str, str], path: list) -> tuple[str, int | None]:
    """The config file that sets the key at ``path`` (the last one, as Snakemake merges
    them) and the key's line in it (None: no file sets it)."""
    for file, text in reversed(texts.items()):
        try:
            node = yaml.compose(text)
        except yaml.YAMLError:
            continue
        line = None
        for part in path:
            if isinstance(node, yaml.MappingNode):
                match = [(k, v) for k, v in node.value if k.value == str(part)]
                if not match:
                    line = None
                    break
                key, node = match[0]
                line = key.start_mark.line + 1
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                line = None
                break
        if line is not None:
            return file, line
    return next(iter(texts), "config"), None


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def config_problems(config: dict, schema: dict, files: dict[str, str]) -> list[str]:
    """Every way ``config`` breaks ``schema``, one line each: ``file:line: key ...`` with
    the value and the fix (``files``: each config file's name → its text)."""
    problems: list[tuple[list, str, str | None]] = []  # path, text, the missing key
    renamed: set[tuple] = set()  # (path, key) of a missing key that a misspelling explains
    errors = jsonschema.Draft202012Validator(schema).iter_errors(config)
    for error in sorted(errors, key=lambda error: [str(part) for part in error.absolute_path]):
        path = list(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = list(error.schema.get("properties", {}))
            for key in [key for key in error.instance if key not in allowed]:
                close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
                if close and close[0] not in error.instance:
                    renamed.add((tuple(path), close[0]))
                    fix = f"did you mean '{close[0]}'? Rename it"
                else:
                    fix = f"remove it, or use one of: {', '.join(allowed)}"
                problems.append(([*path, key], f"unknown key; {fix}", None))
        elif error.validator == "required" and isinstance(error.instance, dict):
            for key in error.validator_value:
                if key not in error.instance:
                    problems.append((path, f"required key '{key}' is missing; add it", key))
        else:
            message = error.message
            if len(message) > 160:
                message = (
                    f"{_shown(error.instance)} breaks the schema's rule "
                    f"{error.validator}: {_shown(error.validator_value)}"
                )
            problems.append((path, f"{message}; correct the value", None))
    lines = []
    for path, text, missing in problems:
        if missing is not None and (tuple(path), missing) in renamed:
            continue  # a misspelt key is also a missing one: say it once, as the misspelling
        file, line = _key_line(files, path)
        where = f"{file}:{line}" if line else file
        lines.append(f"{where}: {'.'.join(map(str, path)) or '(top level)'}: {text}")
    return lines


def check_config(config: dict, schema_path: str | Path, config_files: Iterable[str]) -> None:
    """Raise InputError, one line per problem, if ``config`` (read from ``config_files``)
    breaks the JSON schema in ``schema_path``."""
    schema = yaml.safe_load(Path(schema_path).read_text(encoding="utf-8"))
    files = {str(file): Path(file).read_text(encoding="utf-8") for file in config_files}
    if problems := config_problems(config, schema, files):
        raise InputError("\n".join(problems))
