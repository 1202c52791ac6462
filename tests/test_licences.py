"""The reviewer bundle's flags and what it says about itself: licences as SPDX
expressions (paperkit.bundle.licences, the license-expression library), `make bundle`
with and without WHEELS=1, and the receipt's install line and tool versions. Fast:
no build (the end-to-end bundle is tests/test_bundle.py)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml

from paperkit.bundle.licences import LicenceError, config_licences, redistribution
from paperkit.bundle.sources import pinned_sources
from paperkit.bundle.texts import install_line, readme, typst_version
from tests.conftest import ROOT

REFS = {
    "LicenseRef-Open-Office": {"name": "open", "redistributable": True},
    "LicenseRef-Closed-Office": {"name": "by permission", "redistributable": False},
}

# ----------------------------------------------------------------------------- licences


@pytest.mark.parametrize(
    "config", ["config/config.yaml", *sorted(p.name for p in (ROOT / "config/releases").glob("*"))]
)
def test_every_source_of_the_paper_has_an_spdx_licence_that_allows_copies(config):
    """The paper's sources: CC BY 4.0 (UNHCR, Eurostat), MIT (the gdidata package) and
    Frontex's reuse with attribution (a LicenseRef declared in the config)."""
    path = ROOT / config if "/" in config else ROOT / "config" / "releases" / config
    text = path.read_text(encoding="utf-8")
    if "/releases/" in str(path):  # an overlay: its sources with the main config's refs
        main = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
        text += "\n" + yaml.safe_dump({"licence_refs": main["licence_refs"]})
    decisions = config_licences(text, config)
    assert decisions
    for name, (allowed, reason) in decisions.items():
        assert allowed, f"{name}: {reason}"


@pytest.mark.parametrize(
    "licence",
    [
        "CC-BY-NC-4.0",
        "CC-BY-ND-4.0",
        "MIT AND CC-BY-NC-SA-4.0",
        "LicenseRef-Closed-Office",
        "CC-BY-4.0 AND LicenseRef-Closed-Office",
        "GPL-3.0-only",
    ],
)
def test_a_licence_that_does_not_allow_copies_leaves_the_source_to_its_url(licence):
    allowed, reason = redistribution(licence, REFS)
    assert not allowed
    assert "not known to allow" in reason and reason.split(" is ")[0] in licence


@pytest.mark.parametrize(
    "licence",
    ["CC-BY-4.0", "cc-by-4.0", "MIT AND CC-BY-4.0", "CC-BY-NC-4.0 OR CC-BY-4.0",
     "LicenseRef-Open-Office", "Apache-2.0 WITH LLVM-exception"],
)  # fmt: skip
def test_a_licence_that_allows_copies_lets_the_source_into_the_bundle(licence):
    allowed, reason = redistribution(licence, REFS)
    assert allowed, reason


CONFIG = """\
sources:
  good:
    path: a/good.rda
    url: https://example.org/good.rda
    sha256: "{zero}"
    licence: CC-BY-4.0
  bad:
    path: a/bad.rda
    url: https://example.org/bad.rda
    sha256: "{one}"
    licence: {licence}
licence_refs:
  LicenseRef-Open-Office: {{name: open, redistributable: true}}
"""


@pytest.mark.parametrize(
    ("licence", "fix"),
    [
        ("CC BY 4.0", "write 'CC-BY-4.0'"),
        ("Creative Commons Attribution", "identifiers of https://spdx.org/licenses/"),
        ("MIT AND", "identifiers of https://spdx.org/licenses/"),
        ("LicenseRef-Undeclared", "declare a LicenseRef-"),
    ],
)
def test_a_licence_that_is_not_an_spdx_expression_is_named_with_file_line_and_value(licence, fix):
    text = CONFIG.format(zero="0" * 64, one="1" * 64, licence=f'"{licence}"')
    with pytest.raises(LicenceError) as error:
        config_licences(text, "config/config.yaml")
    message = str(error.value)
    assert message.startswith("config/config.yaml, line 11 (sources.bad.licence): ")
    assert repr(licence) in message and fix in message


def _commit(repo: Path, licence: str, bad_path: str = "a/bad.rda") -> None:
    config = repo / "config" / "config.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    text = CONFIG.format(zero="0" * 64, one="1" * 64, licence=f'"{licence}"')
    config.write_text(text.replace("a/bad.rda", bad_path), encoding="utf-8")
    env = {
        "GIT_AUTHOR_NAME": "a",
        "GIT_AUTHOR_EMAIL": "a@b.c",
        "GIT_COMMITTER_NAME": "a",
        "GIT_COMMITTER_EMAIL": "a@b.c",
    }
    for command in (["add", "-A"], ["commit", "-q", "-m", licence]):
        subprocess.run(["git", *command], cwd=repo, check=True, env={**os.environ, **env})


def test_an_earlier_revisions_free_text_licence_leaves_its_source_out_and_says_why(tmp_path):
    """A base revision written before licences were SPDX expressions cannot be fixed:
    its sources whose licence is not one go by URL; the commit's own must be valid."""
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    _commit(tmp_path, "CC BY 4.0, an office")  # the base: bad.rda pinned under free text
    _commit(tmp_path, "MIT", bad_path="a/bad-2.rda")
    sources = {s["path"]: s for s in pinned_sources(tmp_path, "HEAD~1")}
    assert sources["a/good.rda"]["included"] and sources["a/bad-2.rda"]["included"]
    assert sources["a/good.rda"]["pinned_by"] == ["commit", "base"]
    old = sources["a/bad.rda"]
    assert not old["included"] and "not an SPDX expression" in old["reason"]
    assert "HEAD~1:config/config.yaml, line 11" in old["reason"]
    _commit(tmp_path, "CC BY 4.0")
    with pytest.raises(LicenceError, match=r"config/config\.yaml, line 11 .*'CC BY 4\.0'"):
        pinned_sources(tmp_path, None)


# ----------------------------------------------------------------------------- wheels


def make_dry_run(*args: str, venv: Path) -> str:
    """The commands `make -n` would run (the environment's marker is current, so only
    the target's own recipe)."""
    run = subprocess.run(
        ["make", "-n", "--no-print-directory", *args, f"VENV={venv}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout


@pytest.mark.parametrize(
    ("setting", "wheels"),
    [((), False), (("WHEELS=1",), True), (("WHEELS=0",), False), (("WHEELS=",), False)],
)
def test_make_bundle_adds_the_wheels_only_when_asked(tmp_path, setting, wheels):
    command = [
        line for line in make_dry_run("bundle", *setting, venv=tmp_path).splitlines()
        if "paperkit.bundle" in line
    ]  # fmt: skip
    assert len(command) == 1
    assert ("--wheels" in command[0]) is wheels


def test_make_env_finds_its_wheels_whatever_wheels_is_set_to(tmp_path):
    """`make bundle WHEELS=1` once broke `make env` (its find-links became `1`)."""
    plain = make_dry_run("env", venv=tmp_path / "v")
    asked = make_dry_run("env", "WHEELS=1", venv=tmp_path / "v")
    assert "--find-links requirements/wheels" in plain
    assert asked == plain
    offline = make_dry_run("env", "FIND_LINKS=/bundle/wheels", "NO_INDEX=1", venv=tmp_path / "v")
    assert "--find-links /bundle/wheels --no-index" in offline


# ----------------------------------------------------------------------------- texts


def test_the_receipt_says_how_the_environment_installs():
    assert "from PyPI" in install_line(0) and "WHEELS=1" in install_line(0)
    assert "from the 83 wheels in `wheels/`" in install_line(83)
    assert "no index" in install_line(83)
    with_wheels = readme("a" * 40, 1700000000, None, 83, [])
    assert 'make -C source paper journal FIND_LINKS="$PWD/wheels" NO_INDEX=1' in with_wheels
    without = readme("a" * 40, 1700000000, None, 0, [])
    assert "make -C source paper journal\n" in without and "NO_INDEX=1`" in without


def test_the_typst_version_is_the_one_the_pdf_records(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(72, 72)
    writer.add_metadata({"/Creator": "Typst 0.15.1"})
    pdf = tmp_path / "paper.pdf"
    with open(pdf, "wb") as out:
        writer.write(out)
    assert typst_version(pdf) == "0.15.1"
    built = ROOT / "manuscript" / "build" / "en" / "paper.pdf"
    if built.is_file():  # the real one, when built: not the typst package's version
        from importlib.metadata import version

        assert typst_version(built) not in ("?", "")
        assert typst_version(built) != version("typst") or version("typst") == "?"
