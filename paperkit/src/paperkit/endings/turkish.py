"""Turkish case endings after numerals.

Turkish attaches case endings to a numeral with an apostrophe, and the ending
follows the vowel harmony and final consonant of the numeral *as read aloud*:
2016'da (on altı), 2021'de (yirmi bir), 3.737.369'a (dokuz), %42'si (iki).
The copula -DIr (``dir``) follows the same rules: 1,085'tir (beş), 0,72'dir
(iki), %42'dir, 2016'dır (altı), 3'tür (üç), 10'dur (on).
"""

from __future__ import annotations

from paperkit.endings import CaseEndings

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


SUFFIXES = ("de", "den", "e", "in", "i", "dir", "si", "sini", "sine", "sinde", "sinden")
# Every word that can end a numeral read aloud (so every form an ending can take).
SPOKEN_ENDS = (*_UNITS, *_TENS[1:], "yüz", "bin", "milyon", "milyar")


def turkish_suffix(number: int, case: str) -> str:
    """The case ending (without apostrophe) that follows ``number`` in Turkish.

    ``case``: ``de`` locative, ``den`` ablative, ``e`` dative, ``in`` genitive,
    ``i`` accusative, ``dir`` the copula -DIr (1,085'tir, 0,72'dir); ``si``
    third-person possessive (%42'si, %17,6'sı), and the possessive followed by the
    accusative (``sini``), dative (``sine``), locative (``sinde``) or ablative
    (``sinden``).
    """
    return suffix_after_word(last_spoken_word(number), case)


def suffix_after_word(word: str, case: str) -> str:
    """The ending ``case`` after a numeral whose last word read aloud is ``word``."""
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
    if case == "dir":
        return d + _four_way(vowel) + "r"
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
    for a year the year, for a date the year (``18 Mart 2016'da``). After a decimal
    comma the digits are read as a number of their own (``1,085``: "bir virgül sıfır
    seksen beş"; ``1,00``: "bir virgül sıfır sıfır"), so a fraction that is all zeros
    is read "sıfır".
    """
    if kind in ("date", "month"):
        return int(str(value)[:4])
    if kind == "percent":
        scaled = round(float(value) * 100, digits)
        whole = round(abs(scaled) * 10**digits) if digits else round(abs(scaled))
        return whole % 10**digits if digits else whole
    if kind in ("decimal", "p_value"):
        whole = round(abs(float(value)) * 10**digits)
        return whole % 10**digits if digits else whole
    if kind in ("countries", "text"):
        raise ValueError(f"a case ending follows a number, not a value of kind {kind!r}")
    return abs(round(float(value)))


def case_of_typed(suffix: str) -> tuple[str, str] | None:
    """The case whose ending a hand-typed suffix is (after some numeral), and what follows
    it: ``"tir"`` → ``("dir", "")``, ``"daki"`` → ``("de", "ki")``; None if no ending
    begins the suffix. The longest ending wins."""
    typed = suffix.lower()
    forms = sorted(
        ((suffix_after_word(word, case), case) for case in SUFFIXES for word in SPOKEN_ENDS),
        key=lambda form: -len(form[0]),
    )
    for form, case in forms:
        if typed.startswith(form):
            return case, suffix[len(form) :]
    return None


class TurkishEndings(CaseEndings):
    """Case endings of Turkish, chosen by the last word of the number read aloud."""

    cases = SUFFIXES

    def ending(self, value, kind: str, digits: int, case: str) -> str:
        return turkish_suffix(spoken_integer(value, kind, digits), case)

    def typed_case(self, suffix: str) -> tuple[str, str] | None:
        return case_of_typed(suffix)
