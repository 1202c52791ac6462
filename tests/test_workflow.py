"""End to end: run the whole workflow in a temporary copy of the repository."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import ROOT

pytestmark = pytest.mark.e2e

DOCUMENTS = [
    f"manuscript/build/{lang}/paper.{ext}"
    for lang in ("en", "tr")
    for ext in ("pdf", "html", "docx")
]


def snakemake(workdir: Path, *args: str, mirror: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PAPER_DATA_MIRROR": str(mirror), "SOURCE_DATE_EPOCH": "1700000000"}
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "2", *args],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def project_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return [name for name in listed.stdout.splitlines() if (ROOT / name).is_file()]


@pytest.fixture(scope="module")
def built(tmp_path_factory, mirror) -> Path:
    """A fresh copy of the project, built once for this module's tests."""
    workdir = tmp_path_factory.mktemp("paper")
    for name in project_files():
        (workdir / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, workdir / name)
    run = snakemake(workdir, mirror=mirror)
    assert run.returncode == 0, run.stderr[-4000:]
    return workdir


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_all_six_documents_are_built(built):
    for name in DOCUMENTS:
        assert (built / name).stat().st_size > 10_000, name


def test_pdfs_carry_localised_numbers_and_labels(built):
    en = pdf_text(built / "manuscript/build/en/paper.pdf")
    tr = pdf_text(built / "manuscript/build/tr/paper.pdf")
    assert "3,737,369" in en and "3.737.369" in tr
    assert "17.6%" in en and "%17,6’sına" in tr
    assert "Figure 1" in en and "Şekil 1" in tr
    assert "Section 2" in en and "Bölüm 2’de" in tr
    assert "Krasner 1982" in en and "Krasner 1982" in tr
    assert "References" in en and "Kaynakça" in tr


def test_html_embeds_its_figure(built):
    html = (built / "manuscript/build/tr/paper.html").read_text(encoding="utf-8")
    assert "<svg" in html or "data:image/svg+xml" in html
    assert 'lang="tr-TR"' in html and "Şekil 1:" in html
    # each figure and table links to the rule, script and inputs that made it
    assert html.count('class="provenance"') == 9
    assert 'href="../../../workflow/scripts/figure_models.py"' in html
    assert "Üreten kural" in html


def test_pdfs_carry_tables_indices_and_model_numbers(built):
    en = pdf_text(built / "manuscript/build/en/paper.pdf")
    tr = pdf_text(built / "manuscript/build/tr/paper.pdf")
    assert "Table 1" in en and "Tablo 1" in tr
    assert "Negative binomial" in en and "Negatif binom" in tr
    assert "Legislation (de jure)" in en and "Mevzuat (de jure)" in tr
    # the Statement's level change, formatted per language (e.g. 0.024 / 0,024)
    assert re.search(r"incidence-rate ratio 0\.\d{3}", en)
    assert re.search(r"olay\s+oranı\s+0,\d{3}", tr)


def test_checks_pass_and_are_recorded(built):
    claims = json.loads((built / "results/checks/claims.json").read_text(encoding="utf-8"))
    assert claims["claims"] and all(claim["holds"] for claim in claims["claims"])
    parity = json.loads((built / "results/checks/parity.json").read_text(encoding="utf-8"))
    assert parity["identical_skeletons"] is True


def test_provenance_is_recorded_for_each_source(built):
    records = sorted((built / "data/raw/sources").glob("*.provenance.json"))
    assert len(records) == 9


def test_second_run_does_nothing(built, mirror):
    run = snakemake(built, "--dry-run", mirror=mirror)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Nothing to be done" in run.stdout + run.stderr


def test_a_text_edit_rebuilds_only_the_documents(built, mirror):
    source = built / "manuscript/en/10-introduction.md"
    source.write_text(
        source.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8"
    )
    run = snakemake(built, "--dry-run", "--quiet", "rules", mirror=mirror)
    planned = run.stdout + run.stderr
    assert "render_paper" in planned
    for upstream in ("acquire_source", "tidy_source", "hosted_descriptives", "figure_hosted"):
        assert upstream not in planned


def test_missing_placeholder_fails_the_build_and_names_it(built, mirror):
    source = built / "manuscript/tr/10-introduction.md"
    original = source.read_text(encoding="utf-8")
    source.write_text(original + "\n{{no_such_number}}\n", encoding="utf-8")
    try:
        run = snakemake(built, "manuscript/build/tr/paper.md", mirror=mirror)
        assert run.returncode != 0
        assert "placeholder '{{no_such_number}}' has no value" in run.stderr
    finally:
        source.write_text(original, encoding="utf-8")


def test_a_flipped_claim_stops_the_documents_and_quotes_the_claim(built, mirror):
    claims = built / "manuscript/claims.yaml"
    original = claims.read_text(encoding="utf-8")
    claims.write_text(
        original.replace("check: its_statement_irr_high < 1", "check: its_statement_irr_high > 1"),
        encoding="utf-8",
    )
    try:
        run = snakemake(built, "manuscript/build/en/paper.pdf", mirror=mirror)
        assert run.returncode != 0
        assert "claim 'statement_cut_crossings' fails" in run.stderr
        assert "The level of sea crossings fell at the EU–Turkey Statement." in run.stderr
    finally:
        claims.write_text(original, encoding="utf-8")


def test_parity_drift_and_an_uncited_entry_fail_the_check(built, mirror):
    source = built / "manuscript/tr/35-hosted.md"
    bib = built / "manuscript/references.bib"
    originals = {path: path.read_text(encoding="utf-8") for path in (source, bib)}
    source.write_text(
        originals[source].replace("{{syria_peak_count}}", "çok sayıda"), encoding="utf-8"
    )
    bib.write_text(originals[bib] + "\n@book{nobody2000,\n  title = {Never Cited}\n}\n", "utf-8")
    try:
        run = snakemake(built, "results/checks/parity.json", mirror=mirror)
        assert run.returncode != 0
        assert "numbers: in en but not in tr: syria_peak_count" in run.stderr
        assert "bibliography entries cited nowhere: nobody2000" in run.stderr
    finally:
        for path, text in originals.items():
            path.write_text(text, encoding="utf-8")


def test_a_failed_run_keeps_the_earlier_good_outputs(built, mirror):
    """A pin moved to a checksum the file does not have: the build stops, says which
    file and both hashes, and the verified source and the documents stay as they were."""
    config = built / "config/config.yaml"
    kept = ["data/raw/sources/frontex.rda", "manuscript/build/en/paper.pdf"]
    before = {name: (built / name).read_bytes() for name in kept}
    original = config.read_text(encoding="utf-8")
    pinned = "a4fc9a3a1e13f61ba8f65553a8d517aab9378592a904a6ee3473b8e7814e35e1"
    assert pinned in original
    config.write_text(original.replace(pinned, "ab" * 32), encoding="utf-8")
    try:
        run = snakemake(built, mirror=mirror)
        assert run.returncode != 0
        assert "frontex: checksum mismatch for iom-gdidata/frontex.rda" in run.stderr
        assert f"expected sha256 {'ab' * 32}" in run.stderr
        assert f"actual   sha256 {pinned}" in run.stderr
        for name, content in before.items():
            assert (built / name).read_bytes() == content, name
    finally:
        config.write_text(original, encoding="utf-8")
    assert snakemake(built, mirror=mirror).returncode == 0
