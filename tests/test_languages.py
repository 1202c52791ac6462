"""Number, date and name formatting per language (from config), and Turkish case endings."""

from __future__ import annotations

import pytest
from babel.numbers import parse_decimal
from hypothesis import given
from hypothesis import strategies as st

from paperkit.endings.turkish import last_spoken_word, spoken_integer, turkish_suffix
from paperkit.languages import Language, LanguageError

EN, TR = Language("en", "en_GB"), Language("tr", "tr_TR", "turkish")
DE = Language("de", "de_DE")


def format_value(value, kind, lang, digits=0):
    return {"en": EN, "tr": TR}[lang].format(value, kind, digits)


def country_name(iso2, lang, fallback):
    return {"en": EN, "tr": TR}[lang].country(iso2, fallback)


@pytest.mark.parametrize(
    ("value", "kind", "digits", "en", "tr"),
    [
        (3737369, "count", 0, "3,737,369", "3.737.369"),
        (0.42, "decimal", 2, "0.42", "0,42"),
        (0.42, "percent", 0, "42%", "%42"),
        (0.176, "percent", 1, "17.6%", "%17,6"),
        (-0.372, "percent", 0, "-37%", "-%37"),
        (2016, "year", 0, "2016", "2016"),
        ("2016-03-18", "date", 0, "18 March 2016", "18 Mart 2016"),
        ("2020-02-01", "month", 0, "February 2020", "Şubat 2020"),
        (1234.5, "decimal", 1, "1,234.5", "1.234,5"),
    ],
)
def test_examples(value, kind, digits, en, tr):
    assert format_value(value, kind, "en", digits) == en
    assert format_value(value, kind, "tr", digits) == tr


def test_unknown_kind_is_an_error():
    with pytest.raises(ValueError, match="unknown kind"):
        format_value(1, "money", "en")


def test_any_cldr_locale_is_a_language_without_code_changes():
    assert DE.format(3737369, "count") == "3.737.369"
    assert DE.format(0.176, "percent", 1) == "17,6\u00a0%"  # CLDR: a no-break space
    assert DE.format("2016-03-18", "date") == "18 März 2016"
    assert DE.country("SY", "Syria") == "Syrien"


def test_case_endings_belong_to_languages_that_have_them():
    assert TR.with_ending("2016", 2016, "year", 0, "de") == "2016’da"
    with pytest.raises(LanguageError, match="'de' has none"):
        DE.with_ending("2016", 2016, "year", 0, "de")
    with pytest.raises(ValueError, match="unknown case ending"):
        TR.with_ending("2016", 2016, "year", 0, "xyz")


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_counts_round_trip_in_both_languages(number):
    for lang, locale in (("en", "en_GB"), ("tr", "tr_TR")):
        assert int(parse_decimal(format_value(number, "count", lang), locale=locale)) == number


@given(st.integers(min_value=0, max_value=10**12))
def test_turkish_groups_with_dots_and_english_with_commas(number):
    tr, en = format_value(number, "count", "tr"), format_value(number, "count", "en")
    assert tr == en.replace(",", ".")
    assert "," not in tr


@given(st.floats(min_value=0, max_value=1, allow_nan=False), st.integers(0, 2))
def test_percent_sign_leads_in_turkish_and_trails_in_english(share, digits):
    tr, en = (
        format_value(share, "percent", "tr", digits),
        format_value(share, "percent", "en", digits),
    )
    assert tr.startswith("%") and en.endswith("%")
    assert tr[1:].replace(",", ".") == en[:-1].replace(",", "")  # same digits
    decimals = tr.split(",")[1] if "," in tr else ""
    assert len(decimals) == digits


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.integers(0, 3))
def test_decimals_use_a_comma_in_turkish(value, digits):
    tr = format_value(value, "decimal", "tr", digits)
    en = format_value(value, "decimal", "en", digits)
    assert tr == en.replace(",", "\0").replace(".", ",").replace("\0", ".")


def test_country_names_come_from_cldr():
    assert country_name("SY", "tr", "Syria") == "Suriye"
    assert country_name("IR", "tr", "Iran") == "İran"
    assert country_name("SY", "en", "x") == "Syria"
    assert country_name("", "tr", "Unknown") == "Unknown"


@pytest.mark.parametrize(
    ("number", "word"),
    [
        (0, "sıfır"),
        (2016, "altı"),
        (2021, "bir"),
        (3737369, "dokuz"),
        (40, "kırk"),
        (100, "yüz"),
        (2000, "bin"),
        (3_000_000, "milyon"),
        (5_000_000_000, "milyar"),
        (90, "doksan"),
        (1960, "altmış"),
    ],
)
def test_last_spoken_word(number, word):
    assert last_spoken_word(number) == word


@pytest.mark.parametrize(
    ("number", "case", "ending"),
    [
        (2016, "de", "da"),
        (2021, "de", "de"),
        (2013, "de", "te"),
        (1994, "de", "te"),
        (2014, "den", "ten"),
        (2020, "den", "den"),
        (2016, "e", "ya"),
        (2019, "e", "a"),
        (42, "e", "ye"),
        (3, "e", "e"),
        (2022, "in", "nin"),
        (2010, "in", "un"),
        (2015, "i", "i"),
        (2016, "i", "yı"),
        (92, "sini", "sini"),
        (176, "sine", "sına"),
        (84, "sine", "üne"),
        (42, "si", "si"),
        (40, "si", "ı"),
        (30, "si", "u"),
        (100, "sinde", "ünde"),
        (6, "sinden", "sından"),
        # the copula -DIr
        (5, "dir", "tir"),
        (72, "dir", "dir"),
        (42, "dir", "dir"),
        (2016, "dir", "dır"),
        (3, "dir", "tür"),
        (10, "dir", "dur"),
        (40, "dir", "tır"),
        (100, "dir", "dür"),
        (9, "dir", "dur"),
        (4, "dir", "tür"),
        (60, "dir", "tır"),
        (0, "dir", "dır"),
        (1000, "dir", "dir"),
        (3_000_000, "dir", "dur"),
    ],
)
def test_turkish_suffixes(number, case, ending):
    assert turkish_suffix(number, case) == ending


@given(st.integers(min_value=0, max_value=10**12))
def test_locative_always_agrees_with_the_spoken_word(number):
    ending = turkish_suffix(number, "de")
    word = last_spoken_word(number)
    back = any(ch in "aıou" for ch in [c for c in word if c in "aıoueiöü"][-1])
    assert ending[1] == ("a" if back else "e")
    assert ending[0] == ("t" if word[-1] in "fstkçşhp" else "d")


def test_spoken_integer_reads_the_formatted_value():
    assert spoken_integer(0.176, "percent", 1) == 6  # "yüzde on yedi virgül altı"
    assert spoken_integer(1.085, "decimal", 3) == 85  # "bir virgül sıfır seksen beş"
    assert spoken_integer(1.0, "decimal", 2) == 0  # "bir virgül sıfır sıfır"
    assert spoken_integer(0.42, "percent", 0) == 42
    assert spoken_integer("2016-03-18", "date") == 2016
    assert spoken_integer(0.42, "decimal", 2) == 42
    assert spoken_integer(3737369, "count") == 3737369


@pytest.mark.parametrize(
    ("value", "kind", "digits", "expected"),
    [
        (1.085, "decimal", 3, "1,085’tir"),
        (0.72, "decimal", 2, "0,72’dir"),
        (0.42, "percent", 0, "%42’dir"),
        (0.176, "percent", 1, "%17,6’dır"),
        (2016, "year", 0, "2016’dır"),
        (3737369, "count", 0, "3.737.369’dur"),
        (1.0, "decimal", 2, "1,00’dır"),
        ("2016-03-18", "date", 0, "18 Mart 2016’dır"),
    ],
)
def test_the_copula_after_formatted_values(value, kind, digits, expected):
    assert TR.with_ending(TR.format(value, kind, digits), value, kind, digits, "dir") == expected


FOUR_WAY = {"a": "ı", "ı": "ı", "o": "u", "u": "u", "e": "i", "i": "i", "ö": "ü", "ü": "ü"}


def _expected_copula(word: str) -> str:
    vowel = [ch for ch in word if ch in "aıoueiöü"][-1]
    return ("t" if word[-1] in "fstkçşhp" else "d") + FOUR_WAY[vowel] + "r"


@given(st.integers(min_value=0, max_value=10**12))
def test_the_copula_agrees_with_the_spoken_word(number):
    ending = turkish_suffix(number, "dir")
    assert ending == _expected_copula(last_spoken_word(number))
    assert len(ending) == 3 and ending.endswith("r")


@given(st.integers(min_value=0, max_value=10**9), st.integers(1, 3))
def test_the_copula_after_a_decimal_follows_the_digits_after_the_comma(scaled, digits):
    """1,085 is read "bir virgül sıfır seksen beş": the fraction's digits decide, and a
    fraction of zeros is read "sıfır"."""
    value = scaled / 10**digits
    text = TR.with_ending(TR.format(value, "decimal", digits), value, "decimal", digits, "dir")
    number, ending = text.split("’")
    fraction = int(number.split(",")[1])
    assert ending == _expected_copula(last_spoken_word(fraction))


@given(st.floats(min_value=0, max_value=1, allow_nan=False), st.integers(0, 2))
def test_the_copula_after_a_percentage(share, digits):
    text = TR.with_ending(TR.format(share, "percent", digits), share, "percent", digits, "dir")
    number, ending = text.split("’")
    last_read = int(number[1:].split(",")[1]) if digits else int(number[1:].replace(".", ""))
    assert ending == _expected_copula(last_spoken_word(last_read))


@pytest.mark.parametrize(
    ("typed", "case", "rest"),
    [
        ("tir", "dir", ""),
        ("dır", "dir", ""),
        ("da", "de", ""),
        ("daki", "de", "ki"),
        ("nin", "in", ""),
        ("ya", "e", ""),
        ("sı", "si", ""),
        ("ndan", None, None),
    ],
)
def test_a_typed_suffix_is_named_by_its_case(typed, case, rest):
    from paperkit.endings.turkish import case_of_typed

    assert case_of_typed(typed) == (None if case is None else (case, rest))
