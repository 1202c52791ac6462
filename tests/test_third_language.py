"""Languages come from config alone: a small paper in English and German, built through
the same machinery rules (paperkit) as the real paper, with parity between them."""

from __future__ import annotations

import os
import shutil

import pytest
from pypdf import PdfReader

from tests.conftest import ROOT, snakemake

pytestmark = pytest.mark.e2e
FIXTURE = ROOT / "tests" / "fixtures" / "minipaper"


@pytest.fixture(scope="module")
def minipaper(tmp_path_factory):
    paper = tmp_path_factory.mktemp("third") / "minipaper"
    shutil.copytree(FIXTURE, paper)
    shutil.copy(ROOT / "environment.yml", paper / "environment.yml")
    return paper


def build(paper, *args):
    own_code = os.pathsep.join([str(paper), str(ROOT / "paperkit" / "src")])
    return snakemake(paper, *args, mirror=None, env={"PYTHONPATH": own_code})


def test_the_german_paper_is_built_with_german_numbers_names_and_labels(minipaper):
    run = build(minipaper)
    assert run.returncode == 0, run.stderr[-4000:]
    de = "\n".join(
        p.extract_text() for p in PdfReader(minipaper / "manuscript/build/de/paper.pdf").pages
    )
    en = "\n".join(
        p.extract_text() for p in PdfReader(minipaper / "manuscript/build/en/paper.pdf").pages
    )
    assert "3.737.369" in de and "3,737,369" in en
    assert "17,6\u00a0%" in de and "17.6%" in en  # CLDR: a no-break space in German
    assert "18. März 2016" in de or "18 März 2016" in de
    assert "Abbildung 1" in de and "Tabelle 1" in de and "Abschnitt 1" in de
    assert "Figure 1" in en and "Table 1" in en
    assert "Literatur" in de and "Krasner" in de
    html = (minipaper / "manuscript/build/de/paper.html").read_text(encoding="utf-8")
    assert 'lang="de-DE"' in html and "Erzeugt von Regel" in html
    for ext in ("pdf", "html", "docx"):
        assert (minipaper / f"manuscript/build/de/paper.{ext}").stat().st_size > 5_000


def test_drift_in_the_third_language_fails_parity(minipaper):
    text = minipaper / "manuscript/de/10-text.md"
    original = text.read_text(encoding="utf-8")
    text.write_text(original.replace("{{claim:peak_is_recent}}", ""), encoding="utf-8")
    try:
        run = build(minipaper, "results/checks/parity.json")
        assert run.returncode != 0
        assert "claims: in en but not in de: peak_is_recent" in run.stderr
    finally:
        text.write_text(original, encoding="utf-8")


def test_a_case_ending_in_a_language_without_them_is_an_error(minipaper):
    text = minipaper / "manuscript/de/10-text.md"
    original = text.read_text(encoding="utf-8")
    text.write_text(
        original.replace("{{peak_year}} {{peak}}", "{{peak_year|de}} {{peak}}"), "utf-8"
    )
    try:
        run = build(minipaper, "manuscript/build/de/paper.pdf")
        assert run.returncode != 0
        assert "'de' has none" in run.stderr and "10-text.md:3" in run.stderr
    finally:
        text.write_text(original, encoding="utf-8")
