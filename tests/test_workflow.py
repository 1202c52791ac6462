"""End to end: run the whole workflow in a temporary copy of the repository."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from paperkit.glossary import plain_text
from paperkit.registry import Registry
from tests.conftest import DOCUMENTS, ROOT, languages, snakemake

pytestmark = pytest.mark.e2e


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_all_six_documents_are_built(built):
    for name in DOCUMENTS:
        assert (built / name).stat().st_size > 10_000, name


def built_number(built: Path, results: str, name: str) -> dict:
    """A number as the build wrote it (value, kind, digits), read from its results file."""
    return json.loads((built / "results" / "numbers" / results).read_text(encoding="utf-8"))[name]


def test_pdfs_carry_localised_numbers_and_labels(built):
    en = pdf_text(built / "manuscript/build/en/paper.pdf")
    tr = pdf_text(built / "manuscript/build/tr/paper.pdf")
    # The values come from the build's results (a data update changes them, not this test);
    # what is checked is that each language prints them in its own format.
    langs = languages()
    for name in ("syria_peak_count", "world_share_peak"):
        number = built_number(built, "hosted.json", name)
        args = (number["value"], number["kind"], number["digits"])
        assert langs["en"].format(*args) in en, name
        assert langs["tr"].format(*args) in tr, name
    assert langs["tr"].format(*args).startswith("%"), "Turkish writes the percent sign first"
    assert "Figure 1" in en and "Şekil 1" in tr
    assert "Section 2.3" in en and "Bölüm 2.3’te" in tr
    assert "Krasner 1982" in en and "Krasner 1982" in tr
    assert "References" in en and "Kaynakça" in tr


def test_html_embeds_its_figure(built):
    html = (built / "manuscript/build/tr/paper.html").read_text(encoding="utf-8")
    assert "<svg" in html or "data:image/svg+xml" in html
    assert 'lang="tr-TR"' in html and "Şekil 1:" in html
    # each figure and table names the rule, script and inputs that made it; as text,
    # since the config names no published repository (no link that breaks elsewhere)
    registry = Registry.load(ROOT / "workflow" / "registry.yaml")
    assert html.count('class="provenance"') == len(registry.figures) + len(registry.tables)
    assert "<code>paperkit/src/paperkit/workflow/scripts/draw.py</code>" in html
    assert 'href="../' not in html
    assert "Üreten kural" in html


def test_pdfs_carry_tables_indices_and_model_numbers(built):
    en = pdf_text(built / "manuscript/build/en/paper.pdf")
    tr = pdf_text(built / "manuscript/build/tr/paper.pdf")
    assert "Table 1" in en and "Tablo 1" in tr
    assert "Negative binomial" in en and "Negatif binom" in tr
    # the annual indices table (appendix), its note naming the de jure index
    assert "Legislation: the de jure index" in en and "Mevzuat: de jure endeks" in tr
    # the Statement's level change, formatted per language (e.g. 0.024 / 0,024)
    assert re.search(r"incidence-rate ratio 0\.\d{3}", en)
    assert re.search(r"insidans\s+hızı\s+oranı\s+0,\d{3}", tr)


def body_words(paper_json: Path) -> int:
    """Words of the resolved text before the appendix and the references (captions and
    table cells included), as a journal counts the body."""
    blocks = json.loads(paper_json.read_text(encoding="utf-8"))["blocks"]
    ends = [
        index
        for index, block in enumerate(blocks)
        if block["t"] == "Header"
        and block["c"][0] == 1
        and block["c"][1][0] in ("sec:appendix", "references")
    ]
    return len(plain_text(blocks[: min(ends, default=len(blocks))]).split())


def test_the_english_body_keeps_to_the_journal_length(built):
    # design: the English body ≤ 8,000 words; the Turkish text is shorter (agglutinative)
    words = {
        lang: body_words(built / f"manuscript/build/{lang}/paper.json") for lang in ["en", "tr"]
    }
    assert 6_000 < words["en"] <= 8_000, words
    assert words["tr"] < words["en"], words


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


def test_a_text_edit_rebuilds_only_the_documents(scratch, mirror):
    source = scratch / "manuscript/en/10-introduction.md"
    source.write_text(
        source.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8"
    )
    run = snakemake(scratch, "--dry-run", "--quiet", "rules", mirror=mirror)
    planned = run.stdout + run.stderr
    assert "render_paper" in planned
    for upstream in ("acquire_source", "tidy_source", "hosted_descriptives", "figure_hosted"):
        assert upstream not in planned


def test_a_flipped_claim_stops_the_documents_and_quotes_the_claim(scratch, mirror):
    claims = scratch / "manuscript/claims.yaml"
    original = claims.read_text(encoding="utf-8")
    claims.write_text(
        original.replace(
            "check: all(its, statement_ratio < 1)", "check: any(its, statement_ratio > 1)"
        ),
        encoding="utf-8",
    )
    try:
        run = snakemake(scratch, "manuscript/build/en/paper.pdf", mirror=mirror)
        assert run.returncode != 0
        assert "claim 'statement_cut_crossings' fails" in run.stderr
        assert "In every specification the level of sea crossings fell" in run.stderr
        assert "Bütün spesifikasyonlarda deniz geçişlerinin düzeyi" in run.stderr
    finally:
        claims.write_text(original, encoding="utf-8")


def test_a_word_the_glossary_avoids_fails_the_parity_check(scratch, mirror):
    source = scratch / "manuscript/tr/70-discussion.md"
    original = source.read_text(encoding="utf-8")
    source.write_text(original + "\nBu işbirliği Avrupa Konseyi kararıyla başladı.\n", "utf-8")
    try:
        run = snakemake(scratch, "results/checks/parity.json", mirror=mirror)
        assert run.returncode != 0
        assert "'işbirliği' → use 'iş birliği'" in run.stderr
        assert "'Avrupa Konseyi' → use 'AB Zirvesi" in run.stderr
        assert "manuscript/tr/70-discussion.md" in run.stderr
    finally:
        source.write_text(original, encoding="utf-8")


def test_parity_drift_and_an_uncited_entry_fail_the_check(scratch, mirror):
    source = scratch / "manuscript/tr/35-hosted.md"
    bib = scratch / "manuscript/references.bib"
    originals = {path: path.read_text(encoding="utf-8") for path in (source, bib)}
    source.write_text(
        originals[source].replace("{{syria_peak_count}}", "çok sayıda"), encoding="utf-8"
    )
    bib.write_text(originals[bib] + "\n@book{nobody2000,\n  title = {Never Cited}\n}\n", "utf-8")
    try:
        run = snakemake(scratch, "results/checks/parity.json", mirror=mirror)
        assert run.returncode != 0
        assert "numbers: in en but not in tr: syria_peak_count" in run.stderr
        assert "bibliography entries cited nowhere: nobody2000" in run.stderr
    finally:
        for path, text in originals.items():
            path.write_text(text, encoding="utf-8")
