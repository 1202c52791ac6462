"""Parity of the languages on their ASTs: drift in any part is reported readably."""

from __future__ import annotations

import pypandoc
import pytest
import yaml

from paperkit.labels import validate_labels
from paperkit.manuscript import read_sources, skeleton
from paperkit.parity import label_problems, parity_problems
from tests.conftest import ROOT

PANDOC = pypandoc.get_pandoc_path()
BIB = "@book{krasner1982,\n title={T}}\n@article{betts2009,\n title={T}}\n"
EN = """# Introduction {#sec:intro}

Regimes [@krasner1982, 186] and the refugee regime (@betts2009) are defined
in @sec:intro. We count {{hosted_total}} people {{claim:fell}}.

![Caption.](figure:hosted){#fig:hosted width=100%}

::: {#tbl:its}
Caption.
:::
"""
TR = """# Giriş {#sec:intro}

Rejimler [@krasner1982, 186] ve mülteci rejimi (@betts2009) @sec:intro|de
tanımlanır. {{hosted_total|i}} kişi sayıyoruz {{claim:fell}}.

![Başlık.](figure:hosted){#fig:hosted width=100%}

::: {#tbl:its}
Başlık.
:::
"""


def skeletons(**texts: str) -> dict:
    return {
        lang: skeleton(read_sources(PANDOC, [(f"{lang}.md", text)])) for lang, text in texts.items()
    }


def test_matching_texts_have_no_problems():
    parts = skeletons(en=EN, tr=TR)
    assert parity_problems(parts, BIB) == []
    assert parts["en"]["citations"] == {"krasner1982", "betts2009"}
    assert parts["en"]["numbers"] == {"hosted_total"}
    assert parts["en"]["tables"] == {"its"}


def test_a_missing_placeholder_is_reported_with_its_language():
    problems = parity_problems(skeletons(en=EN, tr=TR.replace("{{hosted_total|i}}", "çok")), BIB)
    assert problems == ["numbers: in en but not in tr: hosted_total"]


def test_a_missing_section_figure_table_and_claim_are_reported():
    broken = TR.replace("{#sec:intro}", "").replace("{{claim:fell}}", "")
    broken = broken.replace("{#fig:hosted width=100%}", "").replace("{#tbl:its}", "")
    problems = "\n".join(parity_problems(skeletons(en=EN, tr=broken), BIB))
    assert "sections: in en but not in tr: intro" in problems
    assert "figures: in en but not in tr: hosted" in problems
    assert "tables: in en but not in tr: its" in problems
    assert "claims: in en but not in tr: fell" in problems


def test_three_languages_are_compared_alike():
    de = EN.replace("{{claim:fell}}", "")
    problems = parity_problems(skeletons(en=EN, tr=TR, de=de), BIB)
    assert problems == ["claims: in en, tr but not in de: fell"]


def test_uncited_entries_and_unknown_keys_are_reported():
    bib = BIB + "@book{unused2000,\n title={T}}\n"
    problems = parity_problems(skeletons(en=EN + " [@ghost2020]", tr=TR + " [@ghost2020]"), bib)
    assert (
        "the text: citation key 'ghost2020' has no entry in the bibliography; correct the key "
        "or add the entry"
    ) in problems
    assert "bibliography entries cited nowhere: unused2000" in problems


def test_cross_references_and_addresses_are_not_citations():
    parts = skeletons(en="See @fig:x, @tbl:y and @sec:z; write to editor@journal.org.\n")
    assert parts["en"]["citations"] == set()


def test_labels_must_have_the_same_keys_in_every_language():
    labels = {"en": {"a": 1, "b": {"c": 2}}, "tr": {"a": 1, "b": {}}}
    assert label_problems(labels) == ["labels: in en but not in tr: b.c"]


LABELS = ROOT / "manuscript" / "labels.yaml"


def test_the_committed_labels_keep_their_schema():
    for path in (LABELS, ROOT / "tests/fixtures/minipaper/manuscript/labels.yaml"):
        validate_labels(yaml.safe_load(path.read_text(encoding="utf-8")), str(path))


def test_labels_missing_what_the_machinery_writes_name_language_and_key():
    """The machinery writes cross-reference names, the HTML's "made by" lines and the
    main-specification phrase in every language: a language without them is an error
    naming it and the key, before any document is made."""
    labels = yaml.safe_load(LABELS.read_text(encoding="utf-8"))
    del labels["tr"]["references"]["tbl"]
    del labels["en"]["scope"]
    with pytest.raises(ValueError) as raised:
        validate_labels(labels, "manuscript/labels.yaml")
    message = str(raised.value)
    assert message.startswith("manuscript/labels.yaml breaks its schema (labels.schema.yaml)")
    assert "en: 'scope' is a required property" in message
    assert "tr.references: 'tbl' is a required property" in message
