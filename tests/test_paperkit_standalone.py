"""paperkit stands alone: its Pandoc defaults, filters, templates and the new paper's
files ship inside the package; it declares every package it imports; and a paper that
`paperkit new` writes, outside this repository, builds and passes parity in a fresh
environment holding only paperkit and its locked dependencies."""

from __future__ import annotations

import ast
import csv
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from paperkit import new
from paperkit.lockfile import read_lock
from paperkit.paper import PACKAGE, PANDOC_DEFAULTS, Paper
from paperkit.snakefile import pandoc_defaults_inputs
from tests.conftest import ROOT, unavailable

PYPROJECT = tomllib.loads((ROOT / "paperkit" / "pyproject.toml").read_text(encoding="utf-8"))


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_modules(path: Path) -> set[str]:
    """Top-level names of the modules a Python file or a Snakemake rule file imports (of
    a rule file, its import statements: the rest is Snakemake's language)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".smk":
        statements, open_statement = [], None
        for line in text.splitlines():
            if open_statement is not None:
                open_statement += " " + line.strip()
            elif re.match(r"(import|from)\s+\w", line):
                open_statement = line.strip()
            else:
                continue
            if open_statement.count("(") == open_statement.count(")"):
                statements.append(open_statement.split("#")[0])
                open_statement = None
        text = "\n".join(statements)
    names = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_paperkit_declares_every_package_it_imports_and_no_other():
    declared = {
        normalised(re.split(r"[<>=!~ \[]", requirement)[0])
        for requirement in [
            *PYPROJECT["project"]["dependencies"],
            *(r for extra in PYPROJECT["project"]["optional-dependencies"].values() for r in extra),
        ]
    }
    distributions = importlib.metadata.packages_distributions()
    needed: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix not in (".py", ".smk") or "scaffold" in path.parts:
            continue  # the new paper's own files are the paper's code, not paperkit's
        for module in imported_modules(path) - set(sys.stdlib_module_names) - {"paperkit"}:
            for dist in distributions.get(module, [f"<no distribution: {module}>"]):
                needed.setdefault(normalised(dist), set()).add(str(path.relative_to(PACKAGE)))
    missing = {dist: sorted(files)[:3] for dist, files in needed.items() if dist not in declared}
    assert not missing, f"imported by paperkit, not in paperkit/pyproject.toml: {missing}"
    assert not declared - set(needed), "declared in paperkit/pyproject.toml, never imported"


def test_every_declared_version_admits_the_locked_one():
    # packaging as pip vendors it (pip is in the dev lock; packaging itself is not)
    from pip._vendor.packaging.requirements import Requirement

    pinned = {
        name: pin.version for name, pin in read_lock(ROOT / "requirements/runtime.txt").items()
    }
    for text in PYPROJECT["project"]["dependencies"]:
        requirement = Requirement(text)
        version = pinned[normalised(requirement.name)]
        assert requirement.specifier.contains(version), f"{text}: the lock has {version}"


def test_the_packaged_defaults_name_only_files_inside_paperkit():
    defaults = sorted(PANDOC_DEFAULTS.glob("*.yaml"))
    assert {path.stem for path in defaults} >= {"citeproc", "common", "html", "docx", "typst"}
    for path in defaults:
        for named in pandoc_defaults_inputs({"writer": [str(path)]}):
            file = Path(named).resolve()
            assert file.is_file() and file.is_relative_to(PACKAGE), f"{path.name}: {named}"
    # one copy: the paper carries none of its own
    for folder in ("defaults", "filters", "templates"):
        assert not (ROOT / "manuscript" / folder).exists()


def test_the_paper_reads_paperkits_defaults_relative_to_its_root(tmp_path):
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    # inside the project (paperkit's copy in this repository): a path from the root, so
    # that a moved project reruns nothing
    assert Paper.load(config, ROOT).defaults_folder == "paperkit/src/paperkit/pandoc/defaults"
    # a paper elsewhere reads them where paperkit is installed
    assert Paper.load(config, tmp_path).defaults_folder == str(PANDOC_DEFAULTS)
    # a paper's own folder replaces paperkit's
    own = {**config, "manuscript": {**config["manuscript"], "defaults": "pandoc"}}
    assert Paper.load(own, tmp_path).defaults_folder == "pandoc"


@pytest.mark.parametrize(
    ("languages", "message"),
    [("", "two or three small letters"), ("en,EN", "small letters"), ("en,en", "each language")],
)
def test_new_refuses_languages_it_cannot_write(languages, message, tmp_path, capsys):
    assert new.main(["new", str(tmp_path / "paper"), "--languages", languages]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "paper").exists()


def test_new_refuses_a_folder_that_holds_files(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert new.main(["new", str(tmp_path)]) == 2
    assert "not an empty folder" in capsys.readouterr().err
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]


def test_new_writes_every_language_with_the_same_structure(tmp_path):
    folder = tmp_path / "Mein Aufsatz"
    new.write_paper(folder, ["en", "fr", "tr"])
    config = yaml.safe_load((folder / "config.yaml").read_text(encoding="utf-8"))
    assert config["languages"] == {
        "en": {"locale": "en_GB"},
        "fr": {"locale": "fr_FR"},  # from Babel's likely subtags
        "tr": {"locale": "tr_TR", "case_endings": "turkish"},
    }
    assert config["manuscript"]["code_packages"] == ["paperkit", "mein_aufsatz"]
    assert (folder / "mein_aufsatz" / "draw.py").is_file()
    labels = yaml.safe_load((folder / "manuscript/labels.yaml").read_text(encoding="utf-8"))
    assert list(labels) == ["en", "fr", "tr"]
    claims = yaml.safe_load((folder / "manuscript/claims.yaml").read_text(encoding="utf-8"))
    assert set(claims["grew"]) == {"en", "fr", "tr", "scope", "check"}
    placeholders = {
        code: re.findall(
            r"\{\{[^}]+\}\}|@\w+|\{#[^}]+\}",
            (folder / f"manuscript/{code}/10-text.md").read_text(encoding="utf-8"),
        )
        for code in ("en", "fr", "tr")
    }
    assert sorted(placeholders["en"]) == sorted(placeholders["tr"]) == sorted(placeholders["fr"])
    front = (folder / "manuscript/fr/00-front.md").read_text(encoding="utf-8")
    assert "lang: fr\n" in front  # English words to translate, in a French document
    assert "paperkit==" in (folder / "requirements.txt").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- e2e

LANGUAGES = ["en", "de"]


def run(command: list[str], cwd: Path, env: dict, timeout=900) -> subprocess.CompletedProcess:
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout[-2000:]}{done.stderr[-3000:]}"
    return done


@pytest.mark.e2e
def test_a_new_paper_builds_in_a_fresh_environment_of_paperkit_alone(tmp_path):
    """The demo of paperkit/README.md: paperkit installed (not editable) with the lock's
    versions of its dependencies only, into a new venv; `paperkit new` run outside this
    repository; the paper built there with `snakemake --cores 2`."""
    assert not tmp_path.resolve().is_relative_to(ROOT)
    python = shutil.which("python3.11")
    if python is None:
        unavailable("python3.11 is not installed")
    # Offline from the caches `make env` filled (uv's and pip's), as the Makefile installs.
    cache = {"UV_CACHE_DIR": os.environ.get("UV_CACHE_DIR", str(Path.home() / ".cache/uv"))}
    base = {"HOME": str(Path.home()), "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin", **cache}
    started = time.perf_counter()
    seconds = {}
    uv = tmp_path / "uv"
    run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--require-hashes", "--no-deps", "--target", str(uv), "-r",
         str(ROOT / "requirements/uv.txt")],
        tmp_path, base,
    )  # fmt: skip
    lock = tmp_path / "paperkit-lock.txt"
    wheels = ["--find-links", str(ROOT / "requirements/wheels")]
    # paperkit's dependencies at the versions (and hashes) of the paper's lock
    run(
        [str(uv / "bin/uv"), "pip", "compile", "--quiet", "--offline", "--no-header",
         "--generate-hashes", "--python-version", "3.11", *wheels,
         str(ROOT / "paperkit/pyproject.toml"), "-c", str(ROOT / "requirements/runtime.txt"),
         "-o", str(lock)],
        tmp_path, base,
    )  # fmt: skip
    venv = tmp_path / "venv"
    run([python, "-m", "venv", "--without-pip", str(venv)], tmp_path, base)
    install = [str(uv / "bin/uv"), "pip", "install", "--quiet", "--offline", "--python",
               str(venv / "bin/python")]  # fmt: skip
    run([*install, "--require-hashes", "--no-deps", *wheels, "-r", str(lock)], tmp_path, base)
    run([*install, "--no-deps", str(ROOT / "paperkit")], tmp_path, base)
    seconds["install"] = time.perf_counter() - started
    env = {**base, "PATH": f"{venv / 'bin'}:/usr/bin:/bin"}
    where = run(
        [str(venv / "bin/python"), "-c", "import paperkit; print(paperkit.__file__)"],
        tmp_path, env,
    ).stdout  # fmt: skip
    assert Path(where.strip()).is_relative_to(venv)  # not this repository's copy
    lines = len(lock.read_text(encoding="utf-8").split("==")) - 1

    paper = tmp_path / "a paper"  # a space in the path
    started = time.perf_counter()
    run(["paperkit", "new", str(paper), "--languages", ",".join(LANGUAGES)], tmp_path, env)
    run(["snakemake", "--cores", "2"], paper, env)
    seconds["new and build"] = time.perf_counter() - started
    print(f"fresh venv: {lines} locked packages + paperkit; seconds: {seconds}")

    parity = json.loads((paper / "results/checks/parity.json").read_text(encoding="utf-8"))
    assert parity["identical_skeletons"] and parity["languages"] == LANGUAGES
    claims = json.loads((paper / "results/checks/claims.json").read_text(encoding="utf-8"))
    assert [claim["holds"] for claim in claims["claims"]] == [True]
    with (paper / "data/observations.csv").open(encoding="utf-8") as handle:
        latest = max(csv.DictReader(handle), key=lambda row: int(row["year"]))
    # the latest value as each language writes it (en 1,744; de 1.744)
    grouped = {
        "en": f"{int(latest['value']):,}",
        "de": f"{int(latest['value']):,}".replace(",", "."),
    }
    for lang in LANGUAGES:
        for ext in ("pdf", "html", "docx"):
            assert (paper / f"manuscript/build/{lang}/paper.{ext}").stat().st_size > 5_000
        pdf = PdfReader(paper / f"manuscript/build/{lang}/paper.pdf")
        text = " ".join(page.extract_text() for page in pdf.pages)
        assert grouped[lang] in text and latest["year"] in text, lang
    dry = run(["snakemake", "-n"], paper, env)
    assert "Nothing to be done" in dry.stdout + dry.stderr
