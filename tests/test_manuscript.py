"""The manuscript on Pandoc's AST: placeholders, figures, tables, cross-references and
claims resolved in one parse; problems named with file and line."""

from __future__ import annotations

import json

import pypandoc
import pytest

from paperkit.languages import Language
from paperkit.manuscript import (
    Context,
    ManuscriptError,
    number_targets,
    read_sources,
    read_tables,
    resolve,
    skeleton,
)
from paperkit.numbers import Number, NumberError, merge_numbers
from paperkit.pandoc_ast import stringify
from tests.conftest import ROOT

PANDOC = pypandoc.get_pandoc_path()
EN, TR = Language("en", "en_GB"), Language("tr", "tr_TR", "turkish")
LABELS = {
    "en": {"references": {"fig": "Figure", "tbl": "Table", "sec": "Section"}},
    "tr": {"references": {"fig": "Şekil", "tbl": "Tablo", "sec": "Bölüm"}},
}
NUMBERS = {
    "peak": Number(3737369, "count"),
    "peak_year": Number(2021, "year"),
    "share": Number(0.176, "percent", 1),
    "p": Number(0.0004, "p_value", 3),
    "day": Number("2016-03-18", "date"),
}

SOURCE = """# Intro {#sec:intro}

Peak {{peak}} in {{peak_year}} ({{share}}), see @fig:hosted and @sec:later.

# Later {#sec:later}

## Sub {#sec:sub}

![Hosted people.](figure:unhcr_hosted){#fig:hosted width=100%}

![Second.](figure:other){#fig:second}

As @fig:second shows, and @sec:sub, on {{day}} with p {{p}}.
"""


def resolved(text: str, language: Language = EN, name: str = "en/01.md", **extra) -> dict:
    files = [(name, text)]
    context = Context(NUMBERS, language, LABELS[language.code], f"fig/{language.code}", **extra)
    return resolve(read_sources(PANDOC, files), context, dict(files))


def plain(ast: dict) -> str:
    """The document's text, block by block (through Pandoc's plain writer)."""
    return pypandoc.convert_text(
        json.dumps(ast), "plain", format="json", extra_args=["--wrap=none"]
    )


def test_english_resolution():
    ast = resolved(SOURCE)
    text = plain(ast)
    assert "Peak 3,737,369 in 2021 (17.6%), see Figure 1 and Section 2." in text
    assert "As Figure 2 shows, and Section 2.1, on 18 March 2016 with p < 0.001." in text
    [figure] = [b for b in ast["blocks"] if b["t"] == "Figure" and b["c"][0][0] == "fig:hosted"]
    assert stringify(figure["c"][1][1][0]["c"]) == "Figure 1: Hosted people."
    image = figure["c"][2][0]["c"][0]["c"]
    assert image[2][0] == "fig/en/unhcr_hosted.svg"
    links = [i for b in ast["blocks"] if b["t"] == "Para" for i in b["c"] if i["t"] == "Link"]
    assert links[0]["c"][2][0] == "#fig:hosted"


def test_a_value_with_a_less_than_sign_is_never_read_as_markdown():
    """The root of the superlinear render: '<' re-read by Pandoc's Markdown reader."""
    ast = resolved("p {{p}} and more.\n")
    assert ast["blocks"][0]["c"][:5] == [
        {"t": "Str", "c": "p"},
        {"t": "Space"},
        {"t": "Str", "c": "<"},
        {"t": "Space"},
        {"t": "Str", "c": "0.001"},
    ]


def test_turkish_resolution_with_case_endings():
    source = (
        "{{peak_year|de}} {{peak|e}} {{share|sine}}, @fig:hosted|de.\n\n"
        "![Cap.](figure:x){#fig:hosted}\n"
    )
    text = plain(resolved(source, TR, "tr/01.md"))
    assert "2021’de 3.737.369’a %17,6’sına, Şekil 1’de." in text
    assert "Şekil 1: Cap." in text


def test_case_endings_need_a_language_that_has_them():
    with pytest.raises(ManuscriptError, match="'en' has none"):
        resolved("{{peak_year|de}}\n")


def test_missing_placeholder_fails_naming_file_and_line():
    with pytest.raises(ManuscriptError) as error:
        resolved("ok\n\nWe saw {{nowhere}} people.\n", name="manuscript/en/20-x.md")
    assert "manuscript/en/20-x.md:3: placeholder '{{nowhere}}' has no value" in str(error.value)


def test_dangling_reference_fails():
    with pytest.raises(ManuscriptError, match=r"reference @fig:missing points at no figure"):
        resolved("See @fig:missing.\n")


def test_claim_markers_vanish_without_leaving_spaces():
    text = plain(
        resolved("A host{{claim:c}} and {{claim:c}} more\n{{claim:c}} text.\n", claims={"c"})
    )
    assert "A host and more text." in text
    with pytest.raises(ManuscriptError, match="claim 'd' is not in the claims file"):
        resolved("x{{claim:d}}\n", claims={"c"})


MAIN = ("main specification", "holds in the main specification only")
HEDGE = ("on unverified coding", "rests on unverified rows (alignment:D02)")


def test_a_claim_of_the_main_specification_needs_its_phrase_in_the_sentence():
    scoped = {"claims": {"m"}, "claim_phrases": {"m": [MAIN]}}
    text = "Crossings rose. In the main specification, the level fell{{claim:m}}. Then more.\n"
    assert "the level fell." in plain(resolved(text, **scoped))
    with pytest.raises(ManuscriptError, match=r"en/01.md:1: claim 'm' holds in the main"):
        resolved("In the main specification it rose. The level fell{{claim:m}}.\n", **scoped)


def test_a_claim_needs_every_required_phrase_in_its_sentence():
    """The scope phrase and the hedge are the same mechanism: a list of phrases per claim."""
    both = {"claims": {"m"}, "claim_phrases": {"m": [MAIN, HEDGE]}}
    said = "In the main specification and on unverified coding, it fell{{claim:m}}. More.\n"
    assert "it fell." in plain(resolved(said, **both))
    with pytest.raises(ManuscriptError) as error:
        resolved("In the main specification it fell{{claim:m}}. On unverified coding.\n", **both)
    message = str(error.value)
    assert "claim 'm' rests on unverified rows (alignment:D02)" in message
    assert '"on unverified coding"' in message and "holds in the main" not in message


@pytest.mark.parametrize(
    ("typed", "advice"),
    [
        ("{{peak_year}}'de", "write {{peak_year|de}}"),
        ("{{peak}}’e", "write {{peak|e}}"),
        ("{{share}}'tir", "write {{share|dir}}"),
        ("{{peak_year}}daki", "write {{peak_year|de}}ki"),
        ("{{peak_year|de}}'ki", "ask for the ending by name"),
        ("{{peak}}'xq", "ask for the ending by name, {{peak|<case>}}"),
    ],
)
def test_a_suffix_typed_after_a_placeholder_is_rejected_in_turkish(typed, advice):
    with pytest.raises(ManuscriptError) as error:
        resolved(f"Metin\n\nSayı {typed} oldu.\n", TR, "tr/05.md")
    message = str(error.value)
    assert "tr/05.md:3: suffix" in message and "typed after {{" in message
    assert advice in message


def test_an_ending_asked_for_by_name_and_text_after_it_are_accepted():
    text = plain(resolved("{{peak_year|de}}ki artış {{share|dir}}.\n", TR, "tr/01.md"))
    assert "2021’deki artış %17,6’dır." in text


def test_a_suffix_typed_after_a_cross_reference_is_rejected_in_turkish():
    source = "![Cap.](figure:x){#fig:hosted}\n\nBkz. @fig:hosted'de gösterildiği gibi.\n"
    with pytest.raises(ManuscriptError) as error:
        resolved(source, TR, "tr/02.md")
    assert "tr/02.md:3: suffix '’de' typed after @fig:hosted; write @fig:hosted|de" in str(
        error.value
    )


def test_a_language_without_case_endings_may_follow_a_placeholder_with_letters():
    assert "2021’s peak" in plain(resolved("The {{peak_year}}'s peak.\n"))


def test_a_bracket_after_a_cross_reference_stays_a_citation():
    ast = resolved("![Cap.](figure:x){#fig:x}\n\nDrawn in @fig:x [@simonsohn2020specification].\n")
    [para] = [block for block in ast["blocks"] if block["t"] == "Para"]
    kinds = [element["t"] for element in para["c"]]
    assert "Link" in kinds and "Cite" in kinds
    cite = next(element for element in para["c"] if element["t"] == "Cite")
    assert [c["citationId"] for c in cite["c"][0]] == ["simonsohn2020specification"]


def test_a_generated_table_takes_the_place_of_its_div():
    tables = read_tables(PANDOC, {"its": "| a | b |\n|---|--:|\n| 1 | 2 |\n\nA note.\n"})
    ast = resolved("::: {#tbl:its}\nThe caption.\n:::\n\nSee @tbl:its.\n", tables=tables)
    kinds = [block["t"] for block in ast["blocks"]]
    assert kinds[:3] == ["Table", "Para", "Para"]
    table = ast["blocks"][0]
    assert table["c"][0][0] == "tbl:its"
    assert stringify(table["c"][1][1][0]["c"]) == "Table 1: The caption."
    assert "See Table 1." in plain(ast)
    with pytest.raises(ManuscriptError, match="table 'did' is not in the results"):
        resolved("::: {#tbl:did}\nCap.\n:::\n", tables=tables)


def test_a_heading_inside_a_code_block_is_not_a_section():
    ast = read_sources(
        PANDOC, [("a.md", "# A {#sec:a}\n\n```\n# not a section\n```\n\n# B {#sec:b}\n")]
    )
    assert number_targets(ast["blocks"]) == {("sec", "a"): "1", ("sec", "b"): "2"}
    assert skeleton(ast)["sections"] == {"a", "b"}


def test_citation_keys_with_hyphens_and_colons_are_citations():
    ast = read_sources(PANDOC, [("a.md", "As @doe-2020 argues [@smith:2019, 4], see @fig:x.\n")])
    assert skeleton(ast)["citations"] == {"doe-2020", "smith:2019"}


def test_unnumbered_headings_are_skipped():
    ast = read_sources(
        PANDOC, [("a.md", "# A {#sec:a}\n\n# Refs {.unnumbered}\n\n# B {#sec:b}\n\n# C {-}\n")]
    )
    assert number_targets(ast["blocks"]) == {("sec", "a"): "1", ("sec", "b"): "2"}


def test_placeholders_in_the_metadata_are_resolved():
    ast = resolved("---\ntitle: Peak of {{peak}}\n---\n\nText.\n")
    assert stringify(ast["meta"]["title"]["c"]) == "Peak of 3,737,369"


def test_a_number_defined_twice_is_an_error():
    payload = {"x": {"value": 1, "kind": "count"}}
    with pytest.raises(NumberError, match="defined in both"):
        merge_numbers({"a.json": payload, "b.json": payload})


def test_both_languages_use_the_same_placeholders():
    def parts(lang: str) -> dict:
        files = sorted((ROOT / "manuscript" / lang).glob("*.md"))
        return skeleton(read_sources(PANDOC, [(str(p), p.read_text("utf-8")) for p in files]))

    en, tr = parts("en"), parts("tr")
    assert en["numbers"] == tr["numbers"] and en["numbers"]  # the text quotes results
