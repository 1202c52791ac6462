"""Placeholder, figure and cross-reference resolution of the manuscript sources."""

from __future__ import annotations

import pytest

from analysis.manuscript import (
    ManuscriptError,
    Number,
    merge_numbers,
    number_targets,
    placeholders,
    resolve,
)
from tests.conftest import ROOT

NUMBERS = {
    "peak": Number(3737369, "count"),
    "peak_year": Number(2021, "year"),
    "share": Number(0.176, "percent", 1),
}

SOURCE = """# Intro {#sec:intro}

Peak {{peak}} in {{peak_year}} ({{share}}), see @fig:hosted and @sec:later.

# Later {#sec:later}

## Sub {#sec:sub}

![Hosted people.](figure:unhcr_hosted){#fig:hosted width=100%}

![Second.](figure:other){#fig:second}

As @fig:second shows, and @sec:sub.
"""


def test_english_resolution():
    text = resolve(SOURCE, NUMBERS, "en", "results/figures/en")
    assert "Peak 3,737,369 in 2021 (17.6%)" in text
    assert "[Figure 1](#fig:hosted)" in text and "[Section 2](#sec:later)" in text
    assert "[Section 2.1](#sec:sub)" in text and "[Figure 2](#fig:second)" in text
    assert (
        "![Figure 1: Hosted people.](results/figures/en/unhcr_hosted){#fig:hosted width=100%}"
        in text
    )


def test_turkish_resolution_with_case_endings():
    source = (
        "{{peak_year|de}} {{peak|e}} {{share|sine}}, @fig:hosted|de.\n\n"
        "![Cap.](figure:x){#fig:hosted}"
    )
    text = resolve(source, NUMBERS, "tr", "results/figures/tr")
    assert text.startswith("2021’de 3.737.369’a %17,6’sına, [Şekil 1’de](#fig:hosted).")
    assert "![Şekil 1: Cap.](results/figures/tr/x){#fig:hosted}" in text


def test_missing_placeholder_fails_naming_it_and_the_line():
    with pytest.raises(ManuscriptError) as error:
        resolve("ok\n\nWe saw {{nowhere}} people.", NUMBERS, "en", "f", source_name="en/paper.md")
    assert "en/paper.md:3: placeholder '{{nowhere}}' has no value" in str(error.value)


def test_dangling_reference_fails():
    with pytest.raises(ManuscriptError, match=r"reference @fig:missing points at no figure"):
        resolve("See @fig:missing.", NUMBERS, "en", "f")


def test_case_endings_are_turkish_only():
    with pytest.raises(ManuscriptError, match="Turkish text only"):
        resolve("{{peak_year|de}}", NUMBERS, "en", "f")


def test_unnumbered_headings_are_skipped():
    targets = number_targets(["# A {#sec:a}", "# Refs {.unnumbered}", "# B {#sec:b}", "# C {-}"])
    assert targets == {("sec", "a"): "1", ("sec", "b"): "2"}


def test_a_number_defined_twice_is_an_error():
    payload = {"x": {"value": 1, "kind": "count"}}
    with pytest.raises(ManuscriptError, match="defined in both"):
        merge_numbers({"a.json": payload, "b.json": payload})


def test_both_languages_use_the_same_placeholders():
    def text(lang: str) -> str:
        files = sorted((ROOT / "manuscript" / lang).glob("*.md"))
        return "\n".join(path.read_text(encoding="utf-8") for path in files)

    en, tr = placeholders(text("en")), placeholders(text("tr"))
    assert sorted(en) == sorted(tr)
    assert en  # the text quotes results
