"""Parity of the two languages: drift in any part is reported readably."""

from __future__ import annotations

from analysis.parity import parity_problems, skeleton

BIB = "@book{krasner1982,\n title={T}}\n@article{betts2009,\n title={T}}\n"
EN = """# Introduction {#sec:intro}

Regimes [@krasner1982, 186] and the refugee regime (@betts2009) are defined
in @sec:intro. We count {{hosted_total}} people {{claim:fell}}.

![Caption.](figure:hosted){#fig:hosted width=100%}

: Caption. {#tbl:its}

{{table:its}}
"""
TR = """# Giriş {#sec:intro}

Rejimler [@krasner1982, 186] ve mülteci rejimi (@betts2009) @sec:intro|de
tanımlanır. {{hosted_total|i}} kişi sayıyoruz {{claim:fell}}.

![Başlık.](figure:hosted){#fig:hosted width=100%}

: Başlık. {#tbl:its}

{{table:its}}
"""


def test_matching_texts_have_no_problems():
    assert parity_problems({"en": EN, "tr": TR}, BIB) == []
    parts = skeleton(EN)
    assert parts["citations"] == {"krasner1982", "betts2009"}
    assert parts["numbers"] == {"hosted_total"}
    assert parts["tables"] == {"its", "include:its"}


def test_a_missing_placeholder_is_reported_with_its_language():
    problems = parity_problems({"en": EN, "tr": TR.replace("{{hosted_total|i}}", "çok")}, BIB)
    assert problems == ["numbers: in en but not in tr: hosted_total"]


def test_a_missing_section_figure_and_claim_are_reported():
    broken = TR.replace("{#sec:intro}", "").replace("{{claim:fell}}", "")
    broken = broken.replace("{#fig:hosted width=100%}", "")
    problems = "\n".join(parity_problems({"en": EN, "tr": broken}, BIB))
    assert "sections: in en but not in tr: intro" in problems
    assert "figures: in en but not in tr: hosted" in problems
    assert "claims: in en but not in tr: fell" in problems


def test_uncited_entries_and_unknown_keys_are_reported():
    bib = BIB + "@book{unused2000,\n title={T}}\n"
    problems = parity_problems({"en": EN + " [@ghost2020]", "tr": TR + " [@ghost2020]"}, bib)
    assert "citations without a bibliography entry: ghost2020" in problems
    assert "bibliography entries cited nowhere: unused2000" in problems


def test_cross_references_and_addresses_are_not_citations():
    text = "See @fig:x, @tbl:y and @sec:z; write to editor@journal.org."
    assert skeleton(text)["citations"] == set()
