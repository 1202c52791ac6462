"""Locale-aware formatting of the numbers, dates and names the paper quotes.

Babel (CLDR) does the formatting; this module decides which CLDR pattern a kind
of number uses. It imports no pandas, so the manuscript jobs stay light.

Kinds of value (declared with each number in the results files):

- ``count``: an integer with grouping (en ``3,737,369``; tr ``3.737.369``)
- ``decimal``: ``digits`` fraction digits (en ``0.42``; tr ``0,42``)
- ``percent``: a fraction shown as a percentage with ``digits`` fraction digits
  (en ``42%``; tr ``%42``)
- ``year``: an integer without grouping (``2016``)
- ``date`` / ``month``: an ISO date shown as ``18 March 2016`` / ``18 Mart 2016``
  or ``March 2016`` / ``Mart 2016``
- ``p_value``: a probability with its relation sign, for "p {{name}}" in the
  text: ``= 0.042`` with ``digits`` decimals, or ``< 0.001`` below that (tr ``< 0,001``)
- ``countries``: a list of ISO 3166-1 alpha-2 codes, written as the language's
  country names joined as a list (en ``Syria, Iraq and Iran``; tr ``Suriye, Irak ve İran``)
- ``text``: a string used as it is
"""

from __future__ import annotations

import datetime as dt

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent

LOCALES = {"en": "en_GB", "tr": "tr_TR"}
KINDS = ("count", "decimal", "percent", "year", "date", "month", "p_value", "countries", "text")


def locale_of(lang: str) -> Locale:
    try:
        return Locale.parse(LOCALES[lang])
    except KeyError:
        raise ValueError(
            f"unsupported language {lang!r}; expected one of {sorted(LOCALES)}"
        ) from None


def _fraction_pattern(pattern: str, digits: int) -> str:
    """Give a CLDR pattern such as ``#,##0%`` or ``%#,##0`` exactly ``digits`` decimals."""
    return pattern.replace("#,##0", "#,##0" + ("." + "0" * digits if digits else ""), 1)


def format_value(value, kind: str, lang: str, digits: int = 0) -> str:
    """Format ``value`` of the given kind for language ``lang``."""
    locale = locale_of(lang)
    if kind == "count":
        return format_decimal(round(value), format="#,##0", locale=locale)
    if kind == "decimal":
        return format_decimal(value, format=_fraction_pattern("#,##0", digits), locale=locale)
    if kind == "percent":
        pattern = _fraction_pattern(locale.percent_formats[None].pattern, digits)
        return format_percent(value, format=pattern, locale=locale)
    if kind == "year":
        return str(int(value))
    if kind in ("date", "month"):
        day = dt.date.fromisoformat(str(value)[:10])
        return format_date(day, "d MMMM y" if kind == "date" else "MMMM y", locale=locale)
    if kind == "p_value":
        floor, pattern = 10.0**-digits, _fraction_pattern("#,##0", digits)
        if value < floor:
            return "< " + format_decimal(floor, format=pattern, locale=locale)
        return "= " + format_decimal(value, format=pattern, locale=locale)
    if kind == "countries":
        return format_list([country_name(code, lang, code) for code in value], locale=locale)
    if kind == "text":
        return str(value)
    raise ValueError(f"unknown kind {kind!r}; expected one of {KINDS}")


def country_name(iso2: str, lang: str, fallback: str) -> str:
    """CLDR's name of a country (by ISO 3166-1 alpha-2) in ``lang``, else ``fallback``."""
    return locale_of(lang).territories.get(iso2 or "", fallback)


# --- Turkish case suffixes after numbers -------------------------------------
# Turkish attaches case endings to a numeral with an apostrophe, and the ending
# follows the vowel harmony and final consonant of the numeral *as read aloud*:
# 2016'da (on altı), 2021'de (yirmi bir), 3.737.369'a (dokuz), %42'si (iki).

_UNITS = ["sıfır", "bir", "iki", "üç", "dört", "beş", "altı", "yedi", "sekiz", "dokuz"]
_TENS = ["", "on", "yirmi", "otuz", "kırk", "elli", "altmış", "yetmiş", "seksen", "doksan"]
_BACK, _FRONT = set("aıou"), set("eiöü")
_VOICELESS = set("fstkçşhp")


def last_spoken_word(number: int) -> str:
    """The last word of a non-negative integer read aloud in Turkish."""
    number = abs(int(number))
    if number == 0:
        return "sıfır"
    if number % 10:
        return _UNITS[number % 10]
    if number % 100:
        return _TENS[(number // 10) % 10]
    for word, scale in (("yüz", 1000), ("bin", 10**6), ("milyon", 10**9)):
        if number % scale:
            return word
    return "milyar"


def _harmony(word: str) -> tuple[str, str, bool]:
    """(last vowel, two-way vowel a/e, ends in a voiceless consonant) of ``word``."""
    vowel = [ch for ch in word if ch in _BACK | _FRONT][-1]
    return vowel, "a" if vowel in _BACK else "e", word[-1] in _VOICELESS


def _four_way(vowel: str) -> str:
    return {"a": "ı", "ı": "ı", "o": "u", "u": "u", "e": "i", "i": "i", "ö": "ü", "ü": "ü"}[vowel]


SUFFIXES = ("de", "den", "e", "in", "i", "si", "sini", "sine", "sinde", "sinden")


def turkish_suffix(number: int, case: str) -> str:
    """The case ending (without apostrophe) that follows ``number`` in Turkish.

    ``case``: ``de`` locative, ``den`` ablative, ``e`` dative, ``in`` genitive,
    ``i`` accusative; ``si`` third-person possessive (%42'si, %17,6'sı), and the
    possessive followed by the accusative (``sini``), dative (``sine``),
    locative (``sinde``) or ablative (``sinden``).
    """
    word = last_spoken_word(number)
    vowel, two_way, voiceless = _harmony(word)
    ends_in_vowel = word[-1] in _BACK | _FRONT
    d = "t" if voiceless else "d"
    if case == "de":
        return d + two_way
    if case == "den":
        return d + two_way + "n"
    if case == "e":
        return ("y" if ends_in_vowel else "") + two_way
    if case == "in":
        return ("n" if ends_in_vowel else "") + _four_way(vowel) + "n"
    if case == "i":
        return ("y" if ends_in_vowel else "") + _four_way(vowel)
    possessive = ("s" if ends_in_vowel else "") + _four_way(vowel)
    after_possessive = {
        "si": "",
        "sini": "n" + _four_way(vowel),
        "sine": "n" + two_way,
        "sinde": "nd" + two_way,
        "sinden": "nd" + two_way + "n",
    }
    if case in after_possessive:
        return possessive + after_possessive[case]
    raise ValueError(f"unknown Turkish case {case!r}; expected one of {SUFFIXES}")


def spoken_integer(value, kind: str, digits: int = 0) -> int:
    """The integer whose last spoken word decides the suffix of a formatted value.

    For ``%42,5`` that is 5 (the last digit read), for ``3.737.369`` it is 369,
    for a year the year, for a date the year (``18 Mart 2016'da``).
    """
    if kind in ("date", "month"):
        return int(str(value)[:4])
    if kind == "percent":
        scaled = round(float(value) * 100, digits)
        return round(abs(scaled) * 10**digits) if digits else round(abs(scaled))
    if kind in ("decimal", "p_value"):
        return round(abs(float(value)) * 10**digits)
    if kind in ("countries", "text"):
        raise ValueError(f"a case ending follows a number, not a value of kind {kind!r}")
    return abs(round(float(value)))
