"""The journal's DOCX lays out its first page the same way whichever font a machine
substitutes for Times New Roman (issue 25: with DejaVu Serif instead of Liberation
Serif, page 1 held only the title, and the line-number check failed).

LibreOffice prints the journal's DOCX twice: with the machine's fonts (``.ci/run``
installs Liberation Serif, Times New Roman's metrics) and with a fontconfig
configuration that hides the Liberation fonts, as on a machine without them (DejaVu
Serif is chosen then). Both times page 1 carries the title, the abstract's first
lines and their line numbers, and page 2 continues the count.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from paperkit.layout import docx_to_pdf
from tests.conftest import unavailable
from tests.test_journal import LANGS, docx_of, journal, pdf_text  # noqa: F401

HIDE_LIBERATION = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <selectfont><rejectfont>
    <glob>*/liberation*/*</glob><glob>*/Liberation*</glob>
  </rejectfont></selectfont>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""


def fonts_without_liberation(folder: Path) -> dict[str, str]:
    """The environment of a process that sees every font of the machine but Liberation."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "fonts.conf"
    config.write_text(HIDE_LIBERATION.format(cache=folder / "cache"), encoding="utf-8")
    return {"FONTCONFIG_FILE": str(config)}


def times_new_roman(env: dict[str, str]) -> str:
    """The font fontconfig gives for Times New Roman under ``env``."""
    if not shutil.which("fc-match"):
        return "?"
    run = subprocess.run(
        ["fc-match", "-f", "%{family[0]}", "Times New Roman"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    return run.stdout.strip()


def print_pdf(source: Path, folder: Path, env: dict[str, str]) -> Path:
    """LibreOffice's PDF of ``source`` in ``folder``, with ``env`` on top of ours."""
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        unavailable("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    return docx_to_pdf(source, folder, source.stem, env)


def line_numbers(pdf: Path, page: int) -> list[int]:
    return [int(line) for line in pdf_text(pdf, page, page).splitlines() if line.strip().isdigit()]


@pytest.mark.e2e
@pytest.mark.parametrize("fonts", ["installed", "without Liberation"])
@pytest.mark.parametrize("lang", LANGS)
def test_the_first_page_does_not_depend_on_the_substituted_font(journal, lang, fonts, tmp_path):  # noqa: F811 (the fixture)
    env = fonts_without_liberation(tmp_path / "fonts") if fonts != "installed" else {}
    chosen = times_new_roman(env)
    if fonts != "installed":
        assert "Liberation" not in chosen, chosen  # the configuration does hide it
    pdf = print_pdf(docx_of(journal, lang), tmp_path / "pdf", env)
    first, second = line_numbers(pdf, 1), line_numbers(pdf, 2)
    # page 1: the title and the abstract's first lines, numbered from 1 (the page
    # number 1 in the footer is among them); page 2 continues the count
    assert set(range(1, 16)) <= set(first), (chosen, first)
    assert max(first) + 1 in second, (chosen, first, second)


def test_the_abstract_flows_like_the_text():
    """Fast: the reference document's Abstract style neither keeps its lines together
    nor keeps with the next paragraph (either moved the abstract whole to page 2 when a
    wider substitute font made it too long for page 1)."""
    import re
    import zipfile

    from paperkit.paper import PANDOC_DEFAULTS

    with zipfile.ZipFile(PANDOC_DEFAULTS.parent / "templates" / "reference.docx") as archive:
        styles = archive.read("word/styles.xml").decode("utf-8")
    abstract = re.search(r'<w:style [^>]*w:styleId="Abstract".*?</w:style>', styles, re.S)
    assert abstract and not re.search(r"<w:keep(Lines|Next)\b", abstract.group(0))
