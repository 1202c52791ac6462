"""``paperkit new FOLDER --languages en,de``: a new paper that builds as it stands.

The paper has one data file, one results file of numbers, one figure and one table
(drawn by the paper's own module), one claim checked against a number, a bibliography
entry, and its text in each language, with the Snakefile, config, registry, labels and
claims that paperkit's rules read (paperkit/README.md describes each). The files come
from paperkit's package data (``scaffold/``); the words of each language from
``scaffold/languages.yaml`` (English, German and Turkish; another code gets the
English text, to translate). The environment's lock (``requirements.txt``) pins the
packages installed where the command runs, so that the paper names what built it.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import re
import shlex
import sys
from importlib.resources import files
from pathlib import Path
from string import Template

import yaml

SCAFFOLD = Path(str(files("paperkit"))) / "scaffold"
# Files whose ``$name`` fields are filled in (the paper's title and package).
TEMPLATED = ("Snakefile", "config.yaml", "registry.yaml")
CODE = re.compile(r"[a-z]{2,3}")


class ScaffoldError(ValueError):
    """The folder or the languages asked for cannot make a paper."""


def language_codes(text: str) -> list[str]:
    """``en,de`` → ``["en", "de"]``: two- or three-letter codes (as in labels.yaml), each
    once, at least one."""
    codes = [code.strip() for code in text.split(",") if code.strip()]
    wrong = [code for code in codes if not CODE.fullmatch(code)]
    if wrong or not codes:
        raise ScaffoldError(
            f"--languages {text!r}: give language codes of two or three small letters, "
            f"separated by commas (e.g. en,de)"
        )
    if len(set(codes)) != len(codes):
        raise ScaffoldError(f"--languages {text!r}: each language once")
    return codes


def locale_of(code: str) -> str:
    """Babel's locale with a territory for a language code (``de`` → ``de_DE``), which
    the config's ``languages.<code>.locale`` takes."""
    from babel import Locale, UnknownLocaleError
    from babel.core import get_global

    likely = get_global("likely_subtags").get(code, "")
    try:
        locale = Locale.parse(likely or code)
    except (ValueError, UnknownLocaleError) as error:
        raise ScaffoldError(f"--languages: Babel knows no locale for '{code}' ({error})") from None
    return f"{locale.language}_{locale.territory}" if locale.territory else locale.language


def package_name(folder: Path) -> str:
    """The paper's module folder, named after the paper's folder (a Python identifier)."""
    name = re.sub(r"\W+", "_", folder.name.lower()).strip("_")
    if not name or not name.isidentifier() or name[0].isdigit():
        name = f"paper_{name}".rstrip("_")
    return name if name.isidentifier() else "paper_code"


def locked_environment() -> str:
    """``name==version`` of every package installed here, in name order: the paper's lock
    until its authors pin one with hashes (paperkit's rules hash it and list it)."""
    pins = {}
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            pins[re.sub(r"[-_.]+", "-", name).lower()] = dist.version
    lines = [f"{name}=={version}" for name, version in sorted(pins.items())]
    return (
        "# The packages of the environment this paper was made in (`paperkit new`); pin\n"
        "# them with hashes (pip-compile --generate-hashes, uv pip compile) to lock them.\n"
        + "\n".join(lines)
        + "\n"
    )


def write_paper(folder: Path, codes: list[str]) -> list[Path]:
    """Write a new paper into ``folder`` (absent or empty) in the languages ``codes``;
    returns the files written."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ScaffoldError(
            f"{folder} exists and is not an empty folder: give a new folder for the paper"
        )
    words = yaml.safe_load((SCAFFOLD / "languages.yaml").read_text(encoding="utf-8"))
    package = package_name(folder)
    first = words.get(codes[0], words["en"])
    fields = {
        "title": first["title"],
        "package": package,
        "languages": "\n".join(language_entry(code, words) for code in codes),
    }
    written = []

    def write(relative: str, text: str) -> None:
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)

    for source in sorted(SCAFFOLD.rglob("*")):
        relative = source.relative_to(SCAFFOLD).as_posix()
        if source.is_dir() or "__pycache__" in relative or relative == "languages.yaml":
            continue
        text = source.read_text(encoding="utf-8")
        if relative in TEMPLATED:
            text = Template(text).substitute(fields)
        relative = {"gitignore": ".gitignore", "references.bib": "manuscript/references.bib"}.get(
            relative, relative
        )
        write(re.sub(r"^code/", f"{package}/", relative), text)
    labels, claims = {}, {"grew": {}}
    for code in codes:
        own = words.get(code, words["en"])
        labels[code] = own["labels"]
        claims["grew"][code] = own["claim"]
        lang = own["lang"] if code in words else code
        write(
            f"manuscript/{code}/00-front.md",
            f'---\ntitle: "{own["title"]}"\nlang: {lang}\n'
            f"reference-section-title: {own['references_title']}\n---\n",
        )
        write(
            f"manuscript/{code}/10-text.md",
            f"{own['text']}\n![{own['caption']}](figure:series){{#fig:series width=80%}}\n\n"
            f"::: {{#tbl:series}}\n{own['caption']}\n:::\n\n"
            f"# {own['references_title']} {{.unnumbered}}\n\n::: {{#refs}}\n:::\n",
        )
    claims["grew"].update(scope="numbers", check="growth > 0")
    dump = {"allow_unicode": True, "sort_keys": False, "width": 88}
    write("manuscript/labels.yaml", yaml.safe_dump(labels, **dump))
    write("manuscript/claims.yaml", yaml.safe_dump(claims, **dump))
    write("requirements.txt", locked_environment())
    return written


def language_entry(code: str, words: dict) -> str:
    """The config's entry of one language (locale, and case endings where paperkit has
    them)."""
    own = words.get(code)
    locale = own["locale"] if own else locale_of(code)
    endings = f", case_endings: {own['case_endings']}" if own and "case_endings" in own else ""
    return f"  {code}: {{locale: {locale}{endings}}}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="paperkit", description="The machinery of a reproducible multilingual paper."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    new = commands.add_parser("new", help="write a new paper that builds as it stands")
    new.add_argument("folder", type=Path, help="the paper's folder (new, or empty)")
    new.add_argument(
        "--languages", default="en,de", help="language codes, comma-separated (default: en,de)"
    )
    args = parser.parse_args(argv)
    try:
        codes = language_codes(args.languages)
        written = write_paper(args.folder, codes)
    except ScaffoldError as error:
        print(f"paperkit new: {error}", file=sys.stderr)
        return 2
    words = yaml.safe_load((SCAFFOLD / "languages.yaml").read_text(encoding="utf-8"))
    print(f"wrote {len(written)} files into {args.folder}")
    for code in codes:
        if code not in words:
            print(f"  manuscript/{code}/: English text to translate into '{code}'")
    print(f"build it there: cd {shlex.quote(str(args.folder))} && snakemake --cores 2")
    return 0


if __name__ == "__main__":
    sys.exit(main())
