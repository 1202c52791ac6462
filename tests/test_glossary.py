"""One term per concept: the glossary check finds avoided variants, the Turkish way."""

from __future__ import annotations

import pytest
import yaml

from paperkit.glossary import glossary_problems, plain_text, validate_glossary
from tests.conftest import ROOT

ENTRIES = [
    {"use": "iş birliği", "avoid": ["işbirliği"], "why": "TDK yazımı"},
    {"use": "AB Zirvesi", "avoid": ["Avrupa Konseyi"]},
    {"use": "İltica Usulleri Direktifi", "avoid": ["Sığınma Usulleri Direktifi"]},
]


def test_an_avoided_variant_is_named_with_the_term_to_use_and_the_file():
    [problem] = glossary_problems({"tr/10.md": "Bu işbirliği uzun sürdü."}, ENTRIES, "tr")
    assert problem.startswith("tr/10.md: 'işbirliği' → use 'iş birliği' (TDK yazımı)")
    assert "Bu işbirliği uzun sürdü" in problem


@pytest.mark.parametrize(
    "text",
    ["İŞBİRLİĞİ", "İşbirliğinin", "Avrupa Konseyi'nin", "SIĞINMA USULLERİ DİREKTİFİ"],
)
def test_case_and_endings_do_not_hide_a_variant(text):
    assert glossary_problems({"f": text}, ENTRIES, "tr")


@pytest.mark.parametrize("text", ["iş birliği", "AB Zirvesi", "İltica Usulleri Direktifi"])
def test_the_terms_themselves_pass(text):
    assert glossary_problems({"f": text}, ENTRIES, "tr") == []


def test_a_variant_inside_another_word_is_not_matched():
    assert glossary_problems({"f": "Yeniavrupa Konseyi"}, ENTRIES, "tr") == []


def test_the_committed_glossary_is_valid_and_the_texts_follow_it():
    glossary = yaml.safe_load((ROOT / "manuscript" / "glossary.yaml").read_text("utf-8"))
    validate_glossary(glossary)
    for lang, entries in glossary.items():
        texts = {
            str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
            for path in sorted((ROOT / "manuscript" / lang).glob("*.md"))
        }
        assert glossary_problems(texts, entries, lang) == [], lang


def test_a_glossary_entry_needs_a_term_and_variants():
    with pytest.raises(ValueError, match="breaks its schema"):
        validate_glossary({"tr": [{"use": "iş birliği"}]})


def test_plain_text_keeps_words_and_drops_code_and_attributes():
    blocks = [
        {"t": "Header", "c": [2, ["sec:x", ["unnumbered"], []], [{"t": "Str", "c": "Başlık"}]]},
        {
            "t": "Para",
            "c": [
                {"t": "Str", "c": "Bu"},
                {"t": "Space"},
                {"t": "Emph", "c": [{"t": "Str", "c": "işbirliği"}]},
                {"t": "Space"},
                {"t": "Code", "c": [["", [], []], "Yönerge"]},
            ],
        },
    ]
    assert plain_text(blocks) == "Başlık\nBu işbirliği \n"
